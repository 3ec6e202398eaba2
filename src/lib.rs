//! billrecon: which deleted cloud resources are still billing.
//!
//! Data flows one way: `cli` (arguments) → `config` (checked settings) → `deletions` (what was
//! deleted, and when) and `ids` (how bill IDs match them) → `ingest` (exports in: every row feeds
//! coverage; each line `ids::matcher` selects is handed to `reconcile::count` through the
//! `ingest::Count` seam as it is read) → `reconcile` (the lag rules of `reconcile::verdict`,
//! tallies, verdicts, one [`report::Report`]) → `report` (one renderer per output format).
//! `cmd` holds the subcommands that wire these together; `exit` the exit codes they end in.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod deletions;
pub mod error;
pub mod exit;
pub mod ids;
pub mod ingest;
pub mod model;
pub mod money;
pub mod output;
pub mod progress;
pub mod reconcile;
pub mod report;
pub mod sql;
pub mod time;

use clap::Parser;
use exit::Exit;
use std::ffi::OsString;

/// Runs the program and says how it ended.
pub fn main<I: IntoIterator<Item = OsString>>(args: I) -> Exit {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // --help and --version print to stdout and succeed; usage errors go to stderr.
            return if e.use_stderr() {
                Exit::BadInput
            } else {
                Exit::Stopped
            };
        }
    };
    let result = match cli.command {
        cli::Command::Check(args) => config::CheckConfig::from_args(args).and_then(cmd::check::run),
        cli::Command::ExplainId(args) => {
            config::ExplainConfig::from_args(args).and_then(cmd::explain_id::run)
        }
        cli::Command::Inspect(args) => {
            config::InspectConfig::from_args(args).and_then(cmd::inspect::run)
        }
        cli::Command::Sql(args) => sql::run(args),
        cli::Command::Deletions(args) => {
            config::DeletionsConfig::from_args(args).and_then(cmd::deletions::run)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) if e.is_broken_pipe() => Exit::Stopped,
        Err(e) => {
            eprintln!(
                "billrecon: error: {}",
                crate::report::printable(&e.to_string())
            );
            e.exit_code()
        }
    }
}
