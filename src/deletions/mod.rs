//! Deletions: every source of "what was deleted, and when", turned into the one list of
//! [`Deletion`]s a check works on (a deletion's place in it is its [`DeletionIdx`]).
//!
//! Owns the sources: the CSV register, Huawei Cloud CTS traces, Alibaba Cloud ActionTrail
//! events, AWS CloudTrail records and cloud-nuke reports (each `--deleted` file recognised by
//! its content), and the `--product` cleanups; all of them merged into one entry per resource
//! (a deletion supersedes a stop, the earliest deletion wins), in the order they are listed in.
//! Audit records become deletions only for the events the [`audit::EventTable`] names, and only
//! when they succeeded; failed ones are counted and named in a warning, any other event is
//! counted as ignored. It reads no bill and decides nothing: which lines mention a deletion is
//! `ids`' business, what follows from them `reconcile`'s.

pub mod actiontrail;
pub mod audit;
pub mod cloudnuke;
pub mod cloudtrail;
pub mod cts;
pub mod detect;
pub mod register;

use crate::error::{Error, Location, Result};
use crate::ingest::source;
use crate::model::{Action, Deletion, DeletionIdx, Origin, STOP_NOTE};
use crate::time::rfc3339;
use audit::{EventTable, Outcome, Record, Source};
use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;
use std::collections::HashMap;
use std::io::BufReader;

/// How `--deleted` files are read.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions<'a> {
    /// Offset of times written without one (register rows, legacy CTS text).
    pub tz: FixedOffset,
    /// Skip audit records that cannot be read (a time that is not one), counting them.
    pub skip_bad_rows: bool,
    pub events: &'a EventTable,
}

/// A deletion or stop event that did not succeed: never a deletion, always named.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub event: String,
    pub resources: Vec<String>,
    #[serde(serialize_with = "crate::deletions::ser_time")]
    pub time: DateTime<Utc>,
    pub reason: String,
    pub origin: Origin,
}

/// What one `--deleted` file held.
#[derive(Debug, Clone, Serialize)]
pub struct SourceSummary {
    pub path: String,
    /// `register`, `cts`, `actiontrail`, `cloudtrail`, `cloud-nuke`, or `json` for JSON
    /// holding no record.
    pub format: &'static str,
    /// Register rows, or audit records (for cloud-nuke: entries of `resources`).
    pub records: u64,
    /// Rows the file gave (before merging with the other files): deletions, and stops.
    pub deletions: usize,
    pub stops: usize,
    /// Deletion or stop events that did not succeed.
    pub failed: usize,
    /// Records of other events (reads, creations, …).
    pub ignored: u64,
    /// Records skipped as unreadable (`--skip-bad-rows`).
    pub skipped: u64,
    /// The time span of the file's records (every event, not only deletions).
    #[serde(serialize_with = "crate::deletions::ser_opt_time")]
    pub first_event: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::deletions::ser_opt_time")]
    pub last_event: Option<DateTime<Utc>>,
    pub failures: Vec<Failure>,
}

impl SourceSummary {
    fn new(path: &str, format: &'static str) -> Self {
        SourceSummary {
            path: path.to_string(),
            format,
            records: 0,
            deletions: 0,
            stops: 0,
            failed: 0,
            ignored: 0,
            skipped: 0,
            first_event: None,
            last_event: None,
            failures: Vec::new(),
        }
    }

    /// An audit log (not a register, not a cleanup report): its span bounds what it can know.
    pub fn is_audit_log(&self) -> bool {
        matches!(self.format, "cts" | "actiontrail" | "cloudtrail")
    }

    fn saw(&mut self, t: DateTime<Utc>) {
        self.first_event = Some(self.first_event.map_or(t, |f| f.min(t)));
        self.last_event = Some(self.last_event.map_or(t, |l| l.max(t)));
    }

    /// One line for people: `trail.json.gz: CTS traces, 4 records, 2024-06-19T06:32:58Z to …:
    /// 2 deletions, 1 stop, 1 failed, 0 other events`.
    pub fn describe(&self) -> String {
        let span = match (self.first_event, self.last_event) {
            (Some(a), Some(b)) if a == b => format!(", at {}", rfc3339(a)),
            (Some(a), Some(b)) => format!(", {} to {}", rfc3339(a), rfc3339(b)),
            _ => String::new(),
        };
        let what = match self.format {
            "register" => "register".to_string(),
            "json" => "JSON".to_string(),
            f => Source::ALL
                .into_iter()
                .find(|s| s.name() == f)
                .map_or(f.to_string(), |s| s.label().to_string()),
        };
        let mut out = format!(
            "{}: {what}, {} {}{span}: {} {}, {} {}",
            self.path,
            self.records,
            plural(
                self.records as usize,
                if self.format == "register" {
                    "row"
                } else {
                    "record"
                }
            ),
            self.deletions,
            plural(self.deletions, "deletion"),
            self.stops,
            plural(self.stops, "stop"),
        );
        if self.format != "register" {
            out.push_str(&format!(
                ", {} failed, {} other {}",
                self.failed,
                self.ignored,
                plural(self.ignored as usize, "event")
            ));
        }
        if self.skipped > 0 {
            out.push_str(&format!(", {} skipped", self.skipped));
        }
        out
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

fn ser_time<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*t))
}

fn ser_opt_time<S: serde::Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&rfc3339(*t)),
        None => s.serialize_none(),
    }
}

/// Every `--deleted` file read and merged.
#[derive(Debug, Clone)]
pub struct Collected {
    pub deletions: Vec<Deletion>,
    pub sources: Vec<SourceSummary>,
    pub warnings: Vec<String>,
}

impl Collected {
    /// Records skipped over all files.
    pub fn skipped(&self) -> u64 {
        self.sources.iter().map(|s| s.skipped).sum()
    }
}

/// Reads every file and merges what they say into one entry per resource.
pub fn collect(paths: &[String], opts: &ReadOptions<'_>) -> Result<Collected> {
    let mut rows = Vec::new();
    let mut sources = Vec::new();
    let mut warnings = Vec::new();
    for path in paths {
        let (d, summary, w) = read_file(path, opts)?;
        rows.extend(d);
        warnings.extend(w);
        sources.push(summary);
    }
    let (deletions, w) = merge(rows);
    warnings.extend(w);
    Ok(Collected {
        deletions,
        sources,
        warnings,
    })
}

/// Reads one `--deleted` file, whatever it is. Returns its rows (one per resource an event
/// names, not yet merged across files), what it held, and warnings.
pub fn read_file(
    path: &str,
    opts: &ReadOptions<'_>,
) -> Result<(Vec<Deletion>, SourceSummary, Vec<String>)> {
    read_source(path, source::open(path)?, opts)
}

/// Reads an opened `--deleted` stream (gzip and encodings already seen through); `path` is
/// what messages call it.
pub fn read_source(
    path: &str,
    mut src: source::Source<'_>,
    opts: &ReadOptions<'_>,
) -> Result<(Vec<Deletion>, SourceSummary, Vec<String>)> {
    let mut reader = BufReader::with_capacity(source::BUFFER, src.reader);
    let content = detect::sniff(&mut reader).map_err(|e| source::read_error(path, e))?;
    if content == detect::Content::Csv {
        src.reader = Box::new(reader);
        let (rows, warnings) = register::read_from(path, src, opts.tz)?;
        let mut summary = SourceSummary::new(path, "register");
        summary.records = rows.len() as u64;
        summary.stops = rows.iter().filter(|d| d.action.is_stop()).count();
        summary.deletions = rows.len() - summary.stops;
        return Ok((rows, summary, warnings));
    }
    read_json(path, reader, opts)
}

/// Reads audit records or a cleanup report from JSON text.
pub fn read_json(
    path: &str,
    reader: impl std::io::Read,
    opts: &ReadOptions<'_>,
) -> Result<(Vec<Deletion>, SourceSummary, Vec<String>)> {
    let mut summary = SourceSummary::new(path, "json");
    let mut rows: Vec<Deletion> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut seen_any = false;
    let mut next_number = 1u64;
    // One copy of the file's name for every deletion's origin.
    let file: std::sync::Arc<str> = path.into();
    let mut on_record = |_: u64, rec: serde_json::Map<String, serde_json::Value>| -> Result<()> {
        let first = !seen_any;
        seen_any = true;
        let number = next_number;
        let bad =
            |msg: String| Error::input(Location::file(path), format!("record {number}: {msg}"));
        let read = match detect::source_of(&rec) {
            Err(m) if first => return Err(Error::input(Location::file(path), m)),
            Err(m) => Err(m),
            Ok(source) => {
                if first {
                    summary.format = source.name();
                }
                match source {
                    Source::Cts => cts::read(number, &rec, opts.events, opts.tz).map(|r| vec![r]),
                    Source::ActionTrail => {
                        actiontrail::read(number, &rec, opts.events).map(|r| vec![r])
                    }
                    Source::CloudTrail => {
                        cloudtrail::read(number, &rec, opts.events).map(|r| vec![r])
                    }
                    Source::CloudNuke => cloudnuke::read(number, &rec),
                }
            }
        };
        let records = match read {
            Ok(r) => r,
            Err(m) if opts.skip_bad_rows => {
                next_number += 1;
                summary.records += 1;
                summary.skipped += 1;
                if skipped.len() < 3 {
                    skipped.push(format!("record {number}: {m}"));
                }
                return Ok(());
            }
            Err(m) => return Err(bad(m)),
        };
        // A cloud-nuke report counts each of its resources as a record.
        let n = (records.len() as u64).max(1);
        next_number += n;
        summary.records += n;
        for r in records {
            summary.saw(r.event.time);
            take(&file, r, &mut summary, &mut rows);
        }
        Ok(())
    };
    detect::records(path, reader, &mut on_record)?;
    let mut warnings = Vec::new();
    if summary.records == 0 {
        warnings.push(format!("{path}: holds no audit records"));
    }
    if summary.failed > 0 {
        let shown: Vec<String> = summary
            .failures
            .iter()
            .take(5)
            .map(|f| {
                format!(
                    "{} of {} (record {}: {})",
                    f.event,
                    f.resources.join(", "),
                    f.origin.record_number().unwrap_or(0),
                    f.reason
                )
            })
            .collect();
        let more = summary.failed.saturating_sub(shown.len());
        warnings.push(format!(
            "{path}: {} {}: {}{}",
            summary.failed,
            if summary.failed == 1 {
                "deletion or stop event did not succeed and is not taken as a deletion"
            } else {
                "deletion or stop events did not succeed and are not taken as deletions"
            },
            shown.join("; "),
            if more > 0 {
                format!("; and {more} more")
            } else {
                String::new()
            }
        ));
    }
    if summary.skipped > 0 {
        warnings.push(format!(
            "{path}: skipped {} unreadable {} (--skip-bad-rows): {}",
            summary.skipped,
            plural(summary.skipped as usize, "record"),
            skipped.join("; ")
        ));
    }
    Ok((rows, summary, warnings))
}

/// Turns one record into rows: one per resource, for succeeded deletion and stop events.
fn take(
    file: &std::sync::Arc<str>,
    r: Record,
    summary: &mut SourceSummary,
    rows: &mut Vec<Deletion>,
) {
    let Some(rule) = &r.rule else {
        summary.ignored += 1;
        return;
    };
    let origin = Origin::record(
        file.clone(),
        crate::model::AuditRecord {
            record: r.number,
            source: Some(rule.source.name()),
            event: Some(r.event.name.clone()),
            event_id: r.event.event_id.clone(),
            user: r.event.user.clone(),
        },
    );
    if let Outcome::Failed(reason) = r.outcome {
        summary.failed += 1;
        summary.failures.push(Failure {
            event: r.event.name.clone(),
            resources: r.targets.iter().map(|t| t.id.clone()).collect(),
            time: r.event.time,
            reason,
            origin,
        });
        return;
    }
    let mut note = match &r.event.user {
        Some(u) => format!("{} by {u}", r.event.name),
        None => r.event.name.clone(),
    };
    if let Some(c) = &r.caveat {
        note = format!("{note}; {c}");
    }
    if rule.action.is_stop() {
        note = format!("{note}; {STOP_NOTE}");
    }
    let targets: Vec<(String, Option<String>)> = r
        .targets
        .into_iter()
        .filter_map(|t| {
            // The same cleaning as a register's cells, so the derived register reads back
            // as it was derived.
            let id = clean(&t.id)?;
            let name = t
                .name
                .as_deref()
                .and_then(clean)
                .filter(|n| !n.eq_ignore_ascii_case(&id));
            Some((id, name))
        })
        .collect();
    if targets.is_empty() {
        // A deletion that names nothing cannot be checked; say so rather than drop it.
        summary.failed += 1;
        summary.failures.push(Failure {
            event: r.event.name.clone(),
            resources: Vec::new(),
            time: r.event.time,
            reason: "the record names no resource (or only IDs with control characters)".into(),
            origin,
        });
        return;
    }
    // The table's name for the product (`Amazon EC2`), else what the record calls it.
    let product = Some(rule.product.clone())
        .filter(|p| !p.is_empty())
        .or_else(|| r.product.clone().filter(|p| !p.is_empty()));
    for (id, name) in targets {
        if rule.action.is_stop() {
            summary.stops += 1;
        } else {
            summary.deletions += 1;
        }
        rows.push(Deletion {
            resource_id: Some(id),
            resource_name: name,
            product: product.clone(),
            provider: Some(r.provider.to_string()),
            deleted_at: r.event.time,
            action: rule.action,
            note: Some(note.clone()),
            origin: origin.clone(),
        });
    }
}

/// An ID or name as a register cell would read: white space, invisible characters and quotes
/// around it trimmed until none is left (so reading it back trims nothing more). An ID with a
/// control character in it (a line break) is no cloud's ID.
fn clean(s: &str) -> Option<String> {
    let mut t = s;
    loop {
        let next =
            register::trim_invisible(crate::ids::normalize::clean_id(register::trim_invisible(t)));
        if next.len() == t.len() {
            break;
        }
        t = next;
    }
    (!t.is_empty() && !t.chars().any(char::is_control)).then(|| t.to_string())
}

/// Whether `new` replaces `old` for the same resource: a deletion supersedes a stop; of two
/// deletions the earliest wins; of two stops the latest (a resource stopped twice was started
/// in between, and billed compute while it ran).
pub fn supersedes(new: &Deletion, old: &Deletion) -> bool {
    match (new.action.is_stop(), old.action.is_stop()) {
        (false, true) => true,
        (true, false) => false,
        (false, false) => new.deleted_at < old.deleted_at,
        (true, true) => new.deleted_at > old.deleted_at,
    }
}

fn same_provider(a: &Option<String>, b: &Option<String>) -> bool {
    a.is_none() || b.is_none() || a == b
}

/// Merges rows naming the same resource: the same provider (a row without one matches any)
/// and the same ID, or one's ID equal to the other's `resource_name`; product-level rows by
/// product. Rows typed in a register that are listed again are named in a warning; audit logs
/// repeat themselves (a stop then a deletion) and merge silently. Keeps first-seen order.
pub fn merge(rows: Vec<Deletion>) -> (Vec<Deletion>, Vec<String>) {
    // Kept for the whole run, one per deleted resource: never grown past the rows given.
    let mut out: Vec<Deletion> = Vec::with_capacity(rows.len());
    let mut warnings = Vec::new();
    // Lower-cased IDs and names to the entries that carry them.
    let mut by_id: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_product: HashMap<String, Vec<usize>> = HashMap::new();
    for row in rows {
        let name = row.resource_name.as_ref().map(|n| n.to_lowercase());
        let key = row.key();
        let found = match &key {
            Some(key) => by_id
                .get(key)
                .into_iter()
                .chain(name.as_ref().and_then(|n| by_id.get(n)))
                .chain(by_name.get(key))
                .flatten()
                .copied()
                .find(|&i| same_provider(&out[i].provider, &row.provider)),
            None => {
                let p = row.product.as_deref().unwrap_or("").to_lowercase();
                by_product
                    .get(&p)
                    .into_iter()
                    .flatten()
                    .copied()
                    .find(|&i| same_provider(&out[i].provider, &row.provider))
            }
        };
        let Some(i) = found else {
            let i = out.len();
            match key {
                Some(k) => by_id.entry(k).or_default().push(i),
                None => by_product
                    .entry(row.product.as_deref().unwrap_or("").to_lowercase())
                    .or_default()
                    .push(i),
            }
            if let Some(n) = name {
                by_name.entry(n).or_default().push(i);
            }
            out.push(row);
            continue;
        };
        let old = &out[i];
        if !old.origin.is_derived() || !row.origin.is_derived() {
            warnings.push(listed_twice(old, &row));
        }
        if supersedes(&row, old) {
            let mut row = row;
            if row.resource_name.is_none() {
                row.resource_name = old.resource_name.clone().filter(|n| {
                    row.resource_id
                        .as_deref()
                        .is_none_or(|id| !id.eq_ignore_ascii_case(n))
                });
            }
            if let Some(k) = key {
                let ids = by_id.entry(k).or_default();
                if !ids.contains(&i) {
                    ids.push(i);
                }
            }
            if let Some(n) = &name {
                let names = by_name.entry(n.clone()).or_default();
                if !names.contains(&i) {
                    names.push(i);
                }
            }
            out[i] = row;
        } else if out[i].resource_name.is_none() {
            let keep_id = out[i].resource_id.clone();
            out[i].resource_name = row.resource_name.filter(|n| {
                keep_id
                    .as_deref()
                    .is_none_or(|id| !id.eq_ignore_ascii_case(n))
            });
        }
    }
    warnings.extend(shared_names(&out));
    (out, warnings)
}

fn listed_twice(old: &Deletion, new: &Deletion) -> String {
    let what = new
        .resource_id
        .as_deref()
        .or(new.product.as_deref())
        .unwrap_or("");
    let keeping = match (new.action.is_stop(), old.action.is_stop()) {
        (false, false) => "keeping the earliest deletion",
        (true, true) => "keeping the latest stop",
        _ => "a deletion supersedes a stop",
    };
    match (old.origin.line, new.origin.line) {
        (Some(a), Some(b)) if old.origin.file == new.origin.file => format!(
            "{}: `{what}` is listed twice (lines {a} and {b}); {keeping}",
            new.origin.file
        ),
        _ => format!(
            "`{what}` is listed twice ({} and {}); {keeping}",
            old.origin, new.origin
        ),
    }
}

/// Different resources with the same `resource_name` both match the lines billed under that
/// name (a ModelArts service deleted, then created again with the same name).
fn shared_names(out: &[Deletion]) -> Vec<String> {
    let mut by_name: HashMap<(String, Option<&str>), Vec<&str>> = HashMap::new();
    for d in out {
        if let (Some(n), Some(id)) = (&d.resource_name, &d.resource_id) {
            by_name
                .entry((n.to_lowercase(), d.provider.as_deref()))
                .or_default()
                .push(id);
        }
    }
    let mut w: Vec<String> = by_name
        .into_iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|((n, _), ids)| {
            format!(
                "`{n}` is the name of {} deleted resources ({}): bill lines under that name match each of them",
                ids.len(),
                ids.join(", ")
            )
        })
        .collect();
    w.sort();
    w
}

/// For `check`: audit logs that end before the bills do cannot know of the deletions after
/// them. One warning per source, over all its files.
pub fn span_warnings(sources: &[SourceSummary], bill_end: Option<DateTime<Utc>>) -> Vec<String> {
    let Some(bill_end) = bill_end else {
        return Vec::new();
    };
    let mut last: Vec<(&'static str, DateTime<Utc>, usize)> = Vec::new();
    for s in sources.iter().filter(|s| s.is_audit_log()) {
        let Some(t) = s.last_event else { continue };
        match last.iter_mut().find(|(f, _, _)| *f == s.format) {
            Some(e) => {
                e.1 = e.1.max(t);
                e.2 += 1;
            }
            None => last.push((s.format, t, 1)),
        }
    }
    last.into_iter()
        .filter(|(_, t, _)| *t < bill_end)
        .map(|(format, t, files)| {
            let label = Source::ALL
                .into_iter()
                .find(|s| s.name() == format)
                .map_or(format, Source::label);
            format!(
                "the {label} ({files} {}) end at {}, before the bills (usage through {}): deletions after {} cannot be known from them",
                plural(files, "file"),
                rfc3339(t),
                rfc3339(bill_end),
                rfc3339(t)
            )
        })
        .collect()
}

/// The note a report gives a deletion: its own, and for a stop the reminder that storage
/// keeps billing.
pub fn note_of(d: &Deletion) -> Option<String> {
    match (&d.note, d.action) {
        (Some(n), Action::Stopped) if !n.contains(STOP_NOTE) => Some(format!("{n}; {STOP_NOTE}")),
        (None, Action::Stopped) => Some(STOP_NOTE.to_string()),
        (n, _) => n.clone(),
    }
}

/// Everything billed under `product` was cleaned up at `at` (`--product` / `--cleaned-at`).
pub fn product_cleanup(product: &str, at: DateTime<Utc>) -> Deletion {
    Deletion {
        product: Some(product.to_string()),
        deleted_at: at,
        origin: Origin::flag("--product"),
        ..Deletion::default()
    }
}

/// The deletions of every source, in the order reports and indices follow: the `--deleted`
/// files' entries (merged, in first-seen order), then the `--product` cleanups in command-line
/// order. Returns them with what each file held and the sources' warnings.
pub fn gather(
    deleted: &[String],
    products: &[(String, DateTime<Utc>)],
    opts: &ReadOptions<'_>,
) -> Result<Collected> {
    let mut c = collect(deleted, opts)?;
    for (product, at) in products {
        c.deletions.push(product_cleanup(product, *at));
    }
    Ok(c)
}

/// Each deletion with its index.
pub fn indexed(deletions: &[Deletion]) -> impl Iterator<Item = (DeletionIdx, &Deletion)> {
    deletions
        .iter()
        .enumerate()
        .map_while(|(i, d)| DeletionIdx::of(i).map(|i| (i, d)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn row(id: &str, h: u32, action: Action, line: Option<u64>) -> Deletion {
        Deletion {
            resource_id: Some(id.into()),
            provider: Some("huawei".into()),
            deleted_at: Utc.with_ymd_and_hms(2026, 10, 10, h, 0, 0).unwrap(),
            action,
            origin: match line {
                Some(l) => Origin::row("r.csv", l),
                None => Origin::record(
                    "t.json".into(),
                    crate::model::AuditRecord {
                        record: u64::from(h),
                        ..Default::default()
                    },
                ),
            },
            ..Deletion::default()
        }
    }

    fn summary(out: &[Deletion]) -> Vec<(String, u32, Action)> {
        use chrono::Timelike;
        out.iter()
            .map(|d| {
                (
                    d.resource_id.clone().unwrap(),
                    d.deleted_at.hour(),
                    d.action,
                )
            })
            .collect()
    }

    #[test]
    fn a_deletion_supersedes_a_stop_and_the_earliest_deletion_wins() {
        use Action::*;
        let (out, w) = merge(vec![
            row("a", 1, Stopped, None),
            row("a", 5, Deleted, None),
            row("a", 3, Deleted, None),
            row("a", 2, Stopped, None),
            row("b", 1, Stopped, None),
            row("b", 4, Stopped, None),
            row("c", 2, Unsubscribed, None),
            row("C", 1, Deleted, None),
        ]);
        assert_eq!(
            summary(&out),
            [
                ("a".into(), 3, Deleted),
                ("b".into(), 4, Stopped),
                ("C".into(), 1, Deleted)
            ]
        );
        assert!(w.is_empty(), "audit logs repeat themselves silently: {w:?}");
    }

    #[test]
    fn register_rows_listed_twice_are_named() {
        let (out, w) = merge(vec![
            row("a", 3, Action::Deleted, Some(2)),
            row("a", 1, Action::Deleted, Some(3)),
            row("a", 2, Action::Deleted, None),
        ]);
        assert_eq!(out.len(), 1);
        assert_eq!(
            w,
            [
                "r.csv: `a` is listed twice (lines 2 and 3); keeping the earliest deletion",
                "`a` is listed twice (r.csv:3 and t.json:2); keeping the earliest deletion"
            ]
        );
    }

    #[test]
    fn the_same_id_under_two_providers_is_two_resources() {
        let mut other = row("a", 2, Action::Deleted, None);
        other.provider = Some("alibaba".into());
        let mut any = row("a", 1, Action::Deleted, None);
        any.provider = None;
        let (out, _) = merge(vec![row("a", 3, Action::Deleted, None), other, any]);
        assert_eq!(out.len(), 2);
        // A row without a provider is the same resource as the first it meets.
        assert_eq!(summary(&out)[0].1, 1);
    }

    #[test]
    fn an_id_meets_the_name_of_another_row() {
        let mut traced = row("0b6c2d1e-uuid", 2, Action::Deleted, None);
        traced.resource_name = Some("svc-a".into());
        let typed = row("SVC-A", 3, Action::Deleted, Some(2));
        let (out, w) = merge(vec![traced, typed]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].resource_name.as_deref(), Some("svc-a"));
        assert_eq!(w.len(), 1);
        // Two resources that share a name stay two, with a warning.
        let mut a = row("u-1", 1, Action::Deleted, None);
        a.resource_name = Some("svc-b".into());
        let mut b = row("u-2", 2, Action::Deleted, None);
        b.resource_name = Some("svc-b".into());
        let (out, w) = merge(vec![a, b]);
        assert_eq!(out.len(), 2);
        assert_eq!(
            w,
            ["`svc-b` is the name of 2 deleted resources (u-1, u-2): bill lines under that name match each of them"]
        );
    }

    #[test]
    fn ids_are_cleaned_as_a_register_cell_would_be_read() {
        assert_eq!(clean(" '\"x\"' ").as_deref(), Some("x"));
        assert_eq!(clean("\u{200b}i-1\u{a0}").as_deref(), Some("i-1"));
        assert_eq!(clean("'=x").as_deref(), Some("'=x"));
        assert_eq!(clean("a\nb"), None);
        assert_eq!(clean(" \u{feff} "), None);
    }

    #[test]
    fn audit_logs_that_end_before_the_bill_are_named() {
        let mut s = SourceSummary::new("t.json", "cts");
        let t = |h| Utc.with_ymd_and_hms(2026, 10, 10, h, 0, 0).unwrap();
        s.saw(t(1));
        s.saw(t(3));
        let mut nuke = SourceSummary::new("n.json", "cloud-nuke");
        nuke.saw(t(0));
        let w = span_warnings(&[s.clone(), nuke], Some(t(5)));
        assert_eq!(
            w,
            ["the Huawei Cloud CTS traces (1 file) end at 2026-10-10T03:00:00Z, before the bills (usage through 2026-10-10T05:00:00Z): deletions after 2026-10-10T03:00:00Z cannot be known from them"]
        );
        assert!(span_warnings(&[s], Some(t(3))).is_empty());
    }
}
