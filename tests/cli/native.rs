//! The providers' own exports: AWS Cost and Usage Reports (legacy and 2.0), Azure cost details
//! and OCI cost reports, one quirk or kind mapping per fixture (see `fixtures/README.md`).

use crate::util::{billrecon, check, fixture, report, resource, source_lines, verdicts};
use serde_json::{json, Value};

fn coverage(r: &Value) -> Value {
    r["coverage"].clone()
}

#[test]
fn inspect_names_each_native_format_and_binds_its_columns() {
    for (file, format, name, rows, id_header) in [
        (
            "cur/savings-plan.csv",
            "cur",
            "AWS Cost and Usage Report",
            5,
            Some("lineItem/ResourceId"),
        ),
        (
            "cur/cur2.csv",
            "cur",
            "AWS Cost and Usage Report",
            4,
            Some("line_item_resource_id"),
        ),
        (
            "cur/no-resource-id.csv",
            "cur",
            "AWS Cost and Usage Report",
            4,
            None,
        ),
        (
            "azure/us-dates-crlf.csv",
            "azure",
            "Azure cost details",
            4,
            Some("ResourceId"),
        ),
        (
            "azure/payg.csv",
            "azure",
            "Azure cost details",
            3,
            Some("InstanceId"),
        ),
        (
            "oci/cost-report.csv",
            "oci",
            "OCI cost report",
            4,
            Some("product/resourceId"),
        ),
    ] {
        let out = billrecon()
            .args(["inspect", "-f", "json"])
            .arg(fixture(file))
            .assert()
            .code(0);
        let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        let input = &r["inputs"][0];
        assert_eq!(input["format"], format, "{file}");
        assert_eq!(input["format_name"], name, "{file}");
        assert_eq!(input["rows"], rows, "{file}");
        let header_of = |meaning: &str| {
            input["columns"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["meaning"] == meaning)
                .map(|c| c["header"].as_str().unwrap().to_string())
        };
        assert_eq!(header_of("resource ID").as_deref(), id_header, "{file}");
        // Billing item and unit are bound for every native format.
        assert!(header_of("billing item").is_some(), "{file}");
        assert!(header_of("unit").is_some(), "{file}");
    }
}

/// `SavingsPlanCoveredUsage` is usage at the on-demand rate, and its `SavingsPlanNegation` twin
/// takes the money back: 09:00–10:00 after an 08:30 deletion is still usage (the instance ran),
/// USD 0.096, with USD -0.096 refunded; 08:00–09:00 is the tail.
#[test]
fn cur_savings_plan_covered_usage_still_bills_and_its_negation_is_money_back() {
    let r = report(
        &mut check("cur/register-savings-plan.csv", &["cur/savings-plan.csv"]),
        1,
    );
    assert_eq!(r["inputs"][0]["format"], "cur");
    let sp = resource(&r, "i-0sp0001");
    assert_eq!(sp["verdict"], "still_billing");
    assert_eq!(sp["provider"], "aws");
    assert_eq!(sp["lines"], 4);
    assert_eq!(sp["lines_after_deletion"], 1);
    assert_eq!(sp["amount_after_deletion"], json!({"USD": "0.096"}));
    assert_eq!(sp["refunds_after_deletion"], json!({"USD": "-0.096"}));
    assert_eq!(sp["tail_lines"], 1);
    assert_eq!(source_lines(sp), [4]);
    // The keep line ends 2024-03-11 11:00; less the 2h lag.
    assert_eq!(
        coverage(&r),
        json!([{"provider": "aws", "complete_through": "2024-03-11T09:00:00Z"}])
    );
}

/// A `Refund` (USD -0.0104) and a `Credit` that costs nothing but carries a usage amount of 1,
/// both after the deletion: neither is a charge (a usage line like the credit would be one,
/// billed at no charge).
#[test]
fn cur_credit_and_refund_lines_are_never_charges() {
    let r = report(
        &mut check("cur/register-credit-refund.csv", &["cur/credit-refund.csv"]),
        0,
    );
    let cr = resource(&r, "i-0cr0001");
    assert_eq!(cr["verdict"], "stopped");
    assert_eq!(cr["lines"], 3);
    assert_eq!(cr["lines_after_deletion"], 0);
    assert_eq!(cr["refunds_after_deletion"], json!({"USD": "-0.0104"}));
}

/// Usage ends 2024-03-11 00:00, so the bill is complete through 2024-03-10 22:00 and an 08:30
/// deletion needs 2024-03-11 08:30: pending. The `Fee` (2024-03-12 00:00–01:00) and the hourly
/// `SavingsPlanRecurringFee` (05:00–06:00) would have made it complete through 2024-03-12 04:00
/// and the verdict `stopped`; the month-long `RIFee` and `Tax` reach April.
#[test]
fn cur_fees_and_tax_never_set_coverage() {
    let r = report(
        &mut check("cur/register-fees-and-tax.csv", &["cur/fees-and-tax.csv"]),
        3,
    );
    assert_eq!(verdicts(&r), [("i-0fee0001".into(), "pending".into())]);
    assert_eq!(
        coverage(&r),
        json!([{"provider": "aws", "complete_through": "2024-03-10T22:00:00Z"}])
    );
    assert_eq!(r["inputs"][0]["rows"], 6);
}

/// CUR 2.0 names (`line_item_resource_id`, …), costs in scientific notation (`4.16E-2`,
/// `416E-4`: 0.0416 each), a `product` map cell, and the register ID in upper case:
/// 09:00 and 10:00 after an 08:30 deletion, USD 0.0416 + 0.0416 = 0.0832.
#[test]
fn cur2_snake_case_names_and_scientific_notation() {
    let r = report(&mut check("cur/register-cur2.csv", &["cur/cur2.csv"]), 1);
    let cur2 = resource(&r, "I-0CUR20001");
    assert_eq!(cur2["verdict"], "still_billing");
    assert_eq!(cur2["lines_after_deletion"], 2);
    assert_eq!(cur2["amount_after_deletion"], json!({"USD": "0.0832"}));
    assert_eq!(cur2["tail_amount"], json!({"USD": "0.0416"}));
    assert_eq!(cur2["product"], "AmazonEC2");
    assert_eq!(source_lines(cur2), [3, 4]);
}

/// A CUR written without resource IDs: only the product-level cleanup matches. AWS Lambda
/// after an 08:30 deletion: 09:00 requests USD 0.001 + 09:00 GB-seconds USD 0.0416675 =
/// 0.0426675; the 08:00 line (USD 0.0002) is the tail. No line mentions `my-bucket`.
#[test]
fn cur_without_resource_ids_is_read_and_only_product_cleanups_match() {
    let r = report(
        &mut check(
            "cur/register-no-resource-id.csv",
            &["cur/no-resource-id.csv"],
        ),
        1,
    );
    let lambda = resource(&r, "");
    assert_eq!(lambda["scope"], "product");
    assert_eq!(lambda["product"], "AWS Lambda");
    assert_eq!(lambda["verdict"], "still_billing");
    assert_eq!(lambda["lines_after_deletion"], 2);
    assert_eq!(lambda["amount_after_deletion"], json!({"USD": "0.0426675"}));
    assert_eq!(lambda["tail_amount"], json!({"USD": "0.0002"}));
    assert_eq!(resource(&r, "my-bucket")["verdict"], "not_in_bill");
}

/// `3/9/2024` style dates (CRLF, `5.64902E-05`). The deletion `2024-03-10 07:00` is read in the
/// default `--tz +08:00`: 2024-03-09 23:00 UTC. Azure days are UTC days, so the 3/9 line
/// (03-09 00:00–03-10 00:00 UTC) is the tail and 3/10 and 3/11 bill after it: USD 2.64 +
/// 0.0000564902 = 2.6400564902. (Read as +08:00 days, 3/9 would end before the deletion and 3/10
/// would start before it: one line after, one tail.)
#[test]
fn azure_dates_are_month_first_utc_days() {
    let r = report(
        &mut check("azure/register-us-dates.csv", &["azure/us-dates-crlf.csv"]),
        1,
    );
    let vm = &r["resources"][0];
    assert_eq!(vm["verdict"], "still_billing");
    assert_eq!(vm["resource_name"], "vm-01");
    assert_eq!(vm["lines_after_deletion"], 2);
    assert_eq!(vm["amount_after_deletion"], json!({"USD": "2.6400564902"}));
    assert_eq!(vm["tail_lines"], 1);
    assert_eq!(vm["tail_amount"], json!({"USD": "2.64"}));
    assert_eq!(vm["first_after_deletion"], "2024-03-10T00:00:00Z");
    assert_eq!(vm["last_after_deletion"], "2024-03-11T00:00:00Z");
    assert_eq!(source_lines(vm), [3, 4]);
    // The 3/11 lines bill through 03-12 00:00 UTC, less their day (more than the lag): the
    // newest day may still grow.
    assert_eq!(
        coverage(&r),
        json!([{"provider": "azure", "complete_through": "2024-03-11T00:00:00Z"}])
    );
}

/// One SQL server written in lower, upper and mixed case (after a UTF-8 BOM, `MM/DD/YYYY`
/// dates), deleted at 03-10 00:00 UTC under another spelling with provider `Microsoft Azure`:
/// the 03/10 and 03/11 lines (USD 1.00 each) are one resource's.
#[test]
fn azure_resource_ids_in_any_case_are_one_resource() {
    let r = report(
        &mut check(
            "azure/register-mixed-case.csv",
            &["azure/bom-mixed-case.csv"],
        ),
        1,
    );
    let sql = &r["resources"][0];
    assert_eq!(sql["verdict"], "still_billing");
    assert_eq!(sql["provider"], "azure");
    assert_eq!(sql["lines"], 3);
    assert_eq!(sql["lines_after_deletion"], 2);
    assert_eq!(sql["amount_after_deletion"], json!({"USD": "2.00"}));
    // Every line's spelling: lower case (03/09), upper (03/10), mixed (03/11).
    assert_eq!(sql["bill_ids"].as_array().unwrap().len(), 3);
    assert_eq!(sql["rules"], json!(["azure-resource-id"]));
}

/// MCA camelCase names and ISO dates. vm-02 deleted 03-10 12:00 UTC: its 03-10 usage (EUR 1.20)
/// is the tail, the 03-11 `Refund` (EUR -0.50) money back: stopped. Coverage comes from the
/// 03-11 usage only (03-12 00:00 less the lag), not from the reservation's `UnusedReservation`
/// (03-12) nor its `Purchase` (03-20).
#[test]
fn azure_charge_types_refund_and_purchases_do_not_set_coverage() {
    let r = report(
        &mut check(
            "azure/register-charge-types.csv",
            &["azure/charge-types.csv"],
        ),
        3,
    );
    let vm = &r["resources"][0];
    // The newest daily line (03-11) may still grow: complete through its start, 03-11 00:00,
    // short of deleted_at + window (03-11 12:00).
    assert_eq!(vm["verdict"], "pending");
    assert_eq!(vm["tail_amount"], json!({"EUR": "1.20"}));
    assert_eq!(vm["refunds_after_deletion"], json!({"EUR": "-0.50"}));
    assert_eq!(
        coverage(&r),
        json!([{"provider": "azure", "complete_through": "2024-03-11T00:00:00Z"}])
    );
    assert_eq!(r["inputs"][0]["currency"], "EUR");
}

/// The pay-as-you-go "usage only" file: `UsageDateTime`, `PreTaxCost`, `InstanceId`,
/// `Currency`, and no `ChargeType` (every line is usage). fn-01 deleted 03-10 00:00 UTC: the
/// 03-10 line (USD 0.032) bills after it.
#[test]
fn azure_pay_as_you_go_names_without_a_charge_type() {
    let r = report(
        &mut check("azure/register-payg.csv", &["azure/payg.csv"]),
        1,
    );
    let f = &r["resources"][0];
    assert_eq!(f["verdict"], "still_billing");
    assert_eq!(f["amount_after_deletion"], json!({"USD": "0.032"}));
    assert_eq!(f["product"], "Functions");
}

#[test]
fn azure_day_first_date_is_bad_input_naming_the_cell() {
    let out = check("azure/register-us-dates.csv", &["bad/azure-day-first.csv"])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.contains("fixtures/bad/azure-day-first.csv:3:7"),
        "{err}"
    );
    assert!(err.contains("month first"), "{err}");
}

/// OCI's own report: CRLF, `intervalUsageStart` without seconds, 18-decimal costs, a backslash in
/// a tag header. The instance deleted 09:30 UTC bills 10:00 (USD 0.0018230675) and 11:00
/// (0.00136084): 0.0031839075; 09:00 is the tail.
#[test]
fn oci_cost_report_hours_without_seconds_and_eighteen_decimals() {
    let r = report(
        &mut check("oci/register-cost-report.csv", &["oci/cost-report.csv"]),
        1,
    );
    assert_eq!(r["inputs"][0]["format"], "oci");
    let inst = &r["resources"][0];
    assert_eq!(inst["verdict"], "still_billing");
    assert_eq!(inst["provider"], "oracle");
    assert_eq!(inst["lines_after_deletion"], 2);
    assert_eq!(
        inst["amount_after_deletion"],
        json!({"USD": "0.0031839075"})
    );
    assert_eq!(inst["tail_amount"], json!({"USD": "0.0018230675"}));
    assert_eq!(inst["first_after_deletion"], "2023-11-13T10:00:00Z");
    assert_eq!(
        coverage(&r),
        json!([{"provider": "oracle", "complete_through": "2023-11-13T10:00:00Z"}])
    );
}

/// `lineItem/isCorrection`: a positive correction of the 09:00 hour (USD 0.0000000610893) is part
/// of that hour's tail, never a new charge; a negative correction of 10:00 (a line of an earlier
/// report) is money back. With `--window 30m` the data (complete through 10:00) suffice: stopped.
#[test]
fn oci_corrections_are_never_new_charges() {
    let r = report(
        check("oci/register-correction.csv", &["oci/correction.csv"]).args(["--window", "30m"]),
        0,
    );
    let vnic = &r["resources"][0];
    assert_eq!(vnic["verdict"], "stopped");
    assert_eq!(vnic["provider"], "oracle");
    assert_eq!(vnic["lines_after_deletion"], 0);
    assert_eq!(vnic["tail_lines"], 2);
    // 0.000000227205938461 + 0.000000061089300000
    assert_eq!(vnic["tail_amount"], json!({"USD": "0.000000288295238461"}));
    assert_eq!(
        vnic["refunds_after_deletion"],
        json!({"USD": "-0.000000227205938461"})
    );
}

/// CUR 2.0 from Data Exports as Parquet: the documented types (`double` costs and amounts,
/// `timestamp` periods, a `map` column), written here with the Parquet writer billrecon links.
/// i-0pq deleted 08:30 UTC: 09:00 (USD 0.0416) bills after it, 08:00 is the tail.
#[test]
fn cur2_parquet_is_read_like_its_csv() {
    use polars::prelude::*;
    // 2024-03-10T00:00Z plus h hours, in milliseconds.
    let hour = |h: i64| 1_710_028_800_000 + h * 3_600_000;
    let ts = |name: &str, hours: &[i64]| {
        Series::new(
            name.into(),
            hours.iter().map(|h| hour(*h)).collect::<Vec<_>>(),
        )
        .cast(&DataType::Datetime(
            TimeUnit::Milliseconds,
            Some(TimeZone::UTC),
        ))
        .unwrap()
        .into_column()
    };
    let mut df = DataFrame::new(
        3,
        vec![
            Column::new("identity_line_item_id".into(), ["a", "b", "c"]),
            Column::new(
                "line_item_line_item_type".into(),
                ["Usage", "Usage", "Usage"],
            ),
            ts("line_item_usage_start_date", &[8, 9, 34]),
            ts("line_item_usage_end_date", &[9, 10, 35]),
            Column::new("line_item_product_code".into(), ["AmazonEC2"; 3]),
            Column::new(
                "line_item_resource_id".into(),
                ["i-0pq", "i-0pq", "i-0keep"],
            ),
            Column::new("line_item_usage_amount".into(), [1.0f64, 1.0, 1.0]),
            Column::new("line_item_currency_code".into(), ["USD"; 3]),
            Column::new(
                "line_item_unblended_cost".into(),
                [0.0416f64, 0.0416, 0.0104],
            ),
            Column::new("pricing_unit".into(), ["Hrs"; 3]),
        ],
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cur2.parquet");
    ParquetWriter::new(std::fs::File::create(&path).unwrap())
        .finish(&mut df)
        .unwrap();
    let reg = dir.path().join("register.csv");
    std::fs::write(&reg, "resource_id,deleted_at\ni-0pq,2024-03-10T08:30:00Z\n").unwrap();
    let r = report(
        billrecon()
            .arg("check")
            .arg("--deleted")
            .arg(&reg)
            .arg(&path),
        1,
    );
    assert_eq!(r["inputs"][0]["format"], "cur");
    let pq = resource(&r, "i-0pq");
    assert_eq!(pq["verdict"], "still_billing");
    assert_eq!(pq["amount_after_deletion"], json!({"USD": "0.0416"}));
    assert_eq!(pq["tail_lines"], 1);
    // Row 1 (09:00) is cited as line 3, as in the CSV of the same data.
    assert_eq!(source_lines(pq), [3]);
    assert_eq!(
        coverage(&r),
        json!([{"provider": "aws", "complete_through": "2024-03-11T09:00:00Z"}])
    );
}

/// One coverage per provider whatever the format: AWS lines of a FOCUS export
/// (`focus/focus-1.2.csv`) and of a CUR (`cur/savings-plan.csv`, usage to 2024-03-11 11:00)
/// count for the one key `aws`, complete through the later of the two less the lag.
#[test]
fn one_coverage_per_provider_across_cur_and_focus() {
    let r = report(
        &mut check(
            "cur/register-savings-plan.csv",
            &["focus/focus-1.2.csv", "cur/savings-plan.csv"],
        ),
        1,
    );
    let cov = r["coverage"].as_array().unwrap();
    assert_eq!(cov.len(), 1, "{cov:?}");
    assert_eq!(cov[0]["provider"], "aws");
    assert_eq!(cov[0]["complete_through"], "2024-03-11T09:00:00Z");
    assert_eq!(r["inputs"][0]["format"], "focus");
    assert_eq!(r["inputs"][1]["format"], "cur");
}

/// A rules file may scope a rule to the `oracle` provider (written `OCI`, which folds to it).
#[test]
fn rules_may_name_the_oracle_provider() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nname = \"oci-short\"\nprovider = \"OCI\"\npattern = '^ocid1\\.instance\\.oc1\\.iad\\.(?P<id>.+)$'\n",
    )
    .unwrap();
    let reg = dir.path().join("register.csv");
    std::fs::write(
        &reg,
        "resource_id,deleted_at\naaaaaaaainst01,2023-11-13T09:30:00Z\n",
    )
    .unwrap();
    let r = report(
        billrecon()
            .arg("check")
            .arg("--rules")
            .arg(&rules)
            .arg("--deleted")
            .arg(&reg)
            .arg(fixture("oci/cost-report.csv")),
        1,
    );
    let inst = resource(&r, "aaaaaaaainst01");
    assert_eq!(inst["verdict"], "still_billing");
    assert_eq!(inst["rules"], json!(["oci-short"]));
}
