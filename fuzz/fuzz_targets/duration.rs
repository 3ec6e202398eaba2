//! Fuzz target `duration`: the check is `tests/support/fuzz.rs::duration`, shared with the regression
//! tests that replay the inputs kept in `fuzz/regressions/duration/`.
#![no_main]

#[path = "../../tests/support/fuzz.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::duration(data));
