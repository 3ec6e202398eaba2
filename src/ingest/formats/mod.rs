//! Export formats: the canonical fields a bill line can carry, what each format declares in its
//! own file (its name and title, the header aliases that bind the fields, how its vocabulary maps
//! to kinds of line, its quirks), and [`FORMATS`], the one list of the formats billrecon reads.
//!
//! Adding a format is one new file declaring a [`FormatSpec`] and one line in [`FORMATS`]; every
//! list of format or provider names elsewhere (`explain-id`, the rules file's providers, format
//! detection, `inspect`) is derived from it.

pub mod alibaba;
pub mod azure;
pub mod cur;
pub mod detect;
pub mod focus;
pub mod header;
pub mod huawei;
pub mod oci;

use crate::model::{Format, LineKind};
use chrono::NaiveDate;

/// The canonical fields a bill line can carry. Each format binds a subset by header name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    ResourceId,
    ChildResourceId,
    ResourceName,
    ProductCode,
    ProductName,
    UsageStart,
    UsageEnd,
    /// When the line was charged (Huawei `交易时间`).
    ChargeTime,
    /// Huawei `消费时间`, Alibaba `消费时间`/PaymentTime: a time or a `start ~ end` range.
    ExpenditureTime,
    Kind,
    ChargeClass,
    Amount,
    Usage,
    Currency,
    Provider,
    /// What is billed within the product (Huawei `使用量类型`, Alibaba `计费项`, FOCUS
    /// `ChargeDescription`, CUR usage type, Azure meter, OCI SKU description): what a user must
    /// go and stop.
    BillingItem,
    /// Unit of the usage quantity (`使用量单位`, `用量单位`, `ConsumedUnit`, `pricing/unit`,
    /// `UnitOfMeasure`, …): usage is summed per unit only.
    Unit,
    /// Vouchers used (Huawei and Alibaba `代金券抵扣`): the amount less them is what was paid.
    Vouchers,
    /// An order's original (list) price (Alibaba `原价`/`官网价`).
    OriginalPrice,
    /// An order's number of periods and their unit (Huawei `订单周期数`/`订单周期单位`,
    /// Alibaba `服务时长`/`时长单位`).
    PeriodCount,
    PeriodUnit,
    /// The unsubscription fee column (Huawei `退订手续费`).
    Fee,
    /// Usage or amounts a resource plan, reserved instance or savings plan covered (FOCUS:
    /// `PricingCategory`, covered when `Committed`).
    PlanUsage,
    ReservedUsage,
    SavingsPlan,
    /// The day a line is for (Alibaba billing-item files' `日期`): its usage window when it has
    /// no other.
    Day,
    /// The billing cycle (`账期`, `YYYY-MM`): the usage window of a line dated by nothing else.
    Cycle,
    /// A SKU (FOCUS `SkuId`): the billing item of a line whose [`Field::BillingItem`] is empty.
    Sku,
    /// Pay-as-you-go or subscription (Huawei `计费模式`, Alibaba `消费类型`, FOCUS
    /// `ChargeFrequency`).
    BillingMode,
}

impl Field {
    pub const COUNT: usize = 29;

    pub const ALL: [Field; Field::COUNT] = [
        Field::ResourceId,
        Field::ChildResourceId,
        Field::ResourceName,
        Field::ProductCode,
        Field::ProductName,
        Field::UsageStart,
        Field::UsageEnd,
        Field::ChargeTime,
        Field::ExpenditureTime,
        Field::Kind,
        Field::ChargeClass,
        Field::Amount,
        Field::Usage,
        Field::Currency,
        Field::Provider,
        Field::BillingItem,
        Field::Unit,
        Field::Vouchers,
        Field::OriginalPrice,
        Field::PeriodCount,
        Field::PeriodUnit,
        Field::Fee,
        Field::PlanUsage,
        Field::ReservedUsage,
        Field::SavingsPlan,
        Field::Day,
        Field::Cycle,
        Field::Sku,
        Field::BillingMode,
    ];

    /// The meaning shown by `inspect` and in error messages.
    pub fn meaning(self) -> &'static str {
        match self {
            Field::ResourceId => "resource ID",
            Field::ChildResourceId => "child resource ID",
            Field::ResourceName => "resource name",
            Field::ProductCode => "product code",
            Field::ProductName => "product",
            Field::UsageStart => "usage start",
            Field::UsageEnd => "usage end",
            Field::ChargeTime => "time charged",
            Field::ExpenditureTime => "expenditure time",
            Field::Kind => "kind of line",
            Field::ChargeClass => "charge class",
            Field::Amount => "amount",
            Field::Usage => "usage quantity",
            Field::Currency => "currency",
            Field::Provider => "provider",
            Field::BillingItem => "billing item",
            Field::Unit => "unit",
            Field::Vouchers => "vouchers",
            Field::OriginalPrice => "original price",
            Field::PeriodCount => "order periods",
            Field::PeriodUnit => "order period unit",
            Field::Fee => "unsubscription fee",
            Field::PlanUsage => "resource-plan deduction",
            Field::ReservedUsage => "reserved-instance deduction",
            Field::SavingsPlan => "savings-plan deduction",
            Field::Day => "day",
            Field::Cycle => "billing cycle",
            Field::Sku => "SKU",
            Field::BillingMode => "billing mode",
        }
    }
}

/// A bill-export format: how to recognise and read it.
#[derive(Debug)]
pub struct FormatSpec {
    pub format: Format,
    /// What the format is called for people.
    pub title: &'static str,
    /// Provider key of every line, or `None` when a column says it per line (FOCUS).
    pub provider: Option<&'static str>,
    /// Every provider key its lines can carry (what a rules file's `provider` may name).
    pub providers: &'static [&'static str],
    /// Currency when neither a column nor a header suffix says.
    pub default_currency: &'static str,
    /// Whether times without an offset are UTC (FOCUS) rather than in `--tz`.
    pub naive_is_utc: bool,
    /// Header aliases per field, most specific first.
    pub columns: &'static [(Field, &'static [&'static str])],
    /// Maps the kind (and charge-class) cells to a canonical kind.
    pub kind: fn(kind: &str, class: &str) -> LineKind,
    /// The version of the format a header row implies, for formats that have versions.
    pub version: Option<fn(header: &[String]) -> &'static str>,
    /// Where the format departs from the common way of reading (most formats: [`Reading::PLAIN`]).
    pub reading: Reading,
}

/// Reads a day-dated cell to its date, or says why it is not one.
pub type ReadDay = fn(&str) -> Result<NaiveDate, String>;

/// What a format reads differently from the others.
#[derive(Debug, Clone, Copy)]
pub struct Reading {
    /// The export may lack a resource-ID column (an AWS CUR written without resource IDs): its
    /// lines then mention no resource, and only product-level cleanups match them.
    pub id_optional: bool,
    /// The usage-start column holds a day (Azure `Date`) that this function reads; the line's
    /// usage window is that whole day, in UTC when `naive_is_utc`, else in `--tz`.
    pub day: Option<ReadDay>,
    /// Only lines of kind `Usage` feed coverage: the format's kind column tells metered usage
    /// from taxes, fees, credits, refunds and corrections, which never say how far it is billed.
    pub coverage_from_usage_only: bool,
}

impl Reading {
    pub const PLAIN: Reading = Reading {
        id_optional: false,
        day: None,
        coverage_from_usage_only: false,
    };
}

impl FormatSpec {
    pub fn aliases(&self, f: Field) -> &'static [&'static str] {
        self.columns
            .iter()
            .find(|(g, _)| *g == f)
            .map(|(_, a)| *a)
            .unwrap_or(&[])
    }
}

/// Every format billrecon reads, in detection order: the one list a new format is added to.
pub static FORMATS: &[&FormatSpec] = &[
    &huawei::SPEC,
    &alibaba::SPEC,
    &focus::SPEC,
    &cur::SPEC,
    &azure::SPEC,
    &oci::SPEC,
];

/// The format of this name (`huawei`, `alibaba`, `focus`, `cur`, `azure`, `oci`).
pub fn by_name(name: &str) -> Option<&'static FormatSpec> {
    FORMATS.iter().copied().find(|s| s.format.name() == name)
}

/// What a format is called for people.
pub fn title(f: Format) -> &'static str {
    by_name(f.name()).map_or("", |s| s.title)
}

/// Every provider key some format's lines can carry, each once, in registry order.
pub fn provider_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for k in FORMATS.iter().flat_map(|s| s.providers) {
        if !keys.contains(k) {
            keys.push(k);
        }
    }
    keys
}

/// ASCII-case-insensitive prefix test for vocabularies written in English.
pub fn starts_with_ic(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// ASCII-case-insensitive suffix test for vocabularies written in English.
pub fn ends_with_ic(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Whether `s.to_ascii_lowercase()` contains `needle` (ASCII, lower case), without the copy: the
/// kind functions run on bill-type cells. An ASCII byte never occurs inside a multi-byte UTF-8
/// character, so a window of bytes matches exactly where the characters do.
pub fn contains_ic(s: &str, needle: &str) -> bool {
    needle.is_empty()
        || s.as_bytes()
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// `s` trimmed and ASCII-lower-cased into `buf`, skipping the characters `skip` names; `None`
/// when the result would not fit, which no word a kind function compares with comes near.
pub fn fold_into<'b>(s: &str, skip: fn(char) -> bool, buf: &'b mut [u8; 32]) -> Option<&'b str> {
    let mut n = 0;
    for c in s.trim().chars().filter(|&c| !skip(c)) {
        let len = c.len_utf8();
        let to = buf.get_mut(n..n + len)?;
        c.to_ascii_lowercase().encode_utf8(to);
        n += len;
    }
    std::str::from_utf8(&buf[..n]).ok()
}

/// `s` trimmed and ASCII-lower-cased into `buf` (see [`fold_into`]).
pub fn lower_into<'b>(s: &str, buf: &'b mut [u8; 32]) -> Option<&'b str> {
    fold_into(s, |_| false, buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_tests_say_what_lower_casing_a_copy_says() {
        let cells = [
            "",
            " ",
            "Tax",
            "消费-税费",
            "Expenditure-Unsubscription FEE",
            "RIFee",
            "fe",
            "ÄUSAGEé",
            " Usage\t",
            "pay-as-you-go_Bill",
            "后付 账单",
            "x\u{3000}renewal\u{3000}",
        ];
        let words = [
            "",
            "tax",
            "fee",
            "renewal",
            "usage",
            "unsubscription fee",
            "é",
        ];
        for s in cells {
            let lower = s.to_ascii_lowercase();
            for w in words {
                assert_eq!(contains_ic(s, w), lower.contains(w), "{s:?} {w:?}");
                assert_eq!(ends_with_ic(s, w), lower.ends_with(w), "{s:?} {w:?}");
            }
            let mut buf = [0; 32];
            assert_eq!(
                lower_into(s, &mut buf),
                Some(s.trim().to_ascii_lowercase().as_str())
            );
            let skip = |c: char| c.is_whitespace() || c == '-';
            let folded: String = s.trim().chars().filter(|&c| !skip(c)).collect();
            let mut buf = [0; 32];
            assert_eq!(
                fold_into(s, skip, &mut buf),
                Some(folded.to_ascii_lowercase().as_str())
            );
        }
        // Longer than the buffer: no answer rather than a cut word.
        let mut buf = [0; 32];
        assert_eq!(lower_into(&"a".repeat(33), &mut buf), None);
        assert_eq!(
            lower_into(&"a".repeat(32), &mut buf).map(str::len),
            Some(32)
        );
        assert_eq!(lower_into(&"é".repeat(17), &mut buf), None);
    }
}
