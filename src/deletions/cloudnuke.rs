//! cloud-nuke reports: `cloud-nuke aws|gcp … --output-format json` (gruntwork-io/cloud-nuke
//! `renderers/types.go`, `NukeOutput`): `timestamp` (when the run ended), `command`, and
//! `resources[]` of `{resource_type, region, identifier, status, error}` with `status`
//! `deleted`, `failed` or `warned`.
//!
//! A report has no time per resource: each deletion is dated at the report's `timestamp`, an
//! upper bound (the resource was gone by then), and says so.

use super::audit::{field, text, Event, EventRule, Outcome, Record, Source, Target};
use crate::model::Action;
use crate::time::rfc3339;
use chrono::FixedOffset;
use serde_json::{Map, Value};

/// Reads a report; each entry of its `resources` is one record, numbered from `first`.
pub fn read(first: u64, rec: &Map<String, Value>) -> Result<Vec<Record>, String> {
    let when = text(rec, "timestamp").ok_or("timestamp is not a text")?;
    let utc = FixedOffset::east_opt(0).expect("zero offset");
    let time = super::audit::parse_text_time(&when, utc).map_err(|m| format!("timestamp: {m}"))?;
    let command = text(rec, "command").unwrap_or_default();
    let Some(Value::Array(items)) = field(rec, "resources") else {
        return Err("resources is not an array".into());
    };
    // An inspect run lists what could be nuked: nothing was deleted.
    if field(rec, "query").is_some()
        || command.starts_with("inspect")
        || items
            .iter()
            .any(|i| i.get("status").is_none() && i.get("nukable").is_some())
    {
        return Err("a cloud-nuke inspect report lists what could be nuked, not what was: pass the report of a nuke run (`cloud-nuke aws --output-format json`)".into());
    }
    let provider = if command.contains("gcp") {
        "gcp"
    } else {
        "aws"
    };
    let caveat = format!(
        "cloud-nuke {} report of {}: deleted by then (an upper bound; the deletion was earlier)",
        if command.is_empty() { "aws" } else { &command },
        rfc3339(time)
    );
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let number = first + i as u64;
        let Value::Object(item) = item else {
            return Err(format!("resources entry {} is not an object", i + 1));
        };
        let kind = text(item, "resource_type").unwrap_or_default();
        let id = text(item, "identifier")
            .ok_or_else(|| format!("resources entry {} has no identifier", i + 1))?;
        let status = text(item, "status").unwrap_or_default();
        let outcome = if status.eq_ignore_ascii_case("deleted") {
            Outcome::Succeeded
        } else {
            let why = text(item, "error").map_or(String::new(), |e| format!(": {e}"));
            Outcome::Failed(format!(
                "status {}{why}",
                if status.is_empty() {
                    "missing"
                } else {
                    &status
                }
            ))
        };
        out.push(Record {
            number,
            event: Event {
                name: if kind.is_empty() {
                    "nuke".into()
                } else {
                    format!("nuke {kind}")
                },
                service: kind.clone(),
                time,
                event_id: None,
                user: None,
                region: text(item, "region"),
            },
            rule: Some(EventRule {
                source: Source::CloudNuke,
                name: "nuke".into(),
                service: None,
                action: Action::Deleted,
                product: kind.clone(),
                ids: Vec::new(),
                origin: "built-in".into(),
            }),
            outcome,
            targets: vec![Target { id, name: None }],
            product: (!kind.is_empty()).then_some(kind),
            provider,
            caveat: Some(caveat.clone()),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report() -> Value {
        json!({"timestamp":"2024-03-10T08:45:00+08:00","command":"aws","regions":["us-east-1"],
            "found":[],"resources":[
                {"resource_type":"ec2","region":"us-east-1","identifier":"i-123","status":"deleted"},
                {"resource_type":"ec2","region":"us-east-1","identifier":"i-456","status":"failed","error":"access denied"}],
            "summary":{"found":3,"total":2,"deleted":1,"failed":1,"warned":0,"general_errors":0}})
    }

    #[test]
    fn each_resource_is_a_record_dated_at_the_report() {
        let rs = read(1, report().as_object().unwrap()).unwrap();
        assert_eq!(rs.len(), 2);
        assert_eq!(rs[0].outcome, Outcome::Succeeded);
        assert_eq!(rfc3339(rs[0].event.time), "2024-03-10T00:45:00Z");
        assert_eq!(rs[0].targets[0].id, "i-123");
        assert!(rs[0].caveat.as_deref().unwrap().contains("upper bound"));
        assert_eq!(rs[1].number, 2);
        assert_eq!(
            rs[1].outcome,
            Outcome::Failed("status failed: access denied".into())
        );
    }

    #[test]
    fn an_inspect_report_is_refused() {
        let v = json!({"timestamp":"2024-03-10T08:45:00Z","command":"inspect-aws",
            "query":{"regions":["us-east-1"]},
            "resources":[{"resource_type":"ec2","region":"us-east-1","identifier":"i-1","nukable":true}]});
        let e = read(1, v.as_object().unwrap()).unwrap_err();
        assert!(e.contains("inspect report"), "{e}");
    }

    #[test]
    fn gcp_runs_name_gcp_resources() {
        let mut v = report();
        v["command"] = json!("gcp");
        assert_eq!(read(1, v.as_object().unwrap()).unwrap()[0].provider, "gcp");
    }
}
