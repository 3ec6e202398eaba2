//! The checks the fuzz targets in `fuzz/` run on each input, shared with
//! `tests/cli/fuzz_regressions.rs`, which replays the inputs the fuzzers found (kept in
//! `fuzz/regressions/<target>/`) on every `cargo test`.
//!
//! Each check feeds the bytes to one input path of billrecon and asserts what must hold for any
//! input: no panic, and an error that names the file (exit code 2) when the input is bad.
#![allow(dead_code)]

use billrecon::deletions::audit::EventTable;
use billrecon::deletions::register::read_from;
use billrecon::deletions::{read_source, ReadOptions};
use billrecon::ids::normalize::{IdContext, Normalizer};
use billrecon::ids::rules_file::parse;
use billrecon::ingest::dedupe::resolve;
use billrecon::ingest::parallel::scan_all;
use billrecon::ingest::source::{entries, from_reader, Opened};
use billrecon::ingest::{
    scan as scan_export, FileScan, Hooks, LineIds, ScanOptions, Select, Selected,
};
use billrecon::model::{Action, AuditRecord, Deletion, DeletionIdx, LineKind, Origin, Verdict};
use billrecon::money::{format_amount, format_quantity, parse_decimal, Amounts};
use billrecon::progress::Progress;
use billrecon::reconcile::count::{Counter, Tallies};
use billrecon::reconcile::verdict::{classify, complete_through, verdict, Evidence, LineFacts};
use billrecon::reconcile::{reconcile, Timing};
use billrecon::report::local;
use billrecon::report::{render, OutputFormat, Settings};
use billrecon::time::{
    format_duration, format_offset, parse_duration, parse_end, parse_offset, parse_time, rfc3339,
    split_range, YEARS,
};
use chrono::{DateTime, Datelike, Duration, FixedOffset, Utc};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

/// A check: feeds one input and panics if something that must hold does not.
pub type Check = fn(&[u8]);

/// The fuzz targets, by name, for replaying saved inputs.
pub const TARGETS: [(&str, Check); 11] = [
    ("scan", scan),
    ("records", records),
    ("report", report),
    ("pieces", pieces),
    ("late", late),
    ("time", time),
    ("money", money),
    ("duration", duration),
    ("register", register),
    ("rules", rules),
    ("deletions", deletions),
];

/// Keeps every line, so every kept-line path runs.
struct All;

impl Select for All {
    fn select(&self, ids: &LineIds<'_>) -> Option<Selected> {
        Some(Selected {
            norm_id: ids.id.to_ascii_lowercase(),
            rule: "fuzz".into(),
            hits: vec![DeletionIdx(0)],
        })
    }
}

/// An offset from a byte: -14:00 to +14:00 in quarter hours (out of range reads as UTC).
fn offset(b: u8) -> FixedOffset {
    FixedOffset::east_opt(i32::from(b >> 1) * 900 - 14 * 3600)
        .unwrap_or(FixedOffset::east_opt(0).unwrap())
}

/// The deletion time every check counts lines against: 2026-10-10 08:30 in `tz`.
fn deleted_at(tz: FixedOffset) -> DateTime<Utc> {
    parse_time("2026-10-10 08:30", tz).unwrap()
}

/// Every line number a scan's tallies cite (sources, and the lines names were taken from).
pub fn cited_lines(s: &FileScan<Tallies>) -> Vec<u64> {
    let mut out = Vec::new();
    for t in s.tallies.values() {
        out.extend(t.after().sources.iter().map(|k| k.line));
        for p in [&t.resource_name, &t.first_product, &t.last_product]
            .into_iter()
            .flatten()
        {
            out.push(p.0.line);
        }
    }
    out
}

/// Format detection and record reading: the bytes as an export file, through the wrapper and
/// encoding sniffing of `source::from_reader` and the per-row logic of `ingest::scan`. The first
/// byte picks the options (bit 0: `--skip-bad-rows`; the rest: the offset).
pub fn scan(data: &[u8]) {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let counter = Counter::new(vec![deleted_at(offset(flags))], Duration::zero());
    let opts = ScanOptions::new(offset(flags), flags & 1 == 1);
    let hooks = Hooks {
        select: &All,
        count: &counter,
    };
    let result = from_reader("fuzz.csv", Box::new(std::io::Cursor::new(bytes.to_vec())))
        .and_then(|src| scan_export("fuzz.csv", 0, Opened::Text(src), &opts, hooks));
    match result {
        Ok(s) => {
            for l in cited_lines(&s) {
                assert!(l >= 1, "line numbers start at 1");
            }
            assert!(s.skipped_rows == 0 || opts.skip_bad_rows);
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("fuzz.csv"),
                "error does not name the file: {msg}"
            );
            assert_eq!(e.exit_code().code(), 2);
        }
    }
}

/// Keeps every line, for a resource deletion (0) and a product-level cleanup (1).
struct Both;

impl Select for Both {
    fn select(&self, ids: &LineIds<'_>) -> Option<Selected> {
        Some(Selected {
            norm_id: ids.id.to_ascii_lowercase(),
            rule: ids.product_name.to_string(),
            hits: vec![DeletionIdx(0), DeletionIdx(1)],
        })
    }
}

/// The elements the HTML report writes itself; any other came from the data unescaped.
const HTML_TAGS: &[&str] = &[
    "doctype", "html", "head", "meta", "title", "style", "body", "svg", "defs", "pattern", "rect",
    "line", "circle", "g", "text", "div", "h1", "h2", "h3", "p", "dl", "dt", "dd", "strong", "em",
    "span", "code", "br", "table", "thead", "tbody", "tr", "th", "td", "a", "ul", "li", "section",
    "header", "footer",
];

/// Whether a spreadsheet would run a cell (a number such as `-1.5` is only a number).
pub fn runs_as_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err()
}

/// The whole of `check` after reading: the bytes as two overlapping exports (so duplicates are
/// dropped), every line kept for a deleted resource and a product-level cleanup, reconciled and
/// rendered in every format (with the HTML report's amounts by hour counted). The JSON must
/// parse, no CSV or Markdown cell may run as a formula, and no text may become HTML markup.
/// The first byte picks the options.
pub fn report(data: &[u8]) {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let tz = offset(flags);
    let scans = match report_scans(flags, bytes) {
        Ok(scans) => scans,
        Err(msg) => {
            assert!(
                msg.starts_with("a.csv"),
                "error does not name the file: {msg}"
            );
            return;
        }
    };
    let deleted_at = deleted_at(tz);
    let deletions = [
        Deletion {
            resource_id: Some("=x".into()),
            resource_name: Some("=name".into()),
            action: Action::Stopped,
            deleted_at,
            origin: Origin::row("register.csv", 2),
            ..Deletion::default()
        },
        Deletion {
            product: Some("p".into()),
            deleted_at,
            // An unsubscribed product: the refund check and the plan switchover are fuzzed too.
            action: Action::Unsubscribed,
            origin: Origin::record(
                "trail.json".into(),
                AuditRecord {
                    record: 3,
                    event_id: Some("@id".into()),
                    ..AuditRecord::default()
                },
            ),
            ..Deletion::default()
        },
    ];
    let timing = Timing {
        lag: chrono::Duration::hours(2),
        window: chrono::Duration::hours(24),
        grace: chrono::Duration::zero(),
        as_of: None,
        tz,
    };
    let settings = Settings {
        lag_seconds: 7200,
        window_seconds: 86_400,
        grace_seconds: 0,
        as_of: None,
        tz: format_offset(tz),
    };
    // With what only the HTML report shows: it is rendered below.
    let report = reconcile(&deletions, scans, &timing, settings, Vec::new(), true);
    let mut out = Vec::new();
    render(&report, OutputFormat::Json, tz, &mut out).unwrap();
    serde_json::from_slice::<serde_json::Value>(&out).expect("the JSON report parses");
    out.clear();
    render(&report, OutputFormat::Table, tz, &mut out).unwrap();
    out.clear();
    render(&report, OutputFormat::Csv, tz, &mut out).unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out.as_slice());
    for row in rdr.records() {
        for cell in row.expect("the CSV report reads back").iter() {
            assert!(
                !runs_as_formula(cell),
                "CSV cell runs as a formula: {cell:?}"
            );
        }
    }
    out.clear();
    render(&report, OutputFormat::Html, tz, &mut out).unwrap();
    let html = String::from_utf8(out.clone()).expect("UTF-8");
    for tag in html.split('<').skip(1) {
        let name: String = tag
            .trim_start_matches(['/', '!'])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(
            HTML_TAGS.contains(&name.to_ascii_lowercase().as_str()),
            "the HTML report holds an element <{name}> from the data"
        );
    }
    out.clear();
    render(&report, OutputFormat::Markdown, tz, &mut out).unwrap();
    let text = String::from_utf8(out).expect("UTF-8");
    for row in text.lines().filter(|l| l.starts_with('|')).skip(2) {
        // Cells are separated by ` | `; an escaped pipe is `\|`.
        for cell in row.trim_matches('|').split(" | ") {
            let cell = cell.strip_prefix(' ').unwrap_or(cell);
            assert!(
                cell == "-" || !runs_as_formula(cell),
                "Markdown cell runs as a formula: {cell:?} in {row:?}"
            );
        }
    }
}

/// The two scans `report` reconciles, or the error that stops the run: the same bytes as two
/// inputs, so every matched line is a duplicate and the second reading drops it from `b.csv`.
pub fn report_scans(flags: u8, bytes: &[u8]) -> Result<Vec<FileScan<Tallies>>, String> {
    let counter = Counter::new(vec![deleted_at(offset(flags)); 2], Duration::zero())
        .with_unsubscribed(vec![false, true])
        .with_series(Some(offset(flags)));
    let opts = ScanOptions::new(offset(flags), flags & 1 == 1);
    let names = ["a.csv", "b.csv"];
    let hooks = Hooks {
        select: &Both,
        count: &counter,
    };
    let read = |input: usize, opts: &ScanOptions<'_>| {
        let name = names[input];
        from_reader(name, Box::new(std::io::Cursor::new(bytes.to_vec())))
            .and_then(|src| scan_export(name, input, Opened::Text(src), opts, hooks))
    };
    let first = ScanOptions {
        fingerprints: true,
        ..opts
    };
    let mut scans = Vec::new();
    for input in 0..names.len() {
        scans.push(read(input, &first).map_err(|e| e.to_string())?);
    }
    resolve(&mut scans, &opts, |again, second| {
        again.iter().map(|i| read(*i, second)).collect()
    })
    .map_err(|e| e.to_string())?;
    // A copy holds nothing the first input does not count.
    assert!(scans[1].tallies.is_empty(), "b.csv counted a copied line");
    assert_eq!(scans[0].duplicate_rows, 0);
    Ok(scans)
}

/// Reading a file on disk in pieces on two cores gives exactly what one pass gives: the bytes
/// are written to a file (zip and gzip wrappers are read from it too) and read whole, then in
/// pieces of a few bytes (the first byte picks the options and the piece size). Parquet files
/// are left out: polars is not what is fuzzed here, and its panics are caught by the reader.
pub fn pieces(data: &[u8]) {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    whole_and_in_pieces(flags, bytes, u64::from(flags >> 1) + 1);
}

/// Text past the 64 KiB an encoding is sniffed from: an ASCII header and more than 64 KiB of
/// ASCII rows, then the bytes, read as `pieces` reads a file (the first byte picks the options
/// and, in 256-byte steps, the piece size): what the first line holding another byte decides
/// (UTF-8, or GB18030 for the whole file) is decided alike whole and in pieces, and bad bytes
/// are an error naming the file.
pub fn late(data: &[u8]) {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let mut file =
        b"Resource ID,Resource Name,Usage Start Time,Usage End Time,Amount Due\n".to_vec();
    for i in 0..1200 {
        file.extend_from_slice(
            format!("pad-{i:04},pad,2026-10-10 07:00:00,2026-10-10 08:00:00,0.01\n").as_bytes(),
        );
    }
    assert!(file.len() > 64 * 1024);
    file.extend_from_slice(bytes);
    whole_and_in_pieces(flags, &file, (u64::from(flags >> 1) + 1) * 256);
}

/// `bytes` as a file read whole and in pieces of `piece` bytes on two cores.
fn whole_and_in_pieces(flags: u8, bytes: &[u8], piece: u64) {
    if bytes.starts_with(b"PAR1") {
        return;
    }
    let tz = FixedOffset::east_opt(8 * 3600).unwrap();
    let counter =
        Counter::new(vec![deleted_at(tz)], Duration::zero()).with_unsubscribed(vec![true]);
    let hooks = Hooks {
        select: &All,
        count: &counter,
    };
    let opts = ScanOptions {
        fingerprints: true,
        ..ScanOptions::new(tz, flags & 1 == 1)
    };
    let dir = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    // One file per call: tests call this check side by side in one process.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!(
        "billrecon-fuzz-pieces-{}-{call}.csv",
        std::process::id()
    ));
    std::fs::write(&path, bytes).unwrap();
    let name = path.to_str().unwrap();
    let read = |threads: usize, piece: u64, mapped: bool| -> Result<Vec<String>, String> {
        let opts = ScanOptions { mapped, ..opts };
        let e = entries(name).map_err(|e| e.to_string())?;
        let scans = scan_all(&e, &opts, hooks, &Progress::new(true), threads, piece)
            .map_err(|e| e.to_string())?;
        Ok(scans
            .iter()
            .map(|s| format!("{} {}", s.path, s.digest()))
            .collect())
    };
    let whole = read(1, u64::MAX, true);
    // Pieces are read through a memory map, or with `read` where a map is not to be had.
    let mapped = read(2, piece, true);
    let copied = read(2, piece, false);
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        whole, mapped,
        "read whole vs. in mapped pieces of {piece} bytes"
    );
    assert_eq!(
        whole, copied,
        "read whole vs. in read pieces of {piece} bytes"
    );
    if let Err(msg) = whole {
        assert!(msg.starts_with(name), "error does not name the file: {msg}");
    }
}

/// Timestamps: `parse_time`, `parse_end`, `split_range`, `parse_offset`, then the formatting
/// the reports apply. The first byte picks the offset for times written without one.
pub fn time(data: &[u8]) {
    let Some((&b, rest)) = data.split_first() else {
        return;
    };
    let tz = offset(b);
    let Ok(s) = std::str::from_utf8(rest) else {
        return;
    };
    let start = parse_time(s, tz);
    let end = parse_end(s, tz);
    // An end reads as a start does, except the last second of year 9999 (inclusive, it ends in
    // year 10000).
    match (&start, &end) {
        (Ok(a), Err(_)) => assert!((*a + Duration::seconds(1)).year() > 9999, "{s:?}"),
        (Err(_), Ok(_)) => panic!("an end but no start: {s:?}"),
        _ => {}
    }
    for t in [&start, &end].into_iter().flatten() {
        assert!(YEARS.contains(&t.year()), "{s:?} reads as {t}");
        // What a report prints reads back (a baseline).
        assert_eq!(parse_time(&rfc3339(*t), tz), Ok(*t), "{s:?}");
    }
    if let (Ok(a), Ok(b)) = (start, end) {
        assert!(
            b >= a,
            "an end is never before the same text read as a start: {s:?}"
        );
        let _ = (rfc3339(a), local(a, tz), local(b, tz));
    }
    if let Some((a, b)) = split_range(s) {
        let _ = (parse_time(a, tz), parse_end(b, tz));
    }
    if let Ok(off) = parse_offset(s) {
        let _ = format_offset(off);
    }
}

/// Amounts: what `parse_decimal` accepts prints and reads back to the same value; sums never
/// panic.
pub fn money(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(d) = parse_decimal(s) {
        let printed = format_amount(d);
        assert_eq!(parse_decimal(&printed), Ok(d), "{s:?} printed as {printed}");
        let _ = format_quantity(d);
        let mut sum = Amounts::default();
        sum.add("CNY", d);
        sum.add("CNY", d);
        sum.add("CNY", -d);
        let _ = (sum.display(), sum.largest());
    }
}

/// Durations (`--lag`, `--window`, `--grace`): `duration` or `duration\ntime`; what parses
/// prints back, and the date arithmetic of the verdicts never overflows, at the extremes of the
/// times `parse_time` accepts.
pub fn duration(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let (dur, time) = s.split_once('\n').unwrap_or((s, ""));
    let Ok(d) = parse_duration(dur) else {
        return;
    };
    let printed = format_duration(d);
    assert_eq!(
        parse_duration(&printed),
        Ok(d),
        "{dur:?} printed as {printed}"
    );
    let east = FixedOffset::east_opt(14 * 3600).unwrap();
    let west = FixedOffset::west_opt(14 * 3600).unwrap();
    let mut times = vec![
        parse_time("0001-01-01 14:00:00", east).unwrap(),
        parse_time("9999-12-31 09:59:59", west).unwrap(),
    ];
    if let Ok(t) = parse_time(time, east) {
        times.push(t);
    }
    for &t in &times {
        let ct = complete_through(Some(t), None, d);
        let _ = complete_through(None, Some(t), d);
        for &deleted in &times {
            let e = Evidence {
                post_deletion_charges: 0,
                lines: 1,
                complete_through: ct,
                wide_tail_until: Some(t),
            };
            assert_ne!(verdict(&e, deleted, d), Verdict::StillBilling);
            let line = LineFacts {
                time: t,
                usage_end: Some(t),
                kind: LineKind::Usage,
                amount: Decimal::ONE,
                usage: None,
            };
            let _ = classify(&line, deleted, d);
        }
    }
}

/// The deletion register: the bytes as a register file, through `register::read_from`.
pub fn register(data: &[u8]) {
    let tz = FixedOffset::east_opt(8 * 3600).unwrap();
    let result = from_reader("fuzz.csv", Box::new(std::io::Cursor::new(data.to_vec())))
        .and_then(|src| read_from("fuzz.csv", src, tz));
    match result {
        Ok((deletions, _warnings)) => {
            for d in &deletions {
                assert!(d.resource_id.is_some() || d.product.is_some());
                assert_eq!(&*d.origin.file, "fuzz.csv");
                assert!(d.origin.line.is_some_and(|l| l >= 2));
            }
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("fuzz.csv"),
                "error does not name the file: {msg}"
            );
        }
    }
}

/// `--rules` files: `rules text` NUL `id`; the rules that parse are applied to the ID as
/// `check` and `explain-id` do.
pub fn rules(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let (text, id) = s
        .split_once('\0')
        .unwrap_or((s, "svc-a-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e"));
    match parse("rules.toml", text) {
        Ok(rules) => {
            let n = Normalizer::new(rules);
            let ctx = IdContext {
                provider: "huawei",
                format: "huawei",
                product_code: "hws.service.type.ma",
                product_name: "ModelArts",
            };
            let (once, _) = n.normalize(&ctx, id);
            let _ = n.explain(&ctx, id);
            let _ = n.normalize(&ctx, once);
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("rules.toml"),
                "error does not name the file: {msg}"
            );
        }
    }
}

/// The record reader against the `csv` crate: any bytes must split into the same records and
/// cells, whichever way each record is read (split in place by the vector splitter, or parsed
/// by csv-core), with either delimiter and at any buffer size. The first byte picks the
/// delimiter (bit 0) and the buffer size (the rest).
pub fn records(data: &[u8]) {
    use billrecon::ingest::records::{RawRecord, RecordReader};
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let delimiter = if flags & 1 == 1 { b'\t' } else { b',' };
    // The csv crate drops a leading BOM; billrecon's source does that before the reader.
    const BOM: &[u8] = b"\xef\xbb\xbf";
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    if bytes.starts_with(BOM) {
        return;
    }
    let mut want: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    while csv.read_byte_record(&mut rec).unwrap() {
        want.push(rec.iter().map(<[u8]>::to_vec).collect());
    }
    let mut got: Vec<Vec<Vec<u8>>> = Vec::new();
    // Small reads put record and block boundaries everywhere.
    let reader = Trickle {
        bytes,
        step: usize::from(flags >> 1) + 1,
    };
    let mut rdr = RecordReader::new(reader, delimiter, 0, 1);
    let mut raw = RawRecord::default();
    let mut last_line = 0;
    while rdr.next(&mut raw).unwrap() {
        assert!(raw.line >= last_line, "lines never go back");
        last_line = raw.line;
        got.push(rdr.cells(&raw).iter().map(<[u8]>::to_vec).collect());
    }
    assert_eq!(got, want);
}

/// A reader yielding at most `step` bytes a call.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.bytes.len());
        buf[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

/// `--deleted` files of any kind: the bytes (plain or gzip; a CSV register, or JSON audit
/// records of any source and shape) through `deletions::read_source`. The first byte picks
/// `--skip-bad-rows` (bit 0). What is derived must be written by `billrecon deletions` as a
/// register that reads back to the same resources, times and actions.
pub fn deletions(data: &[u8]) {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let tz = FixedOffset::east_opt(8 * 3600).unwrap();
    let table = EventTable::default();
    let opts = ReadOptions {
        tz,
        skip_bad_rows: flags & 1 == 1,
        events: &table,
    };
    let result = from_reader("fuzz.json", Box::new(std::io::Cursor::new(bytes.to_vec())))
        .and_then(|src| read_source("fuzz.json", src, &opts));
    let (rows, summary, _) = match result {
        Ok(r) => r,
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("fuzz.json"),
                "error does not name the file: {msg}"
            );
            assert_eq!(e.exit_code().code(), 2);
            return;
        }
    };
    assert!(summary.skipped == 0 || opts.skip_bad_rows);
    let (merged, _) = billrecon::deletions::merge(rows);
    let mut csv = Vec::new();
    billrecon::deletions::register::write(&merged, &mut csv).unwrap();
    let back = from_reader("back.csv", Box::new(std::io::Cursor::new(csv.clone())))
        .and_then(|src| read_from("back.csv", src, tz));
    let back = match back {
        Ok((back, _)) => back,
        // Nothing derived: a header alone is a register of no rows.
        Err(e) if merged.is_empty() => {
            assert!(e.to_string().starts_with("back.csv"), "{e}");
            return;
        }
        Err(e) => panic!(
            "the derived register does not read back: {e}\n{}",
            String::from_utf8_lossy(&csv)
        ),
    };
    let key = |d: &Deletion| {
        (
            d.resource_id.clone(),
            d.resource_name.clone(),
            d.deleted_at,
            d.action,
            d.provider.clone(),
        )
    };
    let mut a: Vec<_> = merged.iter().map(key).collect();
    let mut b: Vec<_> = back.iter().map(key).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "{}", String::from_utf8_lossy(&csv));
}
