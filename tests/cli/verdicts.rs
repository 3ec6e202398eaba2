//! The four verdicts, the lag rules at their boundaries, and the exit code each outcome gives.

use crate::util::{check, report, resource, source_lines, verdicts};
use serde_json::json;

const BASIC: &str = "huawei/zh-basic.csv";

#[test]
fn reports_every_verdict_with_still_billing_first() {
    let r = report(&mut check("register/verdicts.csv", &[BASIC]), 1);
    assert_eq!(
        verdicts(&r),
        [
            ("ecs-leak-01".into(), "still_billing".into()),
            ("ecs-late-01".into(), "pending".into()),
            ("ecs-missing-01".into(), "not_in_bill".into()),
            ("ecs-gone-01".into(), "stopped".into()),
        ]
    );
    assert_eq!(
        r["summary"],
        json!({"deletions": 4, "still_billing": 1, "pending": 1, "not_in_bill": 1, "stopped": 1,
               "amount_after_deletion": {"CNY": "6.92"}})
    );
    assert_eq!(resource(&r, "ecs-late-01")["note"], "OPS-102");
}

#[test]
fn exits_one_when_a_resource_keeps_billing_after_its_deletion() {
    let r = report(&mut check("register/leak.csv", &[BASIC]), 1);
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["verdict"], "still_billing");
    assert_eq!(leak["deleted_at"], "2026-10-10T00:30:00Z");
    assert_eq!(leak["lines"], 4);
    assert_eq!(leak["lines_after_deletion"], 2);
    assert_eq!(leak["amount_after_deletion"], json!({"CNY": "6.92"}));
    assert_eq!(leak["usage_after_deletion"], "2");
    assert_eq!(leak["first_after_deletion"], "2026-10-10T01:00:00Z");
    assert_eq!(leak["last_after_deletion"], "2026-10-10T02:00:00Z");
    assert_eq!(leak["tail_lines"], 1);
    assert_eq!(leak["tail_amount"], json!({"CNY": "3.46"}));
    assert_eq!(
        leak["sources"],
        json!([{"path": "fixtures/huawei/zh-basic.csv", "line": 4},
               {"path": "fixtures/huawei/zh-basic.csv", "line": 5}])
    );
}

#[test]
fn the_hour_containing_an_0830_deletion_is_tail_and_the_resource_stopped() {
    let r = report(&mut check("register/gone.csv", &[BASIC]), 0);
    let gone = resource(&r, "ecs-gone-01");
    assert_eq!(gone["verdict"], "stopped");
    assert_eq!(gone["lines"], 2);
    assert_eq!(gone["lines_after_deletion"], 0);
    assert_eq!(gone["amount_after_deletion"], json!({}));
    assert_eq!(gone["first_after_deletion"], json!(null));
    assert_eq!(gone["tail_lines"], 1);
    assert_eq!(gone["tail_amount"], json!({"CNY": "1.73"}));
    assert_eq!(gone["sources"], json!([]));
}

#[test]
fn exits_three_when_the_bill_does_not_yet_cover_a_day_after_the_deletion() {
    let r = report(&mut check("register/late.csv", &[BASIC]), 3);
    let late = resource(&r, "ecs-late-01");
    assert_eq!(late["verdict"], "pending");
    assert_eq!(late["deleted_at"], "2026-10-11T01:30:00Z");
    // Needs 2026-10-12T01:30Z (deletion + 24h); the data is complete through 14:00Z the day before.
    assert_eq!(late["complete_through"], "2026-10-11T14:00:00Z");
    assert_eq!(late["lines"], 2);
}

#[test]
fn exits_three_when_no_bill_line_mentions_a_deleted_id() {
    let r = report(&mut check("register/missing.csv", &[BASIC]), 3);
    let missing = resource(&r, "ecs-missing-01");
    assert_eq!(missing["verdict"], "not_in_bill");
    assert_eq!(missing["bill_ids"], json!([]));
    assert_eq!(missing["lines"], 0);
    assert_eq!(missing["complete_through"], "2026-10-11T14:00:00Z");
}

#[test]
fn a_deletion_exactly_on_the_hour_leaves_no_tail_and_bills_the_next_hour() {
    let r = report(
        &mut check("register/on-the-hour.csv", &["huawei/on-the-hour.csv"]),
        1,
    );
    let hour = resource(&r, "ecs-hour-01");
    assert_eq!(hour["verdict"], "still_billing");
    assert_eq!(hour["deleted_at"], "2026-10-10T01:00:00Z");
    // 08:00-09:00 ends at the deletion: earlier usage, not tail.
    assert_eq!(hour["tail_lines"], 0);
    // 09:00-10:00 starts at the deletion: a charge.
    assert_eq!(hour["lines_after_deletion"], 1);
    assert_eq!(hour["first_after_deletion"], "2026-10-10T01:00:00Z");
    assert_eq!(hour["amount_after_deletion"], json!({"CNY": "3.46"}));
    assert_eq!(source_lines(hour), [4]);
}

#[test]
fn a_refund_after_deletion_is_reported_and_never_counted_as_a_charge() {
    let r = report(
        &mut check("register/refund.csv", &["huawei/refund-after-deletion.csv"]),
        0,
    );
    let disk = resource(&r, "evs-refund-01");
    assert_eq!(disk["verdict"], "stopped");
    assert_eq!(disk["lines"], 2);
    assert_eq!(disk["lines_after_deletion"], 0);
    assert_eq!(disk["amount_after_deletion"], json!({}));
    assert_eq!(disk["refunds_after_deletion"], json!({"CNY": "-31.50"}));
    assert_eq!(r["summary"]["amount_after_deletion"], json!({}));
}

#[test]
fn zero_amount_usage_after_deletion_is_not_a_charge() {
    let r = report(
        &mut check("register/zero.csv", &["huawei/zero-after-deletion.csv"]),
        0,
    );
    let zero = resource(&r, "ecs-zero-01");
    assert_eq!(zero["verdict"], "stopped");
    assert_eq!(zero["lines"], 4);
    assert_eq!(zero["lines_after_deletion"], 0);
    assert_eq!(zero["tail_lines"], 1);
    assert_eq!(zero["tail_amount"], json!({"CNY": "1.73"}));
}

#[test]
fn free_usage_with_a_quantity_after_deletion_still_counts_as_billing() {
    let r = report(
        &mut check("register/free.csv", &["huawei/zero-after-deletion.csv"]),
        1,
    );
    let free = resource(&r, "ecs-free-01");
    assert_eq!(free["verdict"], "still_billing");
    assert_eq!(free["lines_after_deletion"], 1);
    assert_eq!(free["amount_after_deletion"], json!({"CNY": "0.00"}));
    assert_eq!(free["usage_after_deletion"], "1");
    assert_eq!(source_lines(free), [6]);
}

#[test]
fn a_renewal_order_after_deletion_is_still_billing() {
    let r = report(
        &mut check(
            "register/renewal.csv",
            &["huawei/renewal-after-deletion.csv"],
        ),
        1,
    );
    let disk = resource(&r, "evs-renew-01");
    assert_eq!(disk["verdict"], "still_billing");
    assert_eq!(disk["lines"], 2);
    assert_eq!(disk["lines_after_deletion"], 1);
    assert_eq!(disk["amount_after_deletion"], json!({"CNY": "45.00"}));
    // An order has no usage window: its time is the transaction time, 10:00 UTC+8.
    assert_eq!(disk["first_after_deletion"], "2026-10-10T02:00:00Z");
    assert_eq!(source_lines(disk), [3]);
}

#[test]
fn modelarts_services_sharing_a_name_prefix_are_never_merged() {
    let r = report(
        &mut check("register/modelarts.csv", &["huawei/modelarts.csv"]),
        1,
    );
    assert_eq!(
        verdicts(&r),
        [
            ("svc-a-v2".into(), "still_billing".into()),
            ("svc-a".into(), "stopped".into()),
        ]
    );
    let a = resource(&r, "svc-a");
    assert_eq!(
        a["bill_ids"],
        json!(["svc-a-0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e"])
    );
    assert_eq!(a["rules"], json!(["modelarts-service"]));
    assert_eq!(a["lines"], 2);
    assert_eq!(a["tail_amount"], json!({"CNY": "6.40"}));
    let v2 = resource(&r, "svc-a-v2");
    assert_eq!(
        v2["bill_ids"],
        json!(["svc-a-v2-7d1e9c2a-4b3f-4e5d-9a8b-1c2d3e4f5a6b"])
    );
    assert_eq!(v2["lines"], 4);
    assert_eq!(v2["lines_after_deletion"], 2);
    assert_eq!(v2["amount_after_deletion"], json!({"CNY": "25.60"}));
    assert_eq!(v2["product"], "ModelArts");
}
