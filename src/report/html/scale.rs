//! The arithmetic of a timeline's axes: where a time or an amount lands on the page, and which
//! round values get a tick and a label.
//!
//! Amounts stay exact `Decimal`s up to the tick labels; only pixel positions are floating point
//! (a position is never read back as money).

use chrono::{DateTime, FixedOffset, Timelike, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

/// A linear map from a domain of values to a range of pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linear {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl Linear {
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        Linear {
            d0: domain.0,
            d1: domain.1,
            r0: range.0,
            r1: range.1,
        }
    }

    /// The pixel of `v`; an empty domain maps everything to the middle of the range.
    pub fn at(&self, v: f64) -> f64 {
        let span = self.d1 - self.d0;
        if span == 0.0 || !span.is_finite() {
            return (self.r0 + self.r1) / 2.0;
        }
        self.r0 + (v - self.d0) / span * (self.r1 - self.r0)
    }

    /// The pixel of an amount.
    pub fn amount(&self, d: Decimal) -> f64 {
        self.at(d.to_f64().unwrap_or(0.0))
    }

    /// The pixel of a time (seconds since the epoch).
    pub fn time(&self, t: DateTime<Utc>) -> f64 {
        self.at(t.timestamp() as f64)
    }
}

/// The smallest round step (1, 2 or 5 × 10^k) that covers `span` in at most `max_ticks` steps;
/// 1 for an empty or negative span.
pub fn nice_step(span: Decimal, max_ticks: u32) -> Decimal {
    if span <= Decimal::ZERO || max_ticks == 0 {
        return Decimal::ONE;
    }
    let raw = span / Decimal::from(max_ticks);
    let ten = Decimal::TEN;
    let mut p = Decimal::ONE;
    while let Some(next) = p.checked_mul(ten).filter(|n| *n <= raw) {
        p = next;
    }
    // Down to the first power of ten not above `raw` (a `Decimal` goes down to 1e-28).
    while p > raw && p.scale() < 28 {
        p /= ten;
    }
    for m in [1, 2, 5, 10] {
        if let Some(step) = p.checked_mul(Decimal::from(m)) {
            if step >= raw {
                return step.normalize();
            }
        }
    }
    p.normalize()
}

/// The amount ticks of an axis from `min` (≤ 0) to `max` (≥ 0): multiples of a round step,
/// always including 0, the first at or below `min`, the last at or above `max`.
pub fn amount_ticks(min: Decimal, max: Decimal, max_ticks: u32) -> Vec<Decimal> {
    let min = min.min(Decimal::ZERO);
    let max = max.max(Decimal::ZERO);
    let step = nice_step(max - min, max_ticks);
    let below = (-min / step).ceil();
    let above = (max / step).ceil();
    let (below, above) = (below.to_i64().unwrap_or(0), above.to_i64().unwrap_or(0));
    // At least one step above zero, so an axis with nothing on it still has a scale.
    let above = if below == 0 { above.max(1) } else { above };
    (-below..=above)
        .map(|i| (step * Decimal::from(i)).normalize())
        .collect()
}

/// Steps a time axis may use, in seconds.
const TIME_STEPS: [i64; 13] = [
    HOUR,
    2 * HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    2 * DAY,
    7 * DAY,
    14 * DAY,
    28 * DAY,
    91 * DAY,
    182 * DAY,
    364 * DAY,
];

/// The finest step that puts at most `max_ticks` ticks on `span_seconds`.
pub fn time_step(span_seconds: i64, max_ticks: i64) -> i64 {
    let max_ticks = max_ticks.max(1);
    for s in TIME_STEPS {
        if span_seconds / s <= max_ticks {
            return s;
        }
    }
    let last = TIME_STEPS[TIME_STEPS.len() - 1];
    last.saturating_mul(span_seconds / last / max_ticks + 1)
}

/// Ticks from `start` to `end` every `step` seconds, on round local times in `tz`: hours and
/// days at local midnight, weeks and longer from a Monday.
pub fn time_ticks(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    tz: FixedOffset,
    step: i64,
) -> Vec<DateTime<Utc>> {
    let off = i64::from(tz.local_minus_utc());
    // Counted from Monday 1970-01-05, local: steps are whole hours dividing a day or whole days,
    // so ticks fall on local hours and midnights, and weekly ones on Mondays.
    let origin = 4 * DAY;
    let first = (start.timestamp() + off - origin).div_euclid(step) + 1;
    let at = |i: i64| {
        i.checked_mul(step)
            .and_then(|s| s.checked_add(origin - off))
            .and_then(|s| DateTime::from_timestamp(s, 0))
    };
    let mut out = Vec::new();
    let mut i = first;
    while let Some(t) = at(i).filter(|t| *t < end) {
        out.push(t);
        i += 1;
    }
    out
}

/// A tick's label: the date at local midnight (with the year on the first or when it
/// changes), else the local time of day.
pub fn tick_label(t: DateTime<Utc>, prev: Option<DateTime<Utc>>, tz: FixedOffset) -> String {
    let l = t.with_timezone(&tz);
    if l.hour() != 0 || l.minute() != 0 {
        return l.format("%H:%M").to_string();
    }
    let new_year = prev.is_none_or(|p| {
        p.with_timezone(&tz).format("%Y").to_string() != l.format("%Y").to_string()
    });
    if new_year {
        l.format("%Y-%m-%d").to_string()
    } else {
        l.format("%m-%d").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn linear_maps_the_domain_onto_the_range() {
        // (domain, range, value, pixel)
        let cases = [
            ((0.0, 10.0), (0.0, 100.0), 5.0, 50.0),
            ((0.0, 10.0), (200.0, 100.0), 10.0, 100.0), // y grows downwards
            ((-5.0, 5.0), (0.0, 100.0), 0.0, 50.0),
            ((3.0, 3.0), (0.0, 100.0), 3.0, 50.0), // empty domain
            ((0.0, 10.0), (0.0, 100.0), 20.0, 200.0), // outside stays linear
        ];
        for (d, r, v, want) in cases {
            assert_eq!(Linear::new(d, r).at(v), want, "{d:?} {r:?} {v}");
        }
        let y = Linear::new((-1.0, 3.0), (140.0, 0.0));
        assert_eq!(y.amount(dec("0")), 105.0);
    }

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        // (span, max ticks, step)
        let cases = [
            ("12.80", 4, "5"),
            ("460.80", 4, "200"),
            ("6.57", 4, "2"),
            ("0.07", 4, "0.02"),
            ("0.0000001", 5, "0.00000002"),
            ("100", 5, "20"),
            ("100", 4, "50"),
            ("1", 1, "1"),
            ("0", 4, "1"),
            ("-3", 4, "1"),
            (
                "79228162514264337593543950335",
                4,
                "20000000000000000000000000000",
            ),
        ];
        for (span, n, want) in cases {
            assert_eq!(nice_step(dec(span), n), dec(want), "{span} in {n}");
        }
    }

    #[test]
    fn amount_ticks_cover_both_sides_of_zero() {
        let s = |v: &[&str]| v.iter().map(|x| dec(x)).collect::<Vec<_>>();
        // (min, max, ticks)
        let cases = [
            ("0", "12.80", s(&["0", "5", "10", "15"])),
            ("0", "10", s(&["0", "5", "10"])),
            // A step of 10 covers 34.96 in four; rounding out on both sides adds one.
            (
                "-31.50",
                "3.46",
                s(&["-40", "-30", "-20", "-10", "0", "10"]),
            ),
            ("-1", "0", s(&["-1", "-0.5", "0"])),
            ("0", "0", s(&["0", "1"])),
        ];
        for (min, max, want) in cases {
            assert_eq!(amount_ticks(dec(min), dec(max), 4), want, "{min}..{max}");
        }
    }

    #[test]
    fn time_ticks_fall_on_round_local_times() {
        let tz8 = FixedOffset::east_opt(8 * 3600).unwrap();
        let utc = FixedOffset::east_opt(0).unwrap();
        for (span, n, want) in [
            (4 * DAY, 8, 12 * HOUR),
            (4 * DAY, 4, DAY),
            (10 * HOUR, 10, HOUR),
            (90 * DAY, 8, 14 * DAY),
            (3000 * DAY, 8, 364 * DAY),
            (30000 * DAY, 8, 364 * DAY * 11),
        ] {
            assert_eq!(time_step(span, n), want, "{span} s in {n}");
        }
        // (start, end, offset, step, ticks)
        let cases = [
            (
                "2026-10-18T00:00:00+08:00",
                "2026-10-19T12:00:00+08:00",
                tz8,
                12 * HOUR,
                // Strictly after the start: a tick on the left edge would sit on the axis.
                vec!["2026-10-18T12:00:00+08:00", "2026-10-19T00:00:00+08:00"],
            ),
            (
                "2026-10-18T05:30:00Z",
                "2026-10-18T09:00:00Z",
                utc,
                HOUR,
                vec![
                    "2026-10-18T06:00:00Z",
                    "2026-10-18T07:00:00Z",
                    "2026-10-18T08:00:00Z",
                ],
            ),
            (
                "2026-10-14T00:00:00Z",
                "2026-10-28T00:00:00Z",
                utc,
                7 * DAY,
                // Mondays.
                vec!["2026-10-19T00:00:00Z", "2026-10-26T00:00:00Z"],
            ),
        ];
        for (a, b, tz, step, want) in cases {
            let got = time_ticks(t(a), t(b), tz, step);
            let want: Vec<_> = want.into_iter().map(t).collect();
            assert_eq!(got, want, "{a}..{b} every {step}");
        }
        assert!(time_ticks(
            DateTime::<Utc>::MAX_UTC,
            DateTime::<Utc>::MAX_UTC,
            tz8,
            HOUR
        )
        .is_empty());
    }

    #[test]
    fn labels_show_dates_at_midnight_and_hours_between() {
        let tz8 = FixedOffset::east_opt(8 * 3600).unwrap();
        let cases = [
            ("2026-10-18T00:00:00+08:00", None, "2026-10-18"),
            (
                "2026-10-19T00:00:00+08:00",
                Some("2026-10-18T12:00:00+08:00"),
                "10-19",
            ),
            (
                "2027-01-01T00:00:00+08:00",
                Some("2026-12-31T00:00:00+08:00"),
                "2027-01-01",
            ),
            ("2026-10-18T12:00:00+08:00", None, "12:00"),
            // Midnight in UTC is 08:00 in the report's offset.
            ("2026-10-18T00:00:00Z", None, "08:00"),
        ];
        for (at, prev, want) in cases {
            assert_eq!(tick_label(t(at), prev.map(t), tz8), want, "{at}");
        }
    }
}
