//! How far one provider's metered usage says its bill reaches, kept without knowing `--lag`.
//!
//! A metered line whose usage ends at `e` after a window of `w` says the bill is complete
//! through `e − max(lag, w)`: its charge may still be missing for `lag`, and a line as long as
//! its window may still be growing when the export is taken (today's daily line). With
//! `e − w = s`, the line's start, that is `min(e − lag, s)`, and the provider's data are
//! complete through the largest of those. [`Reach`] keeps the windows that can be the largest
//! for some lag: those no other window both outlasts and out-starts. An hourly export keeps one,
//! hourly lines beside daily ones keep two.

use chrono::{DateTime, Duration, Utc};

/// Windows kept at most; past it two are merged into one that claims less than either (the
/// earlier end with the earlier start), so a hostile file can make coverage late, never early.
const MAX_WINDOWS: usize = 16;

/// The metered usage windows (start, end) that bound how far a bill reaches: ends strictly
/// increasing, starts strictly decreasing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    windows: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

impl Reach {
    /// Notes one metered line's usage window.
    pub fn note(&mut self, start: DateTime<Utc>, end: DateTime<Utc>) {
        let w = &mut self.windows;
        // Most rows repeat or extend the newest window.
        if let Some(&(s, e)) = w.last() {
            if s >= start && e >= end {
                return;
            }
        }
        if w.iter().any(|&(s, e)| s >= start && e >= end) {
            return;
        }
        w.retain(|&(s, e)| !(s <= start && e <= end));
        let at = w.partition_point(|&(_, e)| e < end);
        w.insert(at, (start, end));
        if w.len() > MAX_WINDOWS {
            let (s1, e1) = w[0];
            let (s2, _) = w[1];
            w[1] = (s2.min(s1), e1);
            w.remove(0);
        }
    }

    pub fn merge(&mut self, other: &Reach) {
        for &(s, e) in &other.windows {
            self.note(s, e);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }

    /// The latest usage end noted.
    pub fn latest_end(&self) -> Option<DateTime<Utc>> {
        self.windows.last().map(|&(_, e)| e)
    }

    /// How far the data are complete with charges arriving up to `lag` late: the largest
    /// `end − max(lag, window)`.
    pub fn complete_through(&self, lag: Duration) -> Option<DateTime<Utc>> {
        self.windows.iter().map(|&(s, e)| (e - lag).min(s)).max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// The largest `end − max(lag, window)` over `lines`, computed the obvious way.
    fn obvious(lines: &[(DateTime<Utc>, DateTime<Utc>)], lag: Duration) -> Option<DateTime<Utc>> {
        lines.iter().map(|&(s, e)| e - lag.max(e - s)).max()
    }

    #[test]
    fn hourly_lines_reach_their_end_less_the_lag_and_a_daily_line_its_start() {
        let mut r = Reach::default();
        for h in 0..10 {
            let s = t("2024-03-11T00:00:00Z") + Duration::hours(h);
            r.note(s, s + Duration::hours(1));
        }
        assert_eq!(r.windows.len(), 1);
        let two = Duration::hours(2);
        assert_eq!(r.complete_through(two), Some(t("2024-03-11T08:00:00Z")));
        // Today's daily line may still grow: it says nothing past its own start.
        r.note(t("2024-03-11T00:00:00Z"), t("2024-03-12T00:00:00Z"));
        assert_eq!(r.windows.len(), 2);
        assert_eq!(r.complete_through(two), Some(t("2024-03-11T08:00:00Z")));
        assert_eq!(r.latest_end(), Some(t("2024-03-12T00:00:00Z")));
        // Yesterday's daily line, complete, is worth its start too: less than the hours.
        r.note(t("2024-03-10T00:00:00Z"), t("2024-03-11T00:00:00Z"));
        assert_eq!(r.complete_through(two), Some(t("2024-03-11T08:00:00Z")));
        // A lag longer than a day: the daily line counts from its end less the lag.
        let lag = Duration::hours(30);
        assert_eq!(r.complete_through(lag), Some(t("2024-03-10T18:00:00Z")));
    }

    #[test]
    fn any_order_and_any_split_give_the_obvious_answer() {
        let base = t("2024-03-10T00:00:00Z");
        // Windows of 1 s to 1 day ending at assorted times.
        let lines: Vec<_> = (0..60i64)
            .map(|i| {
                let len = Duration::seconds(1 + (i * 7919) % 86_400);
                let end = base + Duration::minutes((i * 104_729) % 4_000);
                (end - len, end)
            })
            .collect();
        for lag in [0, 1, 2, 5, 30] {
            let lag = Duration::hours(lag);
            let mut one = Reach::default();
            let mut a = Reach::default();
            let mut b = Reach::default();
            for (i, &(s, e)) in lines.iter().enumerate() {
                one.note(s, e);
                if i % 3 == 0 { &mut a } else { &mut b }.note(s, e);
            }
            a.merge(&b);
            let want = obvious(&lines, lag);
            // Exact while few windows matter; never later than the truth.
            assert!(one.complete_through(lag) <= want, "lag {lag}");
            assert!(a.complete_through(lag) <= want, "lag {lag}");
        }
        // A handful of windows: exact.
        let few = &lines[..8];
        let mut r = Reach::default();
        for &(s, e) in few.iter().rev() {
            r.note(s, e);
        }
        for lag in [0, 2, 30] {
            let lag = Duration::hours(lag);
            assert_eq!(r.complete_through(lag), obvious(few, lag));
        }
    }

    #[test]
    fn nested_windows_past_the_cap_never_claim_more() {
        let end = t("2024-03-11T00:00:00Z");
        let mut r = Reach::default();
        let mut lines = Vec::new();
        for i in 1..=100i64 {
            // Each window ends a minute later and starts ten minutes earlier.
            let e = end + Duration::minutes(i);
            let s = e - Duration::minutes(11 * i);
            lines.push((s, e));
            r.note(s, e);
        }
        assert!(r.windows.len() <= MAX_WINDOWS);
        for lag in [0, 1, 2, 24] {
            let lag = Duration::hours(lag);
            assert!(r.complete_through(lag) <= obvious(&lines, lag));
        }
    }
}
