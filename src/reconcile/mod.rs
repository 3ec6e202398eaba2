//! Reconciliation, the deciding side: how each matched line relates to its deletion
//! (`verdict::classify`, called through [`count::Counter`] as lines are read), the running
//! tallies of those lines (`count`, with amounts by time bucket in `series` when the HTML
//! report asks), how far each provider's data is complete, and the verdict per deleted
//! resource, with the refund check and plan switchover of an unsubscription (`refund`,
//! `unsubscribed`), assembled into one [`Report`].
//!
//! It reads no file and renders nothing: `ingest` hands it matched lines through the
//! [`Count`](crate::ingest::Count) seam and coverage figures in [`FileScan`]s; `report` renders
//! what it returns.

pub mod baseline;
pub mod count;
pub mod coverage;
pub mod refund;
pub mod series;
pub mod unsubscribed;
pub mod verdict;

use crate::ingest::FileScan;
use crate::model::{Action, Deletion, LineKey, Verdict};
use crate::money::format_quantity;
use crate::report::{
    Coverage, DeductedReport, Detail, InputReport, ItemReport, Report, ResourceReport, Settings,
    SourceRef, Summary, Tool, SCHEMA_VERSION,
};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use count::{Picked, Tallies, Tally};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use unsubscribed::PlanRole;
use verdict::Evidence;

/// The timing of the lag model: how late charges arrive (`--lag`), how long after a deletion the
/// bill must be observed (`--window`), the grace after it (`--grace`) and when the exports were
/// taken (`--as-of`).
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub lag: Duration,
    pub window: Duration,
    pub grace: Duration,
    pub as_of: Option<DateTime<Utc>>,
    /// The providers' wall clock: Huawei counts an order's hours and days on it.
    pub tz: FixedOffset,
}

/// Builds the report from scans whose tallies were counted against `deletions` (and whose
/// shared lines were already counted once, see `ingest::dedupe`); with `detail`, also what
/// only the HTML report shows of each entry ([`Detail`]).
pub fn reconcile(
    deletions: &[Deletion],
    mut scans: Vec<FileScan<Tallies>>,
    timing: &Timing,
    settings: Settings,
    mut warnings: Vec<String>,
    detail: bool,
) -> Report {
    let coverage = coverage(&scans, timing);
    // A resource with its own register row is never listed again under a product cleanup that
    // covers it (one line is money once): the resources explicit rows found, with their
    // provider where the row names one. Only an ID a product cleanup caught can be claimed, so
    // only those are kept: a register of resources alone (the common case) keeps none, where
    // it kept an entry per row.
    let caught: BTreeSet<&str> = crate::deletions::indexed(deletions)
        .filter(|(_, d)| d.resource_id.is_none())
        .flat_map(|(i, _)| {
            scans
                .iter()
                .flat_map(move |s| s.tallies.of(i).map(|(id, _)| id))
        })
        .collect();
    let mut explicit: BTreeMap<String, Vec<Option<&str>>> = BTreeMap::new();
    for (i, d) in crate::deletions::indexed(deletions) {
        if d.resource_id.is_some() && !caught.is_empty() {
            let ids: BTreeSet<&str> = scans
                .iter()
                .flat_map(|s| s.tallies.of(i).map(|(id, _)| id))
                .filter(|id| caught.contains(id))
                .collect();
            for id in ids {
                explicit
                    .entry(id.to_string())
                    .or_default()
                    .push(d.provider.as_deref());
            }
        }
    }
    // Each deletion's tallies are taken out as its entries are built: the report grows as
    // the tallies shrink, instead of both being held whole.
    let mut tallies: Vec<Tallies> = scans
        .iter_mut()
        .map(|s| std::mem::take(&mut s.tallies))
        .collect();
    // The deletion's tallies over all inputs, by normalized resource ID.
    let mut groups_of = |i| {
        let mut groups: BTreeMap<Box<str>, Tally> = BTreeMap::new();
        for t in &mut tallies {
            for (id, t) in t.take(i) {
                match groups.get_mut(&id) {
                    Some(g) => g.merge(&t),
                    None => {
                        groups.insert(id, t);
                    }
                }
            }
        }
        groups
    };
    let claimed = |id: &str, group: &Tally| {
        explicit.get(id).is_some_and(|rows| {
            rows.iter().any(|p| match p {
                Some(p) => group.providers.contains(p),
                None => true,
            })
        })
    };

    // Each entry boxed (see `Report::resources`), with what only the HTML report shows when
    // it is the one rendered.
    let with_detail = |r: ResourceReport, d: &Deletion, t: &Tally| {
        let mut r = Box::new(r);
        if detail {
            r.detail = Some(Box::new(Detail {
                origin: d.origin.to_string(),
                looked_for: d.key(),
                timeline: t.series.as_deref().map(series::Series::timeline),
            }));
        }
        r
    };
    // The inputs' paths, shared by the lines entries cite.
    let paths: Vec<Arc<str>> = scans.iter().map(|s| Arc::from(s.path.as_str())).collect();
    let mut resources = Vec::with_capacity(deletions.len());
    for (i, d) in crate::deletions::indexed(deletions) {
        let groups = groups_of(i);
        match &d.resource_id {
            Some(id) => {
                let ids: BTreeSet<&str> = groups.keys().map(|k| &**k).collect();
                if ids.len() > 1 {
                    warnings.push(format!(
                        "`{id}` ({}) matches lines of {} different resources: {}",
                        d.origin,
                        ids.len(),
                        ids.into_iter().collect::<Vec<_>>().join(", ")
                    ));
                }
                let mut all = Tally::default();
                for t in groups.values() {
                    all.merge(t);
                }
                if all.bill_ids.truncated() {
                    warnings.push(many_bill_ids(id, &d.origin));
                }
                resources.push(with_detail(
                    assess(d, id.clone(), "resource", &all, &coverage, timing, &paths),
                    d,
                    &all,
                ));
            }
            None => {
                let product = d.product.clone().unwrap_or_default();
                // Products are told apart by code where the bill has one (names repeat:
                // ModelArts services and notebooks are both "ModelArts").
                let names: BTreeSet<&str> =
                    groups.values().flat_map(|t| t.products.iter()).collect();
                if names.len() > 1 {
                    warnings.push(format!(
                        "the cleanup of product `{product}` ({}) catches lines under {} products: {}",
                        d.origin,
                        names.len(),
                        names.into_iter().collect::<Vec<_>>().join(", ")
                    ));
                }
                // An unsubscribed plan or product concerns what it covered or prepaid; the
                // rest of the product never depended on it.
                let plan = d.action == Action::Unsubscribed;
                let mut unrelated = Vec::new();
                let mut own_rows = Vec::new();
                let before = resources.len();
                for (id, group) in &groups {
                    if claimed(id, group) {
                        own_rows.push(&**id);
                        continue;
                    }
                    if plan && unsubscribed::plan_role(group) == PlanRole::Unrelated {
                        unrelated.push(&**id);
                        continue;
                    }
                    if group.bill_ids.truncated() {
                        warnings.push(many_bill_ids(id, &d.origin));
                    }
                    resources.push(with_detail(
                        assess(
                            d,
                            id.to_string(),
                            "product",
                            group,
                            &coverage,
                            timing,
                            &paths,
                        ),
                        d,
                        group,
                    ));
                }
                if !own_rows.is_empty() {
                    warnings.push(format!(
                        "the cleanup of product `{product}` ({}) leaves out {} {} listed in the register on {} own: {}",
                        d.origin,
                        own_rows.len(),
                        if own_rows.len() == 1 { "resource" } else { "resources" },
                        if own_rows.len() == 1 { "its" } else { "their" },
                        own_rows.join(", ")
                    ));
                }
                // Nothing under the product but what explicit rows report: no empty entry.
                if resources.len() == before && own_rows.is_empty() {
                    resources.push(with_detail(
                        assess(
                            d,
                            String::new(),
                            "product",
                            &Tally::default(),
                            &coverage,
                            timing,
                            &paths,
                        ),
                        d,
                        &Tally::default(),
                    ));
                }
                if !unrelated.is_empty() {
                    warnings.push(format!(
                        "the unsubscription of `{product}` ({}) leaves out {} {} of it that no plan covered before it and that had no order of their own: {}",
                        d.origin,
                        unrelated.len(),
                        if unrelated.len() == 1 { "resource" } else { "resources" },
                        unrelated.join(", ")
                    ));
                }
            }
        }
    }
    for r in &resources {
        if let Some(until) = r.wide_tail_until {
            warnings.push(format!(
                "`{}` (deleted {}): a usage line spanning the deletion runs to {} (a line dated by \
                 its month): what it billed after the deletion cannot be told from it; pending \
                 until an export by day or hour covers the window",
                if r.resource_id.is_empty() { &r.product } else { &r.resource_id },
                crate::time::rfc3339(r.deleted_at),
                crate::time::rfc3339(until)
            ));
        }
    }
    sort_resources(&mut resources);

    let mut summary = Summary {
        deletions: resources.len(),
        ..Summary::default()
    };
    for r in &resources {
        match r.verdict {
            Verdict::StillBilling => summary.still_billing += 1,
            Verdict::Pending => summary.pending += 1,
            Verdict::NotInBill => summary.not_in_bill += 1,
            Verdict::Stopped => summary.stopped += 1,
        }
        summary
            .amount_after_deletion
            .merge(&r.amount_after_deletion);
    }
    summary.refunds = unsubscribed::count(
        resources
            .iter()
            .filter_map(|r| r.refund.as_ref().map(|f| f.status)),
    );
    for s in &scans {
        if s.skipped_rows > 0 {
            warnings.push(format!(
                "{}: skipped {} bad {} (--skip-bad-rows)",
                s.path,
                s.skipped_rows,
                if s.skipped_rows == 1 { "row" } else { "rows" }
            ));
        }
    }

    let inputs = scans
        .iter()
        .map(|s| InputReport {
            path: s.path.clone(),
            format: s.format,
            version: s.version,
            rows: s.rows,
            duplicate_rows: s.duplicate_rows,
            skipped_rows: s.skipped_rows,
            totals_rows: s.totals_rows,
            currency: (!s.currencies.is_empty()).then(|| s.currencies.join(",")),
            first_usage: s.first_usage,
            last_usage: s.last_usage,
        })
        .collect();
    Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "billrecon",
            version: env!("CARGO_PKG_VERSION"),
        },
        settings,
        inputs,
        coverage: coverage
            .into_iter()
            .map(|(provider, complete_through)| Coverage {
                provider,
                complete_through,
            })
            .collect(),
        summary,
        resources,
        warnings,
        baseline: None,
        gone: None,
    }
}

/// Orders the report's entries: by verdict (`still_billing` first), then amount, then ID. A
/// stable sort of their positions, then the entries moved in place: sorting the entries
/// themselves would take a buffer of half of them.
fn sort_resources(resources: &mut [Box<ResourceReport>]) {
    let mut order: Vec<usize> = (0..resources.len()).collect();
    order.sort_by(|&i, &j| {
        let (a, b) = (&resources[i], &resources[j]);
        a.verdict
            .cmp(&b.verdict)
            .then_with(|| {
                b.amount_after_deletion
                    .largest()
                    .cmp(&a.amount_after_deletion.largest())
            })
            .then_with(|| a.resource_id.cmp(&b.resource_id))
            .then_with(|| a.deleted_at.cmp(&b.deleted_at))
    });
    // Position `i` takes the entry at `order[i]`: follow each cycle once.
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = std::mem::replace(&mut order[at], usize::MAX);
            if from == usize::MAX || from == start {
                break;
            }
            resources.swap(at, from);
            at = from;
        }
    }
}

/// The warning for a resource billed under more IDs than a tally keeps.
fn many_bill_ids(id: &str, origin: &impl std::fmt::Display) -> String {
    format!(
        "`{id}` ({origin}) is billed under more than {n} different IDs: `bill_ids` lists the first {n} in sort order",
        n = count::NAMES
    )
}

/// `complete_through` per provider over all inputs.
fn coverage(
    scans: &[FileScan<Tallies>],
    timing: &Timing,
) -> BTreeMap<String, Option<DateTime<Utc>>> {
    coverage::by_provider(scans, timing.as_of, timing.lag)
}

/// The report entry of one deletion (for a product-level cleanup: of one resource it caught),
/// from the tally of the lines it matched.
fn assess(
    d: &Deletion,
    resource_id: String,
    scope: &'static str,
    t: &Tally,
    coverage: &BTreeMap<String, Option<DateTime<Utc>>>,
    timing: &Timing,
    paths: &[Arc<str>],
) -> ResourceReport {
    let lines = usize::try_from(t.lines).unwrap_or(usize::MAX);
    let after = t.after();
    let picked = |p: &Picked| p.as_ref().map(|(_, v)| v.to_string());
    // Read in (time, input, line) order, a resource-level row shows the first product seen
    // (unless the register names one) and a product-level cleanup the last.
    let product = match scope {
        "product" => picked(&t.last_product),
        _ if d.product.as_deref().is_some_and(|p| !p.is_empty()) => None,
        _ => picked(&t.first_product),
    };
    let mut r = ResourceReport {
        resource_id,
        bill_ids: t.bill_ids.iter().map(String::from).collect(),
        rules: t.rules.iter().map(String::from).collect(),
        resource_name: picked(&t.resource_name)
            .filter(|n| !n.is_empty())
            .or_else(|| d.resource_name.clone())
            .unwrap_or_default(),
        product: product.unwrap_or_else(|| d.product.clone().unwrap_or_default()),
        provider: d.provider.clone(),
        scope,
        deleted_at: d.deleted_at,
        verdict: Verdict::Pending,
        lines,
        lines_after_deletion: usize::try_from(after.lines_after_deletion).unwrap_or(usize::MAX),
        amount_after_deletion: after.amount_after_deletion.amounts(),
        usage_after_deletion: t.usage_after_deletion().map(format_quantity),
        usage_after_deletion_by_unit: after
            .usage_by_unit
            .amounts()
            .iter()
            .map(|(unit, q)| (unit.to_string(), format_quantity(q)))
            .collect(),
        no_charge_lines: usize::try_from(after.no_charge_lines).unwrap_or(usize::MAX),
        deducted_after_deletion: after.deducted.as_deref().map(deducted).unwrap_or_default(),
        items: items(&after.items),
        first_after_deletion: after.first_after_deletion,
        last_after_deletion: after.last_after_deletion,
        tail_lines: usize::try_from(t.tail_lines).unwrap_or(usize::MAX),
        tail_amount: t.tail_amount.amounts(),
        refunds_after_deletion: t.refunds_after_deletion.amounts(),
        complete_through: None,
        wide_tail_until: None,
        sources: after
            .sources
            .iter()
            .map(|k| SourceRef {
                path: paths
                    .get(k.input as usize)
                    .map_or_else(|| "".into(), Arc::clone),
                line: k.line,
            })
            .collect(),
        note: crate::deletions::note_of(d),
        change: None,
        previous_verdict: None,
        action: d.action,
        refund: None,
        origin: (d.origin.line.is_some() || d.origin.is_derived())
            .then(|| Box::new(d.origin.clone())),
        detail: None,
    };
    let providers: BTreeSet<&str> = t.providers.iter().collect();
    if r.provider.is_none() && providers.len() == 1 {
        r.provider = providers.iter().next().map(|p| p.to_string());
    }
    // The coverage of the providers whose lines mention the resource; for a resource no line
    // mentions, that of the register row's provider, else the earliest across the inputs.
    r.complete_through = if !providers.is_empty() {
        providers
            .iter()
            .filter_map(|p| coverage.get(*p).copied().flatten())
            .min()
    } else if let Some(p) = &d.provider {
        coverage.get(p).copied().flatten()
    } else if coverage.values().any(Option::is_none) {
        None
    } else {
        coverage.values().filter_map(|c| *c).min()
    };
    let evidence = Evidence {
        post_deletion_charges: r.lines_after_deletion,
        lines,
        complete_through: r.complete_through,
        wide_tail_until: t.wide_tail_until,
    };
    r.verdict = verdict::verdict(&evidence, d.deleted_at, timing.window);
    if d.action == Action::Unsubscribed {
        unsubscription(&mut r, d, scope, t, timing, paths);
    }
    if let (Verdict::Pending, Some(until)) = (r.verdict, t.wide_tail_until) {
        if until > d.deleted_at + timing.window {
            r.wide_tail_until = Some(until);
        }
    }
    r
}

/// What an unsubscription adds to a resource's entry: the refund check of a prepaid resource
/// (or plan), or for a resource an unsubscribed plan covered, whether it now bills
/// pay-as-you-go.
fn unsubscription(
    r: &mut ResourceReport,
    d: &Deletion,
    scope: &str,
    t: &Tally,
    timing: &Timing,
    paths: &[Arc<str>],
) {
    let complete = r
        .complete_through
        .is_some_and(|ct| ct >= d.deleted_at + timing.window);
    let role = unsubscribed::plan_role(t);
    if scope == "product" && role == PlanRole::Covered {
        let f = t.unsub.as_deref().cloned().unwrap_or_default();
        let switched = match f.first_payg {
            Some(first) if f.payg_lines > 0 => {
                r.verdict = Verdict::StillBilling;
                // The first charged hour, not a still-covered hour at no charge.
                r.first_after_deletion = Some(first);
                format!(
                    "pay-as-you-go since the plan ended: {} from {} ({})",
                    r.amount_after_deletion.display(),
                    crate::report::local(first, timing.tz),
                    crate::time::format_offset(timing.tz)
                )
            }
            _ => {
                // Lines still covered at no charge are not pay-as-you-go.
                let evidence = Evidence {
                    post_deletion_charges: 0,
                    lines: r.lines,
                    complete_through: r.complete_through,
                    wide_tail_until: t.wide_tail_until,
                };
                r.verdict = verdict::verdict(&evidence, d.deleted_at, timing.window);
                "covered by a plan before it ended; no pay-as-you-go charge since".to_string()
            }
        };
        r.note = Some(match r.note.take() {
            Some(n) => format!("{switched}; {n}"),
            None => switched,
        });
        return;
    }
    let provider = r.provider.clone().unwrap_or_default();
    let cite = |k: LineKey| SourceRef {
        path: paths
            .get(k.input as usize)
            .map_or_else(|| "".into(), Arc::clone),
        line: k.line,
    };
    r.refund = Some(Box::new(unsubscribed::refund_check(
        t.unsub.as_deref(),
        &provider,
        d.deleted_at,
        complete,
        timing.tz,
        &cite,
    )));
}

/// The deductions of a resource's post-deletion charges, for the report.
fn deducted(d: &count::Deducted) -> Vec<DeductedReport> {
    let mut out = Vec::new();
    for (by, sums) in [
        ("resource plan", &d.plan),
        ("reserved instance", &d.reserved),
        ("savings plan", &d.savings_plan),
    ] {
        for (unit, q) in sums.amounts().iter() {
            out.push(DeductedReport {
                by,
                quantity: format_quantity(q),
                unit: unit.to_string(),
            });
        }
    }
    if d.committed_lines > 0 {
        out.push(DeductedReport {
            by: "commitment",
            quantity: d.committed_lines.to_string(),
            unit: if d.committed_lines == 1 {
                "line"
            } else {
                "lines"
            }
            .into(),
        });
    }
    out
}

/// A resource's post-deletion charges by billing item, largest amount first, the items past
/// the first few last.
fn items(items: &count::Items) -> Vec<ItemReport> {
    let count = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    let mut out: Vec<ItemReport> = items
        .kept
        .iter()
        .map(|((product, item, mode), t)| ItemReport {
            product: product.to_string(),
            billing_item: item.to_string(),
            billing_mode: mode.to_string(),
            lines: count(t.lines),
            amount: t.amount.amounts(),
        })
        .collect();
    out.sort_by_key(|i| std::cmp::Reverse(i.amount.largest()));
    if items.other.lines > 0 {
        out.push(ItemReport {
            product: String::new(),
            billing_item: "(other items)".into(),
            billing_mode: String::new(),
            lines: count(items.other.lines),
            amount: items.other.amount.amounts(),
        });
    }
    out
}
