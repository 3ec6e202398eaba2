//! The subcommands: each takes its checked settings from `config`, calls the rooms that read,
//! match, decide and render, and returns how the run ended. Orchestration only: no parsing,
//! deciding or formatting of its own.

pub mod check;
pub mod deletions;
pub mod explain_id;
pub mod inspect;
