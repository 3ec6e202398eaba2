//! Scale of the inputs (issue 11, item 18): a zip of many small members is read whole and
//! counted as the one file they were cut from. How fast and in how much memory is measured by
//! `scripts/bench-register` (BENCHMARKS.md), never asserted here.

use crate::synth;
use crate::util::{billrecon, stderr_of};
use serde_json::Value;
use std::io::Write;

/// What a report says per resource, whatever the inputs were called.
fn figures(report: &Value) -> Vec<String> {
    report["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {} {}",
                r["resource_id"],
                r["verdict"],
                r["lines"],
                r["lines_after_deletion"],
                r["amount_after_deletion"],
                r["tail_amount"]
            )
        })
        .collect()
}

fn run(register: &std::path::Path, input: &std::path::Path) -> Value {
    let out = billrecon()
        .arg("check")
        .arg("--deleted")
        .arg(register)
        .arg(input)
        .args(["-f", "json", "-q"])
        .assert()
        .code(1);
    assert_eq!(stderr_of(&out), "");
    serde_json::from_slice(&out.get_output().stdout).expect("one JSON document")
}

#[test]
fn a_zip_of_ten_thousand_members_counts_as_the_file_they_were_cut_from() {
    const MEMBERS: usize = 10_000;
    let (export, register) = synth::huawei(2 * MEMBERS as u64, 11);
    let text = String::from_utf8(export).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2 * MEMBERS);

    let dir = tempfile::tempdir().unwrap();
    let (whole, zipped, reg) = (
        dir.path().join("export.csv"),
        dir.path().join("daily.zip"),
        dir.path().join("register.csv"),
    );
    std::fs::write(&whole, &text).unwrap();
    std::fs::write(&reg, &register).unwrap();
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zipped).unwrap());
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (i, pair) in rows.chunks(2).enumerate() {
        zip.start_file(format!("part-{i:05}.csv"), stored).unwrap();
        writeln!(zip, "{header}\n{}\n{}", pair[0], pair[1]).unwrap();
    }
    zip.finish().unwrap();

    let one = run(&reg, &whole);
    let many = run(&reg, &zipped);
    // Every member is an input of its own, in archive order, none left out.
    let inputs = many["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), MEMBERS);
    let zip_name = zipped.display().to_string();
    for (i, input) in inputs.iter().enumerate() {
        assert_eq!(input["path"], format!("{zip_name}:part-{i:05}.csv"));
        assert_eq!(input["rows"], 2);
    }
    // The same resources, verdicts, lines and money as the file read whole.
    assert_eq!(figures(&many), figures(&one));
    assert_eq!(many["summary"], one["summary"]);
    assert!(one["summary"]["still_billing"].as_u64().unwrap() > 0);
}
