//! What was deleted: register columns and aliases, pasted IDs, repeated IDs, and product-level
//! cleanups (from the register or from `--product --cleaned-at`).

use crate::util::{billrecon, check, fixture, report, resource, stderr_of, verdicts};
use serde_json::json;

const BASIC: &str = "huawei/zh-basic.csv";

#[test]
fn register_columns_may_be_named_id_and_deletion_time() {
    let r = report(&mut check("register/aliases.csv", &[BASIC]), 1);
    assert_eq!(
        verdicts(&r),
        [
            ("ecs-leak-01".into(), "still_billing".into()),
            ("ecs-gone-01".into(), "stopped".into()),
        ]
    );
    assert_eq!(
        resource(&r, "ecs-gone-01")["deleted_at"],
        "2026-10-10T00:30:00Z"
    );
}

#[test]
fn an_upper_case_pasted_id_matches_the_bill_and_is_reported_as_written() {
    let r = report(&mut check("register/upper-case.csv", &[BASIC]), 1);
    let leak = resource(&r, "ECS-LEAK-01");
    assert_eq!(leak["verdict"], "still_billing");
    assert_eq!(leak["bill_ids"], json!(["ecs-leak-01"]));
    assert_eq!(leak["lines_after_deletion"], 2);
}

#[test]
fn an_id_listed_twice_keeps_its_earliest_deletion_and_warns() {
    let out = check("register/listed-twice.csv", &[BASIC])
        .args(["-f", "json"])
        .assert()
        .code(1);
    assert_eq!(
        stderr_of(&out),
        "billrecon: warning: fixtures/register/listed-twice.csv: `ecs-leak-01` is listed twice \
         (lines 2 and 3); keeping the earliest deletion\n"
    );
    let r: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(r["summary"]["deletions"], 1);
    // Line 3's 08:30 wins over line 2's 11:30, so 09:00-11:00 are charges after the deletion.
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["deleted_at"], "2026-10-10T00:30:00Z");
    assert_eq!(leak["verdict"], "still_billing");
    assert_eq!(leak["lines_after_deletion"], 2);
}

#[test]
fn a_register_row_with_only_a_product_checks_every_resource_billed_under_it() {
    let r = report(&mut check("register/product-level.csv", &[BASIC]), 1);
    assert_eq!(
        verdicts(&r),
        [
            ("ecs-leak-01".into(), "still_billing".into()),
            ("ecs-gone-01".into(), "stopped".into()),
            ("ecs-late-01".into(), "stopped".into()),
        ]
    );
    for id in ["ecs-leak-01", "ecs-gone-01", "ecs-late-01"] {
        assert_eq!(resource(&r, id)["scope"], "product", "{id}");
        assert_eq!(resource(&r, id)["product"], "弹性云服务器", "{id}");
    }
    // The disk under another product is not part of the cleanup.
    assert_eq!(r["summary"]["deletions"], 3);
}

fn cleaned(product: &str, export: &str) -> assert_cmd::Command {
    let mut cmd = billrecon();
    cmd.arg("check")
        .args(["--product", product, "--cleaned-at", "2026-10-10 08:30"])
        .arg(fixture(export));
    cmd
}

#[test]
fn product_cleanup_matches_the_product_name_in_any_case() {
    let r = report(&mut cleaned("modelarts", "huawei/modelarts.csv"), 1);
    assert_eq!(
        verdicts(&r),
        [
            ("svc-a-v2".into(), "still_billing".into()),
            ("svc-a".into(), "stopped".into()),
        ]
    );
    assert_eq!(
        resource(&r, "svc-a-v2")["deleted_at"],
        "2026-10-10T00:30:00Z"
    );
    assert_eq!(
        resource(&r, "svc-a-v2")["amount_after_deletion"],
        json!({"CNY": "25.60"})
    );
}

#[test]
fn product_cleanup_matches_the_product_code_in_any_case() {
    let r = report(
        &mut cleaned("HWS.SERVICE.TYPE.MA", "huawei/modelarts.csv"),
        1,
    );
    assert_eq!(
        verdicts(&r),
        [
            ("svc-a-v2".into(), "still_billing".into()),
            ("svc-a".into(), "stopped".into()),
        ]
    );
}

#[test]
fn product_cleanup_of_a_product_absent_from_the_bill_is_not_in_bill() {
    let r = report(&mut cleaned("hws.service.type.rds", BASIC), 3);
    assert_eq!(r["summary"]["deletions"], 1);
    assert_eq!(r["resources"][0]["verdict"], "not_in_bill");
    assert_eq!(r["resources"][0]["resource_id"], "");
    assert_eq!(r["resources"][0]["scope"], "product");
}

#[test]
fn product_cleanups_combine_with_a_register() {
    let r = report(
        check("register/gone.csv", &[BASIC]).args([
            "--product",
            "云硬盘",
            "--cleaned-at",
            "2026-10-13 00:00",
        ]),
        3,
    );
    assert_eq!(
        verdicts(&r),
        [
            ("evs-keep-01".into(), "pending".into()),
            ("ecs-gone-01".into(), "stopped".into()),
        ]
    );
}

#[test]
fn a_stopped_row_is_judged_like_a_deletion_and_says_its_storage_keeps_billing() {
    let r = report(&mut check("register/stopped.csv", &[BASIC]), 1);
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["action"], "stopped");
    assert_eq!(leak["verdict"], "still_billing");
    assert_eq!(
        leak["note"],
        "stopped for the weekend; stopped, not deleted: its disks and storage keep billing until it is deleted"
    );
}

#[test]
fn a_resource_name_matches_lines_billed_under_that_name() {
    let r = report(
        &mut check("register/resource-name.csv", &["huawei/modelarts.csv"]),
        0,
    );
    let svc = resource(&r, "4f0c9a7e-1b2d-4c3e-8f5a-6b7c8d9e0f1a");
    assert_eq!(svc["verdict"], "stopped");
    assert_eq!(
        svc["bill_ids"],
        json!(["svc-a-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e"])
    );
    // Never `svc-a-v2`: names are compared whole, after the UUID suffix is stripped.
    assert_eq!(svc["rules"], json!(["modelarts-service (resource_name)"]));
}

#[test]
fn invisible_spaces_pasted_around_an_id_are_trimmed() {
    let r = report(&mut check("register/invisible-spaces.csv", &[BASIC]), 1);
    assert_eq!(
        verdicts(&r),
        [("ecs-leak-01".into(), "still_billing".into())]
    );
}

#[test]
fn the_same_id_under_two_providers_is_two_resources() {
    let out = check("register/two-providers.csv", &[BASIC])
        .args(["-f", "json"])
        .assert()
        .code(1);
    assert_eq!(stderr_of(&out), "", "no 'listed twice' warning");
    let r: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let rows: Vec<(String, String)> = r["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["provider"].as_str().unwrap().to_string(),
                x["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // The Huawei deletion at 08:30 is judged on its own, not by the Alibaba one at 07:00.
    assert_eq!(
        rows,
        [
            ("huawei".into(), "still_billing".into()),
            ("alibaba".into(), "pending".into())
        ]
    );
    assert_eq!(resource(&r, "ecs-leak-01")["lines_after_deletion"], 2);
}

#[test]
fn a_resource_with_its_own_row_is_left_out_of_a_product_cleanup_that_covers_it() {
    // svc-a-v2 has its own row and is also under the ModelArts cleanup: it is listed once (its
    // row wins), its CNY 25.60 counted once in the summary, and a warning says so.
    let out = check(
        "register/explicit-and-product.csv",
        &["huawei/modelarts.csv"],
    )
    .args(["-f", "json"])
    .assert()
    .code(1);
    let r: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let rows: Vec<(String, String, String)> = r["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["resource_id"].as_str().unwrap().to_string(),
                x["scope"].as_str().unwrap().to_string(),
                x["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("svc-a-v2".into(), "resource".into(), "still_billing".into()),
            ("svc-a".into(), "product".into(), "stopped".into()),
        ]
    );
    assert_eq!(
        r["summary"]["amount_after_deletion"],
        json!({"CNY": "25.60"})
    );
    assert_eq!(r["summary"]["deletions"], 2);
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains(
            "the cleanup of product `ModelArts` (fixtures/register/explicit-and-product.csv:3) \
             leaves out 1 resource listed in the register on its own: svc-a-v2"
        ),
        "{stderr}"
    );
}
