//! The test harness: one binary. Most modules run the `billrecon` binary on the small quirk
//! fixtures of `fixtures/` (each file is described in `fixtures/README.md`) and pin the exit
//! code; the others hold the library's readings to each other (`equivalence`, `pieces`),
//! replay what the fuzzers found (`fuzz_regressions`), check properties over generated bills
//! (`properties`) and the generator behind `scripts/bench` (`generator`).

mod adversarial;
mod bad_input;
mod baseline;
mod deletions;
mod equivalence;
mod exports;
mod formats;
mod fuzz_regressions;
mod generator;
mod native;
mod options;
mod overlap;
mod pieces;
mod properties;
mod quirks;
mod reading;
mod readme;
mod realdata;
mod realdata_native;
mod register;
mod rules;
mod scale;
mod sql;
mod unsubscribe;
mod util;
mod verdicts;
mod wild;

/// The checks the fuzz targets in `fuzz/` run, shared with them.
#[path = "../support/fuzz.rs"]
mod fuzz_harness;

/// The synthetic-export generator behind `scripts/bench` and `examples/gen-export.rs`.
#[path = "../support/synth/mod.rs"]
mod synth;
