//! One resource's timeline as an inline SVG: its charges by bucket (before the deletion, the
//! settlement tail, after it; refunds below the axis), lines at the deletion, the end of the
//! window and the time the bill is complete through, and the span not yet observable shaded.
//!
//! Everything is drawn from the report's values; nothing here decides what a charge is.
//! Colours come from the page's style sheet (classes), so one chart serves light, dark and
//! print; the hatching patterns are defined once per page (`html::DEFS`).

use super::scale::{amount_ticks, tick_label, time_step, time_ticks, Linear};
use super::NL;
use crate::money::format_amount;
use crate::report::local;
use crate::report::timeline::{Bar, Class};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use maud::{html, Markup};
use rust_decimal::Decimal;

/// The chart's size in SVG units (it scales to the page's width).
const W: f64 = 860.0;
const H: f64 = 272.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = W - 18.0;
const TOP: f64 = 78.0;
const BOTTOM: f64 = 212.0;
/// Label rows above the plot, for the vertical lines' labels.
const ROWS: [f64; 3] = [38.0, 52.0, 66.0];
/// A rough width of one character of an 11px label, to keep labels from overlapping.
const CHAR: f64 = 6.2;
/// The least height of a non-zero bar, so a small charge beside large ones is still seen.
const MIN_BAR: f64 = 1.5;
/// Height of the strip under the plot that marks every bucket charged after the deletion,
/// whatever its amount (a few cents an hour after a large hourly rate would not show).
const RUG: f64 = 5.0;

/// What one chart shows.
pub struct Chart<'a> {
    pub tz: FixedOffset,
    /// The time span drawn (shared by the charts of one resource).
    pub domain: (DateTime<Utc>, DateTime<Utc>),
    pub deleted_at: DateTime<Utc>,
    /// What happened at `deleted_at`: `deleted`, `stopped`, `unsubscribed`; and as a noun.
    pub action: &'a str,
    pub event: &'a str,
    pub grace: Duration,
    pub window_end: DateTime<Utc>,
    pub complete_through: Option<DateTime<Utc>>,
    /// The currency on the vertical axis ("" when nothing is billed).
    pub currency: &'a str,
    /// Totals shown beside a legend entry, by [`Class::index`] (the report's figures).
    pub totals: [Option<String>; 4],
    pub bars: &'a [Bar],
    /// Said in the plot when there is no bar.
    pub empty_note: &'a str,
    /// For screen readers: what the chart is of.
    pub label: String,
}

/// The time span one resource's charts show: every bar, the deletion, the end of its window
/// and the time its bill is complete through, with a margin either side.
pub fn domain(
    bars: impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
    marks: &[DateTime<Utc>],
) -> (DateTime<Utc>, DateTime<Utc>) {
    let mut lo: Option<DateTime<Utc>> = None;
    let mut hi: Option<DateTime<Utc>> = None;
    for (a, b) in bars.chain(marks.iter().map(|m| (*m, *m))) {
        lo = Some(lo.map_or(a, |l| l.min(a)));
        hi = Some(hi.map_or(b, |h| h.max(b)));
    }
    let (lo, hi) = match (lo, hi) {
        (Some(l), Some(h)) => (l, h),
        _ => {
            return (
                DateTime::UNIX_EPOCH,
                DateTime::UNIX_EPOCH + Duration::days(1),
            )
        }
    };
    let span = (hi - lo).num_seconds();
    let pad = Duration::seconds((span / 30).max(3600));
    (
        lo.checked_sub_signed(pad).unwrap_or(lo),
        hi.checked_add_signed(pad).unwrap_or(hi),
    )
}

fn px(v: f64) -> String {
    format!("{v:.1}")
}

/// The CSS class of a class of charge.
pub fn class_name(c: Class) -> &'static str {
    match c {
        Class::Before => "c-before",
        Class::Tail => "c-tail",
        Class::After => "c-after",
        Class::Refund => "c-refund",
    }
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A bar's hover text: its time span, then each class's amount and lines.
fn bar_title(bar: &Bar, currency: &str, tz: FixedOffset) -> String {
    let end = bar.end.with_timezone(&tz);
    let end = if bar.end - bar.start < Duration::days(1) {
        end.format("%H:%M").to_string()
    } else {
        local(bar.end, tz)
    };
    let mut s = format!(
        "{} – {} ({})",
        local(bar.start, tz),
        end,
        crate::time::format_offset(tz)
    );
    for p in &bar.parts {
        s.push_str(&format!(
            "\n{}: {currency} {} ({})",
            p.class.label(),
            format_amount(p.amount),
            plural(p.lines, "line")
        ));
    }
    s
}

/// A vertical line and its label.
struct Mark {
    x: f64,
    class: &'static str,
    text: String,
}

/// Places each label in the first row where it does not overlap the one before it, to the
/// right of its line, or to the left near the right edge. Returns (x, row y, anchor).
fn place_labels(marks: &[Mark]) -> Vec<(f64, f64, &'static str)> {
    let mut row_end = [f64::MIN; ROWS.len()];
    let mut order: Vec<usize> = (0..marks.len()).collect();
    order.sort_by(|a, b| marks[*a].x.total_cmp(&marks[*b].x));
    let mut placed = vec![(0.0, ROWS[0], "start"); marks.len()];
    for i in order {
        let m = &marks[i];
        let width = m.text.chars().count() as f64 * CHAR;
        let (x, anchor, from, to) = if m.x + 4.0 + width <= W {
            (m.x + 4.0, "start", m.x, m.x + 4.0 + width)
        } else {
            (m.x - 4.0, "end", m.x - 4.0 - width, m.x)
        };
        let row = (0..ROWS.len())
            .find(|r| row_end[*r] + 8.0 < from)
            .unwrap_or(ROWS.len() - 1);
        row_end[row] = to;
        placed[i] = (x, ROWS[row], anchor);
    }
    placed
}

/// A rectangle to draw: (CSS class, x, y, width, height).
type Rect = (&'static str, f64, f64, f64, f64);

/// The legend's entries: (class, text, x of the swatch), laid out left to right.
fn legend(totals: &[Option<String>; 4]) -> Vec<(Class, String, f64)> {
    let mut x = LEFT;
    let mut out = Vec::new();
    for class in Class::ALL {
        let text = match &totals[class.index()] {
            Some(t) => format!("{}: {t}", class.label()),
            None => class.label().to_string(),
        };
        let width = 19.0 + text.chars().count() as f64 * CHAR + 22.0;
        out.push((class, text, x));
        x += width;
    }
    out
}

/// A bar's rectangles: amounts stacked upwards from zero in [`Class`] order, negative ones
/// (refunds) downwards. A refund class can be positive where an unsubscription fee outweighs
/// the refund beside it; it is drawn as it is, upwards.
fn stack(b: &Bar, xs: &Linear, ys: &Linear) -> Vec<Rect> {
    let x0 = xs.time(b.start);
    let x1 = xs.time(b.end);
    // A gap between neighbouring bars when there is room for one.
    let gap = if x1 - x0 > 3.0 { 1.0 } else { 0.0 };
    let w = (x1 - x0 - gap).max(1.0);
    let zero = ys.amount(Decimal::ZERO);
    let (mut up, mut down) = (zero, zero);
    let mut out = Vec::new();
    for p in &b.parts {
        if p.amount.is_zero() {
            continue;
        }
        let h = (zero - ys.amount(p.amount.abs())).abs().max(MIN_BAR);
        if p.amount < Decimal::ZERO {
            out.push((class_name(p.class), x0, down, w, h));
            down += h;
        } else {
            up -= h;
            out.push((class_name(p.class), x0, up, w, h));
        }
    }
    if b.parts.iter().any(|p| p.class == Class::After) {
        out.push((class_name(Class::After), x0, BOTTOM + 1.0, w, RUG));
    }
    out
}

pub fn render(c: &Chart<'_>) -> Markup {
    let xs = Linear::new(
        (c.domain.0.timestamp() as f64, c.domain.1.timestamp() as f64),
        (LEFT, RIGHT),
    );
    let clamp = |x: f64| x.clamp(LEFT, RIGHT);

    // Amounts: charges stacked above zero, refunds below.
    let mut max = Decimal::ZERO;
    let mut min = Decimal::ZERO;
    for b in c.bars {
        let up: Decimal = b.parts.iter().map(|p| p.amount.max(Decimal::ZERO)).sum();
        let down: Decimal = b.parts.iter().map(|p| p.amount.min(Decimal::ZERO)).sum();
        max = max.max(up);
        min = min.min(down);
    }
    let ticks = amount_ticks(min, max, 4);
    let (lo, hi) = (
        ticks.first().copied().unwrap_or_default(),
        ticks.last().copied().unwrap_or(Decimal::ONE),
    );
    let ys = Linear::new(
        (
            rust_decimal::prelude::ToPrimitive::to_f64(&lo).unwrap_or(0.0),
            rust_decimal::prelude::ToPrimitive::to_f64(&hi).unwrap_or(1.0),
        ),
        (BOTTOM, TOP),
    );
    let zero = ys.amount(Decimal::ZERO);

    let span = (c.domain.1 - c.domain.0).num_seconds();
    let step = time_step(span, 8);
    let xticks = time_ticks(c.domain.0, c.domain.1, c.tz, step);

    let x_del = clamp(xs.time(c.deleted_at));
    let mut marks = vec![Mark {
        x: x_del,
        class: "m-deleted",
        text: format!("{} {}", c.action, local(c.deleted_at, c.tz)),
    }];
    marks.push(Mark {
        x: clamp(xs.time(c.window_end)),
        class: "m-window",
        text: format!(
            "window ends {} ({} + {})",
            local(c.window_end, c.tz),
            c.event,
            crate::time::format_duration(c.window_end - c.deleted_at)
        ),
    });
    if let Some(ct) = c.complete_through {
        marks.push(Mark {
            x: clamp(xs.time(ct)),
            class: "m-complete",
            text: format!("bill complete through {}", local(ct, c.tz)),
        });
    }
    let labels = place_labels(&marks);
    // The span the bill does not cover yet: after `complete_through`, or all of it.
    let unobserved = match c.complete_through {
        Some(ct) => clamp(xs.time(ct)),
        None => LEFT,
    };
    let grace_end = clamp(
        xs.time(
            c.deleted_at
                .checked_add_signed(c.grace)
                .unwrap_or(c.deleted_at),
        ),
    );
    let xlabels: Vec<(f64, String)> = xticks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let prev = i.checked_sub(1).map(|p| xticks[p]);
            (xs.time(*t), tick_label(*t, prev, c.tz))
        })
        .collect();
    let bars: Vec<(String, Vec<Rect>)> = c
        .bars
        .iter()
        .map(|b| (bar_title(b, c.currency, c.tz), stack(b, &xs, &ys)))
        .collect();

    html! {
        svg class="chart" viewBox={ "0 0 " (W) " " (H) } width="100%" role="img" aria-label=(c.label) xmlns="http://www.w3.org/2000/svg" {
            // Legend: the four kinds of bar, each with its fill (colour and pattern).
            (NL) g class="legend" {
                @for (class, text, x) in legend(&c.totals) {
                    rect class=(class_name(class)) x=(px(x)) y="6" width="14" height="12" {}
                    text x=(px(x + 19.0)) y="16" { (text) }
                }
                @if !c.currency.is_empty() {
                    text class="axis-title" x=(px(RIGHT)) y="16" text-anchor="end" { "amount, " (c.currency) }
                }
            }
            (NL)
            @if unobserved < RIGHT {
                rect class="unobserved" x=(px(unobserved)) y=(px(TOP - 4.0)) width=(px(RIGHT - unobserved)) height=(px(BOTTOM - TOP + 4.0)) {
                    title { "not yet observable: the bill may still lack charges for this span" }
                }
                text class="unobserved-label" x=(px(RIGHT - 4.0)) y=(px(TOP + 10.0)) text-anchor="end" { "not yet in the bill" }
            }
            @if grace_end > x_del {
                rect class="grace" x=(px(x_del)) y=(px(TOP)) width=(px(grace_end - x_del)) height=(px(BOTTOM - TOP)) {}
            }
            (NL) g class="grid" {
                @for t in ticks.iter().filter(|_| !c.bars.is_empty()) {
                    @let y = ys.amount(*t);
                    line x1=(px(LEFT)) x2=(px(RIGHT)) y1=(px(y)) y2=(px(y)) {}
                    text class="tick" x=(px(LEFT - 6.0)) y=(px(y + 4.0)) text-anchor="end" { (t) }
                }
            }
            (NL) g class="bars" {
                @for (title, rects) in &bars {
                    (NL) g {
                        title { (title) }
                        @for r in rects {
                            rect class=(r.0) x=(px(r.1)) y=(px(r.2)) width=(px(r.3)) height=(px(r.4)) {}
                        }
                    }
                }
            }
            @if c.bars.is_empty() {
                text class="empty" x=(px((LEFT + RIGHT) / 2.0)) y=(px((TOP + BOTTOM) / 2.0)) text-anchor="middle" { (c.empty_note) }
            }
            (NL) line class="axis" x1=(px(LEFT)) x2=(px(RIGHT)) y1=(px(zero)) y2=(px(zero)) {}
            (NL) g class="xaxis" {
                @for (x, label) in &xlabels {
                    line class="xtick" x1=(px(*x)) x2=(px(*x)) y1=(px(BOTTOM + RUG + 2.0)) y2=(px(BOTTOM + RUG + 6.0)) {}
                    text class="tick" x=(px(*x)) y=(px(BOTTOM + RUG + 19.0)) text-anchor="middle" { (label) }
                }
                text class="axis-title" x=(px(RIGHT)) y=(px(H - 8.0)) text-anchor="end" {
                    "usage time (" (crate::time::format_offset(c.tz)) ")"
                }
            }
            (NL) g class="marks" {
                @for (m, (_, y, _)) in marks.iter().zip(&labels) {
                    line class=(m.class) x1=(px(m.x)) x2=(px(m.x)) y1=(px(y + 3.0)) y2=(px(BOTTOM)) {}
                }
                @for (m, (x, y, anchor)) in marks.iter().zip(&labels) {
                    text class={ "label " (m.class) } x=(px(*x)) y=(px(*y)) text-anchor=(anchor) { (m.text) }
                }
            }
            (NL)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;
    use crate::report::timeline::Part;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn part(class: Class, amount: &str) -> Part {
        Part {
            class,
            amount: dec(amount),
            lines: 1,
        }
    }

    #[test]
    fn bars_stack_charges_up_from_zero_and_refunds_down() {
        let start = t("2026-10-20T03:00:00Z");
        let xs = Linear::new(
            (
                start.timestamp() as f64,
                start.timestamp() as f64 + 36_000.0,
            ),
            (LEFT, RIGHT),
        );
        // Zero halfway down the plot, at 145 px.
        let ys = Linear::new((-10.0, 10.0), (BOTTOM, TOP));
        let zero = ys.amount(Decimal::ZERO);
        let bar = Bar {
            start,
            end: start + Duration::hours(1),
            parts: vec![
                part(Class::Before, "2"),
                part(Class::Tail, "1"),
                part(Class::After, "0.0001"),
                part(Class::Refund, "-3"),
            ],
        };
        let rects = stack(&bar, &xs, &ys);
        let class: Vec<&str> = rects.iter().map(|r| r.0).collect();
        assert_eq!(
            class,
            ["c-before", "c-tail", "c-after", "c-refund", "c-after"]
        );
        let h = |d: &str| zero - ys.amount(dec(d));
        // (rect, top, height)
        let want = [
            (0, zero - h("2"), h("2")),
            (1, zero - h("3"), h("1")),
            // Too small to see at this scale: drawn at the least height.
            (2, zero - h("3") - MIN_BAR, MIN_BAR),
            (3, zero, h("3")),
            // The strip under the plot marks the after-deletion charge.
            (4, BOTTOM + 1.0, RUG),
        ];
        for (i, top, height) in want {
            assert!((rects[i].2 - top).abs() < 1e-9, "{i}: y {}", rects[i].2);
            assert!((rects[i].4 - height).abs() < 1e-9, "{i}: h {}", rects[i].4);
        }
        // An hour is a tenth of the axis, less a pixel of gap.
        let hour = (RIGHT - LEFT) / 10.0;
        assert!(rects.iter().all(|r| (r.3 - (hour - 1.0)).abs() < 1e-9));
        let no_after = Bar {
            parts: vec![part(Class::Before, "2"), part(Class::Before, "0")],
            ..bar
        };
        assert_eq!(
            stack(&no_after, &xs, &ys).len(),
            1,
            "no strip, no empty rect"
        );
        // A fee that outweighs its refund in a bucket nets to a positive refund: drawn upwards.
        let fee = Bar {
            parts: vec![part(Class::Refund, "7.58")],
            ..no_after
        };
        let r = stack(&fee, &xs, &ys);
        assert!((r[0].2 - (zero - h("7.58"))).abs() < 1e-9);
    }

    #[test]
    fn labels_take_the_first_row_they_fit_in() {
        let mark = |x: f64, text: &str| Mark {
            x,
            class: "m-deleted",
            text: text.into(),
        };
        // (marks, expected (x, row, anchor) per mark)
        let cases = [
            (
                vec![mark(100.0, "deleted"), mark(400.0, "window ends")],
                vec![(104.0, ROWS[0], "start"), (404.0, ROWS[0], "start")],
            ),
            (
                vec![mark(100.0, "a long label here"), mark(120.0, "next")],
                vec![(104.0, ROWS[0], "start"), (124.0, ROWS[1], "start")],
            ),
            (
                // Near the right edge a label reads leftwards from its line.
                vec![mark(840.0, "bill complete through")],
                vec![(836.0, ROWS[0], "end")],
            ),
            (
                // Given out of order: placed by position, reported in the order given.
                vec![mark(120.0, "b"), mark(100.0, "a label")],
                vec![(124.0, ROWS[1], "start"), (104.0, ROWS[0], "start")],
            ),
        ];
        for (marks, want) in cases {
            assert_eq!(place_labels(&marks), want);
        }
    }

    #[test]
    fn the_domain_holds_every_bar_and_line_with_a_margin() {
        let a = t("2026-10-18T00:00:00Z");
        let b = t("2026-10-21T00:00:00Z");
        let (lo, hi) = domain([(a, a + Duration::hours(1))].into_iter(), &[b]);
        // Three days: a margin of a thirtieth, 2.4 hours.
        assert_eq!(lo, a - Duration::minutes(144));
        assert_eq!(hi, b + Duration::minutes(144));
        // A short span still gets an hour either side.
        let (lo, hi) = domain(std::iter::empty(), &[a]);
        assert_eq!((lo, hi), (a - Duration::hours(1), a + Duration::hours(1)));
        // At the end of time, no overflow.
        let (_, hi) = domain(std::iter::empty(), &[DateTime::<Utc>::MAX_UTC]);
        assert_eq!(hi, DateTime::<Utc>::MAX_UTC);
    }
}
