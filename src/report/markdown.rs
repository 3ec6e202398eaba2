//! `--format markdown`: the table as GitHub-flavoured Markdown, for pasting into a ticket.

use super::table::{cells, headers, summary_lines};
use super::Report;
use chrono::FixedOffset;
use std::io::{self, Write};

pub fn render(report: &Report, tz: FixedOffset, out: &mut dyn Write) -> io::Result<()> {
    let row = |cells: &[String]| {
        let escaped: Vec<String> = cells.iter().map(|c| escape(c)).collect();
        format!("| {} |", escaped.join(" | "))
    };
    // A refund column only when some resource was unsubscribed.
    let refunds = report.resources.iter().any(|r| r.refund.is_some());
    let mut head = headers(report, tz);
    if refunds {
        head.push("REFUND".into());
    }
    writeln!(out, "{}", row(&head))?;
    writeln!(out, "|{}", "---|".repeat(head.len()))?;
    for r in &report.resources {
        let mut c = cells(r, report, tz);
        if refunds {
            c.push(r.refund.as_ref().map_or_else(|| "-".into(), |f| f.line()));
        }
        let c: Vec<String> = c.iter().map(|c| escape(c)).collect();
        writeln!(out, "| **{}** | {} |", c[0], c[1..].join(" | "))?;
    }
    writeln!(out)?;
    for line in summary_lines(report, tz) {
        writeln!(out, "- {}", escape(&line))?;
    }
    let billing: Vec<_> = report
        .resources
        .iter()
        .filter(|r| !r.items.is_empty())
        .collect();
    if !billing.is_empty() {
        writeln!(out)?;
        writeln!(out, "Still billing, by billing item:")?;
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            row(&[
                "resource",
                "product",
                "billing item",
                "billing mode",
                "lines",
                "amount"
            ]
            .map(String::from))
        )?;
        writeln!(out, "|{}", "---|".repeat(6))?;
        for r in billing {
            for i in &r.items {
                writeln!(
                    out,
                    "{}",
                    row(&[
                        r.resource_id.clone(),
                        i.product.clone(),
                        i.billing_item.clone(),
                        i.billing_mode.clone(),
                        i.lines.to_string(),
                        i.amount.display(),
                    ])
                )?;
            }
        }
    }
    Ok(())
}

/// Pipes would split a cell and a leading `=`/`@` would be a formula once pasted into a sheet;
/// a ticket renders Markdown and some HTML, so tags, entities, link brackets and code spans are
/// text too; control characters (ESC, BEL) are shown escaped as on a terminal.
fn escape(s: &str) -> String {
    // Decided before line breaks become spaces: `\r=1+1` is a formula too.
    let formula = matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r')) && s != "-";
    let flat = s.replace(['\n', '\r'], " ");
    let mut s = String::with_capacity(flat.len());
    for c in super::printable(&flat).chars() {
        match c {
            '|' | '[' | ']' | '`' | '*' | '\\' => {
                s.push('\\');
                s.push(c);
            }
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '&' => s.push_str("&amp;"),
            _ => s.push(c),
        }
    }
    if formula {
        format!("'{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_escaped() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("=1+1"), "'=1+1");
        assert_eq!(escape("-"), "-");
        assert_eq!(escape("\r=1+1"), "' =1+1");
        assert_eq!(escape("@x|y"), "'@x\\|y");
        assert_eq!(
            escape("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            escape("[x](javascript:alert(1))"),
            "\\[x\\](javascript:alert(1))"
        );
        // Markdown shows `\\u{1b}` as `\u{1b}`: the escape is visible, the byte is gone.
        assert_eq!(escape("a\u{1b}[2Jb\u{7}"), "a\\\\u{1b}\\[2Jb\\\\u{7}");
        assert_eq!(escape("&#x3C;img"), "&amp;#x3C;img");
    }

    #[test]
    fn markdown_report_snapshot() {
        let mut out = Vec::new();
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        render(&crate::report::sample::report(), tz, &mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }
}
