//! Huawei Cloud Expenditure Details (`PriceFactorBillDetail`, resource and transaction bills):
//! Chinese and English console headers and the BSS API's field names.

use super::{contains_ic, starts_with_ic, Field, FormatSpec, Reading};
use crate::model::{Format, LineKind};

pub static SPEC: FormatSpec = FormatSpec {
    format: Format::named("huawei"),
    title: "Huawei Cloud Expenditure Details",
    provider: Some("huawei"),
    providers: &["huawei"],
    default_currency: "CNY",
    naive_is_utc: false,
    columns: &[
        (
            Field::ResourceId,
            &["资源ID", "Resource ID", "res_instance_id", "resource_id"],
        ),
        (
            Field::ChildResourceId,
            &[
                "子资源ID",
                "Resource ID (Child Resource)",
                "Child Resource ID",
                "sub_resource_id",
            ],
        ),
        (
            Field::ResourceName,
            &["资源名称", "Resource Name", "resource_name"],
        ),
        (
            Field::ProductCode,
            &[
                "产品类型编码",
                "Service Type Code",
                "cloud_service_type",
                "service_type_code",
            ],
        ),
        (
            Field::ProductName,
            &["产品类型", "Service Type", "cloud_service_type_name"],
        ),
        (
            Field::UsageStart,
            &[
                "使用开始时间",
                "Usage Start Time",
                "Start Time",
                "effective_time",
            ],
        ),
        (
            Field::UsageEnd,
            &["使用结束时间", "Usage End Time", "End Time", "expire_time"],
        ),
        (
            Field::ChargeTime,
            &["交易时间", "Transaction Time", "trade_time"],
        ),
        (
            Field::ExpenditureTime,
            &["消费时间", "Expenditure Time", "consume_time"],
        ),
        (
            Field::Kind,
            &["账单类型", "Bill Type", "Expenditure Type", "bill_type"],
        ),
        (
            Field::Amount,
            &["应付金额", "Amount Due", "Amount", "consume_amount"],
        ),
        (Field::Usage, &["使用量", "Usage", "usage"]),
        (Field::Currency, &["币种", "Currency", "currency"]),
        // What the refund check and the plan switchover read (issue 15).
        (Field::Vouchers, &["代金券抵扣", "coupon_amount"]),
        (Field::PeriodCount, &["订单周期数"]),
        (Field::PeriodUnit, &["订单周期单位"]),
        (Field::Fee, &["退订手续费"]),
        (
            Field::PlanUsage,
            &["套餐内使用量", "Package Usage", "free_resource_usage"],
        ),
        (
            Field::ReservedUsage,
            &["预留实例内使用量", "RI Usage", "ri_usage"],
        ),
        (Field::Unit, &["使用量单位", "Usage Unit", "usage_unit"]),
        (
            Field::BillingItem,
            &[
                "使用量类型",
                "使用量类型编码",
                "Usage Type",
                "Usage Type Code",
                "usage_type",
            ],
        ),
        (
            Field::BillingMode,
            &["计费模式", "Billing Mode", "charging_mode", "charge_mode"],
        ),
    ],
    kind,
    version: None,
    reading: Reading::PLAIN,
};

/// `账单类型` values (Chinese labels, English labels, API codes) to canonical kinds.
fn kind(k: &str, _class: &str) -> LineKind {
    let k = k.trim();
    if k.starts_with("退款") || starts_with_ic(k, "refund") || matches!(k, "4" | "20" | "24") {
        LineKind::Refund
    } else if k.contains("补偿") || starts_with_ic(k, "adjustment-compensation") || k == "9" {
        LineKind::Credit
    } else if k.starts_with("调账") || starts_with_ic(k, "adjustment") || k == "16" {
        LineKind::Adjustment
    } else if k.contains("手续费") || contains_ic(k, "unsubscription fee") || k == "13" {
        LineKind::Fee
    } else if k.contains("续订") || contains_ic(k, "renewal") || matches!(k, "2" | "8") {
        LineKind::Renewal
    } else if k.contains("新购") || starts_with_ic(k, "expenditure-purchase") || k == "1" {
        LineKind::Purchase
    } else if k.contains("税") || contains_ic(k, "tax") {
        LineKind::Tax
    } else if k.starts_with("消费")
        || starts_with_ic(k, "expenditure")
        || k.is_empty()
        || k.bytes().all(|c| c.is_ascii_digit())
    {
        LineKind::Usage
    } else {
        LineKind::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bill_types_map_to_kinds() {
        for (cell, want) in [
            ("消费-使用", LineKind::Usage),
            ("消费-新购", LineKind::Purchase),
            ("消费-续订", LineKind::Renewal),
            ("消费-自动续订", LineKind::Renewal),
            ("退款-退订", LineKind::Refund),
            ("消费-退订手续费", LineKind::Fee),
            ("消费-退订手续费增收", LineKind::Fee),
            ("Expenditure-unsubscription fee", LineKind::Fee),
            ("13", LineKind::Fee),
            ("退款-包年/包月转按需", LineKind::Refund),
            ("调账-补偿", LineKind::Credit),
            ("调账-扣费", LineKind::Adjustment),
            ("Expenditure-use", LineKind::Usage),
            ("Expenditure-auto renewal", LineKind::Renewal),
            ("EXPENDITURE-AUTO RENEWAL", LineKind::Renewal),
            ("Expenditure-Unsubscription Fee", LineKind::Fee),
            ("Tax", LineKind::Tax),
            ("消费-税费", LineKind::Tax),
            ("Refund-unsubscription", LineKind::Refund),
            ("5", LineKind::Usage),
            ("4", LineKind::Refund),
            ("", LineKind::Usage),
        ] {
            assert_eq!(kind(cell, ""), want, "{cell}");
        }
    }
}
