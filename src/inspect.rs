//! `billrecon inspect`: what each export holds, before anyone trusts a check built on it.
//!
//! Every input is read through the same scan as `check` with a selector that keeps nothing, so
//! a file `inspect` reads cleanly is one `check` reads cleanly, and every row is validated.

use crate::config::InspectConfig;
use crate::error::{Error, Result};
use crate::ingest::{self, source, FileScan, LineIds, ScanOptions, Select, Selected};
use crate::model::Format;
use crate::output::Sink;
use crate::report::local;
use crate::report::printable;
use crate::settle::complete_through;
use crate::time::{format_offset, rfc3339};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::{Serialize, Serializer};
use std::io::{self, Write};

pub const SCHEMA_VERSION: u32 = 1;

/// Keeps no line: `inspect` only wants the figures every row feeds.
struct Nothing;

impl Select for Nothing {
    fn select(&self, _: &LineIds<'_>) -> Option<Selected> {
        None
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct InspectReport {
    pub schema_version: u32,
    pub tool: Tool,
    pub settings: InspectSettings,
    pub inputs: Vec<InputInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
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

fn opt_time<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&rfc3339(*t)),
        None => s.serialize_none(),
    }
}

pub fn run(cfg: InspectConfig) -> Result<u8> {
    // A rules file is checked the way `check` reads it, so one command validates a setup.
    if let Some(path) = &cfg.rules {
        ingest::rules::read(path)?;
    }
    let report = inspect(&cfg);
    let mut bytes = Vec::new();
    let written = if cfg.json {
        serde_json::to_writer_pretty(&mut bytes, &report)
            .map_err(io::Error::other)
            .and_then(|_| writeln!(bytes))
    } else {
        render_table(&report, cfg.tz, &mut bytes)
    };
    written.map_err(|e| Error::Output {
        target: "report".into(),
        source: e,
    })?;
    for i in &report.inputs {
        if let Some(e) = &i.error {
            eprintln!(
                "billrecon: error: {}",
                crate::report::printable(&e.to_string())
            );
        }
    }
    Sink::create(None, &[])?.finish(&bytes)?;
    Ok(if report.inputs.iter().all(|i| i.ok) {
        0
    } else {
        2
    })
}

/// Reads every input the exports hold, one after another; a failure is reported for its input
/// and the others are still read.
pub fn inspect(cfg: &InspectConfig) -> InspectReport {
    let opts = ScanOptions::new(cfg.tz, false);
    let progress = crate::progress::Progress::new(cfg.quiet);
    let mut inputs = Vec::new();
    for path in &cfg.exports {
        let entries = match source::entries(path) {
            Ok(e) => e,
            Err(e) => {
                inputs.push(failed(path, &e, None));
                continue;
            }
        };
        for (i, entry) in entries.iter().enumerate() {
            let bar = progress.bar(&entry.name, entry.size);
            let r = source::with_entry(
                entry,
                &|r| crate::progress::Progress::wrap(&bar, r),
                |opened| ingest::scan(&entry.name, i, opened, &opts, &Nothing),
            );
            bar.finish_and_clear();
            inputs.push(match r {
                Ok(scan) => described(scan, cfg.lag),
                Err(e) => {
                    let closest = source::with_entry(entry, &|r| r, |o| Ok(ingest::probe(o)))
                        .ok()
                        .flatten();
                    failed(&entry.name, &e, closest)
                }
            });
        }
    }
    InspectReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "billrecon",
            version: env!("CARGO_PKG_VERSION"),
        },
        settings: InspectSettings {
            lag_seconds: cfg.lag.num_seconds(),
            tz: format_offset(cfg.tz),
        },
        inputs,
    }
}

fn described(s: FileScan, lag: Duration) -> InputInfo {
    let b = &s.binding;
    let mut columns: Vec<ColumnInfo> = ingest::Field::ALL
        .iter()
        .filter_map(|f| {
            b.col(*f).map(|c| ColumnInfo {
                meaning: f.meaning(),
                column: c + 1,
                header: b.name(*f).to_string(),
            })
        })
        .collect();
    columns.sort_by_key(|c| c.column);
    InputInfo {
        path: s.path,
        ok: true,
        format: Some(s.format),
        format_name: Some(ingest::describe(s.format)),
        version: s.version,
        // A Parquet file has no header line; its rows are cited as the lines of the same data
        // written as CSV (row N is line N + 1).
        header_line: (!s.reading.starts_with("Parquet")).then_some(s.header_line),
        reading: Some(s.reading),
        columns,
        rows: Some(s.rows),
        totals_rows: Some(s.totals_rows),
        currency: (!s.currencies.is_empty()).then(|| s.currencies.join(",")),
        first_usage: s.first_usage,
        last_usage: s.last_usage,
        coverage: s
            .providers
            .iter()
            .map(|p| CoverageInfo {
                provider: p.provider.clone(),
                complete_through: complete_through(
                    p.latest_usage_end.or(p.latest_long_end).or(p.latest_charge),
                    None,
                    lag,
                ),
            })
            .collect(),
        error: None,
        closest: None,
    }
}

fn failed(path: &str, e: &Error, closest: Option<ingest::Closest>) -> InputInfo {
    InputInfo {
        path: path.to_string(),
        ok: false,
        format: None,
        format_name: None,
        version: None,
        reading: None,
        header_line: None,
        columns: Vec::new(),
        rows: None,
        totals_rows: None,
        currency: None,
        first_usage: None,
        last_usage: None,
        coverage: Vec::new(),
        error: Some(e.to_string()),
        closest: closest.map(|c| ClosestInfo {
            format: c.format,
            format_name: ingest::describe(c.format),
            missing: c
                .missing
                .iter()
                .map(|(f, names)| MissingInfo {
                    meaning: f.meaning(),
                    looked_for: names.clone(),
                })
                .collect(),
        }),
    }
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
            (Some(f), Some(name), Some(v)) => format!("{f} {v} ({name})"),
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
