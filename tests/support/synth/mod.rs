//! Deterministic synthetic bill exports and deletion registers, for the benchmark
//! (`examples/gen-export.rs`) and for tests that compare readings of generated data.
//!
//! Everything is derived from the seed through a counter-based SplitMix64 (no dependency): the
//! attributes of resource `i` come from `hash(seed, i)`, the rows of resource `i` in hour `h` from
//! `hash(seed, i, h)`. The same configuration therefore always gives the same bytes, and a larger
//! export of the same seed has the same first resources.
//!
//! The model: a billing month (UTC+08:00 wall clock), hour by hour. Pay-per-use resources (ECS
//! with its system disk and traffic, EVS volumes, ModelArts real-time services billed as
//! `<service name>-<AI application UUID>`, notebooks that bill compute and storage while running
//! and storage only once stopped) write several usage-type rows per resource-hour; yearly/monthly
//! resources write purchases, renewals and refunds. Rows are written in time order (every
//! resource's rows for hour 0, then hour 1, …), and the export is cut at the requested size.
//!
//! The AWS CUR, Azure cost-details and OCI cost-report exports (`native.rs`) bill the same plan
//! as each cloud's nearest services, with its own IDs (instance IDs and ARNs, ARM paths, OCIDs)
//! and UTC times; their month starts at UTC midnight, and Azure's lines sum each UTC day.
//!
//! The register names the first resources with a mix of behaviours around their deletion time:
//! stopped on the hour, stopped mid-hour (a tail line), still billing, a notebook stopped but
//! not deleted (storage keeps billing), yearly/monthly resources refunded or auto-renewed after
//! deletion, deletions too close to the end of the data (pending), and IDs no line mentions.
//!
//! Used from the test harness (`tests/cli/main.rs` includes it as `mod synth`):
//! `synth::huawei(2_000, 7)` returns `(export_bytes, register_bytes)`.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;

mod basics;
mod native;
mod plan;
mod writer;

use basics::*;
use native::*;
use plan::*;
use writer::*;

/// Bumped whenever the bytes generated for some configuration change. `scripts/bench` keys its
/// cached exports on it (not on this file's text, so edits that keep the output keep the
/// cache), and `tests/cli/generator.rs` pins digests of samples so that a change cannot go unnoticed.
pub const VERSION: u32 = 1;

/// FNV-1a over bytes: a dependency-free digest for pinning generated samples.
pub fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The order rows are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Every resource's rows for an hour, then the next hour (consecutive rows share times).
    Time,
    /// Every hour of a resource, then the next resource (times change on every row). A size
    /// cut then drops whole resources at the end rather than the last hour.
    Resource,
}

/// Which console's export to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Huawei Cloud Expenditure Details (Chinese headers, `(¥)` amount columns).
    Huawei,
    /// Alibaba Cloud Bill Details (Chinese headers, 41 columns).
    Alibaba,
    /// FOCUS 1.2 (UTC times with `Z`), as Huawei's Cost Center exports it.
    Focus,
    /// AWS Cost and Usage Report (legacy CUR, hourly, with resource IDs).
    Cur,
    /// Azure cost details (an EA export: one line per resource, meter and UTC day).
    Azure,
    /// OCI cost report (hourly, OCIDs).
    Oci,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "huawei" => Some(Format::Huawei),
            "alibaba" | "aliyun" => Some(Format::Alibaba),
            "focus" => Some(Format::Focus),
            "cur" | "aws" => Some(Format::Cur),
            "azure" => Some(Format::Azure),
            "oci" | "oracle" => Some(Format::Oci),
            _ => None,
        }
    }
}

/// How much to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Exactly this many data rows (after the header).
    Lines(u64),
    /// Data rows until the file holds at least this many bytes.
    Bytes(u64),
}

#[derive(Debug, Clone)]
pub struct Config {
    pub format: Format,
    pub seed: u64,
    pub target: Target,
    /// Register rows (110 by default).
    pub deleted: usize,
    /// Billing month `(year, month)`; the data starts at its first hour, UTC+08:00 (UTC for
    /// the CUR, Azure and OCI exports).
    pub month: (i32, u32),
    /// Hours the data may span; default: the whole month, or fewer for small line counts.
    pub hours: Option<u32>,
    pub order: Order,
}

impl Config {
    pub fn new(format: Format, seed: u64, target: Target) -> Config {
        Config {
            format,
            seed,
            target,
            deleted: 110,
            month: (2026, 10),
            hours: None,
            order: Order::Time,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    pub lines: u64,
    pub bytes: u64,
    pub resources: usize,
    pub hours: u32,
    pub register_rows: usize,
    /// The span ran out before the target was reached (only possible with `hours` set).
    pub short: bool,
    /// Register IDs (as the register writes them) with a line written for usage or an order
    /// that starts at or after their deletion: what `billrecon check` must call still billing.
    pub still_billing: Vec<String>,
}

/// A small Huawei export and its register, in memory: for tests.
pub fn huawei(lines: u64, seed: u64) -> (Vec<u8>, Vec<u8>) {
    let cfg = Config::new(Format::Huawei, seed, Target::Lines(lines));
    let (e, r, _) = to_vec(&cfg).expect("writing to memory cannot fail");
    (e, r)
}

/// Generates into memory.
pub fn to_vec(cfg: &Config) -> io::Result<(Vec<u8>, Vec<u8>, Stats)> {
    let mut export = Vec::new();
    let mut register = Vec::new();
    let stats = generate(cfg, &mut export, &mut register)?;
    Ok((export, register, stats))
}

/// Generates into files (buffered).
pub fn write_files(cfg: &Config, export: &Path, register: &Path) -> io::Result<Stats> {
    let mut e = io::BufWriter::with_capacity(1 << 20, std::fs::File::create(export)?);
    let mut r = io::BufWriter::new(std::fs::File::create(register)?);
    let stats = generate(cfg, &mut e, &mut r)?;
    e.flush()?;
    r.flush()?;
    Ok(stats)
}

/// Writes the export to `export` and the matching register to `register`.
pub fn generate(
    cfg: &Config,
    export: &mut dyn Write,
    register: &mut dyn Write,
) -> io::Result<Stats> {
    let plan = Plan::new(cfg);
    let mut reg = String::from("resource_id,deleted_at,product\n");
    for r in &plan.register {
        let _ = writeln!(
            reg,
            "{},{},{}",
            r.id,
            plan.clock.local_text(r.deleted_at),
            r.product
        );
    }
    register.write_all(reg.as_bytes())?;

    let mut w = Writer::new(cfg.format, plan.clock, plan.month_hours);
    let header = header(cfg.format);
    export.write_all(header.as_bytes())?;
    let mut bytes = header.len() as u64;
    let mut lines = 0u64;
    let mut rows: Vec<Row> = Vec::new();
    let done = |lines: u64, bytes: u64| match cfg.target {
        Target::Lines(n) => lines >= n,
        Target::Bytes(n) => bytes >= n,
    };
    let mut billed_after = vec![false; plan.register.len()];
    // Time order visits (unit, resource); resource order visits (resource, unit). A unit is an
    // hour, or a day in the daily formats.
    let units = plan.units(cfg.format);
    let (outer, inner) = match cfg.order {
        Order::Time => (units as usize, plan.resources.len()),
        Order::Resource => (plan.resources.len(), units as usize),
    };
    'outer: for a in 0..outer {
        for b in 0..inner {
            let (u, res) = match cfg.order {
                Order::Time => (a as u32, &plan.resources[b]),
                Order::Resource => (b as u32, &plan.resources[a]),
            };
            rows.clear();
            res.unit_rows(plan.seed, cfg.format, u, &mut rows);
            for row in &rows {
                if done(lines, bytes) {
                    break 'outer;
                }
                w.buf.clear();
                w.row(res, row);
                export.write_all(&w.buf)?;
                bytes += w.buf.len() as u64;
                lines += 1;
                if let Some(i) = res.register {
                    let deleted_at = plan.register[i].deleted_at;
                    billed_after[i] |=
                        charged_from(cfg.format, row).is_some_and(|t| t >= deleted_at);
                }
            }
        }
    }
    Ok(Stats {
        lines,
        bytes,
        resources: plan.resources.len(),
        hours: plan.hours,
        register_rows: plan.register.len(),
        short: !done(lines, bytes),
        still_billing: plan
            .register
            .iter()
            .zip(billed_after)
            .filter(|(_, after)| *after)
            .map(|(r, _)| r.id.clone())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        for (y, m, d) in [(1970, 1, 1), (2024, 2, 29), (2026, 10, 31), (2000, 12, 31)] {
            assert_eq!(civil_from_days(days_from_civil(y, m, d)), (y, m, d));
        }
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2026, 10), 31);
    }
}
