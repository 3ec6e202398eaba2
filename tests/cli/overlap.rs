//! Overlapping exports judged by meaning (issue 11, item 1): a line is the same line in two
//! inputs when every fact both carry parses to the same value, whatever the bytes, encoding,
//! header language or container. Each pair below is one export and a copy of it that differs in
//! one way (`fixtures/README.md`); the copy's matched lines are all dropped and the report is
//! the one the export gives alone.

use crate::util::{check, report, resource};
use serde_json::{json, Value};

/// What the copy must not change: the summary, the coverage and every resource, the lines it
/// cites included (the first input holds them, and wins every tie).
fn assert_same_findings(with_copy: &Value, alone: &Value) {
    assert_eq!(with_copy["summary"], alone["summary"]);
    assert_eq!(with_copy["coverage"], alone["coverage"]);
    assert_eq!(with_copy["resources"], alone["resources"]);
}

/// `duplicate_rows` of each input.
fn duplicates(r: &Value) -> Vec<u64> {
    r["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i["duplicate_rows"].as_u64().expect("a count"))
        .collect()
}

/// `overlap-month.csv` and a copy of it: the four `ecs-leak-01` lines count once.
fn month_and(copy: &str) {
    let month = "huawei/overlap-month.csv";
    let alone = report(&mut check("register/leak.csv", &[month]), 1);
    let both = report(&mut check("register/leak.csv", &[month, copy]), 1);
    assert_same_findings(&both, &alone);
    assert_eq!(duplicates(&both), [0, 4], "{copy}");
    let leak = resource(&both, "ecs-leak-01");
    assert_eq!(leak["amount_after_deletion"], json!({"CNY": "6.92"}));
    assert_eq!(leak["lines"], 4);
}

#[test]
fn the_same_export_saved_as_gb18030_counts_once() {
    month_and("huawei/overlap-month-gb18030.csv");
}

#[test]
fn an_excel_resave_that_shortens_the_amounts_counts_once() {
    month_and("huawei/overlap-month-resaved.csv");
}

/// The English console's export of the same month: English header and cell labels (`Expenditure-use`
/// for `消费-使用`, `Elastic Cloud Server` for `弹性云服务器`). Its `Cash Coupon (¥)` column is
/// bound to no field while the Chinese `代金券抵扣(¥)` is: the two are compared on the facts both
/// carry, in either order.
#[test]
fn an_english_console_export_of_the_same_month_counts_once_in_either_order() {
    let (zh, en) = ("huawei/zh-basic.csv", "huawei/zh-basic-en.csv");
    let alone = report(&mut check("register/verdicts.csv", &[zh]), 1);
    let matched: u64 = alone["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| r["lines"].as_u64().expect("lines"))
        .sum();
    assert_eq!(matched, 8);
    let both = report(&mut check("register/verdicts.csv", &[zh, en]), 1);
    assert_same_findings(&both, &alone);
    assert_eq!(duplicates(&both), [0, matched]);
    assert_eq!(
        both["summary"]["amount_after_deletion"],
        json!({"CNY": "6.92"})
    );
    // The English copy first: it counts, the Chinese one loses every matched line.
    let reversed = report(&mut check("register/verdicts.csv", &[en, zh]), 1);
    let en_alone = report(&mut check("register/verdicts.csv", &[en]), 1);
    assert_same_findings(&reversed, &en_alone);
    assert_eq!(duplicates(&reversed), [0, matched]);
    assert_eq!(reversed["summary"], alone["summary"]);
}

/// `wrappers/focus-1.2.parquet` is `focus/focus-1.2.csv` as typed Parquet (decimal costs,
/// UTC timestamps, a `Tags` map): neither the charges nor the credits are doubled.
#[test]
fn a_focus_csv_and_the_same_data_as_parquet_count_once() {
    let csv = "focus/focus-1.2.csv";
    let alone = report(&mut check("focus/register.csv", &[csv]), 1);
    let both = report(
        &mut check("focus/register.csv", &[csv, "wrappers/focus-1.2.parquet"]),
        1,
    );
    assert_same_findings(&both, &alone);
    assert_eq!(duplicates(&both), [0, 7]);
    // Counted twice, these were USD 3.46 and a credit of USD -1.00.
    assert_eq!(
        both["summary"]["amount_after_deletion"],
        json!({"USD": "1.73"})
    );
    let logs = resource(&both, "arn:aws:s3:::acme-logs");
    assert_eq!(logs["refunds_after_deletion"], json!({"USD": "-0.50"}));
}

/// The same cells under `应付金额($)`: CNY 3.46 and USD 3.46 in the same hour are two lines.
#[test]
fn the_same_hour_in_another_currency_is_another_line() {
    let r = report(
        &mut check(
            "register/leak.csv",
            &["huawei/overlap-month.csv", "huawei/overlap-month-usd.csv"],
        ),
        1,
    );
    assert_eq!(duplicates(&r), [0, 0]);
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["lines"], 8);
    assert_eq!(
        leak["amount_after_deletion"],
        json!({"CNY": "6.92", "USD": "6.92"})
    );
}

/// A pipe is read once. Given first beside a copy that carries the same facts, it counts and the
/// copy loses its lines; beside the English export, which shares fewer facts, it would have to
/// be read again to be compared on those: an error saying so (exit 2), never a wrong count.
#[cfg(unix)]
#[test]
fn a_pipe_first_counts_once_and_one_to_compare_on_fewer_facts_is_an_error() {
    use crate::util::billrecon;
    if !std::path::Path::new("/dev/stdin").exists() {
        eprintln!("skipped: no /dev/stdin");
        return;
    }
    let zh = std::fs::read("fixtures/huawei/zh-basic.csv").unwrap();
    let piped = |copy: &str| {
        let mut cmd = billrecon();
        cmd.timeout(std::time::Duration::from_secs(60))
            .args(["check", "--deleted", "fixtures/register/verdicts.csv"])
            .args(["/dev/stdin", copy])
            .write_stdin(zh.clone());
        cmd
    };
    let same = report(&mut piped("fixtures/huawei/zh-basic.csv"), 1);
    assert_eq!(duplicates(&same), [0, 8]);
    assert_eq!(
        same["summary"]["amount_after_deletion"],
        json!({"CNY": "6.92"})
    );
    let out = piped("fixtures/huawei/zh-basic-en.csv")
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(
        err.contains("/dev/stdin: a pipe or FIFO can be read only once")
            && err.contains("save it to a file"),
        "{err}"
    );
}
