//! The README's quick start and its unsubscription example must print exactly what the README
//! shows, with the exit code it promises.

use std::path::Path;

#[test]
fn readme_example_prints_what_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let command = readme
        .lines()
        .find(|l| l.starts_with("cargo run --release -- check"))
        .expect("README has the quick-start command");
    let args: Vec<&str> = command
        .trim_start_matches("cargo run --release -- ")
        .split_whitespace()
        .collect();
    let start = readme.find("```text\n").expect("README shows the output") + "```text\n".len();
    let shown = &readme[start..start + readme[start..].find("```").unwrap()];

    let out = crate::util::billrecon()
        .current_dir(root)
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the example has resources still billing"
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), shown);
}

#[test]
fn readme_unsubscription_example_prints_what_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let command = "billrecon check --deleted fixtures/register/unsubscribed.csv fixtures/huawei/unsubscribe.csv";
    let at = readme
        .find(&format!("{command}\n```"))
        .expect("README has the unsubscription example");
    let start = at + readme[at..].find("```text\n").unwrap() + "```text\n".len();
    let shown = &readme[start..start + readme[start..].find("```").unwrap()];
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let out = crate::util::billrecon()
        .current_dir(root)
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a refund is short, one over, one missing"
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), shown);
}

#[test]
fn readme_lists_every_built_in_deletion_event() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme
        .find("**The event table.**")
        .expect("README has the event table");
    let table = &readme[start..start + readme[start..].find("```toml").unwrap()];
    for rule in billrecon::deletions::audit::built_in() {
        assert!(
            table.contains(&format!("`{}`", rule.name)),
            "the README's event table lacks {} ({})",
            rule.name,
            rule.source.name()
        );
    }
}
