//! Replays every input the fuzzers found (kept in `fuzz/regressions/<target>/`) through the
//! same check the fuzz target runs (`tests/support/fuzz.rs`): no panic, and a bad input is an
//! error naming its file. The fuzz targets themselves are built and run from `fuzz/` (see the
//! README's Development section); `cargo test` never builds them.

use crate::fuzz_harness as harness;

use std::path::Path;

#[test]
fn every_saved_fuzz_input_is_handled_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut n = 0;
    for (target, check) in harness::TARGETS {
        let Ok(files) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for f in files {
            let path = f.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let run = std::panic::catch_unwind(|| check(&bytes));
            assert!(run.is_ok(), "{target}: {} panics", path.display());
            n += 1;
        }
    }
    eprintln!("{n} saved fuzz inputs replayed");
}

#[test]
fn usage_quantities_whose_sum_overflowed_are_a_clean_error() {
    // Found by reading `reconcile.rs`: two post-deletion lines of usage 7.9e28 overflowed the
    // usage sum (a panic; exit 101 from the binary).
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions/report/usage-sum-overflow.csv");
    let data = std::fs::read(path).unwrap();
    let err = harness::report_scans(data[0], &data[1..]).unwrap_err();
    assert_eq!(
        err,
        "a.csv:2:11: usage quantity: `79228162514264337593543950335` is too large to add up: \
         at most 18 digits before the decimal point"
    );
    harness::report(&data);
}

#[test]
fn every_fixture_reads_as_the_csv_crate_reads_it_at_any_read_size() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut n = 0;
    for dir in std::fs::read_dir(root).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(dir).unwrap() {
            let path = f.unwrap().path();
            if !matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("csv" | "txt")
            ) {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            for flags in [0u8, 1, 2, 14, 30, 255] {
                let mut data = vec![flags];
                data.extend_from_slice(&bytes);
                let run = std::panic::catch_unwind(|| harness::records(&data));
                assert!(run.is_ok(), "{} (flags {flags})", path.display());
            }
            n += 1;
        }
    }
    assert!(n > 30, "only {n} fixtures read");
}

#[test]
fn every_deletions_fixture_passes_the_deletions_check() {
    // Audit logs, cloud-nuke reports and registers: read without a panic, and what is derived
    // reads back the same through the register `billrecon deletions` writes.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut n = 0;
    for dir in ["deletions", "register", "bad"] {
        for f in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = f.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            for flags in [0u8, 1] {
                let mut data = vec![flags];
                data.extend_from_slice(&bytes);
                let run = std::panic::catch_unwind(|| harness::deletions(&data));
                assert!(run.is_ok(), "{} (flags {flags})", path.display());
            }
            n += 1;
        }
    }
    assert!(n > 30, "only {n} fixtures read");
}
