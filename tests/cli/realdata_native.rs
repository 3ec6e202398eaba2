//! The four third-party AWS, Azure and OCI exports of `../shared/realdata/` (see its
//! `PROVENANCE.md`; none of them is copied into the repository). Each test skips with a printed
//! reason when the folder is absent (a user's fresh clone) and fails instead when
//! `BILLRECON_REQUIRE_REALDATA=1` (as `.ci/run` sets it). Registers are written here, and the
//! verdicts and amounts each test expects are worked out by hand from the lines cited.

use crate::realdata::{realdata, register};
use crate::util::{billrecon, report, resource, source_lines, verdicts};
use serde_json::{json, Value};
use std::path::Path;

/// `billrecon inspect -f json FILE`'s one input (exit 0).
fn inspect(file: &Path) -> Value {
    let out = billrecon()
        .args(["inspect", "-f", "json"])
        .arg(file)
        .assert()
        .code(0);
    let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    r["inputs"][0].clone()
}

fn bound(input: &Value, meaning: &str) -> Option<String> {
    input["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["meaning"] == meaning)
        .map(|c| c["header"].as_str().unwrap().to_string())
}

/// The product-level entry of `product` (as the report names it).
fn product<'a>(r: &'a Value, product: &str) -> &'a Value {
    r["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["scope"] == "product" && x["product"] == product)
        .unwrap_or_else(|| panic!("no product entry {product} in {:#}", r["resources"]))
}

/// The legacy CUR (Nov 2023, 94 columns, no `lineItem/ResourceId`): 1269 usage lines of 1 to
/// 24 hours, the last ending 2023-11-14 04:00 UTC, and 12 month-long `Tax` lines (one per
/// product code). Only product-level cleanups can match, by code or name:
/// - `awskms` at 2023-11-13 12:00 UTC: after it, lines 302–305 (18:00–19:00, USD 0.0 each, with
///   5, 1, 1 and 1 requests: billed at no charge) and 119 (11-14 00:00–03:00, 0.0041666667): 5 lines,
///   USD 0.0041666667; the tail is line 118 (11-13 00:00–11-14 00:00, 0.0333333336) and the Tax
///   line 6 (11-01–12-01, 0.01): 2 lines, USD 0.0433333336.
/// - `AWSCloudShell` at 11-06 00:00: its 16 lines end by 11-05 06:00, the data are complete
///   through 11-14 02:00 (04:00 less the 2h lag) ≥ 11-07 00:00: stopped.
/// - `AWSSecretsManager` at 11-13 20:00: its last usage (line 856) ended 19:00; the Tax line
///   (line 8, USD 0.0) is the tail; 11-14 02:00 < 11-14 20:00: pending.
/// - `AWSDataTransfer` at 11-10 00:00: its only line is the Tax line 3, spanning the deletion:
///   the tail, never a charge: stopped.
/// - `AmazonEC2` at 11-10 00:00: no line: not_in_bill.
///
/// Coverage 2023-11-14 02:00 proves the Tax lines (ending 12-01) set none.
#[test]
fn aws_cur_without_resource_ids() {
    let Some(cur) = realdata("focus-converters/sample-anonymous-aws-export-dataset.csv") else {
        return;
    };
    let input = inspect(&cur);
    assert_eq!(input["format"], "cur");
    assert_eq!(input["rows"], 1281);
    assert_eq!(bound(&input, "resource ID"), None);
    assert_eq!(
        bound(&input, "billing item").as_deref(),
        Some("lineItem/UsageType")
    );
    assert_eq!(
        input["coverage"],
        json!([{"provider": "aws", "complete_through": "2023-11-14T02:00:00Z"}])
    );

    let reg = register(
        "resource_id,deleted_at,product,provider\n\
         ,2023-11-13T12:00:00Z,awskms,aws\n\
         ,2023-11-06T00:00:00Z,AWSCloudShell,aws\n\
         ,2023-11-13T20:00:00Z,AWSSecretsManager,aws\n\
         ,2023-11-10T00:00:00Z,AWSDataTransfer,aws\n\
         ,2023-11-10T00:00:00Z,AmazonEC2,aws\n",
    );
    let r = report(
        billrecon()
            .arg("check")
            .arg("--deleted")
            .arg(reg.path())
            .arg(&cur),
        1,
    );
    let kms = product(&r, "AWS Key Management Service");
    assert_eq!(kms["verdict"], "still_billing");
    assert_eq!(kms["lines_after_deletion"], 5);
    assert_eq!(kms["amount_after_deletion"], json!({"USD": "0.0041666667"}));
    assert_eq!(kms["tail_lines"], 2);
    assert_eq!(kms["tail_amount"], json!({"USD": "0.0433333336"}));
    assert_eq!(source_lines(kms), [302, 303, 304, 305, 119]);
    // Lines 302-305: ca-central-1-KMS-Requests, 5 + 1 + 1 + 1 requests at USD 0 (no
    // pricing/term); line 119: ca-central-1-KMS-Keys, OnDemand, 0.0041666667 keys for USD
    // 0.0041666667. Two units, never summed; four lines billed at no charge.
    assert_eq!(
        kms["usage_after_deletion_by_unit"],
        json!({"Keys": "0.0041666667", "Requests": "8"})
    );
    assert_eq!(kms["usage_after_deletion"], Value::Null);
    assert_eq!(kms["no_charge_lines"], 4);
    let items: Vec<(String, String, u64)> = kms["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["billing_item"].as_str().unwrap().to_string(),
                i["billing_mode"].as_str().unwrap().to_string(),
                i["lines"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            ("ca-central-1-KMS-Keys".into(), "OnDemand".into(), 1),
            ("ca-central-1-KMS-Requests".into(), String::new(), 4)
        ]
    );
    assert_eq!(product(&r, "AWS CloudShell")["verdict"], "stopped");
    assert_eq!(product(&r, "AWS Secrets Manager")["verdict"], "pending");
    let transfer = product(&r, "AWS Data Transfer");
    assert_eq!(transfer["verdict"], "stopped");
    assert_eq!(transfer["tail_lines"], 1);
    assert_eq!(transfer["lines_after_deletion"], 0);
    assert_eq!(product(&r, "AmazonEC2")["verdict"], "not_in_bill");
    assert_eq!(
        r["coverage"],
        json!([{"provider": "aws", "complete_through": "2023-11-14T02:00:00Z"}])
    );
}

/// The anonymized EA export: 27 usage lines of one day, `9/2/2023` (a UTC day), CRLF, amounts
/// such as `5.64902E-05`, every `ResourceId` the same placeholder path. Deleted 2023-09-01
/// 12:00 UTC (the register writes it in upper case), all 27 lines start after it; 7 cost 0 with
/// quantity 0 (lines 5, 6, 9, 15, 23, 26, 27), the other 20 are charges: CAD 0.000305367 +
/// 0.0000564902 + 0.035351812 + 0.006793634 + 0.0000722904 + 0.000000160101 + 0.0000394951 +
/// 0.000683817 + 0.0000355474 + 0.003588043 + 0.122099941 + 0.071705477 + 0.00000000665679 +
/// 0.000713089 + 0.131532691 + 0.00000000619947 + 0.002121966 + 0.006114271 + 0.479356887 +
/// 0.400798274 = 1.26136926505726. The day ends 09-03 00:00 and may still grow, so the data
/// are complete through its start, 09-02 00:00 (end − max(2h lag, 24h window)) ≥ 09-01 00:00 +
/// 24h: a VM deleted then and never billed is not_in_bill.
#[test]
fn azure_ea_export_with_us_dates_and_scientific_notation() {
    let Some(ea) = realdata("focus-converters/sample-anonymous-ea-export-dataset.csv") else {
        return;
    };
    let input = inspect(&ea);
    assert_eq!(input["format"], "azure");
    assert_eq!(input["rows"], 27);
    assert_eq!(input["currency"], "CAD");
    assert_eq!(input["first_usage"], "2023-09-02T00:00:00Z");
    assert_eq!(input["last_usage"], "2023-09-03T00:00:00Z");
    assert_eq!(
        input["coverage"],
        json!([{"provider": "azure", "complete_through": "2023-09-02T00:00:00Z"}])
    );

    let placeholder =
        "/SUBSCRIPTIONS/<GUID>/RESOURCEGROUPS/<RG NAME>/PROVIDERS/<ARM PROVIDER>/<SERVICENAME>/<DEPLOYEDRESOURCENAME>";
    let gone = "/subscriptions/<guid>/resourceGroups/<rg name>/providers/Microsoft.Compute/virtualMachines/vm-gone";
    let reg = register(&format!(
        "resource_id,deleted_at,provider\n{placeholder},2023-09-01T12:00:00Z,azure\n{gone},2023-09-01T00:00:00Z,azure\n"
    ));
    let r = report(
        billrecon()
            .arg("check")
            .arg("--deleted")
            .arg(reg.path())
            .arg(&ea),
        1,
    );
    let all = resource(&r, placeholder);
    assert_eq!(all["verdict"], "still_billing");
    assert_eq!(all["lines"], 27);
    assert_eq!(all["lines_after_deletion"], 20);
    assert_eq!(
        all["amount_after_deletion"],
        json!({"CAD": "1.26136926505726"})
    );
    assert_eq!(all["first_after_deletion"], "2023-09-02T00:00:00Z");
    assert_eq!(resource(&r, gone)["verdict"], "not_in_bill");
}

/// Microsoft's demo enrollment (UTF-8 BOM, `09/21/2023`, the same subscription's IDs in lower,
/// mixed and upper case). Usage days 09-04 and 09-05, one reservation `Purchase` on 09-21:
/// - the SQL database `…/ahbtest1/databases/nonmanaged` (register in lower case, the bill in
///   upper case) deleted 09-03 00:00: line 6 (09-04, USD 0, 2 vCore hours) bills at no charge:
///   still_billing, USD 0.00;
/// - the key vault (upper case in the bill, lower in the register) deleted 09-03 12:00: line 8
///   (09-04, USD 0.000002): still_billing;
/// - the capacity reservation deleted 09-04 12:00: line 5 (09-04, USD 2.64) spans it: the tail;
///   the data are complete through 09-05 00:00 (the 09-05 day may still grow: its end less its
///   24h window) < 09-05 12:00: pending;
/// - the reservation order (ID ending `/reservations/`) deleted 09-20 00:00: the 09-21 purchase
///   (line 2, USD 3.25) is a charge after it: still_billing.
///
/// Coverage 2023-09-05 00:00 proves the purchase (09-21) sets none.
#[test]
fn azure_ea_actual_cost_from_the_finops_toolkit() {
    let Some(ea) = realdata("finops-toolkit/EA_ActualCost_Small.csv") else {
        return;
    };
    let input = inspect(&ea);
    assert_eq!(input["format"], "azure");
    assert_eq!(input["rows"], 11);
    assert_eq!(input["reading"], "CSV, UTF-8 with BOM");
    assert_eq!(bound(&input, "amount").as_deref(), Some("Cost"));
    assert_eq!(
        input["coverage"],
        json!([{"provider": "azure", "complete_through": "2023-09-05T00:00:00Z"}])
    );

    let sql = "/subscriptions/1caaa5a3-2b66-438e-8ab4-bce37d518c5d/resourcegroups/ahbtest/providers/microsoft.sql/servers/ahbtest1/databases/nonmanaged";
    let vault = "/subscriptions/64e355d7-997c-491d-b0c1-8414dccfcf42/resourcegroups/ftk-micflan-darkslate2/providers/microsoft.keyvault/vaults/ftk-micfla-5pd7gdo37oozc";
    let capres = "/SUBSCRIPTIONS/1CAAA5A3-2B66-438E-8AB4-BCE37D518C5D/resourceGroups/CapRes_Test/providers/Microsoft.Compute/capacityReservationGroups/OnDemadCapRes_Test_USSouthCentralZonal/capacityReservations/CR_Dv3_AZ3";
    let order = "/providers/Microsoft.Capacity/reservationOrders/49ed0e4d-8e0c-4f1f-af2c-67c865056615/reservations/";
    let reg = register(&format!(
        "resource_id,deleted_at,provider\n\
         {sql},2023-09-03T00:00:00Z,azure\n\
         {vault},2023-09-03T12:00:00Z,azure\n\
         {capres},2023-09-04T12:00:00Z,azure\n\
         {order},2023-09-20T00:00:00Z,azure\n"
    ));
    let r = report(
        billrecon()
            .arg("check")
            .arg("--deleted")
            .arg(reg.path())
            .arg(&ea),
        1,
    );
    let db = resource(&r, sql);
    assert_eq!(db["verdict"], "still_billing");
    assert_eq!(db["amount_after_deletion"], json!({"USD": "0.00"}));
    assert_eq!(db["usage_after_deletion"], "2");
    assert_eq!(source_lines(db), [6]);
    let kv = resource(&r, vault);
    assert_eq!(kv["verdict"], "still_billing");
    assert_eq!(kv["amount_after_deletion"], json!({"USD": "0.000002"}));
    assert_eq!(source_lines(kv), [8]);
    let cr = resource(&r, capres);
    assert_eq!(cr["verdict"], "pending");
    assert_eq!(cr["tail_amount"], json!({"USD": "2.64"}));
    let purchase = resource(&r, order);
    assert_eq!(purchase["verdict"], "still_billing");
    assert_eq!(purchase["amount_after_deletion"], json!({"USD": "3.25"}));
    assert_eq!(source_lines(purchase), [2]);
    // What still bills, by meter (`MeterName`) and pricing model (`PricingModel`).
    assert_eq!(purchase["items"][0]["billing_item"], "B1s");
    assert_eq!(purchase["items"][0]["billing_mode"], "Reservation");
    assert_eq!(purchase["items"][0]["amount"], json!({"USD": "3.25"}));
    // The SQL database's line 6 bills at no charge: 2 vCore Hours, nothing deducted by a column.
    assert_eq!(db["usage_after_deletion_by_unit"], json!({"1 Hour": "2"}));
    assert_eq!(db["no_charge_lines"], 1);
}

/// The OCI cost report (506 hourly lines 2023-11-13 05:00–12:00 UTC, starts without seconds,
/// 18-decimal costs, CRLF). With `--as-of 2023-11-15T00:00:00Z` the data are complete through
/// 11-14 22:00:
/// - the E4 instance deleted 09:30: after it the 10:00 lines 106, 269, 383, 406 (memory, USD
///   0.00136084 each), 171, 185, 445, 465 (OCPU, 0.0018230675 each) and the 11:00 lines 138
///   (OCPU) and 352 (memory): 10 lines, 5 × 0.0018230675 + 5 × 0.00136084 = 0.0159195375; the
///   tail is the eight 09:00 lines (53, 102, 411, 504 OCPU; 55, 384, 425, 440 memory):
///   4 × 0.0018230675 + 4 × 0.00136084 = 0.01273563;
/// - the boot volume deleted 10:30: its 10:00–11:00 line 109 (USD 0.001351707606962962) is the
///   tail, nothing after: stopped;
/// - the stream deleted 11-14 00:00 (its last line 11:00): 11-14 22:00 < 11-15 00:00: pending;
/// - an OCID the report never names, deleted 11-13 00:00: not_in_bill.
#[test]
fn oci_cost_report() {
    let Some(oci) = realdata("focus-converters/reports_cost-csv_0000000030000269.csv") else {
        return;
    };
    let input = inspect(&oci);
    assert_eq!(input["format"], "oci");
    assert_eq!(input["rows"], 506);
    assert_eq!(input["first_usage"], "2023-11-13T05:00:00Z");
    assert_eq!(input["last_usage"], "2023-11-13T12:00:00Z");
    assert_eq!(
        input["coverage"],
        json!([{"provider": "oracle", "complete_through": "2023-11-13T10:00:00Z"}])
    );

    let instance = "ocid1.instance.oc1.us-sanjose-1.anzwuljr33abj3qcn6ugox3wetdefjnrjositn7hexayzgxipdxejwitp7aq";
    let volume = "ocid1.bootvolume.oc1.us-sanjose-1.abzwuljrlmub5uedgtlbadwfu3hadymcy2xkymh3x2dw3b3rgxfjnzrxy4pa";
    let stream = "ocid1.stream.oc1.us-sanjose-1.amaaaaaa33abj3qaih4sw37guxveujynj7kd57drzhbjre6cclcaf3bt4ofa";
    let never = "ocid1.instance.oc1.us-sanjose-1.neverbilled";
    let reg = register(&format!(
        "resource_id,deleted_at,provider\n\
         {instance},2023-11-13T09:30:00Z,oracle\n\
         {volume},2023-11-13T10:30:00Z,oracle\n\
         {stream},2023-11-14T00:00:00Z,OCI\n\
         {never},2023-11-13T00:00:00Z,oracle\n"
    ));
    let r = report(
        billrecon()
            .args(["check", "--as-of", "2023-11-15T00:00:00Z", "--deleted"])
            .arg(reg.path())
            .arg(&oci),
        1,
    );
    assert_eq!(
        verdicts(&r),
        [
            (instance.to_string(), "still_billing".to_string()),
            (stream.to_string(), "pending".to_string()),
            (never.to_string(), "not_in_bill".to_string()),
            (volume.to_string(), "stopped".to_string()),
        ]
    );
    let i = resource(&r, instance);
    assert_eq!(i["lines_after_deletion"], 10);
    assert_eq!(i["amount_after_deletion"], json!({"USD": "0.0159195375"}));
    assert_eq!(i["tail_lines"], 8);
    assert_eq!(i["tail_amount"], json!({"USD": "0.01273563"}));
    let v = resource(&r, volume);
    assert_eq!(v["tail_amount"], json!({"USD": "0.001351707606962962"}));
    assert_eq!(
        r["coverage"],
        json!([{"provider": "oracle", "complete_through": "2023-11-14T22:00:00Z"}])
    );
}
