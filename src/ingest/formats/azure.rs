//! Azure cost details (formerly usage details): Cost Management exports and portal downloads for
//! Enterprise Agreement, Microsoft Customer Agreement and pay-as-you-go accounts, actual or
//! amortized cost.
//!
//! Column names are Microsoft's dataset schemas (learn.microsoft.com/azure/cost-management-billing/
//! dataset-schema/cost-usage-details-ea, -mca and -pay-as-you-go) and the field list with its
//! older names (automate/understand-usage-details-fields: `InstanceId` → `ResourceId`,
//! `UsageDate` → `Date`, `ConsumedQuantity` → `Quantity`, `Unit` → `UnitOfMeasure`). `ChargeType`
//! values are the schema's (`Usage`, `Purchase`, `Refund`) and those the FinOps toolkit maps to
//! FOCUS (learn.microsoft.com/cloud-computing/finops/focus/mapping: `Tax`, `UnusedReservation`,
//! `UnusedSavingsPlan`, `RoundingAdjustment`).
//!
//! A line is dated by a day (`Date`: `MM/DD/YYYY`, `M/D/YYYY` as Excel re-saves it, or ISO) and
//! bills that whole day. The day is a UTC day: Microsoft's own FOCUS conversion makes `Date` the
//! UTC `ChargePeriodStart`, and billing periods close at midnight UTC.

use super::{Field, FormatSpec, Reading};
use crate::model::{Format, LineKind};
use chrono::NaiveDate;

pub static SPEC: FormatSpec = FormatSpec {
    format: Format::named("azure"),
    title: "Azure cost details",
    provider: Some("azure"),
    providers: &["azure"],
    default_currency: "XXX",
    naive_is_utc: true,
    columns: &[
        (Field::ResourceId, &["ResourceId", "InstanceId"]),
        (Field::ResourceName, &["ResourceName"]),
        (Field::ProductCode, &["ConsumedService"]),
        (Field::ProductName, &["MeterCategory"]),
        (Field::UsageStart, &["Date", "UsageDateTime", "UsageDate"]),
        (Field::Kind, &["ChargeType"]),
        (
            Field::Amount,
            &["CostInBillingCurrency", "Cost", "PreTaxCost"],
        ),
        (
            Field::Usage,
            &["Quantity", "UsageQuantity", "ConsumedQuantity"],
        ),
        (
            Field::Currency,
            &["BillingCurrencyCode", "BillingCurrency", "Currency"],
        ),
        (Field::BillingItem, &["MeterName"]),
        (Field::Unit, &["UnitOfMeasure", "Unit"]),
        // `OnDemand`, `Spot`, `Reservation`, `SavingsPlan`.
        (Field::BillingMode, &["PricingModel"]),
    ],
    kind,
    version: None,
    reading: Reading {
        id_optional: false,
        day: Some(day),
        coverage_from_usage_only: true,
    },
};

/// `ChargeType` to canonical kinds. Pay-as-you-go's "usage only" file has no `ChargeType`: an
/// empty cell is usage. The unused part of a reservation or savings plan is billed daily, but it
/// is the commitment's charge, not a resource's metered usage.
fn kind(k: &str, _class: &str) -> LineKind {
    let mut buf = [0; 32];
    match super::lower_into(k, &mut buf).unwrap_or("?") {
        "usage" | "" => LineKind::Usage,
        "purchase" | "unusedreservation" | "unusedsavingsplan" => LineKind::Purchase,
        "refund" => LineKind::Refund,
        "credit" => LineKind::Credit,
        "tax" => LineKind::Tax,
        "roundingadjustment" => LineKind::Adjustment,
        _ => LineKind::Other,
    }
}

/// Reads a `Date` cell: `MM/DD/YYYY` or `M/D/YYYY` (month first, as the US-locale exports and
/// Excel write it), or year first (`YYYY-MM-DD`, `YYYY/MM/DD`); a time of day after it is accepted only when it is midnight
/// (`T00:00:00Z`, `12:00:00 AM`), since the line bills the whole day.
fn day(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let bad = || format!("`{t}` is not a date: expected `MM/DD/YYYY`, `M/D/YYYY` or `YYYY-MM-DD`");
    let (date, time) = match t.find([' ', 'T']) {
        Some(i) => (&t[..i], t[i + 1..].trim()),
        None => (t, ""),
    };
    let num = |s: &str, min: usize, max: usize| -> Option<u32> {
        (s.len() >= min && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let parts: Vec<&str> = date.split(['/', '-']).collect();
    let [a, b, c] = parts[..] else {
        return Err(bad());
    };
    let (y, m, d) = if a.len() == 4 {
        (num(a, 4, 4), num(b, 1, 2), num(c, 1, 2))
    } else {
        (num(c, 4, 4), num(a, 1, 2), num(b, 1, 2))
    };
    let (Some(y), Some(m), Some(d)) = (y, m, d) else {
        return Err(bad());
    };
    if !crate::time::YEARS.contains(&(y as i32)) {
        return Err(format!(
            "`{t}` is out of range: years run from 0001 to 9999"
        ));
    }
    let date = NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(|| {
        format!(
            "`{t}` is not a valid date (Azure cost details write the month first: `MM/DD/YYYY`)"
        )
    })?;
    if !time.is_empty() && !is_midnight(time) {
        return Err(format!(
            "`{t}` has a time of day; Azure cost details date each line by a whole day"
        ));
    }
    Ok(date)
}

/// `00:00`, `0:00:00`, `00:00:00.0000000Z`, `12:00:00 AM`.
fn is_midnight(time: &str) -> bool {
    let t = time.trim_end_matches(['Z', 'z']).trim();
    let (clock, twelve_hour) = match t.strip_suffix("AM").or_else(|| t.strip_suffix("am")) {
        Some(c) => (c.trim(), true),
        None => (t, false),
    };
    let mut fields = clock.split(':');
    let hour = fields.next().unwrap_or("");
    let midnight_hour = if twelve_hour {
        hour == "12"
    } else {
        hour.bytes().all(|b| b == b'0') && !hour.is_empty()
    };
    midnight_hour
        && fields.all(|f| !f.is_empty() && f.bytes().all(|b| b == b'0' || b == b'.'))
        && clock.contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::formats::detect::detect;

    #[test]
    fn charge_types_map_to_kinds() {
        for (cell, want) in [
            ("Usage", LineKind::Usage),
            ("", LineKind::Usage),
            ("Purchase", LineKind::Purchase),
            ("UnusedReservation", LineKind::Purchase),
            ("UnusedSavingsPlan", LineKind::Purchase),
            ("Refund", LineKind::Refund),
            ("Tax", LineKind::Tax),
            ("RoundingAdjustment", LineKind::Adjustment),
            ("usage", LineKind::Usage),
            ("Something new", LineKind::Other),
        ] {
            assert_eq!(kind(cell, ""), want, "{cell}");
        }
    }

    #[test]
    fn dates_are_month_first_or_iso_and_whole_days() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for (cell, want) in [
            ("09/21/2023", d(2023, 9, 21)),
            ("9/2/2023", d(2023, 9, 2)),
            ("12/31/2023", d(2023, 12, 31)),
            ("2023-09-21", d(2023, 9, 21)),
            ("2023/09/21", d(2023, 9, 21)),
            ("2023-09-21T00:00:00Z", d(2023, 9, 21)),
            ("2023-09-21T00:00:00.0000000Z", d(2023, 9, 21)),
            ("9/21/2023 12:00:00 AM", d(2023, 9, 21)),
            ("9/21/2023 0:00", d(2023, 9, 21)),
        ] {
            assert_eq!(day(cell), Ok(want), "{cell}");
        }
        // Day first is not month first: 21 is no month.
        assert!(day("21/09/2023").unwrap_err().contains("not a valid date"));
        for bad in [
            "2023/9",
            "9-21",
            "Sept 21 2023",
            "9/21/23",
            "9/21/2023 08:00:00",
            "9/21/2023 12:00:00 PM",
            "01/01/0000",
            "0000-12-31",
        ] {
            assert!(day(bad).is_err(), "{bad}");
        }
        assert_eq!(day("01/01/0001"), Ok(d(1, 1, 1)));
        assert_eq!(day("12/31/9999"), Ok(d(9999, 12, 31)));
    }

    fn h(s: &str) -> Vec<String> {
        s.split(',').map(String::from).collect()
    }

    #[test]
    fn ea_mca_and_pay_as_you_go_headers_bind() {
        // EA (2024-08-01 and the toolkit's EA actual cost), MCA (camelCase), pay-as-you-go
        // (2019-11-01, usage only).
        let ea = "InvoiceSectionName,AccountName,SubscriptionId,Date,ProductName,MeterCategory,MeterSubCategory,MeterId,MeterName,UnitOfMeasure,Quantity,EffectivePrice,CostInBillingCurrency,ConsumedService,ResourceId,ResourceName,ChargeType,BillingCurrencyCode";
        let ea_actual = "BillingAccountId,Date,Product,MeterCategory,MeterName,Quantity,Cost,BillingCurrency,ConsumedService,ResourceId,ResourceName,UnitOfMeasure,ChargeType";
        let mca = "invoiceId,date,serviceFamily,consumedService,meterName,meterCategory,ProductName,ResourceId,quantity,unitOfMeasure,chargeType,billingCurrency,costInBillingCurrency,costInPricingCurrency,costInUsd,paygCostInBillingCurrency,provider";
        let payg = "SubscriptionGuid,ResourceGroup,UsageDateTime,MeterCategory,MeterName,UsageQuantity,PreTaxCost,ConsumedService,InstanceId,Currency,UnitOfMeasure";
        for (hdr, amount) in [
            (ea, "CostInBillingCurrency"),
            (ea_actual, "Cost"),
            (mca, "costInBillingCurrency"),
            (payg, "PreTaxCost"),
        ] {
            let b = detect(&h(hdr)).unwrap_or_else(|| panic!("{hdr}"));
            assert_eq!(b.spec.format.name(), "azure", "{hdr}");
            assert_eq!(b.name(Field::Amount), amount);
            for f in [
                Field::ResourceId,
                Field::ProductCode,
                Field::ProductName,
                Field::UsageStart,
                Field::Usage,
                Field::Currency,
                Field::BillingItem,
                Field::Unit,
            ] {
                assert!(b.col(f).is_some(), "{f:?} unbound in {hdr}");
            }
            assert_eq!(b.col(Field::Kind).is_some(), hdr != payg, "{hdr}");
        }
    }
}
