//! `--format table` (the default): one line per resource, verdict first, then a summary and how
//! far the bill data reaches. For people at a terminal.

use super::{local, printable, Report, ResourceReport};
use crate::model::{Action, Verdict};
use crate::time::format_offset;
use chrono::{Duration, FixedOffset};
use std::io::{self, Write};

/// For a resource whose post-deletion charges include lines at no charge: `billed at no charge
/// (resource plan 2 小时)`, or `2 of 3 lines billed at no charge (…)`.
pub(super) fn no_charge(r: &ResourceReport) -> Option<String> {
    if r.no_charge_lines == 0 {
        return None;
    }
    let what = if r.no_charge_lines == r.lines_after_deletion {
        "billed at no charge".to_string()
    } else {
        format!(
            "{} of {} lines billed at no charge",
            r.no_charge_lines, r.lines_after_deletion
        )
    };
    let deducted: Vec<String> = r
        .deducted_after_deletion
        .iter()
        .map(|d| d.display())
        .collect();
    Some(if deducted.is_empty() {
        what
    } else {
        format!("{what}, deducted: {}", deducted.join(", "))
    })
}

/// The cells of one resource row, shared with the Markdown view.
pub(super) fn cells(r: &ResourceReport, report: &Report, tz: FixedOffset) -> Vec<String> {
    let resource = match (r.resource_id.is_empty(), r.resource_name.is_empty()) {
        (true, _) => format!("(all of {})", r.product),
        (false, false) if !r.resource_name.eq_ignore_ascii_case(&r.resource_id) => {
            format!("{} ({})", r.resource_id, r.resource_name)
        }
        _ => r.resource_id.clone(),
    };
    let after = if r.lines_after_deletion == 0 {
        "-".to_string()
    } else {
        let usage = super::usage_by_unit(r);
        format!(
            "{} {}, {}{}",
            r.lines_after_deletion,
            plural(r.lines_after_deletion, "line"),
            r.amount_after_deletion.display(),
            if usage.is_empty() {
                String::new()
            } else {
                format!(" ({usage})")
            }
        )
    };
    let tail = if r.tail_lines == 0 {
        "-".to_string()
    } else {
        format!(
            "{} {}, {}",
            r.tail_lines,
            plural(r.tail_lines, "line"),
            r.tail_amount.display()
        )
    };
    // A resource an unsubscribed plan covered bills pay-as-you-go now (contract Part 2).
    let plan_ended = r.scope == "product" && r.action == Action::Unsubscribed && r.refund.is_none();
    let note = match r.verdict {
        Verdict::StillBilling => {
            let charged = match (r.first_after_deletion, r.last_after_deletion) {
                (Some(a), Some(b)) if a != b => {
                    format!("charged from {} to {}", local(a, tz), local(b, tz))
                }
                (Some(a), _) => format!("charged at {}", local(a, tz)),
                _ => String::new(),
            };
            let charged = match no_charge(r) {
                Some(free) => format!("{free}; {charged}"),
                None => charged,
            };
            if plan_ended {
                format!("pay-as-you-go since the plan ended: {charged}")
            } else {
                charged
            }
        }
        Verdict::Pending => {
            let needed = r.deleted_at + Duration::seconds(report.settings.window_seconds);
            match r.complete_through {
                Some(ct) if ct >= needed && r.wide_tail_until.is_some() => format!(
                    "a line for the whole month spans the deletion (to {}); needs a daily or hourly export",
                    local(r.wide_tail_until.unwrap_or(ct), tz)
                ),
                Some(ct) => format!(
                    "bill complete through {}; needs {}",
                    local(ct, tz),
                    local(needed, tz)
                ),
                None => format!("no bill data yet; needs {}", local(needed, tz)),
            }
        }
        Verdict::NotInBill => "no bill line mentions this ID".to_string(),
        Verdict::Stopped if !r.refunds_after_deletion.is_empty() => {
            format!(
                "no charge after deletion; refunded {}",
                r.refunds_after_deletion.display()
            )
        }
        Verdict::Stopped => "no charge after deletion".to_string(),
    };
    let mut note = note;
    // The refund check of an unsubscription has a line of its own (below).
    if r.action.is_stop() {
        note.push_str("; ");
        note.push_str(crate::model::STOP_NOTE);
    }
    // Deletions found in audit logs cite their record, so a reviewer can look it up.
    if let Some(o) = &r.origin {
        if let Some(p) = o.provenance() {
            note.push_str(&format!("; from {p}"));
        }
        if o.audit
            .as_ref()
            .is_some_and(|a| a.source == Some("cloud-nuke"))
        {
            note.push_str(" (cloud-nuke's report time: deleted by then, maybe earlier)");
        }
    }
    let mut row = vec![
        r.verdict.name().to_string(),
        resource,
        if r.product.is_empty() {
            "-".into()
        } else {
            r.product.clone()
        },
        local(r.deleted_at, tz),
        after,
        tail,
        note,
    ];
    if report.baseline.is_some() {
        row.insert(1, r.change.map_or("-", |c| c.name()).to_string());
    }
    row
}

pub(super) fn headers(report: &Report, tz: FixedOffset) -> Vec<String> {
    let mut head = vec![
        "VERDICT".into(),
        "RESOURCE".into(),
        "PRODUCT".into(),
        format!("DELETED ({})", format_offset(tz)),
        "AFTER DELETION".into(),
        "TAIL".into(),
        "NOTE".into(),
    ];
    if report.baseline.is_some() {
        head.insert(1, "CHANGE".into());
    }
    head
}

pub fn render(report: &Report, tz: FixedOffset, out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<Vec<String>> = report
        .resources
        .iter()
        // A line end inside a cell would start a row of the reader's choosing (a forged
        // `stopped` line): cells stay on one line.
        .map(|r| {
            cells(r, report, tz)
                .iter()
                .map(|c| printable(c).replace('\n', "\\n"))
                .collect()
        })
        .collect();
    let head = headers(report, tz);
    let mut widths = vec![0usize; head.len()];
    for row in std::iter::once(&head).chain(&rows) {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(c));
        }
    }
    for (n, row) in std::iter::once(&head).chain(&rows).enumerate() {
        let mut line = String::new();
        for (i, (c, &w)) in row.iter().zip(&widths).enumerate() {
            line.push_str(c);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(w - width(c) + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
        let resource = n.checked_sub(1).and_then(|i| report.resources.get(i));
        // What still bills, item by item, under the resource's own column.
        for item in resource.map_or(&[][..], |r| &r.items[..]) {
            writeln!(
                out,
                "{}└ {}",
                " ".repeat(widths[0] + 2),
                printable(&item.display())
            )?;
        }
        // An unsubscribed resource's refund check, on a line of its own under the resource.
        if let Some(f) = resource.and_then(|r| r.refund.as_ref()) {
            let indent = " ".repeat(widths[0] + 2);
            writeln!(out, "{indent}{}", printable(&f.line()))?;
        }
    }
    writeln!(out)?;
    for line in summary_lines(report, tz) {
        writeln!(out, "{}", printable(&line))?;
    }
    Ok(())
}

/// The summary under the table (also used by the Markdown view).
pub(super) fn summary_lines(report: &Report, tz: FixedOffset) -> Vec<String> {
    let s = &report.summary;
    let mut lines = vec![format!(
        "{} deleted {}: {} still billing, {} pending, {} not in bill, {} stopped",
        s.deletions,
        plural(s.deletions, "resource"),
        s.still_billing,
        s.pending,
        s.not_in_bill,
        s.stopped
    )];
    if !s.amount_after_deletion.is_empty() {
        lines.push(format!(
            "Charged after deletion: {}",
            s.amount_after_deletion.display()
        ));
    }
    if !s.refunds.is_empty() {
        let counts: Vec<String> = s.refunds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        lines.push(format!("Refund checks: {}", counts.join(", ")));
    }
    for c in &report.coverage {
        lines.push(match c.complete_through {
            Some(t) => format!(
                "Bill data complete through {} ({}) for {}",
                local(t, tz),
                format_offset(tz),
                c.provider
            ),
            None => format!(
                "Bill data for {} has no usage times: coverage unknown",
                c.provider
            ),
        });
    }
    let rows: u64 = report.inputs.iter().map(|i| i.rows).sum();
    let dup: u64 = report.inputs.iter().map(|i| i.duplicate_rows).sum();
    let skipped: u64 = report.inputs.iter().map(|i| i.skipped_rows).sum();
    let mut read = format!(
        "Read {} {} ({} rows)",
        report.inputs.len(),
        plural(report.inputs.len(), "export"),
        rows
    );
    if dup > 0 {
        read.push_str(&format!("; {dup} duplicate lines counted once"));
    }
    if skipped > 0 {
        let rows = if skipped == 1 { "row" } else { "rows" };
        let per_input: Vec<String> = report
            .inputs
            .iter()
            .filter(|i| i.skipped_rows > 0)
            .map(|i| format!("{}: {}", i.path, i.skipped_rows))
            .collect();
        read.push_str(&format!(
            "; {skipped} bad {rows} skipped ({}): nothing is confirmed stopped",
            per_input.join(", ")
        ));
    }
    lines.push(read);
    if let (Some(b), Some(c)) = (&report.baseline, &s.changes) {
        lines.push(change_line(b, c, tz));
        if let Some(gone) = report.gone.as_ref().filter(|g| !g.is_empty()) {
            let ids: Vec<&str> = gone
                .iter()
                .map(|g| {
                    if g.resource_id.is_empty() {
                        g.product.as_str()
                    } else {
                        g.resource_id.as_str()
                    }
                })
                .collect();
            lines.push(format!(
                "Gone from the register since the baseline: {}",
                ids.join(", ")
            ));
        }
    }
    lines
}

/// `1 new, 1 continuing since the baseline (bill complete through …)`: what a daily job's
/// reader looks at first.
pub(super) fn change_line(b: &super::BaselineInfo, c: &super::Changes, tz: FixedOffset) -> String {
    let counts: Vec<String> = [
        (c.new, "new"),
        (c.settled, "settled"),
        (c.continuing, "continuing"),
        (c.resolved, "resolved"),
        (c.added, "added"),
        (c.gone, "gone"),
        (c.unchanged, "unchanged"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, w)| format!("{n} {w}"))
    .collect();
    let counts = if counts.is_empty() {
        "no change".to_string()
    } else {
        counts.join(", ")
    };
    let through = b
        .complete_through
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| {
            format!(
                " (bill complete through {} {})",
                local(t.with_timezone(&chrono::Utc), tz),
                format_offset(tz)
            )
        })
        .unwrap_or_default();
    format!("Since the baseline {}{through}: {counts}", b.path)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// Terminal columns a string takes: East Asian wide characters take two.
pub(super) fn width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            let wide = matches!(u,
                0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
                | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
                | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
            if wide { 2 } else { 1 }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("弹性云服务器"), 12);
        assert_eq!(width("AI开发平台ModelArts"), 4 + 8 + 9 - 2);
    }

    #[test]
    fn control_characters_in_names_reach_the_terminal_escaped() {
        let mut report = crate::report::sample::report();
        report.resources[0].resource_name = "evil\u{1b}[2J\u{202e}name".into();
        let mut out = Vec::new();
        render(&report, FixedOffset::east_opt(0).unwrap(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("evil\\u{1b}[2J\\u{202e}name"), "{text}");
        assert!(!text.contains('\u{1b}'));
    }

    #[test]
    fn a_line_end_in_a_name_cannot_forge_a_row() {
        let mut report = crate::report::sample::report();
        report.resources[0].resource_name =
            "x\nstopped        ecs-forged  ECS  2026-10-10 08:30  -  -  no charge after deletion"
                .into();
        let mut out = Vec::new();
        render(&report, FixedOffset::east_opt(0).unwrap(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            !text
                .lines()
                .any(|l| l.starts_with("stopped        ecs-forged")),
            "{text}"
        );
        assert!(text.contains("(x\\nstopped"), "{text}");
        assert_eq!(
            text.lines()
                .filter(|l| l.starts_with("still_billing"))
                .count(),
            1
        );
    }

    #[test]
    fn table_report_snapshot() {
        let mut out = Vec::new();
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        render(&crate::report::sample::report(), tz, &mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }
}
