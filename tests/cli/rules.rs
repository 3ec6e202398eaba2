//! ID rules: built-in ones for FOCUS clouds and Huawei child resources, user rules from a TOML
//! file, `explain-id`, and the warnings that keep a report honest.

use crate::util::{billrecon, check, fixture, report, resource};

#[test]
fn bare_aws_ids_azure_paths_and_gcp_names_match_focus_resource_ids() {
    let r = report(
        &mut check("rules/clouds.csv", &["rules/focus-clouds.csv"]),
        1,
    );
    let aws = resource(&r, "i-0abc123def4567890");
    assert_eq!(aws["verdict"], "still_billing");
    assert_eq!(aws["provider"], "aws");
    assert_eq!(aws["rules"], serde_json::json!(["aws-arn"]));
    assert_eq!(
        aws["bill_ids"],
        serde_json::json!(["arn:aws:ec2:us-east-1:123456789012:instance/i-0abc123def4567890"])
    );
    assert_eq!(aws["amount_after_deletion"]["USD"], "0.50");
    assert_eq!(aws["tail_lines"], 1);
    let azure = resource(
        &r,
        "/subscriptions/0000-1111/resourcegroups/rg-prod/providers/microsoft.compute/virtualmachines/VM-DB",
    );
    assert_eq!(azure["verdict"], "still_billing");
    assert_eq!(azure["rules"], serde_json::json!(["azure-resource-id"]));
    assert_eq!(azure["provider"], "azure");
    let gcp = resource(&r, "gce-batch-7");
    assert_eq!(gcp["rules"], serde_json::json!(["gcp-full-name"]));
    assert_eq!(gcp["amount_after_deletion"]["USD"], "0.20");
}

#[test]
fn a_child_resource_matches_by_its_own_id_not_its_parents_lines() {
    let r = report(
        &mut check("rules/child-register.csv", &["rules/child.csv"]),
        1,
    );
    let disk = resource(&r, "VOL-CHILD-01");
    assert_eq!(disk["verdict"], "still_billing");
    assert_eq!(disk["rules"], serde_json::json!(["child-resource"]));
    assert_eq!(disk["lines"], 2, "only the lines that carry the child's ID");
    assert_eq!(disk["amount_after_deletion"]["CNY"], "0.028");
    assert_eq!(disk["bill_ids"], serde_json::json!(["ecs-parent-01"]));
}

#[test]
fn a_user_rule_maps_cluster_nodes_to_the_cluster_within_its_product_only() {
    let mut cmd = check("rules/dws-register.csv", &["rules/dws.csv"]);
    cmd.arg("--rules").arg(fixture("rules/rules.toml"));
    let r = report(&mut cmd, 1);
    let dws = resource(&r, "dws-prod");
    assert_eq!(dws["verdict"], "still_billing");
    assert_eq!(dws["rules"], serde_json::json!(["dws-nodes"]));
    assert_eq!(
        dws["bill_ids"],
        serde_json::json!(["dws-prod-node-1", "dws-prod-node-2"])
    );
    assert_eq!(dws["amount_after_deletion"]["CNY"], "4.00");
    // `cache-node-1` is another product's line: the DWS rule never touches it.
    assert_eq!(resource(&r, "cache")["verdict"], "not_in_bill");
}

#[test]
fn without_the_rule_the_cluster_is_not_in_the_bill() {
    let r = report(&mut check("rules/dws-register.csv", &["rules/dws.csv"]), 3);
    assert_eq!(resource(&r, "dws-prod")["verdict"], "not_in_bill");
}

#[test]
fn a_rules_file_without_an_id_group_is_bad_input() {
    check("rules/dws-register.csv", &["rules/dws.csv"])
        .arg("--rules")
        .arg(fixture("rules/bad-rules.toml"))
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "billrecon: error: fixtures/rules/bad-rules.toml:3:11: rule `no-id-group`: the pattern \
             has no named group `id`: write the part that is the ID as `(?P<id>…)`\n",
        );
}

#[test]
fn one_register_id_matching_two_resources_is_warned_about() {
    let out = check("rules/ambiguous.csv", &["rules/oss-two.csv"])
        .args(["-f", "json"])
        .assert()
        .code(1);
    let r: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let warning = "`standard` (fixtures/rules/ambiguous.csv:2) matches lines of 2 different \
                   resources: cn-hangzhou;standard, cn-shanghai;standard";
    assert_eq!(r["warnings"], serde_json::json!([warning]));
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert_eq!(stderr, format!("billrecon: warning: {warning}\n"));
    assert_eq!(
        resource(&r, "standard")["rules"],
        serde_json::json!(["composite-part"])
    );
}

#[test]
fn a_product_cleanup_catching_two_products_is_warned_about() {
    let out = check(
        "rules/two-products.csv",
        &["rules/modelarts-two-products.csv"],
    )
    .args(["-f", "json", "-q"])
    .assert()
    .code(1);
    let r: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        r["warnings"],
        serde_json::json!([
            "the cleanup of product `ModelArts` (fixtures/rules/two-products.csv:2) catches lines \
             under 2 products: hws.service.type.ma, hws.service.type.modelarts.notebook"
        ])
    );
    let ids: Vec<&str> = r["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["resource_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["svc-a", "nb-1"]);
    // -q silences the warning on stderr; the report still carries it.
    assert_eq!(out.get_output().stderr, b"");
}

#[test]
fn explain_id_prints_each_rule_and_ends_with_the_normalized_id() {
    let out = billrecon()
        .args([
            "explain-id",
            "--provider",
            "huawei",
            "--product",
            "hws.service.type.dws",
            "--rules",
        ])
        .arg(fixture("rules/rules.toml"))
        .args(["dws-prod-node-3", "svc-x"])
        .assert()
        .code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let blocks: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(blocks.len(), 2);
    assert_eq!(
        blocks[0],
        "dws-prod-node-3\n  1. dws-nodes  fixtures/rules/rules.toml  matched: dws-prod\ndws-prod"
    );
    assert_eq!(blocks[1].lines().last(), Some("svc-x"));
    assert!(blocks[1].contains("6. as-is"), "{}", blocks[1]);
}

#[test]
fn explain_id_with_a_bad_rules_file_exits_two() {
    billrecon()
        .args(["explain-id", "--rules"])
        .arg(fixture("rules/bad-rules.toml"))
        .arg("x")
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn inspect_checks_a_rules_file_too() {
    billrecon()
        .args(["inspect", "--rules"])
        .arg(fixture("rules/bad-rules.toml"))
        .arg(fixture("rules/dws.csv"))
        .assert()
        .code(2)
        .stdout("");
    billrecon()
        .args(["inspect", "-q", "--rules"])
        .arg(fixture("rules/rules.toml"))
        .arg(fixture("rules/dws.csv"))
        .assert()
        .code(0);
}
