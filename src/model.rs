//! The canonical types every stage shares: a deletion and its index, a matched bill line, and
//! the small vocabularies (export formats, kinds of line, verdicts). Types only: no reading,
//! matching or deciding.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// An export format, detected from a file's header row, by the name its file in
/// `ingest::formats` declares (`huawei`, `alibaba`, `focus`); `ingest::formats::FORMATS` lists
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Format(&'static str);

impl Format {
    pub const fn named(name: &'static str) -> Self {
        Format(name)
    }

    pub fn name(self) -> &'static str {
        self.0
    }
}

impl Serialize for Format {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The provider key used for coverage and for a register's `provider` column: `huawei`,
/// `alibaba`, `aws`, `azure`, `gcp`, `oracle`, or a FOCUS `ProviderName` in lower case.
pub fn canonical_provider(name: &str) -> String {
    let n = name.trim().to_ascii_lowercase();
    let squeezed: String = n
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .collect();
    match squeezed.as_str() {
        "huawei" | "huaweicloud" | "hwc" | "华为云" => "huawei".into(),
        "alibaba" | "alibabacloud" | "aliyun" | "alicloud" | "阿里云" => "alibaba".into(),
        "aws" | "amazonwebservices" | "amazon" => "aws".into(),
        "azure" | "microsoft" | "microsoftazure" => "azure".into(),
        "gcp" | "google" | "googlecloud" | "googlecloudplatform" => "gcp".into(),
        "oracle" | "oci" | "oraclecloud" | "oraclecloudinfrastructure" => "oracle".into(),
        _ => n,
    }
}

/// What a bill line says it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LineKind {
    Usage,
    Purchase,
    Renewal,
    Refund,
    Credit,
    Adjustment,
    Tax,
    /// An unsubscription handling fee (Huawei `消费-退订手续费`): part of the refund check,
    /// never a charge.
    Fee,
    #[default]
    Other,
}

impl LineKind {
    /// Refunds and credits give money back; they are never a charge.
    pub fn is_refund(self) -> bool {
        matches!(self, LineKind::Refund | LineKind::Credit)
    }
}

/// What happened to a resource at its `deleted_at`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Deleted or released: nothing of it should bill afterwards.
    #[default]
    Deleted,
    /// Stopped, not deleted: its disks and storage keep billing until it is deleted.
    Stopped,
    /// A yearly/monthly resource, renewal or resource plan unsubscribed: judged as a deletion,
    /// and it also gets the refund check.
    Unsubscribed,
}

impl Action {
    pub const ALL: [Action; 3] = [Action::Deleted, Action::Stopped, Action::Unsubscribed];

    pub fn name(self) -> &'static str {
        match self {
            Action::Deleted => "deleted",
            Action::Stopped => "stopped",
            Action::Unsubscribed => "unsubscribed",
        }
    }

    /// The register's spelling, in any case.
    pub fn parse(s: &str) -> Option<Action> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "deleted" | "delete" => Some(Action::Deleted),
            "stopped" | "stop" => Some(Action::Stopped),
            "unsubscribed" | "unsubscribe" => Some(Action::Unsubscribed),
            _ => None,
        }
    }

    /// A stop ends compute charges only; deletions and unsubscriptions end the resource.
    pub fn is_stop(self) -> bool {
        self == Action::Stopped
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the report says of every stopped resource.
pub const STOP_NOTE: &str =
    "stopped, not deleted: its disks and storage keep billing until it is deleted";

/// Where a deletion was declared or found: a register row (`file`, `line`), an audit-log record
/// (`file` and the [`AuditRecord`]), or a flag (`--product`, no line).
///
/// Every deletion keeps one and every report entry a copy, so it is small: the file's name is
/// shared by the rows of a file, and what only a record has is boxed (a register row has none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Origin {
    #[serde(serialize_with = "shared_str")]
    pub file: Arc<str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub audit: Option<Box<AuditRecord>>,
    /// The `origin` a register row states itself (a row `billrecon deletions` derived).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cited: Option<String>,
}

/// What an audit-log record adds to its [`Origin`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    /// Which record of an audit log or report (1 = the first), in file order.
    pub record: u64,
    /// `cts`, `actiontrail`, `cloudtrail` or `cloud-nuke`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// Writes a shared string as the string it is.
pub(crate) fn shared_str<S: serde::Serializer>(v: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(v)
}

impl Origin {
    /// A flag or other place with no line: `--product`.
    pub fn flag(name: &str) -> Self {
        Origin {
            file: name.into(),
            ..Origin::default()
        }
    }

    /// A register row.
    pub fn row(file: &str, line: u64) -> Self {
        Origin::row_of(file.into(), line)
    }

    /// A row of the file `file` names, shared with the file's other rows.
    pub fn row_of(file: Arc<str>, line: u64) -> Self {
        Origin {
            file,
            line: Some(line),
            ..Origin::default()
        }
    }

    /// A record of an audit log.
    pub fn record(file: Arc<str>, record: AuditRecord) -> Self {
        Origin {
            file,
            audit: Some(Box::new(record)),
            ..Origin::default()
        }
    }

    /// Which record of an audit log it is (`None` for a register row or a flag).
    pub fn record_number(&self) -> Option<u64> {
        self.audit.as_ref().map(|a| a.record)
    }

    /// Whether it is an audit-log record rather than a row someone wrote.
    pub fn is_derived(&self) -> bool {
        self.audit.is_some()
    }

    /// The provenance a reviewer follows: an audit record's `file:record event-id`, or the
    /// origin a register row cites; `None` for rows typed by hand.
    pub fn provenance(&self) -> Option<String> {
        if self.is_derived() {
            Some(self.to_string())
        } else {
            self.cited.clone()
        }
    }
}

/// The compact form: `register.csv:4`, `trail.json.gz:3 c4ddaa0b-…`, `--product`.
impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(n) = self.record_number().or(self.line) {
            write!(f, ":{n}")?;
        }
        if let Some(id) = self.audit.as_ref().and_then(|a| a.event_id.as_ref()) {
            write!(f, " {id}")?;
        }
        Ok(())
    }
}

/// One thing that was deleted (or stopped, or unsubscribed): a resource, or everything billed
/// under a product.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deletion {
    /// The ID as the user wrote it; `None` for a product-level cleanup.
    pub resource_id: Option<String>,
    /// Another name the bill may use for the resource as its ID (a ModelArts service's name,
    /// billed as `<name>-<AI application UUID>`): lines match either.
    pub resource_name: Option<String>,
    pub product: Option<String>,
    pub provider: Option<String>,
    pub deleted_at: DateTime<Utc>,
    pub action: Action,
    pub note: Option<String>,
    /// Where it was declared or found.
    pub origin: Origin,
}

impl Deletion {
    /// `resource_id` as bill IDs are compared with it (ASCII lower case), built when asked for:
    /// kept in every deletion, it would cost as much as the ID again.
    pub fn key(&self) -> Option<String> {
        self.resource_id.as_deref().map(str::to_ascii_lowercase)
    }
}

/// A deletion's place in the one list of deletions a check works on (the register's rows, then
/// the `--product` cleanups): what a matched line says it hits, and what tallies are kept under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeletionIdx(pub u32);

impl DeletionIdx {
    /// The index of the `i`-th deletion; `None` past `u32::MAX` deletions.
    pub fn of(i: usize) -> Option<Self> {
        u32::try_from(i).ok().map(DeletionIdx)
    }

    /// Its position in the list.
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

/// Where a line stands in the order the report reads lines in: by time, then input, then line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineKey {
    /// The usage-window start, else the time charged.
    pub time: DateTime<Utc>,
    /// Index of the input in the order given.
    pub input: u32,
    /// Line of the file where the record starts.
    pub line: u64,
}

/// One bill line that mentions a deleted resource, as read: what `ingest` hands the deciding
/// side (borrowed from the reader's buffers, so counting it allocates nothing).
#[derive(Debug, Clone, Copy)]
pub struct BillLine<'a> {
    pub key: LineKey,
    pub usage_end: Option<DateTime<Utc>>,
    pub kind: LineKind,
    pub amount: Decimal,
    pub usage: Option<Decimal>,
    /// The usage quantity's unit as the bill wrote it (`""` when it names none).
    pub unit: &'a str,
    pub deductions: Deductions<'a>,
    pub currency: &'a str,
    pub provider: &'a str,
    /// The resource ID as the bill wrote it, and the ID rule that normalized it.
    pub bill_id: &'a str,
    pub rule: &'a str,
    pub resource_name: &'a str,
    pub product: &'a str,
    pub product_code: &'a str,
    /// What is billed within the product (else its SKU; `""` when the export says neither).
    pub billing_item: &'a str,
    /// Pay-as-you-go or subscription, as the export writes it (`按需`, `后付费`, `Usage-Based`).
    pub billing_mode: &'a str,
    /// What an unsubscription reads of the line beyond the above; only read when the deciding
    /// side asks for it (`ingest::Count::wants_extras`).
    pub extras: Option<LineExtras>,
}

/// A time unit of an order's subscription period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Year,
    Month,
    Day,
    Hour,
}

/// An order's subscription period: `count` units (Huawei `订单周期数` × `订单周期单位`, Alibaba
/// `服务时长` × `时长单位`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    pub count: u32,
    pub unit: Unit,
}

/// The cells of a matched line the refund check and the plan switchover read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineExtras {
    /// Vouchers used; `None` when the export has no voucher column (no payment split).
    pub vouchers: Option<Decimal>,
    /// An order's original (list) price.
    pub original_price: Option<Decimal>,
    pub period: Option<Period>,
    /// The unsubscription fee column.
    pub fee: Option<Decimal>,
    /// A resource plan, reserved instance, savings plan or commitment covered the line.
    pub covered: bool,
    /// The line's product is Alibaba ECS (product code `ecs`).
    pub ecs: bool,
}

/// What covered a line instead of money, as the export's deduction columns say: usage a
/// resource plan or package covered (Huawei `套餐内使用量`, Alibaba `资源包抵扣`), usage a reserved
/// instance covered (`预留实例内使用量`, `抵扣量（含RI）`), an amount a savings plan covered
/// (`节省计划抵扣金额`), a commitment discount (FOCUS `PricingCategory` = `Committed`).
/// One reading of them serves both the report's "billed at no charge" and the refund check's
/// plan switchover.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Deductions<'a> {
    /// Plan usage, in `plan_unit` (a unit written in the cell, else the line's usage unit).
    pub plan: Option<Decimal>,
    pub plan_unit: &'a str,
    pub reserved: Option<Decimal>,
    pub reserved_unit: &'a str,
    /// In the line's currency.
    pub savings_plan: Option<Decimal>,
    pub committed: bool,
}

impl Deductions<'_> {
    /// Whether anything covered the line.
    pub fn covered(&self) -> bool {
        let some = |d: Option<Decimal>| d.is_some_and(|d| !d.is_zero());
        some(self.plan) || some(self.reserved) || some(self.savings_plan) || self.committed
    }
}

/// The answer for a deleted resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    StillBilling,
    Pending,
    NotInBill,
    Stopped,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::StillBilling => "still_billing",
            Verdict::Pending => "pending",
            Verdict::NotInBill => "not_in_bill",
            Verdict::Stopped => "stopped",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_names_fold_to_one_key() {
        for (name, key) in [
            ("Huawei Cloud", "huawei"),
            ("huawei", "huawei"),
            ("Alibaba Cloud", "alibaba"),
            ("AWS", "aws"),
            ("Amazon Web Services", "aws"),
            ("Microsoft", "azure"),
            ("Google Cloud", "gcp"),
            ("Oracle", "oracle"),
            ("OCI", "oracle"),
            ("Oracle Cloud Infrastructure", "oracle"),
            ("Microsoft Azure", "azure"),
        ] {
            assert_eq!(canonical_provider(name), key, "{name}");
        }
    }

    #[test]
    fn verdicts_order_worst_first() {
        let mut v = vec![
            Verdict::Stopped,
            Verdict::NotInBill,
            Verdict::StillBilling,
            Verdict::Pending,
        ];
        v.sort();
        assert_eq!(
            v,
            [
                Verdict::StillBilling,
                Verdict::Pending,
                Verdict::NotInBill,
                Verdict::Stopped
            ]
        );
    }
}
