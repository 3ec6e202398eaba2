//! Fuzz target `records`: the check is `tests/support/fuzz.rs::records`, shared with the regression
//! tests that replay the inputs kept in `fuzz/regressions/records/`.
#![no_main]

#[path = "../../tests/support/fuzz.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::records(data));
