//! Cells that name a whole period rather than a time: a day (Alibaba `日期`, `2024-03-10`) and a
//! billing cycle (`账期`, `2024-03`). A billing-item export without a usage window dates each
//! line by them, so the line's usage window is that day, or that month, as wall clocks in `tz`.

use crate::time::within_years;
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Utc};

/// The start of the day a cell names (`2024-03-10`, `2024/3/10`, `20240310`), at 00:00 in `tz`;
/// the day ends 24 hours later.
pub fn day_start(s: &str, tz: FixedOffset) -> Result<DateTime<Utc>, String> {
    let t = s.trim();
    let parts: Vec<&str> = if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        vec![&t[..4], &t[4..6], &t[6..]]
    } else {
        t.split(['-', '/']).collect()
    };
    let [y, m, d] = parts[..] else {
        return Err(format!("expected a day such as 2024-03-10, found `{t}`"));
    };
    let date = ymd(y, m, d).ok_or_else(|| format!("`{t}` is not a valid day"))?;
    let start = at_midnight(date, tz, t)?;
    // The day's end is a time too: a line of 9999-12-31 would end in year 10000.
    within_years(day_end(start), t)?;
    within_years(start, t)
}

/// The start of the month a cell names (`2024-03`, `2024/3`, `202403`), at 00:00 of its first day
/// in `tz`.
pub fn month_start(s: &str, tz: FixedOffset) -> Result<DateTime<Utc>, String> {
    let t = s.trim();
    let parts: Vec<&str> = if t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()) {
        vec![&t[..4], &t[4..]]
    } else {
        t.split(['-', '/']).collect()
    };
    let [y, m] = parts[..] else {
        return Err(format!(
            "expected a billing cycle such as 2024-03, found `{t}`"
        ));
    };
    let date = ymd(y, m, "1").ok_or_else(|| format!("`{t}` is not a valid month"))?;
    let start = at_midnight(date, tz, t)?;
    within_years(month_end(start, tz), t)?;
    within_years(start, t)
}

/// The end of the day that starts at `start`.
pub fn day_end(start: DateTime<Utc>) -> DateTime<Utc> {
    start + Duration::days(1)
}

/// The end of the month that starts at `start` (read in `tz`): the first day of the next month.
pub fn month_end(start: DateTime<Utc>, tz: FixedOffset) -> DateTime<Utc> {
    let local = start.with_timezone(&tz).date_naive();
    let (y, m) = if local.month() == 12 {
        (local.year() + 1, 1)
    } else {
        (local.year(), local.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| at_midnight(d, tz, "").ok())
        .unwrap_or(start + Duration::days(31))
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    let num = |s: &str, max_len: usize| -> Option<u32> {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    if y.len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(num(y, 4)? as i32, num(m, 2)?, num(d, 2)?)
}

/// 00:00 of `date` in `tz`; `t` is the cell, for the message.
pub fn at_midnight(date: NaiveDate, tz: FixedOffset, t: &str) -> Result<DateTime<Utc>, String> {
    tz.from_local_datetime(&date.and_time(chrono::NaiveTime::MIN))
        .single()
        .map(|d| d.with_timezone(&Utc))
        .ok_or_else(|| format!("`{t}` is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_day_is_its_wall_clock_day_in_tz() {
        let cst = FixedOffset::east_opt(8 * 3600).unwrap();
        for cell in ["2024-03-10", "2024/3/10", "20240310", " 2024-03-10 "] {
            let start = day_start(cell, cst).unwrap();
            assert_eq!(start, t("2024-03-09T16:00:00Z"), "{cell}");
            assert_eq!(day_end(start), t("2024-03-10T16:00:00Z"));
        }
        for bad in [
            "2024-02-30",
            "2024-03",
            "10/03/2024",
            "2024-03-10 08:00",
            "x",
            "0000-01-01",
        ] {
            assert!(day_start(bad, cst).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_billing_cycle_is_its_wall_clock_month_in_tz() {
        let cst = FixedOffset::east_opt(8 * 3600).unwrap();
        for cell in ["2024-03", "2024/3", "202403"] {
            let start = month_start(cell, cst).unwrap();
            assert_eq!(start, t("2024-02-29T16:00:00Z"), "{cell}");
            assert_eq!(month_end(start, cst), t("2024-03-31T16:00:00Z"));
        }
        let dec = month_start("2024-12", cst).unwrap();
        assert_eq!(month_end(dec, cst), t("2024-12-31T16:00:00Z"));
        for bad in ["2024-13", "2024-03-10", "24-03", "", "0000-01"] {
            assert!(month_start(bad, cst).is_err(), "{bad}");
        }
    }
}
