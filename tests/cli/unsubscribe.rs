//! Unsubscriptions (contract Part 2): the register's `action = unsubscribed`, the refund check
//! against the providers' rules, unsubscription fees, and resource plans whose end switches
//! what they covered to pay-as-you-go.

use crate::util::{billrecon, check, fixture, report, resource, stderr_of};
use serde_json::{json, Value};

const HUAWEI: &str = "huawei/unsubscribe.csv";
const REGISTER: &str = "register/unsubscribed.csv";

fn refund(r: &Value, id: &str) -> Value {
    resource(r, id)["refund"].clone()
}

fn cited(refund: &Value) -> Vec<u64> {
    refund["sources"]
        .as_array()
        .expect("sources is an array")
        .iter()
        .map(|s| s["line"].as_u64().expect("line"))
        .collect()
}

#[test]
fn a_huawei_52_column_export_gives_every_refund_status() {
    let r = report(&mut check(REGISTER, &[HUAWEI]), 1);
    // (resource, verdict, status, observed, expected min, expected max, paid)
    let want: &[(&str, &str, &str, Value, Value, Value, Value)] = &[
        (
            "evs-refunded-01",
            "stopped",
            "refunded",
            json!({"CNY": "-468.20"}),
            json!({"CNY": "-468.20"}),
            json!({"CNY": "-544.00"}),
            json!({"CNY": "758.00"}),
        ),
        // 58.00 of the 758.00 was vouchers: 700 × 544/758 = 502.37…, less 70.00.
        (
            "evs-short-01",
            "stopped",
            "refund_short",
            json!({"CNY": "-400.00"}),
            json!({"CNY": "-432.37"}),
            json!({"CNY": "-502.38"}),
            json!({"CNY": "700.00"}),
        ),
        (
            "evs-over-01",
            "stopped",
            "refund_over",
            json!({"CNY": "-936.40"}),
            json!({"CNY": "-468.20"}),
            json!({"CNY": "-544.00"}),
            json!({"CNY": "758.00"}),
        ),
        (
            "evs-missing-01",
            "stopped",
            "refund_missing",
            json!({}),
            json!({"CNY": "-468.20"}),
            json!({"CNY": "-544.00"}),
            json!({"CNY": "758.00"}),
        ),
        (
            "evs-nodue-01",
            "stopped",
            "no_refund_due",
            json!({}),
            json!({"CNY": "0.00"}),
            json!({"CNY": "0.00"}),
            json!({"CNY": "0.00"}),
        ),
        // The month in effect by the rule, the renewal from 11-02 in full.
        (
            "evs-renewal-01",
            "stopped",
            "refunded",
            json!({"CNY": "-1226.20"}),
            json!({"CNY": "-1226.20"}),
            json!({"CNY": "-1302.00"}),
            json!({"CNY": "1516.00"}),
        ),
        (
            "evs-unknown-01",
            "stopped",
            "unverifiable",
            json!({"CNY": "-31.50"}),
            Value::Null,
            Value::Null,
            Value::Null,
        ),
        // 250 h used by 10-11 20:00; the bill is complete through 22:00, not 20:00 the next day.
        (
            "evs-pending-01",
            "pending",
            "refund_pending",
            json!({}),
            json!({"CNY": "-432.20"}),
            json!({"CNY": "-508.00"}),
            json!({"CNY": "758.00"}),
        ),
    ];
    for (id, verdict, status, observed, min, max, paid) in want {
        let res = resource(&r, id);
        assert_eq!(res["verdict"], *verdict, "{id}");
        assert_eq!(res["action"], "unsubscribed", "{id}");
        let f = &res["refund"];
        assert_eq!(f["status"], *status, "{id}: {f:#}");
        assert_eq!(f["observed"], *observed, "{id}");
        assert_eq!(f["expected_min"], *min, "{id}");
        assert_eq!(f["expected_max"], *max, "{id}");
        assert_eq!(f["paid"], *paid, "{id}");
    }
    assert_eq!(
        r["summary"]["refunds"],
        json!({"refunded": 2, "refund_short": 1, "refund_over": 1, "refund_missing": 1,
               "no_refund_due": 1, "unverifiable": 1, "refund_pending": 1})
    );
    // The basis names the rule and its numbers; sources cite the purchase, refund and fee.
    let ok = refund(&r, "evs-refunded-01");
    let basis = ok["basis"].as_str().unwrap();
    assert!(
        basis.starts_with("Huawei: paid × unused hours / order hours − 10% fee"),
        "{basis}"
    );
    assert!(basis.contains("544 of 758 h unused"), "{basis}");
    assert!(basis.contains("fee lines CNY 75.80"), "{basis}");
    assert_eq!(cited(&ok), [2, 3, 4]);
    assert!(refund(&r, "evs-short-01")["basis"]
        .as_str()
        .unwrap()
        .contains("the fee column shows CNY 70.00"));
    assert_eq!(cited(&refund(&r, "evs-renewal-01")), [12, 13, 14]);
    // The order that ended is why nothing is due.
    assert_eq!(cited(&refund(&r, "evs-nodue-01")), [11]);
}

#[test]
fn an_unsubscription_fee_line_is_never_a_charge_after_deletion() {
    let r = report(&mut check(REGISTER, &[HUAWEI]), 1);
    let ok = resource(&r, "evs-refunded-01");
    assert_eq!(ok["lines_after_deletion"], 0);
    assert_eq!(ok["amount_after_deletion"], json!({}));
    assert_eq!(r["summary"]["amount_after_deletion"], json!({}));
    // Nor for a plain deletion: the fee line is not a charge, whatever the action.
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("deleted.csv");
    std::fs::write(
        &register,
        "resource_id,deleted_at\nevs-refunded-01,2026-10-10 08:30\n",
    )
    .unwrap();
    let mut cmd = billrecon();
    cmd.args(["check", "--deleted"])
        .arg(&register)
        .arg(fixture(HUAWEI));
    let r = report(&mut cmd, 0);
    let deleted = resource(&r, "evs-refunded-01");
    assert_eq!(deleted["verdict"], "stopped");
    assert_eq!(deleted["lines_after_deletion"], 0);
    assert!(deleted.get("refund").is_none(), "{deleted:#}");
    assert!(deleted.get("action").is_none(), "{deleted:#}");
}

#[test]
fn each_refund_status_sets_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    for (id, at, status, code) in [
        ("evs-refunded-01", "2026-10-10 08:30", "refunded", 0),
        ("evs-renewal-01", "2026-10-10 08:30", "refunded", 0),
        ("evs-nodue-01", "2026-10-10 08:30", "no_refund_due", 0),
        ("evs-unknown-01", "2026-10-10 08:30", "unverifiable", 0),
        ("evs-short-01", "2026-10-10 08:30", "refund_short", 1),
        ("evs-over-01", "2026-10-10 08:30", "refund_over", 1),
        ("evs-missing-01", "2026-10-10 08:30", "refund_missing", 1),
        ("evs-pending-01", "2026-10-11 20:00", "refund_pending", 3),
        // Complete through 10-11 22:00: more than 24 h after 10-10 20:00, so missing now.
        ("evs-pending-01", "2026-10-10 20:00", "refund_missing", 1),
    ] {
        let register = dir.path().join(format!("{id}.csv"));
        std::fs::write(
            &register,
            format!("resource_id,deleted_at,action\n{id},{at},unsubscribed\n"),
        )
        .unwrap();
        let mut cmd = billrecon();
        cmd.args(["check", "--deleted"])
            .arg(&register)
            .arg(fixture(HUAWEI));
        let r = report(&mut cmd, code);
        assert_eq!(refund(&r, id)["status"], status, "{id} at {at}");
        assert_eq!(
            resource(&r, id)["verdict"],
            if code == 3 { "pending" } else { "stopped" }
        );
        // --exit-zero turns findings and too-early into 0.
        let mut cmd = billrecon();
        cmd.args(["check", "--exit-zero", "-q", "--deleted"])
            .arg(&register)
            .arg(fixture(HUAWEI));
        cmd.assert().code(0);
    }
}

#[test]
fn alibaba_ranges_use_days_the_ecs_coefficient_and_the_five_day_refund() {
    let r = report(
        &mut check(
            "alibaba/register-unsubscribe.csv",
            &["alibaba/unsubscribe.csv"],
        ),
        1,
    );
    for (id, status, min, max, paid) in [
        // ECS, 9 of 31 days: 300 − 310/31 × 9 × 1.5 = 165; 300 × 22/31 = 212.90…
        ("i-bp1unsub0001", "refunded", "-165.00", "-212.91", "300.00"),
        // RDS, 100 of 600 in vouchers: 500 − 620/31 × 9 = 320; 500 × 22/31 = 354.83…
        (
            "rm-bp1unsub0002",
            "refund_short",
            "-320.00",
            "-354.84",
            "500.00",
        ),
        // Bought 10-07: 3 days (×1.5) give 255, and a full refund is within five days.
        ("i-bp1unsub0003", "refunded", "-255.00", "-300.00", "300.00"),
    ] {
        let f = refund(&r, id);
        assert_eq!(f["status"], status, "{id}: {f:#}");
        assert_eq!(f["expected_min"], json!({"CNY": min}), "{id}");
        assert_eq!(f["expected_max"], json!({"CNY": max}), "{id}");
        assert_eq!(f["paid"], json!({"CNY": paid}), "{id}");
        assert!(
            f["basis"].as_str().unwrap().starts_with("Alibaba: "),
            "{id}"
        );
    }
    let basis = refund(&r, "i-bp1unsub0001")["basis"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        basis.contains("9 of 31 days used") && basis.contains("× 1.5 for ECS"),
        "{basis}"
    );
    assert!(refund(&r, "i-bp1unsub0003")["basis"]
        .as_str()
        .unwrap()
        .contains("within five days of purchase a full refund (300.00) is also in range"));
}

#[test]
fn focus_without_a_payment_split_checks_existence_and_sign_only() {
    let r = report(
        &mut check("focus/register-unsubscribe.csv", &["focus/unsubscribe.csv"]),
        1,
    );
    let got = refund(&r, "ri-0unsub01");
    assert_eq!(got["status"], "refunded");
    assert_eq!(got["observed"], json!({"USD": "-70.00"}));
    assert_eq!(got["expected_min"], Value::Null);
    assert_eq!(got["expected_max"], Value::Null);
    assert!(got["basis"]
        .as_str()
        .unwrap()
        .contains("existence and sign only"));
    assert_eq!(refund(&r, "ri-0unsub02")["status"], "refund_missing");
}

#[test]
fn an_unsubscribed_plan_reports_what_it_covered_as_billing_pay_as_you_go() {
    let out = check("alibaba/register-plan.csv", &["alibaba/plan.csv"])
        .args(["-f", "json"])
        .assert()
        .code(1);
    let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let ids: Vec<&str> = r["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["resource_id"].as_str().unwrap())
        .collect();
    // Never-covered infrequent-access storage is not the plan's: left out, with a warning.
    assert_eq!(ids, ["cn-hangzhou;standard", "ossbag-cn-0001"]);
    assert!(
        stderr_of(&out).contains("leaves out 1 resource of it that no plan covered before it and that had no order of their own: cn-hangzhou;ia"),
        "{}",
        stderr_of(&out)
    );
    let std = resource(&r, "cn-hangzhou;standard");
    assert_eq!(std["verdict"], "still_billing");
    assert_eq!(std["amount_after_deletion"], json!({"CNY": "0.04"}));
    // The first charged hour is 09:00 (+08:00): 08:00-09:00 was still covered, at no charge.
    assert_eq!(std["first_after_deletion"], "2026-10-10T01:00:00Z");
    assert_eq!(
        std["note"],
        "pay-as-you-go since the plan ended: CNY 0.04 from 2026-10-10 09:00 (+08:00); the OSS storage plan"
    );
    assert!(std.get("refund").is_none());
    // The plan itself: bought for a year on 09-15, 25 of 365 days used.
    let plan = refund(&r, "ossbag-cn-0001");
    assert_eq!(plan["status"], "refunded");
    assert_eq!(plan["expected_min"], json!({"CNY": "-340.00"}));
    assert_eq!(plan["expected_max"], json!({"CNY": "-340.00"}));
    // The table says so.
    let out = check("alibaba/register-plan.csv", &["alibaba/plan.csv"])
        .args(["-q"])
        .assert()
        .code(1);
    let table = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        table.contains(
            "pay-as-you-go since the plan ended: charged from 2026-10-10 09:00 to 2026-10-10 10:00"
        ),
        "{table}"
    );
}

#[test]
fn every_format_shows_the_refund_check() {
    let run = |format: &str| {
        let out = check(REGISTER, &[HUAWEI])
            .args(["-q", "-f", format])
            .assert()
            .code(1);
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let table = run("table");
    assert!(
        table.contains("\n         refund CNY -468.20 of expected -468.20…-544.00: refunded\n"),
        "{table}"
    );
    assert!(
        table.contains("refund none of expected CNY -468.20…-544.00: refund_missing"),
        "{table}"
    );
    assert!(table.contains("Refund checks: 1 no_refund_due, 1 refund_missing, 1 refund_over, 1 refund_pending, 1 refund_short, 2 refunded, 1 unverifiable"), "{table}");
    let md = run("markdown");
    assert!(md.starts_with("| VERDICT | RESOURCE | PRODUCT | DELETED (+08:00) | AFTER DELETION | TAIL | NOTE | REFUND |\n"), "{md}");
    assert!(
        md.contains("| refund CNY -400.00 of expected -432.37…-502.38: refund_short |"),
        "{md}"
    );
    let csv = run("csv");
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let short = rows
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[col("resource_id")] == "evs-short-01")
        .expect("a row for evs-short-01");
    assert_eq!(&short[col("action")], "unsubscribed");
    assert_eq!(&short[col("refund_status")], "refund_short");
    assert_eq!(&short[col("refund_observed")], "-400.00");
    assert_eq!(&short[col("refund_expected_min")], "-432.37");
    assert_eq!(&short[col("refund_expected_max")], "-502.38");
    assert_eq!(&short[col("refund_paid")], "700.00");
    assert_eq!(
        &short[col("refund_sources")],
        "fixtures/huawei/unsubscribe.csv:5 fixtures/huawei/unsubscribe.csv:6"
    );
}

#[test]
fn a_register_action_that_is_not_known_names_its_row_and_column() {
    let out = check("bad/register-bad-action.csv", &[HUAWEI])
        .assert()
        .code(2)
        .stdout("");
    assert_eq!(
        stderr_of(&out),
        "billrecon: error: fixtures/bad/register-bad-action.csv:3:3: action `cancelled`: expected deleted, stopped or unsubscribed\n"
    );
}

#[test]
fn an_order_period_unit_that_is_not_known_names_its_cell_when_an_unsubscription_reads_it() {
    let out = check(REGISTER, &["bad/bad-period-unit.csv"])
        .assert()
        .code(2)
        .stdout("");
    let err = stderr_of(&out);
    assert!(
        err.contains("fixtures/bad/bad-period-unit.csv:3:7: order period unit `fortnight`"),
        "{err}"
    );
    // A deletion does not read order periods: the same file checks.
    let dir = tempfile::tempdir().unwrap();
    let register = dir.path().join("deleted.csv");
    std::fs::write(
        &register,
        "resource_id,deleted_at\nevs-short-01,2026-10-10 08:30\n",
    )
    .unwrap();
    let mut cmd = billrecon();
    cmd.args(["check", "--deleted"])
        .arg(&register)
        .arg(fixture("bad/bad-period-unit.csv"));
    cmd.assert().code(3);
}
