//! Fuzz target `time`: the check is `tests/support/fuzz.rs::time`, shared with the regression
//! tests that replay the inputs kept in `fuzz/regressions/time/`.
#![no_main]

#[path = "../../tests/support/fuzz.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::time(data));
