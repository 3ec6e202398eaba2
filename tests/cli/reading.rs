//! Reading inputs safely (issue 11, items 6, 9, 13 and the smaller ones): nothing above a
//! header is dropped unless it is a title line, no byte is decoded into something else, a pipe
//! or FIFO is opened once and never hangs, and the odd shapes spreadsheets write (semicolons,
//! very wide headers, repeated column names, NUL bytes, impossible years) are read or refused
//! by name. Small inputs are fixtures (`fixtures/README.md`); big and binary ones are generated
//! in a temporary directory.

use crate::util::{billrecon, check, report, resource, stderr_of, verdicts};
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
fn an_inclusive_usage_end_at_the_last_second_of_9999_is_bad_input_naming_its_cell() {
    // `…23:59:59` ends the hour inclusively: the next second, in year 10000 (read at UTC).
    fails_with(
        check("register/gone.csv", &["bad/end-year-10000.csv"]).args(["--tz", "+00:00"]),
        "fixtures/bad/end-year-10000.csv:3:6: usage end: `9999-12-31 23:59:59` is out of range: \
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
    let out = cmd.args(["--skip-bad-rows", "-f", "json"]).assert().code(1);
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
fn rows_above_a_header_and_repeated_names_are_read_alike_in_pieces() {
    // The rows above the header and the header's warnings are found before a file is split:
    // a file read in pieces skipped and warned of nothing.
    for name in ["bad/data-above-header.csv", "huawei/repeated-column.csv"] {
        same_in_pieces(&std::fs::read(crate::util::fixture(name)).unwrap());
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

// ---------------------------------------------------------------------------------------------
// Pipes and FIFOs (item 13): opened once, read from the handle that was opened, never a hang.

#[cfg(unix)]
mod streams {
    use super::*;
    use std::time::Duration;

    /// Long enough for a debug build on a busy machine; a hang is killed and fails the test.
    const LIMIT: Duration = Duration::from_secs(60);

    /// A FIFO at `name` in `dir`, fed `bytes` by a writer thread once a reader opens it; `None`
    /// (with the reason printed) where `mkfifo` is missing.
    fn fifo(dir: &Dir, name: &str, bytes: Vec<u8>) -> Option<String> {
        let path = dir.path(name);
        match std::process::Command::new("mkfifo").arg(&path).status() {
            Ok(s) if s.success() => {}
            other => {
                eprintln!("skipped: mkfifo is not available ({other:?})");
                return None;
            }
        }
        let writer = path.clone();
        // The writer blocks in `open` until billrecon opens the FIFO for reading; a write
        // after the reader closed fails with EPIPE, which is the reader's bug, not this one's.
        std::thread::spawn(move || {
            use std::io::Write;
            if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(&writer) {
                let _ = f.write_all(&bytes);
            }
        });
        Some(path)
    }

    fn fixture_bytes(name: &str) -> Vec<u8> {
        std::fs::read(crate::util::fixture(name)).unwrap()
    }

    fn leak_amount(r: &serde_json::Value) -> &serde_json::Value {
        &resource(r, "ecs-leak-01")["amount_after_deletion"]["CNY"]
    }

    #[test]
    fn an_export_read_from_a_fifo_is_read_whole() {
        // The FIFO was opened to sniff four bytes, closed, and opened again: a hang for ever.
        let dir = Dir::new("fifo-export");
        let Some(export) = fifo(&dir, "export.csv", fixture_bytes("huawei/zh-basic.csv")) else {
            return;
        };
        let mut cmd = billrecon();
        cmd.timeout(LIMIT)
            .args(["check", "--deleted", "fixtures/register/leak.csv"])
            .arg(&export);
        let r = report(&mut cmd, 1);
        assert_eq!(leak_amount(&r), "6.92");
        assert_eq!(r["inputs"][0]["rows"], 9);
    }

    #[test]
    fn a_gzipped_export_read_from_a_fifo_is_read_whole() {
        let dir = Dir::new("fifo-gzip");
        let gz = fixture_bytes("wrappers/focus-1.2.csv.gz");
        let Some(export) = fifo(&dir, "export.csv.gz", gz) else {
            return;
        };
        let mut cmd = billrecon();
        cmd.timeout(LIMIT)
            .args(["check", "--deleted", "fixtures/focus/register.csv"])
            .arg(&export);
        let from_fifo = report(&mut cmd, 1);
        let from_file = report(
            &mut check("focus/register.csv", &["wrappers/focus-1.2.csv.gz"]),
            1,
        );
        assert_eq!(verdicts(&from_fifo), verdicts(&from_file));
        assert_eq!(from_fifo["summary"], from_file["summary"]);
        assert_eq!(
            from_fifo["inputs"][0]["rows"],
            from_file["inputs"][0]["rows"]
        );
    }

    #[test]
    fn a_register_read_from_a_fifo_is_read_whole() {
        let dir = Dir::new("fifo-register");
        let Some(register) = fifo(&dir, "register.csv", fixture_bytes("register/verdicts.csv"))
        else {
            return;
        };
        let mut cmd = billrecon();
        cmd.timeout(LIMIT)
            .args(["check", "--deleted"])
            .arg(&register)
            .arg("fixtures/huawei/zh-basic.csv");
        let r = report(&mut cmd, 1);
        assert_eq!(r["summary"]["deletions"], 4);
        assert_eq!(leak_amount(&r), "6.92");
    }

    #[test]
    fn dev_stdin_as_an_export_keeps_its_first_bytes() {
        // Opened three times, stdin lost its first 4 + 4 bytes: the header was cut.
        if !std::path::Path::new("/dev/stdin").exists() {
            eprintln!("skipped: no /dev/stdin");
            return;
        }
        let mut cmd = billrecon();
        cmd.timeout(LIMIT)
            .args([
                "check",
                "--deleted",
                "fixtures/register/leak.csv",
                "/dev/stdin",
            ])
            .write_stdin(fixture_bytes("huawei/zh-basic.csv"));
        let r = report(&mut cmd, 1);
        assert_eq!(leak_amount(&r), "6.92");
        // And as the register.
        let mut cmd = billrecon();
        cmd.timeout(LIMIT)
            .args([
                "check",
                "--deleted",
                "/dev/stdin",
                "fixtures/huawei/zh-basic.csv",
            ])
            .write_stdin(fixture_bytes("register/leak.csv"));
        let r = report(&mut cmd, 1);
        assert_eq!(leak_amount(&r), "6.92");
    }

    #[test]
    fn a_fifo_that_overlapping_exports_would_read_again_is_an_error_not_a_hang() {
        // The FIFO holds the same lines as the file before it, which counts them: the FIFO's
        // reading without them needs a second reading, which a pipe cannot give.
        let dir = Dir::new("fifo-overlap");
        let Some(export) = fifo(&dir, "copy.csv", fixture_bytes("huawei/zh-basic.csv")) else {
            return;
        };
        let mut cmd = check("register/leak.csv", &["huawei/zh-basic.csv"]);
        cmd.timeout(LIMIT).arg(&export);
        fails_with(
            &mut cmd,
            &format!(
                "{export}: a pipe or FIFO can be read only once, and this run reads it again \
                 (overlapping exports are read twice to count their shared lines once): save it \
                 to a file and pass that"
            ),
        );
        // Given first, it is the input that counts the shared lines: read once, no error.
        let dir = Dir::new("fifo-overlap-first");
        let Some(export) = fifo(&dir, "copy.csv", fixture_bytes("huawei/zh-basic.csv")) else {
            return;
        };
        let mut cmd = billrecon();
        cmd.timeout(LIMIT)
            .args(["check", "--deleted", "fixtures/register/leak.csv"])
            .arg(&export)
            .arg("fixtures/huawei/zh-basic.csv");
        let r = report(&mut cmd, 1);
        assert_eq!(leak_amount(&r), "6.92");
        // Every line of ecs-leak-01 is in both: the FIFO counts them, the file loses them.
        assert_eq!(r["inputs"][0]["duplicate_rows"], 0);
        assert_eq!(r["inputs"][1]["duplicate_rows"], 4);
    }

    #[test]
    fn a_zip_archive_from_a_fifo_is_an_error_saying_to_save_it() {
        let dir = Dir::new("fifo-zip");
        let Some(export) = fifo(&dir, "bundle.zip", fixture_bytes("wrappers/focus-1.2.zip")) else {
            return;
        };
        let mut cmd = check("focus/register.csv", &[]);
        cmd.timeout(LIMIT).arg(&export);
        fails_with(
            &mut cmd,
            &format!(
                "{export}: a zip archive is read by seeking in a file, and this is a pipe or \
                 FIFO: save it to a file and pass that"
            ),
        );
    }

    #[test]
    fn one_fifo_given_twice_is_an_error() {
        let dir = Dir::new("fifo-twice");
        let Some(export) = fifo(&dir, "export.csv", fixture_bytes("huawei/zh-basic.csv")) else {
            return;
        };
        let mut cmd = check("register/leak.csv", &[]);
        cmd.timeout(LIMIT).arg(&export).arg(&export);
        fails_with(
            &mut cmd,
            &format!("{export}: the same pipe or FIFO is given twice: it can be read only once"),
        );
    }

    #[test]
    fn inspect_reads_a_fifo() {
        let dir = Dir::new("fifo-inspect");
        let Some(export) = fifo(&dir, "export.csv", fixture_bytes("huawei/zh-basic.csv")) else {
            return;
        };
        let out = billrecon()
            .timeout(LIMIT)
            .args(["inspect", "--format", "json"])
            .arg(&export)
            .assert()
            .code(0);
        let r: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        assert_eq!(r["inputs"][0]["rows"], 9);
        assert_eq!(r["inputs"][0]["format"], "huawei");
    }
}

// ---------------------------------------------------------------------------------------------
// Encodings past the first 64 KiB (item 9) and NUL bytes: decoded right, or stopped where the
// bytes are; never replacement characters (an ID decoded into something else matches nothing,
// and its charges were missed: `stopped`, exit 0).

const EN_HEADER: &str = "Resource ID,Resource Name,Usage Start Time,Usage End Time,Amount Due\n";
const ZH_HEADER: &str = "资源ID,资源名称,使用开始时间,使用结束时间,应付金额(¥)\n";

/// One row: `id` named `name`, billed for the hour from `hour` on 2026-10-10.
fn row(id: &[u8], name: &[u8], hour: u32, amount: &str) -> Vec<u8> {
    let mut r = id.to_vec();
    r.push(b',');
    r.extend_from_slice(name);
    r.extend_from_slice(
        format!(
            ",2026-10-10 {hour:02}:00:00,2026-10-10 {:02}:00:00,{amount}\n",
            hour + 1
        )
        .as_bytes(),
    );
    r
}

/// `header`, then more than the 64 KiB the encoding is sniffed from of ASCII rows (one of them
/// ecs-gone-01's hour before its 08:30 deletion), then `tail`, then the disk that gives the
/// coverage. Returns the bytes and the line `tail` starts on.
fn past_64k(header: &[u8], tail: &[u8]) -> (Vec<u8>, u64) {
    let mut out = header.to_vec();
    out.extend(row(b"ecs-gone-01", b"batch", 7, "3.46"));
    for i in 0..1200 {
        out.extend(row(format!("pad-{i:04}").as_bytes(), b"pad", 7, "0.01"));
    }
    assert!(out.len() > 64 * 1024);
    let line = out.iter().filter(|b| **b == b'\n').count() as u64 + 1;
    out.extend_from_slice(tail);
    out.extend(b"evs-keep-01,disk,2026-10-11 00:00:00,2026-10-12 00:00:00,0.672\n".iter());
    (out, line)
}

fn gbk(s: &str) -> Vec<u8> {
    encoding_rs::GB18030.encode(s).0.into_owned()
}

/// The file read whole and in pieces of a few hundred bytes on two cores gives the same scan,
/// or the same error (the `pieces` fuzz check).
fn same_in_pieces(bytes: &[u8]) {
    for flags in [0u8, 1, 255] {
        let mut data = vec![flags];
        data.extend_from_slice(bytes);
        crate::fuzz_harness::pieces(&data);
    }
}

fn check_with(dir: &Dir, register: &str, export: &str) -> assert_cmd::Command {
    let mut cmd = billrecon();
    cmd.arg("check")
        .arg("--deleted")
        .arg(dir.file("register.csv", register))
        .arg(export);
    cmd
}

#[test]
fn gbk_text_past_64k_of_ascii_is_read_as_gb18030_even_where_a_cell_passes_for_utf8() {
    // `web-系统` in GBK is also valid UTF-8 (`web-ϵͳ`): decoded cell by cell, the ID matched
    // nothing and its charge was missed (not_in_bill, exit 3). The line it stands on is not
    // UTF-8 (`网站服务器`), so the whole file is GB18030.
    let dir = Dir::new("late-gbk");
    let (bytes, _) = past_64k(
        EN_HEADER.as_bytes(),
        &row(&gbk("web-系统"), &gbk("网站服务器"), 9, "3.46"),
    );
    let export = dir.file("late-gbk.csv", &bytes);
    let r = report(
        &mut check_with(
            &dir,
            "resource_id,deleted_at\nweb-系统,2026-10-10 08:30\n",
            &export,
        ),
        1,
    );
    let web = resource(&r, "web-系统");
    assert_eq!(web["verdict"], "still_billing");
    assert_eq!(web["resource_name"], "网站服务器");
    assert_eq!(web["amount_after_deletion"]["CNY"], "3.46");
    let out = billrecon()
        .args(["inspect", "--format", "json"])
        .arg(&export)
        .assert()
        .code(0);
    let i: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(i["inputs"][0]["reading"], "CSV, GB18030 (after ASCII)");
    same_in_pieces(&bytes);
}

#[test]
fn utf8_text_past_64k_of_ascii_stays_utf8() {
    let dir = Dir::new("late-utf8");
    let (bytes, _) = past_64k(
        EN_HEADER.as_bytes(),
        &row("web-系统".as_bytes(), "网站服务器".as_bytes(), 9, "3.46"),
    );
    let export = dir.file("late-utf8.csv", &bytes);
    let r = report(
        &mut check_with(
            &dir,
            "resource_id,deleted_at\nweb-系统,2026-10-10 08:30\n",
            &export,
        ),
        1,
    );
    assert_eq!(resource(&r, "web-系统")["resource_name"], "网站服务器");
    same_in_pieces(&bytes);
}

#[test]
fn bytes_neither_utf8_nor_gb18030_past_64k_of_ascii_stop_the_run_at_their_cell() {
    // A Latin-1 no-break space after the ID: it became U+FFFD, the 09:00 charge matched
    // nothing, and ecs-gone-01 was `stopped` (exit 0).
    let dir = Dir::new("late-bad");
    let (bytes, line) = past_64k(
        EN_HEADER.as_bytes(),
        &row(b"ecs-gone-01\xa0", b"batch", 9, "3.46"),
    );
    let export = dir.file("late-bad.csv", &bytes);
    let message = format!(
        "{export}:{line}:1: bytes that are neither UTF-8 nor GB18030 text (the file's first 64 \
         KiB are ASCII; its first line holding other bytes is not UTF-8, so it is read as \
         GB18030): save it as CSV UTF-8"
    );
    fails_with(
        &mut check_with(
            &dir,
            "resource_id,deleted_at\necs-gone-01,2026-10-10 08:30\n",
            &export,
        ),
        &message,
    );
    same_in_pieces(&bytes);
}

#[test]
fn bytes_that_are_not_utf8_in_a_utf8_file_past_64k_are_a_bad_cell() {
    let dir = Dir::new("utf8-bad");
    let mut tail = row(b"ecs-gone-01\xa0", b"batch", 9, "3.46");
    tail.extend(row(b"ecs-leak-01", b"web", 9, "3.46"));
    let (bytes, line) = past_64k(ZH_HEADER.as_bytes(), &tail);
    let export = dir.file("utf8-bad.csv", &bytes);
    let register =
        "resource_id,deleted_at\necs-gone-01,2026-10-10 08:30\necs-leak-01,2026-10-10 08:30\n";
    fails_with(
        &mut check_with(&dir, register, &export),
        &format!(
            "{export}:{line}:1: resource ID: `ecs-gone-01\u{fffd}` is not UTF-8 text, as the \
             file is read (byte 0xA0 at 12): another encoding, or a damaged file; save it as \
             CSV UTF-8"
        ),
    );
    // With --skip-bad-rows the row is skipped, counted and named.
    let out = check_with(&dir, register, &export)
        .args(["--skip-bad-rows", "-f", "json"])
        .assert()
        .code(1);
    let r: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(r["inputs"][0]["skipped_rows"], 1);
    assert!(stderr_of(&out).contains(&format!("skipped {export}:{line}:1: resource ID")));
    same_in_pieces(&bytes);
}

#[test]
fn bytes_that_are_not_gb18030_in_a_gb18030_file_are_a_bad_cell() {
    let dir = Dir::new("gb-bad");
    let mut bytes = gbk(ZH_HEADER);
    bytes.extend(row(b"ecs-gone-01", &gbk("批处理"), 7, "3.46"));
    bytes.extend(row(b"ecs-gone-01\xff", &gbk("批处理"), 9, "3.46"));
    let export = dir.file("gb-bad.csv", &bytes);
    fails_with(
        &mut check_with(
            &dir,
            "resource_id,deleted_at\necs-gone-01,2026-10-10 08:30\n",
            &export,
        ),
        &format!(
            "{export}:3:1: resource ID: `ecs-gone-01\u{fffd}` is not GB18030 text, as the file \
             is read (its first 64 KiB are not UTF-8): save it as CSV UTF-8"
        ),
    );
}

#[test]
fn a_nul_byte_is_cited_by_line_and_column() {
    let dir = Dir::new("nul");
    // In the opening bytes: the file is no text export, said where the byte is.
    let mut small = ZH_HEADER.as_bytes().to_vec();
    small.extend(row(b"ecs-gone-01", b"batch", 7, "3.46"));
    small.extend(row(b"ecs-gone-01", b"bat\x00ch", 9, "3.46"));
    let export = dir.file("nul-head.csv", &small);
    let at = small.iter().position(|b| *b == 0).unwrap() + 1;
    fails_with(
        &mut check_with(
            &dir,
            "resource_id,deleted_at\necs-gone-01,2026-10-10 08:30\n",
            &export,
        ),
        &format!(
            "{export}:3:2: the file is not a CSV text export (binary data at byte {at}: a NUL \
             byte)"
        ),
    );
    // Past them, in an ID: it matched nothing, and the charge was missed.
    let (bytes, line) = past_64k(
        ZH_HEADER.as_bytes(),
        &row(b"ecs-gone-01\x00", b"batch", 9, "3.46"),
    );
    let export = dir.file("nul-cell.csv", &bytes);
    fails_with(
        &mut check_with(
            &dir,
            "resource_id,deleted_at\necs-gone-01,2026-10-10 08:30\n",
            &export,
        ),
        &format!(
            "{export}:{line}:1: resource ID: a NUL byte at character 12 of the cell: is this a \
             CSV text export?"
        ),
    );
    same_in_pieces(&bytes);
}
