//! The settlement rules: on which side of a deletion a bill line falls, how far the bill data
//! can be trusted, and the verdict that follows.
//!
//! Bills lag usage. A pay-per-use resource deleted at 08:30 is charged for 08:00–09:00 and that
//! charge is deducted around 10:00, so a charge seen after a deletion is only a finding when the
//! usage it bills started after the deletion; and an absence of charges proves nothing until the
//! export covers enough time after it.

use crate::model::{LineKind, Verdict};
use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;

/// How one line relates to one deletion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineClass {
    /// Negative, or a refund or credit: money back, never a charge.
    Refund { after_deletion: bool },
    /// An unsubscription fee: part of the refund check, never a charge.
    Fee { after_deletion: bool },
    /// Usage or an order that starts at or after the deletion (plus grace) and costs something.
    PostDeletion,
    /// Starts before the deletion and ends after it: the settlement tail, such as 08:00–09:00 for
    /// a deletion at 08:30. Reported, never a finding.
    Tail,
    /// Dated after the deletion but costing nothing (zero amount, no usage).
    ZeroAfter,
    /// Usage before the deletion.
    Earlier,
}

/// What classification needs to know about a line.
#[derive(Debug, Clone, Copy)]
pub struct LineFacts {
    /// Usage-window start, else the time charged.
    pub time: DateTime<Utc>,
    pub usage_end: Option<DateTime<Utc>>,
    pub kind: LineKind,
    pub amount: Decimal,
    pub usage: Option<Decimal>,
}

pub fn classify(line: &LineFacts, deleted_at: DateTime<Utc>, grace: Duration) -> LineClass {
    if line.kind == LineKind::Fee {
        return LineClass::Fee {
            after_deletion: line.time >= deleted_at,
        };
    }
    if line.amount < Decimal::ZERO || line.kind.is_refund() {
        return LineClass::Refund {
            after_deletion: line.time >= deleted_at,
        };
    }
    let costs = !line.amount.is_zero() || line.usage.is_some_and(|u| u > Decimal::ZERO);
    if line.time >= deleted_at + grace {
        return if costs {
            LineClass::PostDeletion
        } else {
            LineClass::ZeroAfter
        };
    }
    match line.usage_end {
        Some(end) if end > deleted_at => LineClass::Tail,
        _ if line.time >= deleted_at => LineClass::Tail, // within the grace period
        _ => LineClass::Earlier,
    }
}

/// How far a provider's bill data is complete: the latest usage-window end seen, less the lag
/// (charges for usage up to then may still be missing), or `as_of − lag` when the export time
/// is known.
pub fn complete_through(
    latest_usage_end: Option<DateTime<Utc>>,
    as_of: Option<DateTime<Utc>>,
    lag: Duration,
) -> Option<DateTime<Utc>> {
    as_of.or(latest_usage_end).map(|t| t - lag)
}

/// What is known about one deleted resource, in the order the verdict rules read it.
#[derive(Debug, Clone, Copy)]
pub struct Evidence {
    pub post_deletion_charges: usize,
    pub lines: usize,
    pub complete_through: Option<DateTime<Utc>>,
    /// The latest end of a usage line longer than a day that spans the deletion (a line dated
    /// only by its month): its usage after the deletion cannot be told from its usage before.
    pub wide_tail_until: Option<DateTime<Utc>>,
}

/// The first verdict that applies: a charge after the deletion; too early to tell; no line
/// mentions it; it stopped.
pub fn verdict(e: &Evidence, deleted_at: DateTime<Utc>, window: Duration) -> Verdict {
    if e.post_deletion_charges > 0 {
        return Verdict::StillBilling;
    }
    match e.complete_through {
        Some(ct) if ct >= deleted_at + window => {}
        _ => return Verdict::Pending,
    }
    // A month-long line across the deletion holds whatever billed in the window after it: the
    // window is not observed until a finer export shows it.
    if e.wide_tail_until.is_some_and(|u| u > deleted_at + window) {
        return Verdict::Pending;
    }
    if e.lines == 0 {
        Verdict::NotInBill
    } else {
        Verdict::Stopped
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn usage(start: &str, end: &str, amount: &str) -> LineFacts {
        LineFacts {
            time: t(start),
            usage_end: Some(t(end)),
            kind: LineKind::Usage,
            amount: dec(amount),
            usage: Some(dec("1")),
        }
    }

    fn order(at: &str, kind: LineKind, amount: &str) -> LineFacts {
        LineFacts {
            time: t(at),
            usage_end: None,
            kind,
            amount: dec(amount),
            usage: None,
        }
    }

    #[test]
    fn lines_classify_at_the_boundaries() {
        let d = t("2026-10-10T00:30:00Z"); // 08:30 UTC+8
        let on_hour = t("2026-10-10T01:00:00Z");
        let zero = Duration::zero();
        let cases: &[(&str, LineFacts, DateTime<Utc>, Duration, LineClass)] = &[
            (
                "hour containing the deletion is tail",
                usage("2026-10-10T00:00:00Z", "2026-10-10T01:00:00Z", "1.73"),
                d,
                zero,
                LineClass::Tail,
            ),
            (
                "next hour is a post-deletion charge",
                usage("2026-10-10T01:00:00Z", "2026-10-10T02:00:00Z", "3.46"),
                d,
                zero,
                LineClass::PostDeletion,
            ),
            (
                "an hour before is earlier usage",
                usage("2026-10-09T23:00:00Z", "2026-10-10T00:00:00Z", "3.46"),
                d,
                zero,
                LineClass::Earlier,
            ),
            (
                "a line starting exactly at the deletion is after it",
                usage("2026-10-10T00:30:00Z", "2026-10-10T01:00:00Z", "1"),
                d,
                zero,
                LineClass::PostDeletion,
            ),
            (
                "deletion on the hour: the hour before ends at it, so it is earlier",
                usage("2026-10-10T00:00:00Z", "2026-10-10T01:00:00Z", "3.46"),
                on_hour,
                zero,
                LineClass::Earlier,
            ),
            (
                "deletion on the hour: the hour after is a charge",
                usage("2026-10-10T01:00:00Z", "2026-10-10T02:00:00Z", "3.46"),
                on_hour,
                zero,
                LineClass::PostDeletion,
            ),
            (
                "within grace it is tail",
                usage("2026-10-10T01:00:00Z", "2026-10-10T02:00:00Z", "3.46"),
                d,
                Duration::hours(1),
                LineClass::Tail,
            ),
            (
                "at the end of grace it is a charge",
                usage("2026-10-10T01:30:00Z", "2026-10-10T02:00:00Z", "3.46"),
                d,
                Duration::hours(1),
                LineClass::PostDeletion,
            ),
            (
                "zero-amount usage after deletion is not a charge",
                LineFacts {
                    usage: Some(dec("0")),
                    ..usage("2026-10-10T02:00:00Z", "2026-10-10T03:00:00Z", "0")
                },
                d,
                zero,
                LineClass::ZeroAfter,
            ),
            (
                "free usage with a quantity still counts as billing",
                usage("2026-10-10T02:00:00Z", "2026-10-10T03:00:00Z", "0"),
                d,
                zero,
                LineClass::PostDeletion,
            ),
            (
                "a refund after deletion is a refund",
                order("2026-10-12T01:00:30Z", LineKind::Refund, "-31.50"),
                d,
                zero,
                LineClass::Refund {
                    after_deletion: true,
                },
            ),
            (
                "a negative line is a refund whatever its kind",
                usage("2026-10-10T02:00:00Z", "2026-10-10T03:00:00Z", "-1"),
                d,
                zero,
                LineClass::Refund {
                    after_deletion: true,
                },
            ),
            (
                "a credit before deletion is a refund before it",
                order("2026-10-01T00:00:00Z", LineKind::Credit, "5"),
                d,
                zero,
                LineClass::Refund {
                    after_deletion: false,
                },
            ),
            (
                "a renewal order after deletion is a charge",
                order("2026-10-11T00:00:00Z", LineKind::Renewal, "45"),
                d,
                zero,
                LineClass::PostDeletion,
            ),
            (
                "an unsubscription fee after deletion is never a charge",
                order("2026-10-12T01:00:30Z", LineKind::Fee, "3.15"),
                d,
                zero,
                LineClass::Fee {
                    after_deletion: true,
                },
            ),
            (
                "a purchase before deletion is earlier",
                order("2026-10-01T06:22:05Z", LineKind::Purchase, "45"),
                d,
                zero,
                LineClass::Earlier,
            ),
        ];
        for (what, line, deleted, grace, want) in cases {
            assert_eq!(classify(line, *deleted, *grace), *want, "{what}");
        }
    }

    #[test]
    fn coverage_is_latest_end_less_lag_or_as_of_less_lag() {
        let end = t("2026-10-31T16:00:00Z");
        let lag = Duration::hours(2);
        assert_eq!(
            complete_through(Some(end), None, lag),
            Some(t("2026-10-31T14:00:00Z"))
        );
        assert_eq!(
            complete_through(Some(end), Some(t("2026-11-02T00:00:00Z")), lag),
            Some(t("2026-11-01T22:00:00Z"))
        );
        assert_eq!(complete_through(None, None, lag), None);
    }

    #[test]
    fn verdicts_follow_their_precedence() {
        let d = t("2026-10-10T00:30:00Z");
        let w = Duration::hours(24);
        let covered = Some(t("2026-10-11T00:30:00Z")); // exactly D + window
        let short = Some(t("2026-10-11T00:29:59Z"));
        let ev = |charges, lines, ct| Evidence {
            post_deletion_charges: charges,
            lines,
            complete_through: ct,
            wide_tail_until: None,
        };
        let cases = [
            (
                "a charge wins even when too early",
                ev(1, 3, short),
                Verdict::StillBilling,
            ),
            (
                "a charge wins without coverage",
                ev(2, 2, None),
                Verdict::StillBilling,
            ),
            ("too early to tell", ev(0, 3, short), Verdict::Pending),
            ("no coverage at all", ev(0, 3, None), Verdict::Pending),
            (
                "too early even with no lines",
                ev(0, 0, short),
                Verdict::Pending,
            ),
            (
                "observed long enough and no line",
                ev(0, 0, covered),
                Verdict::NotInBill,
            ),
            (
                "observed long enough, lines, none after",
                ev(0, 4, covered),
                Verdict::Stopped,
            ),
        ];
        for (what, e, want) in cases {
            assert_eq!(verdict(&e, d, w), want, "{what}");
        }
    }
}
