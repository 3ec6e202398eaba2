//! FinOps FOCUS 1.0–1.3 cost and usage exports (CSV): the 1.2 column names and the 1.3 renames.
//! Times are UTC; `x_` columns are provider extensions and are not read.

use super::header::fold;
use super::{Field, FormatSpec, Reading};
use crate::model::{Format, LineKind};

pub static SPEC: FormatSpec = FormatSpec {
    format: Format::named("focus"),
    title: "FOCUS",
    provider: None,
    // `focus` for a line that names no provider; the providers FOCUS exports come from.
    providers: &["focus", "aws", "azure", "gcp"],
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
        // 1.3 renamed `Provider` (third-party 1.3 emitters write `ServiceProviderName`; a
        // `HostProviderName` alone names who hosts it, the closest there is).
        (
            Field::Provider,
            &[
                "ProviderName",
                "ServiceProviderName",
                "Provider",
                "HostProviderName",
            ],
        ),
        // Covered by a commitment (issue 15's plan switchover).
        (Field::PlanUsage, &["PricingCategory"]),
    ],
    kind,
    version: Some(version),
    reading: Reading::PLAIN,
};

/// The FOCUS version a header row implies: the newest version whose own columns appear.
pub fn version(header: &[String]) -> &'static str {
    // Compared folded, as columns are bound: `provider_name` is `ProviderName`.
    let folded: Vec<String> = header.iter().map(|h| fold(h).0).collect();
    let has = |names: &[&str]| names.iter().any(|n| folded.contains(&fold(n).0));
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

/// `ChargeCategory` to canonical kinds. `Credit` is a refund; an `Adjustment` (Huawei books its
/// refunds so) or a `ChargeClass = Correction` line keeps its category, and a negative one is a
/// refund by its amount.
fn kind(category: &str, _class: &str) -> LineKind {
    let mut buf = [0; 32];
    match super::lower_into(category, &mut buf).unwrap_or("?") {
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
        assert_eq!(kind("Usage", "Correction"), LineKind::Usage);
        assert_eq!(kind("Tax", ""), LineKind::Tax);
        assert_eq!(kind("", ""), LineKind::Other);
    }

    #[test]
    fn names_of_every_version_bind() {
        use crate::ingest::formats::detect::detect;
        let h = |s: &str| s.split(',').map(String::from).collect::<Vec<_>>();
        let v12 = "BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,ChargeClass,ChargeDescription,ChargeFrequency,ChargePeriodEnd,ChargePeriodStart,ConsumedQuantity,ContractedCost,EffectiveCost,InvoiceId,InvoiceIssuer,ListCost,PricingCategory,PricingQuantity,PricingUnit,Provider,Publisher,RegionId,ResourceId,ResourceName,ServiceCategory,ServiceName,Tags,x_BillType";
        let v13 = "BilledCost,BillingCurrency,ChargeCategory,ChargeClass,ChargePeriodEnd,ChargePeriodStart,ConsumedQuantity,InvoiceIssuerName,ProviderName,PublisherName,ResourceId,ResourceName,ServiceName";
        let v13b = "BilledCost,BillingCurrency,ChargeCategory,ChargePeriodEnd,ChargePeriodStart,HostProviderName,InvoiceIssuerName,ServiceProviderName,ResourceId,ServiceName";
        // Parquet writers and SQL views sometimes write snake_case.
        let snake = "billed_cost,billing_currency,charge_category,charge_period_start,charge_period_end,provider_name,resource_id,service_name";
        for (hdr, provider, version) in [
            (v12, "Provider", "1.2"),
            (v13, "ProviderName", "1.3"),
            (v13b, "ServiceProviderName", "1.3"),
            (snake, "provider_name", "1.3"),
        ] {
            let b = detect(&h(hdr)).unwrap_or_else(|| panic!("{hdr}"));
            assert_eq!(b.spec.format, SPEC.format);
            assert_eq!(b.name(Field::Provider), provider);
            assert_eq!(
                b.name(Field::Amount).to_ascii_lowercase().replace('_', ""),
                "billedcost"
            );
            assert_eq!(version_of(hdr), version, "{hdr}");
        }
        // `x_` extension columns bind nothing, even when they look like a known column.
        let b = detect(&h(
            "BilledCost,ChargePeriodStart,ResourceId,x_ResourceId,x_BilledCost",
        ))
        .unwrap();
        assert_eq!(b.col(Field::ResourceId), Some(2));
        assert_eq!(b.col(Field::Amount), Some(0));
    }

    fn version_of(s: &str) -> &'static str {
        version(&s.split(',').map(String::from).collect::<Vec<_>>())
    }
}
