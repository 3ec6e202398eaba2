//! Exports as they reach billrecon in the wild (issue 12): empty markers in every column, the
//! Huawei 52-column header, stray spaces in header cells, Alibaba billing-item files without a
//! usage window, FOCUS versions, wide windows and coverage, usage per unit, lines billed at no
//! charge and the billing items that still bill. One fixture per quirk (`fixtures/README.md`).

use crate::util::{billrecon, check, fixture, report, resource, stderr_of};
use serde_json::{json, Value};

/// `billrecon inspect --json` on fixtures, with the exit code pinned.
fn inspect(files: &[&str], code: i32) -> Value {
    let mut cmd = billrecon();
    cmd.args(["inspect", "-f", "json"]);
    for f in files {
        cmd.arg(fixture(f));
    }
    let out = cmd.assert().code(code);
    serde_json::from_slice(&out.get_output().stdout).expect("one JSON document")
}

#[test]
fn every_empty_marker_is_empty_in_ids_names_usage_and_units() {
    // Lines 2-5 bill ecs-leak-01 with its name written NULL, null, - and "", a usage of NULL
    // and a unit of Null; lines 6-10 are VPC traffic whose resource ID is NULL, null, --, ""
    // and Null: they mention no resource.
    let i = inspect(&["huawei/empty-markers.csv"], 0);
    assert_eq!(i["inputs"][0]["rows"], 10);
    let r = report(
        &mut check("register/leak.csv", &["huawei/empty-markers.csv"]),
        1,
    );
    let leak = resource(&r, "ecs-leak-01");
    // 09:00-10:00 and 10:00-11:00 after the 08:30 deletion: 2 x 3.46.
    assert_eq!(leak["amount_after_deletion"], json!({"CNY": "6.92"}));
    assert_eq!(leak["lines"], 4);
    // No name was ever written: none is shown, never "NULL".
    assert_eq!(leak["resource_name"], "");
    assert_eq!(r["summary"]["still_billing"], 1);
}

#[test]
fn a_register_id_null_matches_no_line_whose_id_is_an_empty_marker() {
    let r = report(
        &mut check("register/null-id.csv", &["huawei/empty-markers.csv"]),
        3,
    );
    let null = resource(&r, "NULL");
    assert_eq!(null["verdict"], "not_in_bill");
    assert_eq!(null["lines"], 0);
}

#[test]
fn lines_without_a_resource_id_match_only_a_product_cleanup() {
    // The five VPC lines have no resource ID; a cleanup of the product catches them (as one
    // resource with no ID), 5 x 0.50 after 08:30.
    let mut cmd = billrecon();
    cmd.args(["check", "--product", "hws.service.type.vpc", "--cleaned-at"])
        .arg("2026-10-10 08:30")
        .arg(fixture("huawei/empty-markers.csv"));
    let r = report(&mut cmd, 1);
    assert_eq!(r["resources"].as_array().unwrap().len(), 1);
    let vpc = &r["resources"][0];
    assert_eq!(vpc["resource_id"], "");
    assert_eq!(vpc["lines_after_deletion"], 5);
    assert_eq!(vpc["amount_after_deletion"], json!({"CNY": "2.50"}));
}

#[test]
fn the_52_column_price_factor_header_binds_by_name() {
    let i = inspect(&["huawei/price-factor-52.csv"], 0);
    let input = &i["inputs"][0];
    assert_eq!(input["format"], "huawei");
    assert_eq!(input["rows"], 5);
    let bound: Vec<(&str, u64)> = input["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["header"].as_str().unwrap(), c["column"].as_u64().unwrap()))
        .collect();
    // Columns 17 (资源ID), 28 (使用量) and 34 (应付金额) of the 52.
    assert!(bound.contains(&("资源ID", 17)), "{bound:?}");
    assert!(bound.contains(&("使用量", 28)), "{bound:?}");
    assert!(bound.contains(&("应付金额(¥)", 34)), "{bound:?}");
    let r = report(
        &mut check("register/leak.csv", &["huawei/price-factor-52.csv"]),
        1,
    );
    assert_eq!(
        resource(&r, "ecs-leak-01")["amount_after_deletion"],
        json!({"CNY": "6.92"})
    );
}

#[test]
fn header_cells_with_stray_spaces_bind() {
    let i = inspect(&["huawei/stray-space-header.csv"], 0);
    let headers: Vec<&str> = i["inputs"][0]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["header"].as_str().unwrap())
        .collect();
    assert!(headers.contains(&"使用量"), "{headers:?}");
    assert!(headers.contains(&"资源ID"), "{headers:?}");
    let r = report(
        &mut check("register/leak.csv", &["huawei/stray-space-header.csv"]),
        1,
    );
    assert_eq!(
        resource(&r, "ecs-leak-01")["amount_after_deletion"],
        json!({"CNY": "6.92"})
    );
}

#[test]
fn inspect_refuses_what_check_refuses_on_lines_that_match_nothing() {
    // A usage quantity that is no number on a line no register names: both commands stop at
    // the same cell.
    let dir = std::env::temp_dir().join(format!("billrecon-wild-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad-usage.csv");
    std::fs::write(
        &path,
        "资源ID,使用开始时间,使用结束时间,使用量,应付金额(¥)\n\
         ecs-a,2026-10-10 07:00:00,2026-10-10 08:00:00,1,3.46\n\
         ecs-b,2026-10-10 07:00:00,2026-10-10 08:00:00,one,3.46\n",
    )
    .unwrap();
    let out = billrecon().arg("inspect").arg(&path).assert().code(2);
    let e_inspect = stderr_of(&out);
    let out = billrecon()
        .args(["check", "--deleted"])
        .arg(fixture("register/leak.csv"))
        .arg(&path)
        .assert()
        .code(2);
    let e_check = stderr_of(&out);
    for e in [&e_inspect, &e_check] {
        assert!(e.contains("bad-usage.csv:3:4: usage quantity"), "{e}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn focus_versions_are_named_by_the_specifications_column_history() {
    let i = inspect(
        &[
            "focus/version-1.3.csv",
            "focus/mandatory-only.csv",
            "focus/units.csv",
            "focus/prepaid-ahead.csv",
            "focus/huawei-focus-1.0.csv",
        ],
        0,
    );
    let versions: Vec<&str> = i["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["version"].as_str().unwrap())
        .collect();
    assert_eq!(
        versions,
        [
            // ServiceProviderName and HostProviderName with every column 1.3 requires.
            "1.3",
            // The 21 mandatory columns: 1.0, 1.1 and 1.2 require the same.
            "1.0–1.2",
            // All 43 columns of 1.0 and none of 1.1.
            "1.0",
            // Too few columns for any release: never a guessed number.
            "version unknown",
            // `Provider`, `Publisher`, `InvoiceIssuer`: display names, said as such.
            "version unknown, display-name headers",
        ]
    );
    let mut cmd = billrecon();
    let out = cmd
        .arg("inspect")
        .arg(fixture("focus/prepaid-ahead.csv"))
        .assert()
        .code(0);
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(table.contains("focus, version unknown (FOCUS)"), "{table}");
}

#[test]
fn an_alibaba_billing_item_file_dates_each_line_by_its_day_in_tz() {
    // DataWorks workspace released 2024-03-10 08:30 (+08:00). Lines of 03-09 are earlier; the
    // five add-ons of 03-10 (00:00-24:00) span the deletion: tail, 1.60 + 1.20 + 0.50 + 0.45 +
    // 0.30 = 4.05; three of them bill again on 03-11, after it: 1.60 + 1.20 + 0.30 = 3.10.
    let r = report(
        &mut check(
            "register/dataworks.csv",
            &["alibaba/billing-item-daily.csv"],
        ),
        1,
    );
    let dw = resource(&r, "dw-cn-shanghai-0001");
    assert_eq!(dw["verdict"], "still_billing");
    assert_eq!(dw["lines"], 13);
    assert_eq!(dw["tail_lines"], 5);
    assert_eq!(dw["tail_amount"], json!({"CNY": "4.05"}));
    assert_eq!(dw["lines_after_deletion"], 3);
    assert_eq!(dw["amount_after_deletion"], json!({"CNY": "3.10"}));
    // 2024-03-11 00:00 (+08:00) is 03-10 16:00 UTC.
    assert_eq!(dw["first_after_deletion"], "2024-03-10T16:00:00Z");
    assert_eq!(r["inputs"][0]["first_usage"], "2024-03-08T16:00:00Z");
    assert_eq!(r["inputs"][0]["last_usage"], "2024-03-12T16:00:00Z");
    // The day is a wall-clock day in --tz: in UTC the 03-11 lines start at 03-11 00:00.
    let mut utc = check(
        "register/dataworks.csv",
        &["alibaba/billing-item-daily.csv"],
    );
    utc.args(["--tz", "+00:00"]);
    let r = report(&mut utc, 1);
    assert_eq!(
        resource(&r, "dw-cn-shanghai-0001")["first_after_deletion"],
        "2024-03-11T00:00:00Z"
    );
}

#[test]
fn an_alibaba_line_dated_only_by_its_billing_cycle_spans_the_month() {
    let i = inspect(&["alibaba/billing-item-monthly.csv"], 0);
    assert_eq!(i["inputs"][0]["rows"], 3);
    // 2024-02 and 2024-03 as +08:00 months.
    assert_eq!(i["inputs"][0]["first_usage"], "2024-01-31T16:00:00Z");
    assert_eq!(i["inputs"][0]["last_usage"], "2024-03-31T16:00:00Z");
}

#[test]
fn a_daily_line_says_nothing_past_its_own_start() {
    // Hourly lines end 2024-03-11 10:00Z: complete through 08:00 (2h lag). The daily line of
    // 03-11 ends 03-12 00:00 but may still be growing: it counts for 03-11 00:00 only. i-gone
    // (deleted 2024-03-10 12:00Z) needs 03-11 12:00: pending. Trusting the daily line's end
    // (03-11 22:00) would have said stopped.
    let r = report(
        &mut check("register/daily-window.csv", &["focus/daily-window.csv"]),
        3,
    );
    assert_eq!(
        r["coverage"],
        json!([{"provider": "aws", "complete_through": "2024-03-11T08:00:00Z"}])
    );
    assert_eq!(resource(&r, "i-gone")["verdict"], "pending");
    // inspect settles coverage the same way.
    let i = inspect(&["focus/daily-window.csv"], 0);
    assert_eq!(
        i["inputs"][0]["coverage"],
        json!([{"provider": "aws", "complete_through": "2024-03-11T08:00:00Z"}])
    );
    // A daily export never claims its last day: the Alibaba billing-item file's last lines are
    // for 03-12 (+08:00), so it is complete through the start of 03-12, 03-11 16:00Z.
    let r = report(
        &mut check(
            "register/dataworks.csv",
            &["alibaba/billing-item-daily.csv"],
        ),
        1,
    );
    assert_eq!(
        r["coverage"],
        json!([{"provider": "alibaba", "complete_through": "2024-03-11T16:00:00Z"}])
    );
}

#[test]
fn usage_dated_in_the_future_is_named_and_kept_out_of_coverage() {
    // Line 4 bills i-typo for 2124-03-11: a typo year. Without it the data reach 03-11 10:00Z,
    // complete through 08:00; i-gone (deleted 03-10 09:00Z) needs 03-11 09:00: pending. Were the
    // typo trusted, coverage would run to 2124 and i-gone would be "stopped".
    let out = check("register/far-future.csv", &["focus/far-future.csv"])
        .args(["-f", "json"])
        .assert()
        .code(3);
    let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        r["coverage"],
        json!([{"provider": "aws", "complete_through": "2024-03-11T08:00:00Z"}])
    );
    assert_eq!(resource(&r, "i-gone")["verdict"], "pending");
    let warning = "fixtures/focus/far-future.csv: 1 line of usage starts after now and cannot be real usage: left out of coverage (line 4 starts 2124-03-11T10:00:00Z)";
    assert_eq!(r["warnings"], json!([warning]));
    assert!(stderr_of(&out).contains(warning));
    // With --as-of, usage after it is not real either, and coverage is as-of - lag.
    let mut cmd = check("register/far-future.csv", &["focus/far-future.csv"]);
    cmd.args(["--as-of", "2024-03-11T11:00:00Z"]);
    let r = report(&mut cmd, 0);
    assert_eq!(
        r["coverage"],
        json!([{"provider": "aws", "complete_through": "2024-03-11T09:00:00Z"}])
    );
    assert!(r["warnings"][0]
        .as_str()
        .unwrap()
        .contains("after --as-of 2024-03-11T11:00:00Z"));
    // inspect names the line too.
    let out = billrecon()
        .arg("inspect")
        .arg(fixture("focus/far-future.csv"))
        .assert()
        .code(0);
    assert!(stderr_of(&out).contains("line 4 starts 2124-03-11T10:00:00Z"));
}

#[test]
fn a_month_long_line_across_the_deletion_keeps_the_resource_pending() {
    // The 2024-03 line of the workspace spans the 03-10 deletion: what it billed after it cannot
    // be told from it, however complete the month is. Never "stopped".
    let out = check(
        "register/dataworks.csv",
        &["alibaba/billing-item-monthly.csv"],
    )
    .args(["-f", "json"])
    .assert()
    .code(3);
    let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let dw = resource(&r, "dw-cn-shanghai-0001");
    assert_eq!(dw["verdict"], "pending");
    assert_eq!(dw["tail_amount"], json!({"CNY": "1.60"}));
    assert_eq!(dw["wide_tail_until"], "2024-03-31T16:00:00Z");
    // No metered line: coverage falls back to the latest window end less the lag.
    assert_eq!(
        r["coverage"],
        json!([{"provider": "alibaba", "complete_through": "2024-03-31T14:00:00Z"}])
    );
    assert!(stderr_of(&out).contains("what it billed after the deletion cannot be told"));
}

#[test]
fn usage_is_never_summed_across_units() {
    // i-units, deleted 2024-03-10 00:30Z: after it, hours 01-02 and 02-03 (1 Hours each, 0.0116),
    // 3 GB out (0.27) and 1000 Requests (0.004): USD 0.2972; usage in three units, so no sum.
    let r = report(&mut check("register/units.csv", &["focus/units.csv"]), 1);
    let units = resource(&r, "i-units");
    assert_eq!(units["amount_after_deletion"], json!({"USD": "0.2972"}));
    assert_eq!(units["usage_after_deletion"], Value::Null);
    assert_eq!(
        units["usage_after_deletion_by_unit"],
        json!({"GB": "3", "Hours": "2", "Requests": "1000"})
    );
    assert_eq!(units["no_charge_lines"], 0);
    // One unit: the sum, as before.
    let vpn = resource(&r, "vpn-free");
    assert_eq!(vpn["usage_after_deletion"], "0.0000048382");
    assert_eq!(
        vpn["usage_after_deletion_by_unit"],
        json!({"GB": "0.0000048382"})
    );
    // The table names the units.
    let out = check("register/units.csv", &["focus/units.csv"])
        .assert()
        .code(1);
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        table.contains("4 lines, USD 0.2972 (3 GB, 2 Hours, 1000 Requests)"),
        "{table}"
    );
}

#[test]
fn a_charge_of_nothing_with_usage_stays_a_finding_billed_at_no_charge() {
    // vpn-free: two lines of free data transfer after the deletion (0.0000046035 and
    // 0.0000002347 GB at USD 0): the VPN is still there.
    let r = report(&mut check("register/units.csv", &["focus/units.csv"]), 1);
    let vpn = resource(&r, "vpn-free");
    assert_eq!(vpn["verdict"], "still_billing");
    assert_eq!(vpn["amount_after_deletion"], json!({"USD": "0.00"}));
    assert_eq!(vpn["lines_after_deletion"], 2);
    assert_eq!(vpn["no_charge_lines"], 2);
    // The export has no deduction column: nothing is said to be deducted.
    assert_eq!(vpn["deducted_after_deletion"], json!([]));
    // ecs-plan-01: a resource plan (套餐内使用量 1 per hour) covers hours 09 and 10 after the
    // 08:30 deletion; the amount due is 0.
    let r = report(
        &mut check("register/plan-covered.csv", &["huawei/plan-covered.csv"]),
        1,
    );
    let plan = resource(&r, "ecs-plan-01");
    assert_eq!(plan["verdict"], "still_billing");
    assert_eq!(plan["no_charge_lines"], 2);
    assert_eq!(
        plan["deducted_after_deletion"],
        json!([{"by": "resource plan", "quantity": "2", "unit": "小时"}])
    );
    for format in ["table", "markdown", "html"] {
        let out = check("register/plan-covered.csv", &["huawei/plan-covered.csv"])
            .args(["-f", format])
            .assert()
            .code(1);
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(
            text.contains("billed at no charge, deducted: resource plan 2 小时"),
            "{format}: {text}"
        );
    }
    let out = check("register/plan-covered.csv", &["huawei/plan-covered.csv"])
        .args(["-f", "csv"])
        .assert()
        .code(1);
    let csv = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    let col = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(col("no_charge_lines"), "2");
    assert_eq!(col("deducted_after_deletion"), "resource plan 2 小时");
    assert_eq!(col("usage_after_deletion_by_unit"), "2 小时");
}

#[test]
fn each_billing_item_that_still_bills_is_listed_with_its_mode_and_amount() {
    // Of the workspace's five add-ons, public traffic (1.60), Data Quality (1.20) and API calls
    // (0.30) bill on 03-11, after the release; smart baselines and SMS alerts stopped.
    let r = report(
        &mut check(
            "register/dataworks.csv",
            &["alibaba/billing-item-daily.csv"],
        ),
        1,
    );
    assert_eq!(
        resource(&r, "dw-cn-shanghai-0001")["items"],
        json!([
            {"product": "DataWorks", "billing_item": "公网流量", "billing_mode": "后付费",
             "lines": 1, "amount": {"CNY": "1.60"}},
            {"product": "DataWorks", "billing_item": "数据质量", "billing_mode": "后付费",
             "lines": 1, "amount": {"CNY": "1.20"}},
            {"product": "DataWorks", "billing_item": "API调用", "billing_mode": "后付费",
             "lines": 1, "amount": {"CNY": "0.30"}},
        ])
    );
    let out = check(
        "register/dataworks.csv",
        &["alibaba/billing-item-daily.csv"],
    )
    .assert()
    .code(1);
    let table = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for item in [
        "└ 公网流量 (DataWorks, 后付费): 1 line, CNY 1.60",
        "└ 数据质量 (DataWorks, 后付费): 1 line, CNY 1.20",
        "└ API调用 (DataWorks, 后付费): 1 line, CNY 0.30",
    ] {
        assert!(table.contains(item), "{table}");
    }
    assert!(!table.contains("智能基线") && !table.contains("短信告警"));
    let out = check(
        "register/dataworks.csv",
        &["alibaba/billing-item-daily.csv"],
    )
    .args(["-f", "markdown"])
    .assert()
    .code(1);
    let md = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        md.contains("| dw-cn-shanghai-0001 | DataWorks | 公网流量 | 后付费 | 1 | CNY 1.60 |"),
        "{md}"
    );
    let out = check(
        "register/dataworks.csv",
        &["alibaba/billing-item-daily.csv"],
    )
    .args(["-f", "csv"])
    .assert()
    .code(1);
    let csv = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let html = check(
        "register/dataworks.csv",
        &["alibaba/billing-item-daily.csv"],
    )
    .args(["-f", "html"])
    .assert()
    .code(1);
    let html = String::from_utf8_lossy(&html.get_output().stdout).into_owned();
    assert!(
        html.contains("<li>公网流量 (DataWorks, 后付费): 1 line, CNY 1.60</li>"),
        "{html}"
    );
    assert!(!html.contains("智能基线"));
    assert!(csv.contains("\"公网流量 (DataWorks, 后付费): 1 line, CNY 1.60; 数据质量 (DataWorks, 后付费): 1 line, CNY 1.20; API调用 (DataWorks, 后付费): 1 line, CNY 0.30\""), "{csv}");
    // FOCUS: the charge description names the item, the charge frequency the mode.
    let r = report(&mut check("register/units.csv", &["focus/units.csv"]), 1);
    let items = &resource(&r, "i-units")["items"];
    assert_eq!(items.as_array().unwrap().len(), 3);
    assert_eq!(
        items[0],
        json!({"product": "Amazon Elastic Compute Cloud",
               "billing_item": "$0.090 per GB - data transfer out",
               "billing_mode": "Usage-Based", "lines": 1, "amount": {"USD": "0.27"}})
    );
}
