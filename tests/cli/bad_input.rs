//! Bad input: exit 2, a message naming file, line and column, and no report on stdout.

use crate::util::{billrecon, check, fixture, report, resource, stderr_of};
use assert_cmd::assert::Assert;
use predicates::prelude::*;

/// Runs `cmd` and expects exit 2 with nothing on stdout: no partial report.
fn fails(cmd: &mut assert_cmd::Command) -> Assert {
    cmd.assert().code(2).stdout("")
}

#[test]
fn a_bad_amount_names_file_line_and_column() {
    fails(&mut check("register/gone.csv", &["bad/bad-amount.csv"])).stderr(
        "billrecon: error: fixtures/bad/bad-amount.csv:3:13: amount: `1O.00` is not a number\n",
    );
}

#[test]
fn a_plus_minus_amount_is_bad_input_never_a_refund() {
    // Read as -5, the charge after the deletion became a refund and the verdict `stopped`.
    fails(&mut check("register/gone.csv", &["bad/plus-minus-amount.csv"])).stderr(
        "billrecon: error: fixtures/bad/plus-minus-amount.csv:3:13: amount: `+-5` is not a number\n",
    );
}

#[test]
fn a_ragged_row_whose_id_starts_with_total_is_an_error_not_a_dropped_totals_row() {
    fails(&mut check(
        "register/total-backup.csv",
        &["bad/ragged-total-id.csv"],
    ))
    .stderr(
        "billrecon: error: fixtures/bad/ragged-total-id.csv:3:3: expected 3 fields as in the \
         header, found 2\n",
    );
}

#[test]
fn control_characters_from_a_cell_reach_the_terminal_escaped() {
    fails(&mut check(
        "register/gone.csv",
        &["bad/escape-in-amount.csv"],
    ))
    .stderr(
        "billrecon: error: fixtures/bad/escape-in-amount.csv:3:13: amount: `\\u{1b}[2J9.00` is \
         not a number\n",
    );
}

#[test]
fn an_impossible_date_names_file_line_and_column() {
    fails(&mut check(
        "register/gone.csv",
        &["bad/impossible-date.csv"],
    ))
    .stderr(
        "billrecon: error: fixtures/bad/impossible-date.csv:3:5: usage start: \
         `2026-02-30 08:00:00` is not a valid date\n",
    );
}

#[test]
fn an_unknown_header_names_the_closest_format_and_the_columns_it_lacks() {
    fails(&mut check("register/gone.csv", &["bad/unknown-header.csv"])).stderr(
        "billrecon: error: fixtures/bad/unknown-header.csv:1: the header matches no known export \
         format; the closest is huawei (Huawei Cloud Expenditure Details), which lacks: amount \
         (`应付金额` or `Amount Due` or `Amount`)\n",
    );
}

#[test]
fn an_unknown_header_below_title_lines_is_reported_at_its_own_line() {
    fails(&mut check(
        "register/gone.csv",
        &["bad/unknown-header-below-title.csv"],
    ))
    .stderr(predicate::str::starts_with(
        "billrecon: error: fixtures/bad/unknown-header-below-title.csv:3: the header matches no \
         known export format",
    ));
}

#[test]
fn a_row_with_a_missing_field_names_the_first_missing_column() {
    fails(&mut check(
        "register/gone.csv",
        &["bad/wrong-field-count.csv"],
    ))
    .stderr(
        "billrecon: error: fixtures/bad/wrong-field-count.csv:3:13: expected 13 fields as in the \
         header, found 12\n",
    );
}

#[test]
fn an_empty_export_is_an_error() {
    fails(&mut check("register/gone.csv", &["bad/empty.csv"])).stderr(
        "billrecon: error: fixtures/bad/empty.csv: the file is empty: expected a header row\n",
    );
}

#[test]
fn a_missing_export_is_an_error_naming_it() {
    fails(
        billrecon()
            .arg("check")
            .arg("--deleted")
            .arg(fixture("register/gone.csv"))
            .arg("fixtures/bad/no-such-file.csv"),
    )
    .stderr(predicate::str::starts_with(
        "billrecon: error: fixtures/bad/no-such-file.csv: ",
    ));
}

#[test]
fn a_register_time_that_cannot_be_read_names_its_row_and_column() {
    fails(&mut check(
        "bad/register-bad-time.csv",
        &["huawei/zh-basic.csv"],
    ))
    .stderr(predicate::str::starts_with(
        "billrecon: error: fixtures/bad/register-bad-time.csv:3:2: deleted_at: \
         `yesterday 08:30` is not a time",
    ));
}

#[test]
fn a_register_without_a_deleted_at_column_is_an_error() {
    fails(&mut check(
        "bad/register-no-deleted-at.csv",
        &["huawei/zh-basic.csv"],
    ))
    .stderr(predicate::str::starts_with(
        "billrecon: error: fixtures/bad/register-no-deleted-at.csv:1: the register has no \
         `deleted_at` column",
    ));
}

#[test]
fn a_lag_that_is_not_a_duration_is_a_usage_error() {
    fails(check("register/gone.csv", &["huawei/zh-basic.csv"]).args(["--lag", "2x"])).stderr(
        predicate::str::starts_with("billrecon: error: --lag: `2x` is not a duration"),
    );
}

#[test]
fn a_product_without_cleaned_at_is_a_usage_error() {
    fails(
        billrecon()
            .args(["check", "--product", "ModelArts"])
            .arg(fixture("huawei/zh-basic.csv")),
    )
    .stderr(predicate::str::contains("--cleaned-at <TIME>"));
}

#[test]
fn naming_nothing_deleted_is_a_usage_error() {
    fails(billrecon().arg("check").arg(fixture("huawei/zh-basic.csv")))
        .stderr(predicate::str::contains("--deleted <FILE>"));
}

#[test]
fn exit_zero_never_hides_bad_input() {
    fails(check("register/gone.csv", &["bad/bad-amount.csv"]).arg("--exit-zero"));
}

#[test]
fn skip_bad_rows_skips_counts_and_warns_and_never_claims_all_stopped() {
    // Every resource is stopped, but a skipped row may be the one that bills: exit 3, not 0.
    let out = check("register/gone.csv", &["bad/bad-amount.csv"])
        .args(["--skip-bad-rows", "-f", "json"])
        .assert()
        .code(3);
    assert_eq!(
        stderr_of(&out),
        "billrecon: warning: skipped fixtures/bad/bad-amount.csv:3:13: amount: `1O.00` is not a \
         number\nbillrecon: warning: fixtures/bad/bad-amount.csv: skipped 1 bad row \
         (--skip-bad-rows)\n"
    );
    let r: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(r["inputs"][0]["skipped_rows"], 1);
    assert_eq!(r["inputs"][0]["rows"], 3);
    let gone = resource(&r, "ecs-gone-01");
    assert_eq!(gone["verdict"], "stopped");
    assert_eq!(gone["tail_lines"], 1);
}

#[test]
fn every_report_format_records_the_skipped_rows_per_input() {
    let run = |format: &str| {
        let out = check("register/gone.csv", &["bad/bad-amount.csv"])
            .args(["--skip-bad-rows", "-q", "-f", format])
            .assert()
            .code(3);
        String::from_utf8(out.get_output().stdout.clone()).unwrap()
    };
    let table = run("table");
    assert!(
        table.contains(
            "Read 1 export (3 rows); 1 bad row skipped (fixtures/bad/bad-amount.csv: 1): nothing \
             is confirmed stopped"
        ),
        "{table}"
    );
    assert!(run("markdown").contains("1 bad row skipped (fixtures/bad/bad-amount.csv: 1)"));
    let csv = run("csv");
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().ends_with(",skipped_rows"), "{csv}");
    assert!(
        lines
            .next()
            .unwrap()
            .ends_with(",fixtures/bad/bad-amount.csv:1"),
        "{csv}"
    );
    // Nothing skipped: no such column.
    let clean = check("register/gone.csv", &["huawei/zh-basic.csv"])
        .args(["-f", "csv"])
        .assert()
        .code(0);
    let head = String::from_utf8(clean.get_output().stdout.clone()).unwrap();
    assert!(
        !head.lines().next().unwrap().contains("skipped_rows"),
        "{head}"
    );
}

#[test]
fn skip_bad_rows_with_still_billing_exits_one() {
    let r = report(
        check(
            "register/leak.csv",
            &["bad/bad-amount.csv", "huawei/zh-basic.csv"],
        )
        .arg("--skip-bad-rows"),
        1,
    );
    assert_eq!(r["inputs"][0]["skipped_rows"], 1);
    assert_eq!(r["inputs"][1]["skipped_rows"], 0);
}

#[test]
fn a_closed_stdout_ends_quietly_with_the_verdicts_exit_code() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    // Enough resources that the report overflows the pipe after the reader has gone.
    let dir = std::env::temp_dir().join(format!("billrecon-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut register = String::from("resource_id,deleted_at\n");
    for i in 0..3000 {
        register.push_str(&format!("ecs-missing-{i:05},2026-10-10 08:30\n"));
    }
    let reg = dir.join("many.csv");
    std::fs::write(&reg, register).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_billrecon"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "-f", "json", "--deleted"])
        .arg(&reg)
        .arg("fixtures/huawei/zh-basic.csv")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    // Every ID is missing from the bill: not_in_bill, exit 3, and no error about the pipe.
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn a_register_date_without_a_time_is_refused() {
    fails(&mut check(
        "bad/register-date-only.csv",
        &["huawei/zh-basic.csv"],
    ))
    .stderr(
        "billrecon: error: fixtures/bad/register-date-only.csv:2:2: deleted_at: `2026-10-10` is a \
         date without a time: write when on that day, such as `2026-10-10 08:30`\n",
    );
}

#[test]
fn an_unknown_register_provider_lists_the_known_ones() {
    fails(&mut check(
        "bad/register-unknown-provider.csv",
        &["huawei/zh-basic.csv"],
    ))
    .stderr(
        "billrecon: error: fixtures/bad/register-unknown-provider.csv:2:3: provider: `hauwei` is \
         not a provider billrecon knows: expected one of huawei, alibaba, aws, azure, gcp, oracle \
         (or an alias such as `Huawei Cloud`, `阿里云`)\n",
    );
}
