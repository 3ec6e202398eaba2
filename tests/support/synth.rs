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
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "huawei" => Some(Format::Huawei),
            "alibaba" | "aliyun" => Some(Format::Alibaba),
            "focus" => Some(Format::Focus),
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
    /// Billing month `(year, month)`; the data starts at its first hour, UTC+08:00.
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
    // Time order visits (hour, resource); resource order visits (resource, hour).
    let (outer, inner) = match cfg.order {
        Order::Time => (plan.hours as usize, plan.resources.len()),
        Order::Resource => (plan.resources.len(), plan.hours as usize),
    };
    'outer: for a in 0..outer {
        for b in 0..inner {
            let (h, res) = match cfg.order {
                Order::Time => (a as u32, &plan.resources[b]),
                Order::Resource => (b as u32, &plan.resources[a]),
            };
            rows.clear();
            res.rows(plan.seed, h, &mut rows);
            for row in &rows {
                if done(lines, bytes) {
                    break 'outer;
                }
                w.buf.clear();
                w.row(res, row);
                export.write_all(&w.buf)?;
                bytes += w.buf.len() as u64;
                lines += 1;
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
    })
}

// ---------------------------------------------------------------------------------------------
// Randomness: SplitMix64, counter-based.

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash of a few integers, for seeding a stream per (seed, resource, hour, purpose).
fn key(parts: &[u64]) -> u64 {
    parts.iter().fold(0x243F_6A88_85A3_08D3, |acc, p| {
        mix(acc ^ p.wrapping_mul(GOLDEN))
    })
}

/// SplitMix64.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix(self.0)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `per_mille`/1000.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn hex(&mut self, out: &mut String, n: usize) {
        for _ in 0..n {
            out.push(b"0123456789abcdef"[self.below(16) as usize] as char);
        }
    }

    fn uuid(&mut self) -> String {
        let mut s = String::with_capacity(36);
        for (i, n) in [8, 4, 4, 4, 12].into_iter().enumerate() {
            if i > 0 {
                s.push('-');
            }
            self.hex(&mut s, n);
        }
        s
    }

    fn alnum(&mut self, out: &mut String, n: usize) {
        const A: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        for _ in 0..n {
            out.push(A[self.below(A.len() as u64) as usize] as char);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Calendar: local (UTC+08:00) wall clock from seconds since the start of the span.

const TZ_SECONDS: i64 = 8 * 3600;

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((y + i64::from(m <= 2)) as i32, m, d)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    (days_from_civil(ny, nm, 1) - days_from_civil(y, m, 1)) as u32
}

/// Seconds-since-span-start to text.
#[derive(Debug, Clone, Copy)]
struct Clock {
    /// Local (UTC+8) epoch seconds of the span start.
    start_local: i64,
}

impl Clock {
    /// `YYYY-MM-DD HH:MM:SS` in UTC+08:00.
    fn push_local(&self, out: &mut Vec<u8>, sec: i64) {
        push_datetime(out, self.start_local + sec, b' ', false);
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` in UTC.
    fn push_utc(&self, out: &mut Vec<u8>, sec: i64) {
        push_datetime(out, self.start_local + sec - TZ_SECONDS, b'T', true);
    }

    fn local_text(&self, sec: i64) -> String {
        let mut v = Vec::new();
        self.push_local(&mut v, sec);
        String::from_utf8(v).expect("ASCII")
    }

    /// `YYYY-MM` of the local date.
    fn push_cycle(&self, out: &mut Vec<u8>, sec: i64) {
        let (y, m, _) = civil_from_days((self.start_local + sec).div_euclid(86_400));
        push_num(out, y as u64, 4);
        out.push(b'-');
        push_num(out, u64::from(m), 2);
    }
}

fn push_datetime(out: &mut Vec<u8>, epoch: i64, sep: u8, z: bool) {
    let (y, m, d) = civil_from_days(epoch.div_euclid(86_400));
    let s = epoch.rem_euclid(86_400) as u64;
    push_num(out, y as u64, 4);
    out.push(b'-');
    push_num(out, u64::from(m), 2);
    out.push(b'-');
    push_num(out, u64::from(d), 2);
    out.push(sep);
    push_num(out, s / 3600, 2);
    out.push(b':');
    push_num(out, s / 60 % 60, 2);
    out.push(b':');
    push_num(out, s % 60, 2);
    if z {
        out.push(b'Z');
    }
}

/// Writes `n` zero-padded to at least `width` digits.
fn push_num(out: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    while tmp.len() - i < width {
        i -= 1;
        tmp[i] = b'0';
    }
    out.extend_from_slice(&tmp[i..]);
}

/// A fixed-point amount with `scale` decimals (all of them written).
fn push_fixed(out: &mut Vec<u8>, v: i64, scale: u32) {
    if v < 0 {
        out.push(b'-');
    }
    let p = 10u64.pow(scale);
    let a = v.unsigned_abs();
    push_num(out, a / p, 1);
    if scale > 0 {
        out.push(b'.');
        push_num(out, a % p, scale as usize);
    }
}

/// A quantity in 1e-4 units, without trailing zeros (`1`, `0.5`, `40`, `0.1234`).
fn push_qty(out: &mut Vec<u8>, q: i64) {
    if q < 0 {
        out.push(b'-');
    }
    let a = q.unsigned_abs();
    push_num(out, a / 10_000, 1);
    let mut frac = a % 10_000;
    if frac > 0 {
        out.push(b'.');
        let mut width = 4;
        while frac.is_multiple_of(10) {
            frac /= 10;
            width -= 1;
        }
        push_num(out, frac, width);
    }
}

/// Rounds an amount in 1e-8 to `scale` decimals, half away from zero, still in 1e-8 units.
fn round_to(v: i64, scale: u32) -> i64 {
    let p = 10i64.pow(8 - scale);
    let r = (v.abs() + p / 2) / p * p;
    if v < 0 {
        -r
    } else {
        r
    }
}

// ---------------------------------------------------------------------------------------------
// The model.

const HOUR: i64 = 3600;
/// Amounts are held in 1e-8 of a currency unit, quantities in 1e-4.
const AMOUNT_ONE: i64 = 100_000_000;
const QTY_ONE: i64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Pay-per-use ECS: duration, system-disk capacity, sometimes traffic.
    Ecs,
    /// Pay-per-use EVS volume: capacity.
    Evs,
    /// ModelArts real-time service, billed as `<service name>-<AI application UUID>`.
    MaService,
    /// ModelArts notebook: compute and storage while running, storage only once stopped.
    Notebook,
    /// Yearly/monthly ECS: orders only.
    EcsMonthly,
    /// Yearly/monthly EVS: orders only.
    EvsMonthly,
}

/// How a register row's resource behaves around its deletion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Behaviour {
    /// Deleted mid-hour; billing stops, the hour of the deletion is a partial (tail) line.
    StopsMidHour,
    /// Deleted on the hour; billing stops at it.
    StopsOnHour,
    /// Deleted, yet it keeps billing.
    KeepsBilling,
    /// A notebook stopped at the "deletion": compute stops, storage keeps billing.
    NotebookStopped,
    /// Yearly/monthly: refunded (negative) after the deletion.
    Refunded,
    /// Yearly/monthly: auto-renewed after the deletion.
    RenewedAfter,
    /// Deleted shortly before the data ends: too early to tell.
    Pending,
    /// The register names an ID no line mentions.
    Absent,
}

const PATTERN: [Behaviour; 22] = {
    use Behaviour::*;
    [
        StopsMidHour,
        StopsOnHour,
        KeepsBilling,
        StopsMidHour,
        Pending,
        StopsOnHour,
        Absent,
        StopsMidHour,
        Refunded,
        StopsMidHour,
        KeepsBilling,
        StopsOnHour,
        NotebookStopped,
        StopsMidHour,
        Pending,
        StopsOnHour,
        StopsMidHour,
        RenewedAfter,
        Absent,
        StopsMidHour,
        StopsOnHour,
        StopsMidHour,
    ]
};

#[derive(Debug, Clone)]
struct Region {
    code: &'static str,
    name: &'static str,
    ali_name: &'static str,
    ali_zone: &'static str,
}

const REGIONS: [Region; 4] = [
    Region {
        code: "cn-north-4",
        name: "华北-北京四",
        ali_name: "华北2（北京）",
        ali_zone: "cn-beijing-h",
    },
    Region {
        code: "cn-east-3",
        name: "华东-上海一",
        ali_name: "华东1（杭州）",
        ali_zone: "cn-hangzhou-i",
    },
    Region {
        code: "cn-south-1",
        name: "华南-广州",
        ali_name: "华南1（深圳）",
        ali_zone: "cn-shenzhen-e",
    },
    Region {
        code: "ap-southeast-1",
        name: "中国-香港",
        ali_name: "中国香港",
        ali_zone: "cn-hongkong-b",
    },
];

const WORDS: [&str; 12] = [
    "ocr", "asr", "chat", "embed", "rerank", "vision", "det", "seg", "qa", "tts", "sum", "cls",
];

/// One resource and everything its rows need.
#[derive(Debug, Clone)]
struct Res {
    index: u64,
    kind: Kind,
    /// Bill IDs: the second (if any) replaces the first from `switch_at` on (a ModelArts
    /// service redeployed with a new AI application).
    ids: [String; 2],
    switch_at: i64,
    name: String,
    region: usize,
    /// Tag cell as written (already quoted when it holds a comma), per format.
    tag_huawei: String,
    tag_alibaba: String,
    tag_focus: String,
    /// First second billed.
    begin: i64,
    /// Usage stops at this second (exclusive); `i64::MAX` = never.
    end: i64,
    /// Notebook compute stops here; storage goes on until `end`.
    compute_end: i64,
    /// Hourly price of the main usage type (1e-8), and sizes.
    price: i64,
    disk_gb: i64,
    instances: i64,
    /// Discount in per-mille of list price.
    discount: i64,
    /// Orders of yearly/monthly resources: (second, kind, amount 1e-8).
    orders: Vec<(i64, OrderKind, i64)>,
    spec: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OrderKind {
    Purchase,
    Renewal,
    AutoRenewal,
    Refund,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Usage {
    /// Instance-hours (ECS, ModelArts service, notebook compute).
    Duration,
    /// GB-hours of a disk (ECS system disk, EVS, notebook storage).
    Capacity,
    /// Outbound traffic in GB.
    Upflow,
}

/// One bill row, before rendering.
#[derive(Debug, Clone, Copy)]
enum Row {
    Usage {
        hour: u32,
        usage: Usage,
        /// Seconds of the hour used (3600 for a whole hour).
        used: i64,
        /// Traffic in 1e-4 GB (for Upflow).
        traffic: i64,
        /// Which of `ids` bills it.
        id: usize,
        /// Deduction delay after the hour ends, seconds.
        delay: i64,
        txn: u64,
    },
    Order {
        at: i64,
        order: OrderKind,
        amount: i64,
        txn: u64,
    },
}

impl Res {
    fn uses(&self, usage: Usage) -> bool {
        match self.kind {
            Kind::Ecs => true,
            Kind::Evs => usage == Usage::Capacity,
            Kind::MaService => usage != Usage::Capacity,
            Kind::Notebook => usage != Usage::Upflow,
            Kind::EcsMonthly | Kind::EvsMonthly => false,
        }
    }

    /// Rows of hour `h`, in the order written.
    fn rows(&self, seed: u64, h: u32, out: &mut Vec<Row>) {
        let hs = i64::from(h) * HOUR;
        let he = hs + HOUR;
        let mut rng = Rng::new(key(&[seed, self.index, u64::from(h), 1]));
        for &(at, order, amount) in &self.orders {
            if at >= hs && at < he {
                out.push(Row::Order {
                    at,
                    order,
                    amount,
                    txn: rng.next_u64(),
                });
            }
        }
        if matches!(self.kind, Kind::EcsMonthly | Kind::EvsMonthly) {
            return;
        }
        let used = |stop: i64| -> i64 { stop.min(he) - self.begin.max(hs) };
        let id = usize::from(!self.ids[1].is_empty() && hs >= self.switch_at);
        // Compute (duration) rows run until compute_end (notebooks) or end.
        let compute_stop = self.end.min(self.compute_end);
        let mut push = |usage: Usage, secs: i64, traffic: i64, rng: &mut Rng| {
            out.push(Row::Usage {
                hour: h,
                usage,
                used: secs,
                traffic,
                id,
                delay: 3_600 + rng.range(20, 1_800) as i64,
                txn: rng.next_u64(),
            });
        };
        if self.uses(Usage::Duration) {
            let secs = used(compute_stop);
            if secs > 0 {
                push(Usage::Duration, secs, 0, &mut rng);
            }
        }
        if self.uses(Usage::Capacity) {
            let secs = used(self.end);
            if secs > 0 {
                push(Usage::Capacity, secs, 0, &mut rng);
            }
        }
        if self.uses(Usage::Upflow) {
            let secs = used(compute_stop);
            if secs > 0 && rng.chance(if self.kind == Kind::Ecs { 350 } else { 150 }) {
                let gb = rng.range(1, 50_000) as i64 * secs / HOUR;
                push(Usage::Upflow, secs, gb.max(1), &mut rng);
            }
        }
    }

    /// Price (1e-8 per unit) and quantity (1e-4 units) of a usage row.
    fn priced(&self, usage: Usage, used: i64, traffic: i64) -> (i64, i64) {
        match usage {
            Usage::Duration => (self.price, self.instances * used * QTY_ONE / HOUR),
            // 0.0007/GB/hour for a disk; the quantity is GB, prorated by the seconds used.
            Usage::Capacity => (
                if self.kind == Kind::Evs {
                    100_000
                } else {
                    70_000
                },
                self.disk_gb * QTY_ONE * used / HOUR,
            ),
            Usage::Upflow => (80_000_000, traffic),
        }
    }
}

struct RegRow {
    id: String,
    deleted_at: i64,
    product: &'static str,
}

struct Plan {
    seed: u64,
    clock: Clock,
    month_hours: u32,
    hours: u32,
    resources: Vec<Res>,
    register: Vec<RegRow>,
}

/// What a resource is before its deletion behaviour is applied.
fn base_resource(seed: u64, format: Format, index: u64, kind: Kind, background: bool) -> Res {
    let mut rng = Rng::new(key(&[seed, index, 0]));
    let region = rng.below(REGIONS.len() as u64) as usize;
    let mut ids = [String::new(), String::new()];
    let mut name = String::new();
    let spec: &str;
    let mut price = 0;
    let mut disk_gb = 0;
    let mut instances = 1;
    match kind {
        Kind::Ecs | Kind::EcsMonthly => {
            let (s, p) = *rng.pick(&[
                ("s6.large.2", 32_000_000i64),
                ("c7.xlarge.2", 75_000_000),
                ("m7.2xlarge.8", 196_000_000),
                ("p2s.2xlarge.8", 1_280_000_000),
                ("g6.xlarge.4", 346_000_000),
            ]);
            spec = s;
            price = p;
            disk_gb = *rng.pick(&[40, 40, 60, 100]);
            let _ = write!(name, "ecs-{}-{:02}", rng.pick(&WORDS), rng.below(100));
        }
        Kind::Evs | Kind::EvsMonthly => {
            spec = *rng.pick(&["SSD", "GPSSD", "SAS", "ESSD"]);
            disk_gb = *rng.pick(&[100, 200, 500, 1000, 2000]);
            let _ = write!(name, "data-disk-{:03}", rng.below(1000));
        }
        Kind::MaService => {
            let (s, p) = *rng.pick(&[
                ("modelarts.vm.cpu.2u", 55_000_000i64),
                ("modelarts.vm.gpu.t4", 850_000_000),
                ("modelarts.vm.ai1.a300", 1_100_000_000),
            ]);
            spec = s;
            price = p;
            instances = *rng.pick(&[1, 1, 1, 2, 3]);
            let _ = write!(name, "svc-{}-", rng.pick(&WORDS));
            rng.hex(&mut name, 4);
        }
        Kind::Notebook => {
            let (s, p) = *rng.pick(&[
                ("modelarts.vm.cpu.8u", 340_000_000i64),
                ("modelarts.vm.gpu.v100", 2_850_000_000),
            ]);
            spec = s;
            price = p;
            disk_gb = *rng.pick(&[5, 50, 100]);
            let _ = write!(name, "notebook-{}-{:02}", rng.pick(&WORDS), rng.below(100));
        }
    }
    // IDs, in the spelling of the format.
    match (format, kind) {
        (Format::Alibaba, Kind::Ecs | Kind::EcsMonthly) => {
            let mut s = String::from("i-bp1");
            rng.alnum(&mut s, 17);
            ids[0] = s;
        }
        (Format::Alibaba, Kind::Evs | Kind::EvsMonthly) => {
            if background && kind == Kind::Evs && index % 13 == 5 {
                // OSS bills under a composite `region;storage-class` ID.
                ids[0] = format!(
                    "{};{}",
                    REGIONS[region]
                        .ali_zone
                        .rsplit_once('-')
                        .map_or("", |p| p.0),
                    rng.pick(&["standard", "ia", "archive"])
                );
            } else {
                let mut s = String::from("d-bp1");
                rng.alnum(&mut s, 17);
                ids[0] = s;
            }
        }
        (Format::Alibaba, Kind::MaService) => {
            // PAI-EAS services bill under the service name itself.
            ids[0] = name.replace("svc-", "eas-");
            name = ids[0].clone();
        }
        (Format::Alibaba, Kind::Notebook) => {
            let mut s = String::from("dsw-");
            rng.alnum(&mut s, 16);
            ids[0] = s;
        }
        (_, Kind::MaService) => {
            ids[0] = format!("{name}-{}", rng.uuid());
            if index % 4 == 1 {
                // Redeployed with a new AI application mid-way: a second bill ID.
                ids[1] = format!("{name}-{}", rng.uuid());
            }
        }
        _ => ids[0] = rng.uuid(),
    }
    let tag_pick = rng.below(100);
    let (tag_huawei, tag_alibaba, tag_focus) = match tag_pick {
        0..=59 => ("--".to_string(), "-".to_string(), String::new()),
        60..=89 => {
            let env = rng.pick(&["dev", "prod", "test"]);
            let team = rng.pick(&["ml", "web", "data"]);
            (
                format!("env:{env};team:{team};"),
                format!("key:env value:{env}; key:team value:{team}"),
                format!("\"{{\"\"env\"\":\"\"{env}\"\",\"\"team\"\":\"\"{team}\"\"}}\""),
            )
        }
        _ => {
            // A tag value holding a comma: the cell is quoted.
            let owner = rng.pick(&["li,wei", "wang,fang", "zhang,min"]);
            (
                format!("\"owner:{owner};cost-center:cc-{:03};\"", rng.below(1000)),
                format!("\"key:owner value:{owner}\""),
                format!("\"{{\"\"owner\"\":\"\"{owner}\"\"}}\""),
            )
        }
    };
    Res {
        index,
        kind,
        ids,
        switch_at: i64::MAX,
        name,
        region,
        tag_huawei,
        tag_alibaba,
        tag_focus,
        begin: 0,
        end: i64::MAX,
        compute_end: i64::MAX,
        price,
        disk_gb,
        instances,
        discount: *rng.pick(&[0, 0, 0, 100, 150]),
        orders: Vec::new(),
        spec,
    }
}

/// A monthly price (1e-8) for a yearly/monthly resource.
fn monthly_amount(r: &Res) -> i64 {
    match r.kind {
        Kind::EcsMonthly => r.price * 24 * 30 * 7 / 10 / AMOUNT_ONE * AMOUNT_ONE,
        _ => r.disk_gb * 35_000_000,
    }
}

fn background(seed: u64, format: Format, index: u64, hours: u32) -> Res {
    let mut rng = Rng::new(key(&[seed, index, 2]));
    let kind = match rng.below(100) {
        0..=37 => Kind::Ecs,
        38..=59 => Kind::Evs,
        60..=79 => Kind::MaService,
        80..=91 => Kind::Notebook,
        92..=95 => Kind::EcsMonthly,
        _ => Kind::EvsMonthly,
    };
    let mut r = base_resource(seed, format, index, kind, true);
    let span = i64::from(hours) * HOUR;
    if rng.chance(150) {
        r.begin = rng.below(span as u64 * 3 / 4) as i64;
    }
    if rng.chance(80) {
        r.end = r.begin + HOUR + rng.below((span - r.begin) as u64) as i64;
    }
    if r.kind == Kind::Notebook && rng.chance(300) {
        r.compute_end = r.begin + rng.below((span - r.begin) as u64) as i64;
    }
    if !r.ids[1].is_empty() {
        r.switch_at = (rng.range(1, u64::from(hours).max(2) - 1) as i64) * HOUR;
    }
    if matches!(r.kind, Kind::EcsMonthly | Kind::EvsMonthly) {
        let amount = monthly_amount(&r);
        let at = rng.below(span as u64) as i64;
        let order = *rng.pick(&[
            OrderKind::Purchase,
            OrderKind::Renewal,
            OrderKind::AutoRenewal,
        ]);
        r.orders.push((at, order, amount));
    }
    r
}

impl Plan {
    fn new(cfg: &Config) -> Plan {
        let (y, m) = cfg.month;
        let clock = Clock {
            start_local: days_from_civil(y, m, 1) * 86_400,
        };
        let month_hours = days_in_month(y, m) * 24;
        let seed = cfg.seed;
        let k = cfg.deleted;
        // Bytes per row, roughly, to turn a size into rows before anything is rendered.
        let row_bytes: u64 = match cfg.format {
            Format::Huawei => 410,
            Format::Alibaba => 420,
            Format::Focus => 470,
        };
        let want_lines = match cfg.target {
            Target::Lines(n) => n,
            Target::Bytes(b) => b / row_bytes,
        };
        // Small exports get a shorter span rather than a thinner population: the register's
        // resources (and their siblings) write about two rows an hour each.
        let hours = cfg.hours.unwrap_or_else(|| {
            let per_hour = (k as u64 + k as u64 / 8 + 20) * 2;
            let h = want_lines / per_hour.max(1);
            (h as u32).clamp(4, month_hours)
        });
        let span = i64::from(hours) * HOUR;
        let mut resources = Vec::new();
        let mut register = Vec::new();
        let mut rng = Rng::new(key(&[seed, 0xDE1E7E]));
        let mut kinds_cycle = 0usize;
        let mut monthly_cycle = 0usize;
        // Deletions fall in [10 %, 80 %] of the span; pending ones in the last 20 hours (or
        // last fifth for short spans).
        let lo = span / 10;
        let hi = span * 8 / 10;
        let tail_room = (span / 5).clamp(HOUR, 20 * HOUR);
        for i in 0..k {
            let index = i as u64;
            let behaviour = PATTERN[i % PATTERN.len()];
            let kind = match behaviour {
                Behaviour::NotebookStopped => Kind::Notebook,
                Behaviour::Refunded | Behaviour::RenewedAfter => {
                    monthly_cycle += 1;
                    [Kind::EcsMonthly, Kind::EvsMonthly][monthly_cycle % 2]
                }
                _ => {
                    kinds_cycle += 1;
                    [Kind::Ecs, Kind::Evs, Kind::MaService, Kind::Notebook][kinds_cycle % 4]
                }
            };
            let mut r = base_resource(seed, cfg.format, index, kind, false);
            let mut at = lo + rng.below((hi - lo) as u64) as i64;
            match behaviour {
                Behaviour::StopsOnHour => at = at / HOUR * HOUR,
                Behaviour::Pending => at = span - 1 - rng.below(tail_room as u64 - 60) as i64,
                _ => {
                    if at % HOUR == 0 {
                        at += 60 * (1 + rng.below(58) as i64);
                    }
                }
            }
            if !r.ids[1].is_empty() {
                r.switch_at = (at / HOUR / 2).max(1) * HOUR;
            }
            match behaviour {
                Behaviour::StopsMidHour | Behaviour::StopsOnHour | Behaviour::Pending => r.end = at,
                Behaviour::KeepsBilling | Behaviour::Absent => {}
                Behaviour::NotebookStopped => r.compute_end = at,
                Behaviour::Refunded | Behaviour::RenewedAfter => {
                    let amount = monthly_amount(&r);
                    let bought = rng.below((at / 2) as u64) as i64;
                    r.orders.push((bought, OrderKind::Purchase, amount));
                    if behaviour == Behaviour::Refunded {
                        let refund_at = at + 60 + rng.below(900) as i64;
                        let left = span - at;
                        let refund =
                            -(amount / 10_000 * (left * 10_000 / (30 * 24 * HOUR)).min(10_000));
                        r.orders.push((refund_at, OrderKind::Refund, refund));
                    } else {
                        let renew_at = at + (span - at) / 2 + rng.below(HOUR as u64) as i64;
                        r.orders.push((renew_at, OrderKind::AutoRenewal, amount));
                    }
                }
            }
            let product = match kind {
                Kind::Ecs | Kind::EcsMonthly => "ECS",
                Kind::Evs | Kind::EvsMonthly => "EVS",
                Kind::MaService | Kind::Notebook => {
                    if cfg.format == Format::Alibaba {
                        "PAI"
                    } else {
                        "ModelArts"
                    }
                }
            };
            let mut id = match (kind, cfg.format) {
                // People delete a ModelArts service by its name, not by the billed ID.
                (Kind::MaService, Format::Huawei | Format::Focus) => r.name.clone(),
                _ => r.ids[0].clone(),
            };
            if behaviour == Behaviour::Absent {
                id = match cfg.format {
                    Format::Alibaba => {
                        let mut s = String::from("i-bp1");
                        rng.alnum(&mut s, 17);
                        s
                    }
                    _ => rng.uuid(),
                };
            } else if i % 7 == 3 {
                // Pasted from a ticket in upper case.
                id = id.to_ascii_uppercase();
            }
            register.push(RegRow {
                id,
                deleted_at: at,
                product,
            });
            let sibling = (kind == Kind::MaService).then(|| {
                // A service sharing the deleted one's name as a prefix keeps billing: the two
                // must never be merged.
                let mut s =
                    base_resource(seed, cfg.format, index + (1 << 40), Kind::MaService, false);
                let suffix = if i % 2 == 0 { "-v2" } else { "-canary" };
                for id in s.ids.iter_mut().filter(|x| !x.is_empty()) {
                    let tail = id[s.name.len()..].to_string();
                    *id = format!("{}{suffix}{tail}", r.name);
                }
                s.name = format!("{}{suffix}", r.name);
                s.switch_at = span / 2 / HOUR * HOUR;
                s
            });
            resources.push(r);
            resources.extend(sibling);
        }
        // Background resources until the span holds enough rows (or bytes: each resource's
        // row size is measured on a few of its rows).
        let mut w = Writer::new(cfg.format, clock, month_hours);
        let mut rows = Vec::new();
        let mut measure = |r: &Res| -> (u64, u64) {
            let (mut n, mut sampled, mut sample_bytes) = (0u64, 0u64, 0u64);
            for h in 0..hours {
                rows.clear();
                r.rows(seed, h, &mut rows);
                n += rows.len() as u64;
                if h % 24 == 0 {
                    for row in &rows {
                        w.buf.clear();
                        w.row(r, row);
                        sampled += 1;
                        sample_bytes += w.buf.len() as u64;
                    }
                }
            }
            let per_row = sample_bytes.checked_div(sampled).unwrap_or(row_bytes);
            (n, n * per_row)
        };
        let (mut total_rows, mut total_bytes) = (0u64, 0u64);
        for r in &resources {
            let (n, b) = measure(r);
            total_rows += n;
            total_bytes += b;
        }
        let enough = |rows: u64, bytes: u64| match cfg.target {
            // A little headroom: the export is cut at the target, in the last hour or so.
            Target::Lines(n) => rows >= n,
            Target::Bytes(n) => bytes >= n + n / 500,
        };
        let mut index = k as u64;
        let min_background = 20;
        let mut added = 0;
        while !enough(total_rows, total_bytes) || added < min_background {
            let r = background(seed, cfg.format, index, hours);
            let (n, b) = measure(&r);
            total_rows += n;
            total_bytes += b;
            resources.push(r);
            index += 1;
            added += 1;
        }
        Plan {
            seed,
            clock,
            month_hours,
            hours,
            resources,
            register,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering.

fn header(format: Format) -> &'static str {
    match format {
        Format::Huawei => "账期,企业项目ID,企业项目,账号,产品类型编码,产品类型,产品编码,产品,计费模式,消费时间,使用开始时间,使用结束时间,订单号/交易号,交易时间,账单类型,资源ID,资源名称,资源标签,区域编码,区域,使用量类型编码,单价(¥),单价单位,使用量,使用量单位,官网价(¥),优惠金额(¥),应付金额(¥),现金支付(¥),代金券抵扣(¥),欠费金额(¥)\n",
        Format::Alibaba => "账期,财务单元,账号ID,账号,Owner账号,产品Code,产品,产品明细Code,产品明细,消费类型,消费时间,账单开始时间,账单结束时间,服务时长,订单号/账单号,账单类型,计费方式,实例ID,实例昵称,资源组,实例标签,实例配置,实例规格,公网IP,私网IP,地域,可用区,计费项,单价,单价单位,用量,用量单位,资源包抵扣,原价,优惠金额,优惠券抵扣,应付金额,现金支付,代金券抵扣,储值卡支付金额,欠费金额\n",
        Format::Focus => "BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargeClass,ChargeDescription,ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,ContractedCost,EffectiveCost,InvoiceIssuer,ListCost,PricingCategory,PricingQuantity,PricingUnit,Provider,Publisher,RegionId,ResourceId,ResourceName,ServiceCategory,ServiceName,Tags,x_BillType,x_TradeTime\n",
    }
}

/// Renders rows into `buf`.
struct Writer {
    format: Format,
    clock: Clock,
    month_hours: u32,
    buf: Vec<u8>,
}

/// What a row costs, as the exports show it.
struct Money {
    unit_price: i64,
    qty: i64,
    list: i64,
    discount: i64,
    due: i64,
}

impl Writer {
    fn new(format: Format, clock: Clock, month_hours: u32) -> Writer {
        Writer {
            format,
            clock,
            month_hours,
            buf: Vec::with_capacity(1024),
        }
    }

    fn s(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn c(&mut self) {
        self.buf.push(b',');
    }

    /// A cell then a comma.
    fn cell(&mut self, s: &str) {
        self.s(s);
        self.c();
    }

    fn money(res: &Res, row: &Row) -> Money {
        match *row {
            Row::Usage {
                usage,
                used,
                traffic,
                ..
            } => {
                let (unit_price, qty) = res.priced(usage, used, traffic);
                let list = (i128::from(unit_price) * i128::from(qty) / i128::from(QTY_ONE)) as i64;
                let discount = list * res.discount / 1000;
                Money {
                    unit_price,
                    qty,
                    list,
                    discount,
                    due: list - discount,
                }
            }
            Row::Order { amount, .. } => {
                let discount = amount * res.discount / 1000;
                Money {
                    unit_price: 0,
                    qty: 0,
                    list: amount,
                    discount,
                    due: amount - discount,
                }
            }
        }
    }

    fn txn(&mut self, prefix: &str, at: i64, txn: u64) {
        self.s(prefix);
        // yyMMddHHmm of the deduction, then five letters.
        let start = self.buf.len();
        self.clock.push_local(&mut self.buf, at);
        let stamp: Vec<u8> = self.buf[start..]
            .iter()
            .copied()
            .filter(u8::is_ascii_digit)
            .collect();
        self.buf.truncate(start);
        self.buf.extend_from_slice(&stamp[2..12]);
        let mut t = txn;
        for _ in 0..5 {
            self.buf.push(b'A' + (t % 26) as u8);
            t /= 26;
        }
    }

    fn row(&mut self, res: &Res, row: &Row) {
        match self.format {
            Format::Huawei => self.huawei(res, row),
            Format::Alibaba => self.alibaba(res, row),
            Format::Focus => self.focus(res, row),
        }
        self.buf.push(b'\n');
    }

    fn huawei(&mut self, res: &Res, row: &Row) {
        let clock = self.clock;
        let (code, service, rcode, rname) = match (res.kind, row) {
            (Kind::Ecs | Kind::EcsMonthly, _) => (
                "hws.service.type.ec2",
                "弹性云服务器",
                "hws.resource.type.vm",
                "云主机",
            ),
            (Kind::Evs | Kind::EvsMonthly, _) => (
                "hws.service.type.ebs",
                "云硬盘",
                "hws.resource.type.volume",
                "云硬盘",
            ),
            (Kind::MaService, _) => (
                "hws.service.type.ma",
                "AI开发平台ModelArts",
                "hws.resource.type.ma.inference",
                "在线服务",
            ),
            (Kind::Notebook, _) => (
                "hws.service.type.ma",
                "AI开发平台ModelArts",
                "hws.resource.type.ma.notebook",
                "Notebook",
            ),
        };
        let m = Self::money(res, row);
        let region = &REGIONS[res.region];
        match *row {
            Row::Usage {
                hour,
                usage,
                id,
                delay,
                txn,
                ..
            } => {
                let hs = i64::from(hour) * HOUR;
                let he = hs + HOUR;
                clock.push_cycle(&mut self.buf, hs);
                self.c();
                self.s("0,default,acme-prod,");
                self.cell(code);
                self.cell(service);
                self.cell(rcode);
                self.cell(rname);
                self.cell("按需");
                clock.push_local(&mut self.buf, hs);
                self.s(" ~ ");
                clock.push_local(&mut self.buf, he);
                self.c();
                clock.push_local(&mut self.buf, hs);
                self.c();
                clock.push_local(&mut self.buf, he);
                self.c();
                self.txn("CS", he + delay, txn);
                self.c();
                clock.push_local(&mut self.buf, he + delay);
                self.c();
                self.cell("消费-使用");
                let bill_id = &res.ids[id];
                self.cell(bill_id);
                self.cell(&res.name);
                // The capacity row of an ECS often carries no tag (a child resource).
                if usage == Usage::Capacity && res.kind == Kind::Ecs {
                    self.cell("--");
                } else {
                    self.cell(&res.tag_huawei);
                }
                self.cell(region.code);
                self.cell(region.name);
                let (ucode, unit_price_unit, unit) = match usage {
                    Usage::Duration => ("duration", "元/小时", "小时"),
                    Usage::Capacity => ("capacity", "元/GB/小时", "GB"),
                    Usage::Upflow => ("upflow", "元/GB", "GB"),
                };
                self.cell(ucode);
                push_fixed(&mut self.buf, m.unit_price, 8);
                self.c();
                self.cell(unit_price_unit);
                push_qty(&mut self.buf, m.qty);
                self.c();
                self.cell(unit);
            }
            Row::Order { at, order, txn, .. } => {
                clock.push_cycle(&mut self.buf, at);
                self.c();
                self.s("0,default,acme-prod,");
                self.cell(code);
                self.cell(service);
                self.cell(rcode);
                self.cell(rname);
                self.cell(if order == OrderKind::Refund {
                    ""
                } else {
                    "包年包月"
                });
                clock.push_local(&mut self.buf, at);
                self.s(",,,");
                self.txn("CS", at, txn);
                self.c();
                clock.push_local(&mut self.buf, at);
                self.c();
                self.cell(match order {
                    OrderKind::Purchase => "消费-新购",
                    OrderKind::Renewal => "消费-续订",
                    OrderKind::AutoRenewal => "消费-自动续订",
                    OrderKind::Refund => "退款-退订",
                });
                self.cell(&res.ids[0]);
                self.cell(&res.name);
                self.cell(&res.tag_huawei);
                self.cell(region.code);
                self.cell(region.name);
                self.s(",,,,,");
            }
        }
        push_fixed(&mut self.buf, m.list, 8);
        self.c();
        push_fixed(&mut self.buf, m.discount, 8);
        self.c();
        push_fixed(&mut self.buf, m.due, 8);
        self.c();
        push_fixed(&mut self.buf, round_to(m.due, 2) / 1_000_000, 2);
        self.s(",0.00,0.00");
    }

    fn alibaba(&mut self, res: &Res, row: &Row) {
        let clock = self.clock;
        let oss = res.ids[0].contains(';');
        let (pcode, pname, dcode, dname) = match res.kind {
            Kind::Ecs => ("ecs", "云服务器 ECS", "ecs", "云服务器ECS-按量付费"),
            Kind::EcsMonthly => ("ecs", "云服务器 ECS", "ecs", "云服务器ECS-包年包月"),
            Kind::Evs if oss => ("oss", "对象存储 OSS", "oss", "对象存储OSS-按量付费"),
            Kind::Evs => ("ecs", "云服务器 ECS", "yundisk", "云盘-按量付费"),
            Kind::EvsMonthly => ("ecs", "云服务器 ECS", "yundisk", "云盘-包年包月"),
            Kind::MaService => ("learn", "人工智能平台 PAI", "pai_eas", "PAI-EAS-按量付费"),
            Kind::Notebook => ("learn", "人工智能平台 PAI", "pai_dsw", "PAI-DSW-按量付费"),
        };
        let m = Self::money(res, row);
        let region = &REGIONS[res.region];
        let (at, postpaid) = match *row {
            Row::Usage { hour, .. } => (i64::from(hour) * HOUR, true),
            Row::Order { at, .. } => (at, false),
        };
        clock.push_cycle(&mut self.buf, at);
        self.s(",未分配,1234567890123456,acme@example.com,acme@example.com,");
        self.cell(pcode);
        self.cell(pname);
        self.cell(dcode);
        self.cell(dname);
        self.cell(if postpaid { "后付费" } else { "预付费" });
        match *row {
            Row::Usage {
                usage,
                used,
                delay,
                txn,
                id,
                ..
            } => {
                clock.push_local(&mut self.buf, at);
                self.c();
                clock.push_local(&mut self.buf, at);
                self.c();
                clock.push_local(&mut self.buf, at + used.min(HOUR));
                self.c();
                push_num(&mut self.buf, used as u64, 1);
                self.c();
                self.buf.extend_from_slice(b"24");
                push_num(
                    &mut self.buf,
                    (txn % 1_000_000_000_000) + (at + delay) as u64,
                    14,
                );
                self.c();
                self.cell("后付账单");
                self.cell("按量付费");
                self.cell(&res.ids[id]);
                self.cell(if res.kind == Kind::Evs {
                    "-"
                } else {
                    &res.name
                });
                self.cell("rg-acfm2abc");
                self.cell(&res.tag_alibaba);
                self.cell(if res.spec.is_empty() { "-" } else { res.spec });
                self.cell(if res.spec.is_empty() { "-" } else { res.spec });
                self.s("-,-,");
                self.cell(region.ali_name);
                self.cell(region.ali_zone);
                let (item, price_unit, unit) = match usage {
                    Usage::Duration => ("实例规格", "元/小时", "小时"),
                    Usage::Capacity if oss => ("标准存储容量", "元/GB/小时", "GB"),
                    Usage::Capacity => ("ESSD云盘", "元/GB/小时", "GB"),
                    Usage::Upflow => ("公网流量", "元/GB", "GB"),
                };
                self.cell(item);
                push_fixed(&mut self.buf, m.unit_price, 8);
                self.c();
                self.cell(price_unit);
                push_qty(&mut self.buf, m.qty);
                self.c();
                self.cell(unit);
                self.s("0,");
            }
            Row::Order { order, txn, at, .. } => {
                clock.push_local(&mut self.buf, at);
                self.s(",,,1,");
                push_num(
                    &mut self.buf,
                    210_000_000_000_000 + txn % 1_000_000_000_000,
                    15,
                );
                self.c();
                self.cell(if order == OrderKind::Refund {
                    "退款"
                } else {
                    "预付订单"
                });
                self.cell("包年包月");
                self.cell(&res.ids[0]);
                self.cell(&res.name);
                self.cell("rg-acfm2abc");
                self.cell(&res.tag_alibaba);
                self.s("-,-,-,-,");
                self.cell(region.ali_name);
                self.cell(region.ali_zone);
                self.s("-,-,-,-,-,-,");
            }
        }
        // Alibaba writes amounts to the cent.
        let due = round_to(m.due, 2);
        let list = round_to(m.list, 2);
        push_fixed(&mut self.buf, list / 1_000_000, 2);
        self.c();
        push_fixed(&mut self.buf, (list - due) / 1_000_000, 2);
        self.s(",0.00,");
        push_fixed(&mut self.buf, due / 1_000_000, 2);
        self.c();
        push_fixed(&mut self.buf, due / 1_000_000, 2);
        self.s(",0.00,0.00,0.00");
    }

    fn focus(&mut self, res: &Res, row: &Row) {
        let clock = self.clock;
        let m = Self::money(res, row);
        let region = &REGIONS[res.region];
        // BilledCost first.
        push_fixed(&mut self.buf, m.due, 8);
        self.s(",0a1b2c3d4e5f,acme-prod,CNY,");
        // The billing period: the month, as UTC.
        clock.push_utc(&mut self.buf, i64::from(self.month_hours) * HOUR);
        self.c();
        clock.push_utc(&mut self.buf, 0);
        self.c();
        match *row {
            Row::Usage {
                hour,
                usage,
                id,
                delay,
                ..
            } => {
                let hs = i64::from(hour) * HOUR;
                self.s("Usage,,");
                let what = match (res.kind, usage) {
                    (_, Usage::Upflow) => "Outbound traffic",
                    (Kind::Ecs, Usage::Duration) => "ECS on-demand hour",
                    (Kind::Ecs, Usage::Capacity) => "ECS system disk",
                    (Kind::Evs, _) => "EVS capacity",
                    (Kind::MaService, _) => "ModelArts real-time service",
                    (Kind::Notebook, Usage::Duration) => "ModelArts notebook compute",
                    _ => "ModelArts notebook storage",
                };
                self.cell(what);
                self.cell("Usage-Based");
                clock.push_utc(&mut self.buf, hs + HOUR);
                self.c();
                clock.push_utc(&mut self.buf, hs);
                self.c();
                self.money_cells(&m);
                self.cell("Standard");
                push_qty(&mut self.buf, m.qty);
                self.c();
                self.cell(match usage {
                    Usage::Duration => "Hours",
                    Usage::Capacity => "GB-Hours",
                    Usage::Upflow => "GB",
                });
                self.common(res, &res.ids[id], region.code);
                self.c();
                self.cell("Expenditure-use");
                clock.push_utc(&mut self.buf, hs + HOUR + delay);
            }
            Row::Order { at, order, .. } => {
                let refund = order == OrderKind::Refund;
                self.cell(if refund { "Adjustment" } else { "Purchase" });
                self.c();
                self.cell(if refund {
                    "Unsubscription refund"
                } else {
                    "Yearly/monthly subscription"
                });
                self.cell(if refund { "One-Time" } else { "Recurring" });
                // The order's own hour, not the month it pays for: a charge period reaching
                // into the future would read as bill coverage that does not exist yet.
                clock.push_utc(&mut self.buf, (at / HOUR + 1) * HOUR);
                self.c();
                clock.push_utc(&mut self.buf, at);
                self.c();
                self.money_cells(&m);
                self.cell(if refund { "" } else { "Standard" });
                self.s("1,Months,");
                self.common(res, &res.ids[0], region.code);
                self.c();
                self.cell(match order {
                    OrderKind::Purchase => "Expenditure-purchase",
                    OrderKind::Renewal => "Expenditure-renewal",
                    OrderKind::AutoRenewal => "Expenditure-auto renewal",
                    OrderKind::Refund => "Refund-unsubscription",
                });
                clock.push_utc(&mut self.buf, at);
            }
        }
    }

    /// ContractedCost, EffectiveCost, InvoiceIssuer, ListCost.
    fn money_cells(&mut self, m: &Money) {
        push_fixed(&mut self.buf, m.due, 8);
        self.c();
        push_fixed(&mut self.buf, m.due, 8);
        self.s(",Huawei Cloud,");
        push_fixed(&mut self.buf, m.list, 8);
        self.c();
    }

    /// Provider … Tags (without the trailing comma).
    fn common(&mut self, res: &Res, id: &str, region: &str) {
        self.s("Huawei Cloud,Huawei Cloud,");
        self.cell(region);
        self.cell(id);
        self.cell(&res.name);
        let (category, service) = match res.kind {
            Kind::Ecs | Kind::EcsMonthly => ("Compute", "Elastic Cloud Server"),
            Kind::Evs | Kind::EvsMonthly => ("Storage", "Elastic Volume Service"),
            Kind::MaService | Kind::Notebook => ("AI and Machine Learning", "ModelArts"),
        };
        self.cell(category);
        self.cell(service);
        self.s(&res.tag_focus);
    }
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
