use super::*;
use crate::ids::normalize::{arn_resource, gcp_name, strip_uuid_suffix};

fn first_group(pattern: &str, id: &str) -> Option<String> {
    regex::Regex::new(pattern)
        .unwrap()
        .captures(id)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
        .filter(|s| !s.is_empty())
}

#[test]
fn builtin_patterns_agree_with_the_rust_rules() {
    let u = "0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e";
    let ids = [
        format!("svc-a-{u}"),
        format!("svc-a-v2-{u}"),
        format!("svc-{u}-{u}"),
        format!("-{u}"),
        format!("x-{}", u.to_uppercase()),
        format!("x{u}"),
        format!("a\nb-{u}"),
        "arn:aws:ec2:us-east-1:123:instance/i-0abc".into(),
        "ARN:aws-cn:s3:::bucket".into(),
        "arn:aws:sns:us-east-1:123:topic:sub".into(),
        "arn:aws:ec2:us-east-1:123:instance/".into(),
        "arn:gcp:ec2:x:y:z".into(),
        "Arn:aws:ec2:us-east-1:123:instance/i-1".into(),
        "arn:aws:ec2:us-east-1".into(),
        "arn:AWS:ec2::123:volume/vol-1".into(),
        "//compute.googleapis.com/projects/p/zones/z/instances/vm-1".into(),
        "//compute.GoogleAPIs.com/projects/p".into(),
        "//compute.googleapis.com/vm".into(),
        "//compute.googleapis.com/a/".into(),
        "//googleapis.com/a/b".into(),
        "//x.googleapis.com.evil/a/b".into(),
        "plain-id".into(),
        String::new(),
    ];
    for id in &ids {
        let ma = if first_group(&modelarts_ambiguous().replace("^.+", "^(.+)"), id).is_some() {
            None
        } else {
            first_group(&modelarts_pattern(), id)
        };
        assert_eq!(ma.as_deref(), strip_uuid_suffix(id), "modelarts {id}");
        assert_eq!(
            first_group(ARN, id).as_deref(),
            arn_resource(id),
            "arn {id}"
        );
        assert_eq!(first_group(GCP, id).as_deref(), gcp_name(id), "gcp {id}");
    }
}

#[test]
fn provider_names_fold_as_canonical_provider() {
    for (key, names) in PROVIDER_NAMES {
        for n in names {
            assert_eq!(crate::model::canonical_provider(n), key);
        }
    }
    for n in [
        "Huawei Cloud",
        "Alibaba_Cloud",
        "Amazon Web Services",
        "Google Cloud Platform",
        "Microsoft",
    ] {
        let squeezed: String = n
            .to_ascii_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
            .collect();
        let key = PROVIDER_NAMES
            .iter()
            .find(|(_, names)| names.contains(&squeezed.as_str()))
            .map(|(k, _)| *k);
        assert_eq!(
            key,
            Some(crate::model::canonical_provider(n).as_str()),
            "{n}"
        );
    }
}

#[test]
fn epochs_are_exact_on_both_sides_of_1970() {
    let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    assert_eq!(epoch(t("1970-01-01T00:00:01.5Z")), "1.500000000");
    assert_eq!(epoch(t("1969-12-31T23:59:58.5Z")), "-1.500000000");
    assert_eq!(epoch(t("2026-10-10T00:30:00Z")), "1791592200.000000000");
}

#[test]
fn relation_names_inside_quotes_are_not_references() {
    let sql = "SELECT 'x FROM lines' AS a, `FROM lines` FROM lines AS l JOIN lines\nWHERE c = 'it\\'s FROM lines'";
    // Spark: `\'` stays inside the literal; two real references.
    assert_eq!(references(Dialect::Spark, sql, "lines"), 2);
    assert_eq!(references(Dialect::Spark, sql, "line"), 0);
    // DuckDB reads `\` as itself: the literal ends at `\'`, so `s FROM lines` is code.
    assert_eq!(references(Dialect::Duckdb, sql, "lines"), 3);
}

#[test]
fn a_relation_read_once_is_inlined_with_its_alias() {
    let body = "SELECT 1 AS one";
    assert_eq!(
        inline(
            Dialect::Spark,
            "SELECT * FROM tp2 WHERE 'FROM tp2' <> ''",
            "tp2",
            body
        ),
        "SELECT * FROM (\nSELECT 1 AS one\n) AS tp2 WHERE 'FROM tp2' <> ''"
    );
    assert_eq!(
        inline(
            Dialect::Spark,
            "SELECT l.x FROM t JOIN lines AS l ON 1 = 1",
            "lines",
            body
        ),
        "SELECT l.x FROM t JOIN (\nSELECT 1 AS one\n) AS l ON 1 = 1"
    );
}
