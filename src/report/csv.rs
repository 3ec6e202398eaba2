//! `--format csv`: one row per resource and currency, for spreadsheets. Text cells that a
//! spreadsheet would run as a formula are neutralized.

use super::{spreadsheet_safe, Report};
use crate::money::format_amount;
use crate::time::rfc3339;
use std::io::{self, Write};

const HEADER: [&str; 18] = [
    "verdict",
    "resource_id",
    "bill_ids",
    "rules",
    "resource_name",
    "product",
    "provider",
    "scope",
    "deleted_at",
    "currency",
    "amount_after_deletion",
    "lines_after_deletion",
    "usage_after_deletion",
    "first_after_deletion",
    "last_after_deletion",
    "tail_lines",
    "tail_amount",
    "refunds_after_deletion",
];

/// The refund check of an unsubscribed resource (empty for the others), after the Part 1 fields.
const REFUND: [&str; 8] = [
    "action",
    "refund_status",
    "refund_observed",
    "refund_expected_min",
    "refund_expected_max",
    "refund_paid",
    "refund_basis",
    "refund_sources",
];

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<&str> = HEADER.to_vec();
    header.extend([
        "complete_through",
        "sources",
        "usage_after_deletion_by_unit",
        "no_charge_lines",
        "deducted_after_deletion",
        "items",
    ]);
    header.extend(REFUND);
    let baseline = report.baseline.is_some();
    if baseline {
        header.extend(["change", "previous_verdict"]);
    }
    header.extend(["note", "origin"]);
    // Rows skipped with --skip-bad-rows, per input, on every row: a spreadsheet keeps no
    // summary line, and a skipped row may be the one that bills.
    let skipped: Vec<String> = report
        .inputs
        .iter()
        .filter(|i| i.skipped_rows > 0)
        .map(|i| format!("{}:{}", i.path, i.skipped_rows))
        .collect();
    if !skipped.is_empty() {
        header.push("skipped_rows");
    }
    w.write_record(&header)?;
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(rfc3339).unwrap_or_default();
    for r in &report.resources {
        let mut currencies: Vec<&str> = r
            .amount_after_deletion
            .iter()
            .chain(r.tail_amount.iter())
            .chain(r.refunds_after_deletion.iter())
            .map(|(c, _)| c)
            .chain(r.refund.iter().flat_map(|f| f.currencies()))
            .collect();
        currencies.sort_unstable();
        currencies.dedup();
        if currencies.is_empty() {
            currencies.push("");
        }
        for c in currencies {
            let amount =
                |a: &crate::money::Amounts| a.get(c).map(format_amount).unwrap_or_default();
            let sources: Vec<String> = r
                .sources
                .iter()
                .map(|s| format!("{}:{}", s.path, s.line))
                .collect();
            let refund = match &r.refund {
                Some(f) => {
                    let [observed, min, max, paid] = f.cells(c);
                    let cited: Vec<String> = f
                        .sources
                        .iter()
                        .map(|s| format!("{}:{}", s.path, s.line))
                        .collect();
                    [
                        f.status.name().to_string(),
                        observed,
                        min,
                        max,
                        paid,
                        spreadsheet_safe(&f.basis),
                        spreadsheet_safe(&cited.join(" ")),
                    ]
                }
                None => Default::default(),
            };
            let mut record = vec![
                r.verdict.name().to_string(),
                spreadsheet_safe(&r.resource_id),
                spreadsheet_safe(&r.bill_ids.join(";")),
                spreadsheet_safe(&r.rules.join(";")),
                spreadsheet_safe(&r.resource_name),
                spreadsheet_safe(&r.product),
                spreadsheet_safe(r.provider.as_deref().unwrap_or_default()),
                r.scope.to_string(),
                rfc3339(r.deleted_at),
                spreadsheet_safe(c),
                amount(&r.amount_after_deletion),
                r.lines_after_deletion.to_string(),
                r.usage_after_deletion.clone().unwrap_or_default(),
                time(r.first_after_deletion),
                time(r.last_after_deletion),
                r.tail_lines.to_string(),
                amount(&r.tail_amount),
                amount(&r.refunds_after_deletion),
                time(r.complete_through),
                spreadsheet_safe(&sources.join(" ")),
                spreadsheet_safe(&super::usage_by_unit(r)),
                r.no_charge_lines.to_string(),
                spreadsheet_safe(
                    &r.deducted_after_deletion
                        .iter()
                        .map(|d| d.display())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                spreadsheet_safe(
                    &r.items
                        .iter()
                        .map(|i| i.display())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                r.action.name().to_string(),
            ];
            record.extend(refund);
            if baseline {
                record.push(r.change.map_or("", |c| c.name()).to_string());
                record.push(r.previous_verdict.map_or("", |v| v.name()).to_string());
            }
            record.push(spreadsheet_safe(r.note.as_deref().unwrap_or_default()));
            record.push(spreadsheet_safe(
                &r.origin
                    .as_ref()
                    .map(|o| o.provenance().unwrap_or_else(|| o.to_string()))
                    .unwrap_or_default(),
            ));
            if !skipped.is_empty() {
                record.push(spreadsheet_safe(&skipped.join(";")));
            }
            w.write_record(&record)?;
        }
    }
    w.flush()
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_report_snapshot() {
        let mut out = Vec::new();
        super::render(&crate::report::sample::report(), &mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }
}
