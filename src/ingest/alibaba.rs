//! Alibaba Cloud Bill Details (账单详情 / 明细账单): Chinese console headers (both the `原价` and
//! the `官网价` variant), English console headers and the OSS-delivered CamelCase headers.

use super::spec::{Field, FormatSpec};
use crate::model::{Format, LineKind};

pub static SPEC: FormatSpec = FormatSpec {
    format: Format::Alibaba,
    provider: Some("alibaba"),
    default_currency: "CNY",
    naive_is_utc: false,
    columns: &[
        (Field::ResourceId, &["实例ID", "InstanceID", "Instance ID"]),
        (
            Field::ResourceName,
            &["实例昵称", "NickName", "Instance Nickname", "Instance Name"],
        ),
        (
            Field::ProductCode,
            &["产品Code", "ProductCode", "Product Code"],
        ),
        (
            Field::ProductName,
            &["产品", "ProductName", "Product Name", "Product"],
        ),
        (
            Field::UsageStart,
            &[
                "账单开始时间",
                "UsageStartTime",
                "Usage Start Time",
                "Billing Start Time",
            ],
        ),
        (
            Field::UsageEnd,
            &[
                "账单结束时间",
                "UsageEndTime",
                "Usage End Time",
                "Billing End Time",
            ],
        ),
        (
            Field::ExpenditureTime,
            &[
                "消费时间",
                "PaymentTime",
                "Payment Time",
                "Consumption Time",
            ],
        ),
        (Field::Kind, &["账单类型", "Item", "Bill Type"]),
        (
            Field::Amount,
            &[
                "应付金额",
                "PretaxAmount",
                "Pretax Amount",
                "Amount Payable",
            ],
        ),
        (Field::Usage, &["用量", "Usage"]),
        (Field::Currency, &["币种", "Currency"]),
    ],
    kind,
};

/// `账单类型` / `Item` values to canonical kinds.
fn kind(k: &str, _class: &str) -> LineKind {
    let folded: String = k
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    match folded.as_str() {
        "后付账单" | "后付费账单" | "payasyougobill" | "postpaidbill" | "" => {
            LineKind::Usage
        }
        "预付订单" | "预付费订单" | "subscriptionorder" | "prepaidorder" => {
            LineKind::Purchase
        }
        "退款" | "refund" => LineKind::Refund,
        "调账" | "adjustment" => LineKind::Adjustment,
        _ => LineKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bill_kinds_map_to_kinds() {
        for (cell, want) in [
            ("后付账单", LineKind::Usage),
            ("PayAsYouGoBill", LineKind::Usage),
            ("Pay-As-You-Go Bill", LineKind::Usage),
            ("预付订单", LineKind::Purchase),
            ("SubscriptionOrder", LineKind::Purchase),
            ("退款", LineKind::Refund),
            ("Refund", LineKind::Refund),
            ("调账", LineKind::Adjustment),
            ("其他", LineKind::Other),
        ] {
            assert_eq!(kind(cell, ""), want, "{cell}");
        }
    }
}
