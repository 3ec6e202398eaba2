//! `--baseline` and `--fail-on new`: three daily exports of one account (`fixtures/baseline/`,
//! each day's file holding the days before it), compared run after run.

use crate::util::{billrecon, fixture, report, stderr_of};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A directory of its own for one test, removed at the end.
struct Dir(PathBuf);

impl Dir {
    fn new(test: &str) -> Dir {
        let p = std::env::temp_dir().join(format!("billrecon-base-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `check --deleted baseline/<register> baseline/<day>.csv -f json`, optionally against a
/// baseline, writing the report to `out`.
fn day(register: &str, export: &str, baseline: Option<&Path>, out: &Path, code: i32) -> Value {
    let mut cmd = billrecon();
    cmd.arg("check")
        .arg("--deleted")
        .arg(fixture(&format!("baseline/{register}")))
        .arg(fixture(&format!("baseline/{export}")))
        .args(["-f", "json", "-o"])
        .arg(out);
    if let Some(b) = baseline {
        cmd.arg("--baseline").arg(b);
    }
    cmd.assert().code(code).stdout("");
    serde_json::from_slice(&std::fs::read(out).unwrap()).unwrap()
}

/// `(resource_id, change)` of every resource, in report order.
fn changes(report: &Value) -> Vec<(String, String)> {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["resource_id"].as_str().unwrap().to_string(),
                r["change"].as_str().unwrap_or("(none)").to_string(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn each_kind_of_change_is_marked_counted_and_the_gone_entry_listed() {
    let dir = Dir::new("kinds");
    let d1 = dir.0.join("day1.json");
    let r1 = day("register-day1.csv", "day1.csv", None, &d1, 1);
    assert!(
        r1["resources"][0].get("change").is_none(),
        "no change without a baseline"
    );
    assert!(r1.get("gone").is_none());
    let r2 = day(
        "register-day2.csv",
        "day2.csv",
        Some(&d1),
        &dir.0.join("day2.json"),
        1,
    );
    // leak-a bills again; back-f was stopped and bills again; late-c was pending and bills;
    // leak-b's one charge is the same; late-d was pending and is stopped; add-g is new to the
    // register; quiet-e is stopped both days; old-h left the register.
    assert_eq!(
        changes(&r2),
        pairs(&[
            ("leak-a", "continuing"),
            ("back-f", "new"),
            ("late-c", "settled"),
            ("leak-b", "unchanged"),
            ("add-g", "added"),
            ("late-d", "resolved"),
            ("quiet-e", "unchanged"),
        ])
    );
    assert_eq!(
        r2["summary"]["changes"],
        serde_json::json!({"new": 1, "continuing": 1, "unchanged": 2, "resolved": 1,
                           "settled": 1, "added": 1, "gone": 1})
    );
    assert_eq!(
        r2["gone"],
        serde_json::json!([{"resource_id": "old-h", "product": "弹性云服务器",
                            "provider": "huawei", "verdict": "stopped"}])
    );
    let late_d = r2["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource_id"] == "late-d")
        .unwrap();
    assert_eq!(late_d["previous_verdict"], "pending");
    assert_eq!(r2["baseline"]["complete_through"], "2026-10-10T14:00:00Z");
}

#[test]
fn fail_on_new_pages_for_new_and_settled_findings_only_once() {
    let dir = Dir::new("fail-on");
    let (d1, d2, d3) = (
        dir.0.join("1.json"),
        dir.0.join("2.json"),
        dir.0.join("3.json"),
    );
    day("register-day1.csv", "day1.csv", None, &d1, 1);
    let fail_on_new = |register: &str, export: &str, baseline: &Path, out: &Path, code: i32| {
        billrecon()
            .arg("check")
            .arg("--deleted")
            .arg(fixture(&format!("baseline/{register}")))
            .arg(fixture(&format!("baseline/{export}")))
            .args(["--fail-on", "new", "-f", "json", "-o"])
            .arg(out)
            .arg("--baseline")
            .arg(baseline)
            .assert()
            .code(code);
    };
    // Day 2 holds a new finding (back-f) and a settled one (late-c): exit 1.
    fail_on_new("register-day2.csv", "day2.csv", &d1, &d2, 1);
    // Day 3: leak-a keeps billing (continuing), nothing else moved, nothing pending: exit 0;
    // without --fail-on new the same run exits 1 as Part 1 says.
    fail_on_new("register-day2.csv", "day3.csv", &d2, &d3, 0);
    let r3: Value = serde_json::from_slice(&std::fs::read(&d3).unwrap()).unwrap();
    assert_eq!(r3["summary"]["changes"]["continuing"], 1);
    assert_eq!(r3["summary"]["changes"]["unchanged"], 6);
    day(
        "register-day2.csv",
        "day3.csv",
        Some(&d2),
        &dir.0.join("x.json"),
        1,
    );
    // Day 1 against itself with a later deletion pending: nothing new, pending → 3.
    fail_on_new(
        "register-day1.csv",
        "day1.csv",
        &d1,
        &dir.0.join("y.json"),
        3,
    );
}

#[test]
fn reordered_and_recased_register_rows_change_nothing() {
    let dir = Dir::new("reorder");
    let d2 = dir.0.join("2.json");
    day("register-day2.csv", "day2.csv", None, &d2, 1);
    let again = day(
        "register-day2-reordered.csv",
        "day2.csv",
        Some(&d2),
        &dir.0.join("r.json"),
        1,
    );
    assert!(
        changes(&again).iter().all(|(_, c)| c == "unchanged"),
        "{:?}",
        changes(&again)
    );
    assert_eq!(again["gone"], serde_json::json!([]));
}

#[test]
fn the_report_may_replace_its_own_baseline() {
    let dir = Dir::new("self");
    let path = dir.0.join("report.json");
    day("register-day1.csv", "day1.csv", None, &path, 1);
    let r = day("register-day2.csv", "day2.csv", Some(&path), &path, 1);
    assert_eq!(r["summary"]["changes"]["new"], 1);
    assert_eq!(r["baseline"]["path"], path.to_str().unwrap());
}

#[test]
fn a_baseline_of_another_schema_or_not_a_report_is_bad_input_naming_it() {
    let dir = Dir::new("bad");
    let other = dir.0.join("v2.json");
    std::fs::write(
        &other,
        r#"{"schema_version": 2, "tool": {"name": "billrecon"}, "resources": []}"#,
    )
    .unwrap();
    let csv = fixture("baseline/register-day1.csv");
    for (path, msg) in [
        (
            other.clone(),
            "baseline: schema_version 2 is not 1".to_string(),
        ),
        (
            csv.clone(),
            "baseline: not a billrecon JSON report".to_string(),
        ),
    ] {
        let out = billrecon()
            .arg("check")
            .arg("--deleted")
            .arg(&csv)
            .arg(fixture("baseline/day1.csv"))
            .arg("--baseline")
            .arg(&path)
            .assert()
            .code(2)
            .stdout("");
        let err = stderr_of(&out);
        assert!(
            err.starts_with(&format!("billrecon: error: {}", path.display())),
            "{err}"
        );
        assert!(err.contains(&msg), "{err}");
    }
}

#[test]
fn a_baseline_made_with_other_settings_is_compared_with_a_warning() {
    let dir = Dir::new("settings");
    let d1 = dir.0.join("1.json");
    day("register-day1.csv", "day1.csv", None, &d1, 1);
    let mut cmd = billrecon();
    cmd.arg("check")
        .arg("--deleted")
        .arg(fixture("baseline/register-day2.csv"))
        .arg(fixture("baseline/day2.csv"))
        .args(["--lag", "3h", "--baseline"])
        .arg(&d1);
    let r = report(&mut cmd, 1);
    assert!(
        r["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("other --lag settings")),
        "{}",
        r["warnings"]
    );
}

#[test]
fn fail_on_new_needs_a_baseline() {
    billrecon()
        .arg("check")
        .arg("--deleted")
        .arg(fixture("baseline/register-day1.csv"))
        .arg(fixture("baseline/day1.csv"))
        .args(["--fail-on", "new"])
        .assert()
        .code(2);
}

/// The README's cron recipe, run as written (the block after `<!-- cron-recipe -->`) on three
/// days of bills accumulating in one folder: it pages on day 1 (every finding is new) and day 2
/// (back-f new, late-c settled), and not on day 3, when only a known leak keeps billing.
#[test]
fn the_readme_cron_recipe_pages_only_on_new_findings() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let block = readme
        .split("<!-- cron-recipe -->\n```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("README has the cron recipe");
    let dir = Dir::new("cron");
    let bills = dir.0.join("bills");
    std::fs::create_dir(&bills).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_billrecon")).parent().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = Vec::new();
    for (n, register) in [
        (1, "register-day1.csv"),
        (2, "register-day2.csv"),
        (3, "register-day2.csv"),
    ] {
        std::fs::copy(
            root.join(format!("fixtures/baseline/day{n}.csv")),
            bills.join(format!("day{n}.csv")),
        )
        .unwrap();
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!("page() {{ echo \"PAGE $*\"; }}\n{block}"))
            .env(
                "PATH",
                format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
            )
            .env("REPORT", dir.0.join("report.json"))
            .env("REGISTER", root.join("fixtures/baseline").join(register))
            .env("BILLS", &bills)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        pages.push(stdout.lines().filter(|l| l.starts_with("PAGE")).count());
    }
    assert_eq!(pages, [1, 1, 0]);
}
