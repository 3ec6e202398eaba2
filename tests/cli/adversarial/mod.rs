//! Adversarial inputs, end to end: every bad input exits 2 with a message naming the file (and
//! `file:line:column` where there is one) and prints no report; `--skip-bad-rows` skips the bad
//! rows of an export, counts them in `inputs[].skipped_rows` and warns, but never skips a bad
//! file, a bad register row or a bad rules file. Also: `-o` never leaves a half report or a
//! temporary file, and report cells a spreadsheet would run are neutralized.
//!
//! Big and binary inputs are generated here, in a temporary directory, never committed.
//! (The bad inputs pinned by `tests/cli/bad_input.rs` are not repeated.)

use crate::util::billrecon;
use assert_cmd::assert::Assert;
use assert_cmd::Command;
use serde_json::Value;
use std::path::PathBuf;

/// A directory of its own for one test, removed at the end.
struct Dir(PathBuf);

impl Dir {
    fn new(test: &str) -> Dir {
        let p = std::env::temp_dir().join(format!("billrecon-adv-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }

    fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Names of the files in the directory, sorted.
    fn listing(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const HEADER: &str = "账期,产品类型编码,产品类型,计费模式,使用开始时间,使用结束时间,交易时间,账单类型,资源ID,资源名称,使用量,使用量单位,应付金额(¥)";

/// One Huawei line: ecs `id` named `name`, the hour starting at `hour`, costing `amount`.
fn line(id: &str, name: &str, hour: u32, amount: &str) -> String {
    format!(
        "2026-10,hws.service.type.ec2,弹性云服务器,按需,2026-10-10 {hour:02}:00:00,2026-10-10 {:02}:00:00,2026-10-10 {:02}:01:47,消费-使用,{id},{name},1,小时,{amount}",
        hour + 1,
        hour + 2
    )
}

/// A Huawei export: the header, then `rows`; a disk billed the next day gives the coverage a
/// stopped verdict needs.
fn huawei(rows: &[String]) -> String {
    let mut s = format!("{HEADER}\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s.push_str("2026-10,hws.service.type.ebs,云硬盘,按需,2026-10-11 23:00:00,2026-10-12 00:00:00,2026-10-12 02:03:09,消费-使用,evs-keep-01,data-disk-01,960,GB小时,0.67200000\n");
    s
}

/// Good lines of ecs-gone-01 (deleted 08:30): the tail hour 08:00-09:00 and earlier usage.
fn good_rows() -> Vec<String> {
    vec![
        line("ecs-gone-01", "batch-01", 7, "3.46000000"),
        line("ecs-gone-01", "batch-01", 8, "1.73000000"),
    ]
}

const REGISTER: &str = "resource_id,deleted_at\necs-gone-01,2026-10-10 08:30:00\n";

/// `billrecon check --deleted <dir>/register.csv EXPORT...`.
fn check(dir: &Dir, exports: &[&str]) -> Command {
    let reg = dir.file("register.csv", REGISTER);
    let mut cmd = billrecon();
    cmd.arg("check").arg("--deleted").arg(reg).args(exports);
    cmd
}

/// Exit 2, nothing on stdout, and exactly `message` after `billrecon: error: `.
fn fails_with(cmd: &mut Command, message: &str) -> Assert {
    cmd.assert()
        .code(2)
        .stdout("")
        .stderr(format!("billrecon: error: {message}\n"))
}

/// Exit 2, nothing on stdout, and an error that starts with `prefix`.
fn fails_starting(cmd: &mut Command, prefix: &str) -> String {
    let out = cmd.assert().code(2).stdout("");
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.starts_with(&format!("billrecon: error: {prefix}")),
        "stderr should start with `billrecon: error: {prefix}`:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Runs with `--skip-bad-rows -f json`: exit `code`, and returns the report and stderr.
fn skipping(cmd: &mut Command, code: i32) -> (Value, String) {
    let out = cmd
        .args(["--skip-bad-rows", "-f", "json"])
        .assert()
        .code(code);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let report = serde_json::from_slice(&out.get_output().stdout).expect("a JSON report");
    (report, stderr)
}

/// The one bad row of `export` (at `loc`, for `reason`) is skipped, counted and warned about;
/// the good rows still give ecs-gone-01 its verdict, and the run exits 3, never 0: the skipped
/// row may be the one that bills.
fn skipped_once(dir: &Dir, export: &str, loc: &str, reason: &str) {
    let (r, stderr) = skipping(&mut check(dir, &[export]), 3);
    assert_eq!(r["inputs"][0]["skipped_rows"], 1, "{stderr}");
    assert_eq!(
        stderr,
        format!(
            "billrecon: warning: skipped {loc}: {reason}\n\
             billrecon: warning: {export}: skipped 1 bad row (--skip-bad-rows)\n"
        )
    );
    assert_eq!(r["resources"][0]["resource_id"], "ecs-gone-01");
    assert_eq!(r["resources"][0]["verdict"], "stopped");
    assert_eq!(r["resources"][0]["tail_lines"], 1);
}

// ---------------------------------------------------------------------------------------------
// Exports

#[test]
fn an_unclosed_quote_at_the_end_of_an_export_names_its_line() {
    let dir = Dir::new("unclosed");
    let rows = good_rows();
    // The last record opens a quoted name that nothing closes: it runs to the end of the file.
    let mut text = huawei(&rows);
    text.push_str("2026-10,hws.service.type.ec2,弹性云服务器,按需,2026-10-10 09:00:00,2026-10-10 10:00:00,2026-10-10 11:01:47,消费-使用,ecs-gone-01,\"batch-01,1,小时,3.46\n");
    let export = dir.file("unclosed.csv", &text);
    let reason = "a quoted cell is not closed before the end of the file";
    fails_with(
        &mut check(&dir, &[&export]),
        &format!("{export}:5:10: {reason}"),
    );
    skipped_once(&dir, &export, &format!("{export}:5:10"), reason);
    // Nothing after the open quote was read as rows of its own.
    let (r, _) = skipping(&mut check(&dir, &[&export]), 3);
    assert_eq!(r["inputs"][0]["rows"], 3);
}

#[test]
fn a_row_with_more_fields_than_the_header_names_the_first_extra_column() {
    let dir = Dir::new("extra-field");
    let mut rows = good_rows();
    rows.insert(
        1,
        format!("{},extra", line("ecs-gone-01", "batch-01", 9, "3.46")),
    );
    let export = dir.file("extra.csv", huawei(&rows));
    let reason = "expected 13 fields as in the header, found 14";
    fails_with(
        &mut check(&dir, &[&export]),
        &format!("{export}:3:14: {reason}"),
    );
    skipped_once(&dir, &export, &format!("{export}:3:14"), reason);
}

#[test]
fn an_impossible_time_of_day_names_its_cell() {
    let dir = Dir::new("24-00-01");
    let mut rows = good_rows();
    rows.push(line("ecs-gone-01", "batch-01", 9, "3.46").replace(
        "2026-10-10 09:00:00,2026-10-10 10:00:00",
        "2026-10-10 24:00:01,2026-10-11 01:00:00",
    ));
    let export = dir.file("time.csv", huawei(&rows));
    let reason = "usage start: `2026-10-10 24:00:01` is not a valid time of day";
    fails_with(
        &mut check(&dir, &[&export]),
        &format!("{export}:4:5: {reason}"),
    );
    skipped_once(&dir, &export, &format!("{export}:4:5"), reason);
}

#[test]
fn an_impossible_date_in_a_usage_end_names_its_cell() {
    let dir = Dir::new("02-30");
    let mut rows = good_rows();
    rows.push(
        line("ecs-gone-01", "batch-01", 9, "3.46")
            .replace("2026-10-10 10:00:00", "2026-02-30 10:00:00"),
    );
    let export = dir.file("date.csv", huawei(&rows));
    let reason = "usage end: `2026-02-30 10:00:00` is not a valid date";
    fails_with(
        &mut check(&dir, &[&export]),
        &format!("{export}:4:6: {reason}"),
    );
    skipped_once(&dir, &export, &format!("{export}:4:6"), reason);
}

#[test]
fn an_amount_that_does_not_fit_a_decimal_is_an_error_not_a_rounded_number() {
    let dir = Dir::new("1e40");
    for (amount, reason) in [
        ("1e40", "amount: `1e40` does not fit an exact decimal"),
        (
            "123456789012345678901234567890",
            "amount: `123456789012345678901234567890` does not fit an exact decimal",
        ),
        ("3,46", "amount: `3,46` is not a number"),
        ("NaN", "amount: `NaN` is not a number"),
    ] {
        let mut rows = good_rows();
        // On a line of a resource nobody deleted: every row's amount is checked.
        rows.push(line("ecs-other-01", "other", 9, &format!("\"{amount}\"")));
        let export = dir.file("amount.csv", huawei(&rows));
        fails_with(
            &mut check(&dir, &[&export]),
            &format!("{export}:4:13: {reason}"),
        );
        let (r, stderr) = skipping(&mut check(&dir, &[&export]), 3);
        assert_eq!(r["inputs"][0]["skipped_rows"], 1, "{amount}: {stderr}");
        assert!(
            stderr.contains(&format!("skipped {export}:4:13: {reason}")),
            "{stderr}"
        );
    }
}

#[test]
fn values_too_large_to_add_up_are_errors_not_a_panic_or_a_saturated_sum() {
    // Two post-deletion lines whose usage quantities overflowed the sum: the run panicked (exit
    // 101); amounts that large saturated the sum to a wrong number.
    let dir = Dir::new("too-large");
    let big = "79228162514264337593543950335";
    let usage = |hour, q: &str| {
        line("ecs-gone-01", "batch-01", hour, "1").replace(",1,小时,", &format!(",{q},小时,"))
    };
    let mut rows = good_rows();
    rows.push(usage(9, big));
    rows.push(usage(10, big));
    let export = dir.file("usage.csv", huawei(&rows));
    let reason = format!(
        "usage quantity: `{big}` is too large to add up: at most 18 digits before the decimal point"
    );
    fails_with(
        &mut check(&dir, &[&export]),
        &format!("{export}:4:11: {reason}"),
    );
    // An amount that large on any line, selected or not; `inspect` agrees with `check`.
    let mut rows = good_rows();
    rows.push(line("ecs-other-01", "other", 9, "1000000000000000000.00"));
    let export = dir.file("amount.csv", huawei(&rows));
    let reason = "amount: `1000000000000000000.00` is too large to add up: at most 18 digits \
                  before the decimal point";
    fails_with(
        &mut check(&dir, &[&export]),
        &format!("{export}:4:13: {reason}"),
    );
    let out = billrecon().arg("inspect").arg(&export).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.contains(&format!("{export}:4:13: {reason}")),
        "{stderr}"
    );
    // Values just below the cap, eleven after the deletion: added up exactly.
    let max = "999999999999999999.99";
    let rows: Vec<String> = (0..20)
        .map(|h| line("ecs-gone-01", "b", h % 23, max))
        .collect();
    let export = dir.file("max.csv", huawei(&rows));
    let (r, _) = skipping(&mut check(&dir, &[&export]), 1);
    assert_eq!(r["inputs"][0]["skipped_rows"], 0);
    assert_eq!(
        r["resources"][0]["amount_after_deletion"]["CNY"],
        "10999999999999999999.89"
    );
}

/// Bytes that look like nothing: a fixed pseudo-random sequence, optionally without NULs.
fn garbage(len: usize, nul: bool) -> Vec<u8> {
    let mut x: u32 = 0x2545_f491;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let b = (x >> 24) as u8;
            if nul || b != 0 {
                b
            } else {
                1
            }
        })
        .collect()
}

#[test]
fn binary_garbage_is_not_an_export() {
    let dir = Dir::new("garbage");
    let with_nul = dir.file("garbage.bin", garbage(100_000, true));
    let stderr = fails_starting(&mut check(&dir, &[&with_nul]), &with_nul);
    assert!(
        stderr.contains("the file is not a CSV text export (binary data at byte"),
        "{stderr}"
    );
    // Without a NUL byte it is read as GB18030 text, and no row is a header.
    let no_nul = dir.file("garbage.txt", garbage(100_000, false));
    let stderr = fails_starting(&mut check(&dir, &[&no_nul]), &format!("{no_nul}:"));
    assert!(
        stderr.contains("no header row found") || stderr.contains("matches no known export"),
        "{stderr}"
    );
    // A valid header and more than the 64 KiB sniffed for the encoding, then garbage: a bad
    // row at its line.
    let mut rows = good_rows();
    rows.extend((0..600).map(|i| line(&format!("ecs-pad-{i}"), "pad", 1, "1")));
    let mut text = huawei(&rows).into_bytes();
    assert!(text.len() > 64 * 1024);
    text.extend(
        garbage(5000, false)
            .into_iter()
            .filter(|b| !b"\r\n\",".contains(b)),
    );
    let export = dir.file("garbage-rows.csv", &text);
    fails_with(
        &mut check(&dir, &[&export]),
        &format!("{export}:605:2: expected 13 fields as in the header, found 1"),
    );
    let (r, _) = skipping(&mut check(&dir, &[&export]), 3);
    assert_eq!(r["inputs"][0]["skipped_rows"], 1);
    assert_eq!(r["inputs"][0]["rows"], 603);
}

#[test]
fn lines_ended_by_a_carriage_return_alone_are_cited_at_their_own_line() {
    // Excel's "CSV (Macintosh)": every line ends in CR. Rows were all cited as line 1.
    let dir = Dir::new("cr-only");
    let mut rows = good_rows();
    rows.push(line("ecs-gone-01", "\"two\rlines\"", 9, "3.46"));
    rows.push(line("ecs-other-01", "other", 9, "x"));
    let export = dir.file("mac.csv", huawei(&rows).replace('\n', "\r"));
    fails_with(
        &mut check(&dir, &[&export]),
        &format!("{export}:6:13: amount: `x` is not a number"),
    );
    let (r, _) = skipping(&mut check(&dir, &[&export]), 1);
    assert_eq!(r["resources"][0]["sources"][0]["line"], 4);
    let reg = dir.file(
        "register-mac.csv",
        "resource_id,deleted_at\recs-gone-01,2026-10-10 08:30\recs-x,soon\r",
    );
    fails_starting(
        billrecon()
            .arg("check")
            .arg("--deleted")
            .arg(&reg)
            .arg(&export),
        &format!("{reg}:3:2: deleted_at: `soon` is not a time"),
    );
}

#[test]
fn a_one_megabyte_cell_in_a_valid_row_is_read() {
    let dir = Dir::new("1mb-cell");
    let name = "n".repeat(1 << 20);
    let mut rows = good_rows();
    rows.push(line("ecs-gone-01", &name, 9, "3.46"));
    let export = dir.file("big-cell.csv", huawei(&rows));
    let out = check(&dir, &[&export])
        .args(["-f", "json"])
        .assert()
        .code(1)
        .stderr("");
    let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(r["inputs"][0]["rows"], 4);
    assert_eq!(r["inputs"][0]["skipped_rows"], 0);
    let gone = &r["resources"][0];
    assert_eq!(gone["verdict"], "still_billing");
    assert_eq!(gone["lines_after_deletion"], 1);
    assert_eq!(gone["sources"][0]["line"], 4);
}

#[test]
fn a_record_past_16_mib_is_refused_at_its_line_and_a_file_without_newlines_too() {
    let dir = Dir::new("16mib");
    let mut rows = good_rows();
    rows.push(line("ecs-gone-01", &"n".repeat(17 << 20), 9, "3.46"));
    let export = dir.file("huge-cell.csv", huawei(&rows));
    let reason = "the record is longer than 16 MiB: is this a CSV export?";
    fails_with(
        &mut check(&dir, &[&export]),
        &format!("{export}:4: {reason}"),
    );
    // No row is skipped past the cap: the rest of the file cannot be trusted to be rows.
    fails_with(
        check(&dir, &[&export]).arg("--skip-bad-rows"),
        &format!("{export}:4: {reason}"),
    );
    let flat = dir.file("no-newline.csv", vec![b'x'; 17 << 20]);
    fails_with(&mut check(&dir, &[&flat]), &format!("{flat}:1: {reason}"));
}

#[test]
fn rows_too_wide_to_be_a_header_are_not_matched_against_every_alias() {
    let dir = Dir::new("wide-titles");
    // Twenty title rows of 100 000 cells: no header, said at once (matching every cell of every
    // row against the alias tables took a minute and a gigabyte at a million cells a row).
    let row = format!("{}a\n", "a,".repeat(100_000));
    let wide = dir.file("wide.csv", row.repeat(20));
    fails_starting(
        &mut check(&dir, &[&wide]),
        &format!("{wide}:1: no header row found"),
    );
    // A FOCUS header with thousands of `x_` columns is still a header.
    let extra: String = (0..3000).map(|i| format!(",x_{i}")).collect();
    let focus = dir.file(
        "wide-focus.csv",
        format!(
            "BilledCost,ChargePeriodEnd,ChargePeriodStart,ResourceId{extra}\n\
             1,2026-10-11T02:00:00Z,2026-10-11T01:00:00Z,ecs-gone-01{}\n",
            ",".repeat(3000)
        ),
    );
    check(&dir, &[&focus]).assert().code(1).stderr("");
}

#[test]
fn skip_bad_rows_never_skips_a_file_that_is_not_an_export() {
    let dir = Dir::new("skip-files");
    let empty = dir.file("empty.csv", "");
    let unknown = dir.file("unknown.csv", "name,amount,date\nx,1,2026-10-10\n");
    let binary = dir.file("binary.bin", garbage(1000, true));
    let missing = dir.path("missing.csv").to_str().unwrap().to_string();
    let good = dir.file("good.csv", huawei(&good_rows()));
    for bad in [&empty, &unknown, &binary, &missing] {
        let mut cmd = check(&dir, &[&good, bad]);
        fails_starting(cmd.arg("--skip-bad-rows"), bad);
    }
}

// ---------------------------------------------------------------------------------------------
// The deletion register

fn with_register(dir: &Dir, register: impl AsRef<[u8]>) -> (Command, String) {
    let export = dir.file("export.csv", huawei(&good_rows()));
    let reg = dir.file("deleted.csv", register);
    let mut cmd = billrecon();
    cmd.arg("check").arg("--deleted").arg(&reg).arg(export);
    (cmd, reg)
}

#[test]
fn a_register_that_cannot_be_read_is_an_error_naming_it_even_with_skip_bad_rows() {
    let dir = Dir::new("register");
    let cases: [(&[u8], &str); 7] = [
        (
            b"resource_id,deleted_at\necs-gone-01,2026-02-30 08:30\n",
            ":2:2: deleted_at: `2026-02-30 08:30` is not a valid date",
        ),
        (
            b"resource_id,deleted_at\necs-gone-01,2026-10-10 24:00:01\n",
            ":2:2: deleted_at: `2026-10-10 24:00:01` is not a valid time of day",
        ),
        (
            b"resource_id,deleted\xff_at\necs-gone-01,2026-10-10 08:30\n",
            ":1: the register has no `deleted_at` column",
        ),
        (
            b"resource_id,deleted_at,note\necs-gone-01,2026-10-10 08:30,\"never closed\necs-x,2026-10-10 08:30,\n",
            ":2:3: a quoted cell is not closed before the end of the file",
        ),
        (
            b"resource_id,deleted_at\necs-gone-01,2026-10-10 08:30,ModelArts\n",
            ":2:3: expected 2 fields as in the header, found 3",
        ),
        (b"", ": the file is empty: expected a header row"),
        (b"\x00\x01\x02garbage", ":1:1: the file is not a CSV text export"),
    ];
    for (register, message) in cases {
        for skip in [false, true] {
            let (mut cmd, reg) = with_register(&dir, register);
            if skip {
                cmd.arg("--skip-bad-rows");
            }
            fails_starting(&mut cmd, &format!("{reg}{message}"));
        }
    }
    let missing = dir.path("no-such-register.csv");
    let mut cmd = billrecon();
    cmd.arg("check")
        .arg("--deleted")
        .arg(&missing)
        .arg(dir.file("e.csv", huawei(&good_rows())));
    fails_starting(&mut cmd, missing.to_str().unwrap());
}

#[test]
fn a_register_row_cited_after_a_quoted_newline_is_cited_at_its_physical_line() {
    let dir = Dir::new("register-lines");
    let (mut cmd, reg) = with_register(
        &dir,
        "resource_id,deleted_at,note\n\necs-gone-01,2026-10-10 08:30,\"two\nlines\"\necs-x,soon,\n",
    );
    fails_starting(
        &mut cmd,
        &format!("{reg}:5:2: deleted_at: `soon` is not a time"),
    );
}

#[test]
fn a_register_of_many_rows_is_read_in_linear_time_and_repeats_are_still_found() {
    // Each row was looked up in a list of the rows before it: 50 000 rows took 8 s, a million
    // would take hours.
    let dir = Dir::new("register-big");
    let mut text = String::from("resource_id,deleted_at,product\n");
    for i in 0..100_000 {
        text.push_str(&format!("ecs-{i:06},2026-10-10 08:30,\n"));
    }
    // A repeat in another case, a product-level row twice in two cases, and an ID that is also
    // a product's name (not the same deletion).
    text.push_str("ECS-000007,2026-10-10 07:00,\n,2026-10-10 09:00,EVS\n,2026-10-10 08:00,evs\nevs,2026-10-10 08:00,\n");
    let (mut cmd, reg) = with_register(&dir, text);
    let out = cmd.args(["-q", "-f", "json"]).assert().code(3);
    let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(r["summary"]["deletions"], 100_000 + 2);
    let (mut cmd, _) = with_register(&dir, std::fs::read(&reg).unwrap());
    let out = cmd.args(["-f", "json"]).assert().code(3);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(
        stderr,
        format!(
            "billrecon: warning: {reg}: `ECS-000007` is listed twice (lines 9 and 100002); keeping the earliest deletion\n\
             billrecon: warning: {reg}: `evs` is listed twice (lines 100003 and 100004); keeping the earliest deletion\n"
        )
    );
}

#[test]
fn trailing_empty_cells_in_a_register_row_are_not_extra_fields() {
    let dir = Dir::new("register-trailing");
    let (mut cmd, _) = with_register(
        &dir,
        "resource_id,deleted_at\r\necs-gone-01,2026-10-10 08:30,,\r\n",
    );
    cmd.assert().code(0);
}

// ---------------------------------------------------------------------------------------------
// Rules files (a pattern without an `id` group: tests/cli/rules.rs)

#[test]
fn a_rules_file_that_does_not_parse_is_an_error_naming_file_line_and_column() {
    let dir = Dir::new("rules");
    let export = dir.file("e.csv", huawei(&good_rows()));
    let cases = [
        ("[[rule]\npattern = 'x'\n", ":1:", "not a valid rules file"),
        (
            "[[rule]]\nname = \"a\"\npattern = '(?P<id>'\n",
            ":3:11:",
            "rule `a`: the pattern does not compile",
        ),
        ("\u{0}\u{1}binary", ":1:", "not a valid rules file"),
    ];
    for (text, loc, msg) in cases {
        let rules = dir.file("rules.toml", text);
        let stderr = fails_starting(
            check(&dir, &[&export]).arg("--rules").arg(&rules),
            &format!("{rules}{loc}"),
        );
        assert!(stderr.contains(msg), "{stderr}");
        let stderr = fails_starting(
            billrecon()
                .args(["explain-id", "--rules"])
                .arg(&rules)
                .arg("x"),
            &format!("{rules}{loc}"),
        );
        assert!(stderr.contains(msg), "{stderr}");
    }
    let bytes = dir.file("latin1.toml", b"name = \"caf\xe9\"\n");
    fails_starting(check(&dir, &[&export]).arg("--rules").arg(&bytes), &bytes);
    let missing = dir.path("none.toml");
    fails_starting(
        check(&dir, &[&export]).arg("--rules").arg(&missing),
        missing.to_str().unwrap(),
    );
}

mod outputs;
