//! Reading inputs safely (issue 11, items 6, 9, 13 and the smaller ones): nothing above a
//! header is dropped unless it is a title line, no byte is decoded into something else, a pipe
//! or FIFO is opened once and never hangs, and the odd shapes spreadsheets write (semicolons,
//! very wide headers, repeated column names, NUL bytes, impossible years) are read or refused
//! by name. Small inputs are fixtures (`fixtures/README.md`); big and binary ones are generated
//! in a temporary directory.

use crate::util::{billrecon, check, report, resource, stderr_of};
use assert_cmd::assert::Assert;
use std::path::PathBuf;

/// A directory of its own for one test, removed at the end.
struct Dir(PathBuf);

impl Dir {
    fn new(test: &str) -> Dir {
        let p = std::env::temp_dir().join(format!("billrecon-read-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }

    fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_string()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Exit 2, nothing on stdout, and exactly `message` after `billrecon: error: `.
fn fails_with(cmd: &mut assert_cmd::Command, message: &str) -> Assert {
    cmd.assert()
        .code(2)
        .stdout("")
        .stderr(format!("billrecon: error: {message}\n"))
}

// ---------------------------------------------------------------------------------------------
// Years

#[test]
fn a_year_0000_in_an_export_is_bad_input_naming_its_cell() {
    // Read as the year 0, the line was usage two thousand years before the deletion: exit 0.
    fails_with(
        &mut check("register/gone.csv", &["bad/year-zero.csv"]),
        "fixtures/bad/year-zero.csv:3:5: usage start: `0000-10-10 08:00:00` is out of range: \
         years run from 0001 to 9999 (in UTC too)",
    );
}

#[test]
fn a_deletion_time_past_9999_in_utc_is_bad_input_naming_its_row() {
    // 23:00 at -05:00 on the last day of 9999 is year 10000 in UTC, which no report can print
    // as RFC 3339 (nor read back as a baseline); it was pending for ever (exit 3).
    fails_with(
        &mut check("bad/register-year-10000.csv", &["huawei/zh-basic.csv"]),
        "fixtures/bad/register-year-10000.csv:2:2: deleted_at: `9999-12-31 23:00:00 -05:00` is \
         out of range: years run from 0001 to 9999 (in UTC too)",
    );
}

// ---------------------------------------------------------------------------------------------
// Registers as spreadsheets save them

#[test]
fn a_semicolon_separated_register_is_read() {
    // European Excel saves "CSV" with `;`: the whole header was one column, and the register
    // was refused for lacking `deleted_at`. A comma inside the note stays in the note.
    let r = report(
        &mut check("register/semicolon.csv", &["huawei/zh-basic.csv"]),
        1,
    );
    assert_eq!(resource(&r, "ecs-leak-01")["verdict"], "still_billing");
    assert_eq!(resource(&r, "ecs-gone-01")["verdict"], "stopped");
    assert_eq!(r["summary"]["deletions"], 2);
}

#[test]
fn a_tab_separated_register_is_read() {
    let r = report(&mut check("register/tab.csv", &["huawei/zh-basic.csv"]), 1);
    assert_eq!(resource(&r, "ecs-leak-01")["verdict"], "still_billing");
    assert_eq!(resource(&r, "ecs-gone-01")["verdict"], "stopped");
}

// ---------------------------------------------------------------------------------------------
// What stands above the header (item 6)

#[test]
fn rows_of_data_above_a_header_are_an_error_not_title_lines() {
    // `cat old.csv new.csv`, the old header unknown: its two charges of ecs-leak-01 were
    // dropped as "title lines", and the report said CNY 3.46 instead of 10.38.
    fails_with(
        &mut check("register/leak.csv", &["bad/data-above-header.csv"]),
        "fixtures/bad/data-above-header.csv:2: a row of data above the header row (line 4): \
         4 cells, 4 filled, with numbers and times, where a title line holds at most two; two \
         exports whose headers differ, joined? Give each file on its own (or skip such rows \
         with --skip-bad-rows)",
    );
}

#[test]
fn with_skip_bad_rows_rows_of_data_above_a_header_are_skipped_counted_and_warned() {
    let mut cmd = check("register/leak.csv", &["bad/data-above-header.csv"]);
    let out = cmd
        .args(["--skip-bad-rows", "-f", "json"])
        .assert()
        .code(1);
    let r: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(r["inputs"][0]["skipped_rows"], 2);
    assert_eq!(r["inputs"][0]["rows"], 3);
    assert_eq!(resource(&r, "ecs-leak-01")["lines_after_deletion"], 1);
    let stderr = stderr_of(&out);
    for line in [2, 3] {
        assert!(
            stderr.contains(&format!(
                "skipped fixtures/bad/data-above-header.csv:{line}: a row of data above the \
                 header row (line 4)"
            )),
            "{stderr}"
        );
    }
}

#[test]
fn short_title_lines_above_a_header_are_still_titles_even_with_a_time() {
    let r = report(
        &mut check("register/leak.csv", &["huawei/title-with-time.csv"]),
        1,
    );
    assert_eq!(r["inputs"][0]["skipped_rows"], 0);
    assert_eq!(r["inputs"][0]["rows"], 3);
    let leak = resource(&r, "ecs-leak-01");
    assert_eq!(leak["lines_after_deletion"], 1);
    assert_eq!(leak["sources"][0]["line"], 5);
}

// ---------------------------------------------------------------------------------------------
// Headers

#[test]
fn a_header_wider_than_4096_columns_says_so() {
    let dir = Dir::new("wide-header");
    let extra: String = (0..5000).map(|i| format!(",extra_{i}")).collect();
    let export = dir.file(
        "wide.csv",
        format!(
            "资源ID,交易时间,应付金额(¥){extra}\necs-leak-01,2026-10-10 11:01:47,3.46{}\n",
            ",".repeat(5000)
        ),
    );
    fails_with(
        billrecon()
            .arg("check")
            .arg("--deleted")
            .arg("fixtures/register/leak.csv")
            .arg(&export),
        &format!(
            "{export}:1: no header row found: line 1 has 5003 columns, more than the 4096 a \
             header row may have"
        ),
    );
}

#[test]
fn a_column_name_given_twice_is_a_warning_naming_both_columns() {
    let out = check("register/leak.csv", &["huawei/repeated-column.csv"])
        .assert()
        .code(1);
    assert_eq!(
        stderr_of(&out),
        "billrecon: warning: fixtures/huawei/repeated-column.csv:1: columns 1 and 4 are both \
         named `资源ID`; column 1 is read as the resource ID, column 4 is ignored\n"
    );
    // `inspect` says so too.
    let out = billrecon()
        .args(["inspect", "fixtures/huawei/repeated-column.csv"])
        .assert()
        .code(0);
    assert!(stderr_of(&out).contains("columns 1 and 4 are both named `资源ID`"));
}
