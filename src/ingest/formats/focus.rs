//! FinOps FOCUS 1.0–1.3 cost and usage exports (CSV and Parquet): the column names, the 1.3
//! renames, and the release a header implies by the specification's column history. Times are
//! UTC; `x_` columns are provider extensions and are not read.

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
        (Field::Unit, &["ConsumedUnit"]),
        (Field::BillingItem, &["ChargeDescription"]),
        (Field::Sku, &["SkuId"]),
        (Field::BillingMode, &["ChargeFrequency"]),
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

/// One FOCUS release, by its cost-and-usage columns.
struct Release {
    /// What the release is called ([`LABELS`] spells it too).
    name: &'static str,
    /// The columns a dataset of this release must have, in lists (a release keeps its
    /// predecessors' and may add some).
    mandatory: &'static [&'static [&'static str]],
    /// The columns this release added: a header with one is of this release or later.
    added: &'static [&'static str],
}

// The column history, read from the specification itself (FinOps-Open-Cost-and-Usage-Spec/
// FOCUS_Spec): for 1.0, 1.1 and 1.2 the "Column ID" and "Feature level" of every
// `specification/columns/*.md` at the tags v1.0 (f7f58a0a, 2024-06-14), v1.1 (6108d409,
// 2024-11-08) and v1.2 (7296e314, 2025-05-30); for 1.3 the "Introduced (version)" and
// "Deprecated (version)" of `specification/datasets/cost_and_usage/columns/*.md` after it.
//
// | release | columns | mandatory | added |
// |---|---|---|---|
// | 1.0 | 43 | the 21 of `MANDATORY_1_0` | (first release; 1.0-preview's ChargeSubcategory, Region, UsageQuantity, UsageUnit are gone) |
// | 1.1 | 50 | the same 21 | CapacityReservationId, CapacityReservationStatus, CommitmentDiscountQuantity, CommitmentDiscountUnit, ServiceSubcategory, SkuMeter, SkuPriceDetails (none mandatory) |
// | 1.2 | 57 | the same 21 | BillingAccountType, InvoiceId, PricingCurrency, PricingCurrencyContractedUnitPrice, PricingCurrencyEffectiveCost, PricingCurrencyListUnitPrice, SubAccountType (none mandatory) |
// | 1.3 | 65 | the 21 + ServiceProviderName, HostProviderName | those two (mandatory), ContractApplied, AllocatedMethodId, AllocatedMethodDetails, AllocatedResourceId, AllocatedResourceName, AllocatedTags; ProviderName and PublisherName are deprecated but still "MUST be present" |
//
// `ProviderName`, `PublisherName` and `InvoiceIssuerName` are column IDs since 0.5 (the
// official 1.0 sample writes them); `Provider`, `Publisher` and `Invoice Issuer` are their
// display names, which some exports (Huawei's) write as headers.
const MANDATORY_1_0: &[&str] = &[
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ContractedCost",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "ServiceCategory",
    "ServiceName",
];

/// The columns 1.3 made mandatory on top of 1.0's (which it still requires, deprecated or not).
const MANDATORY_ADDED_1_3: &[&str] = &["ServiceProviderName", "HostProviderName"];

const RELEASES: [Release; 4] = [
    Release {
        name: "1.0",
        mandatory: &[MANDATORY_1_0],
        added: &[
            "AvailabilityZone",
            "BilledCost",
            "BillingAccountId",
            "BillingAccountName",
            "BillingCurrency",
            "BillingPeriodEnd",
            "BillingPeriodStart",
            "ChargeCategory",
            "ChargeClass",
            "ChargeDescription",
            "ChargeFrequency",
            "ChargePeriodEnd",
            "ChargePeriodStart",
            "CommitmentDiscountCategory",
            "CommitmentDiscountId",
            "CommitmentDiscountName",
            "CommitmentDiscountStatus",
            "CommitmentDiscountType",
            "ConsumedQuantity",
            "ConsumedUnit",
            "ContractedCost",
            "ContractedUnitPrice",
            "EffectiveCost",
            "InvoiceIssuerName",
            "ListCost",
            "ListUnitPrice",
            "PricingCategory",
            "PricingQuantity",
            "PricingUnit",
            "ProviderName",
            "PublisherName",
            "RegionId",
            "RegionName",
            "ResourceId",
            "ResourceName",
            "ResourceType",
            "ServiceCategory",
            "ServiceName",
            "SkuId",
            "SkuPriceId",
            "SubAccountId",
            "SubAccountName",
            "Tags",
        ],
    },
    Release {
        name: "1.1",
        mandatory: &[MANDATORY_1_0],
        added: &[
            "CapacityReservationId",
            "CapacityReservationStatus",
            "CommitmentDiscountQuantity",
            "CommitmentDiscountUnit",
            "ServiceSubcategory",
            "SkuMeter",
            "SkuPriceDetails",
        ],
    },
    Release {
        name: "1.2",
        mandatory: &[MANDATORY_1_0],
        added: &[
            "BillingAccountType",
            "InvoiceId",
            "PricingCurrency",
            "PricingCurrencyContractedUnitPrice",
            "PricingCurrencyEffectiveCost",
            "PricingCurrencyListUnitPrice",
            "SubAccountType",
        ],
    },
    Release {
        name: "1.3",
        mandatory: &[MANDATORY_1_0, MANDATORY_ADDED_1_3],
        added: &[
            "ServiceProviderName",
            "HostProviderName",
            "ContractApplied",
            "AllocatedMethodId",
            "AllocatedMethodDetails",
            "AllocatedResourceId",
            "AllocatedResourceName",
            "AllocatedTags",
        ],
    },
];

/// Column IDs some exports write by their display name, and the ID each stands for.
const DISPLAY_NAMES: [(&str, &str); 3] = [
    ("Provider", "ProviderName"),
    ("Publisher", "PublisherName"),
    ("InvoiceIssuer", "InvoiceIssuerName"),
];

/// Every label [`version`] gives: `LABELS[lo][hi]` for the releases `lo..=hi`.
const LABELS: [[&str; 4]; 4] = [
    ["1.0", "1.0–1.1", "1.0–1.2", "1.0–1.3"],
    ["", "1.1", "1.1–1.2", "1.1–1.3"],
    ["", "", "1.2", "1.2–1.3"],
    ["", "", "", "1.3"],
];
const DISPLAY_LABELS: [[&str; 4]; 4] = [
    [
        "1.0, display-name headers",
        "1.0–1.1, display-name headers",
        "1.0–1.2, display-name headers",
        "1.0–1.3, display-name headers",
    ],
    [
        "",
        "1.1, display-name headers",
        "1.1–1.2, display-name headers",
        "1.1–1.3, display-name headers",
    ],
    [
        "",
        "",
        "1.2, display-name headers",
        "1.2–1.3, display-name headers",
    ],
    ["", "", "", "1.3, display-name headers"],
];

/// What [`version`] says of a header that fits no release.
pub const UNKNOWN: &str = "version unknown";
const UNKNOWN_DISPLAY: &str = "version unknown, display-name headers";

/// The FOCUS release a header row implies, by the specification's column history: not older
/// than the newest release that added a column it has; among those, the releases whose
/// mandatory columns are all present; one release when the header holds every column up to it
/// (as the official 1.0 sample does), else the range the columns cannot narrow (`1.0–1.2`).
/// [`UNKNOWN`] when no release fits. Columns FOCUS does not define are ignored; headers written
/// as display names (`Provider` for `ProviderName`) count as the column and are said.
pub fn version(header: &[String]) -> &'static str {
    // Compared folded, as columns are bound: `provider_name` is `ProviderName`.
    let mut have: Vec<String> = header.iter().map(|h| fold(h).0).collect();
    let mut display = false;
    for (shown, id) in DISPLAY_NAMES {
        let (shown, id) = (fold(shown).0, fold(id).0);
        if have.contains(&shown) && !have.contains(&id) {
            have.push(id);
            display = true;
        }
    }
    let has = |c: &&str| have.contains(&fold(c).0);
    let lower = RELEASES
        .iter()
        .rposition(|r| r.added.iter().any(&has))
        .unwrap_or(0);
    let fits: Vec<usize> = (lower..RELEASES.len())
        .filter(|&i| RELEASES[i].mandatory.iter().all(|l| l.iter().all(&has)))
        .collect();
    let (Some(&lo), Some(&hi)) = (fits.first(), fits.last()) else {
        return if display { UNKNOWN_DISPLAY } else { UNKNOWN };
    };
    // Every column up to `lo` present and none of a later release: a complete `lo` dataset.
    let complete = RELEASES[..=lo].iter().all(|r| r.added.iter().all(&has));
    let hi = if complete { lo } else { hi };
    if display {
        DISPLAY_LABELS[lo][hi]
    } else if lo == hi {
        RELEASES[lo].name
    } else {
        LABELS[lo][hi]
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

    fn h(s: &str) -> Vec<String> {
        s.split(',').map(String::from).collect()
    }

    fn with(cols: &[&str], more: &[&str]) -> Vec<String> {
        cols.iter().chain(more).map(|c| c.to_string()).collect()
    }

    #[test]
    fn versions_follow_the_specifications_column_history() {
        let all_1_0 = RELEASES[0].added;
        // Every 1.0 column (the official sample's header, its extra `Id` column ignored).
        assert_eq!(version(&with(all_1_0, &["Id"])), "1.0");
        // Only the mandatory columns: 1.0, 1.1 and 1.2 require the same ones.
        assert_eq!(version(&with(MANDATORY_1_0, &[])), "1.0–1.2");
        // A 1.1 column narrows it from below.
        assert_eq!(version(&with(MANDATORY_1_0, &["SkuMeter"])), "1.1–1.2");
        assert_eq!(version(&with(MANDATORY_1_0, &["InvoiceId"])), "1.2");
        let mut all_1_1 = with(all_1_0, RELEASES[1].added);
        assert_eq!(version(&all_1_1), "1.1");
        all_1_1.retain(|c| c != "SkuMeter");
        assert_eq!(version(&all_1_1), "1.1–1.2");
        // 1.3: ServiceProviderName and HostProviderName, with the deprecated ProviderName.
        let v13 = with(MANDATORY_1_0, MANDATORY_ADDED_1_3);
        assert_eq!(version(&v13), "1.3");
        // 1.3 names without the columns 1.3 still requires: no release fits.
        assert_eq!(
            version(&h(
                "BilledCost,ChargePeriodStart,ResourceId,ServiceProviderName,HostProviderName"
            )),
            UNKNOWN
        );
        // A 1.3-only column without 1.3's mandatory ones is no 1.0 either.
        assert_eq!(version(&with(MANDATORY_1_0, &["ContractApplied"])), UNKNOWN);
        assert_eq!(version(&h("BilledCost,ResourceId,ProviderName")), UNKNOWN);
    }

    #[test]
    fn labels_name_the_releases() {
        for (i, r) in RELEASES.iter().enumerate() {
            assert_eq!(LABELS[i][i], r.name);
            assert_eq!(
                DISPLAY_LABELS[i][i],
                format!("{}, display-name headers", r.name)
            );
        }
    }

    #[test]
    fn display_name_headers_count_and_are_said() {
        let shown: Vec<&str> = MANDATORY_1_0
            .iter()
            .map(|c| match *c {
                "ProviderName" => "Provider",
                "PublisherName" => "Publisher",
                "InvoiceIssuerName" => "InvoiceIssuer",
                c => c,
            })
            .collect();
        assert_eq!(version(&with(&shown, &[])), "1.0–1.2, display-name headers");
        assert_eq!(
            version(&h("BilledCost,ResourceId,Provider")),
            "version unknown, display-name headers"
        );
        // snake_case, as Parquet writers and SQL views write it, folds to the same columns.
        let snake: Vec<String> = MANDATORY_1_0
            .iter()
            .map(|c| {
                let mut out = String::new();
                for (i, ch) in c.chars().enumerate() {
                    if ch.is_ascii_uppercase() && i > 0 {
                        out.push('_');
                    }
                    out.push(ch.to_ascii_lowercase());
                }
                out
            })
            .collect();
        assert_eq!(version(&snake), "1.0–1.2");
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
            (v12, "Provider", "1.2, display-name headers"),
            (v13, "ProviderName", UNKNOWN),
            (v13b, "ServiceProviderName", UNKNOWN),
            (snake, "provider_name", UNKNOWN),
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
