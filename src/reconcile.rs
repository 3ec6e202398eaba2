//! Reconciliation: the lines each deletion matched, classified against the deletion time, and
//! turned into verdicts and a [`Report`].

use crate::ingest::FileScan;
use crate::model::{BillLine, Deletion, Verdict};
use crate::money::{format_quantity, Amounts};
use crate::report::{
    Coverage, InputReport, Report, ResourceReport, Settings, SourceRef, Summary, Tool,
    SCHEMA_VERSION,
};
use crate::settle::{self, Evidence, LineClass, LineFacts};
use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The knobs of the lag model.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub lag: Duration,
    pub window: Duration,
    pub grace: Duration,
    pub as_of: Option<DateTime<Utc>>,
}

/// How many post-deletion charges each resource cites by file and line.
const SOURCES: usize = 5;

pub fn reconcile(
    deletions: &[Deletion],
    mut scans: Vec<FileScan>,
    rules: &Rules,
    settings: Settings,
    mut warnings: Vec<String>,
) -> Report {
    let duplicates = dedupe(&mut scans);
    let coverage = coverage(&scans, rules);

    let mut by_deletion: Vec<Vec<&BillLine>> = vec![Vec::new(); deletions.len()];
    for scan in &scans {
        for line in &scan.lines {
            for &h in &line.ident.hits {
                if let Some(v) = by_deletion.get_mut(h as usize) {
                    v.push(line);
                }
            }
        }
    }

    let mut resources = Vec::new();
    for (d, lines) in deletions.iter().zip(by_deletion.iter_mut()) {
        lines.sort_by_key(|l| (l.time(), l.input, l.line));
        match &d.resource_id {
            Some(id) => {
                let ids: BTreeSet<&str> = lines.iter().map(|l| l.ident.norm_id.as_str()).collect();
                if ids.len() > 1 {
                    warnings.push(format!(
                        "`{id}` ({}) matches lines of {} different resources: {}",
                        d.origin,
                        ids.len(),
                        ids.into_iter().collect::<Vec<_>>().join(", ")
                    ));
                }
                resources.push(assess(
                    d,
                    id.clone(),
                    "resource",
                    lines,
                    &coverage,
                    rules,
                    &scans,
                ));
            }
            None => {
                let product = d.product.clone().unwrap_or_default();
                let mut groups: BTreeMap<&str, Vec<&BillLine>> = BTreeMap::new();
                for l in lines.iter() {
                    groups.entry(l.ident.norm_id.as_str()).or_default().push(l);
                }
                // Products are told apart by code where the bill has one (names repeat:
                // ModelArts services and notebooks are both "ModelArts").
                let names: BTreeSet<&str> = lines
                    .iter()
                    .map(|l| {
                        if l.ident.product_code.is_empty() {
                            l.ident.product.as_str()
                        } else {
                            l.ident.product_code.as_str()
                        }
                    })
                    .collect();
                if names.len() > 1 {
                    warnings.push(format!(
                        "the cleanup of product `{product}` ({}) catches lines under {} products: {}",
                        d.origin,
                        names.len(),
                        names.into_iter().collect::<Vec<_>>().join(", ")
                    ));
                }
                if groups.is_empty() {
                    resources.push(assess(
                        d,
                        String::new(),
                        "product",
                        &[],
                        &coverage,
                        rules,
                        &scans,
                    ));
                }
                for (id, group) in groups {
                    resources.push(assess(
                        d,
                        id.to_string(),
                        "product",
                        &group,
                        &coverage,
                        rules,
                        &scans,
                    ));
                }
            }
        }
    }
    resources.sort_by(|a, b| {
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
        .zip(&duplicates)
        .map(|(s, dup)| InputReport {
            path: s.path.clone(),
            format: s.format,
            version: s.version,
            rows: s.rows,
            duplicate_rows: *dup,
            skipped_rows: s.skipped_rows,
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
    }
}

/// Drops lines that appear, field for field, in an earlier-counted input: a month exported
/// twice, or daily files beside the monthly file. Within one file identical lines are kept
/// (they are separate charges); across files a line counts as often as the file that holds it
/// most often. Returns the lines dropped per input.
fn dedupe(scans: &mut [FileScan]) -> Vec<u64> {
    let mut counts: HashMap<u64, Vec<(usize, u64)>> = HashMap::new();
    for s in scans.iter() {
        for l in &s.lines {
            let per_input = counts.entry(l.fingerprint).or_default();
            match per_input.iter_mut().find(|(i, _)| *i == l.input as usize) {
                Some((_, n)) => *n += 1,
                None => per_input.push((l.input as usize, 1)),
            }
        }
    }
    let winner: HashMap<u64, usize> = counts
        .into_iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(fp, v)| {
            // The input holding the line most often wins; on a tie, the first given.
            let best = v
                .iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map_or(0, |w| w.0);
            (fp, best)
        })
        .collect();
    let mut dropped = vec![0; scans.len()];
    for (i, s) in scans.iter_mut().enumerate() {
        let before = s.lines.len();
        s.lines.retain(|l| {
            winner
                .get(&l.fingerprint)
                .is_none_or(|w| *w == l.input as usize)
        });
        dropped[i] = (before - s.lines.len()) as u64;
    }
    dropped
}

/// `complete_through` per provider over all inputs.
fn coverage(scans: &[FileScan], rules: &Rules) -> BTreeMap<String, Option<DateTime<Utc>>> {
    type Latest = (
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    );
    let mut latest: BTreeMap<String, Latest> = BTreeMap::new();
    for s in scans {
        for p in &s.providers {
            let e = latest.entry(p.provider.clone()).or_default();
            e.0 = e.0.max(p.latest_usage_end);
            e.1 = e.1.max(p.latest_long_end);
            e.2 = e.2.max(p.latest_charge);
        }
    }
    latest
        .into_iter()
        // Metered usage says how far the bill is settled; only a provider without any falls
        // back to longer windows, then to the latest time charged.
        .map(|(p, (end, long, charge))| {
            let latest = end.or(long).or(charge);
            (p, settle::complete_through(latest, rules.as_of, rules.lag))
        })
        .collect()
}

fn assess(
    d: &Deletion,
    resource_id: String,
    scope: &'static str,
    lines: &[&BillLine],
    coverage: &BTreeMap<String, Option<DateTime<Utc>>>,
    rules: &Rules,
    scans: &[FileScan],
) -> ResourceReport {
    let mut r = ResourceReport {
        resource_id,
        bill_ids: Vec::new(),
        rules: Vec::new(),
        resource_name: String::new(),
        product: d.product.clone().unwrap_or_default(),
        provider: d.provider.clone(),
        scope,
        deleted_at: d.deleted_at,
        verdict: Verdict::Pending,
        lines: lines.len(),
        lines_after_deletion: 0,
        amount_after_deletion: Amounts::default(),
        usage_after_deletion: String::new(),
        first_after_deletion: None,
        last_after_deletion: None,
        tail_lines: 0,
        tail_amount: Amounts::default(),
        refunds_after_deletion: Amounts::default(),
        complete_through: None,
        sources: Vec::new(),
        note: d.note.clone(),
    };
    let mut usage = Decimal::ZERO;
    let mut bill_ids = BTreeSet::new();
    let mut rule_names = BTreeSet::new();
    let mut providers = BTreeSet::new();
    for l in lines {
        bill_ids.insert(l.ident.bill_id.clone());
        rule_names.insert(l.ident.rule.clone());
        providers.insert(l.ident.provider.as_str());
        if r.resource_name.is_empty() {
            r.resource_name = l.ident.resource_name.clone();
        }
        if let Some(p) = [&l.ident.product, &l.ident.product_code]
            .into_iter()
            .find(|p| !p.is_empty())
        {
            if r.product.is_empty() || scope == "product" {
                r.product = p.clone();
            }
        }
        let Some(time) = l.time() else { continue };
        let facts = LineFacts {
            time,
            usage_end: l.usage_end,
            kind: l.kind,
            amount: l.amount,
            usage: l.usage,
        };
        match settle::classify(&facts, d.deleted_at, rules.grace) {
            LineClass::PostDeletion => {
                r.lines_after_deletion += 1;
                r.amount_after_deletion.add(&l.ident.currency, l.amount);
                usage += l.usage.unwrap_or_default();
                r.first_after_deletion = Some(r.first_after_deletion.map_or(time, |t| t.min(time)));
                r.last_after_deletion = Some(r.last_after_deletion.map_or(time, |t| t.max(time)));
                if r.sources.len() < SOURCES {
                    r.sources.push(SourceRef {
                        path: scans[l.input as usize].path.clone(),
                        line: l.line,
                    });
                }
            }
            LineClass::Tail => {
                r.tail_lines += 1;
                r.tail_amount.add(&l.ident.currency, l.amount);
            }
            LineClass::Refund {
                after_deletion: true,
            } => r.refunds_after_deletion.add(&l.ident.currency, l.amount),
            LineClass::Refund {
                after_deletion: false,
            }
            | LineClass::ZeroAfter
            | LineClass::Earlier => {}
        }
    }
    r.usage_after_deletion = format_quantity(usage);
    r.bill_ids = bill_ids.into_iter().collect();
    r.rules = rule_names.into_iter().collect();
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
        lines: lines.len(),
        complete_through: r.complete_through,
    };
    r.verdict = settle::verdict(&evidence, d.deleted_at, rules.window);
    r
}
