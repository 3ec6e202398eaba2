//! Checked settings: the command line's strings become typed values here, and clap's types go
//! no further.

use crate::cli::{
    CheckArgs, DeletionsArgs, DeletionsFormatArg, ExplainIdArgs, FailOnArg, FormatArg, InspectArgs,
    InspectFormatArg,
};
use crate::error::{Error, Result};
use crate::report::OutputFormat;
use crate::time::{parse_duration, parse_offset, parse_time};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct CheckConfig {
    pub exports: Vec<String>,
    /// `--deleted` files: registers, audit logs, cleanup reports.
    pub registers: Vec<String>,
    pub rules: Option<String>,
    /// Product-level cleanups from `--product`/`--cleaned-at`.
    pub products: Vec<(String, DateTime<Utc>)>,
    pub lag: Duration,
    pub window: Duration,
    pub grace: Duration,
    pub as_of: Option<DateTime<Utc>>,
    pub tz: FixedOffset,
    pub format: OutputFormat,
    pub output: Option<PathBuf>,
    pub exit_zero: bool,
    pub skip_bad_rows: bool,
    pub quiet: bool,
    /// `--baseline`: an earlier JSON report to compare with.
    pub baseline: Option<String>,
    /// `--fail-on new`: exit 1 only for findings new since the baseline.
    pub fail_on_new: bool,
}

impl CheckConfig {
    pub fn from_args(a: CheckArgs) -> Result<Self> {
        let Timing {
            tz,
            lag,
            window,
            grace,
            as_of,
        } = Timing::from_args(&a.timing)?;
        let products = cleanups(&a.product, &a.cleaned_at, tz)?;
        Ok(CheckConfig {
            exports: a
                .exports
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect(),
            registers: a
                .deleted
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect(),
            rules: a.rules.map(|p| p.to_string_lossy().into_owned()),
            products,
            lag,
            window,
            grace,
            as_of,
            tz,
            format: match a.format {
                FormatArg::Table => OutputFormat::Table,
                FormatArg::Json => OutputFormat::Json,
                FormatArg::Csv => OutputFormat::Csv,
                FormatArg::Markdown => OutputFormat::Markdown,
                FormatArg::Html => OutputFormat::Html,
            },
            output: a.output,
            exit_zero: a.exit_zero,
            skip_bad_rows: a.skip_bad_rows,
            quiet: a.quiet,
            baseline: a.baseline.map(|p| p.to_string_lossy().into_owned()),
            fail_on_new: a.fail_on == FailOnArg::New,
        })
    }
}

#[derive(Debug, Clone)]
pub struct ExplainConfig {
    pub ids: Vec<String>,
    pub provider: String,
    pub product: String,
    pub rules: Option<String>,
}

impl ExplainConfig {
    pub fn from_args(a: ExplainIdArgs) -> Result<Self> {
        Ok(ExplainConfig {
            ids: a.ids,
            provider: a
                .provider
                .as_deref()
                .map(crate::model::canonical_provider)
                .unwrap_or_default(),
            product: a.product.unwrap_or_default().trim().to_string(),
            rules: a.rules.map(|p| p.to_string_lossy().into_owned()),
        })
    }
}

/// Checked settings of `billrecon inspect`.
#[derive(Debug, Clone)]
pub struct InspectConfig {
    pub exports: Vec<String>,
    pub rules: Option<String>,
    pub json: bool,
    pub tz: FixedOffset,
    pub lag: Duration,
    pub quiet: bool,
}

impl InspectConfig {
    pub fn from_args(a: InspectArgs) -> Result<Self> {
        let usage = |flag: &str, m: String| Error::Usage(format!("{flag}: {m}"));
        Ok(InspectConfig {
            exports: a
                .exports
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect(),
            rules: a.rules.map(|p| p.to_string_lossy().into_owned()),
            json: a.format == InspectFormatArg::Json,
            tz: parse_offset(&a.tz).map_err(|m| usage("--tz", m))?,
            lag: parse_duration(&a.lag).map_err(|m| usage("--lag", m))?,
            quiet: a.quiet,
        })
    }
}

/// Checked settings of `billrecon deletions`.
#[derive(Debug, Clone)]
pub struct DeletionsConfig {
    pub sources: Vec<String>,
    pub rules: Option<String>,
    pub json: bool,
    pub tz: FixedOffset,
    pub skip_bad_rows: bool,
    pub quiet: bool,
}

impl DeletionsConfig {
    pub fn from_args(a: DeletionsArgs) -> Result<Self> {
        Ok(DeletionsConfig {
            sources: a
                .sources
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect(),
            rules: a.rules.map(|p| p.to_string_lossy().into_owned()),
            json: a.format == DeletionsFormatArg::Json,
            tz: parse_offset(&a.tz).map_err(|m| Error::Usage(format!("--tz: {m}")))?,
            skip_bad_rows: a.skip_bad_rows,
            quiet: a.quiet,
        })
    }
}

/// The settlement settings `check` and `sql` share, parsed.
pub struct Timing {
    pub tz: FixedOffset,
    pub lag: Duration,
    pub window: Duration,
    pub grace: Duration,
    pub as_of: Option<DateTime<Utc>>,
}

impl Timing {
    pub fn from_args(a: &crate::cli::Timing) -> Result<Self> {
        let usage = |flag: &str, m: String| Error::Usage(format!("{flag}: {m}"));
        let tz = parse_offset(&a.tz).map_err(|m| usage("--tz", m))?;
        Ok(Timing {
            tz,
            lag: parse_duration(&a.lag).map_err(|m| usage("--lag", m))?,
            window: parse_duration(&a.window).map_err(|m| usage("--window", m))?,
            grace: parse_duration(&a.grace).map_err(|m| usage("--grace", m))?,
            as_of: a
                .as_of
                .as_deref()
                .map(|s| parse_time(s, tz))
                .transpose()
                .map_err(|m| usage("--as-of", m))?,
        })
    }
}

/// `--product` and `--cleaned-at`, paired in order: each cleaned-up product (trimmed) and when.
pub fn cleanups(
    products: &[String],
    cleaned_at: &[String],
    tz: FixedOffset,
) -> Result<Vec<(String, DateTime<Utc>)>> {
    if products.len() != cleaned_at.len() {
        return Err(Error::Usage(format!(
            "--product and --cleaned-at go in pairs: got {} --product and {} --cleaned-at",
            products.len(),
            cleaned_at.len()
        )));
    }
    let mut out = Vec::new();
    for (p, at) in products.iter().zip(cleaned_at) {
        if p.trim().is_empty() {
            return Err(Error::Usage("--product: the name is empty".into()));
        }
        let t = parse_time(at, tz).map_err(|m| Error::Usage(format!("--cleaned-at: {m}")))?;
        out.push((p.trim().to_string(), t));
    }
    Ok(out)
}
