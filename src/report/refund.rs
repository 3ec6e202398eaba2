//! The refund check of an unsubscribed resource as the report carries it, and its one-line
//! form for the table, CSV and Markdown views.

use super::SourceRef;
use crate::money::{format_amount, Amounts};
use crate::reconcile::refund::Status;
use serde::Serialize;

/// `refund` of a resource in the JSON report (contract Part 2, "Unsubscriptions and refunds").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundReport {
    pub status: Status,
    /// Refunds (and unsubscription fees) at or after U, per currency, as billed: negative.
    pub observed: Amounts,
    /// The range the provider's rules allow, signed like `observed`: `expected_min` is the
    /// smaller refund. `null` where the bill allows existence and sign only.
    pub expected_min: Option<Amounts>,
    pub expected_max: Option<Amounts>,
    /// Paid (vouchers excluded) for the orders being refunded.
    pub paid: Option<Amounts>,
    /// The rule applied and its numbers, in words.
    pub basis: String,
    /// The purchase, renewal, fee and refund lines used.
    pub sources: Vec<SourceRef>,
}

impl RefundReport {
    /// `refund CNY -81.72 of expected -80.00…-86.90: refunded`.
    pub fn line(&self) -> String {
        let observed = if self.observed.is_empty() {
            "none".to_string()
        } else {
            self.observed.display()
        };
        let expected = match (&self.expected_min, &self.expected_max) {
            (Some(min), Some(max)) => {
                let mut parts = Vec::new();
                for (c, lo) in min.iter() {
                    let hi = max.get(c).unwrap_or(lo);
                    parts.push(if lo == hi {
                        format!("{c} {}", format_amount(lo))
                    } else {
                        format!("{c} {}…{}", format_amount(lo), format_amount(hi))
                    });
                }
                if parts.is_empty() {
                    " of expected 0".to_string()
                } else if parts.len() == 1 && self.observed.iter().count() == 1 {
                    // One currency, named already: `of expected -80.00…-86.90`.
                    let only = parts.remove(0);
                    let bare = only.split_once(' ').map_or(only.as_str(), |(_, v)| v);
                    format!(" of expected {bare}")
                } else {
                    format!(" of expected {}", parts.join(", "))
                }
            }
            _ if self.status == Status::Unverifiable => ", no purchase order in the inputs".into(),
            _ => " (existence and sign only)".into(),
        };
        format!("refund {observed}{expected}: {}", self.status.name())
    }

    /// One currency's figures for a CSV row: observed, expected min, expected max, paid.
    pub fn cells(&self, currency: &str) -> [String; 4] {
        let of = |a: &Amounts| a.get(currency).map(format_amount).unwrap_or_default();
        let opt = |a: &Option<Amounts>| a.as_ref().map(of).unwrap_or_default();
        [
            of(&self.observed),
            opt(&self.expected_min),
            opt(&self.expected_max),
            opt(&self.paid),
        ]
    }

    /// Every currency the check names.
    pub fn currencies(&self) -> impl Iterator<Item = &str> {
        let ranges = [&self.expected_min, &self.expected_max, &self.paid];
        self.observed.iter().map(|(c, _)| c).chain(
            ranges
                .into_iter()
                .flatten()
                .flat_map(|a| a.iter().map(|(c, _)| c)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    fn amounts(pairs: &[(&str, &str)]) -> Amounts {
        let mut a = Amounts::default();
        for (c, v) in pairs {
            a.add(c, dec(v));
        }
        a
    }

    fn report(
        status: Status,
        observed: &[(&str, &str)],
        range: Option<(&str, &str)>,
    ) -> RefundReport {
        RefundReport {
            status,
            observed: amounts(observed),
            expected_min: range.map(|r| amounts(&[("CNY", r.0)])),
            expected_max: range.map(|r| amounts(&[("CNY", r.1)])),
            paid: range.map(|_| amounts(&[("CNY", "100")])),
            basis: String::new(),
            sources: Vec::new(),
        }
    }

    #[test]
    fn one_line_per_check() {
        for (r, want) in [
            (
                report(
                    Status::Refunded,
                    &[("CNY", "-81.72")],
                    Some(("-80", "-86.9")),
                ),
                "refund CNY -81.72 of expected -80.00…-86.90: refunded",
            ),
            (
                report(Status::RefundPending, &[], Some(("-80", "-86.9"))),
                "refund none of expected CNY -80.00…-86.90: refund_pending",
            ),
            (
                report(Status::NoRefundDue, &[], Some(("0", "0"))),
                "refund none of expected CNY 0.00: no_refund_due",
            ),
            (
                report(Status::Refunded, &[("USD", "-3")], None),
                "refund USD -3.00 (existence and sign only): refunded",
            ),
            (
                report(Status::Unverifiable, &[("CNY", "-31.5")], None),
                "refund CNY -31.50, no purchase order in the inputs: unverifiable",
            ),
        ] {
            assert_eq!(r.line(), want);
        }
    }
}
