//! The model: resources, their behaviours around a deletion, and the plan of rows and register
//! lines derived from the seed.

use super::*;

pub(super) const HOUR: i64 = 3600;
/// Amounts are held in 1e-8 of a currency unit, quantities in 1e-4.
pub(super) const AMOUNT_ONE: i64 = 100_000_000;
pub(super) const QTY_ONE: i64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
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
pub(super) enum Behaviour {
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

pub(super) const PATTERN: [Behaviour; 22] = {
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
pub(super) struct Region {
    pub(super) code: &'static str,
    pub(super) name: &'static str,
    pub(super) ali_name: &'static str,
    pub(super) ali_zone: &'static str,
}

pub(super) const REGIONS: [Region; 4] = [
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

pub(super) const WORDS: [&str; 12] = [
    "ocr", "asr", "chat", "embed", "rerank", "vision", "det", "seg", "qa", "tts", "sum", "cls",
];

/// One resource and everything its rows need.
#[derive(Debug, Clone)]
pub(super) struct Res {
    pub(super) index: u64,
    pub(super) kind: Kind,
    /// Bill IDs: the second (if any) replaces the first from `switch_at` on (a ModelArts
    /// service redeployed with a new AI application).
    pub(super) ids: [String; 2],
    pub(super) switch_at: i64,
    pub(super) name: String,
    pub(super) region: usize,
    /// Tag cell as written (already quoted when it holds a comma), per format.
    pub(super) tag_huawei: String,
    pub(super) tag_alibaba: String,
    pub(super) tag_focus: String,
    /// First second billed.
    pub(super) begin: i64,
    /// Usage stops at this second (exclusive); `i64::MAX` = never.
    pub(super) end: i64,
    /// Notebook compute stops here; storage goes on until `end`.
    pub(super) compute_end: i64,
    /// Hourly price of the main usage type (1e-8), and sizes.
    pub(super) price: i64,
    pub(super) disk_gb: i64,
    pub(super) instances: i64,
    /// Discount in per-mille of list price.
    pub(super) discount: i64,
    /// Orders of yearly/monthly resources: (second, kind, amount 1e-8).
    pub(super) orders: Vec<(i64, OrderKind, i64)>,
    pub(super) spec: &'static str,
    /// The register row naming it, if any.
    pub(super) register: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OrderKind {
    Purchase,
    Renewal,
    AutoRenewal,
    Refund,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Usage {
    /// Instance-hours (ECS, ModelArts service, notebook compute).
    Duration,
    /// GB-hours of a disk (ECS system disk, EVS, notebook storage).
    Capacity,
    /// Outbound traffic in GB.
    Upflow,
}

/// One bill row, before rendering.
#[derive(Debug, Clone, Copy)]
pub(super) enum Row {
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
    pub(super) fn uses(&self, usage: Usage) -> bool {
        match self.kind {
            Kind::Ecs => true,
            Kind::Evs => usage == Usage::Capacity,
            Kind::MaService => usage != Usage::Capacity,
            Kind::Notebook => usage != Usage::Upflow,
            Kind::EcsMonthly | Kind::EvsMonthly => false,
        }
    }

    /// Rows of hour `h`, in the order written.
    pub(super) fn rows(&self, seed: u64, h: u32, out: &mut Vec<Row>) {
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
    pub(super) fn priced(&self, usage: Usage, used: i64, traffic: i64) -> (i64, i64) {
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

pub(super) struct RegRow {
    pub(super) id: String,
    pub(super) deleted_at: i64,
    pub(super) product: &'static str,
}

pub(super) struct Plan {
    pub(super) seed: u64,
    pub(super) clock: Clock,
    pub(super) month_hours: u32,
    pub(super) hours: u32,
    pub(super) resources: Vec<Res>,
    pub(super) register: Vec<RegRow>,
}

/// What a resource is before its deletion behaviour is applied.
pub(super) fn base_resource(
    seed: u64,
    format: Format,
    index: u64,
    kind: Kind,
    background: bool,
) -> Res {
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
    if format.utc_month() {
        // These clouds' IDs hold the name, unique within its scope: two resources drawing the
        // same name would share an ID.
        let _ = write!(name, "-{index}");
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
        (Format::Cur | Format::Azure | Format::Oci, _) => {
            ids[0] = native_id(format, kind, region, &name, &mut rng);
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
        register: None,
    }
}

/// A monthly price (1e-8) for a yearly/monthly resource.
pub(super) fn monthly_amount(r: &Res) -> i64 {
    match r.kind {
        Kind::EcsMonthly => r.price * 24 * 30 * 7 / 10 / AMOUNT_ONE * AMOUNT_ONE,
        _ => r.disk_gb * 35_000_000,
    }
}

pub(super) fn background(seed: u64, format: Format, index: u64, hours: u32) -> Res {
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
    /// Hours, or days for the daily formats.
    pub(super) fn units(&self, format: Format) -> u32 {
        if format.daily() {
            self.hours / 24
        } else {
            self.hours
        }
    }

    pub(super) fn new(cfg: &Config) -> Plan {
        let (y, m) = cfg.month;
        let utc = if cfg.format.utc_month() {
            TZ_SECONDS
        } else {
            0
        };
        let clock = Clock {
            start_local: days_from_civil(y, m, 1) * 86_400 + utc,
        };
        let month_hours = days_in_month(y, m) * 24;
        let seed = cfg.seed;
        let k = cfg.deleted;
        // Bytes per row, roughly, to turn a size into rows before anything is rendered.
        let row_bytes: u64 = match cfg.format {
            Format::Huawei => 410,
            Format::Alibaba => 420,
            Format::Focus => 470,
            Format::Cur => 510,
            Format::Azure => 680,
            Format::Oci => 610,
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
            if cfg.format.daily() {
                // The same rows a resource writes an hour, it writes a day here.
                h.saturating_mul(24).min(u64::from(month_hours)) as u32
            } else {
                (h as u32).clamp(4, month_hours)
            }
        });
        // Daily lines bill whole UTC days: the span is whole days.
        let hours = if cfg.format.daily() {
            hours.div_ceil(24).clamp(1, month_hours / 24) * 24
        } else {
            hours
        };
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
                _ if cfg.format.utc_month() => register_product(cfg.format, kind),
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
                (_, f) if f.utc_month() => register_id(f, &r),
                _ => r.ids[0].clone(),
            };
            if behaviour == Behaviour::Absent {
                id = match cfg.format {
                    Format::Alibaba => {
                        let mut s = String::from("i-bp1");
                        rng.alnum(&mut s, 17);
                        s
                    }
                    f if f.utc_month() => absent_id(f, &mut rng),
                    _ => rng.uuid(),
                };
            } else if i % 7 == 3 {
                // Pasted from a ticket in upper case.
                id = id.to_ascii_uppercase();
            }
            if behaviour != Behaviour::Absent {
                r.register = Some(register.len());
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
                // The name is where the bill ID holds it (its start, or the end of an ARN or
                // ARM path); an OCID holds none and stays the sibling's own.
                for id in s.ids.iter_mut().filter(|x| !x.is_empty()) {
                    if let Some(at) = id.find(&s.name) {
                        id.replace_range(at..at + s.name.len(), &format!("{}{suffix}", r.name));
                    }
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
        let (units, sample_every) = if cfg.format.daily() {
            (hours / 24, 1)
        } else {
            (hours, 24)
        };
        let mut measure = |r: &Res| -> (u64, u64) {
            let (mut n, mut sampled, mut sample_bytes) = (0u64, 0u64, 0u64);
            for u in 0..units {
                rows.clear();
                r.unit_rows(seed, cfg.format, u, &mut rows);
                n += rows.len() as u64;
                if u % sample_every == 0 {
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
