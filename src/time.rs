//! Times, offsets and durations as users and exports write them.
//!
//! Bills are read in the tens of millions of cells, so timestamps are parsed by hand from bytes
//! instead of through a format string; chrono only validates the calendar. Everything returned
//! is UTC: a wall-clock time without an offset is read in the caller's `tz` (the Chinese
//! consoles write UTC+08:00 wall clocks).

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
    Timelike, Utc,
};

/// The years a time may fall in, as written and in UTC: the four-digit years of RFC 3339, so that
/// every time a report prints reads back (a baseline), and a typo such as `0000` or a year past
/// 9999 (reached through an offset) is bad input rather than a date centuries away.
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// `t` when its UTC year is in [`YEARS`]; the error names `text`.
pub fn within_years(t: DateTime<Utc>, text: &str) -> Result<DateTime<Utc>, String> {
    if YEARS.contains(&t.year()) {
        Ok(t)
    } else {
        Err(year_error(text))
    }
}

fn year_error(text: &str) -> String {
    format!("`{text}` is out of range: years run from 0001 to 9999 (in UTC too)")
}

pub mod fast;

/// [`parse_time`] of a cell's bytes when they hold one of the fixed forms [`fast`] reads
/// (`None` otherwise: the caller reads the cell with [`parse_time`]).
#[inline]
pub fn fast_time(raw: &[u8], tz: FixedOffset) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(fast::fixed_seconds(raw, tz.local_minus_utc())?, 0)
}

/// UTC seconds as a time, the date of the last day converted remembered: chrono finds a date
/// from a day number with calendar arithmetic (a division by the days of 400 years and a table),
/// and the rows of an export fall on the same day, row after row. The same result as
/// `DateTime::from_timestamp(secs, 0)`.
#[derive(Debug, Default, Clone, Copy)]
pub struct Days {
    /// A day (days since 1970-01-01) and its date.
    last: Option<(i64, NaiveDate)>,
}

impl Days {
    #[inline]
    pub fn utc(&mut self, secs: i64) -> Option<DateTime<Utc>> {
        const DAY: i64 = 86_400;
        let (day, second) = (secs.div_euclid(DAY), secs.rem_euclid(DAY));
        let date = match self.last {
            Some((d, date)) if d == day => date,
            _ => {
                let date = DateTime::from_timestamp(day.checked_mul(DAY)?, 0)?.date_naive();
                self.last = Some((day, date));
                date
            }
        };
        let time = NaiveTime::from_num_seconds_from_midnight_opt(second as u32, 0)?;
        Some(date.and_time(time).and_utc())
    }

    /// [`fast_time`], through this memory of the last day.
    #[inline]
    pub fn fast_time(&mut self, raw: &[u8], tz: FixedOffset) -> Option<DateTime<Utc>> {
        self.utc(fast::fixed_seconds(raw, tz.local_minus_utc())?)
    }
}

/// [`parse_end`] of a cell's bytes when they hold one of the fixed forms [`fast`] reads.
#[inline]
pub fn fast_end(raw: &[u8], tz: FixedOffset) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(fast::fixed_end_seconds(raw, tz.local_minus_utc())?, 0)
}

/// The end of a usage window whose cell reads as `t` by [`parse_time`], as [`parse_end`] reads
/// the same cell: a wall clock at `tz` showing `…:59:59` means the next second. `None` when
/// that second is past year 9999 ([`parse_end`] of the cell says why). Lets a scan read an end
/// cell as a time once and use it both ways: hourly rows of a resource start where the previous
/// row ended.
#[inline(always)]
pub fn end_from(t: DateTime<Utc>, tz: FixedOffset) -> Option<DateTime<Utc>> {
    // A day is whole hours, so the wall clock's second of the hour follows from the UTC
    // second of the day (chrono keeps it as is) without the day count behind a timestamp.
    let time = t.naive_utc().time();
    let wall = i64::from(time.num_seconds_from_midnight()) + i64::from(tz.local_minus_utc());
    if time.nanosecond() != 0 || wall.rem_euclid(3600) != 3599 {
        return Some(t);
    }
    let end = t + Duration::seconds(1);
    YEARS.contains(&end.year()).then_some(end)
}

/// Whether `end - start` is at most one day (`end` not before `start`), without chrono's date
/// subtraction: rows of every export ask it of their usage window.
#[inline]
pub fn within_a_day(start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    let (s, e) = (start.naive_utc(), end.naive_utc());
    if e.date() <= s.date() {
        return true;
    }
    // The next day: within a day when the clock has not gone past the start's.
    s.date().succ_opt() == Some(e.date()) && e.time() <= s.time()
}

/// [`parse_time`], the fixed forms read by [`fast`] first: the same result, cheaper.
pub fn parse_time_fast(s: &str, tz: FixedOffset) -> Result<DateTime<Utc>, String> {
    fast_time(s.as_bytes(), tz).map_or_else(|| parse_time(s, tz), Ok)
}

/// [`parse_end`], the fixed forms read by [`fast`] first: the same result, cheaper.
pub fn parse_end_fast(s: &str, tz: FixedOffset) -> Result<DateTime<Utc>, String> {
    fast_end(s.as_bytes(), tz).map_or_else(|| parse_end(s, tz), Ok)
}

/// Whether [`parse_time`] (or [`parse_time_fast`]) could read `s`: four digits and a date
/// separator first. `false` only for text both refuse, so a caller that wants a cell's time only
/// when it is one skips the parse, and the message of its error, for other text.
pub fn may_be_time(s: &str) -> bool {
    let b = s.trim().as_bytes();
    b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && matches!(b[4], b'-' | b'/')
}

/// Parses a timestamp: `YYYY-MM-DD[ T]HH:MM[:SS[.frac]]` (also `/` between date parts and one
/// digit months, days and hours, as Excel re-saves them), or a bare date, optionally followed by
/// `Z`, `±HH:MM`, `±HHMM`, `±HH`, `UTC` or `GMT±HH:MM`. Without an offset the time is read in `tz`.
pub fn parse_time(s: &str, tz: FixedOffset) -> Result<DateTime<Utc>, String> {
    let t = s.trim();
    let b = t.as_bytes();
    let mut p = Cursor { b, i: 0 };
    let year = p.digits(4, 4).ok_or_else(|| expected(t))?;
    let sep = p.one_of(b"-/").ok_or_else(|| expected(t))?;
    let month = p.digits(1, 2).ok_or_else(|| expected(t))?;
    if p.one_of(&[sep]).is_none() {
        return Err(expected(t));
    }
    let day = p.digits(1, 2).ok_or_else(|| expected(t))?;
    if !YEARS.contains(&(year as i32)) {
        return Err(year_error(t));
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)
        .ok_or_else(|| format!("`{t}` is not a valid date"))?;
    let mut time = NaiveTime::MIN;
    let mut next_day = false;
    if p.i < b.len() && (b[p.i] == b' ' || b[p.i] == b'T' || b[p.i] == b't') {
        let save = p.i;
        p.i += 1;
        while p.i < b.len() && b[p.i] == b' ' {
            p.i += 1;
        }
        if let Some(hour) = p.digits(1, 2) {
            p.one_of(b":").ok_or_else(|| expected(t))?;
            let minute = p.digits(2, 2).ok_or_else(|| expected(t))?;
            let mut second = 0;
            let mut nano = 0;
            if p.one_of(b":").is_some() {
                second = p.digits(2, 2).ok_or_else(|| expected(t))?;
                if p.one_of(b".,").is_some() {
                    let start = p.i;
                    let frac = p.digits(1, 9).ok_or_else(|| expected(t))?;
                    nano = frac * 10u32.pow(9 - (p.i - start) as u32);
                }
            }
            if hour == 24 && minute == 0 && second == 0 && nano == 0 {
                // ISO 8601 allows 24:00:00 for the end of a day; nothing later than it exists.
                next_day = true;
            } else {
                time = NaiveTime::from_hms_nano_opt(hour, minute, second, nano)
                    .ok_or_else(|| format!("`{t}` is not a valid time of day"))?;
            }
        } else {
            p.i = save;
        }
    }
    let mut naive = NaiveDateTime::new(date, time);
    if next_day {
        naive += Duration::days(1);
    }
    let rest = t[p.i..].trim_start();
    let offset = if rest.is_empty() {
        tz
    } else {
        parse_suffix(rest).ok_or_else(|| expected(t))?
    };
    let utc = offset
        .from_local_datetime(&naive)
        .single()
        .map(|d| d.with_timezone(&Utc))
        .ok_or_else(|| year_error(t))?;
    within_years(utc, t)
}

/// Parses a usage-window end. An end written `HH:59:59` is inclusive and means the next second,
/// so that `08:00:00`–`08:59:59` and `08:00:00`–`09:00:00` describe the same hour.
pub fn parse_end(s: &str, tz: FixedOffset) -> Result<DateTime<Utc>, String> {
    let end = parse_time(s, tz)?;
    let local = end.with_timezone(&tz);
    use chrono::Timelike;
    if local.minute() == 59 && local.second() == 59 && local.nanosecond() == 0 {
        // `9999-12-31 23:59:59Z` ends in year 10000.
        within_years(end + Duration::seconds(1), s.trim())
    } else {
        Ok(end)
    }
}

/// Splits a range cell such as `2024-03-10 08:00:00 ~ 2024-03-10 09:00:00` into its two ends.
pub fn split_range(s: &str) -> Option<(&str, &str)> {
    for sep in ["~", "～", " - ", " to ", "—"] {
        if let Some((a, b)) = s.split_once(sep) {
            return Some((a.trim(), b.trim()));
        }
    }
    None
}

/// Parses a UTC offset: `+08:00`, `+0800`, `+8`, `-05:30`, `Z`, `UTC`.
pub fn parse_offset(s: &str) -> Result<FixedOffset, String> {
    parse_suffix(s.trim()).ok_or_else(|| {
        format!("`{s}` is not a UTC offset: expected a form such as `+08:00`, `-05:30` or `Z`")
    })
}

/// Parses a duration: `90s`, `15m`, `2h`, `1d`, combinations such as `1h30m`, or `0`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let bad = || {
        format!("`{s}` is not a duration: expected a number with a unit s, m, h or d, such as `90s`, `2h` or `1h30m`")
    };
    if t == "0" {
        return Ok(Duration::zero());
    }
    if t.is_empty() {
        return Err(bad());
    }
    let mut total: i64 = 0;
    let mut num: Option<i64> = None;
    for c in t.chars() {
        if let Some(d) = c.to_digit(10) {
            let n = num.unwrap_or(0);
            num = Some(
                n.checked_mul(10)
                    .and_then(|n| n.checked_add(i64::from(d)))
                    .ok_or_else(bad)?,
            );
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        let n = num.take().ok_or_else(bad)?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
    }
    if num.is_some() {
        return Err(bad());
    }
    // A century is far beyond any bill; the cap keeps later date arithmetic from overflowing.
    if total > 100 * 366 * 86_400 {
        return Err(format!("`{s}` is too long a duration"));
    }
    Ok(Duration::seconds(total))
}

/// Writes a duration back in the shortest form `parse_duration` accepts.
pub fn format_duration(d: Duration) -> String {
    let mut secs = d.num_seconds();
    if secs == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    for (unit, len) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] {
        if secs >= len {
            out.push_str(&format!("{}{unit}", secs / len));
            secs %= len;
        }
    }
    out
}

/// Writes an offset as `+08:00`.
pub fn format_offset(tz: FixedOffset) -> String {
    let secs = tz.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let secs = secs.abs();
    format!("{sign}{:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

/// RFC 3339 in UTC with a `Z`, the form every report uses.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

fn expected(t: &str) -> String {
    format!("`{t}` is not a time: expected `YYYY-MM-DD HH:MM:SS`, optionally with an offset such as `+08:00` or `Z`")
}

fn parse_suffix(rest: &str) -> Option<FixedOffset> {
    let r = rest.trim();
    if r.eq_ignore_ascii_case("z") || r.eq_ignore_ascii_case("utc") || r.eq_ignore_ascii_case("gmt")
    {
        return FixedOffset::east_opt(0);
    }
    let r = r
        .strip_prefix("GMT")
        .or_else(|| r.strip_prefix("UTC"))
        .unwrap_or(r)
        .trim_start();
    let b = r.as_bytes();
    let sign = match b.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let mut p = Cursor { b, i: 1 };
    let hours = p.digits(1, 2)?;
    let minutes = if p.i == b.len() {
        0
    } else {
        p.one_of(b":");
        p.digits(2, 2)?
    };
    if p.i != b.len() || hours > 14 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours as i32 * 3600 + minutes as i32 * 60))
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let mut n: u32 = 0;
        let start = self.i;
        while self.i < self.b.len() && self.i - start < max && self.b[self.i].is_ascii_digit() {
            n = n * 10 + u32::from(self.b[self.i] - b'0');
            self.i += 1;
        }
        (self.i - start >= min).then_some(n)
    }

    fn one_of(&mut self, set: &[u8]) -> Option<u8> {
        let c = *self.b.get(self.i)?;
        set.contains(&c).then(|| {
            self.i += 1;
            c
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cst() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn text_refused_without_parsing_is_text_the_parsers_refuse() {
        let mut cells: Vec<String> = [
            "2026-10-10 08:30:00",
            "2026/5/9 08:30",
            " 2026-10-10T00:30:00Z ",
            "2026-10-10",
            "2026-10",
            "202-10-10",
            "20261010",
            "CS2610010220NASSE",
            "default",
            "",
            "0.5",
            "\u{3000}2026-10-10",
            "２０２６-10-10",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every date written with each byte at each of its first six places.
        let base = b"2026-10-10 08:30:00";
        for at in 0..6 {
            for byte in 0..=255u8 {
                let mut b = base.to_vec();
                b[at] = byte;
                cells.push(String::from_utf8_lossy(&b).into_owned());
            }
        }
        for s in &cells {
            for (name, ok) in [
                ("parse_time", parse_time(s, cst()).is_ok()),
                ("parse_time_fast", parse_time_fast(s, cst()).is_ok()),
            ] {
                if ok {
                    assert!(may_be_time(s), "{name} reads {s:?}");
                }
            }
        }
        assert!(!may_be_time("CS2610010220NASSE") && !may_be_time("0.5"));
    }

    #[test]
    fn times_parse_to_utc() {
        let cases = [
            ("2026-10-10 08:30:00", "2026-10-10T00:30:00Z"),
            ("2026-10-10 08:30", "2026-10-10T00:30:00Z"),
            ("2026/10/10 8:30:00", "2026-10-10T00:30:00Z"),
            ("2026/5/9 08:30", "2026-05-09T00:30:00Z"),
            ("2026-10-10T08:30:00+08:00", "2026-10-10T00:30:00Z"),
            ("2026-10-10T00:30:00Z", "2026-10-10T00:30:00Z"),
            ("2026-10-10T00:30:00.250Z", "2026-10-10T00:30:00.250Z"),
            ("2026-10-10 02:30:00 +0200", "2026-10-10T00:30:00Z"),
            ("2026-10-10 08:30:00 GMT+08:00", "2026-10-10T00:30:00Z"),
            ("2026-10-10 00:30:00 UTC", "2026-10-10T00:30:00Z"),
            ("2026-10-10", "2026-10-09T16:00:00Z"),
            ("  2026-10-10 08:30:00  ", "2026-10-10T00:30:00Z"),
            ("2026-10-09 24:00:00", "2026-10-09T16:00:00Z"),
            ("2024-02-29 00:00:00", "2024-02-28T16:00:00Z"),
        ];
        for (input, want) in cases {
            assert_eq!(parse_time(input, cst()), Ok(utc(want)), "{input}");
        }
    }

    #[test]
    fn impossible_times_are_errors() {
        for input in [
            "",
            "yesterday",
            "2026-02-30 00:00:00",
            "2026-13-01",
            "2026-10-10 24:00:01",
            "2026-10-10 25:00:00",
            "2026-10-10 08:60:00",
            "2026-10-10 08:30:00 +25:00",
            "2026-10-10 08:30:00 junk",
            "2026-10/10",
            "20261010",
        ] {
            assert!(
                parse_time(input, cst()).is_err(),
                "{input} should not parse"
            );
        }
    }

    #[test]
    fn years_outside_0001_to_9999_are_bad_input() {
        let utc0 = FixedOffset::east_opt(0).unwrap();
        let west = FixedOffset::west_opt(5 * 3600).unwrap();
        // (text, offset for naive times, the UTC time it reads as, or None for bad input)
        let cases: &[(&str, FixedOffset, Option<&str>)] = &[
            ("0000-01-01 00:00:00", utc0, None),
            ("0000-06-15T00:00:00Z", cst(), None),
            ("0000-12-31", utc0, None),
            ("0001-01-01 00:00:00", utc0, Some("0001-01-01T00:00:00Z")),
            // The wall clock is in year 1; UTC is still in year 0.
            ("0001-01-01 00:00:00", cst(), None),
            ("0001-01-01 08:00:00", cst(), Some("0001-01-01T00:00:00Z")),
            ("9999-12-31 23:59:59Z", cst(), Some("9999-12-31T23:59:59Z")),
            ("9999-12-31 18:59:59", west, Some("9999-12-31T23:59:59Z")),
            // Past 9999 in UTC, through an offset or 24:00.
            ("9999-12-31 23:00:00 -05:00", cst(), None),
            ("9999-12-31 19:00:00", west, None),
            ("9999-12-31 24:00:00", utc0, None),
            ("10000-01-01 00:00:00", utc0, None),
            ("-0001-01-01 00:00:00", utc0, None),
            ("+2026-10-10 00:00:00", utc0, None),
        ];
        for (input, tz, want) in cases {
            let got = parse_time(input, *tz);
            match want {
                Some(w) => assert_eq!(got, Ok(utc(w)), "{input} in {tz}"),
                None => assert!(got.is_err(), "{input} in {tz} read as {got:?}"),
            }
        }
        let e = parse_time("0000-01-01 00:00:00", cst()).unwrap_err();
        assert!(e.contains("0001 to 9999"), "{e}");
        // An inclusive end at the last second of 9999 means a second in year 10000.
        assert!(parse_end("9999-12-31 23:59:59Z", cst()).is_err());
        assert_eq!(
            parse_end("9999-12-31 23:59:58Z", cst()),
            Ok(utc("9999-12-31T23:59:58Z"))
        );
        assert_eq!(
            parse_end("0001-01-01 08:59:59", cst()),
            Ok(utc("0001-01-01T01:00:00Z"))
        );
    }

    #[test]
    fn inclusive_ends_mean_the_next_second() {
        let cases = [
            ("2026-10-10 08:59:59", "2026-10-10T01:00:00Z"),
            ("2026-10-10 09:00:00", "2026-10-10T01:00:00Z"),
            ("2026-10-10 23:59:59", "2026-10-10T16:00:00Z"),
            ("2025-01-31T15:59:59Z", "2025-01-31T16:00:00Z"),
            ("2026-10-10 08:31:12", "2026-10-10T00:31:12Z"),
            ("2026-10-10 08:58:59", "2026-10-10T00:58:59Z"),
        ];
        for (input, want) in cases {
            assert_eq!(parse_end(input, cst()), Ok(utc(want)), "{input}");
        }
    }

    #[test]
    fn an_end_read_as_a_time_is_the_end_parse_end_reads() {
        let half = FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
        let west = FixedOffset::west_opt(5 * 3600).unwrap();
        for tz in [cst(), half, west, FixedOffset::east_opt(0).unwrap()] {
            for cell in [
                "2026-10-10 08:59:59",
                "2026-10-10 09:00:00",
                "2026-10-10 23:59:59",
                "2025-01-31T15:59:59Z",
                "2025-01-31T15:59:59+05:30",
                "2026-10-10 08:29:59",
                "2026-10-10 08:58:59",
                "2026-10-10 08:59:59.5",
                "9999-12-31 23:59:59Z",
                "9999-12-31 18:59:59",
                "9999-12-31 23:59:58Z",
                "0001-01-01 08:59:59",
            ] {
                let Ok(t) = parse_time(cell, tz) else {
                    assert!(parse_end(cell, tz).is_err(), "{cell}");
                    continue;
                };
                assert_eq!(end_from(t, tz), parse_end(cell, tz).ok(), "{cell} at {tz}");
            }
        }
    }

    #[test]
    fn times_from_seconds_are_chronos_whatever_day_came_before() {
        // One memory carried through all of them: days repeated, changed, far apart, before
        // 1970, at the ends of the years a time may have, and past them.
        let mut days = Days::default();
        let secs = [
            0,
            1,
            86_399,
            86_400,
            86_401,
            -1,
            -86_400,
            -86_401,
            1_790_000_000,
            1_790_000_000 + 3_600,
            1_790_000_000 + 86_400,
            1_790_000_000,
            -62_135_596_800,
            253_402_300_799,
            253_402_300_800,
            i64::MAX,
            i64::MIN,
            1_790_000_000 + 7_200,
        ];
        for s in secs {
            assert_eq!(days.utc(s), DateTime::from_timestamp(s, 0), "{s}");
        }
        for cell in [
            "2026-10-10 08:00:00",
            "2026-10-10 09:00:00",
            "2026-10-11 00:00:00",
            "x",
        ] {
            assert_eq!(
                days.fast_time(cell.as_bytes(), cst()),
                fast_time(cell.as_bytes(), cst())
            );
        }
    }

    #[test]
    fn a_day_is_measured_as_chrono_measures_it() {
        let starts = [
            "2026-10-10T00:00:00Z",
            "2026-10-10T23:59:59Z",
            "2024-02-28T12:00:00Z",
            "2024-12-31T08:30:00.5Z",
            "2026-10-31T16:00:00Z",
        ];
        let gaps = [0, 1, 3600, 86_399, 86_400, 86_401, 172_800, 40 * 86_400];
        for s in starts {
            let s = utc(s);
            for gap in gaps {
                for nanos in [0, 1, 500_000_000] {
                    let e = s + Duration::seconds(gap) + Duration::nanoseconds(nanos);
                    assert_eq!(within_a_day(s, e), e - s <= Duration::days(1), "{s} to {e}");
                }
            }
        }
    }

    #[test]
    fn ranges_split_on_their_separator() {
        assert_eq!(
            split_range("2024-03-10 08:00:00 ~ 2024-03-10 09:00:00"),
            Some(("2024-03-10 08:00:00", "2024-03-10 09:00:00"))
        );
        assert_eq!(split_range("2024-03-10 08:00:00"), None);
    }

    #[test]
    fn durations_parse() {
        let cases = [
            ("90s", 90),
            ("15m", 900),
            ("2h", 7200),
            ("1d", 86_400),
            ("1h30m", 5400),
            ("1d2h3m4s", 93_784),
            ("0", 0),
            ("0s", 0),
            ("2H", 7200),
        ];
        for (input, secs) in cases {
            assert_eq!(
                parse_duration(input),
                Ok(Duration::seconds(secs)),
                "{input}"
            );
        }
        for input in [
            "",
            "2",
            "h",
            "2x",
            "-2h",
            "1.5h",
            "99999999999999999999d",
            "40000d",
        ] {
            assert!(parse_duration(input).is_err(), "{input} should not parse");
        }
    }

    #[test]
    fn durations_and_offsets_print_back() {
        assert_eq!(format_duration(Duration::seconds(5400)), "1h30m");
        assert_eq!(format_duration(Duration::zero()), "0s");
        assert_eq!(format_offset(cst()), "+08:00");
        assert_eq!(format_offset(parse_offset("-0530").unwrap()), "-05:30");
    }

    #[test]
    fn offsets_parse() {
        for (input, secs) in [
            ("+08:00", 28_800),
            ("+0800", 28_800),
            ("+8", 28_800),
            ("Z", 0),
            ("-05:30", -19_800),
        ] {
            assert_eq!(
                parse_offset(input).unwrap().local_minus_utc(),
                secs,
                "{input}"
            );
        }
        for input in ["8", "+08:0", "+15:00", "CST"] {
            assert!(parse_offset(input).is_err(), "{input} should not parse");
        }
    }
}
