//! Fuzz target `register`: the check is `tests/support/fuzz.rs::register`, shared with the regression
//! tests that replay the inputs kept in `fuzz/regressions/register/`.
#![no_main]

#[path = "../../tests/support/fuzz.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::register(data));
