//! What a format module declares: the canonical fields, the header aliases that bind them, and
//! how the format's vocabulary maps to canonical kinds of line.

use crate::model::{Format, LineKind};

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
}

impl Field {
    pub const COUNT: usize = 15;

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
        }
    }
}

/// A bill-export format: how to recognise and read it.
#[derive(Debug)]
pub struct FormatSpec {
    pub format: Format,
    /// Provider key of every line, or `None` when a column says it per line (FOCUS).
    pub provider: Option<&'static str>,
    /// Currency when neither a column nor a header suffix says.
    pub default_currency: &'static str,
    /// Whether times without an offset are UTC (FOCUS) rather than in `--tz`.
    pub naive_is_utc: bool,
    /// Header aliases per field, most specific first.
    pub columns: &'static [(Field, &'static [&'static str])],
    /// Maps the kind (and charge-class) cells to a canonical kind.
    pub kind: fn(kind: &str, class: &str) -> LineKind,
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

/// Every format billrecon reads, in detection order.
pub static SPECS: [&FormatSpec; 3] = [
    &super::huawei::SPEC,
    &super::alibaba::SPEC,
    &super::focus::SPEC,
];

/// ASCII-case-insensitive prefix test for vocabularies written in English.
pub fn starts_with_ic(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}
