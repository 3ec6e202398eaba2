//! Oracle Cloud Infrastructure cost reports in OCI's own format (`reports/cost-csv/…`: the
//! `lineItem/…`, `product/…`, `usage/…`, `cost/…` columns; OCI's FOCUS reports are read as
//! FOCUS).
//!
//! Column names are the cost report schema of OCI's documentation
//! (docs.oracle.com/iaas/Content/Billing/Concepts/costusagereportsoverview.htm). Usage intervals
//! are UTC, hourly; `intervalUsageStart` may lack seconds (`2023-11-13T10:00Z`). There is no kind
//! column: a line is usage unless `lineItem/isCorrection` is set, and "corrections are added as
//! new rows … with the `referenceNo` of the corrected line in `lineItem/backreferenceNo`", so a
//! correction re-states a line the reports already hold: it is an adjustment, dated by the
//! interval it corrects, never metered usage and never what makes a bill reach further.

use super::{Field, FormatSpec, Reading};
use crate::model::{Format, LineKind};

pub static SPEC: FormatSpec = FormatSpec {
    format: Format::named("oci"),
    title: "OCI cost report",
    provider: Some("oracle"),
    providers: &["oracle"],
    default_currency: "XXX",
    naive_is_utc: true,
    columns: &[
        (Field::ResourceId, &["product/resourceId"]),
        (Field::ProductCode, &["product/service"]),
        (Field::UsageStart, &["lineItem/intervalUsageStart"]),
        (Field::UsageEnd, &["lineItem/intervalUsageEnd"]),
        (Field::Kind, &["lineItem/isCorrection"]),
        (Field::Amount, &["cost/myCost"]),
        (Field::Usage, &["usage/billedQuantity"]),
        (Field::Currency, &["cost/currencyCode"]),
        // The SKU's name (`Standard - E4 - Memory`), else its part number (`B93114`).
        (
            Field::BillingItem,
            &["product/Description", "cost/productSku"],
        ),
        // "The unit measure associated with the usage/billedQuantity" (`1 NONE HOURS OCPUS`).
        (Field::Unit, &["cost/billingUnitReadable"]),
    ],
    kind,
    version: None,
    reading: Reading {
        id_optional: false,
        day: None,
        coverage_from_usage_only: true,
    },
};

/// `lineItem/isCorrection` to canonical kinds: a correction is an adjustment (a negative one is
/// money back by its amount), anything else usage.
fn kind(is_correction: &str, _class: &str) -> LineKind {
    let mut buf = [0; 32];
    match super::lower_into(is_correction, &mut buf).unwrap_or("?") {
        "true" | "1" | "yes" => LineKind::Adjustment,
        "false" | "0" | "no" | "" => LineKind::Usage,
        _ => LineKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::formats::detect::detect;

    #[test]
    fn corrections_are_adjustments_and_the_rest_usage() {
        for (cell, want) in [
            ("false", LineKind::Usage),
            ("", LineKind::Usage),
            ("true", LineKind::Adjustment),
            ("TRUE", LineKind::Adjustment),
            ("maybe", LineKind::Other),
        ] {
            assert_eq!(kind(cell, ""), want, "{cell}");
        }
    }

    #[test]
    fn the_cost_report_header_binds_and_a_backslash_in_a_tag_header_is_just_a_name() {
        let hdr = r"lineItem/referenceNo,lineItem/tenantId,lineItem/intervalUsageStart,lineItem/intervalUsageEnd,product/service,product/compartmentId,product/compartmentName,product/region,product/availabilityDomain,product/resourceId,usage/billedQuantity,usage/billedQuantityOverage,cost/subscriptionId,cost/productSku,product/Description,cost/unitPrice,cost/unitPriceOverage,cost/myCost,cost/myCostOverage,cost/currencyCode,cost/billingUnitReadable,cost/skuUnitDescription,cost/overageFlag,lineItem/isCorrection,lineItem/backreferenceNo,tags/Oracle-Tags.CreatedBy,tags/DevRel\redbull-analytics-hol-4cb4.release";
        let cells: Vec<String> = hdr.split(',').map(String::from).collect();
        let b = detect(&cells).expect("detected");
        assert_eq!(b.spec.format.name(), "oci");
        for (f, name) in [
            (Field::ResourceId, "product/resourceId"),
            (Field::Amount, "cost/myCost"),
            (Field::Usage, "usage/billedQuantity"),
            (Field::UsageStart, "lineItem/intervalUsageStart"),
            (Field::Kind, "lineItem/isCorrection"),
            (Field::BillingItem, "product/Description"),
            (Field::Unit, "cost/billingUnitReadable"),
        ] {
            assert_eq!(b.name(f), name, "{f:?}");
        }
        assert_eq!(b.width, 27);
    }
}
