//! Running totals of the bill lines one deletion matched for one resource: everything the report
//! says about a resource (counts, sums by currency, first and last charge, the lines it cites,
//! the names it shows), kept as lines are read instead of keeping the lines.
//!
//! A [`Tally`] is the same whatever order its lines were added in and however they were split
//! (pieces of a file, files of an export): sums are exact ([`Sum`]), and the values the report
//! takes from "the first line" are picked by the line's [`LineKey`] (time, input, line), the order
//! the report lists lines in. So memory grows with the (deletion, resource) pairs, never with
//! the number of matched lines.
//!
//! Every deleted resource keeps one tally per input that mentions it (and, while a file is read
//! in pieces, one per piece being read), so a tally is kept small: sums in sorted vectors, at
//! most [`NAMES`] distinct values per list of names, at most [`SOURCES`] cited lines, and all the
//! tallies of a scan in one ordered map (a map per deletion would cost a map node each).

use super::series::{self, Series};
use super::verdict::{self, LineClass, LineFacts};
use crate::ingest::{Count, Counts, Selected};
use crate::model::{BillLine, DeletionIdx, LineKey, LineKind};
use crate::money::Sums;
use chrono::{DateTime, Duration, FixedOffset, Utc};
use std::borrow::Borrow;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::ops::Bound;

/// How many post-deletion charges each resource cites by file and line.
pub const SOURCES: usize = 5;

/// A value taken from one line, with the line's key to decide which line's value wins.
pub type Picked = Option<(LineKey, Box<str>)>;

/// How many distinct values a list of names ([`Names`]) keeps.
pub const NAMES: usize = 16;

/// Distinct values seen on a resource's lines (the IDs the bill wrote, the rules that matched,
/// providers, products): the [`NAMES`] smallest, sorted, and whether there were more. Bounded
/// whatever the lines hold (an export can write a different ID suffix on every line), and the
/// same however the lines were split: the smallest values of a union are among the smallest of
/// its parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    values: Values,
}

/// The values of a [`Names`]: most lists hold one (a resource's one ID, rule, provider and
/// product), kept without a slice around it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Values {
    One(Option<Box<str>>),
    /// Two or more, sorted (never fewer again), and whether more were seen than are kept.
    Many(Box<[Box<str>]>, bool),
}

impl Default for Values {
    fn default() -> Self {
        Values::One(None)
    }
}

impl Names {
    fn slice(&self) -> &[Box<str>] {
        match &self.values {
            Values::One(v) => v.as_slice(),
            Values::Many(v, _) => v,
        }
    }

    /// Adds `value` unless it is there (no allocation for a value already seen).
    pub fn note(&mut self, value: &str) {
        let at = match self.slice().binary_search_by(|v| (**v).cmp(value)) {
            Ok(_) => return,
            Err(at) => at,
        };
        let (mut values, mut more) = match std::mem::take(&mut self.values) {
            Values::One(None) => {
                self.values = Values::One(Some(value.into()));
                return;
            }
            Values::One(Some(v)) => (vec![v], false),
            Values::Many(v, more) => (v.into_vec(), more),
        };
        if at < NAMES {
            if values.len() == NAMES {
                values.pop();
                more = true;
            }
            values.reserve_exact(1);
            values.insert(at, value.into());
        } else {
            more = true;
        }
        self.values = Values::Many(values.into_boxed_slice(), more);
    }

    pub fn merge(&mut self, other: &Names) {
        for v in other.slice() {
            self.note(v);
        }
        if let (Values::Many(_, more), true) = (&mut self.values, other.truncated()) {
            *more = true;
        }
    }

    /// The values kept, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.slice().iter().map(|v| &**v)
    }

    pub fn contains(&self, value: &str) -> bool {
        self.slice().binary_search_by(|v| (**v).cmp(value)).is_ok()
    }

    pub fn len(&self) -> usize {
        self.slice().len()
    }

    pub fn is_empty(&self) -> bool {
        self.slice().is_empty()
    }

    /// Whether more than [`NAMES`] distinct values were seen (only the smallest are kept).
    pub fn truncated(&self) -> bool {
        matches!(self.values, Values::Many(_, true))
    }
}

/// What the report needs of the lines one deletion matched for one (normalized) resource ID.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub lines: u64,
    /// The post-deletion charges; `None` until one is counted. Boxed: most deleted resources
    /// have none, and every tally of those is then about a third smaller (see [`Tally::after`]).
    pub after: Option<Box<After>>,
    pub tail_lines: u64,
    pub tail_amount: Sums,
    /// The latest end of a tail line of usage whose window is longer than a day.
    pub wide_tail_until: Option<DateTime<Utc>>,
    pub refunds_after_deletion: Sums,
    pub bill_ids: Names,
    pub rules: Names,
    pub providers: Names,
    /// The product code, else the product name, of each line (for the warning on a product
    /// cleanup that catches lines of several products).
    pub products: Names,
    /// The first non-empty resource name (smallest key).
    pub resource_name: Picked,
    /// The first and the last non-empty product name, else code: a resource-level row shows
    /// the first, a product-level cleanup the last (what reading the lines in order ends on).
    pub first_product: Picked,
    pub last_product: Picked,
    /// What an unsubscription needs (only for the deletions that are unsubscriptions).
    pub unsub: Option<Box<super::unsubscribed::Facts>>,
    /// Amounts by time bucket, only when the report draws them (`-f html`).
    pub series: Option<Box<Series>>,
}

/// What a tally keeps of the post-deletion charges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct After {
    pub lines_after_deletion: u64,
    pub amount_after_deletion: Sums,
    /// Usage of the post-deletion charges by unit (`""` where the export names none): never
    /// summed across units.
    pub usage_by_unit: Sums,
    /// Post-deletion charges of amount zero (they show usage: a plan, package or free tier
    /// covers them).
    pub no_charge_lines: u64,
    /// What the export's deduction columns say covered the post-deletion charges (boxed: most
    /// resources have none, and a tally stays small).
    pub deducted: Option<Box<Deducted>>,
    /// The post-deletion charges by billing item.
    pub items: Items,
    pub first_after_deletion: Option<DateTime<Utc>>,
    pub last_after_deletion: Option<DateTime<Utc>>,
    /// The keys of the first [`SOURCES`] post-deletion charges, in order.
    pub sources: Vec<LineKey>,
}

impl After {
    fn merge(&mut self, other: &After) {
        self.lines_after_deletion += other.lines_after_deletion;
        self.amount_after_deletion
            .merge(&other.amount_after_deletion);
        self.usage_by_unit.merge(&other.usage_by_unit);
        self.no_charge_lines += other.no_charge_lines;
        if let Some(d) = &other.deducted {
            self.deducted.get_or_insert_with(Default::default).merge(d);
        }
        self.items.merge(&other.items);
        self.first_after_deletion = match (self.first_after_deletion, other.first_after_deletion) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_after_deletion = self.last_after_deletion.max(other.last_after_deletion);
        for k in &other.sources {
            insert_source(&mut self.sources, *k);
        }
    }
}

/// Billing items kept apart per resource; the rest are added up as "other items". Which ones
/// are kept is decided by their key alone (the first in order), so a tally is the same whatever
/// order its lines came in, and its size is bounded.
pub const ITEMS: usize = 8;

/// A billing item: the product, the item billed within it, the billing mode.
pub type ItemKey = (Box<str>, Box<str>, Box<str>);

/// Lines and amounts of one billing item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemTally {
    pub lines: u64,
    pub amount: Sums,
}

impl ItemTally {
    fn merge(&mut self, other: &ItemTally) {
        self.lines += other.lines;
        self.amount.merge(&other.amount);
    }
}

/// A resource's post-deletion charges by billing item: the first [`ITEMS`] keys, in key order,
/// and the others together. A vector exactly as long as the items seen: most resources bill one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Items {
    pub kept: Vec<(ItemKey, ItemTally)>,
    pub other: ItemTally,
}

impl Items {
    fn add(
        &mut self,
        product: &str,
        item: &str,
        mode: &str,
        currency: &str,
        amount: rust_decimal::Decimal,
    ) {
        let key = (product, item, mode);
        let at = self
            .kept
            .partition_point(|((p, i, m), _)| (&**p, &**i, &**m) < key);
        let t = match self.kept.get_mut(at) {
            Some(((p, i, m), t)) if (&**p, &**i, &**m) == key => t,
            _ if at == ITEMS => &mut self.other,
            _ => {
                self.kept.insert(
                    at,
                    (
                        (product.into(), item.into(), mode.into()),
                        ItemTally::default(),
                    ),
                );
                self.trim();
                &mut self.kept[at].1
            }
        };
        t.lines += 1;
        t.amount.add(currency, amount);
    }

    fn merge(&mut self, other: &Items) {
        for (k, t) in &other.kept {
            match self.kept.binary_search_by(|(j, _)| j.cmp(k)) {
                Ok(at) => self.kept[at].1.merge(t),
                Err(at) => self.kept.insert(at, (k.clone(), t.clone())),
            }
        }
        self.other.merge(&other.other);
        self.trim();
    }

    /// Past [`ITEMS`] keys, the last ones go to `other`; the vector keeps no spare room.
    fn trim(&mut self) {
        while self.kept.len() > ITEMS {
            if let Some((_, t)) = self.kept.pop() {
                self.other.merge(&t);
            }
        }
        self.kept.shrink_to_fit();
    }
}

/// The deductions of a resource's post-deletion charges (see [`crate::model::Deductions`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deducted {
    /// Usage a resource plan or package covered, by unit.
    pub plan: Sums,
    /// Usage a reserved instance covered, by unit.
    pub reserved: Sums,
    /// Amounts a savings plan covered, by currency.
    pub savings_plan: Sums,
    /// Lines a commitment discount covered (FOCUS `PricingCategory` = `Committed`).
    pub committed_lines: u64,
}

impl Deducted {
    fn add(&mut self, d: &crate::model::Deductions<'_>, currency: &str) {
        let nonzero = |q: Option<rust_decimal::Decimal>| q.filter(|q| !q.is_zero());
        if let Some(q) = nonzero(d.plan) {
            self.plan.add(d.plan_unit, q);
        }
        if let Some(q) = nonzero(d.reserved) {
            self.reserved.add(d.reserved_unit, q);
        }
        if let Some(q) = nonzero(d.savings_plan) {
            self.savings_plan.add(currency, q);
        }
        self.committed_lines += u64::from(d.committed);
    }

    fn merge(&mut self, other: &Deducted) {
        self.plan.merge(&other.plan);
        self.reserved.merge(&other.reserved);
        self.savings_plan.merge(&other.savings_plan);
        self.committed_lines += other.committed_lines;
    }
}

/// Keeps the value of the smaller key; on a tie, the one seen first.
fn pick_first(slot: &mut Picked, key: LineKey, value: &str) {
    match slot {
        Some((k, _)) if key >= *k => {}
        _ => set(slot, key, value),
    }
}

/// Keeps the value of the larger key; on a tie, the one seen last.
fn pick_last(slot: &mut Picked, key: LineKey, value: &str) {
    match slot {
        Some((k, _)) if key < *k => {}
        _ => set(slot, key, value),
    }
}

/// Puts `value` at `key` in `slot`, allocating only for a value it does not hold: lines read in
/// order move the last key on every line, and their product seldom changes.
fn set(slot: &mut Picked, key: LineKey, value: &str) {
    match slot {
        Some((k, v)) if **v == *value => *k = key,
        _ => *slot = Some((key, value.into())),
    }
}

/// Inserts a source key in order after any equal one, keeping the first [`SOURCES`].
fn insert_source(sources: &mut Vec<LineKey>, key: LineKey) {
    if sources.len() == SOURCES && sources.last().is_some_and(|last| key >= *last) {
        return;
    }
    let at = sources.partition_point(|k| *k <= key);
    // Exactly what is kept, never more (a vector doubles to 8).
    sources.reserve_exact(SOURCES.saturating_sub(sources.len()));
    sources.insert(at, key);
    sources.truncate(SOURCES);
}

impl Tally {
    /// Counts one line against a deletion at `deleted_at` with `grace`.
    pub fn add(&mut self, l: &BillLine<'_>, deleted_at: DateTime<Utc>, grace: Duration) {
        self.lines += 1;
        self.bill_ids.note(l.bill_id);
        self.rules.note(l.rule);
        self.providers.note(l.provider);
        self.products.note(if l.product_code.is_empty() {
            l.product
        } else {
            l.product_code
        });
        if !l.resource_name.is_empty() {
            pick_first(&mut self.resource_name, l.key, l.resource_name);
        }
        if let Some(p) = [l.product, l.product_code]
            .into_iter()
            .find(|p| !p.is_empty())
        {
            pick_first(&mut self.first_product, l.key, p);
            pick_last(&mut self.last_product, l.key, p);
        }
        let facts = LineFacts {
            time: l.key.time,
            usage_end: l.usage_end,
            kind: l.kind,
            amount: l.amount,
            usage: l.usage,
        };
        let class = verdict::classify(&facts, deleted_at, grace);
        if let (Some(s), Some(c)) = (self.series.as_mut(), series::class_of(class)) {
            s.add(l.key.time, l.usage_end, c, l.currency, l.amount);
        }
        match class {
            LineClass::PostDeletion => {
                let time = l.key.time;
                let after = self.after.get_or_insert_with(Box::default);
                after.lines_after_deletion += 1;
                after.amount_after_deletion.add(l.currency, l.amount);
                if let Some(u) = l.usage {
                    after.usage_by_unit.add(l.unit, u);
                }
                after.no_charge_lines += u64::from(l.amount.is_zero());
                if l.deductions.covered() {
                    after
                        .deducted
                        .get_or_insert_with(Default::default)
                        .add(&l.deductions, l.currency);
                }
                let product = if l.product.is_empty() {
                    l.product_code
                } else {
                    l.product
                };
                after.items.add(
                    product,
                    l.billing_item,
                    l.billing_mode,
                    l.currency,
                    l.amount,
                );
                after.first_after_deletion =
                    Some(after.first_after_deletion.map_or(time, |t| t.min(time)));
                after.last_after_deletion =
                    Some(after.last_after_deletion.map_or(time, |t| t.max(time)));
                insert_source(&mut after.sources, l.key);
            }
            LineClass::Tail => {
                self.tail_lines += 1;
                self.tail_amount.add(l.currency, l.amount);
                if let Some(end) = l.usage_end {
                    let usage = matches!(l.kind, LineKind::Usage | LineKind::Other);
                    if usage && end - l.key.time > Duration::days(1) {
                        self.wide_tail_until = self.wide_tail_until.max(Some(end));
                    }
                }
            }
            LineClass::Refund {
                after_deletion: true,
            } => self.refunds_after_deletion.add(l.currency, l.amount),
            LineClass::Refund {
                after_deletion: false,
            }
            | LineClass::Fee { .. }
            | LineClass::ZeroAfter
            | LineClass::Earlier => {}
        }
    }

    /// What it keeps of the post-deletion charges: nothing (an empty [`After`]) when none was
    /// counted.
    pub fn after(&self) -> &After {
        static NONE: std::sync::OnceLock<After> = std::sync::OnceLock::new();
        self.after
            .as_deref()
            .unwrap_or_else(|| NONE.get_or_init(After::default))
    }

    /// Keeps amounts by time bucket from now on, in offset `tz` (a no-op without one, or when
    /// already kept).
    pub fn keep_series(&mut self, tz: Option<FixedOffset>) {
        if let (Some(tz), None) = (tz, &self.series) {
            self.series = Some(Box::new(Series::new(tz)));
        }
    }

    /// The usage after the deletion when all of it is in one unit (zero when no line showed
    /// any); `None` when units differ: they are never summed.
    pub fn usage_after_deletion(&self) -> Option<rust_decimal::Decimal> {
        let by_unit = self.after().usage_by_unit.amounts();
        let mut units = by_unit.iter();
        match (units.next(), units.next()) {
            (None, _) => Some(rust_decimal::Decimal::ZERO),
            (Some((_, u)), None) => Some(u),
            _ => None,
        }
    }

    /// Adds the lines another tally counted, as if they had been added here. On equal keys
    /// (never two distinct lines: a key names one line of one input) `other` counts as read
    /// after `self`.
    pub fn merge(&mut self, other: &Tally) {
        self.lines += other.lines;
        if let Some(a) = &other.after {
            self.after.get_or_insert_with(Box::default).merge(a);
        }
        self.tail_lines += other.tail_lines;
        self.tail_amount.merge(&other.tail_amount);
        self.wide_tail_until = self.wide_tail_until.max(other.wide_tail_until);
        self.refunds_after_deletion
            .merge(&other.refunds_after_deletion);
        self.bill_ids.merge(&other.bill_ids);
        self.rules.merge(&other.rules);
        self.providers.merge(&other.providers);
        self.products.merge(&other.products);
        if let Some((k, v)) = &other.resource_name {
            pick_first(&mut self.resource_name, *k, v);
        }
        if let Some((k, v)) = &other.first_product {
            pick_first(&mut self.first_product, *k, v);
        }
        if let Some((k, v)) = &other.last_product {
            pick_last(&mut self.last_product, *k, v);
        }
        if let Some(u) = &other.unsub {
            self.unsub.get_or_insert_with(Box::default).merge(u);
        }
        match (&mut self.series, &other.series) {
            (Some(a), Some(b)) => a.merge(b),
            (None, Some(b)) => self.series = Some(b.clone()),
            _ => {}
        }
    }

    /// Adds `base` to every line number: a piece of a file counts lines from its own start.
    pub fn renumber(&mut self, base: u64) {
        for (k, _) in [
            &mut self.resource_name,
            &mut self.first_product,
            &mut self.last_product,
        ]
        .into_iter()
        .flatten()
        {
            k.line += base;
        }
        for k in self.after.iter_mut().flat_map(|a| &mut a.sources) {
            k.line += base;
        }
        if let Some(u) = &mut self.unsub {
            u.renumber(base);
        }
    }
}

/// Where a tally is kept: its deletion and the normalized resource ID.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct TallyKey(DeletionIdx, Box<str>);

/// A key as (deletion, ID), owned or borrowed: a line's tally is found without building a key.
trait KeyRef {
    fn parts(&self) -> (DeletionIdx, &str);
}

impl KeyRef for TallyKey {
    fn parts(&self) -> (DeletionIdx, &str) {
        (self.0, &self.1)
    }
}

impl KeyRef for (DeletionIdx, &str) {
    fn parts(&self) -> (DeletionIdx, &str) {
        *self
    }
}

impl<'a> Borrow<dyn KeyRef + 'a> for TallyKey {
    fn borrow(&self) -> &(dyn KeyRef + 'a) {
        self
    }
}

// Ordered as `TallyKey`'s derived order is: deletion, then ID.
impl PartialEq for dyn KeyRef + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn KeyRef + '_ {}

impl PartialOrd for dyn KeyRef + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn KeyRef + '_ {
    fn cmp(&self, other: &Self) -> Ordering {
        self.parts().cmp(&other.parts())
    }
}

/// The tallies of one scan, by deletion index and normalized resource ID: one map for all (most
/// deletions match one resource, and a map per deletion would cost a node of eleven tallies).
/// Boxed: keys arrive mostly in order, which leaves a map's nodes about half full, and an
/// empty slot then costs a pointer, not a tally.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tallies(BTreeMap<TallyKey, Box<Tally>>);

impl Tallies {
    /// The tally of a deletion and a resource, created empty when new.
    pub fn entry(&mut self, deletion: DeletionIdx, norm_id: &str) -> &mut Tally {
        let probe: &dyn KeyRef = &(deletion, norm_id);
        if !self.0.contains_key(probe) {
            self.0
                .insert(TallyKey(deletion, norm_id.into()), Box::default());
        }
        self.0.get_mut(probe).expect("just inserted")
    }

    pub fn merge(&mut self, other: &Tallies) {
        for (k, t) in &other.0 {
            match self.0.get_mut(k) {
                Some(mine) => mine.merge(t),
                None => {
                    self.0.insert(k.clone(), t.clone());
                }
            }
        }
    }

    pub fn renumber(&mut self, base: u64) {
        for t in self.0.values_mut() {
            t.renumber(base);
        }
    }

    /// The tallies of one deletion, by normalized resource ID (in ID order).
    pub fn of(&self, deletion: DeletionIdx) -> impl Iterator<Item = (&str, &Tally)> + '_ {
        let from: &dyn KeyRef = &(deletion, "");
        self.0
            .range::<dyn KeyRef, _>((Bound::Included(from), Bound::Unbounded))
            .take_while(move |(k, _)| k.0 == deletion)
            .map(|(k, t)| (&*k.1, &**t))
    }

    /// Takes out the tallies of one deletion, by normalized resource ID (in ID order).
    pub fn take(&mut self, deletion: DeletionIdx) -> Vec<(Box<str>, Tally)> {
        let ids: Vec<Box<str>> = self.of(deletion).map(|(id, _)| id.into()).collect();
        ids.into_iter()
            .filter_map(|id| {
                let probe: &dyn KeyRef = &(deletion, &*id);
                self.0.remove(probe).map(|t| (id, *t))
            })
            .collect()
    }

    /// The tally of a deletion and a resource.
    pub fn get(&self, deletion: DeletionIdx, norm_id: &str) -> Option<&Tally> {
        let probe: &dyn KeyRef = &(deletion, norm_id);
        self.0.get(probe).map(|t| &**t)
    }

    /// Every tally, by deletion, then resource.
    pub fn values(&self) -> impl Iterator<Item = &Tally> + '_ {
        self.0.values().map(|t| &**t)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Tally> + '_ {
        self.0.values_mut().map(|t| &mut **t)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Lines counted, over every deletion and resource (a line matching two deletions counts
    /// twice).
    pub fn lines(&self) -> u64 {
        self.0.values().map(|t| t.lines).sum()
    }
}

impl Counts for Tallies {
    fn merge(&mut self, other: &Self) {
        Tallies::merge(self, other);
    }

    fn merge_owned(&mut self, other: Self) {
        if self.0.is_empty() {
            *self = other;
            return;
        }
        for (k, t) in other.0 {
            match self.0.get_mut(&k) {
                Some(mine) => mine.merge(&t),
                None => {
                    self.0.insert(k, t);
                }
            }
        }
    }

    fn renumber(&mut self, base: u64) {
        Tallies::renumber(self, base);
    }
}

/// What `ingest` calls for every matched line: counts it into the tally of each deletion it
/// mentions, classified against that deletion's time and the grace after it.
#[derive(Debug, Clone)]
pub struct Counter {
    /// When each deletion took effect, by [`DeletionIdx`]. A hit with no time here is not
    /// counted.
    deleted_at: Vec<DateTime<Utc>>,
    grace: Duration,
    /// Which deletions are unsubscriptions, by [`DeletionIdx`]: their lines are also counted
    /// for the refund check and the plan switchover (see `unsubscribed`).
    unsubscribed: Vec<bool>,
    /// Keep each resource's amounts by time bucket in this offset (`-f html` draws them;
    /// other formats leave it `None` and pay nothing for it).
    series: Option<FixedOffset>,
}

impl Counter {
    pub fn new(deleted_at: Vec<DateTime<Utc>>, grace: Duration) -> Self {
        Counter {
            deleted_at,
            grace,
            unsubscribed: Vec::new(),
            series: None,
        }
    }

    /// The same counter, with the deletions flagged `true` counted as unsubscriptions.
    pub fn with_unsubscribed(self, unsubscribed: Vec<bool>) -> Self {
        Counter {
            unsubscribed,
            ..self
        }
    }

    /// The same counter, also keeping amounts by time bucket (see [`series`]) when `tz` is
    /// given.
    pub fn with_series(self, tz: Option<FixedOffset>) -> Self {
        Counter { series: tz, ..self }
    }

    /// The counter for a list of deletions.
    pub fn of(deletions: &[crate::model::Deletion], grace: Duration) -> Self {
        Counter::new(deletions.iter().map(|d| d.deleted_at).collect(), grace).with_unsubscribed(
            deletions
                .iter()
                .map(|d| d.action == crate::model::Action::Unsubscribed)
                .collect(),
        )
    }

    fn unsubscribed(&self, h: DeletionIdx) -> bool {
        self.unsubscribed.get(h.get()).copied().unwrap_or(false)
    }
}

impl Count for Counter {
    type Counts = Tallies;

    #[inline]
    fn count(&self, into: &mut Tallies, selected: &Selected, line: &BillLine<'_>) {
        for &h in &selected.hits {
            if let Some(&at) = self.deleted_at.get(h.get()) {
                let t = into.entry(h, &selected.norm_id);
                t.keep_series(self.series);
                if line.extras.is_some() && self.unsubscribed(h) {
                    t.add_unsubscribed(line, at, self.grace);
                } else {
                    t.add(line, at, self.grace);
                }
            }
        }
    }

    fn wants_extras(&self, selected: &Selected) -> bool {
        selected.hits.iter().any(|h| self.unsubscribed(*h))
    }
}

#[cfg(test)]
mod tests;
