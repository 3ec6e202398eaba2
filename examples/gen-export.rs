//! Writes a deterministic synthetic bill export and its deletion register.
//!
//! ```text
//! cargo run --release --example gen-export -- --format huawei --size 600MB --seed 1 \
//!     --out bench-data/huawei-600MB.csv --register bench-data/register.csv
//! ```
//!
//! The same arguments and seed always give the same bytes. See `tests/support/synth/`.

#[path = "../tests/support/synth/mod.rs"]
mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: gen-export --format huawei|alibaba|focus|cur|azure|oci (--lines N | --size SIZE) --seed S
                  --out FILE --register REGISTER.csv [--deleted K] [--month YYYY-MM] [--hours H]
                  [--order time|resource]

  --format F     huawei: Huawei Cloud Expenditure Details; alibaba: Alibaba Cloud Bill Details;
                 focus: FOCUS 1.2 as Huawei's Cost Center writes it; cur: AWS Cost and Usage
                 Report (legacy, hourly, with resource IDs); azure: Azure cost details (EA, a
                 line per resource, meter and UTC day); oci: OCI cost report (hourly)
  --lines N      exactly N data rows after the header
  --size SIZE    rows until the file holds SIZE bytes (suffixes K, M, G, KB, MB, GB, KiB, MiB, GiB;
                 K/M/G are powers of 1000, KiB/MiB/GiB of 1024)
  --seed S       any integer; the same seed and arguments give the same bytes [default: 1]
  --deleted K    register rows [default: 110]
  --month M      billing month, UTC+08:00 (UTC for cur, azure, oci) [default: 2026-10]
  --hours H      hours the data spans (whole days for azure) [default: the month, fewer for
                 small exports]
  --order O      `time`: each hour's rows for every resource, then the next hour; `resource`: every
                 hour of a resource, then the next resource [default: time]";

fn parse_size(s: &str) -> Option<u64> {
    let t = s.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let num: f64 = num.parse().ok()?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    Some((num * mult) as u64)
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut format = synth::Format::Huawei;
    let mut target = None;
    let mut seed = 1u64;
    let mut out: Option<PathBuf> = None;
    let mut register: Option<PathBuf> = None;
    let mut deleted = 110usize;
    let mut month = (2026, 10);
    let mut hours = None;
    let mut order = synth::Order::Time;
    while let Some(a) = args.next() {
        if a == "-h" || a == "--help" {
            println!("{USAGE}");
            return Ok(());
        }
        let mut val = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--format" => {
                let v = val()?;
                format = synth::Format::parse(&v).ok_or(format!("unknown format `{v}`"))?;
            }
            "--lines" => {
                let v = val()?;
                target = Some(synth::Target::Lines(
                    v.parse().map_err(|_| format!("bad --lines `{v}`"))?,
                ));
            }
            "--size" => {
                let v = val()?;
                target = Some(synth::Target::Bytes(
                    parse_size(&v).ok_or(format!("bad --size `{v}`"))?,
                ));
            }
            "--seed" => {
                let v = val()?;
                seed = v.parse().map_err(|_| format!("bad --seed `{v}`"))?;
            }
            "--out" => out = Some(val()?.into()),
            "--register" => register = Some(val()?.into()),
            "--deleted" => {
                let v = val()?;
                deleted = v.parse().map_err(|_| format!("bad --deleted `{v}`"))?;
            }
            "--month" => {
                let v = val()?;
                month = v
                    .split_once('-')
                    .and_then(|(y, m)| Some((y.parse().ok()?, m.parse().ok()?)))
                    .filter(|(_, m): &(i32, u32)| (1..=12).contains(m))
                    .ok_or(format!("bad --month `{v}`: expected YYYY-MM"))?;
            }
            "--hours" => {
                let v = val()?;
                hours = Some(
                    v.parse::<u32>()
                        .ok()
                        .filter(|h| *h > 0)
                        .ok_or(format!("bad --hours `{v}`"))?,
                );
            }
            "--order" => {
                order = match val()?.as_str() {
                    "time" => synth::Order::Time,
                    "resource" => synth::Order::Resource,
                    v => return Err(format!("bad --order `{v}`: expected time or resource")),
                };
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let target = target.ok_or(format!("--lines or --size is required\n{USAGE}"))?;
    let out = out.ok_or(format!("--out is required\n{USAGE}"))?;
    let register = register.ok_or(format!("--register is required\n{USAGE}"))?;
    let mut cfg = synth::Config::new(format, seed, target);
    cfg.deleted = deleted;
    cfg.month = month;
    cfg.hours = hours;
    cfg.order = order;
    let t = std::time::Instant::now();
    let stats =
        synth::write_files(&cfg, &out, &register).map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!(
        "gen-export: {} rows, {} bytes, {} resources over {} hours, {} register rows, in {:.1}s -> {}",
        stats.lines,
        stats.bytes,
        stats.resources,
        stats.hours,
        stats.register_rows,
        t.elapsed().as_secs_f64(),
        out.display()
    );
    if stats.short {
        eprintln!("gen-export: warning: the span ran out before the requested size");
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-export: {e}");
            ExitCode::from(2)
        }
    }
}
