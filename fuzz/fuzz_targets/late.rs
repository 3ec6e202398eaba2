//! Fuzz target `late`: the check is `tests/support/fuzz.rs::late`, shared with the regression
//! tests that replay the inputs kept in `fuzz/regressions/late/`.
#![no_main]

#[path = "../../tests/support/fuzz.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::late(data));
