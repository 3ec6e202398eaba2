//! Fuzz target `deletions`: the check is `tests/support/fuzz.rs::deletions`, shared with the
//! regression tests that replay the inputs kept in `fuzz/regressions/deletions/`.
#![no_main]

#[path = "../../tests/support/fuzz.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::deletions(data));
