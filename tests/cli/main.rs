//! Integration tests: the `billrecon` binary run on the small quirk fixtures of `fixtures/`
//! (each file is described in `fixtures/README.md`). Every test pins the exit code.

mod bad_input;
mod formats;
mod options;
mod quirks;
mod register;
mod rules;
mod util;
mod verdicts;
