//! Which kind-of-line cells make a line a refund or credit, per export format, as data: the SQL
//! is written from these tests, and a unit test proves them equal to the format modules' own
//! `kind` functions (`LineKind::is_refund`) over every vocabulary the formats know.

use crate::model::Format;

/// A test on the kind cell (already trimmed, empty markers made empty).
#[derive(Debug, Clone, Copy)]
pub enum Test {
    /// Starts with, byte for byte.
    Prefix(&'static str),
    /// Starts with, ASCII case-insensitively.
    PrefixIc(&'static str),
    Contains(&'static str),
    Equals(&'static str),
    /// Equals after ASCII lower-casing.
    LowerEquals(&'static str),
    /// Equals after removing whitespace, `-` and `_` and ASCII lower-casing.
    FoldedEquals(&'static str),
}

/// The cells that read as a refund or credit in each format.
pub fn refund_tests(format: Format) -> &'static [Test] {
    use Test::*;
    match format.name() {
        // `退款-*` and the API's refund codes are refunds; `补偿` (compensation) is a credit.
        "huawei" => &[
            Prefix("退款"),
            PrefixIc("refund"),
            Equals("4"),
            Equals("20"),
            Equals("24"),
            Contains("补偿"),
            PrefixIc("adjustment-compensation"),
            Equals("9"),
        ],
        "alibaba" => &[FoldedEquals("退款"), FoldedEquals("refund")],
        "focus" => &[LowerEquals("credit")],
        _ => &[],
    }
}

impl Test {
    /// The test in Rust, for the proof against the format's `kind` function.
    pub fn holds(self, k: &str) -> bool {
        match self {
            Test::Prefix(p) => k.starts_with(p),
            Test::PrefixIc(p) => crate::ingest::formats::starts_with_ic(k, p),
            Test::Contains(p) => k.contains(p),
            Test::Equals(p) => k == p,
            Test::LowerEquals(p) => k.to_ascii_lowercase() == p,
            Test::FoldedEquals(p) => fold(k) == p,
        }
    }
}

/// Whitespace, `-` and `_` removed, ASCII lower-cased (how Alibaba's vocabulary is compared).
pub fn fold(k: &str) -> String {
    k.chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
        .collect::<String>()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::formats::FORMATS;

    /// Every kind cell the formats' own tests and the fixtures use, and near misses.
    const CELLS: &[&str] = &[
        "",
        "消费-使用",
        "消费-新购",
        "消费-续订",
        "消费-自动续订",
        "退款-退订",
        "退款",
        "退款-包年/包月转按需",
        "调账-补偿",
        "调账-扣费",
        "Expenditure-use",
        "Expenditure-auto renewal",
        "Refund-unsubscription",
        "REFUND",
        "refunds",
        "ReFund-x",
        "Adjustment-compensation",
        "adjustment-compensation-x",
        "Adjustment",
        "4",
        "20",
        "24",
        "9",
        "5",
        "1",
        "16",
        "2",
        "8",
        "40",
        "后付账单",
        "后付费账单",
        "PayAsYouGoBill",
        "Pay-As-You-Go Bill",
        "预付订单",
        "SubscriptionOrder",
        "Re fund",
        "re_fund",
        "RE-FUND",
        "调账",
        "后付费",
        "预付费",
        "Pay-As-You-Go",
        "Subscription",
        "其他",
        "Credit",
        "credit",
        "CREDIT",
        "Credits",
        "Usage",
        "Purchase",
        "Tax",
        "Correction",
        "补偿金",
        "x退款",
        "税",
        "tax refund",
        "Refund\u{3000}",
        "退 款",
    ];

    #[test]
    fn refund_tests_agree_with_each_formats_kind_function() {
        for spec in FORMATS
            .iter()
            .filter(|s| super::super::SOURCES.contains(&s.format.name()))
        {
            for cell in CELLS {
                let want = (spec.kind)(cell, "").is_refund();
                let got = refund_tests(spec.format).iter().any(|t| t.holds(cell));
                assert_eq!(got, want, "{} `{cell}`", spec.format);
            }
        }
    }
}
