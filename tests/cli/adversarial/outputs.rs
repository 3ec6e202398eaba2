//! Adversarial outputs: `-o` never leaves a half report or a temporary file, never follows a
//! planted link, never replaces an input; report cells a spreadsheet would run are neutralized.

use super::*;

#[test]
fn a_failed_run_leaves_no_report_and_no_temporary_file() {
    let dir = Dir::new("output-fails");
    let mut rows = good_rows();
    rows.push(line("ecs-gone-01", "batch-01", 9, "x"));
    let export = dir.file("bad.csv", huawei(&rows));
    let before = dir.listing();
    check(&dir, &[&export])
        .args(["-f", "json", "-o"])
        .arg(dir.path("report.json"))
        .assert()
        .code(2)
        .stdout("");
    let mut after = dir.listing();
    after.retain(|f| f != "register.csv");
    let mut want = before.clone();
    want.retain(|f| f != "register.csv");
    assert_eq!(after, want, "no report.json and no .report.json.*.tmp");
}

#[test]
fn a_failed_run_leaves_an_earlier_report_untouched() {
    let dir = Dir::new("output-keeps");
    let good = dir.file("good.csv", huawei(&good_rows()));
    let report = dir.path("report.csv");
    check(&dir, &[&good])
        .args(["-f", "csv", "-o"])
        .arg(&report)
        .assert()
        .code(0);
    let earlier = std::fs::read(&report).unwrap();
    assert!(!earlier.is_empty());
    let bad = dir.file("bad.csv", format!("{HEADER}\n{}\n", line("a", "b", 1, "x")));
    check(&dir, &[&bad])
        .args(["-f", "csv", "-o"])
        .arg(&report)
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&report).unwrap(), earlier);
    assert_eq!(
        dir.listing(),
        ["bad.csv", "good.csv", "register.csv", "report.csv"]
    );
}

#[test]
fn a_report_that_cannot_be_put_in_place_leaves_no_temporary_file() {
    let dir = Dir::new("output-dir");
    let good = dir.file("good.csv", huawei(&good_rows()));
    // The target is a directory that is not empty: the rename fails after the report was
    // written to the temporary file.
    let target = dir.path("report.json");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep"), "x").unwrap();
    let out = check(&dir, &[&good])
        .args(["-f", "json", "-o"])
        .arg(&target)
        .assert()
        .code(2)
        .stdout("");
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.starts_with(&format!(
            "billrecon: error: cannot write the report to {}",
            target.display()
        )),
        "{stderr}"
    );
    assert_eq!(
        dir.listing(),
        ["good.csv", "register.csv", "report.json"],
        "no temporary file"
    );
    // A directory that does not exist fails before anything is read.
    let nowhere = dir.path("no/such/dir/report.json");
    fails_starting(
        check(&dir, &[&good]).arg("-o").arg(&nowhere),
        &format!("cannot write the report to {}", nowhere.display()),
    );
}

#[test]
fn a_report_to_a_symbolic_link_replaces_the_file_it_names_and_keeps_the_link() {
    let dir = Dir::new("output-link");
    let good = dir.file("good.csv", huawei(&good_rows()));
    std::fs::create_dir(dir.path("reports")).unwrap();
    let real = dir.file("reports/october.json", "old report");
    std::os::unix::fs::symlink("reports/october.json", dir.path("latest.json")).unwrap();
    check(&dir, &[&good])
        .args(["-f", "json", "-o"])
        .arg(dir.path("latest.json"))
        .assert()
        .code(0)
        .stdout("");
    let link = std::fs::symlink_metadata(dir.path("latest.json")).unwrap();
    assert!(link.file_type().is_symlink(), "the link is kept");
    let r: Value = serde_json::from_slice(&std::fs::read(&real).unwrap()).unwrap();
    assert_eq!(r["resources"][0]["verdict"], "stopped");
    assert_eq!(
        std::fs::read_dir(dir.path("reports")).unwrap().count(),
        1,
        "no temporary file"
    );
}

#[test]
fn a_report_to_a_pipe_or_device_is_written_to_it_not_renamed_over_it() {
    let dir = Dir::new("output-fifo");
    let good = dir.file("good.csv", huawei(&good_rows()));
    let fifo = dir.path("report.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("no mkfifo: skipped");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    check(&dir, &[&good])
        .args(["-f", "json", "-o"])
        .arg(&fifo)
        .assert()
        .code(0)
        .stdout("");
    use std::os::unix::fs::FileTypeExt;
    // Checked before waiting for the reader, which would wait for ever on a replaced FIFO.
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the FIFO was replaced by a file");
    let r: Value = serde_json::from_slice(&reader.join().unwrap()).unwrap();
    assert_eq!(r["resources"][0]["verdict"], "stopped");
    assert_eq!(dir.listing(), ["good.csv", "register.csv", "report.fifo"]);
    // (`-o /dev/stdout` takes the same path; it is not tested here because a regression would
    // replace the machine's device node when the tests run as root.)
}

#[test]
fn a_symbolic_link_loop_at_the_report_path_is_an_error_and_stays_a_link() {
    let dir = Dir::new("output-loop");
    let good = dir.file("good.csv", huawei(&good_rows()));
    std::os::unix::fs::symlink("b.json", dir.path("a.json")).unwrap();
    std::os::unix::fs::symlink("a.json", dir.path("b.json")).unwrap();
    let target = dir.path("a.json");
    fails_starting(
        check(&dir, &[&good])
            .args(["-f", "json", "-o"])
            .arg(&target),
        &format!("cannot write the report to {}", target.display()),
    );
    assert!(std::fs::symlink_metadata(&target)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        dir.listing(),
        ["a.json", "b.json", "good.csv", "register.csv"]
    );
}

#[test]
fn a_report_naming_one_of_the_inputs_is_refused_and_the_input_kept() {
    let dir = Dir::new("output-input");
    let text = huawei(&good_rows());
    let good = dir.file("good.csv", &text);
    // The export itself, the export through a link, and the register.
    std::os::unix::fs::symlink("good.csv", dir.path("alias.csv")).unwrap();
    for target in [
        dir.path("good.csv"),
        dir.path("alias.csv"),
        dir.path("register.csv"),
    ] {
        let stderr = fails_starting(
            check(&dir, &[&good])
                .args(["-f", "json", "-o"])
                .arg(&target),
            &format!("cannot write the report to {}", target.display()),
        );
        assert!(stderr.contains("it is the input"), "{stderr}");
        assert_eq!(std::fs::read_to_string(&good).unwrap(), text);
        assert_eq!(
            std::fs::read_to_string(dir.path("register.csv")).unwrap(),
            REGISTER
        );
    }
}

#[test]
fn a_report_to_a_dash_goes_to_stdout_and_makes_no_file() {
    let dir = Dir::new("output-dash");
    let good = dir.file("good.csv", huawei(&good_rows()));
    let out = check(&dir, &[&good])
        .current_dir(&dir.0)
        .args(["-f", "json", "-o", "-"])
        .assert()
        .code(0);
    let r: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(r["resources"][0]["verdict"], "stopped");
    assert_eq!(dir.listing(), ["good.csv", "register.csv"]);
}

/// Bill IDs and names a spreadsheet would run (as they are written inside a quoted CSV cell).
const FORMULAS: [&str; 6] = [
    "=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\tindent",
    "\r=1+1",
];

/// A product-level cleanup of everything billed under two products, so that bill IDs become
/// report rows; names, a FOCUS provider and currency, and a rule name all start like formulas.
fn formula_run(dir: &Dir, format: &str) -> String {
    let mut rows = good_rows();
    for (i, f) in FORMULAS.iter().enumerate() {
        rows.push(line(&format!("\"{f}\""), &format!("\"{f}{i}\""), 9, "1"));
    }
    let export = dir.file("formulas.csv", huawei(&rows));
    let focus = dir.file(
        "focus.csv",
        "BilledCost,BillingCurrency,ChargeCategory,ChargePeriodEnd,ChargePeriodStart,ProviderName,ResourceId,ResourceName,ServiceName\n\
         2.5,=cur(),Usage,2026-10-10T02:00:00Z,2026-10-10T01:00:00Z,=prov(),@res-1,-name,svc\n",
    );
    let reg = dir.file(
        "formulas-register.csv",
        "resource_id,deleted_at,product\n,2026-10-10 08:30,弹性云服务器\n,2026-10-10 08:30,svc\n",
    );
    let rules = dir.file(
        "formulas.toml",
        "[[rule]]\nname = \"=cmd()\"\nproduct = \"弹性云服务器\"\npattern = '^(?P<id>.+)$'\n",
    );
    let out = billrecon()
        .args(["check", "-f", format, "--rules"])
        .arg(rules)
        .arg("--deleted")
        .arg(&reg)
        .arg(&export)
        .arg(&focus)
        .assert()
        .code(1);
    String::from_utf8(out.get_output().stdout.clone()).unwrap()
}

fn runs_as_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err()
}

#[test]
fn csv_reports_neutralize_every_cell_a_spreadsheet_would_run() {
    let dir = Dir::new("formulas-csv");
    let csv = formula_run(&dir, "csv");
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    // ecs-gone-01, the six formula IDs, and the FOCUS resource.
    assert_eq!(rows.len(), 1 + FORMULAS.len() + 1, "{csv}");
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            assert!(
                !runs_as_formula(cell),
                "column {} holds a formula: {cell:?}",
                &headers[i]
            );
        }
    }
    let cells =
        |name: &str| -> Vec<String> { rows.iter().map(|r| r[col(name)].to_string()).collect() };
    for (i, f) in FORMULAS.iter().enumerate() {
        // Cells are read trimmed: `\tindent` is the name `indent`.
        let read = format!("{}{i}", f.replace("\"\"", "\""));
        let read = read.trim();
        let name = if runs_as_formula(read) {
            format!("'{read}")
        } else {
            read.to_string()
        };
        assert!(cells("resource_name").contains(&name), "{name:?}");
    }
    assert!(cells("resource_name").contains(&"'-name".to_string()));
    assert!(cells("resource_id").contains(&"'@res-1".to_string()));
    assert!(cells("provider").contains(&"'=prov()".to_string()));
    assert!(cells("currency").contains(&"'=CUR()".to_string()));
    assert!(cells("rules").contains(&"'=cmd()".to_string()));
}

#[test]
fn markdown_reports_neutralize_every_cell_a_spreadsheet_would_run() {
    let dir = Dir::new("formulas-md");
    let markdown = formula_run(&dir, "markdown");
    // The resources table (its first block), then the billing items of those still billing.
    let table: Vec<&str> = markdown
        .lines()
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(table.len(), 2 + 1 + FORMULAS.len() + 1, "{markdown}");
    let rows = markdown
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---"))
        .skip(1);
    for row in rows {
        for cell in row.trim_matches('|').split(" | ") {
            let cell = cell.trim();
            assert!(
                cell == "-" || !runs_as_formula(cell),
                "markdown cell holds a formula: {cell:?} in {row}"
            );
        }
    }
    assert!(markdown.contains("| '=hyperlink("), "{markdown}");
    assert!(markdown.contains("| '@res-1 (-name) |"), "{markdown}");
}
