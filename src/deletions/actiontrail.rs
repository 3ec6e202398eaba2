//! Alibaba Cloud ActionTrail events: the console and `LookupEvents` JSON, the OSS delivery
//! files, and events exported from SLS (nested under `event`, or flattened as `event.…`).
//!
//! Field names (research wave2.md §A.2): `eventName`, `eventTime` (UTC), `eventId`,
//! `serviceName`, `eventSource`, `errorCode`, `userIdentity`, `resourceName` (IDs of one type,
//! comma-separated), `requestParameters` (or `requestParameterJson`), `referencedResources`.

use super::audit::{
    field, object_field, parse_text_time, strings_at, text, Event, EventTable, Outcome, Record,
    Source, Target,
};
use chrono::FixedOffset;
use serde_json::{Map, Value};

/// The event itself, where SLS wrapped or flattened it.
pub fn unwrap(rec: &Map<String, Value>) -> Option<Map<String, Value>> {
    if let Some(Value::Object(inner)) = field(rec, "event") {
        if field(inner, "eventName").is_some() {
            return Some(inner.clone());
        }
    }
    if rec.keys().any(|k| k.starts_with("event.")) {
        let mut out = Map::new();
        for (k, v) in rec {
            if let Some(inner) = k.strip_prefix("event.") {
                out.insert(inner.to_string(), v.clone());
            }
        }
        return Some(out);
    }
    None
}

/// Reads one event.
pub fn read(number: u64, rec: &Map<String, Value>, table: &EventTable) -> Result<Record, String> {
    let unwrapped = unwrap(rec);
    let rec = unwrapped.as_ref().unwrap_or(rec);
    let name = text(rec, "eventName").ok_or("eventName is not a text")?;
    let when = text(rec, "eventTime").ok_or("eventTime is not a text")?;
    // ActionTrail writes UTC; a time without an offset is UTC too.
    let utc = FixedOffset::east_opt(0).expect("zero offset");
    let time = parse_text_time(&when, utc).map_err(|m| format!("eventTime: {m}"))?;
    let service_name = text(rec, "serviceName");
    let service = format!(
        "{} {}",
        service_name.as_deref().unwrap_or(""),
        text(rec, "eventSource").unwrap_or_default()
    );
    let rule = table.find(Source::ActionTrail, &name, &service).cloned();
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
    let user = object_field(rec, "userIdentity").and_then(|u| {
        text(&u, "userName")
            .or_else(|| text(&u, "principalId"))
            .or_else(|| text(&u, "type"))
    });
    Ok(Record {
        number,
        event: Event {
            name,
            service: service.trim().to_string(),
            time,
            event_id: text(rec, "eventId"),
            user,
            region: text(rec, "acsRegion"),
        },
        rule,
        outcome,
        targets,
        product: service_name,
        provider: Source::ActionTrail.provider(),
        caveat: None,
    })
}

/// The IDs at the rule's paths (into `requestParameters`, or the JSON text of
/// `requestParameterJson`); else `resourceName`; else `referencedResources` of the event's
/// `resourceType` (or of its only type: a `DeleteDisk` also references the instance the disk
/// was attached to, which it does not delete).
fn targets(rec: &Map<String, Value>, paths: &[String]) -> Vec<Target> {
    let mut with_params = rec.clone();
    if object_field(rec, "requestParameters").is_none() {
        if let Some(p) = object_field(rec, "requestParameterJson") {
            with_params.insert("requestParameters".into(), Value::Object(p));
        }
    }
    let mut ids: Vec<String> = Vec::new();
    for p in paths {
        for id in strings_at(&with_params, p) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    if ids.is_empty() {
        if let Some(names) = text(rec, "resourceName") {
            ids = names
                .split([',', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
        }
    }
    if ids.is_empty() {
        if let Some(Value::Object(refs)) = field(rec, "referencedResources") {
            let of_type = text(rec, "resourceType").and_then(|t| refs.get(&t));
            let only = (refs.len() == 1).then(|| refs.values().next()).flatten();
            if let Some(v) = of_type.or(only) {
                ids = strings_at(&Map::from_iter([("r".to_string(), v.clone())]), "r");
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
    use crate::model::Action;
    use serde_json::json;

    /// Alibaba's published `StopInstance` record (wave2.md §A.2, doc-detail/28821).
    fn stop_instance() -> Value {
        json!({"eventId":"239EB588-CD24-522E-B0B5-174A1A588BE0","eventVersion":1,
            "eventSource":"ecs-cn-hangzhou-share.aliyuncs.com",
            "requestParameters":{"AcsProduct":"Ecs","InstanceId":"i-2zeip56clb391fpf****","ForceStop":false},
            "eventType":"ApiCall","referencedResources":{"ACS::ECS::Instance":["i-2zeip56clb391fpf****"]},
            "userIdentity":{"accountId":"154735325685****","type":"root-account","userName":"root"},
            "serviceName":"Ecs","apiVersion":"2014-05-26","requestId":"239EB588",
            "eventTime":"2021-08-04T06:11:36Z","isGlobal":false,"acsRegion":"cn-beijing","eventName":"StopInstance"})
    }

    fn read_one(v: &Value) -> Record {
        read(1, v.as_object().unwrap(), &EventTable::default()).unwrap()
    }

    #[test]
    fn the_published_stop_is_a_stop_of_its_instance() {
        let r = read_one(&stop_instance());
        assert_eq!(r.rule.unwrap().action, Action::Stopped);
        assert_eq!(r.outcome, Outcome::Succeeded);
        assert_eq!(r.event.user.as_deref(), Some("root"));
        assert_eq!(crate::time::rfc3339(r.event.time), "2021-08-04T06:11:36Z");
        assert_eq!(
            r.targets,
            [Target {
                id: "i-2zeip56clb391fpf****".into(),
                name: None
            }]
        );
    }

    #[test]
    fn an_error_code_is_a_failure() {
        let mut v = stop_instance();
        v["eventName"] = json!("DeleteInstance");
        v["errorCode"] = json!("IncorrectInstanceStatus");
        v["errorMessage"] =
            json!("The current status of the resource does not support this operation.");
        let r = read_one(&v);
        assert!(
            matches!(r.outcome, Outcome::Failed(m) if m.starts_with("errorCode IncorrectInstanceStatus: The current"))
        );
    }

    #[test]
    fn ids_come_from_parameters_then_resource_name_then_references_of_the_type() {
        let mut v = stop_instance();
        v["eventName"] = json!("DeleteInstances");
        v["requestParameters"] = json!({"InstanceId": "[\"i-1\",\"i-2\"]"});
        assert_eq!(read_one(&v).targets.len(), 2);
        v.as_object_mut().unwrap().remove("requestParameters");
        v["requestParameterJson"] = json!("{\"InstanceIds\":[\"i-3\"]}");
        assert_eq!(read_one(&v).targets[0].id, "i-3");
        v.as_object_mut().unwrap().remove("requestParameterJson");
        v["resourceName"] = json!("i-4,i-5");
        assert_eq!(read_one(&v).targets[1].id, "i-5");
        // The system's DeleteDisk references the instance too: only the disk is deleted.
        let disk = json!({"eventName":"DeleteDisk","eventTime":"2021-08-04T06:11:36Z","serviceName":"Ecs",
            "userIdentity":{"type":"system","userName":"ecs.aliyuncs.com"},"resourceType":"ACS::ECS::Disk",
            "referencedResources":{"ACS::ECS::Instance":["i-9"],"ACS::ECS::Disk":["d-9"]}});
        let r = read_one(&disk);
        assert_eq!(
            r.targets,
            [Target {
                id: "d-9".into(),
                name: None
            }]
        );
        assert_eq!(r.event.user.as_deref(), Some("ecs.aliyuncs.com"));
    }

    #[test]
    fn sls_nests_or_flattens_the_event() {
        let nested = json!({"__topic__":"actiontrail_audit_event","event": stop_instance()});
        assert_eq!(read_one(&nested).event.name, "StopInstance");
        let mut flat = Map::new();
        for (k, v) in stop_instance().as_object().unwrap() {
            flat.insert(format!("event.{k}"), v.clone());
        }
        assert_eq!(read_one(&Value::Object(flat)).targets.len(), 1);
    }

    #[test]
    fn a_bad_event_time_says_so() {
        let mut v = stop_instance();
        v["eventTime"] = json!("4 Aug 2021");
        let e = read(1, v.as_object().unwrap(), &EventTable::default()).unwrap_err();
        assert!(e.starts_with("eventTime: `4 Aug 2021`"), "{e}");
    }
}
