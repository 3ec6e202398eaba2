//! `billrecon sql`: what the command prints and refuses. Whether the queries compute what
//! `check` computes is proven on real engines by `scripts/sql-engines` (DuckDB and Spark run,
//! Trino and BigQuery parsed); these tests pin the command line, quoting and the register file.

use crate::util::{billrecon, fixture, stderr_of};
use std::fs;

fn sql(args: &[&str]) -> assert_cmd::Command {
    let mut cmd = billrecon();
    cmd.arg("sql").args(args);
    cmd
}

fn stdout(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

#[test]
fn prints_one_query_per_dialect_over_the_named_table() {
    let reg = fixture("register/verdicts.csv");
    for (dialect, table, quoted) in [
        ("duckdb", "bills.huawei", "FROM \"bills\".\"huawei\""),
        ("spark", "bills.huawei", "FROM `bills`.`huawei`"),
        (
            "trino",
            "hive.bills.huawei",
            "FROM \"hive\".\"bills\".\"huawei\"",
        ),
        ("bigquery", "proj.bills.huawei", "FROM `proj.bills.huawei`"),
    ] {
        let out = sql(&["--dialect", dialect, "--source", "huawei", "--table", table])
            .arg("--deleted")
            .arg(&reg)
            .assert()
            .code(0);
        let q = stdout(&out);
        assert!(q.starts_with("WITH\n"), "{dialect}: {}", &q[..40]);
        assert!(q.contains(quoted), "{dialect} names the table: {quoted}");
        // The default columns are the console's: the amount column keeps its currency suffix.
        assert!(q.contains("应付金额(¥)"), "{dialect}");
        assert_eq!(
            q.matches("ecs-leak-01").count(),
            2,
            "{dialect}: the ID and its key"
        );
    }
}

#[test]
fn register_ids_are_data_whatever_quotes_and_backslashes_they_hold() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("reg.csv");
    fs::write(
        &reg,
        "resource_id,deleted_at\n\"x'); DROP TABLE bill; --\",2026-10-10 08:30\n\"a\\'b\",2026-10-10 08:30\n",
    )
    .unwrap();
    let q = |dialect: &str| {
        let out = sql(&[
            "--dialect",
            dialect,
            "--source",
            "huawei",
            "--table",
            "bill",
        ])
        .arg("--deleted")
        .arg(&reg)
        .assert()
        .code(0);
        stdout(&out)
    };
    // Standard SQL strings double the quote; backslash-escaping dialects escape both.
    assert!(q("duckdb").contains("'x''); DROP TABLE bill; --'"));
    assert!(q("trino").contains("'a\\''b'"));
    assert!(q("spark").contains("'x\\'); DROP TABLE bill; --'"));
    assert!(q("bigquery").contains("'a\\\\\\'b'"));
}

#[test]
fn a_register_table_is_written_as_csv_and_read_instead_of_values() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("deletions.csv");
    let out = sql(&[
        "--dialect",
        "trino",
        "--source",
        "huawei",
        "--table",
        "bill",
    ])
    .args(["--register-table", "ops.deletions", "--register-csv"])
    .arg(&csv)
    .arg("--deleted")
    .arg(fixture("register/verdicts.csv"))
    .args(["--product", "ModelArts", "--cleaned-at", "2026-10-10 08:30"])
    .assert()
    .code(0);
    let q = stdout(&out);
    assert!(q.contains("FROM \"ops\".\"deletions\""));
    assert!(!q.contains("ecs-leak-01"), "the register is not inlined");
    let text = fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("idx,resource_id,resource_key,product_key,provider,deleted_epoch,grace_epoch,window_epoch,deleted_at")
    );
    assert_eq!(
        lines.next(),
        Some("0,ecs-leak-01,ecs-leak-01,,,1791592200.000000000,1791592200.000000000,1791678600.000000000,2026-10-10T00:30:00Z")
    );
    assert_eq!(
        lines.clone().count(),
        4,
        "three more register rows and the product"
    );
    assert!(text.lines().last().unwrap().starts_with("4,,,modelarts,"));
}

#[test]
fn a_query_past_athenas_limit_says_to_use_a_register_table() {
    let dir = tempfile::tempdir().unwrap();
    let reg = dir.path().join("big.csv");
    let mut body = String::from("resource_id,deleted_at\n");
    for i in 0..1500 {
        body.push_str(&format!(
            "i-{i:08}-a-rather-long-resource-identifier,2026-10-10 08:30\n"
        ));
    }
    fs::write(&reg, body).unwrap();
    let out = sql(&["--dialect", "trino", "--source", "focus", "--table", "f"])
        .arg("--deleted")
        .arg(&reg)
        .assert()
        .code(0);
    assert!(stdout(&out).len() > 256 * 1024);
    assert!(stderr_of(&out).contains("Athena accepts at most 256 KB"));
}

#[test]
fn header_of_binds_columns_as_check_does() {
    let out = sql(&["--dialect", "duckdb", "--table", "bill"])
        .arg("--header-of")
        .arg(fixture("huawei/en-usd.csv"))
        .arg("--deleted")
        .arg(fixture("register/leak.csv"))
        .assert()
        .code(0);
    let q = stdout(&out);
    assert!(q.contains("\"Resource ID\""), "English console header");
    assert!(
        q.contains("'USD'"),
        "the `($)` suffix gives the default currency"
    );
    let out = sql(&[
        "--dialect",
        "duckdb",
        "--source",
        "focus",
        "--table",
        "bill",
    ])
    .arg("--header-of")
    .arg(fixture("huawei/en-usd.csv"))
    .args(["--product", "x", "--cleaned-at", "2026-10-10 08:30"])
    .assert()
    .code(2);
    assert!(stderr_of(&out).contains("is a huawei export, not focus"));
}

#[test]
fn columns_can_be_renamed_and_required_ones_cannot_be_dropped() {
    let out = sql(&[
        "--dialect",
        "trino",
        "--source",
        "huawei",
        "--table",
        "bill",
    ])
    .args(["--column", "amount=amount_due_cny", "--column", "kind="])
    .args(["--product", "x", "--cleaned-at", "2026-10-10 08:30"])
    .assert()
    .code(0);
    let q = stdout(&out);
    assert!(q.contains("\"amount_due_cny\""));
    assert!(!q.contains("\"账单类型\""), "the kind column is gone");
    for (arg, message) in [
        ("amount=", "needs a column for: amount"),
        ("colour=x", "unknown meaning `colour`"),
        ("amount", "is not MEANING=NAME"),
    ] {
        let out = sql(&[
            "--dialect",
            "trino",
            "--source",
            "huawei",
            "--table",
            "bill",
        ])
        .args(["--column", arg])
        .args(["--product", "x", "--cleaned-at", "2026-10-10 08:30"])
        .assert()
        .code(2);
        assert!(
            stderr_of(&out).contains(message),
            "{arg}: {}",
            stderr_of(&out)
        );
    }
}

#[test]
fn bigquery_has_no_map_and_returns_a_row_per_currency() {
    let out = sql(&["--dialect", "bigquery", "--source", "focus", "--table", "f"])
        .args([
            "--amounts",
            "map",
            "--product",
            "x",
            "--cleaned-at",
            "2026-10-10 08:30",
        ])
        .assert()
        .code(2);
    assert!(stderr_of(&out).contains("has no map type"));
    let out = sql(&["--dialect", "bigquery", "--source", "focus", "--table", "f"])
        .args(["--product", "x", "--cleaned-at", "2026-10-10 08:30"])
        .assert()
        .code(0);
    assert!(stdout(&out).contains("c.currency"));
}

#[test]
fn rules_that_engines_read_differently_are_named_in_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    fs::write(
        &rules,
        "[[rule]]\nname = \"bounded\"\npattern = '\\b(?P<id>vm-\\d+)\\b'\n[[rule]]\nname = \"plain\"\npattern = '^(?P<id>.+)-node-\\d+$'\n",
    )
    .unwrap();
    let out = sql(&[
        "--dialect",
        "spark",
        "--source",
        "huawei",
        "--table",
        "bill",
    ])
    .arg("--rules")
    .arg(&rules)
    .args(["--product", "x", "--cleaned-at", "2026-10-10 08:30"])
    .assert()
    .code(0);
    let err = stderr_of(&out);
    assert!(
        err.contains("rule `bounded`") && err.contains("word boundary"),
        "{err}"
    );
    assert!(!err.contains("rule `plain`"), "{err}");
    // The `id` group is the only capturing group, `\d` Rust's Unicode digits.
    assert!(stdout(&out).contains("^(.+)-node-\\\\p{Nd}+$"));
}

#[test]
fn bad_settings_are_usage_errors() {
    for args in [
        vec!["--lag", "2x"],
        vec!["--tz", "nowhere"],
        vec!["--as-of", "yesterday"],
    ] {
        sql(&[
            "--dialect",
            "duckdb",
            "--source",
            "huawei",
            "--table",
            "bill",
        ])
        .args(&args)
        .args(["--product", "x", "--cleaned-at", "2026-10-10 08:30"])
        .assert()
        .code(2);
    }
    // A register check would refuse is refused here too, naming its line.
    let out = sql(&[
        "--dialect",
        "duckdb",
        "--source",
        "huawei",
        "--table",
        "bill",
    ])
    .arg("--deleted")
    .arg(fixture("bad/register-bad-time.csv"))
    .assert()
    .code(2);
    assert!(stderr_of(&out).contains("register-bad-time.csv:3:2"));
}

/// An Alibaba billing-item file dated by `日期` and `账期` only: `check` reads it
/// (`wild::an_alibaba_billing_item_file_dates_each_line_by_its_day_in_tz`); the query refuses it, saying so (exit 2).
#[test]
fn a_billing_item_file_without_a_usage_window_is_refused_by_name() {
    let out = sql(&["--dialect", "duckdb", "--table", "bill"])
        .arg("--header-of")
        .arg(fixture("alibaba/billing-item-daily.csv"))
        .args(["--product", "dataworks", "--cleaned-at", "2024-03-10 08:30"])
        .assert()
        .code(2);
    let e = stderr_of(&out);
    assert!(e.contains("no usage window") && e.contains("check"), "{e}");
}
