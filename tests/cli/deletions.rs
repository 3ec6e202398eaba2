//! Deletions from audit logs and cleanup reports (`--deleted` read by content) and the
//! `billrecon deletions` register: the whole path from a published record to a verdict.

use crate::util::{billrecon, fixture, report, resource, stderr_of, verdicts};
use serde_json::{json, Value};
use std::collections::BTreeMap;

const HUAWEI: &str = "deletions/huawei-2024-06.csv";

/// `check --deleted fixtures/<d>... fixtures/<export>...`.
fn check_all(deleted: &[&str], exports: &[&str]) -> assert_cmd::Command {
    let mut cmd = billrecon();
    cmd.arg("check");
    for d in deleted {
        cmd.arg("--deleted").arg(fixture(d));
    }
    for e in exports {
        cmd.arg(fixture(e));
    }
    cmd
}

fn deletions(sources: &[&str]) -> assert_cmd::Command {
    let mut cmd = billrecon();
    cmd.arg("deletions");
    for s in sources {
        cmd.arg(fixture(s));
    }
    cmd
}

/// What a resource's verdict rests on, keyed by the bill IDs it matched.
fn outcomes(r: &Value) -> BTreeMap<String, (String, String, Value, Value)> {
    r["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["bill_ids"].to_string(),
                (
                    x["verdict"].as_str().unwrap().to_string(),
                    // Absent: deleted.
                    x["action"].as_str().unwrap_or("deleted").to_string(),
                    x["amount_after_deletion"].clone(),
                    x["tail_amount"].clone(),
                ),
            )
        })
        .collect()
}

#[test]
fn the_published_cts_delete_volume_without_a_code_deletes_the_volume() {
    let r = report(
        &mut check_all(&["deletions/cts-delete-volume.json"], &[HUAWEI]),
        0,
    );
    assert_eq!(
        verdicts(&r),
        [(
            "bc661a99-3088-4e86-899f-fb4f46c2bb71".into(),
            "stopped".into()
        )]
    );
    let v = resource(&r, "bc661a99-3088-4e86-899f-fb4f46c2bb71");
    assert_eq!(v["deleted_at"], "2024-06-19T06:32:58.419Z");
    assert_eq!(
        v["action"],
        Value::Null,
        "deleted: the default, not written"
    );
    assert_eq!(v["product"], "EVS");
    assert_eq!(v["provider"], "huawei");
    // The 14:00-15:00 line is the settlement tail of the 14:32:58 deletion.
    assert_eq!(v["tail_lines"], 1);
    assert_eq!(v["note"], "deleteVolume by IAMUserA");
    assert_eq!(
        v["origin"],
        json!({"file": "fixtures/deletions/cts-delete-volume.json", "record": 1, "source": "cts",
               "event": "deleteVolume", "event_id": "c4ddaa0b-2e05-11ef-bdc6-e1851d8cb7fb",
               "user": "IAMUserA"})
    );
}

#[test]
fn legacy_cts_traces_one_per_line_read_their_text_times_and_trace_status() {
    let r = report(&mut check_all(&["deletions/cts-legacy.json"], &[HUAWEI]), 1);
    // The list call on the next line is no deletion.
    assert_eq!(
        verdicts(&r),
        [(
            "8d0e3c52-6a1f-4b7e-9c2d-1e5f7a3b9c04".into(),
            "still_billing".into()
        )]
    );
    let v = resource(&r, "8d0e3c52-6a1f-4b7e-9c2d-1e5f7a3b9c04");
    // `2024/06/19 15:10:00 GMT+08:00`.
    assert_eq!(v["deleted_at"], "2024-06-19T07:10:00Z");
    assert_eq!(v["amount_after_deletion"], json!({"CNY": "3.46"}));
    assert_eq!(v["origin"]["user"], "ops-admin");
}

#[test]
fn a_gzipped_cts_api_response_deletes_a_modelarts_service_billed_under_its_name() {
    let r = report(&mut check_all(&["deletions/cts-api.json.gz"], &[HUAWEI]), 1);
    let v = resource(&r, "6a8f3b2c-1d4e-4f5a-8b7c-9d0e1f2a3b4c");
    assert_eq!(v["verdict"], "still_billing");
    assert_eq!(v["resource_name"], "svc-infer");
    assert_eq!(
        v["bill_ids"],
        json!(["svc-infer-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e"])
    );
    assert_eq!(v["rules"], json!(["modelarts-service (resource_name)"]));
    assert_eq!(v["deleted_at"], "2024-06-19T07:30:00Z");
    assert_eq!(v["amount_after_deletion"], json!({"CNY": "12.80"}));
}

#[test]
fn a_stop_is_a_row_with_action_stopped_whose_storage_keeps_billing() {
    let out = check_all(&["deletions/cts-stop.json"], &[HUAWEI])
        .assert()
        .code(0);
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        table.contains("no charge after deletion; stopped, not deleted: its disks and storage keep billing until it is deleted; from fixtures/deletions/cts-stop.json:1 8c3d5e7f-2e12-11ef-b2c3-0242ac120004"),
        "{table}"
    );
    let r = report(&mut check_all(&["deletions/cts-stop.json"], &[HUAWEI]), 0);
    let v = resource(&r, "c7e4a2b9-0f3d-4e6a-b5c1-2d8f9a0b1c3e");
    assert_eq!(
        (&v["action"], &v["verdict"]),
        (&json!("stopped"), &json!("stopped"))
    );
    assert_eq!(
        v["note"],
        "stopServer by ops-admin; stopped, not deleted: its disks and storage keep billing until it is deleted"
    );
}

#[test]
fn a_failed_deletion_is_named_in_a_warning_and_never_a_deletion() {
    let out = check_all(
        &[
            "deletions/cts-failed.json",
            "deletions/cts-delete-volume.json",
        ],
        &[HUAWEI],
    )
    .args(["-f", "json"])
    .assert()
    .code(0);
    let err = stderr_of(&out);
    assert!(
        err.contains(
            "billrecon: warning: fixtures/deletions/cts-failed.json: 1 deletion or stop event did \
             not succeed and is not taken as a deletion: deleteServer of \
             f2a9d1c6-7b3e-4d8f-a0c5-9e1b2c3d4e5f (record 1: trace_rating warning, error Ecs.0050)\n"
        ),
        "{err}"
    );
    let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(r["summary"]["deletions"], 1, "only the volume");
    assert!(r["warnings"][0]
        .as_str()
        .unwrap()
        .contains("did not succeed"));
}

#[test]
fn a_deletion_supersedes_an_earlier_stop_of_the_same_server() {
    let r = report(&mut check_all(&["deletions/trail.json.gz"], &[HUAWEI]), 1);
    let gpu = resource(&r, "9b3d5e7f-2c4a-4e8b-a1d6-3f7c9e0b2a48");
    // Stopped at 13:30, deleted at 15:05: judged from the deletion, the 15:00-16:00 line is
    // its tail (from the stop, 14:00-16:00 would have billed after it).
    assert_eq!(gpu["action"], Value::Null, "deleted, not stopped");
    assert_eq!(gpu["deleted_at"], "2024-06-19T07:05:00Z");
    assert_eq!(gpu["verdict"], "stopped");
    assert_eq!(gpu["origin"]["record"], 6);
}

#[test]
fn a_trail_gives_the_same_verdicts_as_a_hand_written_register_of_the_same_deletions() {
    let from_log = report(&mut check_all(&["deletions/trail.json.gz"], &[HUAWEI]), 1);
    let by_hand = report(
        &mut check_all(&["deletions/trail-register.csv"], &[HUAWEI]),
        1,
    );
    assert_eq!(outcomes(&from_log), outcomes(&by_hand));
    assert_eq!(from_log["summary"], by_hand["summary"]);
    assert_eq!(from_log["summary"]["deletions"], 5);
}

#[test]
fn the_derived_register_passed_back_matches_exactly_as_the_log_did() {
    let out = deletions(&["deletions/trail.json.gz"]).assert().code(0);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("register.csv");
    std::fs::write(&csv, &out.get_output().stdout).unwrap();
    let from_log = report(&mut check_all(&["deletions/trail.json.gz"], &[HUAWEI]), 1);
    let mut cmd = billrecon();
    cmd.arg("check")
        .arg("--deleted")
        .arg(&csv)
        .arg(fixture(HUAWEI));
    let passed_back = report(&mut cmd, 1);
    let strip = |r: &Value| -> Vec<Value> {
        r["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                let mut x = x.clone();
                // The register row's own place differs; what it cites is the log's record.
                let cited = x["origin"]["cited"].clone();
                x.as_object_mut().unwrap().remove("origin");
                x["cited"] = cited;
                x
            })
            .collect()
    };
    let back = strip(&passed_back);
    let mut log = strip(&from_log);
    for (l, b) in log.iter_mut().zip(&back) {
        l["cited"] = b["cited"].clone();
    }
    assert_eq!(log, back);
    assert_eq!(
        back[0]["cited"],
        "fixtures/deletions/trail.json.gz:7 7b2c4d6e-2e12-11ef-a1b2-0242ac120003"
    );
}

#[test]
fn actiontrail_deletions_and_the_platforms_own_disk_deletion() {
    let r = report(
        &mut check_all(
            &[
                "deletions/actiontrail-delete-instance.json",
                "deletions/actiontrail-events.json",
            ],
            &["alibaba/bill-details.csv"],
        ),
        1,
    );
    assert_eq!(
        verdicts(&r),
        [
            ("i-bp1keep0001".into(), "still_billing".into()),
            ("d-bp1disk0001".into(), "still_billing".into()),
            ("i-bp1gpu0001".into(), "stopped".into()),
        ]
    );
    assert_eq!(resource(&r, "i-bp1keep0001")["action"], "stopped");
    let disk = resource(&r, "d-bp1disk0001");
    assert_eq!(disk["origin"]["user"], "ecs.aliyuncs.com");
    assert_eq!(disk["deleted_at"], "2024-03-10T01:00:00Z");
    // The DeleteDisk also references the GPU instance; it is not a deletion of it.
    assert_eq!(
        resource(&r, "i-bp1gpu0001")["origin"]["event"],
        "DeleteInstance"
    );
    // The same verdicts as the fixture's hand-written register for the two it lists.
    let by_hand = report(
        &mut crate::util::check("alibaba/register.csv", &["alibaba/bill-details.csv"]),
        1,
    );
    for id in ["i-bp1gpu0001", "d-bp1disk0001"] {
        assert_eq!(
            resource(&r, id)["verdict"],
            resource(&by_hand, id)["verdict"],
            "{id}"
        );
    }
}

#[test]
fn a_gzipped_cloudtrail_file_terminates_an_instance_and_a_denied_one_is_named() {
    let out = check_all(
        &[
            "deletions/cloudtrail-terminate.json.gz",
            "deletions/cloudtrail-failed.json",
        ],
        &["focus/focus-1.2.csv"],
    )
    .args(["-f", "json"])
    .assert()
    .code(1);
    let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        verdicts(&r),
        [("i-0abc1234".into(), "still_billing".into())]
    );
    let v = resource(&r, "i-0abc1234");
    assert_eq!(v["product"], "Amazon EC2");
    assert_eq!(v["origin"]["user"], "Mateo");
    assert_eq!(v["origin"]["record"], 2, "record 1 is a DescribeInstances");
    assert!(stderr_of(&out).contains(
        "cloudtrail-failed.json: 1 deletion or stop event did not succeed and is not taken as a \
         deletion: TerminateInstances of i-0keep0001 (record 1: errorCode \
         Client.UnauthorizedOperation: You are not authorized to perform this operation.)"
    ));
}

#[test]
fn a_cloud_nuke_report_dates_its_deletions_at_the_report_an_upper_bound() {
    let out = check_all(&["deletions/cloud-nuke.json"], &["focus/focus-1.2.csv"])
        .args(["-f", "json"])
        .assert()
        .code(1);
    let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        verdicts(&r),
        [
            ("i-0abc1234".into(), "still_billing".into()),
            ("vol-0def5678".into(), "stopped".into()),
        ]
    );
    let v = resource(&r, "i-0abc1234");
    assert_eq!(v["deleted_at"], "2024-03-10T00:45:00Z");
    assert_eq!(
        v["note"],
        "nuke ec2; cloud-nuke aws report of 2024-03-10T00:45:00Z: deleted by then (an upper bound; \
         the deletion was earlier)"
    );
    assert_eq!(v["origin"]["source"], "cloud-nuke");
    assert!(
        stderr_of(&out).contains("nuke s3 of acme-logs (record 3: status failed: BucketNotEmpty")
    );
}

#[test]
fn any_mix_of_sources_and_clouds_in_one_check() {
    let r = report(
        &mut check_all(
            &[
                "deletions/trail.json.gz",
                "deletions/actiontrail-delete-instance.json",
                "deletions/cloud-nuke.json",
                "register/gone.csv",
            ],
            &[HUAWEI, "alibaba/bill-details.csv", "focus/focus-1.2.csv"],
        ),
        1,
    );
    let s = &r["summary"];
    // 5 from the trail, 1 from ActionTrail, 2 from cloud-nuke, and the register's
    // ecs-gone-01 of 2026, later than any bill here reaches.
    assert_eq!(
        (
            s["deletions"].clone(),
            s["still_billing"].clone(),
            s["pending"].clone()
        ),
        (json!(9), json!(3), json!(1))
    );
    assert_eq!(resource(&r, "i-bp1gpu0001")["provider"], "alibaba");
    assert_eq!(resource(&r, "ecs-gone-01")["verdict"], "pending");
}

#[test]
fn check_warns_when_an_audit_log_ends_before_the_bill() {
    let out = check_all(&["deletions/cts-delete-volume.json"], &[HUAWEI])
        .assert()
        .code(0);
    assert!(stderr_of(&out).contains(
        "billrecon: warning: the Huawei Cloud CTS traces (1 file) end at 2024-06-19T06:32:58.419Z, \
         before the bills (usage through 2024-06-21T03:00:00Z): deletions after \
         2024-06-19T06:32:58.419Z cannot be known from them\n"
    ));
}

#[test]
fn a_json_file_of_no_known_audit_format_names_the_closest_and_what_it_lacks() {
    check_all(&["bad/audit-unknown.json"], &[HUAWEI])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "billrecon: error: fixtures/bad/audit-unknown.json: no known audit format: closest is \
             AWS CloudTrail records (it has eventName, eventSource, eventID, awsRegion, \
             eventVersion), but it lacks eventTime\n",
        );
}

#[test]
fn an_unparsable_time_names_file_and_record_or_is_skipped_and_counted() {
    check_all(&["bad/cts-bad-time.json"], &[HUAWEI])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "billrecon: error: fixtures/bad/cts-bad-time.json: record 2: time: `yesterday 14:20` \
             is not a time: expected epoch milliseconds, `yyyy/MM/dd HH:mm:ss GMT+08:00` or RFC \
             3339\n",
        );
    // Skipped, the run cannot claim that everything stopped: exit 3, not 0.
    let out = check_all(&["bad/cts-bad-time.json"], &[HUAWEI])
        .arg("--skip-bad-rows")
        .assert()
        .code(3);
    assert!(stderr_of(&out).contains(
        "fixtures/bad/cts-bad-time.json: skipped 1 unreadable record (--skip-bad-rows): record 2: \
         time: `yesterday 14:20`"
    ));
}

#[test]
fn a_truncated_gzip_trail_is_an_error_never_a_shorter_list() {
    let bytes = std::fs::read(fixture("deletions/trail.json.gz")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cut = dir.path().join("trail.json.gz");
    std::fs::write(&cut, &bytes[..bytes.len() - 40]).unwrap();
    let out = billrecon()
        .arg("deletions")
        .arg(&cut)
        .assert()
        .code(2)
        .stdout("");
    let err = stderr_of(&out);
    assert!(
        err.contains("trail.json.gz: the file is cut short"),
        "{err}"
    );
}

#[test]
fn deletion_events_from_the_rules_file_are_read() {
    let out = deletions(&["deletions/cts-custom-event.json"])
        .assert()
        .code(0);
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stdout),
        "resource_id,resource_name,deleted_at,product,provider,action,note,origin\n"
    );
    assert!(stderr_of(&out).contains("0 deletions, 0 stops, 0 failed, 1 other event"));
    let out = deletions(&["deletions/cts-custom-event.json"])
        .arg("--rules")
        .arg(fixture("rules/deletion-events.toml"))
        .assert()
        .code(0);
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stdout),
        "resource_id,resource_name,deleted_at,product,provider,action,note,origin\n\
         dws-prod-01,warehouse,2024-06-19T07:15:00Z,DWS,huawei,deleted,deleteDwsCluster by dba,\
         fixtures/deletions/cts-custom-event.json:1 d4e5f6a7-2e12-11ef-a1b2-0242ac120009\n"
    );
}

fn every_source() -> assert_cmd::Command {
    deletions(&[
        "deletions/trail.json.gz",
        "deletions/actiontrail-events.json",
        "deletions/cloudtrail-terminate.json.gz",
        "deletions/cloud-nuke.json",
        "register/gone.csv",
    ])
}

#[test]
fn deletions_csv_snapshot() {
    let out = every_source().assert().code(0);
    insta::assert_snapshot!(String::from_utf8_lossy(&out.get_output().stdout));
    insta::assert_snapshot!("deletions_stderr", stderr_of(&out));
}

#[test]
fn deletions_json_snapshot() {
    let out = every_source().args(["-f", "json"]).assert().code(0);
    insta::assert_snapshot!(String::from_utf8_lossy(&out.get_output().stdout));
}

#[test]
fn deletions_help_lists_the_built_in_events() {
    let out = billrecon().args(["deletions", "--help"]).assert().code(0);
    let help = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for name in [
        "deleteServer",
        "stopServer",
        "deleteVolume",
        "deleteService",
        "DeleteDeployment",
        "stopNotebook",
        "deleteBucket",
        "DeleteInstance",
        "DeleteDisk",
        "StopInstance",
        "DeleteBucket",
        "DeleteProject",
        "TerminateInstances",
        "StopInstances",
        "DeleteVolume",
        "DeleteDBInstance",
    ] {
        assert!(help.contains(name), "{name} missing from:\n{help}");
    }
}
