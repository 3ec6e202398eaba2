//! billrecon: which deleted cloud resources are still billing.
//!
//! Data flows one way: `cli` (arguments) → `config` (checked settings) → `ingest` (exports and
//! register in; `matcher` and `normalize` decide which lines matter, and the lines that do are
//! counted into a `tally` per deletion and resource as they are read) → `reconcile` (verdicts,
//! with the lag rules of `settle`) → `report` (one renderer per output format).

pub mod check;
pub mod cli;
pub mod config;
pub mod error;
pub mod explain;
pub mod ingest;
pub mod inspect;
pub mod matcher;
pub mod model;
pub mod money;
pub mod normalize;
pub mod output;
pub mod progress;
pub mod reconcile;
pub mod report;
pub mod settle;
pub mod tally;
pub mod time;

use clap::Parser;
use std::ffi::OsString;

/// Runs the program and returns its exit code.
pub fn main<I: IntoIterator<Item = OsString>>(args: I) -> u8 {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            // --help and --version exit 0; usage errors exit 2.
            let _ = e.print();
            return u8::try_from(e.exit_code()).unwrap_or(2);
        }
    };
    let result = match cli.command {
        cli::Command::Check(args) => config::CheckConfig::from_args(args).and_then(check::run),
        cli::Command::ExplainId(args) => {
            config::ExplainConfig::from_args(args).and_then(explain::run)
        }
        cli::Command::Inspect(args) => {
            config::InspectConfig::from_args(args).and_then(inspect::run)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) if e.is_broken_pipe() => 0,
        Err(e) => {
            eprintln!(
                "billrecon: error: {}",
                crate::report::printable(&e.to_string())
            );
            e.exit_code()
        }
    }
}
