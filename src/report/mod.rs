//! The report: what a check found, as one value every output format renders.
//!
//! The JSON form is the contract (`schema_version` 1); the other formats are views of the same
//! value and never compute anything of their own. Owns rendering only: it reads no input and
//! decides no verdict (`reconcile` fills the value). A new output format is one file here and
//! its [`OutputFormat`] variant.

mod csv;
pub mod deletions;
mod html;
pub mod inspect;
mod json;
mod markdown;
mod refund;
mod table;
pub mod timeline;

pub use refund::RefundReport;

use crate::model::{Action, Format, Origin, Verdict};
use crate::money::Amounts;
use crate::reconcile::baseline::Change;
use crate::time::rfc3339;
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub const SCHEMA_VERSION: u32 = 1;

/// Text from an export made safe for a terminal: control characters (an escape sequence in a
/// resource name could rewrite the screen) and bidirectional overrides (which can make one ID
/// read as another) are shown escaped, `\u{1b}`. Line ends are kept.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(unsafe_char) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.into()
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub settings: Settings,
    pub inputs: Vec<InputReport>,
    pub coverage: Vec<Coverage>,
    pub summary: Summary,
    /// Each entry boxed: built one by one as each deletion's tallies are freed, an entry then
    /// takes the room a tally left, where one vector of every entry would be a block of its own
    /// on top of it (about 0.5 KiB a deleted resource; issue 11, item 18).
    pub resources: Vec<Box<ResourceReport>>,
    /// Things a reviewer should know that did not stop the check.
    pub warnings: Vec<String>,
    /// `--baseline`: the earlier report compared with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineInfo>,
    /// `--baseline`: its entries this run's register no longer has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gone: Option<Vec<Gone>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BaselineInfo {
    pub path: String,
    /// How far the baseline's bill data reached (the latest of its providers).
    pub complete_through: Option<String>,
}

/// A baseline entry this run does not have.
#[derive(Debug, Clone, Serialize)]
pub struct Gone {
    pub resource_id: String,
    pub product: String,
    pub provider: Option<String>,
    /// Its verdict in the baseline.
    pub verdict: Verdict,
}

/// How many resources moved each way since the baseline.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub new: usize,
    pub continuing: usize,
    pub unchanged: usize,
    pub resolved: usize,
    pub settled: usize,
    pub added: usize,
    pub gone: usize,
}

impl Changes {
    pub fn count(&mut self, c: Change) {
        *match c {
            Change::New => &mut self.new,
            Change::Continuing => &mut self.continuing,
            Change::Unchanged => &mut self.unchanged,
            Change::Resolved => &mut self.resolved,
            Change::Settled => &mut self.settled,
            Change::Added => &mut self.added,
        } += 1;
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    pub lag_seconds: i64,
    pub window_seconds: i64,
    pub grace_seconds: i64,
    #[serde(serialize_with = "opt_time")]
    pub as_of: Option<DateTime<Utc>>,
    pub tz: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputReport {
    pub path: String,
    pub format: Format,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<&'static str>,
    pub rows: u64,
    pub duplicate_rows: u64,
    pub skipped_rows: u64,
    /// Totals rows (`合计`, `Total`) recognised and left out: counted, never silently dropped.
    pub totals_rows: u64,
    pub currency: Option<String>,
    #[serde(serialize_with = "opt_time")]
    pub first_usage: Option<DateTime<Utc>>,
    #[serde(serialize_with = "opt_time")]
    pub last_usage: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub provider: String,
    #[serde(serialize_with = "opt_time")]
    pub complete_through: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub deletions: usize,
    pub still_billing: usize,
    pub pending: usize,
    pub not_in_bill: usize,
    pub stopped: usize,
    pub amount_after_deletion: Amounts,
    /// `--baseline`: the changes counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<Changes>,
    /// Refund checks by status (`refunded`, `refund_short`, …); absent without unsubscriptions.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub refunds: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResourceReport {
    /// The register's ID, or for a product-level cleanup the normalized ID found in the bill.
    pub resource_id: String,
    /// Raw IDs the bill wrote for this resource.
    pub bill_ids: Vec<String>,
    /// Normalization rules that mapped `bill_ids` to `resource_id`.
    pub rules: Vec<String>,
    pub resource_name: String,
    pub product: String,
    pub provider: Option<String>,
    /// `resource` for a register row with an ID, `product` for a product-level cleanup.
    pub scope: &'static str,
    #[serde(serialize_with = "time")]
    pub deleted_at: DateTime<Utc>,
    pub verdict: Verdict,
    /// Lines of the inputs that mention the resource (after removing duplicates).
    pub lines: usize,
    pub lines_after_deletion: usize,
    pub amount_after_deletion: Amounts,
    /// The usage of the post-deletion charges when all of it is in one unit, else `null`.
    pub usage_after_deletion: Option<String>,
    /// That usage by unit (`""` where the export names none): `{"GB": "3", "Hrs": "12"}`.
    pub usage_after_deletion_by_unit: ByUnit,
    /// Post-deletion charges billed at no charge (amount zero, usage shown): still a finding.
    pub no_charge_lines: usize,
    /// What the export's deduction columns say covered the post-deletion charges.
    pub deducted_after_deletion: Vec<DeductedReport>,
    /// The post-deletion charges by billing item and billing mode, largest amount first: what
    /// a user must go and stop.
    pub items: Vec<ItemReport>,
    #[serde(serialize_with = "opt_time")]
    pub first_after_deletion: Option<DateTime<Utc>>,
    #[serde(serialize_with = "opt_time")]
    pub last_after_deletion: Option<DateTime<Utc>>,
    pub tail_lines: usize,
    pub tail_amount: Amounts,
    pub refunds_after_deletion: Amounts,
    /// Coverage that decided `pending` versus a final verdict.
    #[serde(serialize_with = "opt_time")]
    pub complete_through: Option<DateTime<Utc>>,
    /// When a usage line longer than a day (dated only by its month) spans the deletion: its
    /// end. What it billed after the deletion cannot be told from it, so the resource stays
    /// `pending` while it runs past the window.
    #[serde(serialize_with = "opt_time", skip_serializing_if = "Option::is_none")]
    pub wide_tail_until: Option<DateTime<Utc>>,
    /// File and line of the first post-deletion charges.
    pub sources: Vec<SourceRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// `--baseline`: how this resource moved since the earlier report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
    /// `--baseline`: its verdict in the earlier report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_verdict: Option<Verdict>,
    /// What happened at `deleted_at` when it is not `deleted`: `stopped` (its storage keeps
    /// billing) or `unsubscribed`.
    #[serde(skip_serializing_if = "is_deleted")]
    pub action: Action,
    /// The refund check of an unsubscribed resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund: Option<Box<RefundReport>>,
    /// Where the deletion was declared or found (absent for `--product`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Box<Origin>>,
    /// What only the HTML report shows; `None` for the other formats, which pay nothing for it
    /// (and for an entry built without it, read as empty).
    #[serde(skip)]
    pub detail: Option<Box<Detail>>,
}

fn is_deleted(a: &Action) -> bool {
    *a == Action::Deleted
}

/// What the HTML report shows of a resource beyond the JSON's fields.
#[derive(Debug, Clone, Default)]
pub struct Detail {
    /// Where the deletion was declared: `register.csv:4`, `--product`.
    pub origin: String,
    /// The ID the bill was searched for, normalized as bill IDs are compared (`None` for a
    /// product-level cleanup, which looks for the product).
    pub looked_for: Option<String>,
    /// Amounts by time bucket (only with `-f html`; `None` when no line mentions the resource).
    pub timeline: Option<timeline::Timeline>,
}

/// Quantities by unit, ordered by unit, each unit once; a JSON object. A vector, not a map: an
/// entry has one unit or two, and a map's first node is over half a kilobyte, in every entry
/// of a resource still billing (issue 11, item 18).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ByUnit(Vec<(String, String)>);

impl ByUnit {
    /// Sets the quantity of `unit`.
    pub fn insert(&mut self, unit: String, quantity: String) {
        match self.0.binary_search_by(|(u, _)| u.cmp(&unit)) {
            Ok(i) => self.0[i].1 = quantity,
            Err(i) => self.0.insert(i, (unit, quantity)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// (unit, quantity), ordered by unit.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(u, q)| (u.as_str(), q.as_str()))
    }
}

/// As a map's `collect` does: a unit given twice keeps its last quantity.
impl FromIterator<(String, String)> for ByUnit {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        let mut out = ByUnit::default();
        for (u, q) in pairs {
            out.insert(u, q);
        }
        out.0.shrink_to_fit();
        out
    }
}

impl<const N: usize> From<[(String, String); N]> for ByUnit {
    fn from(pairs: [(String, String); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl Serialize for ByUnit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

/// The usage after the deletion by unit, for people: `3 GB, 12 Hrs` (a unit the export does not
/// name is left out: `12`).
pub fn usage_by_unit(r: &ResourceReport) -> String {
    r.usage_after_deletion_by_unit
        .iter()
        .map(|(unit, q)| format!("{q} {unit}").trim_end().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A billing item that still bills after the deletion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemReport {
    pub product: String,
    /// The item billed within the product (`""` where the export names none); for the items
    /// past the first few, `(other items)`.
    pub billing_item: String,
    pub billing_mode: String,
    pub lines: usize,
    pub amount: Amounts,
}

impl ItemReport {
    /// `公网流量 (DataWorks, 后付费): 1 line, CNY 1.60`.
    pub fn display(&self) -> String {
        let what: Vec<&str> = [self.product.as_str(), self.billing_mode.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        let item = if self.billing_item.is_empty() {
            "(no billing item)"
        } else {
            &self.billing_item
        };
        format!(
            "{item}{}: {} {}, {}",
            if what.is_empty() {
                String::new()
            } else {
                format!(" ({})", what.join(", "))
            },
            self.lines,
            if self.lines == 1 { "line" } else { "lines" },
            self.amount.display()
        )
    }
}

/// One kind of deduction over a resource's post-deletion charges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeductedReport {
    /// `resource plan`, `reserved instance`, `savings plan` or `commitment`.
    pub by: &'static str,
    /// Usage covered (plans, reserved instances), an amount (savings plans) or a count of lines
    /// (commitments).
    pub quantity: String,
    /// The usage unit, the currency, or `lines`.
    pub unit: String,
}

impl DeductedReport {
    /// `resource plan 2 小时`.
    pub fn display(&self) -> String {
        format!("{} {} {}", self.by, self.quantity, self.unit)
            .trim_end()
            .to_string()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceRef {
    /// One copy of an input's path for all its cited lines (up to five a resource).
    #[serde(serialize_with = "crate::model::shared_str")]
    pub path: std::sync::Arc<str>,
    pub line: u64,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Json,
    Csv,
    Markdown,
    Html,
}

/// Renders `report` in `format`; `tz` is the offset people read times in.
pub fn render(
    report: &Report,
    format: OutputFormat,
    tz: FixedOffset,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Table => table::render(report, tz, out),
        OutputFormat::Json => json::render(report, out),
        OutputFormat::Csv => csv::render(report, out),
        OutputFormat::Markdown => markdown::render(report, tz, out),
        OutputFormat::Html => html::render(report, tz, out),
    }
}

fn time<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*t))
}

fn opt_time<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&rfc3339(*t)),
        None => s.serialize_none(),
    }
}

/// A time for people: `2026-10-20 11:10` in the report's offset.
pub fn local(t: DateTime<Utc>, tz: FixedOffset) -> String {
    let l = t.with_timezone(&tz);
    if l.format("%S").to_string() == "00" {
        l.format("%Y-%m-%d %H:%M").to_string()
    } else {
        l.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
/// as a formula; a leading `'` makes it text. A cell that already starts with quotes before
/// one of those gets one more, so that the register reader, which drops one, reads it back.
pub fn spreadsheet_safe(s: &str) -> String {
    match s.trim_start_matches('\'').chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

#[cfg(test)]
pub(crate) mod sample;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralized() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("@sum"), "'@sum");
        assert_eq!(spreadsheet_safe("-1+2"), "'-1+2");
        assert_eq!(spreadsheet_safe("\tx"), "'\tx");
        assert_eq!(spreadsheet_safe("nb-01"), "nb-01");
        assert_eq!(spreadsheet_safe("'=x"), "''=x");
        assert_eq!(spreadsheet_safe("'x"), "'x");
    }

    #[test]
    fn usage_by_unit_reads_and_writes_as_the_map_it_replaced() {
        let pairs = [("Hrs", "12"), ("GB", "3"), ("", "1"), ("GB", "4")]
            .map(|(u, q)| (u.to_string(), q.to_string()));
        let by_unit: ByUnit = pairs.clone().into_iter().collect();
        let map: BTreeMap<String, String> = pairs.into_iter().collect();
        assert!(by_unit
            .iter()
            .eq(map.iter().map(|(u, q)| (u.as_str(), q.as_str()))));
        assert_eq!(
            serde_json::to_string(&by_unit).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
        assert_eq!(serde_json::to_string(&ByUnit::default()).unwrap(), "{}");
    }
}
