//! AWS CloudTrail records: the S3 log files (`{"Records": [...]}`), event history downloads,
//! and `aws cloudtrail lookup-events` output (each record's `CloudTrailEvent` is the event as
//! JSON text).
//!
//! Fields: `eventName`, `eventTime` (UTC, when the request completed), `eventSource`,
//! `eventID`, `errorCode` (failures only), `userIdentity`, `requestParameters`,
//! `responseElements`, `resources[].ARN` (optional).

use super::audit::{
    field, object_field, parse_text_time, strings_at, text, Event, EventTable, Outcome, Record,
    Source, Target,
};
use chrono::FixedOffset;
use serde_json::{Map, Value};

/// The event a `lookup-events` entry holds as text, when it does.
pub fn unwrap(rec: &Map<String, Value>) -> Option<Map<String, Value>> {
    object_field(rec, "CloudTrailEvent")
}

/// Reads one record.
pub fn read(number: u64, rec: &Map<String, Value>, table: &EventTable) -> Result<Record, String> {
    let unwrapped = unwrap(rec);
    let rec = unwrapped.as_ref().unwrap_or(rec);
    let name = text(rec, "eventName").ok_or("eventName is not a text")?;
    let when = text(rec, "eventTime").ok_or("eventTime is not a text")?;
    let utc = FixedOffset::east_opt(0).expect("zero offset");
    let time = parse_text_time(&when, utc).map_err(|m| format!("eventTime: {m}"))?;
    let service = text(rec, "eventSource").unwrap_or_default();
    let rule = table.find(Source::CloudTrail, &name, &service).cloned();
    let outcome = match text(rec, "errorCode") {
        Some(code) => Outcome::Failed(match text(rec, "errorMessage") {
            Some(m) => format!("errorCode {code}: {m}"),
            None => format!("errorCode {code}"),
        }),
        None => Outcome::Succeeded,
    };
    let targets = match &rule {
        Some(r) => targets(rec, &r.ids),
        None => Vec::new(),
    };
    Ok(Record {
        number,
        event: Event {
            name,
            service: service.clone(),
            time,
            event_id: text(rec, "eventID"),
            user: object_field(rec, "userIdentity").and_then(|u| user(&u)),
            region: text(rec, "awsRegion"),
        },
        rule,
        outcome,
        targets,
        product: (!service.is_empty())
            .then(|| service.trim_end_matches(".amazonaws.com").to_string()),
        provider: Source::CloudTrail.provider(),
        caveat: None,
    })
}

fn user(u: &Map<String, Value>) -> Option<String> {
    text(u, "userName")
        .or_else(|| {
            object_field(u, "sessionContext")
                .and_then(|s| object_field(&s, "sessionIssuer"))
                .and_then(|i| text(&i, "userName"))
        })
        .or_else(|| text(u, "arn"))
        .or_else(|| text(u, "invokedBy"))
        .or_else(|| text(u, "principalId"))
        .or_else(|| text(u, "type"))
}

/// The IDs at the rule's paths; for events a user added without paths, the record's
/// `resources[].ARN`, else the identifiers of its request (keys ending in `Id`, `Ids`,
/// `Identifier` or `Name`).
fn targets(rec: &Map<String, Value>, paths: &[String]) -> Vec<Target> {
    let mut ids: Vec<String> = Vec::new();
    let mut add = |found: Vec<String>| {
        for id in found {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    };
    for p in paths {
        add(strings_at(rec, p));
    }
    if paths.is_empty() {
        add(strings_at(rec, "resources[].ARN"));
        if let Some(Value::Object(params)) = field(rec, "requestParameters") {
            for (k, v) in params {
                if ["Id", "Ids", "Identifier", "Name"]
                    .iter()
                    .any(|s| k.ends_with(s))
                {
                    add(strings_at(&Map::from_iter([(k.clone(), v.clone())]), k));
                }
            }
        }
    }
    ids.into_iter()
        .map(|id| Target { id, name: None })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deletions::audit::parse_rules;
    use crate::model::Action;
    use serde_json::json;

    /// A `TerminateInstances` record in the form of the AWS user guide's EC2 examples.
    fn terminate() -> Value {
        json!({"eventVersion":"1.08",
            "userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/Mateo",
                "accountId":"111122223333","userName":"Mateo"},
            "eventTime":"2024-03-10T00:30:00Z","eventSource":"ec2.amazonaws.com","eventName":"TerminateInstances",
            "awsRegion":"us-east-1","sourceIPAddress":"192.0.2.0","userAgent":"aws-cli/2.13.5",
            "requestParameters":{"instancesSet":{"items":[{"instanceId":"i-0abc1234"}]}},
            "responseElements":{"requestId":"r-1","instancesSet":{"items":[{"instanceId":"i-0abc1234",
                "currentState":{"code":32,"name":"shutting-down"},"previousState":{"code":16,"name":"running"}}]}},
            "requestID":"r-1","eventID":"e-1","readOnly":false,"eventType":"AwsApiCall",
            "managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"})
    }

    fn read_with(v: &Value, table: &EventTable) -> Record {
        read(1, v.as_object().unwrap(), table).unwrap()
    }

    #[test]
    fn terminate_instances_deletes_each_instance_once() {
        let r = read_with(&terminate(), &EventTable::default());
        assert_eq!(r.rule.unwrap().action, Action::Deleted);
        assert_eq!(
            r.targets,
            [Target {
                id: "i-0abc1234".into(),
                name: None
            }]
        );
        assert_eq!(r.event.user.as_deref(), Some("Mateo"));
        assert_eq!(r.event.event_id.as_deref(), Some("e-1"));
        assert_eq!(r.product.as_deref(), Some("ec2"));
    }

    #[test]
    fn an_error_code_is_a_failure_and_lookup_events_entries_unwrap() {
        let mut v = terminate();
        v["errorCode"] = json!("Client.UnauthorizedOperation");
        assert_eq!(
            read_with(&v, &EventTable::default()).outcome,
            Outcome::Failed("errorCode Client.UnauthorizedOperation".into())
        );
        let entry = json!({"EventId":"e-1","EventName":"TerminateInstances",
            "CloudTrailEvent": terminate().to_string()});
        assert_eq!(read_with(&entry, &EventTable::default()).targets.len(), 1);
    }

    #[test]
    fn events_added_without_paths_take_arns_and_request_identifiers() {
        let user = parse_rules(
            "r.toml",
            "[[deletion_event]]\nsource = \"cloudtrail\"\nname = \"DeleteCluster\"",
        )
        .unwrap();
        let t = EventTable::new(user);
        let v = json!({"eventName":"DeleteCluster","eventTime":"2024-03-10T00:30:00Z",
            "eventSource":"eks.amazonaws.com","awsRegion":"us-east-1",
            "requestParameters":{"name":"ml-cluster","force":true},
            "resources":[{"ARN":"arn:aws:eks:us-east-1:1:cluster/ml-cluster"}]});
        let ids: Vec<String> = read_with(&v, &t)
            .targets
            .into_iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(ids, ["arn:aws:eks:us-east-1:1:cluster/ml-cluster"]);
    }
}
