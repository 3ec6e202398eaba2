//! Reading a file in pieces on two cores gives exactly what one pass from start to end gives:
//! same rows, same tallies of the lines kept (with the same physical line numbers cited, and the
//! same amounts by hour for the HTML report), same fingerprints, same skipped rows, whatever the
//! piece size and wherever the cuts fall (inside quoted cells with newlines, on CRLF pairs, on
//! blank lines).

use crate::synth;
use billrecon::ingest::parallel::scan_all;
use billrecon::ingest::source::entries;
use billrecon::ingest::{FileScan, Hooks, LineIds, ScanOptions, Select, Selected};
use billrecon::model::DeletionIdx;
use billrecon::progress::Progress;
use billrecon::reconcile::count::{Counter, Tallies};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use std::path::Path;

/// Keeps every line that has a resource ID.
struct Everything;

impl Select for Everything {
    fn select(&self, ids: &LineIds<'_>) -> Option<Selected> {
        (!ids.id.is_empty()).then(|| Selected {
            norm_id: ids.id.to_ascii_lowercase(),
            rule: "as-is".into(),
            hits: vec![DeletionIdx(0), DeletionIdx(1)],
        })
    }
}

/// Two deletions, so that the awkward file's lines fall before, across and after one, and the
/// fixtures' lines on both sides of the other.
fn deleted() -> [DateTime<Utc>; 2] {
    let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
    [t("2026-10-10T02:30:00Z"), t("2026-10-20T03:10:00Z")]
}

fn scan(
    path: &Path,
    threads: usize,
    piece: u64,
    skip_bad_rows: bool,
) -> Result<Vec<FileScan<Tallies>>, String> {
    scan_read(path, threads, piece, skip_bad_rows, (true, true))
}

/// [`scan`], its pieces read through a memory map (`mapped`) or with `read`, with or without
/// fingerprints (without them a scan reads only the cells a field binds, and the reader leaves
/// the `""` pairs of the others as they are).
fn scan_read(
    path: &Path,
    threads: usize,
    piece: u64,
    skip_bad_rows: bool,
    (mapped, fingerprints): (bool, bool),
) -> Result<Vec<FileScan<Tallies>>, String> {
    let tz = FixedOffset::east_opt(8 * 3600).unwrap();
    // The second is an unsubscription: its refund and plan facts are read in pieces too, as
    // are the HTML report's amounts by hour.
    let counter = Counter::new(deleted().to_vec(), Duration::zero())
        .with_unsubscribed(vec![false, true])
        .with_series(Some(tz));
    let opts = ScanOptions {
        fingerprints,
        mapped,
        ..ScanOptions::new(tz, skip_bad_rows)
    };
    let e = entries(path.to_str().unwrap()).map_err(|e| e.to_string())?;
    let hooks = Hooks {
        select: &Everything,
        count: &counter,
    };
    scan_all(&e, &opts, hooks, &Progress::new(true), threads, piece).map_err(|e| e.to_string())
}

fn assert_same_in_pieces(path: &Path, skip_bad_rows: bool) {
    assert_same_in_pieces_of(path, skip_bad_rows, &[1, 3, 17, 64, 333, 4096]);
}

fn assert_same_in_pieces_of(path: &Path, skip_bad_rows: bool, sizes: &[u64]) {
    for fingerprints in [true, false] {
        let whole = scan_read(path, 1, u64::MAX, skip_bad_rows, (true, fingerprints))
            .map(|v| v.iter().map(FileScan::digest).collect::<Vec<_>>());
        for &piece in sizes {
            for mapped in [true, false] {
                let pieces = scan_read(path, 2, piece, skip_bad_rows, (mapped, fingerprints))
                    .map(|v| v.iter().map(FileScan::digest).collect::<Vec<_>>());
                assert_eq!(
                    whole,
                    pieces,
                    "{} in pieces of {piece} bytes (mapped: {mapped}, fingerprints: \
                     {fingerprints})",
                    path.display()
                );
            }
        }
    }
}

/// A file built to put cuts in awkward places.
fn awkward() -> String {
    let mut s = String::from(
        "Expenditure details\r\n资源ID,资源名称,使用开始时间,使用结束时间,应付金额(¥)\r\n",
    );
    for i in 0..60 {
        let name = match i % 5 {
            0 => format!("\"name, with comma {i}\""),
            1 => format!("\"two\nlines {i}\""),
            2 => format!("\"quote \"\" and\r\nCRLF {i}\""),
            _ => format!("plain-{i}"),
        };
        let end = if i % 7 == 0 { "\r\n" } else { "\n" };
        s.push_str(&format!(
            "ecs-{i},{name},2026-10-10 {:02}:00:00,2026-10-10 {:02}:00:00,{}.5{end}",
            i % 23,
            i % 23 + 1,
            i
        ));
        if i % 11 == 0 {
            s.push('\n');
        }
    }
    s.push_str("合计,,,,999\n");
    s
}

fn temp(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("billrecon-pieces-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn pieces_read_awkward_files_as_one_pass_does() {
    assert_same_in_pieces(&temp("awkward.csv", &awkward()), false);
}

#[test]
fn pieces_skip_and_report_bad_rows_as_one_pass_does() {
    let bad = awkward()
        .replace(",12.5\n", ",twelve\n")
        .replace(",31.5\n", ",1e99\n");
    let p = temp("bad.csv", &bad);
    assert_same_in_pieces(&p, true);
    // Without skipping, both report the same first bad row.
    assert_same_in_pieces(&p, false);
    let err = scan(&p, 2, 5, false).unwrap_err();
    assert!(err.contains("bad.csv:"), "{err}");
}

#[test]
fn pieces_read_every_fixture_as_one_pass_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut n = 0;
    for dir in ["huawei", "alibaba", "focus", "example"] {
        let Ok(files) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for f in files {
            let p = f.unwrap().path();
            if p.extension().is_some_and(|e| e == "csv") && !p.ends_with("deleted.csv") {
                assert_same_in_pieces(&p, true);
                n += 1;
            }
        }
    }
    assert!(n > 20, "only {n} fixtures read");
}

#[test]
fn pieces_read_every_generated_shape_as_one_pass_does() {
    // The shapes `scripts/bench` measures, small: in resource order every row has new times.
    for format in [
        synth::Format::Huawei,
        synth::Format::Alibaba,
        synth::Format::Focus,
        synth::Format::Azure,
    ] {
        for order in [synth::Order::Time, synth::Order::Resource] {
            let mut cfg = synth::Config::new(format, 3, synth::Target::Lines(600));
            cfg.order = order;
            let (export, _, _) = synth::to_vec(&cfg).unwrap();
            let name = format!("{format:?}-{order:?}.csv");
            let p = temp(&name, std::str::from_utf8(&export).unwrap());
            assert_same_in_pieces_of(&p, false, &[977, 4096, 65_536]);
        }
    }
}

#[test]
fn an_input_that_fails_is_the_one_reported_not_a_big_file_left_unread_because_of_it() {
    // While one core opens the bad file and fails, the other has cut the big file into pieces
    // that are then never read: the error must be the bad file's, not "a piece was not read".
    let big = temp(
        "big-before-bad.csv",
        &awkward().repeat(20).replace("合计,,,,999\n", ""),
    );
    let bad = temp("bad-after-big.csv", "no,header,here\n1,2,3\n");
    let opts = ScanOptions::new(FixedOffset::east_opt(8 * 3600).unwrap(), false);
    let mut e = entries(big.to_str().unwrap()).unwrap();
    e.extend(entries(bad.to_str().unwrap()).unwrap());
    for _ in 0..5 {
        // The second is an unsubscription: its refund and plan facts are read in pieces too.
        let counter =
            Counter::new(deleted().to_vec(), Duration::zero()).with_unsubscribed(vec![false, true]);
        let hooks = Hooks {
            select: &Everything,
            count: &counter,
        };
        let err = scan_all(&e, &opts, hooks, &Progress::new(true), 2, 7)
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad-after-big.csv:1"), "{err}");
        assert!(err.contains("matches no known export format"), "{err}");
    }
}
