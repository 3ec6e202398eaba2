//! Fuzz target `scan`: the check is `tests/support/fuzz.rs::scan`, shared with the regression
//! tests that replay the inputs kept in `fuzz/regressions/scan/`.
#![no_main]

#[path = "../../tests/support/fuzz.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::scan(data));
