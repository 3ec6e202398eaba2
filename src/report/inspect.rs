//! The report of `billrecon inspect`: what each input holds, as one value rendered as JSON or
//! as a table for people. Rendering computes nothing; `cmd::inspect` fills the value.

use super::{local, opt_time, printable, Tool};
use crate::model::Format;
use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;
use std::io::{self, Write};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct InspectReport {
    pub schema_version: u32,
    pub tool: Tool,
    pub settings: InspectSettings,
    pub inputs: Vec<InputInfo>,
    /// What a reader should know that is no error (metered usage dated in the future).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct InspectSettings {
    pub lag_seconds: i64,
    pub tz: String,
}

/// What one input holds, or why it could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct InputInfo {
    /// The file, or `archive.zip:member` for a member of a zip archive.
    pub path: String,
    /// Whether the input was read in full.
    pub ok: bool,
    pub format: Option<Format>,
    pub format_name: Option<&'static str>,
    /// FOCUS version implied by the header.
    pub version: Option<&'static str>,
    /// How the bytes were read: `CSV, gzip, UTF-8 with BOM`, `Parquet, 1 row group`.
    pub reading: Option<String>,
    pub header_line: Option<u64>,
    /// Each meaning the format binds, and the header column bound to it.
    pub columns: Vec<ColumnInfo>,
    pub rows: Option<u64>,
    /// Totals rows (`合计`, `Total`) recognised and left out.
    pub totals_rows: Option<u64>,
    pub currency: Option<String>,
    #[serde(serialize_with = "opt_time")]
    pub first_usage: Option<DateTime<Utc>>,
    #[serde(serialize_with = "opt_time")]
    pub last_usage: Option<DateTime<Utc>>,
    /// Per provider in the input: data complete through (latest usage end − lag).
    pub coverage: Vec<CoverageInfo>,
    /// Why the input could not be read (as printed on stderr).
    pub error: Option<String>,
    /// When no known format matches the header: the closest one and what it lacks.
    pub closest: Option<ClosestInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ColumnInfo {
    pub meaning: &'static str,
    /// Column number, from 1.
    pub column: usize,
    pub header: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CoverageInfo {
    pub provider: String,
    #[serde(serialize_with = "opt_time")]
    pub complete_through: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClosestInfo {
    pub format: Format,
    pub format_name: &'static str,
    pub missing: Vec<MissingInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MissingInfo {
    pub meaning: &'static str,
    /// Header names that would have been accepted (the first few).
    pub looked_for: Vec<&'static str>,
}

/// Renders the report as one pretty-printed JSON document.
pub fn render_json(r: &InspectReport, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, r).map_err(io::Error::other)?;
    writeln!(out)
}

/// The table for people: one block per input.
pub fn render_table(r: &InspectReport, tz: FixedOffset, out: &mut dyn Write) -> io::Result<()> {
    let when = |t: Option<DateTime<Utc>>| t.map_or_else(|| "-".to_string(), |t| local(t, tz));
    for (n, i) in r.inputs.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", printable(&i.path))?;
        if !i.ok {
            writeln!(
                out,
                "  error        {}",
                printable(i.error.as_deref().unwrap_or(""))
            )?;
            if let Some(c) = &i.closest {
                writeln!(out, "  closest      {} ({})", c.format, c.format_name)?;
                for m in &c.missing {
                    let names: Vec<String> =
                        m.looked_for.iter().map(|n| format!("`{n}`")).collect();
                    writeln!(out, "  missing      {}: {}", m.meaning, names.join(" or "))?;
                }
            }
            continue;
        }
        let format = match (i.format, i.format_name, i.version) {
            // `focus 1.0 (FOCUS)`, `focus, version unknown (FOCUS)`.
            (Some(f), Some(name), Some(v)) if v.starts_with(|c: char| c.is_ascii_digit()) => {
                format!("{f} {v} ({name})")
            }
            (Some(f), Some(name), Some(v)) => format!("{f}, {v} ({name})"),
            (Some(f), Some(name), None) => format!("{f} ({name})"),
            _ => "-".into(),
        };
        writeln!(out, "  format       {format}")?;
        let reading = i.reading.as_deref().unwrap_or("-");
        match i.header_line {
            Some(l) => writeln!(out, "  read as      {reading}, header on line {l}")?,
            None => writeln!(
                out,
                "  read as      {reading} (row N is cited as line N + 1)"
            )?,
        }
        let totals = match i.totals_rows.unwrap_or(0) {
            0 => String::new(),
            1 => " (1 totals row left out)".into(),
            t => format!(" ({t} totals rows left out)"),
        };
        writeln!(out, "  rows         {}{totals}", i.rows.unwrap_or(0))?;
        writeln!(
            out,
            "  currency     {}",
            i.currency.as_deref().unwrap_or("-")
        )?;
        writeln!(
            out,
            "  usage        {} to {} ({})",
            when(i.first_usage),
            when(i.last_usage),
            r.settings.tz
        )?;
        for c in &i.coverage {
            writeln!(
                out,
                "  complete     {} through {}",
                c.provider,
                when(c.complete_through)
            )?;
        }
        writeln!(out, "  columns")?;
        let width = i.columns.iter().map(|c| c.meaning.len()).max().unwrap_or(0);
        for c in &i.columns {
            writeln!(
                out,
                "    {:width$}  <- {} (column {})",
                c.meaning,
                printable(&c.header),
                c.column
            )?;
        }
    }
    Ok(())
}
