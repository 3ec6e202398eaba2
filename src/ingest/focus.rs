//! FinOps FOCUS 1.0–1.3 cost and usage exports (CSV): the 1.2 column names and the 1.3 renames.
//! Times are UTC; `x_` columns are provider extensions and are not read.

use super::spec::{Field, FormatSpec};
use crate::model::{Format, LineKind};

pub static SPEC: FormatSpec = FormatSpec {
    format: Format::Focus,
    provider: None,
    default_currency: "XXX",
    naive_is_utc: true,
    columns: &[
        (Field::ResourceId, &["ResourceId"]),
        (Field::ResourceName, &["ResourceName"]),
        (Field::ProductName, &["ServiceName"]),
        (Field::UsageStart, &["ChargePeriodStart"]),
        (Field::UsageEnd, &["ChargePeriodEnd"]),
        (Field::Kind, &["ChargeCategory"]),
        (Field::ChargeClass, &["ChargeClass"]),
        (Field::Amount, &["BilledCost"]),
        (Field::Usage, &["ConsumedQuantity"]),
        (Field::Currency, &["BillingCurrency"]),
        (
            Field::Provider,
            &["ProviderName", "ServiceProviderName", "Provider"],
        ),
    ],
    kind,
};

/// The FOCUS version a header row implies: the newest version whose own columns appear.
pub fn version(header: &[String]) -> &'static str {
    let has = |names: &[&str]| {
        header
            .iter()
            .any(|h| names.contains(&h.trim_start_matches('\u{feff}').trim()))
    };
    if has(&[
        "ProviderName",
        "PublisherName",
        "InvoiceIssuerName",
        "ServiceProviderName",
        "HostProviderName",
    ]) {
        "1.3"
    } else if has(&[
        "BillingAccountType",
        "InvoiceId",
        "PricingCurrency",
        "SubAccountType",
    ]) {
        "1.2"
    } else if has(&[
        "CapacityReservationId",
        "SkuMeter",
        "SkuPriceDetails",
        "ServiceSubcategory",
        "CommitmentDiscountQuantity",
    ]) {
        "1.1"
    } else {
        "1.0"
    }
}

/// `ChargeCategory` to canonical kinds. Corrections keep their category: a negative one is a
/// refund by its amount.
fn kind(category: &str, _class: &str) -> LineKind {
    match category.trim().to_ascii_lowercase().as_str() {
        "usage" => LineKind::Usage,
        "purchase" => LineKind::Purchase,
        "tax" => LineKind::Tax,
        "credit" => LineKind::Credit,
        "adjustment" => LineKind::Adjustment,
        _ => LineKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_the_columns_they_added() {
        let h = |s: &str| s.split(',').map(String::from).collect::<Vec<_>>();
        assert_eq!(version(&h("BilledCost,ResourceId,Provider")), "1.0");
        assert_eq!(
            version(&h("BilledCost,ResourceId,Provider,SkuPriceDetails")),
            "1.1"
        );
        assert_eq!(
            version(&h("BilledCost,ResourceId,Provider,InvoiceId")),
            "1.2"
        );
        assert_eq!(
            version(&h("BilledCost,ResourceId,ProviderName,InvoiceId")),
            "1.3"
        );
    }

    #[test]
    fn charge_categories_map_to_kinds() {
        assert_eq!(kind("Credit", ""), LineKind::Credit);
        assert_eq!(kind("Adjustment", "Correction"), LineKind::Adjustment);
        assert_eq!(kind("usage", ""), LineKind::Usage);
        assert_eq!(kind("Purchase", ""), LineKind::Purchase);
    }
}
