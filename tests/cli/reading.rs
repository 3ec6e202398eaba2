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
