//! Every export users have, end to end: Alibaba Bill Details header variants, FOCUS 1.0–1.3 and
//! the providers' deviations, the delivery wrappers (gzip, zip, GBK, UTF-16, Parquet), mixed
//! runs, and `billrecon inspect`. Fixtures are described in fixtures/README.md.

use crate::util::billrecon;
use serde_json::Value;
use std::collections::BTreeMap;

/// Runs `check -f json` and returns the exit code and the report.
fn check_json(register: &str, exports: &[&str]) -> (i32, Value) {
    let out = billrecon()
        .args(["check", "-q", "-f", "json", "--deleted", register])
        .args(exports)
        .output()
        .expect("runs");
    let code = out.status.code().expect("exit code");
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}); exit {code}; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, json)
}

/// What must not depend on how the export was delivered: per resource ID, its verdict, line
/// counts, amounts, refunds, tail, coverage, and the lines cited (file names aside).
fn verdicts(report: &Value) -> BTreeMap<String, Value> {
    report["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| {
            let lines: Vec<&Value> = r["sources"]
                .as_array()
                .expect("sources")
                .iter()
                .map(|s| &s["line"])
                .collect();
            (
                r["resource_id"].as_str().expect("id").to_string(),
                serde_json::json!({
                    "verdict": r["verdict"],
                    "lines": r["lines"],
                    "lines_after_deletion": r["lines_after_deletion"],
                    "amount_after_deletion": r["amount_after_deletion"],
                    "usage_after_deletion": r["usage_after_deletion"],
                    "refunds_after_deletion": r["refunds_after_deletion"],
                    "tail_lines": r["tail_lines"],
                    "tail_amount": r["tail_amount"],
                    "complete_through": r["complete_through"],
                    "bill_ids": r["bill_ids"],
                    "source_lines": lines,
                }),
            )
        })
        .collect()
}

fn verdict_of<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .find(|r| r["resource_id"] == id)
        .unwrap_or_else(|| panic!("no resource {id} in {report}"))
}

fn temp_file(name: &str, bytes: &[u8]) -> String {
    let path =
        std::env::temp_dir().join(format!("billrecon-formats-{}-{name}", std::process::id()));
    std::fs::write(&path, bytes).expect("temp file");
    path.to_string_lossy().into_owned()
}

#[test]
fn focus_gives_the_same_verdicts_whatever_the_wrapper() {
    let (code, plain) = check_json(
        "fixtures/focus/register.csv",
        &["fixtures/focus/focus-1.2.csv"],
    );
    assert_eq!(code, 1);
    let want = verdicts(&plain);
    assert_eq!(want.len(), 3);
    assert_eq!(want["i-0abc1234"]["verdict"], "still_billing");
    assert_eq!(want["i-0abc1234"]["amount_after_deletion"]["USD"], "1.73");
    assert_eq!(want["i-0abc1234"]["tail_lines"], 1);
    assert_eq!(want["i-0abc1234"]["source_lines"], serde_json::json!([4]));
    // A Credit after the deletion is a refund, never a charge.
    assert_eq!(want["arn:aws:s3:::acme-logs"]["verdict"], "stopped");
    assert_eq!(
        want["arn:aws:s3:::acme-logs"]["refunds_after_deletion"]["USD"],
        "-0.50"
    );
    // A negative Correction of an earlier period does not bill after the deletion.
    assert_eq!(want["vol-0def5678"]["verdict"], "stopped");
    assert_eq!(want["vol-0def5678"]["lines"], 2);

    for wrapped in [
        "fixtures/wrappers/focus-1.2.csv.gz",
        "fixtures/wrappers/focus-1.2.zip",
        "fixtures/wrappers/focus-1.2.parquet",
        "fixtures/wrappers/focus-1.2-utf16.txt",
    ] {
        let (code, report) = check_json("fixtures/focus/register.csv", &[wrapped]);
        assert_eq!(code, 1, "{wrapped}");
        assert_eq!(verdicts(&report), want, "{wrapped}");
        let input = &report["inputs"][0];
        assert_eq!(input["format"], "focus", "{wrapped}");
        assert_eq!(
            input["version"], "version unknown, display-name headers",
            "{wrapped}"
        );
        assert_eq!(input["rows"], 9, "{wrapped}");
        assert_eq!(input["currency"], "USD", "{wrapped}");
        assert_eq!(input["first_usage"], plain["inputs"][0]["first_usage"]);
        assert_eq!(input["last_usage"], plain["inputs"][0]["last_usage"]);
        assert_eq!(report["coverage"], plain["coverage"], "{wrapped}");
    }

    // Loosely typed Parquet: float64 costs (read through their shortest decimal text), an
    // all-null ChargeClass typed Null, time-zone-less timestamps (UTC, as FOCUS says).
    let (code, loose) = check_json(
        "fixtures/focus/register.csv",
        &["fixtures/wrappers/focus-1.2-loose.parquet"],
    );
    assert_eq!(code, 1);
    assert_eq!(verdicts(&loose), want);
    assert_eq!(loose["coverage"], plain["coverage"]);
}

#[test]
fn alibaba_header_variants_and_encodings_give_the_same_verdicts() {
    let register = "fixtures/alibaba/register.csv";
    let (code, base) = check_json(register, &["fixtures/alibaba/bill-details.csv"]);
    assert_eq!(code, 1);
    let want = verdicts(&base);
    for other in [
        "fixtures/alibaba/bill-details-b.csv",
        "fixtures/alibaba/bill-details-en.csv",
        "fixtures/alibaba/oss-detail.csv",
        "fixtures/wrappers/bill-details-gbk.csv",
    ] {
        let (code, report) = check_json(register, &[other]);
        assert_eq!(code, 1, "{other}");
        let mut got = verdicts(&report);
        let mut want = want.clone();
        if other.ends_with("oss-detail.csv") {
            // The OSS detail file has no usage-quantity column.
            for v in got.values_mut().chain(want.values_mut()) {
                v["usage_after_deletion"] = Value::Null;
            }
        }
        assert_eq!(got, want, "{other}");
        assert_eq!(
            report["inputs"][0]["rows"], 9,
            "{other}: totals row left out"
        );
        assert_eq!(report["inputs"][0]["currency"], "CNY", "{other}");
    }
}

#[test]
fn alibaba_bill_details_follow_the_contract() {
    let (code, r) = check_json(
        "fixtures/alibaba/register.csv",
        &["fixtures/alibaba/bill-details.csv"],
    );
    assert_eq!(code, 1);
    assert_eq!(r["inputs"][0]["format"], "alibaba");
    assert_eq!(r["summary"]["still_billing"], 2);
    assert_eq!(r["summary"]["pending"], 1);
    assert_eq!(r["summary"]["not_in_bill"], 1);
    assert_eq!(r["summary"]["stopped"], 2);
    // Released at 08:31:12: the per-second record 08:00:00–08:31:12 ends at the deletion.
    let gpu = verdict_of(&r, "i-bp1gpu0001");
    assert_eq!(gpu["verdict"], "stopped");
    assert_eq!(gpu["lines"], 2);
    assert_eq!(gpu["tail_lines"], 0);
    // A Model Studio workspace matches one `;` part of the composite instance ID.
    let ws = verdict_of(&r, "llm-ws0001");
    assert_eq!(ws["verdict"], "still_billing");
    assert_eq!(
        ws["bill_ids"],
        serde_json::json!(["12345;llm-ws0001;qwen-max;output_token;app"])
    );
    assert_eq!(ws["amount_after_deletion"]["CNY"], "0.60");
    // An OSS composite ID matches as a whole; its day is not yet observed.
    assert_eq!(verdict_of(&r, "cn-hangzhou;standard")["verdict"], "pending");
    // A refund (`退款`, negative) after the deletion, matched case-insensitively.
    let rds = verdict_of(&r, "RDS-BP1PREPAID");
    assert_eq!(rds["verdict"], "stopped");
    assert_eq!(rds["refunds_after_deletion"]["CNY"], "-250.00");
    assert_eq!(verdict_of(&r, "d-bp1disk0001")["verdict"], "still_billing");
    assert_eq!(verdict_of(&r, "i-bp1missing")["verdict"], "not_in_bill");
    assert_eq!(
        r["coverage"],
        serde_json::json!([{"provider": "alibaba", "complete_through": "2024-03-11T02:00:00Z"}])
    );
}

#[test]
fn a_mixed_run_gives_each_resource_the_coverage_of_its_own_provider() {
    let (code, r) = check_json(
        "fixtures/mixed/register.csv",
        &[
            "fixtures/mixed/huawei.csv",
            "fixtures/alibaba/bill-details.csv",
            "fixtures/focus/focus-1.2.csv",
        ],
    );
    assert_eq!(code, 1);
    let formats: Vec<&Value> = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["format"])
        .collect();
    assert_eq!(formats, ["huawei", "alibaba", "focus"]);
    assert_eq!(
        r["coverage"],
        serde_json::json!([
            {"provider": "alibaba", "complete_through": "2024-03-11T02:00:00Z"},
            {"provider": "aws", "complete_through": "2024-03-11T04:00:00Z"},
            {"provider": "huawei", "complete_through": "2024-03-10T00:00:00Z"},
        ])
    );
    // Deleted within a minute of each other: the Huawei one waits for Huawei's data, the
    // Alibaba one is settled by Alibaba's.
    let hw = verdict_of(&r, "3f1c2b7e-5d0a-4c55-9a61-0d2f8e7b1a20");
    assert_eq!(hw["verdict"], "pending");
    assert_eq!(hw["complete_through"], "2024-03-10T00:00:00Z");
    assert_eq!(hw["tail_lines"], 1);
    let ali = verdict_of(&r, "i-bp1gpu0001");
    assert_eq!(ali["verdict"], "stopped");
    assert_eq!(ali["complete_through"], "2024-03-11T02:00:00Z");
    let aws = verdict_of(&r, "i-0abc1234");
    assert_eq!(aws["verdict"], "still_billing");
    assert_eq!(
        aws["amount_after_deletion"],
        serde_json::json!({"USD": "1.73"})
    );
    let vol = verdict_of(&r, "vol-0def5678");
    assert_eq!(vol["verdict"], "stopped");
    assert_eq!(vol["complete_through"], "2024-03-11T04:00:00Z");
}

#[test]
fn a_mixed_run_reads_zip_members_in_archive_order() {
    let (code, r) = check_json(
        "fixtures/mixed/register.csv",
        &[
            "fixtures/wrappers/bundle.zip",
            "fixtures/wrappers/focus-1.2.parquet",
        ],
    );
    assert_eq!(code, 1);
    let paths: Vec<&str> = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "fixtures/wrappers/bundle.zip:huawei-2024-03.csv",
            "fixtures/wrappers/bundle.zip:alibaba/bill-details.csv",
            "fixtures/wrappers/focus-1.2.parquet",
        ]
    );
    let (_, plain) = check_json(
        "fixtures/mixed/register.csv",
        &[
            "fixtures/mixed/huawei.csv",
            "fixtures/alibaba/bill-details.csv",
            "fixtures/focus/focus-1.2.csv",
        ],
    );
    assert_eq!(verdicts(&r), verdicts(&plain));
    assert_eq!(r["coverage"], plain["coverage"]);
}

#[test]
fn overlapping_exports_of_one_provider_count_once() {
    let (_, once) = check_json(
        "fixtures/focus/register.csv",
        &["fixtures/focus/focus-1.2.csv"],
    );
    let (code, r) = check_json(
        "fixtures/focus/register.csv",
        &[
            "fixtures/focus/focus-1.2.csv",
            "fixtures/wrappers/focus-1.2.csv.gz",
            "fixtures/wrappers/focus-1.2.zip",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(r["summary"], once["summary"]);
    let dups: Vec<&Value> = r["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["duplicate_rows"])
        .collect();
    // The matched lines of the second and third copies are dropped.
    assert_eq!(dups, [0, 7, 7]);
    let mut got = verdicts(&r);
    let mut want = verdicts(&once);
    for v in got.values_mut().chain(want.values_mut()) {
        v["source_lines"] = Value::Null;
    }
    assert_eq!(got, want);
}

#[test]
fn huawei_focus_inclusive_ends_and_adjustment_refunds() {
    let (code, r) = check_json(
        "fixtures/focus/register-huawei-focus.csv",
        &["fixtures/focus/huawei-focus-1.0.csv"],
    );
    assert_eq!(code, 0, "{r}");
    assert_eq!(
        r["inputs"][0]["version"],
        "version unknown, display-name headers"
    );
    assert_eq!(r["inputs"][0]["currency"], "USD");
    // The last end `2024-03-11T15:59:59Z` is inclusive: data reach 16:00, complete through 14:00.
    assert_eq!(
        r["coverage"],
        serde_json::json!([{"provider": "huawei", "complete_through": "2024-03-11T14:00:00Z"}])
    );
    let one = verdict_of(&r, "ecs-hw-01");
    assert_eq!(one["verdict"], "stopped", "needs the inclusive end");
    // Huawei books the unsubscription refund as a negative Adjustment.
    assert_eq!(one["refunds_after_deletion"]["USD"], "-3.20");
    assert_eq!(one["lines_after_deletion"], 0);
    let two = verdict_of(&r, "ecs-hw-02");
    assert_eq!(two["verdict"], "stopped");
    assert_eq!(two["tail_lines"], 1);
}

#[test]
fn alibaba_focus_preview_with_empty_mandatory_columns() {
    let (code, r) = check_json(
        "fixtures/focus/register-alibaba-preview.csv",
        &["fixtures/focus/alibaba-focus-preview.csv"],
    );
    assert_eq!(code, 1);
    let v = verdict_of(&r, "i-bp1preview01");
    assert_eq!(v["verdict"], "still_billing");
    assert_eq!(v["amount_after_deletion"]["CNY"], "2.00");
    assert_eq!(v["provider"], "alibaba");
    assert_eq!(r["coverage"][0]["provider"], "alibaba");
}

#[test]
fn focus_1_3_names_bind_and_key_coverage_by_provider_name() {
    let (code, r) = check_json(
        "fixtures/focus/register-1.3.csv",
        &["fixtures/focus/focus-1.3.csv"],
    );
    assert_eq!(code, 1);
    // The 1.0 column names without the columns every release requires: no release fits.
    assert_eq!(r["inputs"][0]["version"], "version unknown");
    assert_eq!(
        r["coverage"],
        serde_json::json!([{"provider": "azure", "complete_through": "2024-03-11T04:00:00Z"}])
    );
    let id =
        "/SUBSCRIPTIONS/0001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-01";
    let v = verdict_of(&r, id);
    assert_eq!(v["verdict"], "still_billing");
    assert_eq!(v["amount_after_deletion"]["EUR"], "0.40");
}

#[test]
fn inspect_shows_what_each_export_holds() {
    let out = billrecon()
        .args([
            "inspect",
            "-q",
            "fixtures/wrappers/bundle.zip",
            "fixtures/wrappers/focus-1.2.parquet",
            "fixtures/wrappers/focus-1.2-utf16.txt",
            "fixtures/wrappers/bill-details-gbk.csv",
            "fixtures/focus/huawei-focus-1.0.csv",
        ])
        .assert()
        .code(0);
    let stdout = String::from_utf8(out.get_output().stdout.clone()).expect("UTF-8");
    insta::assert_snapshot!("inspect_table", stdout);
}

#[test]
fn inspect_json_reports_bindings_and_coverage() {
    let out = billrecon()
        .args([
            "inspect",
            "-q",
            "-f",
            "json",
            "--lag",
            "1h",
            "fixtures/alibaba/oss-detail.csv",
            "fixtures/focus/focus-1.3.csv",
        ])
        .assert()
        .code(0);
    let r: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["settings"]["lag_seconds"], 3600);
    let oss = &r["inputs"][0];
    assert_eq!(oss["ok"], true);
    assert_eq!(oss["format"], "alibaba");
    assert_eq!(oss["rows"], 9);
    let bound: BTreeMap<&str, &str> = oss["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["meaning"].as_str().unwrap(),
                c["header"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(bound["resource ID"], "InstanceID");
    assert_eq!(bound["amount"], "PretaxAmount");
    assert_eq!(bound["usage start"], "UsageStartTime");
    assert_eq!(bound["kind of line"], "Item");
    assert_eq!(bound["currency"], "Currency");
    assert_eq!(
        oss["coverage"],
        serde_json::json!([{"provider": "alibaba", "complete_through": "2024-03-11T03:00:00Z"}])
    );
    let f13 = &r["inputs"][1];
    assert_eq!(f13["version"], "version unknown");
    assert_eq!(f13["currency"], "EUR");
    assert_eq!(f13["first_usage"], "2024-03-10T00:00:00Z");
    assert_eq!(f13["last_usage"], "2024-03-11T06:00:00Z");
}

#[test]
fn inspect_names_the_closest_format_and_exits_2() {
    let bad = temp_file(
        "no-amount.csv",
        "实例ID,实例昵称,账单开始时间,账单结束时间,用量\ni-1,x,2024-03-10 07:00:00,2024-03-10 08:00:00,1\n"
            .as_bytes(),
    );
    let out = billrecon()
        .args([
            "inspect",
            "-q",
            "-f",
            "json",
            &bad,
            "fixtures/focus/focus-1.3.csv",
        ])
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("the closest is alibaba"), "{stderr}");
    let r: Value = serde_json::from_slice(&out.get_output().stdout).expect("JSON");
    let i = &r["inputs"][0];
    assert_eq!(i["ok"], false);
    assert_eq!(i["closest"]["format"], "alibaba");
    assert_eq!(i["closest"]["missing"][0]["meaning"], "amount");
    assert_eq!(i["closest"]["missing"][0]["looked_for"][0], "应付金额");
    // The other input is still shown.
    assert_eq!(r["inputs"][1]["ok"], true);
    let _ = std::fs::remove_file(bad);
}

#[test]
fn broken_wrappers_are_bad_input_not_panics() {
    let gz = std::fs::read("fixtures/wrappers/focus-1.2.csv.gz").unwrap();
    let cut = temp_file("cut.csv.gz", &gz[..gz.len() / 2]);
    let zip = std::fs::read("fixtures/wrappers/focus-1.2.zip").unwrap();
    let mut corrupt_zip = zip.clone();
    // Flip bytes inside the deflated data: the CRC or the inflater must notice.
    for b in &mut corrupt_zip[60..90] {
        *b ^= 0x5a;
    }
    let bad_zip = temp_file("corrupt.zip", &corrupt_zip);
    let pq = std::fs::read("fixtures/wrappers/focus-1.2.parquet").unwrap();
    let mut broken = pq[..4].to_vec();
    broken.extend_from_slice(b"not really parquet, only its magic bytes");
    let bad_pq = temp_file("broken.parquet", &broken);
    let empty_zip = temp_file(
        "empty.zip",
        b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
    );
    for (file, expect) in [
        (&cut, "cut short"),
        (&bad_zip, "corrupt.zip"),
        (&bad_pq, "Parquet"),
        (&empty_zip, "holds no files"),
    ] {
        let out = billrecon()
            .args([
                "check",
                "-q",
                "--deleted",
                "fixtures/focus/register.csv",
                file,
            ])
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains(file.as_str()), "{file}: {stderr}");
        assert!(stderr.contains(expect), "{file}: {stderr}");
        assert!(!stderr.contains("panicked"), "{file}: {stderr}");
        let _ = std::fs::remove_file(file);
    }
}

#[test]
fn a_prepaid_period_ending_next_month_does_not_stretch_coverage() {
    // The purchase's window runs to 2026-11-10; metered usage ends 2026-10-10 02:00, so the
    // data is complete through 00:00 and a deletion at 00:30 is still pending.
    let out = billrecon()
        .args([
            "check",
            "-f",
            "json",
            "--deleted",
            "fixtures/focus/register-prepaid.csv",
            "fixtures/focus/prepaid-ahead.csv",
        ])
        .assert()
        .code(3);
    let r: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(r["coverage"][0]["complete_through"], "2026-10-10T00:00:00Z");
    assert_eq!(r["resources"][0]["verdict"], "pending");
}
