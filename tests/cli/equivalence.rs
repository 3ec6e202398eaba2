//! The reading billrecon does (its own record reader, a fast path for lines without quotes,
//! files cut in pieces) against the slow, obvious reading: the `csv` crate's records, one after
//! the other, through the same per-row logic.

use crate::synth;
use billrecon::ingest::{
    read_with_csv_crate, scan_text, source, FileScan, Hooks, LineIds, ScanOptions, Scanned, Select,
    Selected,
};
use billrecon::model::DeletionIdx;
use billrecon::reconcile::count::{Counter, Tallies};
use chrono::{DateTime, FixedOffset, Utc};

struct Everything;

impl Select for Everything {
    fn select(&self, ids: &LineIds<'_>) -> Option<Selected> {
        (!ids.id.is_empty()).then(|| Selected {
            norm_id: ids.id.to_ascii_lowercase(),
            rule: "as-is".into(),
            hits: (0..4).map(DeletionIdx).collect(),
        })
    }
}

/// Deletions before and inside the fixtures' months, and in the first hours of the
/// generated exports, so that lines land in every class (earlier, tail, after, refunds).
const DELETED: [&str; 4] = [
    "2024-01-01T00:30:00Z",
    "2026-10-10T00:30:00Z",
    "2026-10-20T03:10:00Z",
    "2026-09-30T17:30:00Z",
];

fn deleted() -> &'static [DateTime<Utc>] {
    static D: std::sync::OnceLock<Vec<DateTime<Utc>>> = std::sync::OnceLock::new();
    D.get_or_init(|| {
        DELETED
            .iter()
            .map(|t| DateTime::parse_from_rfc3339(t).unwrap().to_utc())
            .collect()
    })
}

fn opts() -> ScanOptions<'static> {
    opts_with(true)
}

/// Without fingerprints (one input, as most runs are), a scan reads only the cells a field
/// binds: the reader then leaves the `""` pairs of the others as they are.
fn opts_with(fingerprints: bool) -> ScanOptions<'static> {
    ScanOptions {
        fingerprints,
        ..ScanOptions::new(FixedOffset::east_opt(8 * 3600).unwrap(), true)
    }
}

fn counter() -> &'static Counter {
    static C: std::sync::OnceLock<Counter> = std::sync::OnceLock::new();
    C.get_or_init(|| Counter::new(deleted().to_vec(), chrono::Duration::minutes(20)))
}

fn hooks() -> Hooks<'static, Counter> {
    Hooks {
        select: &Everything,
        count: counter(),
    }
}

/// What both readings must agree on (line numbers aside: the `csv` crate's are not
/// physical lines, which is why billrecon reads records itself).
fn essence(s: &FileScan<Tallies>) -> String {
    let mut tallies = s.tallies.clone();
    for t in tallies.values_mut() {
        for k in t.after.iter_mut().flat_map(|a| &mut a.sources) {
            k.line = 0;
        }
        for p in [
            &mut t.resource_name,
            &mut t.first_product,
            &mut t.last_product,
        ]
        .into_iter()
        .flatten()
        {
            p.0.line = 0;
        }
    }
    let mut fingerprints = s.fingerprints.clone();
    fingerprints.sort_unstable();
    format!(
        "{} {} {} {:?} {:?} {:?} {:?}\n{:?}\n{:?}",
        s.rows,
        s.skipped_rows,
        s.totals_rows,
        s.currencies,
        s.first_usage,
        s.last_usage,
        s.providers,
        tallies,
        fingerprints
    )
}

fn slow(path: &str, bytes: &[u8]) -> FileScan<Tallies> {
    slow_with(path, bytes, &opts())
}

fn fast(path: &str, bytes: &[u8]) -> FileScan<Tallies> {
    fast_with(path, bytes, &opts())
}

fn slow_with(path: &str, bytes: &[u8], opts: &ScanOptions) -> FileScan<Tallies> {
    read_with_csv_crate(path, bytes, opts, hooks()).unwrap()
}

fn fast_with(path: &str, bytes: &[u8], opts: &ScanOptions) -> FileScan<Tallies> {
    let src = source::from_reader(path, Box::new(bytes)).unwrap();
    match scan_text(path, 0, src, opts, hooks(), None).unwrap() {
        Scanned::Done(s) => s,
        Scanned::Split(_) => unreachable!(),
    }
}

#[test]
fn the_fast_reader_reads_what_the_csv_crate_reads() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut n = 0;
    for dir in [
        "huawei", "alibaba", "focus", "example", "rules", "mixed", "cur", "azure", "oci",
    ] {
        let Ok(files) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for f in files {
            let p = f.unwrap().path();
            let name = p.to_string_lossy().into_owned();
            if !name.ends_with(".csv") || name.contains("register") || name.ends_with("deleted.csv")
            {
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            // Registers and other non-exports have no export header: skip them.
            let src = source::from_reader(&name, Box::new(&bytes[..])).unwrap();
            if scan_text(&name, 0, src, &opts(), hooks(), None).is_err() {
                continue;
            }
            assert_eq!(
                essence(&fast(&name, &bytes)),
                essence(&slow(&name, &bytes)),
                "{name}"
            );
            n += 1;
        }
    }
    assert!(n > 25, "only {n} exports compared");
}

#[test]
fn the_fast_reader_reads_generated_exports_as_the_csv_crate_does() {
    // Every shape `scripts/bench` measures: in resource order every row has new times. The
    // reference reading reads times through the general parser only.
    for (format, order) in [
        (synth::Format::Huawei, synth::Order::Time),
        (synth::Format::Huawei, synth::Order::Resource),
        (synth::Format::Alibaba, synth::Order::Time),
        (synth::Format::Alibaba, synth::Order::Resource),
        (synth::Format::Focus, synth::Order::Time),
        (synth::Format::Focus, synth::Order::Resource),
    ] {
        let mut cfg = synth::Config::new(format, 7, synth::Target::Lines(4_000));
        cfg.order = order;
        let (export, _, _) = synth::to_vec(&cfg).unwrap();
        let name = format!("{format:?}-{order:?}.csv");
        let (a, b) = (fast(&name, &export), slow(&name, &export));
        let kept = a.fingerprints.len();
        assert!(kept > 1000, "{name}: {kept} lines kept");
        // Every class of line is met, so the comparison covers every sum.
        let all = a.tallies.values();
        let (mut after, mut tail) = (0, 0);
        for t in all {
            after += t.after().lines_after_deletion;
            tail += t.tail_lines;
        }
        assert!(after > 0 && tail > 0, "{name}: {after} after, {tail} tail");
        assert_eq!(essence(&a), essence(&b), "{name}");
    }
}

#[test]
fn tags_no_scan_reads_are_left_escaped_and_change_nothing() {
    // FOCUS and Azure write `""` pairs in a tags cell no field binds, on a third of their
    // lines: without fingerprints nothing reads it, and the fast reader leaves it as it is
    // (a debug build panics if anything reads it all the same).
    for format in [synth::Format::Focus, synth::Format::Azure] {
        let cfg = synth::Config::new(format, 7, synth::Target::Lines(4_000));
        let (export, _, _) = synth::to_vec(&cfg).unwrap();
        let name = format!("{format:?}.csv");
        let escaped = export
            .split(|b| *b == b'\n')
            .filter(|l| l.windows(2).any(|w| w == b"\"\""))
            .count();
        assert!(escaped > 500, "{name}: {escaped} lines with pairs");
        let opts = opts_with(false);
        let (a, b) = (
            fast_with(&name, &export, &opts),
            slow_with(&name, &export, &opts),
        );
        assert!(a.fingerprints.is_empty());
        assert!(a.rows > 3_000, "{name}: {} rows", a.rows);
        assert_eq!(essence(&a), essence(&b), "{name}");
    }
}
