//! Fuzz target `money`: the check is `tests/support/fuzz.rs::money`, shared with the regression
//! tests that replay the inputs kept in `fuzz/regressions/money/`.
#![no_main]

#[path = "../../tests/support/fuzz.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::money(data));
