//! `check --baseline`: what changed since an earlier run's JSON report (the deciding side: it
//! compares finished verdicts, and says which findings page under `--fail-on new`).
//!
//! Owns reading the earlier report (bad input when it is not a billrecon report of this schema)
//! and the pure comparison that marks each resource of this run with a [`Change`]. It reads the
//! finished [`Report`] only: no bill line, no verdict rule.
//!
//! Entries match by (provider, resource ID or product), case-insensitively, never by position
//! or deletion time (a later audit log may move a deletion time). A register row whose provider
//! was unknown in one run (nothing billed it yet) and known in the other still matches by ID.

use crate::error::{Error, Location, Result};
use crate::model::Verdict;
use crate::money::parse_decimal;
use crate::report::{BaselineInfo, Changes, Gone, Report, ResourceReport, SCHEMA_VERSION};
use crate::time::rfc3339;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// How a resource's finding moved since the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// A finding now, not before (and not pending before).
    New,
    /// A finding before and now, with other lines or money after deletion.
    Continuing,
    /// The same verdict and numbers, or no move that matters.
    Unchanged,
    /// A finding or pending before, `stopped` now.
    Resolved,
    /// Pending before, a finding now.
    Settled,
    /// Not in the baseline, not a finding.
    Added,
}

impl Change {
    pub fn name(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Continuing => "continuing",
            Change::Unchanged => "unchanged",
            Change::Resolved => "resolved",
            Change::Settled => "settled",
            Change::Added => "added",
        }
    }

    /// What `--fail-on new` pages for: a finding nobody has seen yet.
    pub fn pages(self) -> bool {
        matches!(self, Change::New | Change::Settled)
    }
}

/// One resource of the earlier report, as much of it as the comparison needs.
#[derive(Debug, Clone)]
struct Entry {
    provider: Option<String>,
    id: String,
    product: String,
    verdict: Verdict,
    /// The status of its refund check, for an unsubscribed resource.
    refund: Option<String>,
    lines_after_deletion: u64,
    amount_after_deletion: BTreeMap<String, Decimal>,
}

impl Entry {
    /// A finding: still billing, or a refund short, over or missing.
    fn finding(&self) -> bool {
        is_finding(self.verdict)
            || matches!(
                self.refund.as_deref(),
                Some("refund_short" | "refund_over" | "refund_missing")
            )
    }

    fn pending(&self) -> bool {
        self.verdict == Verdict::Pending || self.refund.as_deref() == Some("refund_pending")
    }
}

/// A finding now: still billing, or a refund short, over or missing (what exits 1).
fn finding_now(r: &ResourceReport) -> bool {
    is_finding(r.verdict) || r.refund.as_ref().is_some_and(|f| f.status.is_finding())
}

/// An earlier report, read whole (so `-o` may name it).
#[derive(Debug, Clone)]
pub struct Baseline {
    path: String,
    entries: Vec<Entry>,
    lag_seconds: Option<i64>,
    window_seconds: Option<i64>,
    tz: Option<String>,
    complete_through: Option<DateTime<Utc>>,
}

fn verdict(s: &str) -> Option<Verdict> {
    [
        Verdict::StillBilling,
        Verdict::Pending,
        Verdict::NotInBill,
        Verdict::Stopped,
    ]
    .into_iter()
    .find(|v| v.name() == s)
}

/// A finding is what makes `check` exit 1.
fn is_finding(v: Verdict) -> bool {
    v == Verdict::StillBilling
}

impl Baseline {
    pub fn read(path: &str) -> Result<Baseline> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::parse(path, &bytes)
    }

    pub fn parse(path: &str, bytes: &[u8]) -> Result<Baseline> {
        let bad = |m: String| Error::input(Location::file(path), format!("baseline: {m}"));
        let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
            Error::input(
                Location::at(path, e.line() as u64, Some(e.column())),
                format!("baseline: not a billrecon JSON report ({e})"),
            )
        })?;
        if doc["tool"]["name"] != "billrecon" || !doc["resources"].is_array() {
            return Err(bad(
                "not a billrecon JSON report (make one with `billrecon check -f json`)".into(),
            ));
        }
        match doc["schema_version"].as_u64() {
            Some(v) if v == u64::from(SCHEMA_VERSION) => {}
            other => {
                return Err(bad(format!(
                    "schema_version {} is not {SCHEMA_VERSION}, the version this billrecon reads",
                    other.map_or_else(|| "(none)".to_string(), |v| v.to_string())
                )))
            }
        }
        let mut entries = Vec::new();
        for (i, r) in doc["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let field = |name: &str| {
                r[name]
                    .as_str()
                    .ok_or_else(|| bad(format!("resources[{i}].{name} is not a string")))
            };
            let v = field("verdict")?;
            let verdict = verdict(v)
                .ok_or_else(|| bad(format!("resources[{i}].verdict `{v}` is unknown")))?;
            let mut amount_after_deletion = BTreeMap::new();
            if let Some(m) = r["amount_after_deletion"].as_object() {
                for (currency, a) in m {
                    let d = a
                        .as_str()
                        .and_then(|s| parse_decimal(s).ok())
                        .ok_or_else(|| {
                            bad(format!(
                                "resources[{i}].amount_after_deletion.{currency} is not an amount"
                            ))
                        })?;
                    amount_after_deletion.insert(currency.clone(), d);
                }
            }
            entries.push(Entry {
                provider: r["provider"].as_str().map(str::to_string),
                id: field("resource_id")?.to_string(),
                product: r["product"].as_str().unwrap_or_default().to_string(),
                verdict,
                refund: r["refund"]["status"].as_str().map(str::to_string),
                lines_after_deletion: r["lines_after_deletion"].as_u64().unwrap_or(0),
                amount_after_deletion,
            });
        }
        let complete_through = doc["coverage"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["complete_through"].as_str())
            .filter_map(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc))
            .max();
        let s = &doc["settings"];
        Ok(Baseline {
            path: path.to_string(),
            entries,
            lag_seconds: s["lag_seconds"].as_i64(),
            window_seconds: s["window_seconds"].as_i64(),
            tz: s["tz"].as_str().map(str::to_string),
            complete_through,
        })
    }
}

/// The key an entry is matched by: the resource ID, or for an entry without one (a
/// product-level cleanup that found nothing) the product.
fn key(id: &str, product: &str) -> String {
    if id.is_empty() {
        format!("product:{}", product.to_lowercase())
    } else {
        id.to_lowercase()
    }
}

fn providers_agree(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        // A row nothing billed has no provider yet; its ID still names it.
        _ => true,
    }
}

fn same_numbers(r: &ResourceReport, e: &Entry) -> bool {
    let now: BTreeMap<String, Decimal> = r
        .amount_after_deletion
        .iter()
        .map(|(c, a)| (c.to_string(), a))
        .collect();
    r.lines_after_deletion as u64 == e.lines_after_deletion
        && now == e.amount_after_deletion
        && r.refund.as_ref().map(|f| f.status.name()) == e.refund.as_deref()
}

/// The change of one resource given its baseline entry, if any.
fn change_of(r: &ResourceReport, before: Option<&Entry>) -> Change {
    let now = finding_now(r);
    let Some(e) = before else {
        return if now { Change::New } else { Change::Added };
    };
    match (e.finding(), now) {
        (true, true) if same_numbers(r, e) => Change::Unchanged,
        (true, true) => Change::Continuing,
        (false, true) if e.pending() => Change::Settled,
        (false, true) => Change::New,
        // not_in_bill before, stopped now: nothing was ever found to resolve.
        (_, false) if r.verdict == Verdict::Stopped && (e.finding() || e.pending()) => {
            Change::Resolved
        }
        (_, false) => Change::Unchanged,
    }
}

/// Marks every resource of `report` with its change since `baseline`, lists the baseline's
/// entries this run no longer has, counts the changes and warns where the comparison is weak.
pub fn apply(report: &mut Report, baseline: &Baseline) {
    let mut used = vec![false; baseline.entries.len()];
    let mut index: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, e) in baseline.entries.iter().enumerate() {
        index.entry(key(&e.id, &e.product)).or_default().push(i);
    }
    let mut changes = Changes::default();
    let mut warnings = Vec::new();
    for r in &mut report.resources {
        let k = key(&r.resource_id, &r.product);
        let found = index.get(&k).and_then(|c| {
            // An exact provider match first, then a row whose provider one run did not know.
            c.iter()
                .copied()
                .filter(|&i| !used[i])
                .find(|&i| baseline.entries[i].provider == r.provider)
                .or_else(|| {
                    c.iter().copied().find(|&i| {
                        !used[i] && providers_agree(&baseline.entries[i].provider, &r.provider)
                    })
                })
        });
        if let Some(i) = found {
            used[i] = true;
        }
        let before = found.map(|i| &baseline.entries[i]);
        let change = change_of(r, before);
        if let Some(e) = before {
            if e.finding() && !finding_now(r) && r.verdict != Verdict::Stopped {
                warnings.push(format!(
                    "{} was {} in the baseline and is {} now: do this run's exports reach as far as the baseline's?",
                    r.resource_id, e.verdict, r.verdict
                ));
            }
            r.previous_verdict = Some(e.verdict);
        }
        r.change = Some(change);
        changes.count(change);
    }
    let gone: Vec<Gone> = baseline
        .entries
        .iter()
        .zip(&used)
        .filter(|(_, &u)| !u)
        .map(|(e, _)| Gone {
            resource_id: e.id.clone(),
            product: e.product.clone(),
            provider: e.provider.clone(),
            verdict: e.verdict,
        })
        .collect();
    changes.gone = gone.len();
    let s = &report.settings;
    let mut differ = Vec::new();
    if baseline.lag_seconds.is_some_and(|l| l != s.lag_seconds) {
        differ.push("--lag");
    }
    if baseline
        .window_seconds
        .is_some_and(|w| w != s.window_seconds)
    {
        differ.push("--window");
    }
    if baseline.tz.as_ref().is_some_and(|t| *t != s.tz) {
        differ.push("--tz");
    }
    if !differ.is_empty() {
        warnings.push(format!(
            "the baseline {} was made with other {} settings: changes may come from the settings, not the bill",
            baseline.path,
            differ.join(", ")
        ));
    }
    report.warnings.extend(warnings);
    report.summary.changes = Some(changes);
    report.gone = Some(gone);
    report.baseline = Some(BaselineInfo {
        path: baseline.path.clone(),
        complete_through: baseline.complete_through.map(rfc3339),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Verdict::*;
    use Change::*;

    fn entry(verdict: Verdict, lines: u64, amount: &str) -> Entry {
        let mut amount_after_deletion = BTreeMap::new();
        if lines > 0 {
            amount_after_deletion.insert("CNY".to_string(), parse_decimal(amount).unwrap());
        }
        Entry {
            provider: Some("huawei".into()),
            id: "ecs-01".into(),
            product: "ECS".into(),
            verdict,
            refund: None,
            lines_after_deletion: lines,
            amount_after_deletion,
        }
    }

    fn now(verdict: Verdict, lines: usize, amount: &str) -> ResourceReport {
        let mut r = crate::report::sample::report().resources[0]
            .as_ref()
            .clone();
        r.verdict = verdict;
        r.lines_after_deletion = lines;
        r.amount_after_deletion = Default::default();
        if lines > 0 {
            r.amount_after_deletion
                .add("CNY", parse_decimal(amount).unwrap());
        }
        r
    }

    #[test]
    fn each_move_of_a_verdict_is_named() {
        type Case<'a> = (
            Option<(Verdict, u64, &'a str)>,
            (Verdict, usize, &'a str),
            Change,
        );
        let cases: &[Case] = &[
            (None, (StillBilling, 2, "6.92"), New),
            (None, (Stopped, 0, ""), Added),
            (None, (Pending, 0, ""), Added),
            (Some((Stopped, 0, "")), (StillBilling, 1, "3.46"), New),
            (Some((NotInBill, 0, "")), (StillBilling, 1, "3.46"), New),
            (Some((Pending, 0, "")), (StillBilling, 1, "3.46"), Settled),
            (
                Some((StillBilling, 1, "3.46")),
                (StillBilling, 2, "6.92"),
                Continuing,
            ),
            // The same lines and money, written with other trailing zeros, is no change.
            (
                Some((StillBilling, 1, "3.46")),
                (StillBilling, 1, "3.4600"),
                Unchanged,
            ),
            (
                Some((StillBilling, 1, "3.46")),
                (StillBilling, 1, "3.47"),
                Continuing,
            ),
            (Some((StillBilling, 1, "3.46")), (Stopped, 0, ""), Resolved),
            (Some((Pending, 0, "")), (Stopped, 0, ""), Resolved),
            (Some((Pending, 0, "")), (Pending, 0, ""), Unchanged),
            (Some((Stopped, 0, "")), (Stopped, 0, ""), Unchanged),
            (Some((NotInBill, 0, "")), (Stopped, 0, ""), Unchanged),
            (Some((StillBilling, 1, "3.46")), (Pending, 0, ""), Unchanged),
        ];
        for (before, (v, l, a), want) in cases {
            let e = before.map(|(v, l, a)| entry(v, l, a));
            assert_eq!(
                change_of(&now(*v, *l, a), e.as_ref()),
                *want,
                "{before:?} -> {v:?}"
            );
        }
    }

    #[test]
    fn only_new_and_settled_page() {
        let paging: Vec<Change> = [New, Continuing, Unchanged, Resolved, Settled, Added]
            .into_iter()
            .filter(|c| c.pages())
            .collect();
        assert_eq!(paging, [New, Settled]);
    }

    #[test]
    fn a_report_of_another_schema_or_tool_is_refused_naming_the_file() {
        let e = Baseline::parse(
            "old.json",
            br#"{"schema_version": 2, "tool": {"name": "billrecon"}, "resources": []}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "old.json: baseline: schema_version 2 is not 1, the version this billrecon reads"
        );
        let e = Baseline::parse("x.json", br#"{"resources": []}"#).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("x.json: baseline: not a billrecon JSON report"),
            "{e}"
        );
        let e = Baseline::parse("x.json", b"resource_id,deleted_at\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("x.json:1:1: baseline: not a billrecon JSON report"),
            "{e}"
        );
    }

    #[test]
    fn keys_fold_case_and_an_entry_without_id_is_keyed_by_product() {
        assert_eq!(key("ECS-01", "ECS"), key("ecs-01", "ecs"));
        assert_eq!(key("", "ModelArts"), "product:modelarts");
        assert_ne!(key("", "ModelArts"), key("modelarts", ""));
    }

    /// The sample report against a baseline in which its finding was already known and its
    /// pending resource did not exist yet: every view carries the change.
    #[test]
    fn every_report_format_shows_the_changes() {
        let mut report = crate::report::sample::report();
        let mut before = serde_json::to_value(&report).unwrap();
        let resources = before["resources"].as_array_mut().unwrap();
        resources.retain(|r| r["verdict"] != "pending");
        resources.push(
            serde_json::json!({"resource_id": "ecs-old-01", "product": "ECS",
            "provider": "huawei", "verdict": "stopped"}),
        );
        let b = Baseline::parse("yesterday.json", before.to_string().as_bytes()).unwrap();
        apply(&mut report, &b);
        let tz = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
        for format in [
            crate::report::OutputFormat::Table,
            crate::report::OutputFormat::Markdown,
            crate::report::OutputFormat::Csv,
        ] {
            let mut out = Vec::new();
            crate::report::render(&report, format, tz, &mut out).unwrap();
            insta::assert_snapshot!(format!("{format:?}"), String::from_utf8(out).unwrap());
        }
    }
}
