//! The command line as clap sees it. No logic: `config` turns these strings into checked values.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const ABOUT: &str =
    "Tells which deleted cloud resources are still billing, from exported bill files";

const LONG_ABOUT: &str = "\
Tells which deleted cloud resources are still billing, from exported bill files.

billrecon reads bill exports (Huawei Cloud Expenditure Details, Alibaba Cloud Bill Details, FOCUS)
and what was deleted and when (a register, or the audit logs CTS, ActionTrail and CloudTrail and
cloud-nuke reports), normalizes the resource IDs the bill uses, accounts for the settlement lag,
and says for every deleted resource whether it still bills.";

const CHECK_AFTER_LONG_HELP: &str = "\
Verdicts (the first that applies):
  still_billing  a line bills usage that started at or after the deletion (plus --grace), or an
                 order (such as a renewal) dated after it, with a non-zero amount or usage
  pending        the bill data is not complete through deletion + --window yet: too early to tell
  not_in_bill    no line of the exports mentions the resource: the ID may be wrong
  stopped        it had lines, none after the deletion, and the window has been observed

The lag: a resource deleted at 08:30 is still charged for 08:00-09:00 (a 'tail' line, reported but
never a finding), and that charge reaches the export around 10:00. The data of each provider is
complete through (latest usage end in its exports) - --lag, or --as-of - --lag.

IDs: compared case-insensitively. A ModelArts service billed as '<service name>-<AI application
UUID>' matches the service name; a composite ID 'a;b;c' also matches any one part.

Exit codes:
  0  every deleted resource is confirmed stopped
  1  at least one resource is still_billing
  2  bad usage or bad input: nothing trustworthy was reported
  3  nothing is still billing, but something is pending or not_in_bill: run again later
  --exit-zero turns 1 and 3 into 0.

Examples:
  billrecon check --deleted register.csv huawei-2026-10.csv
  billrecon check --deleted trail.json.gz --deleted nuke-report.json huawei-2026-10.csv
  billrecon check --product ModelArts --cleaned-at '2026-10-20 11:10' -f json -o report.json bills/*.csv";

#[derive(Debug, Parser)]
#[command(name = "billrecon", version, about = ABOUT, long_about = LONG_ABOUT, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check which deleted resources still bill
    #[command(after_long_help = CHECK_AFTER_LONG_HELP)]
    Check(CheckArgs),
    /// Show how bill IDs normalize, rule by rule
    #[command(after_long_help = EXPLAIN_AFTER_LONG_HELP)]
    ExplainId(ExplainIdArgs),
    /// Show what exports hold: detected format, column mapping, rows, currency, time span
    #[command(after_long_help = INSPECT_AFTER_LONG_HELP)]
    Inspect(InspectArgs),
    /// Print the reconciliation as one SQL query for a warehouse (DuckDB, Spark, Trino, BigQuery)
    #[command(after_long_help = crate::sql::AFTER_LONG_HELP)]
    Sql(crate::sql::SqlArgs),
    /// Print the deletion register derived from audit logs, cleanup reports and registers
    #[command(after_long_help = deletions_help())]
    Deletions(DeletionsArgs),
}

fn deletions_help() -> String {
    format!(
        "\
Each SOURCE is recognised by its content, never its name, plain or gzip: a CSV register, Huawei
Cloud CTS traces, Alibaba Cloud ActionTrail events (a JSON array, one object per line, or an API
response such as {{\"traces\": [...]}} / {{\"Events\": [...]}}), AWS CloudTrail files
({{\"Records\": [...]}}) and cloud-nuke JSON reports. Only successful deletion and stop events
count: failed ones are named in a warning; other events are counted and skipped. A stop becomes
a row with action = stopped (its disks and storage keep billing). One row per resource: a
deletion supersedes a stop, the earliest deletion wins. cloud-nuke reports have no time per
resource: the report's time is used, an upper bound.

The CSV (resource_id,resource_name,deleted_at,product,provider,action,note,origin) can be edited
and passed back to `check --deleted`. Stderr says what each source held and the time span it
covers: an audit log says nothing of deletions after its last record.

{}
Exit codes:
  0  every source was read
  2  a source could not be read (the file, and the record or line, are named)

Examples:
  billrecon deletions CloudTraces/cn-north-4/2026/10/*/*.json.gz > register.csv
  billrecon deletions -f json actiontrail.json nuke-report.json",
        crate::deletions::audit::table_help()
    )
}

#[derive(Debug, Args)]
pub struct DeletionsArgs {
    /// Registers, audit logs and cleanup reports (detected by content; gzip read through)
    #[arg(required = true, value_name = "SOURCE")]
    pub sources: Vec<PathBuf>,

    /// Output format
    #[arg(short = 'f', long, value_enum, default_value_t = DeletionsFormatArg::Csv)]
    pub format: DeletionsFormatArg,

    /// Offset of times written without one (register rows, legacy CTS times)
    #[arg(
        long,
        value_name = "OFFSET",
        default_value = "+08:00",
        allow_hyphen_values = true
    )]
    pub tz: String,

    /// A rules file: its [[deletion_event]] entries add deletion and stop events
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,

    /// Skip audit records that cannot be read (a time that is not one); count them and warn
    #[arg(long)]
    pub skip_bad_rows: bool,

    /// Nothing on stderr but errors
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeletionsFormatArg {
    /// The register, ready for --deleted
    Csv,
    /// One JSON document, with each deletion's origin and each source's span
    Json,
}

const EXPLAIN_AFTER_LONG_HELP: &str = "\
For each ID, every rule tried in order (your --rules first, then the built-in ones), whether its
scope applied, whether it matched and what it produced; the last line printed for an ID is its
normalized form alone (lower case: IDs compare case-insensitively).

Example:
  billrecon explain-id --provider huawei --product hws.service.type.ma \\
      svc-infer-prod-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e";

#[derive(Debug, Args)]
pub struct ExplainIdArgs {
    /// Bill IDs to explain, as the bill writes them
    #[arg(required = true, value_name = "BILL_ID")]
    pub ids: Vec<String>,

    /// Provider of the bill line (huawei, alibaba, focus, aws, azure, gcp, oracle)
    #[arg(long, value_name = "P")]
    pub provider: Option<String>,

    /// Product code or name of the bill line (such as hws.service.type.ma or ModelArts)
    #[arg(long, value_name = "NAME")]
    pub product: Option<String>,

    /// Extra ID-normalization rules (TOML), tried before the built-in ones
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
}

const INSPECT_AFTER_LONG_HELP: &str = "\
For every input (every member of a zip archive is one): the detected format and FOCUS version, how
it was read (wrapper, encoding), which header column was bound to each meaning, the rows, the
currencies, the first and last usage time, and per provider how far the data is complete
(latest usage end - --lag). When no known format matches a header, it names the closest format
and the columns it is missing.

Exit codes:
  0  every input was read
  2  an input could not be read, or matches no known format (the others are still shown)

Examples:
  billrecon inspect huawei-2026-10.csv bundle.zip
  billrecon inspect -f json focus-2026-10.parquet";

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Bill exports to inspect (CSV, .gz, .zip, Parquet)
    #[arg(required = true, value_name = "EXPORT")]
    pub exports: Vec<PathBuf>,

    /// Output format
    #[arg(short = 'f', long, value_enum, default_value_t = InspectFormatArg::Table)]
    pub format: InspectFormatArg,

    /// Offset of times written without one, and of the times shown in the table
    #[arg(
        long,
        value_name = "OFFSET",
        default_value = "+08:00",
        allow_hyphen_values = true
    )]
    pub tz: String,

    /// How long after a usage period ends its charge may still be missing (for complete-through)
    #[arg(long, value_name = "DURATION", default_value = "2h")]
    pub lag: String,

    /// A rules file to check (as `check --rules` reads it) before inspecting
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,

    /// No progress bars
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectFormatArg {
    /// For people
    Table,
    /// One JSON document, for scripts
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Bill exports to read (CSV, .gz, .zip, Parquet); formats may differ and are detected from
    /// each header row, wrappers from the first bytes
    #[arg(required = true, value_name = "EXPORT")]
    pub exports: Vec<PathBuf>,

    /// What was deleted, repeatable: a register CSV (resource_id and deleted_at; product,
    /// provider, resource_name, action and note optional), CTS traces, ActionTrail events,
    /// CloudTrail files or a cloud-nuke report, recognised by content (see `deletions --help`)
    #[arg(long, value_name = "FILE", required_unless_present = "product")]
    pub deleted: Vec<PathBuf>,

    /// Everything billed under this product (code or name, any case) was cleaned up at the
    /// matching --cleaned-at; repeatable, combinable with --deleted
    #[arg(long, value_name = "NAME", requires = "cleaned_at")]
    pub product: Vec<String>,

    /// When the matching --product was cleaned up (a TIME; one per --product, in order)
    #[arg(long, value_name = "TIME", requires = "product")]
    pub cleaned_at: Vec<String>,

    #[command(flatten)]
    pub timing: Timing,

    /// Extra ID-normalization rules (TOML), tried before the built-in ones
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,

    /// Report format
    #[arg(short = 'f', long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,

    /// Write the report to FILE (replaced only once the report is complete) [default: stdout]
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// An earlier `-f json` report: mark each resource new, continuing, unchanged, resolved,
    /// settled or added since then (read whole first, so -o may name it)
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,

    /// What exits 1: any finding (the default), or only findings new since --baseline
    #[arg(long, value_enum, value_name = "WHAT", default_value_t = FailOnArg::Any, requires = "baseline")]
    pub fail_on: FailOnArg,

    /// Exit 0 whenever the analysis completed, whatever the verdicts
    #[arg(long)]
    pub exit_zero: bool,

    /// Skip export rows and audit records that cannot be parsed; count them and warn on stderr
    #[arg(long)]
    pub skip_bad_rows: bool,

    /// No progress bars, no warnings
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    /// Exit 1 on any resource still billing
    Any,
    /// Exit 1 only on a finding new since --baseline (new, or settled from pending): a known
    /// leak pages nobody twice
    New,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Aligned table for people
    Table,
    /// One JSON document (schema_version 1), for scripts
    Json,
    /// One row per resource and currency, for spreadsheets
    Csv,
    /// A Markdown table, for tickets
    Markdown,
    /// One self-contained HTML page with a timeline per resource, for people (use with -o)
    Html,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}

/// When usage is settled and observed: the options `check` and `sql` share.
#[derive(Debug, Args)]
pub struct Timing {
    /// How long after a usage period ends its charge may still be missing from an export
    #[arg(long, value_name = "DURATION", default_value = "2h")]
    pub lag: String,

    /// How long after a deletion the bill must have been observed before a resource can be
    /// declared stopped
    #[arg(long, value_name = "DURATION", default_value = "24h")]
    pub window: String,

    /// Usage starting less than this after the deletion is still tail (for deletions accepted
    /// before they complete)
    #[arg(long, value_name = "DURATION", default_value = "0s")]
    pub grace: String,

    /// When the exports were taken [default: the latest usage end in the data]
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,

    /// Offset of times written without one (the Huawei and Alibaba consoles write UTC+08:00
    /// wall clocks; FOCUS times are UTC)
    #[arg(
        long,
        value_name = "OFFSET",
        default_value = "+08:00",
        allow_hyphen_values = true
    )]
    pub tz: String,
}
