//! Alibaba Cloud Bill Details (账单详情 / 明细账单): Chinese console headers (both the `原价` and
//! the `官网价` variant), English console headers and the OSS-delivered CamelCase headers; and
//! the billing-item files without a usage window (`BillingItemDetailDaily`, dated by `日期` and
//! `账期`).

use super::{Field, FormatSpec, Reading};
use crate::model::{Format, LineKind};

pub static SPEC: FormatSpec = FormatSpec {
    format: Format::named("alibaba"),
    title: "Alibaba Cloud Bill Details",
    provider: Some("alibaba"),
    providers: &["alibaba"],
    default_currency: "CNY",
    naive_is_utc: false,
    // Chinese console (both variants), OSS-delivered CamelCase (also the BSS API's keys; header
    // folding makes `InstanceId` and `instance_id` the same), then English console spellings.
    columns: &[
        (Field::ResourceId, &["实例ID", "InstanceID", "Instance ID"]),
        (
            Field::ResourceName,
            &[
                "实例昵称",
                "NickName",
                "Instance Nickname",
                "Instance Name",
                "Nick Name",
            ],
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
                "Bill Start Time",
            ],
        ),
        (
            Field::UsageEnd,
            &[
                "账单结束时间",
                "UsageEndTime",
                "Usage End Time",
                "Billing End Time",
                "Bill End Time",
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
        // `账单类型` (bill kind) where the export has it; else `消费类型` (prepaid/postpaid).
        (
            Field::Kind,
            &[
                "账单类型",
                "Item",
                "Bill Type",
                "消费类型",
                "SubscriptionType",
                "Subscription Type",
            ],
        ),
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
        // What the refund check and the plan switchover read (issue 15).
        (Field::Vouchers, &["代金券抵扣", "DeductedByCashCoupons"]),
        (
            Field::OriginalPrice,
            &["原价", "官网价", "PretaxGrossAmount"],
        ),
        (
            Field::PeriodCount,
            &["服务时长", "ServicePeriod", "Service Duration"],
        ),
        (
            Field::PeriodUnit,
            &["时长单位", "ServicePeriodUnit", "Duration Unit"],
        ),
        // Billing-item files (`BillingItemDetailDaily`) have no usage window: `日期` dates a
        // line to a day, and `账期` alone to a month.
        (Field::Day, &["日期", "BillingDate", "Billing Date"]),
        (Field::Cycle, &["账期", "BillingCycle", "Billing Cycle"]),
        (Field::Unit, &["用量单位", "UsageUnit", "Usage Unit"]),
        (
            Field::PlanUsage,
            &[
                "资源包抵扣",
                "DeductedByResourcePackage",
                "Deducted By Resource Plans",
            ],
        ),
        (
            Field::ReservedUsage,
            &["抵扣量（含RI）", "Deducted Usage (incl. RI)"],
        ),
        (
            Field::SavingsPlan,
            &["节省计划抵扣金额", "Deducted By Savings Plan"],
        ),
        (
            Field::BillingItem,
            &["计费项", "BillingItem", "Billing Item"],
        ),
        (
            Field::BillingMode,
            &["消费类型", "SubscriptionType", "Subscription Type"],
        ),
    ],
    kind,
    version: None,
    reading: Reading::PLAIN,
};

/// `账单类型` / `Item` values (Chinese labels, API codes, English labels) to canonical kinds;
/// where an export has only `消费类型` / `SubscriptionType`, its prepaid/postpaid values.
fn kind(k: &str, _class: &str) -> LineKind {
    let mut buf = [0; 32];
    let skip = |c: char| c.is_whitespace() || c == '-' || c == '_';
    match super::fold_into(k, skip, &mut buf).unwrap_or("?") {
        "后付账单" | "后付费账单" | "payasyougobill" | "postpaidbill" | "" => {
            LineKind::Usage
        }
        "预付订单" | "预付费订单" | "subscriptionorder" | "prepaidorder" => {
            LineKind::Purchase
        }
        "退款" | "refund" => LineKind::Refund,
        "调账" | "adjustment" | "adjust" => LineKind::Adjustment,
        // `消费类型` / SubscriptionType.
        "后付费" | "payasyougo" | "postpaid" => LineKind::Usage,
        "预付费" | "subscription" | "prepaid" => LineKind::Purchase,
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
            ("Adjustment", LineKind::Adjustment),
            ("后付费", LineKind::Usage),
            ("预付费", LineKind::Purchase),
            ("Pay-As-You-Go", LineKind::Usage),
            ("PayAsYouGo", LineKind::Usage),
            ("Subscription", LineKind::Purchase),
            ("其他", LineKind::Other),
        ] {
            assert_eq!(kind(cell, ""), want, "{cell}");
        }
    }

    fn header(s: &str) -> Vec<String> {
        s.split(',').map(String::from).collect()
    }

    #[test]
    fn every_header_variant_binds() {
        use crate::ingest::formats::detect::detect;
        // Variant A (OSS-subscribed detail file, `原价`), variant B (`官网价`, full-width
        // brackets, `币种`), English console headers, OSS CamelCase headers.
        let a = "账期,财务单元,账号ID,账号,Owner账号,产品Code,产品,产品明细Code,产品明细,消费类型,消费时间,账单开始时间,账单结束时间,服务时长,订单号/账单号,账单类型,计费方式,实例ID,实例昵称,资源组,实例标签,实例配置,实例规格,公网IP,私网IP,地域,可用区,计费项,单价,单价单位,用量,用量单位,资源包抵扣,原价,优惠金额,优惠券抵扣,应付金额,现金支付,代金券抵扣,储值卡支付金额,欠费金额";
        let b = "账期,财务单元,账号ID,账号,Owner账号ID,Owner账号,业务类型,产品Code,产品,产品明细Code,产品明细,消费类型,消费时间,账单开始时间,账单结束时间,账单类型,实例ID,实例昵称,实例标签,地域,计费项Code,计费项,用量,用量单位,时长单位,抵扣量（含RI）,官网价,优惠金额,应付金额,节省计划抵扣金额,信用额度退款抵扣,币种";
        let en = "Billing Cycle,Cost Center,Account Name,Product Code,Product Name,Subscription Type,Payment Time,Usage Start Time,Usage End Time,Bill Type,Instance ID,Instance Name,Usage,Pretax Amount,Currency";
        let oss = "BillingCycle,CostUnit,AccountID,AccountName,OwnerID,OwnerAccountName,SubscriptionType,ProductCode,ProductName,ProductType,ProductDetail,PaymentTime,UsageStartTime,UsageEndTime,ServicePeriod,RecordID,RelatedRecordID,Item,BillingType,InstanceID,NickName,ResourceGroup,Tag,InstanceConfig,InstanceSpec,InternetIP,IntranetIP,Region,Zone,PretaxGrossAmount,InvoiceDiscount,DeductedByCoupons,PretaxAmount,DeductedByCashCoupons,DeductedByPrepaidCard,PaymentAmount,OutstandingAmount,Currency";
        for (h, currency) in [(a, false), (b, true), (en, true), (oss, true)] {
            let cells = header(h);
            let bd = detect(&cells).unwrap_or_else(|| panic!("not detected: {h}"));
            assert_eq!(bd.spec.format, SPEC.format, "{h}");
            for f in [
                Field::ResourceId,
                Field::ResourceName,
                Field::ProductCode,
                Field::ProductName,
                Field::UsageStart,
                Field::UsageEnd,
                Field::ExpenditureTime,
                Field::Kind,
                Field::Amount,
            ] {
                assert!(bd.col(f).is_some(), "{f:?} unbound in {h}");
            }
            // The OSS detail file's documented columns carry no usage quantity.
            assert_eq!(bd.col(Field::Usage).is_some(), h != oss, "{h}");
            assert_eq!(bd.col(Field::Currency).is_some(), currency, "{h}");
        }
        // The bill kind wins over the prepaid/postpaid column wherever both are present.
        let bd = detect(&header(a)).unwrap();
        assert_eq!(bd.name(Field::Kind), "账单类型");
        assert_eq!(bd.name(Field::Amount), "应付金额");
        let bd = detect(&header(oss)).unwrap();
        assert_eq!(bd.name(Field::Kind), "Item");
        // With only `消费类型`, it is the kind.
        let bd = detect(&header("实例ID,消费类型,消费时间,应付金额")).unwrap();
        assert_eq!(bd.name(Field::Kind), "消费类型");
    }
}
