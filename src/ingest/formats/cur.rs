//! AWS Cost and Usage Report: the legacy CUR (`lineItem/ResourceId`, `category/Name` headers)
//! and CUR 2.0 from Data Exports (`line_item_resource_id`, snake_case; CSV or Parquet).
//!
//! Column names and `LineItemType` values are the AWS data dictionary's
//! (docs.aws.amazon.com/cur/latest/userguide/Lineitem-columns.html, pricing-columns.html,
//! product-columns.html; CUR 2.0: table-dictionary-cur2-line-item.html, -pricing.html and
//! -product.html). Times are UTC (`…T00:00:00.000Z`). The resource-ID
//! column is optional: AWS writes it only when the report includes resource IDs, and a CUR
//! without it is read with every line mentioning no resource.

use super::{Field, FormatSpec, Reading};
use crate::model::{Format, LineKind};

pub static SPEC: FormatSpec = FormatSpec {
    format: Format::named("cur"),
    title: "AWS Cost and Usage Report",
    provider: Some("aws"),
    providers: &["aws"],
    // "All AWS customers are billed in US dollars by default" (lineItem/CurrencyCode).
    default_currency: "USD",
    naive_is_utc: true,
    columns: &[
        (
            Field::ResourceId,
            &["lineItem/ResourceId", "line_item_resource_id"],
        ),
        (
            Field::ProductCode,
            &["lineItem/ProductCode", "line_item_product_code"],
        ),
        // CUR 2.0 keeps the product name inside its `product` map column, which is not read:
        // its lines are named by `line_item_product_code`.
        (Field::ProductName, &["product/ProductName"]),
        (
            Field::UsageStart,
            &["lineItem/UsageStartDate", "line_item_usage_start_date"],
        ),
        (
            Field::UsageEnd,
            &["lineItem/UsageEndDate", "line_item_usage_end_date"],
        ),
        (
            Field::Kind,
            &["lineItem/LineItemType", "line_item_line_item_type"],
        ),
        (
            Field::Amount,
            &["lineItem/UnblendedCost", "line_item_unblended_cost"],
        ),
        (
            Field::Usage,
            &["lineItem/UsageAmount", "line_item_usage_amount"],
        ),
        (
            Field::Currency,
            &["lineItem/CurrencyCode", "line_item_currency_code"],
        ),
        (
            Field::BillingItem,
            &["lineItem/UsageType", "line_item_usage_type"],
        ),
        (Field::Unit, &["pricing/unit", "pricing_unit"]),
        (Field::BillingMode, &["pricing/term", "pricing_term"]),
    ],
    kind,
    version: None,
    reading: Reading {
        id_optional: true,
        day: None,
        coverage_from_usage_only: true,
    },
};

/// `lineItem/LineItemType` to canonical kinds. Usage at on-demand rates, RI-covered
/// (`DiscountedUsage`) and Savings-Plan-covered usage is usage; `SavingsPlanNegation` (the plan's
/// discount, negative) and the discount types are money back like `Credit`; upfront and
/// recurring fees for reservations and plans are commitment purchases, never metered usage.
fn kind(k: &str, _class: &str) -> LineKind {
    let k = k.trim();
    let mut buf = [0; 32];
    match super::lower_into(k, &mut buf).unwrap_or("?") {
        "usage" | "discountedusage" | "savingsplancoveredusage" => LineKind::Usage,
        "credit" | "savingsplannegation" => LineKind::Credit,
        "refund" => LineKind::Refund,
        "tax" => LineKind::Tax,
        // Fee, RIFee, SavingsPlanUpfrontFee, SavingsPlanRecurringFee.
        _ if super::ends_with_ic(k, "fee") => LineKind::Purchase,
        // Discount, BundledDiscount, EdpDiscount, PrivateRateDiscount, …
        _ if super::ends_with_ic(k, "discount") => LineKind::Credit,
        _ => LineKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::formats::detect::detect;

    #[test]
    fn line_item_types_map_to_kinds() {
        for (cell, want) in [
            ("Usage", LineKind::Usage),
            ("DiscountedUsage", LineKind::Usage),
            ("SavingsPlanCoveredUsage", LineKind::Usage),
            ("SavingsPlanNegation", LineKind::Credit),
            ("Credit", LineKind::Credit),
            ("Refund", LineKind::Refund),
            ("Tax", LineKind::Tax),
            ("Fee", LineKind::Purchase),
            ("RIFee", LineKind::Purchase),
            ("SavingsPlanUpfrontFee", LineKind::Purchase),
            ("SavingsPlanRecurringFee", LineKind::Purchase),
            ("BundledDiscount", LineKind::Credit),
            ("EdpDiscount", LineKind::Credit),
            (" usage ", LineKind::Usage),
            ("", LineKind::Other),
        ] {
            assert_eq!(kind(cell, ""), want, "{cell}");
        }
    }

    fn h(s: &str) -> Vec<String> {
        s.split(',').map(String::from).collect()
    }

    #[test]
    fn legacy_and_cur2_headers_bind_with_or_without_resource_ids() {
        let legacy = "identity/LineItemId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ProductCode,lineItem/UsageType,lineItem/ResourceId,lineItem/UsageAmount,lineItem/CurrencyCode,lineItem/UnblendedCost,product/ProductName,pricing/unit";
        let cur2 = "identity_line_item_id,line_item_line_item_type,line_item_usage_start_date,line_item_usage_end_date,line_item_product_code,line_item_usage_type,line_item_resource_id,line_item_usage_amount,line_item_currency_code,line_item_unblended_cost,pricing_unit,product";
        for hdr in [legacy, cur2] {
            let b = detect(&h(hdr)).unwrap_or_else(|| panic!("{hdr}"));
            assert_eq!(b.spec.format.name(), "cur");
            for f in [
                Field::ResourceId,
                Field::ProductCode,
                Field::UsageStart,
                Field::UsageEnd,
                Field::Kind,
                Field::Amount,
                Field::Usage,
                Field::Currency,
                Field::BillingItem,
                Field::Unit,
            ] {
                assert!(b.col(f).is_some(), "{f:?} unbound in {hdr}");
            }
            // Without resource IDs (the report's "include resource IDs" left off) it still reads.
            let without: Vec<String> = h(hdr)
                .into_iter()
                .filter(|c| !c.to_ascii_lowercase().contains("resource"))
                .collect();
            let b = detect(&without).unwrap_or_else(|| panic!("{hdr} without IDs"));
            assert_eq!(b.spec.format.name(), "cur");
            assert_eq!(b.col(Field::ResourceId), None);
        }
        assert_eq!(
            detect(&h(legacy)).unwrap().name(Field::Amount),
            "lineItem/UnblendedCost"
        );
    }
}
