//! The refund check of an unsubscribed prepaid resource: from its purchase and renewal orders
//! and the unsubscription time U, the range of refunds the provider's published rules allow
//! ([`expected`]), and what the refunds the bill shows amount to against it ([`status`]).
//!
//! Pure: no reading and no report types. Amounts here are magnitudes (a refund of 80 is `80`);
//! the report signs them as the bill does.
//!
//! Rounding: every figure is computed exactly (28 significant digits, multiplying before
//! dividing), and only the bounds are then settled to the cent, widened outwards (the smaller
//! refund rounded down, the larger up), because both providers settle refunds to the cent
//! without publishing their rounding mode: a refund the provider rounded either way stays in range.

use crate::model::{Period, Unit};
use crate::money::format_amount;
use chrono::{DateTime, Duration, FixedOffset, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

/// Which provider's rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rules {
    /// Hours used, floored; a handling fee (Huawei Cloud unsubscription rules).
    Huawei,
    /// Days used, a partial day counting whole; the discount for the duration used and a 1.5
    /// coefficient for ECS (Alibaba Cloud unsubscription rules).
    Alibaba,
    /// FOCUS and other exports without the payment split: existence and sign only.
    SignOnly,
}

impl Rules {
    /// The rules of a provider key (`huawei`, `alibaba`, anything else).
    pub fn of_provider(provider: &str) -> Rules {
        match provider {
            "huawei" => Rules::Huawei,
            "alibaba" => Rules::Alibaba,
            _ => Rules::SignOnly,
        }
    }

    /// The rule in words, for the report's `basis`.
    pub fn formula(self) -> &'static str {
        match self {
            Rules::Huawei => "Huawei: paid × unused hours / order hours − 10% fee",
            Rules::Alibaba => "Alibaba: paid − daily price × days used × discount × coefficient",
            Rules::SignOnly => "existence and sign only",
        }
    }
}

/// What the bill calls an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderKind {
    /// A new purchase (Huawei `消费-新购`, Alibaba `预付订单`, FOCUS Purchase).
    New,
    /// A renewal (Huawei `消费-续订`, `消费-自动续订`): takes effect when the order before it ends.
    Renewal,
}

/// Whether a period is at most one year (Huawei's 10 % fee applies to monthly and one-year
/// orders).
fn within_a_year(p: Period) -> bool {
    match p.unit {
        Unit::Year => p.count <= 1,
        Unit::Month => p.count <= 12,
        Unit::Day => p.count <= 366,
        Unit::Hour => p.count <= 366 * 24,
    }
}

fn within_three_years(p: Period) -> bool {
    match p.unit {
        Unit::Year => p.count <= 3,
        Unit::Month => p.count <= 36,
        Unit::Day => p.count <= 3 * 366,
        Unit::Hour => p.count <= 3 * 366 * 24,
    }
}

/// The wall-clock time one period after `t`; `None` past the calendar's range.
fn after(p: Period, t: NaiveDateTime) -> Option<NaiveDateTime> {
    let n = p.count;
    match p.unit {
        Unit::Year => t.checked_add_months(chrono::Months::new(n.checked_mul(12)?)),
        Unit::Month => t.checked_add_months(chrono::Months::new(n)),
        Unit::Day => t.checked_add_days(chrono::Days::new(u64::from(n))),
        Unit::Hour => t.checked_add_signed(Duration::try_hours(i64::from(n))?),
    }
}

/// A purchase or renewal order, as the bill shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub kind: OrderKind,
    /// When it was paid (the line's time charged).
    pub paid_at: DateTime<Utc>,
    pub currency: String,
    /// The amount due, vouchers included (what a five-day refund returns on Huawei).
    pub amount_due: Decimal,
    /// Paid in cash and its equivalents, vouchers excluded; `None` when the export has no
    /// payment split.
    pub paid: Option<Decimal>,
    /// The order's original (list) price, for Alibaba's daily price.
    pub original_price: Option<Decimal>,
    pub period: Option<Period>,
    /// A service period the line states itself (a usage window longer than a day).
    pub window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// An Alibaba ECS order: consumption counts 1.5 times when used less than 30 days.
    pub ecs: bool,
}

/// The refunds the rules allow in one currency, as magnitudes: `min` the smaller refund.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Range {
    pub min: Decimal,
    pub max: Decimal,
    /// Paid (vouchers excluded) for the orders being refunded.
    pub paid: Decimal,
}

/// What the rules expect of the refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// The range per currency, settled to the cent; `None` when the bill lacks what the rules
    /// need (existence and sign only).
    pub ranges: Option<BTreeMap<String, Range>>,
    /// The rule and its numbers, in words.
    pub basis: String,
    /// Indices into the orders given of those the refund covers (in effect or not yet begun at
    /// U), for citing.
    pub used: Vec<usize>,
}

/// When an order runs: `[start, end)`. `start_known` is false for a renewal whose previous
/// order is not in the inputs (assumed to run from when it was paid).
#[derive(Debug, Clone, Copy)]
struct Term {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    start_known: bool,
}

/// Five days of the five-day unconditional refund (Huawei: 5 × 24 h of provisioning).
fn five_days() -> Duration {
    Duration::days(5)
}

fn local(t: DateTime<Utc>, tz: FixedOffset) -> NaiveDateTime {
    t.with_timezone(&tz).naive_local()
}

fn utc(t: NaiveDateTime, tz: FixedOffset) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&t).single().map(|t| t.to_utc())
}

/// The start of the hour `t` falls in, on the provider's wall clock.
fn floor_hour(t: DateTime<Utc>, tz: FixedOffset) -> DateTime<Utc> {
    let l = local(t, tz);
    let floored = l
        .with_minute(0)
        .and_then(|l| l.with_second(0))
        .and_then(|l| l.with_nanosecond(0))
        .unwrap_or(l);
    utc(floored, tz).unwrap_or(t)
}

/// Whole hours from `a` to `b` (never negative).
fn hours(a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
    (b - a).num_hours().max(0)
}

/// Days from `a` to `b`, a partial day counting as a whole one (never negative).
fn days_ceil(a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
    let secs = (b - a).num_seconds().max(0);
    (secs + 86_399) / 86_400
}

/// The end of an order of `period` that starts at `start` (new) or follows an order ending at
/// `prev_end` (a renewal), by the provider's calendar. Huawei: an order runs to 23:59:59 of the
/// same day one period later (its exclusive end is the next midnight), and a renewal extends
/// that expiry day by one period; Alibaba and others: one period later to the second.
fn end_of(
    rules: Rules,
    period: Period,
    start: DateTime<Utc>,
    prev_end: Option<DateTime<Utc>>,
    tz: FixedOffset,
) -> Option<DateTime<Utc>> {
    if rules == Rules::Huawei && period.unit != Unit::Hour {
        // The day the previous order expired on (its last second), or the start day.
        let base = match prev_end {
            Some(e) => local(e - Duration::seconds(1), tz),
            None => local(start, tz),
        };
        let expiry = after(period, base)?.date();
        let next_midnight = expiry.succ_opt()?.and_time(NaiveTime::MIN);
        return utc(next_midnight, tz);
    }
    let base = prev_end.unwrap_or(start);
    utc(after(period, local(base, tz))?, tz)
}

/// Each order's term, in the order given; `None` for an order whose end cannot be known (no
/// period and no stated window, or following one whose end is unknown).
fn terms(rules: Rules, orders: &[Order], tz: FixedOffset) -> Vec<Option<Term>> {
    let mut by_time: Vec<usize> = (0..orders.len()).collect();
    by_time.sort_by_key(|&i| (orders[i].paid_at, i));
    let mut out = vec![None; orders.len()];
    // The end of the latest order so far: `Some(None)` once an order's end is unknown.
    let mut prev: Option<Option<DateTime<Utc>>> = None;
    for i in by_time {
        let o = &orders[i];
        if let Some((start, end)) = o.window {
            out[i] = Some(Term {
                start,
                end,
                start_known: true,
            });
            prev = Some(Some(end));
            continue;
        }
        // A renewal, or any order paid while the one before still runs, follows it.
        let follows = match prev {
            Some(Some(e)) => (o.kind == OrderKind::Renewal || e > o.paid_at).then_some(e),
            Some(None) if o.kind == OrderKind::Renewal => {
                prev = Some(None);
                continue;
            }
            _ => None,
        };
        let start = follows.unwrap_or(o.paid_at).max(o.paid_at);
        let end = o.period.and_then(|p| end_of(rules, p, start, follows, tz));
        out[i] = end.map(|end| Term {
            start,
            end,
            start_known: follows.is_some() || o.kind == OrderKind::New,
        });
        prev = Some(end);
    }
    out
}

/// One order's share of the expected refund, as exact magnitudes.
struct Share {
    min: Decimal,
    max: Decimal,
    paid: Decimal,
    text: String,
}

fn pct(d: Decimal) -> String {
    format!("{}%", (d * Decimal::ONE_HUNDRED).normalize())
}

/// The refund range of the orders of one resource unsubscribed at `u`. Orders are taken as
/// given (the caller keeps those paid before U); an order that has ended by U refunds nothing,
/// one not yet begun refunds in full, the one in effect by the provider's rule.
pub fn expected(rules: Rules, orders: &[Order], u: DateTime<Utc>, tz: FixedOffset) -> Expected {
    let all: Vec<usize> = (0..orders.len()).collect();
    let sign_only = |why: String| Expected {
        ranges: None,
        basis: format!("{}: {why}", Rules::SignOnly.formula()),
        used: all.clone(),
    };
    if rules == Rules::SignOnly {
        return sign_only("the export has no payment split (paid, vouchers)".into());
    }
    if orders.iter().any(|o| o.paid.is_none()) {
        return sign_only("the export has no voucher column: the cash paid is unknown".into());
    }
    let terms = terms(rules, orders, tz);
    if terms.iter().any(Option::is_none) {
        return sign_only("an order's subscription period is not in the export".into());
    }
    let mut ranges: BTreeMap<String, Range> = BTreeMap::new();
    let mut texts = Vec::new();
    let mut used = Vec::new();
    let mut by_time: Vec<usize> = (0..orders.len()).collect();
    by_time.sort_by_key(|&i| (orders[i].paid_at, i));
    // The order that ended last, for a basis when every order has ended.
    let mut ended: Option<(usize, DateTime<Utc>)> = None;
    for i in by_time {
        let (o, term) = (&orders[i], terms[i].expect("checked above"));
        // An order that ended still says which currency nothing is due in.
        ranges.entry(o.currency.clone()).or_default();
        let Some(share) = share(rules, o, term, u, tz) else {
            if ended.is_none_or(|(_, e)| term.end >= e) {
                ended = Some((i, term.end));
            }
            continue;
        };
        used.push(i);
        texts.push(share.text);
        let r = ranges.entry(o.currency.clone()).or_default();
        r.min += share.min;
        r.max += share.max;
        r.paid += share.paid;
    }
    for r in ranges.values_mut() {
        r.min = r.min.round_dp_with_strategy(2, RoundingStrategy::ToZero);
        r.max = r
            .max
            .round_dp_with_strategy(2, RoundingStrategy::AwayFromZero);
    }
    let basis = if let (true, Some((i, end))) = (texts.is_empty(), ended) {
        used.push(i);
        format!(
            "{}: every order had ended by the unsubscription, the last (paid {}) at {}",
            rules.formula(),
            crate::report::local(orders[i].paid_at, tz),
            crate::report::local(end, tz)
        )
    } else {
        format!("{}: {}", rules.formula(), texts.join("; "))
    };
    Expected {
        ranges: Some(ranges),
        basis,
        used,
    }
}

/// One order's share: `None` for an order that ended by U.
fn share(rules: Rules, o: &Order, term: Term, u: DateTime<Utc>, tz: FixedOffset) -> Option<Share> {
    let paid = o.paid.unwrap_or_default();
    let c = &o.currency;
    let when = crate::report::local(o.paid_at, tz);
    let what = match o.kind {
        OrderKind::New => "order",
        OrderKind::Renewal => "renewal",
    };
    // Renewals not yet in effect are refunded in full (Huawei returns the vouchers too).
    let full_max = match rules {
        Rules::Huawei => o.amount_due.max(paid),
        _ => paid,
    };
    if term.start_known && term.start > u {
        let text = if full_max > paid {
            format!(
                "{what} paid {when} begins {}, not yet in effect: refunded in full, {c} {} ({} with vouchers)",
                crate::report::local(term.start, tz),
                format_amount(paid),
                format_amount(full_max)
            )
        } else {
            format!(
                "{what} paid {when} begins {}, not yet in effect: refunded in full, {c} {}",
                crate::report::local(term.start, tz),
                format_amount(paid)
            )
        };
        return Some(Share {
            min: paid,
            max: full_max,
            paid,
            text,
        });
    }
    if term.end <= u && term.start_known {
        return None;
    }
    let (mut min, mut max, mut text) = match rules {
        Rules::Huawei => huawei(o, paid, term, u, tz),
        _ => alibaba(o, paid, term, u),
    };
    text = format!(
        "{what} paid {when}, {c} {} paid: {text}",
        format_amount(paid)
    );
    if !term.start_known {
        // When it takes effect is unknown: anywhere from in effect since paid to not yet begun.
        max = max.max(full_max);
        text.push_str(&format!(
            "; the order before it is not in the inputs, so it may not have begun: up to a full refund of {}",
            format_amount(full_max)
        ));
    }
    if o.kind == OrderKind::New && term.start == o.paid_at && u - o.paid_at <= five_days() {
        let full = if rules == Rules::Huawei {
            o.amount_due.max(paid)
        } else {
            paid
        };
        if full > max {
            max = full;
        }
        text.push_str(&format!(
            "; within five days of purchase a full refund ({}{}) is also in range",
            format_amount(full),
            if rules == Rules::Huawei {
                ", vouchers included"
            } else {
                ""
            }
        ));
    }
    if min > max {
        std::mem::swap(&mut min, &mut max);
    }
    Some(Share {
        min,
        max,
        paid,
        text,
    })
}

/// Huawei: `paid × unused hours / order hours − fee`, never below 0; hours floored to the hour.
/// The upper bound leaves the fee out (a framework contract may waive it).
fn huawei(
    o: &Order,
    paid: Decimal,
    t: Term,
    u: DateTime<Utc>,
    tz: FixedOffset,
) -> (Decimal, Decimal, String) {
    let from = floor_hour(t.start, tz);
    let total = hours(from, t.end);
    let used = hours(from, floor_hour(u, tz)).min(total);
    let unused = total - used;
    let gross = if total == 0 {
        Decimal::ZERO
    } else {
        paid * Decimal::from(unused) / Decimal::from(total)
    };
    // 10 % for monthly and one-year orders; 15 % is the highest published rate for two- and
    // three-year orders; longer terms' rates are not verified, so the lower bound is 0.
    let rate = match o.period {
        Some(p) if !within_a_year(p) && within_three_years(p) => Some(Decimal::new(15, 2)),
        Some(p) if !within_a_year(p) => None,
        _ => Some(Decimal::new(10, 2)),
    };
    let (min, fee_text) = match rate {
        Some(r) => {
            let fee = paid * r;
            (
                (gross - fee).max(Decimal::ZERO),
                format!("less the {} fee {}", pct(r), format_amount(fee)),
            )
        }
        None => (
            Decimal::ZERO,
            "less a fee whose rate for terms over three years is not verified".to_string(),
        ),
    };
    let text = format!(
        "{unused} of {total} h unused (from {} to {}) → {}, {fee_text} → {} (up to {} if the fee is waived)",
        crate::report::local(from, tz),
        crate::report::local(t.end, tz),
        format_amount(gross.round_dp(2)),
        format_amount(min.round_dp_with_strategy(2, RoundingStrategy::ToZero)),
        format_amount(gross.round_dp_with_strategy(2, RoundingStrategy::AwayFromZero)),
    );
    (min, gross, text)
}

/// Alibaba: `[max(0, paid − daily price × days used × coefficient), paid × (1 − days used /
/// subscription days)]`: the discount for the duration used is not in the bill, so the range
/// runs from no discount to a discount that leaves the price paid.
fn alibaba(o: &Order, paid: Decimal, t: Term, u: DateTime<Utc>) -> (Decimal, Decimal, String) {
    let days = days_ceil(t.start, t.end).max(1);
    let used = days_ceil(t.start, u).min(days);
    let (d_used, d_days) = (Decimal::from(used), Decimal::from(days));
    let max = (paid - paid * d_used / d_days).max(Decimal::ZERO);
    let coefficient = if o.ecs && used < 30 {
        Decimal::new(15, 1)
    } else {
        Decimal::ONE
    };
    let (min, min_text) = match o.original_price {
        // An original price below the price paid would make the smaller refund the larger:
        // taken as the price paid.
        Some(price) => {
            let price = price.max(paid);
            // Multiplied before dividing: 5040 × 365 / 1095 is exactly 1680.
            let consumed = price * d_used * coefficient / d_days;
            (
                (paid - consumed).max(Decimal::ZERO),
                format!(
                    "consumed at most {} (original price {} / {days} days × {used} days{})",
                    format_amount(consumed.round_dp(2)),
                    format_amount(price),
                    if coefficient == Decimal::ONE {
                        String::new()
                    } else {
                        " × 1.5 for ECS used under 30 days".into()
                    }
                ),
            )
        }
        None => (
            Decimal::ZERO,
            "the original price is not in the export, so the smaller refund is 0".into(),
        ),
    };
    let text = format!(
        "{used} of {days} days used → {min_text}; at most {} × (1 − {used}/{days}) = {}",
        format_amount(paid),
        format_amount(max.round_dp_with_strategy(2, RoundingStrategy::AwayFromZero))
    );
    (min, max, text)
}

/// The outcome of the refund check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Above the range: a double refund. Findings first.
    RefundOver,
    /// Below the range.
    RefundShort,
    /// None, and the bill is complete through U + window.
    RefundMissing,
    /// None yet, too early.
    RefundPending,
    /// No purchase line in the inputs: the refund seen is reported without a range.
    Unverifiable,
    /// A refund at or after U within the range (or, without a range, negative as a refund is).
    Refunded,
    /// The rules give 0 and none came.
    NoRefundDue,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::RefundOver => "refund_over",
            Status::RefundShort => "refund_short",
            Status::RefundMissing => "refund_missing",
            Status::RefundPending => "refund_pending",
            Status::Unverifiable => "unverifiable",
            Status::Refunded => "refunded",
            Status::NoRefundDue => "no_refund_due",
        }
    }

    /// Short, over and missing refunds are findings (exit 1).
    pub fn is_finding(self) -> bool {
        matches!(
            self,
            Status::RefundOver | Status::RefundShort | Status::RefundMissing
        )
    }
}

/// The refunds seen at or after U.
#[derive(Debug, Clone, Copy)]
pub struct Seen<'a> {
    /// Net per currency, as billed (refunds negative, fee lines positive).
    pub net: &'a BTreeMap<String, Decimal>,
    /// Refund lines among them (fee lines alone are not a refund).
    pub refund_lines: u64,
}

/// The status of a refund check: `has_orders` whether any purchase or renewal of the resource
/// is in the inputs, `ranges` what [`expected`] gave, `complete` whether the provider's bill is
/// complete through U + window.
pub fn status(
    has_orders: bool,
    ranges: Option<&BTreeMap<String, Range>>,
    seen: Seen<'_>,
    complete: bool,
) -> Status {
    if !has_orders {
        return Status::Unverifiable;
    }
    let absent = if complete {
        Status::RefundMissing
    } else {
        Status::RefundPending
    };
    let Some(ranges) = ranges else {
        // Existence and sign: some money came back.
        if seen.refund_lines == 0 {
            return absent;
        }
        return if seen.net.values().any(|v| *v < Decimal::ZERO) {
            Status::Refunded
        } else {
            Status::RefundShort
        };
    };
    let due = ranges.values().any(|r| r.max > Decimal::ZERO);
    if seen.refund_lines == 0 {
        return if due { absent } else { Status::NoRefundDue };
    }
    let mut worst = if due {
        Status::Refunded
    } else {
        Status::NoRefundDue
    };
    let currencies = ranges.keys().chain(seen.net.keys());
    for c in currencies {
        let r = ranges.get(c).copied().unwrap_or_default();
        let back = -seen.net.get(c).copied().unwrap_or_default();
        let s = if back > r.max {
            Status::RefundOver
        } else if back < r.min {
            Status::RefundShort
        } else {
            continue;
        };
        worst = worst.min(s);
    }
    worst
}

#[cfg(test)]
mod tests;
