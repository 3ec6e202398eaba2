//! The four report formats (whole-run snapshots), spreadsheet safety, and `-o`.

use crate::util::{billrecon, check};

/// The one small run every format snapshot shows: each verdict once.
fn snapshot_run(format: &str) -> String {
    let out = check("register/verdicts.csv", &["huawei/zh-basic.csv"])
        .args(["-f", format])
        .assert()
        .code(1)
        .stderr("");
    String::from_utf8(out.get_output().stdout.clone()).expect("UTF-8 report")
}

#[test]
fn table_report_snapshot() {
    insta::assert_snapshot!(snapshot_run("table"));
}

#[test]
fn json_report_snapshot() {
    insta::assert_snapshot!(snapshot_run("json"));
}

#[test]
fn csv_report_snapshot() {
    insta::assert_snapshot!(snapshot_run("csv"));
}

#[test]
fn markdown_report_snapshot() {
    insta::assert_snapshot!(snapshot_run("markdown"));
}

#[test]
fn csv_report_neutralizes_a_resource_name_a_spreadsheet_would_run() {
    let out = check("register/leak.csv", &["huawei/formula-name.csv"])
        .args(["-f", "csv"])
        .assert()
        .code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    assert_eq!(
        &rows[0][col("resource_name")],
        "'=HYPERLINK(\"http://evil.example\",\"x\")"
    );
    assert_eq!(&rows[0][col("verdict")], "still_billing");
    assert_eq!(&rows[0][col("amount_after_deletion")], "3.46");
}

/// A path in the system's temporary directory, unique to this test run, removed first.
fn temp_path(name: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("billrecon-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p
}

#[test]
fn output_file_receives_the_report_and_stdout_stays_empty() {
    let path = temp_path("report.json");
    check("register/gone.csv", &["huawei/zh-basic.csv"])
        .args(["-f", "json", "-o"])
        .arg(&path)
        .assert()
        .code(0)
        .stdout("");
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("report written")).unwrap();
    assert_eq!(r["resources"][0]["verdict"], "stopped");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_failed_run_leaves_no_report_file_behind() {
    let path = temp_path("failed.json");
    billrecon()
        .arg("check")
        .arg("--deleted")
        .arg(crate::util::fixture("register/gone.csv"))
        .arg(crate::util::fixture("bad/bad-amount.csv"))
        .arg("-o")
        .arg(&path)
        .assert()
        .code(2)
        .stdout("");
    assert!(!path.exists(), "{} exists", path.display());
}
