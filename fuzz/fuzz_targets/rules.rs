//! Fuzz target `rules`: the check is `tests/support/fuzz.rs::rules`, shared with the regression
//! tests that replay the inputs kept in `fuzz/regressions/rules/`.
#![no_main]

#[path = "../../tests/support/fuzz.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::rules(data));
