//! Fuzz target `pieces`: the check is `tests/support/fuzz.rs::pieces`, shared with the regression
//! tests that replay the inputs kept in `fuzz/regressions/pieces/`.
#![no_main]

#[path = "../../tests/support/fuzz.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::pieces(data));
