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
    let mut head = headers(tz).to_vec();
    if refunds {
        head.push("REFUND".into());
    }
    writeln!(out, "{}", row(&head))?;
    writeln!(out, "|{}", "---|".repeat(head.len()))?;
    for r in &report.resources {
        let mut c = cells(r, report, tz).to_vec();
        c[0] = format!("**{}**", c[0]);
        if refunds {
            c.push(r.refund.as_ref().map_or_else(|| "-".into(), |f| f.line()));
        }
        writeln!(out, "{}", row(&c))?;
    }
    writeln!(out)?;
    for line in summary_lines(report, tz) {
        writeln!(out, "- {}", escape(&line))?;
    }
    Ok(())
}

/// Pipes would split a cell and a leading `=`/`@` would be a formula once pasted into a sheet.
fn escape(s: &str) -> String {
    // Decided before line breaks become spaces: `\r=1+1` is a formula too.
    let formula = matches!(s.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r')) && s != "-";
    let s = s.replace('|', "\\|").replace(['\n', '\r'], " ");
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
    }

    #[test]
    fn markdown_report_snapshot() {
        let mut out = Vec::new();
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        render(&crate::report::sample::report(), tz, &mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }
}
