//! The third-party exports of `../shared/realdata/` (see its `PROVENANCE.md`; none of them is
//! copied into the repository), read as a new user would: each test skips with a printed reason
//! when the folder is absent (a user's fresh clone) and fails instead when
//! `BILLRECON_REQUIRE_REALDATA=1` (as `.ci/run` sets it). Registers are written here; the
//! verdicts and amounts each test expects are worked out by hand from the lines cited. The
//! corpus helpers here serve `realdata_native` too.

use crate::util::{billrecon, report, resource, source_lines, verdicts};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};

const CORPUS: &str = "../shared/realdata";

/// Whether the corpus is there; panics when it is required and absent.
pub(crate) fn corpus_present() -> bool {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
    if dir.is_dir() {
        return true;
    }
    assert!(
        std::env::var("BILLRECON_REQUIRE_REALDATA").as_deref() != Ok("1"),
        "BILLRECON_REQUIRE_REALDATA=1 but {} is missing",
        dir.display()
    );
    println!("skipped: {CORPUS} is absent (the real-data corpus sits beside the clone in CI only)");
    false
}

/// `../shared/realdata/<rel>` as the binary (run from the crate root) is given it.
pub(crate) fn realdata(rel: &str) -> Option<PathBuf> {
    if !corpus_present() {
        return None;
    }
    let path = Path::new(CORPUS).join(rel);
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(&path).is_file(),
        "the corpus lacks {rel}"
    );
    Some(path)
}

/// A register file holding `text`, removed when dropped.
pub(crate) fn register(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new()
        .prefix("billrecon-register-")
        .suffix(".csv")
        .tempfile()
        .expect("temporary register");
    f.write_all(text.as_bytes()).expect("register written");
    f
}

const SAMPLE: &str = "focus-sample-data-official/focus_sample.csv";

#[test]
fn the_official_focus_sample_is_focus_1_0_with_utc_times_and_daily_azure_coverage() {
    let Some(sample) = realdata(SAMPLE) else {
        return;
    };
    let out = billrecon()
        .args(["inspect", "-f", "json"])
        .arg(&sample)
        .assert()
        .code(0);
    let i: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let input = &i["inputs"][0];
    assert_eq!(input["format"], "focus");
    // All 43 FOCUS 1.0 columns (plus its own `Id`), none of 1.1's.
    assert_eq!(input["version"], "1.0");
    assert_eq!(input["rows"], 1000);
    assert_eq!(input["currency"], "USD");
    // Naive times (`2024-09-01 00:00:00`) are UTC, whatever --tz says.
    assert_eq!(input["first_usage"], "2024-09-01T00:00:00Z");
    assert_eq!(input["last_usage"], "2024-10-01T00:00:00Z");
    // AWS: last hourly usage ends 2024-09-30 24:00, less 2h. Oracle: its last usage line (not
    // its two Adjustments) ends 09-30 23:00, less 2h. Microsoft writes daily lines: the last, of
    // 09-19, may still grow, so it counts from its start, 09-19 00:00.
    assert_eq!(
        input["coverage"],
        json!([
            {"provider": "aws", "complete_through": "2024-09-30T22:00:00Z"},
            {"provider": "oracle", "complete_through": "2024-09-30T21:00:00Z"},
            {"provider": "azure", "complete_through": "2024-09-19T00:00:00Z"},
        ])
    );
    assert_eq!(i["warnings"], json!([]));
}

#[test]
fn the_official_focus_sample_checks_to_hand_worked_verdicts() {
    let Some(sample) = realdata(SAMPLE) else {
        return;
    };
    // Worked out by hand from the lines cited (times as written, UTC):
    // - i-037929a54982e113l, deleted 09-10 00:00: line 34 (09-05, free GB) is earlier; lines 165
    //   (09-11 13:00, 1 Hours, 0.0116) and 752 (09-21 10:00, 0.0000998517 GB, 0.0000089867) bill
    //   after it: still_billing USD 0.0116089867, in two units (no usage sum).
    // - vpn-0labe86fl80058b25, deleted 09-10 00:00: lines 55, 635, 702 after it cost 0 with
    //   0.0000046035 + 0.0000002347 + 0.0000000782 = 0.0000049164 GB: still_billing, billed at
    //   no charge (no deduction column says why: free data transfer).
    // - NULL: the 75 lines whose ResourceId is NULL mention no resource: not_in_bill.
    // - abcd678 (an Azure storage account, pasted in upper case), deleted 09-18 12:00: its lines
    //   are of 09-02, 09-10, 09-12, all before; Azure is complete through 09-19 00:00 only (its
    //   last daily line), short of 09-19 12:00: pending. (Trusting that daily line's end, 22:00
    //   after a 2h lag, would have said stopped.)
    // - zmltestplayground (Azure ML workspace), deleted 09-17 00:00: only line 956 (09-19, -0.01288992)
    //   is after it, a refund; line 975 (09-16 00:00-09-17 00:00) ends at the deletion: earlier.
    //   Complete through 09-19 00:00 >= 09-18 00:00: stopped, refunds USD -0.01288992.
    // - An Oracle instance deleted 09-03 23:30: line 943 (23:00-24:00, 0.012) is its tail;
    //   Oracle is complete through 09-30 21:00: stopped with tail USD 0.012.
    let reg = register(
        "resource_id,deleted_at\n\
         i-037929a54982e113l,2024-09-10T00:00:00Z\n\
         vpn-0labe86fl80058b25,2024-09-10T00:00:00Z\n\
         NULL,2024-09-10T00:00:00Z\n\
         /SUBSCRIPTIONS/64E355D7-997C-491D-B0C1-8414DCCFCF42/RESOURCEGROUPS/AWSCONNECTORS/PROVIDERS/MICROSOFT.STORAGE/STORAGEACCOUNTS/ABCD678,2024-09-18T12:00:00Z\n\
         /subscriptions/64e355d7-997c-491d-b0c1-8414dccfcf42/resourcegroups/devtestlab/providers/microsoft.machinelearningservices/workspaces/zmltestplayground,2024-09-17T00:00:00Z\n\
         ocid6.instance.oc6.us-sanjose-6.anzwuljr9foqhxicegc7x9hjq6fjvgo7peaumfjitkhfa8p2iq6bbl71dgcq,2024-09-03T23:30:00Z\n",
    );
    let run = |tz: &str| {
        let mut cmd = billrecon();
        cmd.args(["check", "--tz", tz, "--deleted"])
            .arg(reg.path())
            .arg(&sample);
        report(&mut cmd, 1)
    };
    let r = run("+08:00");
    let ids: Vec<(String, String)> = verdicts(&r)
        .into_iter()
        .map(|(id, v)| (id.chars().take(24).collect(), v))
        .collect();
    let want: Vec<(String, String)> = [
        ("i-037929a54982e113l", "still_billing"),
        ("vpn-0labe86fl80058b25", "still_billing"),
        ("/SUBSCRIPTIONS/64E355D7-", "pending"),
        ("NULL", "not_in_bill"),
        ("/subscriptions/64e355d7-", "stopped"),
        ("ocid6.instance.oc6.us-sa", "stopped"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(ids, want);

    let i = resource(&r, "i-037929a54982e113l");
    assert_eq!(i["amount_after_deletion"], json!({"USD": "0.0116089867"}));
    assert_eq!(source_lines(i), [165, 752]);
    assert_eq!(i["usage_after_deletion"], Value::Null);
    assert_eq!(
        i["usage_after_deletion_by_unit"],
        json!({"GB": "0.0000998517", "Hours": "1"})
    );
    assert_eq!(
        i["items"],
        json!([
            {"product": "Amazon Elastic Compute Cloud",
             "billing_item": "$0.0116 per On Demand Linux t2.micro Instance Hour",
             "billing_mode": "Usage-Based", "lines": 1, "amount": {"USD": "0.0116"}},
            {"product": "Amazon Elastic Compute Cloud",
             "billing_item": "$0.090 per GB - first 10 TB / month data transfer out beyond the global free tier",
             "billing_mode": "Usage-Based", "lines": 1, "amount": {"USD": "0.0000089867"}},
        ])
    );
    // Names written NULL are no names.
    assert_eq!(i["resource_name"], "");

    let vpn = resource(&r, "vpn-0labe86fl80058b25");
    assert_eq!(source_lines(vpn), [55, 635, 702]);
    assert_eq!(vpn["no_charge_lines"], 3);
    assert_eq!(vpn["usage_after_deletion"], "0.0000049164");
    assert_eq!(vpn["deducted_after_deletion"], json!([]));

    assert_eq!(resource(&r, "NULL")["lines"], 0);
    let zml = &r["resources"][4];
    assert_eq!(zml["refunds_after_deletion"], json!({"USD": "-0.01288992"}));
    let oracle = &r["resources"][5];
    assert_eq!(oracle["tail_amount"], json!({"USD": "0.012"}));
    assert_eq!(
        r["summary"]["amount_after_deletion"],
        json!({"USD": "0.0116089867"})
    );

    // FOCUS times are UTC: another --tz changes nothing but the setting.
    let mut other = run("-05:00");
    other["settings"]["tz"] = r["settings"]["tz"].clone();
    assert_eq!(other, r);
}

/// Every export `inspect` reads, `check` reads the same way (the same rows, or the same first
/// error), fixture or real file: the two commands share one path through every row.
#[test]
fn inspect_and_check_agree_on_every_fixture_and_real_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = Vec::new();
    let mut dirs = vec![root.join("fixtures")];
    if corpus_present() {
        dirs.push(root.join(CORPUS));
    }
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("csv" | "gz" | "zip" | "parquet" | "txt")
            ) {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() > 60, "{} files", files.len());
    let first_error = |stderr: &[u8]| {
        String::from_utf8_lossy(stderr)
            .lines()
            .find(|l| l.starts_with("billrecon: error:"))
            .map(str::to_string)
    };
    for f in &files {
        let i = billrecon()
            .args(["inspect", "-f", "json"])
            .arg(f)
            .output()
            .unwrap();
        // A cleanup of a product no export bills: every row is read, none matches.
        let c = billrecon()
            .args(["check", "-f", "json", "--product", "no-such-product-x"])
            .args(["--cleaned-at", "2000-01-01T00:00:00Z"])
            .arg(f)
            .output()
            .unwrap();
        match i.status.code() {
            Some(0) => {
                assert_eq!(
                    c.status.code(),
                    Some(3),
                    "{}: {}",
                    f.display(),
                    String::from_utf8_lossy(&c.stderr)
                );
                let i: Value = serde_json::from_slice(&i.stdout).unwrap();
                let c: Value = serde_json::from_slice(&c.stdout).unwrap();
                let inputs = i["inputs"].as_array().unwrap();
                let rows: u64 = inputs.iter().map(|x| x["rows"].as_u64().unwrap()).sum();
                let checked: u64 = c["inputs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x["rows"].as_u64().unwrap())
                    .sum();
                assert_eq!(rows, checked, "{}", f.display());
            }
            Some(2) => {
                assert_eq!(c.status.code(), Some(2), "{}", f.display());
                assert_eq!(
                    first_error(&i.stderr),
                    first_error(&c.stderr),
                    "{}",
                    f.display()
                );
            }
            other => panic!("{}: inspect exited {other:?}", f.display()),
        }
    }
}
