//! Helpers shared by the integration tests.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The binary under test, run from the crate root so that fixture paths (and therefore every
/// path the program prints) read `fixtures/...` whatever directory `cargo test` runs in.
pub fn billrecon() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_billrecon"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// A fixture's path as the tests pass it: relative to the crate root (see [`billrecon`]).
/// Panics when the file does not exist, so a typo fails loudly instead of testing "missing file".
pub fn fixture(name: &str) -> PathBuf {
    let rel = Path::new("fixtures").join(name);
    let abs = Path::new(env!("CARGO_MANIFEST_DIR")).join(&rel);
    assert!(abs.is_file(), "no fixture {}", abs.display());
    rel
}

/// `billrecon check --deleted fixtures/<register> fixtures/<export>...`; callers add options.
pub fn check(register: &str, exports: &[&str]) -> Command {
    let mut cmd = billrecon();
    cmd.arg("check").arg("--deleted").arg(fixture(register));
    for e in exports {
        cmd.arg(fixture(e));
    }
    cmd
}

/// Runs `cmd` with `-f json`, pins its exit code and returns the parsed report.
pub fn report(cmd: &mut Command, code: i32) -> Value {
    let out = cmd.args(["-f", "json"]).assert().code(code);
    serde_json::from_slice(&out.get_output().stdout).expect("stdout is one JSON document")
}

/// The report's resource whose `resource_id` is `id`.
pub fn resource<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["resources"]
        .as_array()
        .expect("resources is an array")
        .iter()
        .find(|r| r["resource_id"] == id)
        .unwrap_or_else(|| panic!("no resource {id} in {:#}", report["resources"]))
}

/// `(resource_id, verdict)` of every resource, in report order.
pub fn verdicts(report: &Value) -> Vec<(String, String)> {
    report["resources"]
        .as_array()
        .expect("resources is an array")
        .iter()
        .map(|r| {
            (
                r["resource_id"].as_str().unwrap_or("?").to_string(),
                r["verdict"].as_str().unwrap_or("?").to_string(),
            )
        })
        .collect()
}

/// The `line` of each cited source, in order.
pub fn source_lines(resource: &Value) -> Vec<u64> {
    resource["sources"]
        .as_array()
        .expect("sources is an array")
        .iter()
        .map(|s| s["line"].as_u64().expect("line is a number"))
        .collect()
}

/// The program's stderr as text.
pub fn stderr_of(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&out.get_output().stderr).into_owned()
}
