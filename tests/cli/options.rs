//! The lag model's knobs (`--as-of`, `--lag`, `--window`, `--grace`), `--tz`, `--exit-zero` and
//! `--quiet`.

use crate::util::{check, report, resource, stderr_of};
use serde_json::json;

const BASIC: &str = "huawei/zh-basic.csv";

#[test]
fn as_of_replaces_the_data_end_and_one_minute_short_of_the_window_is_pending() {
    // Deleted 08:30; needs data complete through 08:30 the next day, i.e. --as-of 10:30 with 2h lag.
    let r = report(
        check("register/gone.csv", &[BASIC]).args(["--as-of", "2026-10-11 10:29"]),
        3,
    );
    assert_eq!(r["settings"]["as_of"], "2026-10-11T02:29:00Z");
    assert_eq!(
        r["coverage"],
        json!([{"provider": "huawei", "complete_through": "2026-10-11T00:29:00Z"}])
    );
    assert_eq!(resource(&r, "ecs-gone-01")["verdict"], "pending");
}

#[test]
fn as_of_exactly_window_plus_lag_after_the_deletion_is_enough_to_declare_stopped() {
    let r = report(
        check("register/gone.csv", &[BASIC]).args(["--as-of", "2026-10-11T02:30:00Z"]),
        0,
    );
    assert_eq!(r["settings"]["as_of"], "2026-10-11T02:30:00Z");
    assert_eq!(
        r["coverage"],
        json!([{"provider": "huawei", "complete_through": "2026-10-11T00:30:00Z"}])
    );
    assert_eq!(resource(&r, "ecs-gone-01")["verdict"], "stopped");
}

#[test]
fn a_longer_lag_shortens_coverage_and_makes_a_stopped_resource_pending() {
    // Data ends 2026-10-12 00:00 (UTC+8); 16h of lag leaves it complete through 08:00 on the 11th.
    let r = report(
        check("register/gone.csv", &[BASIC]).args(["--lag", "16h"]),
        3,
    );
    assert_eq!(r["settings"]["lag_seconds"], 57_600);
    assert_eq!(
        r["coverage"],
        json!([{"provider": "huawei", "complete_through": "2026-10-11T00:00:00Z"}])
    );
    assert_eq!(resource(&r, "ecs-gone-01")["verdict"], "pending");
}

#[test]
fn a_longer_window_makes_a_stopped_resource_pending() {
    let r = report(
        check("register/gone.csv", &[BASIC]).args(["--window", "2d"]),
        3,
    );
    assert_eq!(r["settings"]["window_seconds"], 172_800);
    assert_eq!(resource(&r, "ecs-gone-01")["verdict"], "pending");
}

#[test]
fn usage_starting_exactly_at_the_end_of_grace_is_still_a_charge() {
    let r = report(
        check("register/leak.csv", &[BASIC]).args(["--grace", "30m"]),
        1,
    );
    assert_eq!(r["settings"]["grace_seconds"], 1800);
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["lines_after_deletion"], 2);
    assert_eq!(leak["tail_lines"], 1);
}

#[test]
fn usage_starting_within_grace_is_tail() {
    let r = report(
        check("register/leak.csv", &[BASIC]).args(["--grace", "31m"]),
        1,
    );
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["verdict"], "still_billing");
    assert_eq!(leak["lines_after_deletion"], 1);
    assert_eq!(leak["first_after_deletion"], "2026-10-10T02:00:00Z");
    assert_eq!(leak["amount_after_deletion"], json!({"CNY": "3.46"}));
    assert_eq!(leak["tail_lines"], 2);
    assert_eq!(leak["tail_amount"], json!({"CNY": "6.92"}));
}

#[test]
fn grace_covering_every_later_line_makes_the_resource_stopped() {
    let r = report(
        check("register/leak.csv", &[BASIC]).args(["--grace", "2h"]),
        0,
    );
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["verdict"], "stopped");
    assert_eq!(leak["lines_after_deletion"], 0);
    assert_eq!(leak["tail_lines"], 3);
    assert_eq!(leak["tail_amount"], json!({"CNY": "10.38"}));
}

#[test]
fn naive_bill_times_are_read_in_utc_plus_eight_by_default() {
    // The register says 08:30+08:00 explicitly; the bill's 02:00-04:00 (UTC+8) is before it.
    let r = report(
        &mut check("register/offset.csv", &["huawei/tz-naive.csv"]),
        0,
    );
    assert_eq!(r["settings"]["tz"], "+08:00");
    assert_eq!(r["inputs"][0]["first_usage"], "2026-10-09T18:00:00Z");
    let tz = resource(&r, "ecs-tz-01");
    assert_eq!(tz["deleted_at"], "2026-10-10T00:30:00Z");
    assert_eq!(tz["verdict"], "stopped");
    assert_eq!(tz["lines_after_deletion"], 0);
}

#[test]
fn tz_utc_reads_the_same_bill_eight_hours_later_and_finds_charges_after_the_deletion() {
    let r = report(
        check("register/offset.csv", &["huawei/tz-naive.csv"]).args(["--tz", "+00:00"]),
        1,
    );
    assert_eq!(r["settings"]["tz"], "+00:00");
    assert_eq!(r["inputs"][0]["first_usage"], "2026-10-10T02:00:00Z");
    let tz = resource(&r, "ecs-tz-01");
    // The register's explicit offset is not affected by --tz.
    assert_eq!(tz["deleted_at"], "2026-10-10T00:30:00Z");
    assert_eq!(tz["verdict"], "still_billing");
    assert_eq!(tz["lines_after_deletion"], 2);
    assert_eq!(tz["first_after_deletion"], "2026-10-10T02:00:00Z");
    assert_eq!(tz["amount_after_deletion"], json!({"CNY": "2.00"}));
}

#[test]
fn exit_zero_turns_still_billing_into_success_without_changing_the_report() {
    let r = report(
        check("register/verdicts.csv", &[BASIC]).arg("--exit-zero"),
        0,
    );
    assert_eq!(r["summary"]["still_billing"], 1);
    assert_eq!(resource(&r, "ecs-leak-01")["verdict"], "still_billing");
}

#[test]
fn exit_zero_turns_pending_into_success() {
    let r = report(check("register/late.csv", &[BASIC]).arg("--exit-zero"), 0);
    assert_eq!(resource(&r, "ecs-late-01")["verdict"], "pending");
}

#[test]
fn quiet_silences_warnings_but_not_the_report() {
    let out = check("register/listed-twice.csv", &[BASIC])
        .args(["-q", "-f", "json"])
        .assert()
        .code(1);
    assert_eq!(stderr_of(&out), "");
    let r: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(resource(&r, "ecs-leak-01")["verdict"], "still_billing");
}
