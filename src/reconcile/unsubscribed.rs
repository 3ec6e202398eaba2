//! What an unsubscription needs of the lines it matched, counted as they are read like the rest
//! of a [`Tally`]: the resource's purchase and renewal orders before U, the refund and fee lines
//! at or after U, and whether a resource plan covered it before U and it is charged after. Then
//! the refund check of [`super::refund`] and the plan switchover, turned into report entries.
//!
//! Memory per (deletion, resource) is bounded: sums, counts, the first [`SOURCES`] refund and
//! fee lines, and at most [`MAX_ORDERS`] orders (the latest: the refund concerns the order in
//! effect at U and the renewals after it; earlier ones have ended). Like a tally, the facts are
//! the same whatever order and pieces their lines were read in.

use super::count::{Tally, SOURCES};
use super::refund::{self, Order, OrderKind, Rules, Seen, Status};
use super::verdict::{self, LineClass, LineFacts};
use crate::model::{BillLine, LineExtras, LineKey, LineKind};
use crate::money::{Amounts, Sums};
use crate::report::{RefundReport, SourceRef};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Orders kept per resource. A monthly order auto-renewed for five years is 60.
pub const MAX_ORDERS: usize = 64;

/// A purchase or renewal order line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    pub key: LineKey,
    pub kind: OrderKind,
    pub currency: String,
    pub amount: Decimal,
    pub extras: LineExtras,
    /// The end of a service period the line states (a usage window longer than a day).
    pub window_end: Option<DateTime<Utc>>,
}

/// The unsubscription facts of one (deletion, resource).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Orders paid before U, by key; the latest [`MAX_ORDERS`].
    pub orders: Vec<OrderLine>,
    /// Orders seen beyond those kept.
    pub orders_dropped: u64,
    /// Refund lines at or after U and their amounts (negative, as billed).
    pub refund_lines: u64,
    pub refunds: Sums,
    /// Fee lines at or after U (positive).
    pub fee_lines: u64,
    pub fees: Sums,
    /// The fee column's values on lines at or after U.
    pub fee_column: Sums,
    /// The first [`SOURCES`] refund and fee lines.
    pub cited: Vec<LineKey>,
    /// Lines before U that a plan covered.
    pub covered_before: u64,
    /// Charges (a positive amount) after U, and the earliest one's time.
    pub payg_lines: u64,
    pub first_payg: Option<DateTime<Utc>>,
}

fn insert_key(keys: &mut Vec<LineKey>, key: LineKey) {
    let at = keys.partition_point(|k| *k <= key);
    keys.insert(at, key);
    keys.truncate(SOURCES);
}

impl Facts {
    fn add_order(&mut self, o: OrderLine) {
        let at = self.orders.partition_point(|p| p.key <= o.key);
        self.orders.insert(at, o);
        if self.orders.len() > MAX_ORDERS {
            self.orders.remove(0);
            self.orders_dropped += 1;
        }
    }

    /// Counts one line an unsubscription at `u` matched, of class `class` (as Part 1 reads it).
    fn add(&mut self, l: &BillLine<'_>, x: &LineExtras, u: DateTime<Utc>, class: LineClass) {
        let after = l.key.time >= u;
        let refund = l.kind == LineKind::Refund
            || (l.amount < Decimal::ZERO && !matches!(l.kind, LineKind::Credit | LineKind::Fee));
        if matches!(l.kind, LineKind::Purchase | LineKind::Renewal)
            && l.amount > Decimal::ZERO
            && !after
        {
            let window_end = l.usage_end.filter(|e| *e - l.key.time > Duration::days(1));
            self.add_order(OrderLine {
                key: l.key,
                kind: if l.kind == LineKind::Renewal {
                    OrderKind::Renewal
                } else {
                    OrderKind::New
                },
                currency: l.currency.to_string(),
                amount: l.amount,
                extras: *x,
                window_end,
            });
        } else if refund && after {
            self.refund_lines += 1;
            self.refunds.add(l.currency, l.amount);
            insert_key(&mut self.cited, l.key);
        } else if l.kind == LineKind::Fee && after {
            self.fee_lines += 1;
            self.fees.add(l.currency, l.amount);
            insert_key(&mut self.cited, l.key);
        }
        if after {
            if let Some(fee) = x.fee.filter(|f| !f.is_zero()) {
                self.fee_column.add(l.currency, fee);
            }
        }
        if x.covered && !after {
            self.covered_before += 1;
        }
        if class == LineClass::PostDeletion && l.amount > Decimal::ZERO {
            self.payg_lines += 1;
            let t = l.key.time;
            self.first_payg = Some(self.first_payg.map_or(t, |f| f.min(t)));
        }
    }

    pub fn merge(&mut self, other: &Facts) {
        self.orders_dropped += other.orders_dropped;
        for o in &other.orders {
            self.add_order(o.clone());
        }
        self.refund_lines += other.refund_lines;
        self.refunds.merge(&other.refunds);
        self.fee_lines += other.fee_lines;
        self.fees.merge(&other.fees);
        self.fee_column.merge(&other.fee_column);
        for k in &other.cited {
            insert_key(&mut self.cited, *k);
        }
        self.covered_before += other.covered_before;
        self.payg_lines += other.payg_lines;
        self.first_payg = match (self.first_payg, other.first_payg) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    pub fn renumber(&mut self, base: u64) {
        for o in &mut self.orders {
            o.key.line += base;
        }
        for k in &mut self.cited {
            k.line += base;
        }
    }
}

impl Tally {
    /// Counts a line an unsubscription at `u` matched: as [`Tally::add`] does, and with its
    /// [`BillLine::extras`] (read because the `Counter` asked) into the tally's unsubscription
    /// [`Facts`].
    pub fn add_unsubscribed(&mut self, l: &BillLine<'_>, u: DateTime<Utc>, grace: Duration) {
        self.add(l, u, grace);
        let x = l.extras.unwrap_or_default();
        let facts = LineFacts {
            time: l.key.time,
            usage_end: l.usage_end,
            kind: l.kind,
            amount: l.amount,
            usage: l.usage,
        };
        let class = verdict::classify(&facts, u, grace);
        self.unsub
            .get_or_insert_with(Box::default)
            .add(l, &x, u, class);
    }
}

/// The orders as the refund rules read them.
fn orders(f: &Facts) -> Vec<Order> {
    f.orders
        .iter()
        .map(|o| Order {
            kind: o.kind,
            paid_at: o.key.time,
            currency: o.currency.clone(),
            amount_due: o.amount,
            paid: o.extras.vouchers.map(|v| o.amount - v),
            original_price: o.extras.original_price,
            period: o.extras.period,
            window: o.window_end.map(|e| (o.key.time, e)),
            ecs: o.extras.ecs,
        })
        .collect()
}

/// Signs magnitudes as the bill signs refunds (a zero stays unsigned).
fn negated(m: &BTreeMap<String, Decimal>) -> Amounts {
    let mut a = Amounts::default();
    for (c, v) in m {
        a.add(c, if v.is_zero() { Decimal::ZERO } else { -*v });
    }
    a
}

/// The refund check of an unsubscribed resource from the facts its lines gave; `complete`
/// whether its provider's bill is complete through U + window; `cite` turns a key into a
/// source reference.
pub fn refund_check(
    facts: Option<&Facts>,
    provider: &str,
    u: DateTime<Utc>,
    complete: bool,
    tz: FixedOffset,
    cite: &dyn Fn(LineKey) -> SourceRef,
) -> RefundReport {
    let empty = Facts::default();
    let f = facts.unwrap_or(&empty);
    let mut net = f.refunds.clone();
    net.merge(&f.fees);
    let observed = net.amounts();
    let net_map: BTreeMap<String, Decimal> =
        observed.iter().map(|(c, v)| (c.to_string(), v)).collect();
    let seen = Seen {
        net: &net_map,
        refund_lines: f.refund_lines,
    };
    let orders = orders(f);
    let mut keys: Vec<LineKey> = f.cited.clone();
    let (ranges, mut basis) = if orders.is_empty() {
        (
            None,
            "no purchase or renewal order of it is in the inputs: the refund seen is reported without a range".to_string(),
        )
    } else {
        let e = refund::expected(Rules::of_provider(provider), &orders, u, tz);
        keys.extend(e.used.iter().map(|&i| f.orders[i].key));
        (e.ranges, e.basis)
    };
    let status = refund::status(!orders.is_empty(), ranges.as_ref(), seen, complete);
    if f.orders_dropped > 0 {
        basis.push_str(&format!(
            "; {} earlier orders not kept (at most {MAX_ORDERS} per resource)",
            f.orders_dropped
        ));
    }
    if f.fee_lines > 0 {
        basis.push_str(&format!(
            "; observed: refunds {} and fee lines {}",
            f.refunds.amounts().display(),
            f.fees.amounts().display()
        ));
    }
    if !f.fee_column.amounts().is_empty() {
        basis.push_str(&format!(
            "; the fee column shows {}",
            f.fee_column.amounts().display()
        ));
    }
    keys.sort();
    keys.dedup();
    let pick = |field: fn(&refund::Range) -> Decimal| {
        ranges.as_ref().map(|r| {
            r.iter()
                .map(|(c, range)| (c.clone(), field(range)))
                .collect::<BTreeMap<_, _>>()
        })
    };
    RefundReport {
        status,
        observed,
        expected_min: pick(|r| r.min).as_ref().map(negated),
        expected_max: pick(|r| r.max).as_ref().map(negated),
        paid: pick(|r| r.paid).map(|m| {
            let mut a = Amounts::default();
            for (c, v) in m {
                a.add(&c, v);
            }
            a
        }),
        basis,
        sources: keys.into_iter().map(cite).collect(),
    }
}

/// How a resource caught by an unsubscribed product-level row is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanRole {
    /// Covered by a plan before U: charges after U are pay-as-you-go since the plan ended.
    Covered,
    /// A prepaid resource or the plan itself (orders or refunds of it): the refund check.
    Prepaid,
    /// Neither: nothing the unsubscription changed; left out of the report.
    Unrelated,
}

pub fn plan_role(t: &Tally) -> PlanRole {
    match t.unsub.as_deref() {
        Some(f) if f.covered_before > 0 => PlanRole::Covered,
        Some(f) if !f.orders.is_empty() || f.refund_lines > 0 || f.fee_lines > 0 => {
            PlanRole::Prepaid
        }
        _ => PlanRole::Unrelated,
    }
}

/// A refund check's statuses counted for the summary.
pub fn count(statuses: impl Iterator<Item = Status>) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for s in statuses {
        *out.entry(s.name().to_string()).or_insert(0) += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    type Spec = (&'static str, u64, LineKind, &'static str, LineExtras);

    fn line(s: &Spec) -> BillLine<'static> {
        BillLine {
            key: LineKey {
                time: t(s.0),
                input: 0,
                line: s.1,
            },
            usage_end: None,
            kind: s.2,
            amount: dec(s.3),
            usage: None,
            unit: "",
            deductions: Default::default(),
            currency: "CNY",
            provider: "huawei",
            bill_id: "evs-1",
            rule: "as-is",
            resource_name: "",
            product: "",
            product_code: "",
            billing_item: "",
            billing_mode: "",
            extras: Some(s.4),
        }
    }

    fn facts(lines: &[Spec]) -> Facts {
        let mut tally = Tally::default();
        for s in lines {
            tally.add_unsubscribed(&line(s), t("2026-10-10T00:30:00Z"), Duration::zero());
        }
        *tally.unsub.unwrap_or_default()
    }

    fn sample() -> Vec<Spec> {
        let paid = LineExtras {
            vouchers: Some(dec("10")),
            period: Some(crate::model::Period {
                count: 1,
                unit: crate::model::Unit::Month,
            }),
            ..LineExtras::default()
        };
        let covered = LineExtras {
            covered: true,
            ..LineExtras::default()
        };
        let fee = LineExtras {
            fee: Some(dec("7.58")),
            ..LineExtras::default()
        };
        vec![
            ("2026-10-01T02:00:00Z", 2, LineKind::Purchase, "110", paid),
            ("2026-10-09T02:00:00Z", 3, LineKind::Renewal, "110", paid),
            ("2026-10-09T03:00:00Z", 4, LineKind::Usage, "0", covered),
            (
                "2026-10-10T01:00:00Z",
                5,
                LineKind::Usage,
                "3.46",
                LineExtras::default(),
            ),
            ("2026-10-10T02:00:00Z", 6, LineKind::Usage, "0", covered),
            ("2026-10-10T03:00:00Z", 7, LineKind::Refund, "-90.80", fee),
            (
                "2026-10-10T03:00:00Z",
                8,
                LineKind::Fee,
                "9.08",
                LineExtras::default(),
            ),
            (
                "2026-10-09T03:00:00Z",
                9,
                LineKind::Refund,
                "-1.00",
                LineExtras::default(),
            ),
            ("2026-10-11T03:00:00Z", 10, LineKind::Renewal, "110", paid),
            (
                "2026-10-11T04:00:00Z",
                11,
                LineKind::Credit,
                "-5",
                LineExtras::default(),
            ),
        ]
    }

    #[test]
    fn facts_read_as_the_lines_say() {
        let f = facts(&sample());
        let kinds: Vec<(u64, OrderKind)> = f.orders.iter().map(|o| (o.key.line, o.kind)).collect();
        // Orders before U only; the renewal after U is a charge, not an order to refund.
        assert_eq!(kinds, [(2, OrderKind::New), (3, OrderKind::Renewal)]);
        assert_eq!(f.refund_lines, 1);
        assert_eq!(f.refunds.amounts().display(), "CNY -90.80");
        assert_eq!(
            (f.fee_lines, f.fees.amounts().display()),
            (1, "CNY 9.08".into())
        );
        assert_eq!(f.fee_column.amounts().display(), "CNY 7.58");
        assert_eq!(f.cited.iter().map(|k| k.line).collect::<Vec<_>>(), [7, 8]);
        assert_eq!(f.covered_before, 1);
        // The 01:00 hour and the renewal after U are charged; the covered 02:00 hour is free.
        assert_eq!(f.payg_lines, 2);
        assert_eq!(f.first_payg, Some(t("2026-10-10T01:00:00Z")));
    }

    #[test]
    fn facts_do_not_depend_on_how_the_lines_were_split() {
        let lines = sample();
        let whole = facts(&lines);
        for cut in 0..=lines.len() {
            let mut m = facts(&lines[..cut]);
            m.merge(&facts(&lines[cut..]));
            assert_eq!(m, whole, "cut at {cut}");
            let mut r = facts(&lines[cut..]);
            r.merge(&facts(&lines[..cut]));
            assert_eq!(r, whole, "cut at {cut}, reversed");
        }
    }

    #[test]
    fn orders_are_bounded_to_the_latest() {
        let paid = LineExtras::default();
        let many: Vec<Spec> = (0..MAX_ORDERS as u64 + 6)
            .map(|i| {
                (
                    "2026-10-01T02:00:00Z",
                    100 + i,
                    LineKind::Renewal,
                    "1",
                    paid,
                )
            })
            .collect();
        let f = facts(&many);
        assert_eq!(f.orders.len(), MAX_ORDERS);
        assert_eq!(f.orders_dropped, 6);
        assert_eq!(f.orders[0].key.line, 106);
        let (a, b) = many.split_at(30);
        let mut m = facts(b);
        m.merge(&facts(a));
        assert_eq!(m, f);
    }
}
