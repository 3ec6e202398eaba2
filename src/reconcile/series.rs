//! A deleted resource's amounts by time bucket, for the HTML report's timelines, counted as its
//! matched lines are counted, in bounded memory.
//!
//! Buckets are an hour wide while a resource's lines span at most [`MAX_BUCKETS`] of them; a
//! wider span coarsens every bucket (6 hours, a day, a week, 4 weeks, 52 weeks, then tenfold),
//! so a resource never holds more than [`MAX_BUCKETS`] buckets a currency, however many lines
//! or years it has. Bucket edges are aligned in the report's offset (`--tz`), from a Monday
//! midnight, and each width divides the next: coarsening merges whole buckets and never
//! splits one.
//!
//! Like a [`Tally`](super::count::Tally), a [`Series`] is the same whatever order its lines
//! came in or however they were split into pieces and merged: sums are exact (below 28
//! significant digits), and the width is always the finest one whose span fits (a span only
//! grows as lines are added, so the finest width that fits a part is never coarser than the
//! one that fits the whole). Buckets are stored densely, 80 bytes each: at most about 160 KB a
//! resource and currency, about 60 KB for a month of hours.

use super::verdict::LineClass;
use crate::report::timeline::{Bar, Class, CurrencySeries, Part, Timeline};
use chrono::{DateTime, FixedOffset, Utc};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// Most buckets one resource spans (per currency; all its currencies share the width).
pub const MAX_BUCKETS: i64 = 2000;

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// Bucket widths in seconds, finest first; each divides the next. Past the last, tenfold.
const WIDTHS: [i64; 6] = [HOUR, 6 * HOUR, DAY, 7 * DAY, 28 * DAY, 364 * DAY];

/// Buckets start from this local time: Monday 1970-01-05 00:00, so weeks start on Mondays.
const ORIGIN: i64 = 4 * DAY;

/// The width of a bucket at `level`, in seconds (saturating: levels past any real span).
pub fn width(level: u8) -> i64 {
    match WIDTHS.get(usize::from(level)) {
        Some(w) => *w,
        None => {
            let extra = u32::from(level) - (WIDTHS.len() as u32 - 1);
            WIDTHS[WIDTHS.len() - 1].saturating_mul(10i64.saturating_pow(extra))
        }
    }
}

/// The finest level whose width is at least `seconds` (capped at a day: a coarser export
/// window, such as a month's prepaid order, is still drawn by the day).
pub fn level_for(seconds: i64) -> u8 {
    let mut level = 0;
    while width(level) < seconds.min(DAY) {
        level += 1;
    }
    level
}

/// The index of the bucket holding `t` at `level`, in offset `tz`.
pub fn bucket(t: DateTime<Utc>, tz: FixedOffset, level: u8) -> i64 {
    let local = t.timestamp() + i64::from(tz.local_minus_utc()) - ORIGIN;
    local.div_euclid(width(level))
}

/// When bucket `index` at `level` starts, in UTC (clamped to the range of times).
pub fn bucket_start(index: i64, tz: FixedOffset, level: u8) -> DateTime<Utc> {
    let secs = index
        .saturating_mul(width(level))
        .saturating_add(ORIGIN)
        .saturating_sub(i64::from(tz.local_minus_utc()));
    DateTime::from_timestamp(secs, 0).unwrap_or(if secs < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// Where a line is drawn, from how `verdict::classify` classified it; `None` for a line dated after the
/// deletion that costs nothing (nothing to draw).
pub fn class_of(c: LineClass) -> Option<Class> {
    match c {
        LineClass::Earlier => Some(Class::Before),
        LineClass::Tail => Some(Class::Tail),
        LineClass::PostDeletion => Some(Class::After),
        // A fee is netted against the refund it comes with, as the refund check does.
        LineClass::Refund { .. } | LineClass::Fee { .. } => Some(Class::Refund),
        LineClass::ZeroAfter => None,
    }
}

/// The lines of each [`Class`] in one bucket. Amounts are `Decimal`s (exact below 28
/// significant digits, like every bill amount; past that they round, where the report's totals,
/// kept by `count`, stay exact): 80 bytes a bucket, with no allocation of its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Cell {
    amount: [Decimal; 4],
    lines: [u32; 4],
}

impl Cell {
    fn merge(&mut self, other: &Cell) {
        for k in 0..4 {
            self.amount[k] = self.amount[k].saturating_add(other.amount[k]);
            self.lines[k] = self.lines[k].saturating_add(other.lines[k]);
        }
    }

    fn is_empty(&self) -> bool {
        self.lines == [0; 4]
    }
}

/// One currency's buckets, stored densely from its first bucket to its last (both hold a line).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Track {
    /// The index of `cells[0]`.
    base: i64,
    cells: Vec<Cell>,
}

impl Track {
    /// The cell of bucket `i`, growing the track to reach it. Callers make sure the span fits
    /// in [`MAX_BUCKETS`] first, so a track never grows past it.
    fn cell(&mut self, i: i64) -> &mut Cell {
        if self.cells.is_empty() {
            self.base = i;
        }
        if i < self.base {
            let more = usize::try_from(self.base - i).unwrap_or(0);
            self.grow(self.cells.len() + more);
            self.cells
                .splice(0..0, std::iter::repeat_n(Cell::default(), more));
            self.base = i;
        }
        let at = usize::try_from(i - self.base).unwrap_or(0);
        if at >= self.cells.len() {
            self.grow(at + 1);
            self.cells.resize(at + 1, Cell::default());
        }
        &mut self.cells[at]
    }

    /// Makes room for `len` cells: doubling, as a `Vec` does, but never past [`MAX_BUCKETS`].
    fn grow(&mut self, len: usize) {
        if len > self.cells.capacity() {
            let cap = (self.cells.capacity() * 2)
                .clamp(8, MAX_BUCKETS as usize)
                .max(len);
            self.cells.reserve_exact(cap - self.cells.len());
        }
    }

    /// The track with buckets `factor` times wider.
    fn coarsen(&self, factor: i64) -> Track {
        let mut out = Track::default();
        for (k, c) in self.cells.iter().enumerate() {
            if !c.is_empty() {
                out.cell((self.base + k as i64).div_euclid(factor)).merge(c);
            }
        }
        out
    }
}

/// Amounts by bucket, per currency, for one deleted resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    tz: FixedOffset,
    level: u8,
    /// The shortest usage window seen, in seconds: the export's own grain (hourly, daily).
    grain: Option<i64>,
    /// The first and last bucket holding a line, over every currency.
    span: Option<(i64, i64)>,
    tracks: BTreeMap<String, Track>,
}

/// Whether buckets `a` to `b` are too many to keep.
fn too_wide((a, b): (i64, i64)) -> bool {
    b.saturating_sub(a) >= MAX_BUCKETS
}

fn widen(span: Option<(i64, i64)>, (a, b): (i64, i64)) -> (i64, i64) {
    span.map_or((a, b), |(x, y)| (x.min(a), y.max(b)))
}

impl Series {
    pub fn new(tz: FixedOffset) -> Self {
        Series {
            tz,
            level: 0,
            grain: None,
            span: None,
            tracks: BTreeMap::new(),
        }
    }

    /// Counts one line: dated `time` (its usage-window start, else when it was charged).
    pub fn add(
        &mut self,
        time: DateTime<Utc>,
        usage_end: Option<DateTime<Utc>>,
        class: Class,
        currency: &str,
        amount: Decimal,
    ) {
        if let Some(end) = usage_end {
            let len = (end - time).num_seconds();
            if len > 0 {
                self.grain = Some(self.grain.map_or(len, |g| g.min(len)));
            }
        }
        // Coarsen before storing, so a line far from the others never widens a track past
        // the limit, even for a moment.
        let mut i = bucket(time, self.tz, self.level);
        while too_wide(widen(self.span, (i, i))) {
            self.coarsen_to(self.level + 1);
            i = bucket(time, self.tz, self.level);
        }
        self.span = Some(widen(self.span, (i, i)));
        if !self.tracks.contains_key(currency) {
            self.tracks.insert(currency.to_string(), Track::default());
        }
        let track = self.tracks.get_mut(currency).expect("just inserted");
        let cell = track.cell(i);
        let k = class.index();
        cell.amount[k] = cell.amount[k].saturating_add(amount);
        cell.lines[k] = cell.lines[k].saturating_add(1);
    }

    /// Adds the lines another series counted, as if they had been added here.
    pub fn merge(&mut self, other: &Series) {
        let mut other = other.clone();
        let mut level = self.level.max(other.level);
        loop {
            self.coarsen_to(level);
            other.coarsen_to(level);
            match (self.span, other.span) {
                (Some(a), Some(b)) if too_wide(widen(Some(a), b)) => level += 1,
                _ => break,
            }
        }
        self.grain = match (self.grain, other.grain) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(b) = other.span {
            self.span = Some(widen(self.span, b));
        }
        for (currency, track) in other.tracks {
            let mine = self.tracks.entry(currency).or_default();
            for (k, c) in track.cells.iter().enumerate() {
                if !c.is_empty() {
                    mine.cell(track.base + k as i64).merge(c);
                }
            }
        }
    }

    fn coarsen_to(&mut self, level: u8) {
        if level <= self.level {
            return;
        }
        let factor = width(level) / width(self.level);
        for track in self.tracks.values_mut() {
            *track = track.coarsen(factor);
        }
        self.span = self
            .span
            .map(|(a, b)| (a.div_euclid(factor), b.div_euclid(factor)));
        self.level = level;
    }

    /// The level buckets are kept at (see [`width`]).
    pub fn level(&self) -> u8 {
        self.level
    }

    /// The bars to draw: at the kept width, or by the export's own window when it is coarser
    /// (a daily FOCUS export is drawn by the day, not as one thin bar every 24 hours).
    pub fn timeline(&self) -> Timeline {
        let mut s = self.clone();
        if let Some(g) = s.grain {
            s.coarsen_to(level_for(g));
        }
        let currencies = s
            .tracks
            .iter()
            .map(|(currency, track)| CurrencySeries {
                currency: currency.clone(),
                bars: track
                    .cells
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| !c.is_empty())
                    .map(|(k, c)| {
                        let i = track.base + k as i64;
                        Bar {
                            start: bucket_start(i, s.tz, s.level),
                            end: bucket_start(i.saturating_add(1), s.tz, s.level),
                            parts: Class::ALL
                                .iter()
                                .filter(|class| c.lines[class.index()] > 0)
                                .map(|&class| Part {
                                    class,
                                    amount: c.amount[class.index()],
                                    lines: u64::from(c.lines[class.index()]),
                                })
                                .collect(),
                        }
                    })
                    .collect(),
            })
            .collect();
        Timeline {
            bucket_seconds: width(s.level),
            currencies,
        }
    }

    /// Bytes this series holds (its buckets and currency names), to show in tests and
    /// benchmarks that it stays bounded.
    pub fn heap_bytes(&self) -> usize {
        self.tracks
            .iter()
            .map(|(c, t)| c.capacity() + t.cells.capacity() * std::mem::size_of::<Cell>())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;
    use chrono::Duration;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn tz(hours: i32) -> FixedOffset {
        FixedOffset::east_opt(hours * 3600).unwrap()
    }

    #[test]
    fn buckets_align_to_local_hours_days_and_monday_weeks() {
        // (time, offset hours, level, the bucket's start)
        let cases = [
            ("2026-10-20T03:10:00Z", 8, 0, "2026-10-20T03:00:00Z"),
            // 6 h buckets start at local 00, 06, 12, 18: 11:10 (+08:00) is in 06:00–12:00.
            ("2026-10-20T03:10:00Z", 8, 1, "2026-10-19T22:00:00Z"),
            // A day starts at local midnight: 16:00 UTC the day before for +08:00.
            ("2026-10-20T03:10:00Z", 8, 2, "2026-10-19T16:00:00Z"),
            ("2026-10-20T03:10:00Z", 0, 2, "2026-10-20T00:00:00Z"),
            // 2026-10-20 is a Tuesday: its week began on Monday the 19th, local midnight.
            ("2026-10-20T03:10:00Z", 8, 3, "2026-10-18T16:00:00Z"),
            // Half-hour offsets: local hours, so a bucket starts at :30 UTC.
            ("2026-10-20T03:10:00Z", 0, 0, "2026-10-20T03:00:00Z"),
            ("1969-12-31T23:59:59Z", 0, 0, "1969-12-31T23:00:00Z"),
        ];
        for (time, off, level, want) in cases {
            let i = bucket(t(time), tz(off), level);
            assert_eq!(
                bucket_start(i, tz(off), level),
                t(want),
                "{time} at {off} level {level}"
            );
        }
        let india = FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
        let i = bucket(t("2026-10-20T03:10:00Z"), india, 0);
        assert_eq!(bucket_start(i, india, 0), t("2026-10-20T02:30:00Z"));
    }

    #[test]
    fn each_width_divides_the_next_and_levels_follow_the_export_grain() {
        for level in 0..12u8 {
            assert_eq!(width(level + 1) % width(level), 0, "level {level}");
            assert!(width(level + 1) > width(level));
        }
        for (grain, level) in [
            (1, 0),
            (1800, 0),
            (HOUR, 0),
            (HOUR + 1, 1),
            (6 * HOUR, 1),
            (DAY, 2),
            (30 * DAY, 2),
        ] {
            assert_eq!(level_for(grain), level, "grain {grain}");
        }
    }

    /// A series of `n` hourly lines of 1.00 from `start`, one every `every` hours.
    fn hourly(start: &str, n: i64, every: i64) -> Series {
        let mut s = Series::new(tz(8));
        for h in 0..n {
            let at = t(start) + Duration::hours(h * every);
            s.add(
                at,
                Some(at + Duration::hours(1)),
                Class::Before,
                "CNY",
                dec("1.00"),
            );
        }
        s
    }

    #[test]
    fn spans_coarsen_past_the_bucket_limit() {
        // (lines, hours between them, level expected, bars expected)
        let cases = [
            (1, 1, 0, 1),
            (2000, 1, 0, 2000),
            // 2001 hours: too wide for hourly buckets; 6 h buckets aligned at local 00:00.
            (2001, 1, 1, 334),
            // 2000 six-hour buckets are 500 days: past them, days.
            (2001, 6, 2, 2001 * 6 / 24 + 1),
            // Ten years, every 30 days: weeks are too fine (520 > 2000? no: 522 weeks fit).
            (122, 24 * 30, 3, 122),
        ];
        for (n, every, level, bars) in cases {
            let s = hourly("2026-01-01T00:00:00+08:00", n, every);
            assert_eq!(s.level(), level, "{n} lines every {every} h");
            let tl = s.timeline();
            assert_eq!(tl.bucket_seconds, width(level));
            let got = &tl.currencies[0].bars;
            assert_eq!(got.len() as i64, bars, "{n} lines every {every} h");
            let total: u64 = got.iter().flat_map(|b| &b.parts).map(|p| p.lines).sum();
            assert_eq!(total, n as u64, "no line lost in coarsening");
            let sum: Decimal = got.iter().flat_map(|b| &b.parts).map(|p| p.amount).sum();
            assert_eq!(sum, Decimal::from(n));
        }
    }

    #[test]
    fn memory_stays_bounded_at_the_extremes_of_time() {
        let mut s = Series::new(tz(8));
        for time in [
            DateTime::<Utc>::MIN_UTC,
            t("2026-10-20T00:00:00Z"),
            DateTime::<Utc>::MAX_UTC,
        ] {
            s.add(time, None, Class::After, "CNY", dec("1"));
        }
        let (a, b) = s.span.unwrap();
        assert!(b - a < MAX_BUCKETS, "{a}..{b} at level {}", s.level());
        assert!(s.heap_bytes() <= MAX_BUCKETS as usize * std::mem::size_of::<Cell>() + 3);
        let bars = &s.timeline().currencies[0].bars;
        assert_eq!(bars.len(), 3);
        assert!(bars.iter().all(|b| b.start <= b.end));
    }

    #[test]
    fn a_resource_billed_for_decades_keeps_at_most_the_bucket_limit() {
        // Every hour of 20 years, in two currencies, half of it read backwards.
        let mut s = Series::new(tz(8));
        let start = t("2010-01-01T00:00:00Z");
        let hours = 20 * 8766;
        for h in (0..hours / 2).chain((hours / 2..hours).rev()) {
            let at = start + Duration::hours(h);
            let cur = if h % 2 == 0 { "CNY" } else { "USD" };
            s.add(
                at,
                Some(at + Duration::hours(1)),
                Class::After,
                cur,
                dec("0.01"),
            );
            let (a, b) = s.span.unwrap();
            assert!(b - a < MAX_BUCKETS, "{h}");
        }
        assert_eq!(
            s.level(),
            3,
            "weeks: 20 years of days would be 7,305 buckets"
        );
        let per_track = MAX_BUCKETS as usize * std::mem::size_of::<Cell>();
        assert!(
            s.heap_bytes() <= 2 * per_track + 6,
            "{} bytes",
            s.heap_bytes()
        );
        let total: Decimal = s
            .timeline()
            .currencies
            .iter()
            .flat_map(|c| &c.bars)
            .flat_map(|b| &b.parts)
            .map(|p| p.amount)
            .sum();
        assert_eq!(total, Decimal::from(hours) / Decimal::from(100));
    }

    #[test]
    fn merged_parts_equal_one_pass_in_any_split() {
        // Lines spread so that one part alone fits hourly buckets and the whole does not.
        let lines: Vec<(DateTime<Utc>, Class, &str, &str)> = vec![
            (t("2026-01-01T00:00:00Z"), Class::Before, "CNY", "1.10"),
            (t("2026-01-01T00:30:00Z"), Class::Refund, "CNY", "-0.10"),
            (t("2026-02-15T05:00:00Z"), Class::Tail, "USD", "2.005"),
            (t("2026-03-01T07:00:00Z"), Class::After, "CNY", "3"),
            (
                t("2026-04-20T23:00:00Z"),
                Class::After,
                "CNY",
                "0.000000001",
            ),
        ];
        let build = |ls: &[(DateTime<Utc>, Class, &str, &str)]| {
            let mut s = Series::new(tz(8));
            for (at, class, cur, amount) in ls {
                s.add(*at, None, *class, cur, dec(amount));
            }
            s
        };
        let whole = build(&lines);
        assert_eq!(whole.level(), 1, "the whole spans more than 2000 hours");
        for cut in 0..=lines.len() {
            for (a, b) in [
                (&lines[..cut], &lines[cut..]),
                (&lines[cut..], &lines[..cut]),
            ] {
                let mut m = build(a);
                m.merge(&build(b));
                assert_eq!(m, whole, "cut at {cut}");
            }
        }
        let tl = whole.timeline();
        let cny = &tl.currencies[0];
        assert_eq!(cny.currency, "CNY");
        assert_eq!(
            cny.bars[0].parts,
            vec![
                Part {
                    class: Class::Before,
                    amount: dec("1.10"),
                    lines: 1
                },
                Part {
                    class: Class::Refund,
                    amount: dec("-0.10"),
                    lines: 1
                }
            ]
        );
        assert_eq!(tl.currencies[1].currency, "USD", "currencies never summed");
    }

    #[test]
    fn a_daily_export_is_drawn_by_the_day() {
        let mut s = Series::new(tz(0));
        for d in 0..3 {
            let at = t("2026-10-01T00:00:00Z") + Duration::days(d);
            s.add(
                at,
                Some(at + Duration::days(1)),
                Class::Before,
                "USD",
                dec("2"),
            );
        }
        assert_eq!(s.level(), 0, "kept hourly: the span is short");
        let tl = s.timeline();
        assert_eq!(tl.bucket_seconds, DAY);
        let bars = &tl.currencies[0].bars;
        assert_eq!(bars.len(), 3);
        assert_eq!(bars[0].end - bars[0].start, Duration::days(1));
    }
}
