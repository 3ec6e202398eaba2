//! The fixed forms nearly every export writes its times in, read from bytes to UTC seconds with
//! integer arithmetic: `YYYY-MM-DD HH:MM:SS` (a wall clock, Huawei and Alibaba),
//! `YYYY-MM-DDTHH:MM:SSZ` (FOCUS, and Parquet times as billrecon renders them) and
//! `YYYY-MM-DDTHH:MM:SS±HH:MM`.
//!
//! These functions only ever say "this is exactly that time" or "not for me": any other cell,
//! and any impossible date or time in a fixed form, is left to [`super::parse_time`], so the
//! values and the error messages are the general parser's by construction (the tests hold the
//! two against each other). When every row of an export carries new times, this is what keeps
//! reading them off chrono's calendar code.

const DAY: i64 = 86_400;
/// The first and last second of [`super::YEARS`] in UTC (0001-01-01T00:00:00Z and
/// 9999-12-31T23:59:59Z): a time outside is left to the general parser, which says why.
const FIRST: i64 = -62_135_596_800;
const LAST: i64 = 253_402_300_799;

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (negative before it).
/// Exact for every year `i64` arithmetic can hold; the month and day are assumed valid.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    // Count years from March, so that the leap day ends the year (H. Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let mp = i64::from((m + 9) % 12); // March = 0
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// Whether `y` is a leap year of the proleptic Gregorian calendar.
pub fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Days in month `m` (1–12) of year `y`.
#[inline]
pub fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 for the years a fixed form can write (0000–9999), in unsigned
/// arithmetic: the year is counted one era (400 years) on, so that it never goes negative.
#[inline(always)]
fn days_from_civil_4(y: u32, m: u32, d: u32) -> i64 {
    let y = y + 400 - u32::from(m <= 2);
    let (era, yoe) = (y / 400, y % 400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i64::from(era) * 146_097 + i64::from(doe) - 719_468 - 146_097
}

const ZEROS: u64 = u64::from_ne_bytes([b'0'; 8]);
const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
const TO_HIGH: u64 = u64::from_ne_bytes([0x76; 8]);

/// Eight bytes of a cell as a little-endian word (byte `i` of the cell is byte `i` of the word).
#[inline(always)]
fn word(b: &[u8; 8]) -> u64 {
    u64::from_le_bytes(*b)
}

/// A fixed-form time cell as UTC seconds since 1970-01-01: `YYYY-MM-DD HH:MM:SS` (a space, `T`
/// or `t` between date and time) read at `tz_secs` east of UTC, or the same with `T` followed by
/// `Z` or `±HH:MM`. `None` for anything else (other forms, blanks around it, fractions, `24:00`)
/// and for a date or time that does not exist or falls outside the years 0001-9999 (in UTC too);
/// [`super::parse_time`] reads those.
#[inline]
pub fn fixed_seconds(b: &[u8], tz_secs: i32) -> Option<i64> {
    let (head, tail) = b.split_first_chunk::<19>()?;
    let offset = match *tail {
        [] => i64::from(tz_secs),
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (h1, h2, m1, m2) = (h1 ^ b'0', h2 ^ b'0', m1 ^ b'0', m2 ^ b'0');
            if h1 > 9 || h2 > 9 || m1 > 9 || m2 > 9 {
                return None;
            }
            let (h, m) = (u32::from(h1 * 10 + h2), u32::from(m1 * 10 + m2));
            // As `parse_offset` accepts: at most 14 hours, minutes under 60.
            if h > 14 || m > 59 {
                return None;
            }
            let secs = i64::from(h * 3600 + m * 60);
            if sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    // `YYYY-MM-` and `DD HH:MM` as two words, `:SS` apart. A byte XOR `0` is at most 9 exactly
    // when it is an ASCII digit; separators are checked on their own and masked out of that.
    let (w1, w2) = (
        word(head[..8].try_into().ok()?),
        word(head[8..16].try_into().ok()?),
    );
    const SEP1: u64 = 0xff << 32 | 0xff << 56;
    const SEP2: u64 = 0xff << 16 | 0xff << 40;
    if w1 & SEP1 != u64::from(b'-') << 32 | u64::from(b'-') << 56
        || !matches!(head[10], b' ' | b'T' | b't')
        || head[13] != b':'
        || head[16] != b':'
    {
        return None;
    }
    let d1 = (w1 ^ ZEROS) & !SEP1;
    let d2 = (w2 ^ ZEROS) & !SEP2;
    let (s1, s2) = (head[17] ^ b'0', head[18] ^ b'0');
    // A byte under 0x80 gets its high bit from adding 0x76 exactly when it is 10 or more.
    if ((d1.wrapping_add(TO_HIGH) | d1) | (d2.wrapping_add(TO_HIGH) | d2)) & HIGH != 0
        || s1 > 9
        || s2 > 9
    {
        return None;
    }
    // Byte i of `10 × d + (d >> 8)` is the two-digit number at bytes i and i + 1 (at most 99:
    // no carry between bytes).
    let (p1, p2) = (d1 * 10 + (d1 >> 8), d2 * 10 + (d2 >> 8));
    let pair = |p: u64, i: u32| (p >> (8 * i)) as u32 & 0xff;
    let year = pair(p1, 0) * 100 + pair(p1, 2);
    let (month, day) = (pair(p1, 5), pair(p2, 0));
    let (hour, minute) = (pair(p2, 3), pair(p2, 6));
    let second = u32::from(s1 * 10 + s2);
    if year == 0
        || !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(i64::from(year), month)
    {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let local =
        days_from_civil_4(year, month, day) * DAY + i64::from(hour * 3600 + minute * 60 + second);
    let utc = local - offset;
    (FIRST..=LAST).contains(&utc).then_some(utc)
}

/// [`fixed_seconds`] read as the end of a usage window, as [`super::parse_end`] reads it: an end
/// whose wall clock at `tz_secs` shows `…:59:59` is inclusive and means the next second.
#[inline]
pub fn fixed_end_seconds(b: &[u8], tz_secs: i32) -> Option<i64> {
    let t = fixed_seconds(b, tz_secs)?;
    let wall = t + i64::from(tz_secs);
    let end = if wall.rem_euclid(3600) == 3599 {
        t + 1
    } else {
        t
    };
    (end <= LAST).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{parse_end, parse_time};
    use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

    const CST: i32 = 8 * 3600;

    fn utc(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    #[test]
    fn days_count_from_the_epoch_as_chrono_counts_them() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        for y in [
            0, 1, 4, 99, 100, 400, 1582, 1899, 1900, 1969, 1970, 2000, 2024, 2100, 9999,
        ] {
            for m in 1..=12 {
                for d in [1, 15, days_in_month(y, m)] {
                    let date = NaiveDate::from_ymd_opt(y as i32, m, d).unwrap();
                    assert_eq!(
                        days_from_civil(y, m, d),
                        (date - epoch).num_days(),
                        "{y}-{m}-{d}"
                    );
                }
            }
        }
    }

    #[test]
    fn four_digit_years_count_days_as_every_year_does() {
        for y in 0..=9999u32 {
            for m in 1..=12 {
                for d in [1, 28, days_in_month(i64::from(y), m)] {
                    assert_eq!(
                        days_from_civil_4(y, m, d),
                        days_from_civil(i64::from(y), m, d),
                        "{y}-{m}-{d}"
                    );
                }
            }
        }
    }

    #[test]
    fn month_lengths_and_leap_years() {
        let cases = [
            (2024, 2, 29),
            (2023, 2, 28),
            (2000, 2, 29),
            (1900, 2, 28),
            (2100, 2, 28),
            (2400, 2, 29),
            (2026, 1, 31),
            (2026, 4, 30),
            (2026, 6, 30),
            (2026, 9, 30),
            (2026, 11, 30),
            (2026, 12, 31),
        ];
        for (y, m, want) in cases {
            assert_eq!(days_in_month(y, m), want, "{y}-{m}");
        }
    }

    #[test]
    fn fixed_forms_read_to_utc() {
        let cases = [
            ("2026-10-10 08:30:00", CST, "2026-10-10T00:30:00Z"),
            ("2026-10-10T08:30:00", CST, "2026-10-10T00:30:00Z"),
            ("2026-10-10t08:30:00", CST, "2026-10-10T00:30:00Z"),
            ("2026-10-10 08:30:00", 0, "2026-10-10T08:30:00Z"),
            ("2026-10-10 08:30:00", -5 * 3600, "2026-10-10T13:30:00Z"),
            // Offsets move the date across midnight, month ends and year ends.
            ("2026-10-01 07:59:59", CST, "2026-09-30T23:59:59Z"),
            ("2026-01-01 00:00:00", CST, "2025-12-31T16:00:00Z"),
            ("2024-03-01 00:00:00", CST, "2024-02-29T16:00:00Z"),
            ("2023-03-01 00:00:00", CST, "2023-02-28T16:00:00Z"),
            ("2024-02-29 23:59:59", CST, "2024-02-29T15:59:59Z"),
            ("2026-10-10T00:30:00Z", CST, "2026-10-10T00:30:00Z"),
            ("2026-12-31T23:59:59Z", CST, "2026-12-31T23:59:59Z"),
            ("2026-10-10T08:30:00+08:00", 0, "2026-10-10T00:30:00Z"),
            ("2026-10-10T08:30:00-05:30", CST, "2026-10-10T14:00:00Z"),
            ("2026-10-10T08:30:00+14:00", CST, "2026-10-09T18:30:00Z"),
            ("2026-10-10 08:30:00-00:00", CST, "2026-10-10T08:30:00Z"),
            ("1970-01-01T00:00:00Z", CST, "1970-01-01T00:00:00Z"),
            ("1969-12-31T23:59:59Z", CST, "1969-12-31T23:59:59Z"),
            ("0001-01-01T00:00:00Z", CST, "0001-01-01T00:00:00Z"),
            ("9999-12-31 23:59:59", 0, "9999-12-31T23:59:59Z"),
        ];
        for (cell, tz, want) in cases {
            assert_eq!(
                fixed_seconds(cell.as_bytes(), tz),
                Some(utc(want)),
                "{cell} at {tz}"
            );
        }
    }

    #[test]
    fn other_forms_and_impossible_times_are_left_to_the_general_parser() {
        for cell in [
            "",
            "2026-10-10",
            "2026-10-10 08:30",
            " 2026-10-10 08:30:00",
            "2026-10-10 08:30:00 ",
            "2026/10/10 08:30:00",
            "2026-10-10 8:30:00",
            "2026-10-10  08:30:00",
            "2026-10-10 08:30:00.5",
            "2026-10-10T08:30:00.000Z",
            "2026-10-10T08:30:00z",
            "2026-10-10 08:30:00 UTC",
            "2026-10-10T08:30:00+0800",
            "2026-10-10T08:30:00+8",
            "2026-10-10T08:30:00+15:00",
            "2026-10-10T08:30:00+08:60",
            "2026-10-10T08:30:00+0a:00",
            "2026-10-10_08:30:00",
            "2026-10-10 08-30-00",
            "2026-10-10 24:00:00",
            "2026-10-10 23:60:00",
            "2026-10-10 23:59:60",
            "2026-10-10 25:00:00",
            "2026-00-10 08:30:00",
            "2026-13-10 08:30:00",
            "2026-10-00 08:30:00",
            "2026-10-32 08:30:00",
            "2026-02-29 00:00:00",
            "2100-02-29 00:00:00",
            "2026-04-31 00:00:00",
            "2026-06-31 00:00:00",
            "2026-09-31 00:00:00",
            "2026-11-31 00:00:00",
            "2026-1a-10 08:30:00",
            "२०२६-10-10 08:30:00",
            "+026-10-10 08:30:00",
            "2026-10-10 08:30:00~",
        ] {
            assert_eq!(fixed_seconds(cell.as_bytes(), CST), None, "{cell:?}");
        }
    }

    #[test]
    fn inclusive_ends_are_read_as_the_general_parser_reads_them() {
        let cases = [
            ("2026-10-10 08:59:59", CST, "2026-10-10T01:00:00Z"),
            ("2026-10-10 09:00:00", CST, "2026-10-10T01:00:00Z"),
            ("2026-10-10 23:59:59", CST, "2026-10-10T16:00:00Z"),
            ("2026-12-31 23:59:59", CST, "2026-12-31T16:00:00Z"),
            ("2024-02-29 23:59:59", 0, "2024-03-01T00:00:00Z"),
            ("2026-10-10 08:58:59", CST, "2026-10-10T00:58:59Z"),
            ("2026-10-10 08:59:58", CST, "2026-10-10T00:59:58Z"),
            ("2026-10-10 08:31:12", CST, "2026-10-10T00:31:12Z"),
            // The wall clock in `--tz` decides, not the one the cell is written in.
            ("2025-01-31T15:59:59Z", CST, "2025-01-31T16:00:00Z"),
            ("2026-10-10T08:59:59+05:30", CST, "2026-10-10T03:29:59Z"),
            ("2026-10-10T08:29:59+05:30", CST, "2026-10-10T03:00:00Z"),
        ];
        for (cell, tz, want) in cases {
            assert_eq!(
                fixed_end_seconds(cell.as_bytes(), tz),
                Some(utc(want)),
                "{cell} at {tz}"
            );
        }
    }

    #[test]
    fn any_byte_anywhere_reads_as_the_general_parser_reads_it() {
        let offset = FixedOffset::east_opt(CST).unwrap();
        for base in [
            "2024-02-29 23:59:59",
            "2026-10-10T08:30:00+05:30",
            "1999-12-31T00:00:00Z",
        ] {
            for i in 0..base.len() {
                for v in 0..=255u8 {
                    let mut cell = base.as_bytes().to_vec();
                    cell[i] = v;
                    let fast = fixed_seconds(&cell, CST);
                    match std::str::from_utf8(&cell) {
                        Ok(text) => {
                            if let Some(s) = fast {
                                let t = DateTime::<Utc>::from_timestamp(s, 0).unwrap();
                                assert_eq!(parse_time(text, offset), Ok(t), "{text}");
                            }
                        }
                        Err(_) => assert_eq!(fast, None, "{cell:?}"),
                    }
                }
            }
        }
    }

    /// Deterministic cells of the fixed forms, valid and not, with every field near its edges.
    fn cells() -> Vec<String> {
        let mut out = Vec::new();
        let mut z = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: u64| {
            z ^= z << 13;
            z ^= z >> 7;
            z ^= z << 17;
            z % n
        };
        let years = [0, 1, 1900, 1969, 1970, 2000, 2023, 2024, 2026, 2100, 9999];
        let tails = [
            "", "Z", "+08:00", "-05:30", "+14:00", "+15:00", "-00:00", "+08:60", "z",
        ];
        for _ in 0..20_000 {
            let y = years[next(years.len() as u64) as usize];
            let (mo, d) = (next(14), next(33));
            let (h, mi, s) = (next(26), next(62), next(62));
            let sep = [" ", "T", "t"][next(3) as usize];
            let tail = tails[next(tails.len() as u64) as usize];
            out.push(format!(
                "{y:04}-{mo:02}-{d:02}{sep}{h:02}:{mi:02}:{s:02}{tail}"
            ));
        }
        out
    }

    #[test]
    fn the_first_and_last_seconds_are_those_of_the_years_times_may_fall_in() {
        assert_eq!(FIRST, utc("0001-01-01T00:00:00Z"));
        assert_eq!(LAST, utc("9999-12-31T23:59:59Z"));
        assert_eq!(fixed_seconds(b"0000-12-31 23:00:00", -5 * 3600), None);
        assert_eq!(fixed_seconds(b"0001-01-01 07:59:59", CST), None);
        assert_eq!(fixed_seconds(b"0001-01-01 08:00:00", CST), Some(FIRST));
        assert_eq!(fixed_seconds(b"9999-12-31T23:59:59Z", 0), Some(LAST));
        assert_eq!(fixed_end_seconds(b"9999-12-31T23:59:59Z", 0), None);
    }

    #[test]
    fn every_fixed_form_cell_reads_as_the_general_parser_reads_it() {
        let mut fast = 0;
        for tz in [CST, 0, -5 * 3600 - 1800] {
            let offset = FixedOffset::east_opt(tz).unwrap();
            for cell in cells() {
                let b = cell.as_bytes();
                let as_utc = |s: i64| DateTime::<Utc>::from_timestamp(s, 0).unwrap();
                match fixed_seconds(b, tz) {
                    Some(s) => {
                        fast += 1;
                        assert_eq!(parse_time(&cell, offset), Ok(as_utc(s)), "{cell}");
                    }
                    // Left to the general parser: either an error, or a form it alone reads.
                    None => {
                        if let Ok(t) = parse_time(&cell, offset) {
                            let hour_24 = &cell[11..13] == "24";
                            let lower_z = cell.ends_with('z');
                            assert!(hour_24 || lower_z, "{cell} reads as {t} but not fast");
                        }
                    }
                }
                if let Some(s) = fixed_end_seconds(b, tz) {
                    assert_eq!(parse_end(&cell, offset), Ok(as_utc(s)), "end {cell}");
                }
            }
        }
        assert!(fast > 10_000, "only {fast} cells took the fast path");
    }
}
