//! Fuzz target `report`: the check is `tests/support/fuzz.rs::report`, shared with the
//! regression tests that replay the inputs kept in `fuzz/regressions/report/`.
#![no_main]

#[path = "../../tests/support/fuzz.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::report(data));
