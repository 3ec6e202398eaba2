//! `--format html`: one self-contained page for people who would rather look than read: the
//! summary on top, then one section per resource (the table's order) with a timeline of its
//! charges, the verdict in words and the lines it cites.
//!
//! Nothing is fetched: the styles are inline, the charts are inline SVG, there are no scripts
//! and no fonts (a Content-Security-Policy says so to the browser too), so the file opens from
//! disk, a mail attachment or an archive, offline. Every text from an export or a register goes
//! through `maud`, which escapes it: a resource named `<script>` is shown, never run. The page
//! holds no time of its own making, so the same inputs give the same bytes.

mod chart;
mod scale;

use super::{local, Detail, Report, ResourceReport};
use crate::model::{Action, Verdict};
use crate::time::{format_duration, format_offset};
use chrono::{Duration, FixedOffset};
use maud::{html, Markup, PreEscaped, DOCTYPE};
use std::io::{self, Write};

/// The page's style sheet. Colours are variables so that dark mode and print swap them in one
/// place; the four kinds of bar differ in lightness and pattern as well as hue (Okabe–Ito
/// colours), so they stay apart for colour-blind readers and in greyscale print.
const STYLE: &str = r#"
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1b1b; --muted: #5b5b5b; --rule: #d4d4d4; --panel: #f5f5f2;
  --before: #b9c2cb; --tail: #e69f00; --tail-stripe: #6b4500; --after: #d55e00;
  --refund: #0072b2; --refund-dot: #ffffff; --unobserved: #9a9a9a; --unobserved-bg: #ececec;
  --grace: #e69f0033; --mark: #1b1b1b; --grid: #e4e4e4;
  --v-still: #d55e00; --v-pending: #b07a00; --v-missing: #7a4e9c; --v-stopped: #00805e; --on-still: #ffffff;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #17191c; --fg: #e6e6e6; --muted: #a4a4a4; --rule: #3a3d42; --panel: #202328;
    --before: #6e7a86; --tail: #e69f00; --tail-stripe: #17191c; --after: #ff7a33;
    --refund: #56b4e9; --refund-dot: #17191c; --unobserved: #777777; --unobserved-bg: #26292e;
    --grace: #e69f0040; --mark: #e6e6e6; --grid: #2c2f34;
    --v-still: #ff7a33; --v-pending: #e6b000; --v-missing: #c79be3; --v-stopped: #35c49a; --on-still: #17191c;
  }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1000px; padding: 24px; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", "PingFang SC",
  "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0; overflow-wrap: anywhere; }
h3 { font-size: 14px; margin: 18px 0 6px; }
p { margin: 6px 0; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px;
  overflow-wrap: anywhere; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid var(--rule); vertical-align: top;
  overflow-wrap: break-word; }
td.id { overflow-wrap: anywhere; }
td.when { white-space: nowrap; }
th { font-weight: 600; font-size: 12.5px; color: var(--muted); }
td.num, th.num { text-align: right; }
a { color: inherit; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0; }
.card { flex: 1 1 150px; padding: 10px 12px; background: var(--panel); border-left: 6px solid var(--muted); }
.card .n { font-size: 26px; font-weight: 700; line-height: 1.1; }
.card.still_billing { border-left: 6px solid var(--v-still); }
.card.pending { border-left: 6px dashed var(--v-pending); }
.card.not_in_bill { border-left: 6px dotted var(--v-missing); }
.card.stopped { border-left: 6px double var(--v-stopped); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 8px 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 3px; font-weight: 700; font-size: 12.5px;
  white-space: nowrap; border: 2px solid; }
.badge.still_billing { background: var(--v-still); border-color: var(--v-still); color: var(--on-still); }
.badge.pending { border-style: dashed; border-color: var(--v-pending); color: var(--v-pending); }
.badge.not_in_bill { border-style: dotted; border-color: var(--v-missing); color: var(--v-missing); }
.badge.stopped { border-color: var(--v-stopped); color: var(--v-stopped); }
section.resource { border-top: 2px solid var(--rule); padding: 14px 0 10px; margin-top: 12px; }
section.resource header { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: baseline; }
.howto { background: var(--panel); padding: 8px 12px; margin: 14px 0; }
.howto p { margin: 3px 0; }
.change { font-size: 12.5px; border: 1px solid var(--muted); padding: 0 6px; border-radius: 3px; }
.warn { border-left: 4px solid var(--v-pending); padding-left: 8px; }
svg.chart { display: block; width: 100%; height: auto; margin: 8px 0 4px; max-width: 980px; }
svg.chart text { font-size: 11px; fill: var(--fg); }
svg.chart .tick, svg.chart .axis-title { fill: var(--muted); }
svg.chart .grid line { stroke: var(--grid); stroke-width: 1; }
svg.chart .axis { stroke: var(--fg); stroke-width: 1; }
svg.chart .xtick { stroke: var(--muted); }
.c-before { fill: var(--before); }
.c-tail { fill: url(#p-tail); }
.c-after { fill: var(--after); }
.c-refund { fill: url(#p-refund); }
.legend rect { stroke: var(--fg); stroke-width: 0.5; }
.unobserved { fill: url(#p-unobserved); }
svg.chart .unobserved-label { fill: var(--muted); font-style: italic; }
.grace { fill: var(--grace); }
.m-deleted, .m-window, .m-complete { stroke: var(--mark); }
line.m-deleted { stroke-width: 2; }
line.m-window { stroke-width: 1.5; stroke-dasharray: 6 4; }
line.m-complete { stroke-width: 1.5; stroke-dasharray: 2 3; }
svg.chart text.label { fill: var(--fg); stroke: var(--bg); stroke-width: 4px; paint-order: stroke;
  stroke-linejoin: round; }
svg.chart text.m-deleted { font-weight: 700; }
svg.chart .empty { fill: var(--muted); font-size: 13px; stroke: var(--bg); stroke-width: 5px;
  paint-order: stroke; }
.p-tail-bg { fill: var(--tail); }
.p-tail-stripe { stroke: var(--tail-stripe); stroke-width: 1.6; }
.p-refund-bg { fill: var(--refund); }
.p-refund-dot { fill: var(--refund-dot); }
.p-unobserved-bg { fill: var(--unobserved-bg); }
.p-unobserved-stripe { stroke: var(--unobserved); stroke-width: 1; }
svg.defs { position: absolute; width: 0; height: 0; overflow: hidden; }
@media print {
  :root {
    --bg: #ffffff; --fg: #000000; --muted: #444444; --rule: #bbbbbb; --panel: #f2f2f2;
    --before: #b9c2cb; --tail: #e69f00; --tail-stripe: #6b4500; --after: #d55e00;
    --refund: #0072b2; --refund-dot: #ffffff; --unobserved: #9a9a9a; --unobserved-bg: #ececec;
    --mark: #000000; --grid: #e0e0e0; --grace: #e69f0033;
    --v-still: #d55e00; --v-pending: #b07a00; --v-missing: #7a4e9c; --v-stopped: #00805e; --on-still: #ffffff;
  }
  @page { size: A4; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 11px; }
  code, .mono { font-size: 10px; }
  section.resource, .summary > div, table, .howto { break-inside: avoid; page-break-inside: avoid; }
  a { text-decoration: none; }
}
"#;

/// Fill patterns, defined once for every chart on the page (an SVG that is not displayed
/// would not paint its patterns in every browser, so this one is sized to nothing instead).
const DEFS: &str = r##"<svg class="defs" aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg"><defs>
<pattern id="p-tail" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="p-tail-bg" width="6" height="6"/><line class="p-tail-stripe" x1="0" y1="0" x2="0" y2="6"/></pattern>
<pattern id="p-refund" width="5" height="5" patternUnits="userSpaceOnUse"><rect class="p-refund-bg" width="5" height="5"/><circle class="p-refund-dot" cx="2.5" cy="2.5" r="0.9"/></pattern>
<pattern id="p-unobserved" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect class="p-unobserved-bg" width="8" height="8"/><line class="p-unobserved-stripe" x1="0" y1="0" x2="0" y2="8"/></pattern>
</defs></svg>"##;

/// Inline styles only; nothing may be loaded, run or submitted.
/// A line break between block elements, so that a diff of two reports (or of a snapshot) shows
/// lines rather than one line of the whole page.
pub(super) const NL: PreEscaped<&str> = PreEscaped("\n");

const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; base-uri 'none'";

/// Writes the page a part at a time (the head and summary, then each resource's section), so a
/// report of many long timelines is never held twice in memory.
pub fn render(report: &Report, tz: FixedOffset, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(top(report, tz).into_string().as_bytes())?;
    for (i, r) in report.resources.iter().enumerate() {
        out.write_all(resource(i, r, report, tz).into_string().as_bytes())?;
        out.write_all(b"\n")?;
    }
    out.write_all(bottom(report, tz).into_string().as_bytes())
}

/// What the page shows of an entry beyond the JSON's fields; empty for an entry built without it.
fn detail(r: &ResourceReport) -> &Detail {
    static NONE: Detail = Detail {
        origin: String::new(),
        looked_for: None,
        timeline: None,
    };
    r.detail.as_deref().unwrap_or(&NONE)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A verdict as people say it.
fn verdict_words(v: Verdict) -> &'static str {
    match v {
        Verdict::StillBilling => "still billing",
        Verdict::Pending => "pending",
        Verdict::NotInBill => "not in bill",
        Verdict::Stopped => "stopped",
    }
}

fn headline(report: &Report) -> String {
    let s = &report.summary;
    format!(
        "{} deleted: {} still billing, {} pending, {} not in bill, {} stopped",
        plural(s.deletions, "resource"),
        s.still_billing,
        s.pending,
        s.not_in_bill,
        s.stopped
    )
}

/// The page up to the first resource: the head, the summary and how to read a chart. It opens
/// `<html>` and `<body>`, which [`bottom`] closes.
fn top(report: &Report, tz: FixedOffset) -> Markup {
    html! {
        (DOCTYPE) (NL)
        (PreEscaped("<html lang=\"en\">"))
        head {
            (NL) meta charset="utf-8";
            (NL) meta http-equiv="Content-Security-Policy" content=(CSP);
            (NL) meta name="viewport" content="width=device-width, initial-scale=1";
            (NL) meta name="color-scheme" content="light dark";
            (NL) meta name="generator" content={ "billrecon " (report.tool.version) };
            (NL) title { "billrecon: " (headline(report)) }
            (NL) style { (PreEscaped(STYLE)) } (NL)
        }
        (NL)
        (PreEscaped("<body>"))
        (NL) (PreEscaped(DEFS)) (NL)
        (summary(report, tz)) (NL)
        (howto(report, tz)) (NL)
    }
}

/// The page after the last resource.
fn bottom(report: &Report, tz: FixedOffset) -> Markup {
    html! {
        footer class="muted" {
            p { "Written by billrecon " (report.tool.version) " (report schema " (report.schema_version) "). "
                "Times are shown in " (format_offset(tz)) "." }
        }
        (PreEscaped("</body></html>\n"))
    }
}

fn summary(report: &Report, tz: FixedOffset) -> Markup {
    let s = &report.summary;
    let st = &report.settings;
    let cards = [
        (
            Verdict::StillBilling,
            s.still_billing,
            "charged for usage after the deletion",
        ),
        (Verdict::Pending, s.pending, "too early to tell"),
        (
            Verdict::NotInBill,
            s.not_in_bill,
            "no bill line mentions it",
        ),
        (Verdict::Stopped, s.stopped, "no charge after the deletion"),
    ];
    html! {
        div class="summary" {
            h1 { "Are deleted resources still billing?" }
            p class="muted" { (headline(report)) }
            (NL)
            div class="cards" {
                @for (v, n, what) in cards {
                    (NL)
                    div class={ "card " (v.name()) } {
                        div class="n" { (n) }
                        div { strong { (verdict_words(v)) } }
                        div class="muted" { (what) }
                    }
                }
            }
            (NL)
            dl class="facts" {
                dt { "Charged after deletion" }
                dd {
                    @if s.amount_after_deletion.is_empty() {
                        "nothing"
                    } @else {
                        @for (i, (c, v)) in s.amount_after_deletion.iter().enumerate() {
                            @if i > 0 { ", " }
                            strong { (c) " " (crate::money::format_amount(v)) }
                        }
                        span class="muted" { " (per currency, never added together)" }
                    }
                }
                @if !s.refunds.is_empty() {
                    dt { "Refund checks" }
                    dd {
                        @for (i, (status, n)) in s.refunds.iter().enumerate() {
                            @if i > 0 { ", " }
                            (n) " " code { (status) }
                        }
                    }
                }
                @if let (Some(b), Some(c)) = (&report.baseline, &s.changes) {
                    dt { "Since the baseline" }
                    dd {
                        (super::table::change_line(b, c, tz))
                        " · " code { (b.path) }
                        @if let Some(gone) = report.gone.as_ref().filter(|g| !g.is_empty()) {
                            br;
                            "Gone from the register since then: "
                            @for (i, g) in gone.iter().enumerate() {
                                @if i > 0 { ", " }
                                code { (if g.resource_id.is_empty() { &g.product } else { &g.resource_id }) }
                                " (was " (verdict_words(g.verdict)) ")"
                            }
                        }
                    }
                }
                dt { "Bill data complete through" }
                dd {
                    @if report.coverage.is_empty() { "no bill data" }
                    @for (i, c) in report.coverage.iter().enumerate() {
                        @if i > 0 { br; }
                        @match c.complete_through {
                            Some(t) => { strong { (local(t, tz)) } " (" (format_offset(tz)) ") for " (c.provider) },
                            None => { "no usage data for " (c.provider) },
                        }
                    }
                }
                dt { "Settings" }
                dd {
                    "lag " code { (format_duration(Duration::seconds(st.lag_seconds))) }
                    " · window " code { (format_duration(Duration::seconds(st.window_seconds))) }
                    " · grace " code { (format_duration(Duration::seconds(st.grace_seconds))) }
                    " · tz " code { (st.tz) }
                    " · as of "
                    @match st.as_of {
                        Some(t) => code { (local(t, tz)) },
                        None => span { "the latest usage in the data" },
                    }
                }
            }
            (NL) h3 { "Inputs read" } (NL)
            table {
                thead { tr {
                    th { "file" } th { "format" } th class="num" { "rows" } th class="num" { "duplicates" }
                    th class="num" { "skipped" } th { "currency" } th { "usage from – to (" (format_offset(tz)) ")" }
                } }
                tbody {
                    @for i in &report.inputs {
                        (NL) tr {
                            td class="mono id" { (i.path) }
                            td { (i.format) @if let Some(v) = i.version { " " (v) } }
                            td class="num" { (i.rows) }
                            td class="num" { (i.duplicate_rows) }
                            td class="num" { (i.skipped_rows) }
                            td { (i.currency.as_deref().unwrap_or("-")) }
                            td class="when" {
                                @match (i.first_usage, i.last_usage) {
                                    (Some(a), Some(b)) => { (local(a, tz)) " – " (local(b, tz)) },
                                    _ => "-",
                                }
                            }
                        }
                    }
                }
            }
            @if !report.warnings.is_empty() {
                (NL) h3 { "Warnings" } (NL)
                ul class="warn" {
                    @for w in &report.warnings { li { (w) } (NL) }
                }
            }
            (NL) h3 { "Resources" } (NL)
            table {
                thead { tr {
                    th { "verdict" }
                    @if report.baseline.is_some() { th { "change" } }
                    th { "resource" } th { "product" } th { "deleted (" (format_offset(tz)) ")" }
                    th { "after deletion" } th { "tail" }
                } }
                tbody {
                    @for (i, r) in report.resources.iter().enumerate() {
                        (NL) tr {
                            td { span class={ "badge " (r.verdict.name()) } { (verdict_words(r.verdict)) } }
                            @if report.baseline.is_some() { td { (r.change.map_or("-", |c| c.name())) } }
                            td class="id" { a href={ "#r" (i + 1) } { (display_name(r)) } }
                            td { (dash(&r.product)) }
                            td class="when" { (local(r.deleted_at, tz)) }
                            td { (lines_and_amount(r.lines_after_deletion, &r.amount_after_deletion)) }
                            td { (lines_and_amount(r.tail_lines, &r.tail_amount)) }
                        }
                    }
                }
            }
        }
    }
}

fn howto(report: &Report, tz: FixedOffset) -> Markup {
    let st = &report.settings;
    html! {
        div class="howto" {
            h3 { "How to read a timeline" }
            p { "Each bar is the bill's charges for one period of usage (an hour, or longer for long spans), "
                "placed at the time the usage started, in " (format_offset(tz)) ". "
                "Grey: usage before the deletion. Amber, hatched: the settlement tail, usage that began before "
                "the deletion and ended after it (expected, not a leak). Red: usage that started after the "
                "deletion: this is what " em { "still billing" } " means; a red strip under the axis marks each such "
                "period, however small its amount. Blue, dotted, below the line: refunds." }
            (NL) p { "The solid line is the deletion; the dashed line is the end of the "
                (format_duration(Duration::seconds(st.window_seconds)))
                " window the bill must cover before a resource counts as stopped; the dotted line is how far the "
                "bill is complete (its latest usage less the "
                (format_duration(Duration::seconds(st.lag_seconds)))
                " lag). The hatched grey area after it is not observable yet: no bar there does not mean no charge. "
                "Hover over a bar for its period, amount and number of lines." }
        }
    }
}

fn amount(currency: &str, a: rust_decimal::Decimal) -> String {
    format!("{currency} {}", crate::money::format_amount(a))
}

/// `t + d`, or the last time there is (a report never fails on a date at the end of time).
fn after(t: chrono::DateTime<chrono::Utc>, d: Duration) -> chrono::DateTime<chrono::Utc> {
    t.checked_add_signed(d)
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC)
}

fn dash(s: &str) -> &str {
    if s.is_empty() {
        "-"
    } else {
        s
    }
}

fn display_name(r: &ResourceReport) -> String {
    match (r.resource_id.is_empty(), r.resource_name.is_empty()) {
        (true, _) => format!("(all of {})", r.product),
        (false, false) if !r.resource_name.eq_ignore_ascii_case(&r.resource_id) => {
            format!("{} ({})", r.resource_id, r.resource_name)
        }
        _ => r.resource_id.clone(),
    }
}

fn lines_and_amount(lines: usize, amounts: &crate::money::Amounts) -> String {
    if lines == 0 {
        "-".into()
    } else {
        format!("{}, {}", plural(lines, "line"), amounts.display())
    }
}

/// The verdict in sentences: what was seen, and for `pending` and `not_in_bill` what is
/// missing.
fn explanation(r: &ResourceReport, report: &Report, tz: FixedOffset) -> Markup {
    let window = Duration::seconds(report.settings.window_seconds);
    let needed = after(r.deleted_at, window);
    let off = format_offset(tz);
    let ev = event(r.action);
    html! {
        @match r.verdict {
            Verdict::StillBilling => p {
                strong { "Still billing. " }
                (plural(r.lines_after_deletion, "line")) " charged " strong { (r.amount_after_deletion.display()) }
                " for usage that started after the " (ev)
                @match (r.first_after_deletion, r.last_after_deletion) {
                    (Some(a), Some(b)) if a != b => { ", from " (local(a, tz)) " to " (local(b, tz)) " (" (off) ")" },
                    (Some(a), _) => { ", at " (local(a, tz)) " (" (off) ")" },
                    _ => {},
                }
                @if r.usage_after_deletion_by_unit.is_empty() { "." } @else {
                    " (usage " (super::usage_by_unit(r)) ")."
                }
            },
            Verdict::Pending => p {
                strong { "Too early to tell. " }
                "No charge after the " (ev) " has been seen, but "
                @match r.complete_through {
                    Some(ct) => {
                        "the bill is complete only through " (local(ct, tz)) "; a stop can be confirmed once it covers "
                        (local(needed, tz)) " (the " (ev) " + the " (format_duration(window)) " window). "
                        "Not observed yet: " (local(ct.max(r.deleted_at), tz)) " – " (local(needed, tz)) " (" (off) "). "
                    },
                    None => { "the inputs hold no usage data of this provider yet. " },
                }
                "Run again on a later export."
            },
            Verdict::NotInBill => p {
                strong { "Not in the bill. " }
                "No line of the " (plural(report.inputs.len(), "input")) " mentions this resource. "
                @match &detail(r).looked_for {
                    Some(id) => {
                        "Looked for " code { (id) }
                        " (compared without regard to case with each line's resource ID, after normalization: "
                        "ModelArts UUID suffixes stripped, composite IDs split at ';', your rules applied)"
                    },
                    None => { "Looked for lines of product " code { (r.product) } },
                }
                @if let Some(p) = &r.provider { " in " (p) "'s lines" }
                ". The ID may be wrong: nothing is proven."
            },
            Verdict::Stopped => p {
                strong { "Stopped. " }
                (plural(r.lines, "line")) @if r.lines == 1 { " mentions" } @else { " mention" }
                " it, none charged for usage after the " (ev) "; the bill is complete through "
                @if let Some(ct) = r.complete_through { (local(ct, tz)) } @else { "-" }
                ", past the end of the window (" (local(needed, tz)) ")."
            },
        }
        @if let Some(free) = super::table::no_charge(r) {
            (NL) p { "Of these charges: " (free) " (a plan, package or free tier covers them: the resource still runs)." }
        }
        @if plan_ended(r) {
            (NL) p { "The plan that covered it was unsubscribed: these charges are pay-as-you-go since the plan ended." }
        }
        @if let Some(f) = &r.refund {
            (NL) p {
                strong { "Refund check: " } (f.line()) "."
                br; span class="muted" { (f.basis) }
            }
        }
        @if r.tail_lines > 0 {
            (NL) p { "Settlement tail: " (plural(r.tail_lines, "line")) ", " (r.tail_amount.display())
                ", for usage that began before the " (ev) " and ended after it (expected, not a finding)." }
        }
        @if !r.refunds_after_deletion.is_empty() {
            (NL) p { "Refunded after the " (ev) ": " (r.refunds_after_deletion.display()) "." }
        }
    }
}

/// What happened at the resource's `deleted_at`, as a noun.
fn event(a: Action) -> &'static str {
    match a {
        Action::Deleted => "deletion",
        Action::Stopped => "stop",
        Action::Unsubscribed => "unsubscription",
    }
}

/// A resource an unsubscribed plan covered bills pay-as-you-go since the plan ended (contract
/// Part 2), as the table says.
fn plan_ended(r: &ResourceReport) -> bool {
    r.scope == "product" && r.action == Action::Unsubscribed && r.refund.is_none()
}

fn resource(i: usize, r: &ResourceReport, report: &Report, tz: FixedOffset) -> Markup {
    let window_end = after(
        r.deleted_at,
        Duration::seconds(report.settings.window_seconds),
    );
    let grace = Duration::seconds(report.settings.grace_seconds);
    let timeline = detail(r).timeline.as_ref();
    let bars = timeline
        .into_iter()
        .flat_map(|t| &t.currencies)
        .flat_map(|c| &c.bars)
        .map(|b| (b.start, b.end));
    let mut marks = vec![r.deleted_at, window_end];
    marks.extend(r.complete_through);
    let domain = chart::domain(bars, &marks);
    let empty_note = match r.verdict {
        Verdict::NotInBill => "no bill line mentions this resource",
        _ => "no bill line to draw",
    };
    let name = display_name(r);
    let frame = |currency: &'static str| chart::Chart {
        tz,
        domain,
        deleted_at: r.deleted_at,
        action: r.action.name(),
        event: event(r.action),
        grace,
        window_end,
        complete_through: r.complete_through,
        currency,
        totals: [None, None, None, None],
        bars: &[],
        empty_note,
        label: format!("Timeline of the charges for {name}"),
    };
    html! {
        section class={ "resource " (r.verdict.name()) } id={ "r" (i + 1) } {
            header {
                span class={ "badge " (r.verdict.name()) } { (verdict_words(r.verdict)) }
                h2 { (name) }
                span class="muted" {
                    (dash(&r.product))
                    @if let Some(p) = &r.provider { " · " (p) }
                    " · " (r.action.name()) " " (local(r.deleted_at, tz)) " (" (format_offset(tz)) ")"
                }
                @if let Some(c) = r.change {
                    span class="change" {
                        (c.name()) " since the baseline"
                        @if let Some(v) = r.previous_verdict { " (was " (verdict_words(v)) ")" }
                    }
                }
            }
            (NL)
            @match timeline.filter(|t| !t.currencies.is_empty()) {
                Some(t) => {
                    @for c in &t.currencies {
                        (chart::render(&chart::Chart {
                            currency: &c.currency,
                            totals: [
                                None,
                                r.tail_amount.get(&c.currency).map(|a| amount(&c.currency, a)),
                                r.amount_after_deletion.get(&c.currency).map(|a| amount(&c.currency, a)),
                                None,
                            ],
                            bars: &c.bars,
                            label: format!("Timeline of the charges for {name}, in {}", c.currency),
                            ..frame("")
                        })) (NL)
                    }
                    @if t.currencies.len() > 1 {
                        p class="muted" { "One chart per currency: amounts in different currencies are never added." }
                    }
                },
                None => { (chart::render(&frame(""))) (NL) },
            }
            (explanation(r, report, tz))
            (NL)
            dl class="facts" {
                @if !r.bill_ids.is_empty() {
                    dt { "Billed as" }
                    dd {
                        @for (j, id) in r.bill_ids.iter().enumerate() {
                            @if j > 0 { ", " }
                            code { (id) }
                        }
                        @if !r.rules.is_empty() {
                            span class="muted" { " (rules: " (r.rules.join(", ")) ")" }
                        }
                    }
                }
                @if !r.items.is_empty() {
                    dt { "Still billing, by item" }
                    dd {
                        ul class="items" {
                            @for item in &r.items {
                                li { (item.display()) }
                            }
                        }
                    }
                }
                @if !r.sources.is_empty() {
                    dt { "Charges after deletion at" }
                    dd {
                        @for (j, s) in r.sources.iter().enumerate() {
                            @if j > 0 { ", " }
                            code { (s.path) ":" (s.line) }
                        }
                        @if r.lines_after_deletion > r.sources.len() {
                            span class="muted" { " (the first " (r.sources.len()) " of " (r.lines_after_deletion) ")" }
                        }
                    }
                }
                @if let Some(f) = r.refund.as_ref().filter(|f| !f.sources.is_empty()) {
                    dt { "Refund check lines" }
                    dd {
                        @for (j, s) in f.sources.iter().enumerate() {
                            @if j > 0 { ", " }
                            code { (s.path) ":" (s.line) }
                        }
                    }
                }
                @if !detail(r).origin.is_empty() {
                    dt { "Declared at" }
                    dd { code { (detail(r).origin) } }
                }
                @if let Some(n) = &r.note {
                    dt { "Note" }
                    dd { (n) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_report_renders_a_section_and_a_chart_per_resource() {
        let report = crate::report::sample::report();
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        let mut out = Vec::new();
        render(&report, tz, &mut out).unwrap();
        let html = String::from_utf8(out).unwrap();
        assert_eq!(
            html.matches("<section class=\"resource ").count(),
            report.resources.len()
        );
        assert_eq!(
            html.matches("<svg class=\"chart\"").count(),
            report.resources.len()
        );
        for c in crate::report::timeline::Class::ALL.map(chart::class_name) {
            assert!(html.contains(&format!(".{c} {{")), "style for {c}");
        }
        assert!(!html.contains("<script"), "no script");
        assert!(
            !html.contains("http://") || !html.contains("src="),
            "nothing loaded"
        );
    }
}
