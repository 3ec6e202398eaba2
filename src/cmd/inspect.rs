//! `billrecon inspect`: what each export holds, before anyone trusts a check built on it.
//!
//! Every input is read through the same scan as `check` with a selector that keeps nothing, so
//! a file `inspect` reads cleanly is one `check` reads cleanly, and every row is validated.

use crate::config::InspectConfig;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::ingest::{
    self, source, FileScan, Hooks, LineIds, NoCount, ScanOptions, Select, Selected,
};
use crate::output::Sink;
use crate::reconcile::coverage;
use crate::report::inspect::{
    render_json, render_table, ClosestInfo, ColumnInfo, CoverageInfo, InputInfo, InspectReport,
    InspectSettings, MissingInfo, SCHEMA_VERSION,
};
use crate::report::Tool;
use crate::time::format_offset;
use chrono::Duration;

/// Keeps no line: `inspect` only wants the figures every row feeds.
struct Nothing;

impl Select for Nothing {
    fn select(&self, _: &LineIds<'_>) -> Option<Selected> {
        None
    }
}

pub fn run(cfg: InspectConfig) -> Result<Exit> {
    // A rules file is checked the way `check` reads it, so one command validates a setup.
    if let Some(path) = &cfg.rules {
        crate::ids::rules_file::read(path)?;
    }
    let report = inspect(&cfg);
    let mut bytes = Vec::new();
    let written = if cfg.json {
        render_json(&report, &mut bytes)
    } else {
        render_table(&report, cfg.tz, &mut bytes)
    };
    written.map_err(|e| Error::Output {
        target: "report".into(),
        source: e,
    })?;
    for w in &report.warnings {
        eprintln!("billrecon: warning: {}", crate::report::printable(w));
    }
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
        Exit::Stopped
    } else {
        Exit::BadInput
    })
}

/// Reads every input the exports hold, one after another; a failure is reported for its input
/// and the others are still read.
pub fn inspect(cfg: &InspectConfig) -> InspectReport {
    let opts = ScanOptions {
        horizon: Some(chrono::Utc::now()),
        ..ScanOptions::new(cfg.tz, false)
    };
    let progress = crate::progress::Progress::new(cfg.quiet);
    let mut inputs = Vec::new();
    let mut warnings = Vec::new();
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
                |opened| {
                    let hooks = Hooks {
                        select: &Nothing,
                        count: &NoCount,
                    };
                    ingest::scan(&entry.name, i, opened, &opts, hooks)
                },
            );
            bar.finish_and_clear();
            inputs.push(match r {
                Ok(scan) => {
                    if !cfg.quiet {
                        for w in &scan.warnings {
                            eprintln!("billrecon: warning: {}", crate::report::printable(w));
                        }
                    }
                    warnings.extend(coverage::future_warnings(
                        std::slice::from_ref(&scan),
                        "now",
                    ));
                    described(scan, cfg.lag)
                }
                Err(e) => {
                    let closest = source::with_entry(entry, &|r| r, |o| Ok(ingest::text::probe(o)))
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
        warnings,
    }
}

fn described(s: FileScan<()>, lag: Duration) -> InputInfo {
    let b = &s.binding;
    let mut columns: Vec<ColumnInfo> = ingest::formats::Field::ALL
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
        format_name: Some(ingest::formats::title(s.format)),
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
                complete_through: coverage::complete_through(p, None, lag),
            })
            .collect(),
        error: None,
        closest: None,
    }
}

fn failed(path: &str, e: &Error, closest: Option<ingest::formats::detect::Closest>) -> InputInfo {
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
            format_name: ingest::formats::title(c.format),
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
