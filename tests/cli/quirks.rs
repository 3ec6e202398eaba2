//! The shapes Huawei exports come in: one quirk per fixture, each read to the same exact figures.

use crate::util::{check, report, resource, source_lines};
use serde_json::json;

#[test]
fn chinese_console_headers_bind_by_name_among_thirty_one_columns() {
    let r = report(&mut check("register/leak.csv", &["huawei/zh-basic.csv"]), 1);
    assert_eq!(
        r["inputs"],
        json!([{"path": "fixtures/huawei/zh-basic.csv", "format": "huawei", "rows": 9,
                "duplicate_rows": 0, "skipped_rows": 0, "totals_rows": 0, "currency": "CNY",
                "first_usage": "2026-10-09T23:00:00Z", "last_usage": "2026-10-11T16:00:00Z"}])
    );
    assert_eq!(
        r["coverage"],
        json!([{"provider": "huawei", "complete_through": "2026-10-11T14:00:00Z"}])
    );
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["resource_name"], "web-01");
    assert_eq!(leak["product"], "弹性云服务器");
    assert_eq!(leak["provider"], "huawei");
    assert_eq!(leak["amount_after_deletion"], json!({"CNY": "6.92"}));
}

#[test]
fn english_headers_with_a_dollar_suffix_bill_in_usd() {
    let r = report(&mut check("register/leak.csv", &["huawei/en-usd.csv"]), 1);
    assert_eq!(r["inputs"][0]["format"], "huawei");
    assert_eq!(r["inputs"][0]["currency"], "USD");
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["product"], "Elastic Cloud Server");
    assert_eq!(leak["lines_after_deletion"], 2);
    // 0.10 + 0.20 exactly: amounts never pass through floating point.
    assert_eq!(leak["amount_after_deletion"], json!({"USD": "0.30"}));
    assert_eq!(leak["tail_amount"], json!({"USD": "0.50"}));
    assert_eq!(
        r["summary"]["amount_after_deletion"],
        json!({"USD": "0.30"})
    );
}

#[test]
fn a_utf8_bom_and_crlf_line_ends_are_read() {
    let r = report(&mut check("register/leak.csv", &["huawei/bom-crlf.csv"]), 1);
    assert_eq!(r["inputs"][0]["rows"], 4);
    assert_eq!(r["inputs"][0]["currency"], "CNY");
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["bill_ids"], json!(["ecs-leak-01"]));
    assert_eq!(leak["lines"], 3);
    assert_eq!(leak["lines_after_deletion"], 2);
    assert_eq!(leak["amount_after_deletion"], json!({"CNY": "6.92"}));
}

#[test]
fn line_numbers_in_a_crlf_file_count_from_the_first_line() {
    let r = report(&mut check("register/leak.csv", &["huawei/bom-crlf.csv"]), 1);
    // Line 1 is the header; 09:00-10:00 and 10:00-11:00 are on lines 3 and 4.
    assert_eq!(source_lines(resource(&r, "ecs-leak-01")), [3, 4]);
}

#[test]
fn quoted_cells_with_commas_doubled_quotes_and_newlines_are_read() {
    let r = report(&mut check("register/leak.csv", &["huawei/quoting.csv"]), 1);
    assert_eq!(r["inputs"][0]["rows"], 4);
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["resource_name"], "web-01, \"prod\"\nrack 7");
    assert_eq!(leak["amount_after_deletion"], json!({"CNY": "6.92"}));
    // The first record spans lines 2-3, so the charges are on lines 4 and 5.
    assert_eq!(source_lines(leak), [4, 5]);
}

#[test]
fn title_lines_above_the_header_and_a_totals_row_are_left_out() {
    let r = report(
        &mut check("register/leak.csv", &["huawei/title-and-totals.csv"]),
        1,
    );
    assert_eq!(r["inputs"][0]["rows"], 4);
    assert_eq!(r["inputs"][0]["totals_rows"], 1);
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["lines"], 3);
    assert_eq!(leak["amount_after_deletion"], json!({"CNY": "6.92"}));
    assert_eq!(source_lines(leak), [5, 6]);
}

#[test]
fn double_dash_cells_mean_empty() {
    let r = report(
        &mut check("register/gone.csv", &["huawei/dash-empty.csv"]),
        0,
    );
    let gone = resource(&r, "ecs-gone-01");
    assert_eq!(gone["verdict"], "stopped");
    assert_eq!(gone["resource_name"], "");
    assert_eq!(gone["lines"], 1);
    assert_eq!(r["inputs"][0]["rows"], 2);
    assert_eq!(r["inputs"][0]["first_usage"], "2026-10-11T15:00:00Z");
}

#[test]
fn a_usage_end_at_59_59_is_inclusive_and_means_the_next_second() {
    // The data ends 10:59:59 = 11:00 (UTC+8); with 2h30m lag it is complete through 08:30, exactly
    // a day after the deletion: stopped. Read as 10:59:59 it would be one second short: pending.
    let r = report(
        check("register/gone.csv", &["huawei/inclusive-end.csv"]).args(["--lag", "2h30m"]),
        0,
    );
    assert_eq!(r["inputs"][0]["last_usage"], "2026-10-11T03:00:00Z");
    assert_eq!(
        r["coverage"],
        json!([{"provider": "huawei", "complete_through": "2026-10-11T00:30:00Z"}])
    );
    let gone = resource(&r, "ecs-gone-01");
    assert_eq!(gone["verdict"], "stopped");
    assert_eq!(gone["tail_lines"], 1);
}

#[test]
fn a_subset_export_with_only_id_transaction_time_and_amount_finds_a_later_charge() {
    let r = report(&mut check("register/leak.csv", &["huawei/subset.csv"]), 1);
    assert_eq!(r["inputs"][0]["rows"], 4);
    assert_eq!(r["inputs"][0]["first_usage"], json!(null));
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["verdict"], "still_billing");
    assert_eq!(leak["lines"], 2);
    assert_eq!(leak["lines_after_deletion"], 1);
    assert_eq!(leak["first_after_deletion"], "2026-10-10T03:01:47Z");
    assert_eq!(leak["amount_after_deletion"], json!({"CNY": "3.46"}));
    assert_eq!(source_lines(leak), [4]);
}

#[test]
fn a_subset_export_without_usage_windows_takes_coverage_from_the_latest_charge() {
    let r = report(&mut check("register/gone.csv", &["huawei/subset.csv"]), 0);
    // Latest transaction 2026-10-12 10:00 (UTC+8) less 2h of lag.
    assert_eq!(
        r["coverage"],
        json!([{"provider": "huawei", "complete_through": "2026-10-12T00:00:00Z"}])
    );
    assert_eq!(resource(&r, "ecs-gone-01")["verdict"], "stopped");
}

#[test]
fn a_gb18030_file_is_decoded() {
    let r = report(&mut check("register/leak.csv", &["huawei/gbk.csv"]), 1);
    assert_eq!(r["inputs"][0]["currency"], "CNY");
    assert_eq!(r["inputs"][0]["rows"], 4);
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["resource_name"], "网站服务器");
    assert_eq!(leak["product"], "弹性云服务器");
    assert_eq!(leak["amount_after_deletion"], json!({"CNY": "6.92"}));
}

#[test]
fn a_totals_row_in_a_gb18030_file_is_left_out() {
    let r = report(
        &mut check("register/leak.csv", &["huawei/gbk-totals.csv"]),
        1,
    );
    assert_eq!(r["inputs"][0]["rows"], 4);
    assert_eq!(
        resource(&r, "ecs-leak-01")["amount_after_deletion"],
        json!({"CNY": "6.92"})
    );
}

#[test]
fn a_resource_whose_id_starts_with_total_is_not_taken_for_a_totals_row() {
    let r = report(
        &mut check(
            "register/total-backup.csv",
            &["huawei/id-starting-with-total.csv"],
        ),
        1,
    );
    assert_eq!(r["inputs"][0]["rows"], 3);
    let t = resource(&r, "total-backup-01");
    assert_eq!(t["verdict"], "still_billing");
    assert_eq!(t["lines_after_deletion"], 1);
}

#[test]
fn lines_repeated_in_an_overlapping_export_are_counted_once() {
    let r = report(
        &mut check(
            "register/leak.csv",
            &["huawei/overlap-month.csv", "huawei/overlap-day.csv"],
        ),
        1,
    );
    assert_eq!(r["inputs"][0]["rows"], 5);
    assert_eq!(r["inputs"][0]["duplicate_rows"], 0);
    assert_eq!(r["inputs"][1]["rows"], 4);
    assert_eq!(r["inputs"][1]["duplicate_rows"], 3);
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["lines"], 4);
    assert_eq!(leak["lines_after_deletion"], 2);
    assert_eq!(leak["amount_after_deletion"], json!({"CNY": "6.92"}));
    assert_eq!(leak["tail_lines"], 1);
    assert_eq!(
        leak["sources"],
        json!([{"path": "fixtures/huawei/overlap-month.csv", "line": 4},
               {"path": "fixtures/huawei/overlap-month.csv", "line": 5}])
    );
}

#[test]
fn overlapping_exports_are_read_twice_and_a_line_repeated_in_one_file_counts_twice() {
    // The day file holds the 10:00 line twice (two charges) and shares the 09:00 line with the
    // month: the month's single 10:00 line and the day's 09:00 line are dropped, so both
    // inputs are read a second time without them.
    let r = report(
        &mut check(
            "register/leak.csv",
            &["huawei/overlap-month.csv", "huawei/overlap-repeat.csv"],
        ),
        1,
    );
    assert_eq!(r["inputs"][0]["duplicate_rows"], 1);
    assert_eq!(r["inputs"][1]["duplicate_rows"], 1);
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["lines"], 5);
    assert_eq!(leak["lines_after_deletion"], 3);
    assert_eq!(leak["amount_after_deletion"], json!({"CNY": "10.38"}));
    assert_eq!(leak["usage_after_deletion"], "3");
    assert_eq!(leak["tail_lines"], 1);
    assert_eq!(
        leak["sources"],
        json!([{"path": "fixtures/huawei/overlap-month.csv", "line": 4},
               {"path": "fixtures/huawei/overlap-repeat.csv", "line": 3},
               {"path": "fixtures/huawei/overlap-repeat.csv", "line": 4}])
    );
    // Alone (one input, no fingerprints kept), the repeated line still counts twice.
    let alone = report(
        &mut check("register/leak.csv", &["huawei/overlap-repeat.csv"]),
        1,
    );
    assert_eq!(alone["inputs"][0]["duplicate_rows"], 0);
    let leak = resource(&alone, "ecs-leak-01");
    assert_eq!(leak["lines_after_deletion"], 3);
    assert_eq!(leak["amount_after_deletion"], json!({"CNY": "10.38"}));
    assert_eq!(source_lines(leak), [2, 3, 4]);
}

#[test]
fn lines_that_differ_in_a_fact_both_exports_carry_add_up() {
    // Same resource, same hours. The 31-column export carries more (vouchers, the expenditure
    // time), so the two are compared on what both carry: the 08:00 tail line, charged at
    // 10:01:47 in both, is one line; the others were charged at other times (09:02:11 against
    // 09:01:47, …), so they are other lines and add up.
    let both = report(
        &mut check(
            "register/leak.csv",
            &["huawei/overlap-month.csv", "huawei/zh-basic.csv"],
        ),
        1,
    );
    assert_eq!(both["inputs"][0]["duplicate_rows"], 0);
    assert_eq!(both["inputs"][1]["duplicate_rows"], 1);
    let leak = resource(&both, "ecs-leak-01");
    assert_eq!(leak["lines"], 7);
    assert_eq!(leak["tail_lines"], 1);
    assert_eq!(leak["lines_after_deletion"], 4);
    assert_eq!(leak["amount_after_deletion"], json!({"CNY": "13.84"}));
    assert_eq!(
        leak["sources"],
        json!([{"path": "fixtures/huawei/overlap-month.csv", "line": 4},
               {"path": "fixtures/huawei/zh-basic.csv", "line": 4},
               {"path": "fixtures/huawei/overlap-month.csv", "line": 5},
               {"path": "fixtures/huawei/zh-basic.csv", "line": 5}])
    );
}
