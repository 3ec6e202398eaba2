//! `billrecon check`: register and exports in, report and exit code out.

use crate::config::CheckConfig;
use crate::deletions;
use crate::error::Result;
use crate::exit::Exit;
use crate::ids::matcher::Matcher;
use crate::ids::normalize::Normalizer;
use crate::ids::rules_file;
use crate::ingest::{self, Hooks, ScanOptions};
use crate::output::Sink;
use crate::progress::Progress;
use crate::reconcile::baseline::Baseline;
use crate::reconcile::count::Counter;
use crate::reconcile::refund::Status;
use crate::reconcile::{coverage, reconcile, Timing};
use crate::report::{self, Settings};
use crate::time::format_offset;

pub fn run(cfg: CheckConfig) -> Result<Exit> {
    let mut inputs: Vec<&std::path::Path> = cfg.exports.iter().map(std::path::Path::new).collect();
    inputs.extend(cfg.registers.iter().map(std::path::Path::new));
    inputs.extend(cfg.rules.iter().map(std::path::Path::new));
    // Read whole before anything is written: `-o` may name the baseline itself.
    let baseline = cfg.baseline.as_deref().map(Baseline::read).transpose()?;
    let sink = Sink::create(cfg.output.as_deref(), &inputs)?;
    let (user_rules, user_events) = match &cfg.rules {
        Some(path) => (rules_file::read(path)?, deletions::audit::read_rules(path)?),
        None => (Vec::new(), Vec::new()),
    };
    let events = deletions::audit::EventTable::new(user_events);
    let read = deletions::ReadOptions {
        tz: cfg.tz,
        skip_bad_rows: cfg.skip_bad_rows,
        events: &events,
    };
    let gathered = deletions::gather(&cfg.registers, &cfg.products, &read)?;
    let deletions = &gathered.deletions;
    let mut warnings = gathered.warnings.clone();
    let normalizer = Normalizer::new(user_rules);
    let matcher = Matcher::new(&normalizer, deletions);
    // Matched lines are counted against their deletions as they are read.
    // Only the HTML report draws amounts by hour; other formats keep neither the time nor the
    // memory it takes.
    let counter = Counter::of(deletions, cfg.grace)
        .with_series((cfg.format == report::OutputFormat::Html).then_some(cfg.tz));
    let hooks = Hooks {
        select: &matcher,
        count: &counter,
    };
    let opts = ScanOptions {
        horizon: Some(cfg.as_of.unwrap_or_else(chrono::Utc::now)),
        ..ScanOptions::new(cfg.tz, cfg.skip_bad_rows)
    };
    let scans = ingest::read_exports(&cfg.exports, &opts, hooks, &Progress::new(cfg.quiet))?;
    for s in &scans {
        warnings.extend(s.warnings.iter().cloned());
        warnings.extend(s.skipped_examples.iter().map(|m| format!("skipped {m}")));
    }
    let bill_end = scans.iter().filter_map(|s| s.last_usage).max();
    warnings.extend(deletions::span_warnings(&gathered.sources, bill_end));
    let horizon = match cfg.as_of {
        Some(t) => format!("--as-of {}", crate::time::rfc3339(t)),
        None => "now".to_string(),
    };
    warnings.extend(coverage::future_warnings(&scans, &horizon));

    let timing = Timing {
        lag: cfg.lag,
        window: cfg.window,
        grace: cfg.grace,
        as_of: cfg.as_of,
        tz: cfg.tz,
    };
    let settings = Settings {
        lag_seconds: cfg.lag.num_seconds(),
        window_seconds: cfg.window.num_seconds(),
        grace_seconds: cfg.grace.num_seconds(),
        as_of: cfg.as_of,
        tz: format_offset(cfg.tz),
    };
    let html = cfg.format == report::OutputFormat::Html;
    let mut report = reconcile(deletions, scans, &timing, settings, warnings, html);
    if let Some(b) = &baseline {
        crate::reconcile::baseline::apply(&mut report, b);
    }
    if !cfg.quiet {
        for w in &report.warnings {
            eprintln!("billrecon: warning: {}", crate::report::printable(w));
        }
    }
    match sink.write_with(|out| report::render(&report, cfg.format, cfg.tz, out)) {
        // `billrecon check … | head`: the reader has seen enough; the verdicts still stand.
        Err(e) if e.is_broken_pipe() => {}
        other => other?,
    }

    let s = &report.summary;
    let skipped_rows: u64 = report.inputs.iter().map(|i| i.skipped_rows).sum();
    // Short, over and missing refunds are findings; a refund not yet due is too early.
    let refunds = report.resources.iter().filter_map(|r| r.refund.as_ref());
    let refund_findings = refunds.clone().filter(|f| f.status.is_finding()).count();
    let refunds_pending = refunds
        .filter(|f| f.status == Status::RefundPending)
        .count();
    // `--fail-on new`: known findings set aside, only a finding nobody has seen pages.
    let pages = report
        .resources
        .iter()
        .any(|r| r.change.is_some_and(|c| c.pages()));
    let findings = if cfg.fail_on_new {
        pages
    } else {
        s.still_billing + refund_findings > 0
    };
    let exit = if cfg.exit_zero {
        Exit::Stopped
    } else if findings {
        Exit::Findings
    } else if s.pending + s.not_in_bill + refunds_pending > 0
        || skipped_rows > 0
        || gathered.skipped() > 0
    {
        // A skipped row may be the one that bills, a skipped audit record the deletion of a
        // resource: a run that skipped either proves nothing stopped (exit 3 at best).
        Exit::TooEarly
    } else {
        Exit::Stopped
    };
    Ok(exit)
}
