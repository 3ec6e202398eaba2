//! The shared model of an audit event (one record of CTS, ActionTrail, CloudTrail or a
//! cloud-nuke report, read by the module of its source) and the table that says which events
//! are deletions and stops: built in, extended by `[[deletion_event]]` entries of the rules file.

use crate::error::{Error, Result};
use crate::model::Action;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::fmt::Write as _;
use toml::Spanned;

/// Where audit records come from. Each source has one provider and one reader module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// Huawei Cloud Cloud Trace Service traces.
    Cts,
    /// Alibaba Cloud ActionTrail events.
    ActionTrail,
    /// AWS CloudTrail records.
    CloudTrail,
    /// A `cloud-nuke … --output-format json` report.
    CloudNuke,
}

impl Source {
    pub const ALL: [Source; 4] = [
        Source::Cts,
        Source::ActionTrail,
        Source::CloudTrail,
        Source::CloudNuke,
    ];

    /// The name in the rules file, the JSON and `origin.source`.
    pub fn name(self) -> &'static str {
        match self {
            Source::Cts => "cts",
            Source::ActionTrail => "actiontrail",
            Source::CloudTrail => "cloudtrail",
            Source::CloudNuke => "cloud-nuke",
        }
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            Source::Cts => "Huawei Cloud CTS traces",
            Source::ActionTrail => "Alibaba Cloud ActionTrail events",
            Source::CloudTrail => "AWS CloudTrail records",
            Source::CloudNuke => "cloud-nuke report",
        }
    }

    /// The provider of the resources its events name (cloud-nuke says so in its `command`).
    pub fn provider(self) -> &'static str {
        match self {
            Source::Cts => "huawei",
            Source::ActionTrail => "alibaba",
            Source::CloudTrail | Source::CloudNuke => "aws",
        }
    }

    fn parse(s: &str) -> Option<Source> {
        let t = s.trim().to_ascii_lowercase();
        Source::ALL
            .into_iter()
            .find(|src| src.name() == t)
            .filter(|src| *src != Source::CloudNuke)
    }
}

/// A resource an event names: its ID, and the name the bill may use instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: String,
    pub name: Option<String>,
}

/// Whether an event did what it asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Succeeded,
    /// Failed, or its outcome is not recorded; why, in words.
    Failed(String),
}

/// One audit record as its source module read it.
#[derive(Debug, Clone)]
pub struct Event {
    /// `trace_name` / `eventName` (`resource_type` for cloud-nuke).
    pub name: String,
    /// The service that recorded it: `service_type`, `serviceName`, `eventSource`.
    pub service: String,
    pub time: DateTime<Utc>,
    pub event_id: Option<String>,
    pub user: Option<String>,
    pub region: Option<String>,
}

/// What one audit record says, as the deletions built from it need it.
#[derive(Debug, Clone)]
pub struct Record {
    /// Which record of the file (for cloud-nuke: which entry of its `resources`), from 1.
    pub number: u64,
    pub event: Event,
    /// The table's row when the event is a deletion or a stop; `None`: any other event,
    /// skipped (it still counts for the time span the file covers).
    pub rule: Option<EventRule>,
    pub outcome: Outcome,
    pub targets: Vec<Target>,
    /// The product the record names (`service_type`, `serviceName`, `resource_type`).
    pub product: Option<String>,
    pub provider: &'static str,
    /// Something every deletion from it must say (cloud-nuke: the time is an upper bound).
    pub caveat: Option<String>,
}

/// Parses an audit time written as text: RFC 3339 or `YYYY-MM-DD HH:MM:SS` with an offset;
/// `default` is the offset of a time written without one. A date alone is refused: an audit
/// record always has the time of day.
pub fn parse_text_time(s: &str, default: chrono::FixedOffset) -> Result<DateTime<Utc>, String> {
    if !s.contains(':') {
        return Err(format!("`{s}` has no time of day"));
    }
    crate::time::parse_time(s, default)
}

/// One row of the event table: events of `source` named `name` (case-insensitive), recorded
/// by a service containing `service` when given, are `action`s of the resources found at
/// `ids` (paths into the record; empty: the source's defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRule {
    pub source: Source,
    pub name: String,
    pub service: Option<String>,
    pub action: Action,
    /// What the report calls the product when the record names none.
    pub product: String,
    pub ids: Vec<String>,
    /// `built-in` or the rules file.
    pub origin: String,
}

/// The built-in deletion and stop events: (source, service, product, names, action, id paths).
/// Sources: research wave2.md §A (Huawei's "key operations recorded by CTS" pages, Alibaba's
/// `DescribeResourceLifeCycleEvents`, the AWS API names); names not verified there are marked
/// so in the README.
#[allow(clippy::type_complexity)]
const BUILT_IN: &[(Source, &str, &str, &[&str], Action, &[&str])] = &[
    (
        Source::Cts,
        "ecs",
        "ECS",
        &[
            "deleteServer",
            "deleteServerV2",
            "deleteServerV21",
            "deleteVmByNative",
        ],
        Action::Deleted,
        &[],
    ),
    (
        Source::Cts,
        "ecs",
        "ECS",
        &["stopServer"],
        Action::Stopped,
        &[],
    ),
    (
        Source::Cts,
        "evs",
        "EVS",
        &[
            "deleteVolume",
            "bulkDeleteVolume",
            "releaseVolume",
            "cleanupSingleEvsResource",
        ],
        Action::Deleted,
        &[],
    ),
    (
        Source::Cts,
        "modelarts",
        "ModelArts",
        &[
            "deleteService",
            "DeleteDeployment",
            "DeleteServiceV2Instance",
            "DeleteDeploymentVersion",
            "deleteNotebook",
            "DeleteJobV2",
            "deleteModelArtsTrainJob",
            "deleteCluster",
            "deleteClusterNode",
        ],
        Action::Deleted,
        &[],
    ),
    (
        Source::Cts,
        "modelarts",
        "ModelArts",
        &[
            "StopDeployment",
            "stopNotebook",
            "StopJobV2",
            "stopModelArtsTrainVersion",
            // Only when its request asks for `stopped` (see cts.rs).
            "startOrStopService",
        ],
        Action::Stopped,
        &[],
    ),
    (
        Source::Cts,
        "obs",
        "OBS",
        &["deleteBucket"],
        Action::Deleted,
        &[],
    ),
    (
        Source::ActionTrail,
        "ecs",
        "ECS",
        &["DeleteInstance", "DeleteInstances", "Release"],
        Action::Deleted,
        &[
            "requestParameters.InstanceId",
            "requestParameters.InstanceIds",
        ],
    ),
    (
        Source::ActionTrail,
        "ecs",
        "ECS",
        &["DeleteDisk"],
        Action::Deleted,
        &["requestParameters.DiskId"],
    ),
    (
        Source::ActionTrail,
        "ecs",
        "ECS",
        &["StopInstance", "StopInstances"],
        Action::Stopped,
        &[
            "requestParameters.InstanceId",
            "requestParameters.InstanceIds",
        ],
    ),
    (
        Source::ActionTrail,
        "oss",
        "OSS",
        &["DeleteBucket"],
        Action::Deleted,
        &["requestParameters.BucketName"],
    ),
    (
        Source::ActionTrail,
        "dataworks",
        "DataWorks",
        &["DeleteProject", "DeleteResourceGroup"],
        Action::Deleted,
        &[
            "requestParameters.ProjectId",
            "requestParameters.Id",
            "requestParameters.ResourceGroupId",
        ],
    ),
    (
        Source::ActionTrail,
        "rds",
        "RDS",
        &["DeleteDBInstance"],
        Action::Deleted,
        &["requestParameters.DBInstanceId"],
    ),
    (
        Source::CloudTrail,
        "ec2.amazonaws.com",
        "Amazon EC2",
        &["TerminateInstances"],
        Action::Deleted,
        &[
            "requestParameters.instancesSet.items[].instanceId",
            "responseElements.instancesSet.items[].instanceId",
        ],
    ),
    (
        Source::CloudTrail,
        "ec2.amazonaws.com",
        "Amazon EC2",
        &["StopInstances"],
        Action::Stopped,
        &[
            "requestParameters.instancesSet.items[].instanceId",
            "responseElements.instancesSet.items[].instanceId",
        ],
    ),
    (
        Source::CloudTrail,
        "ec2.amazonaws.com",
        "Amazon EBS",
        &["DeleteVolume"],
        Action::Deleted,
        &["requestParameters.volumeId"],
    ),
    (
        Source::CloudTrail,
        "ec2.amazonaws.com",
        "Amazon EBS",
        &["DeleteSnapshot"],
        Action::Deleted,
        &["requestParameters.snapshotId"],
    ),
    (
        Source::CloudTrail,
        "ec2.amazonaws.com",
        "Amazon EC2",
        &["ReleaseAddress"],
        Action::Deleted,
        &[
            "requestParameters.allocationId",
            "requestParameters.publicIp",
        ],
    ),
    (
        Source::CloudTrail,
        "ec2.amazonaws.com",
        "Amazon VPC",
        &["DeleteNatGateway"],
        Action::Deleted,
        &[
            "requestParameters.DeleteNatGatewayRequest.NatGatewayId",
            "requestParameters.natGatewayId",
        ],
    ),
    (
        Source::CloudTrail,
        "rds.amazonaws.com",
        "Amazon RDS",
        &["DeleteDBInstance"],
        Action::Deleted,
        &["requestParameters.dBInstanceIdentifier"],
    ),
    (
        Source::CloudTrail,
        "rds.amazonaws.com",
        "Amazon RDS",
        &["DeleteDBCluster"],
        Action::Deleted,
        &["requestParameters.dBClusterIdentifier"],
    ),
    (
        Source::CloudTrail,
        "rds.amazonaws.com",
        "Amazon RDS",
        &["StopDBInstance"],
        Action::Stopped,
        &["requestParameters.dBInstanceIdentifier"],
    ),
    (
        Source::CloudTrail,
        "s3.amazonaws.com",
        "Amazon S3",
        &["DeleteBucket"],
        Action::Deleted,
        &["requestParameters.bucketName"],
    ),
];

/// The event table: the user's `[[deletion_event]]` entries first, then the built-in ones.
#[derive(Debug, Clone)]
pub struct EventTable {
    rules: Vec<EventRule>,
}

impl Default for EventTable {
    fn default() -> Self {
        EventTable::new(Vec::new())
    }
}

impl EventTable {
    pub fn new(user: Vec<EventRule>) -> Self {
        let mut rules = user;
        rules.extend(built_in());
        EventTable { rules }
    }

    /// The rule an event of `source` named `name`, recorded by `service`, falls under.
    pub fn find(&self, source: Source, name: &str, service: &str) -> Option<&EventRule> {
        let service = service.to_ascii_lowercase();
        self.rules.iter().find(|r| {
            r.source == source
                && r.name.eq_ignore_ascii_case(name)
                && r.service
                    .as_deref()
                    .is_none_or(|s| service.contains(&s.to_ascii_lowercase()))
        })
    }

    pub fn rules(&self) -> &[EventRule] {
        &self.rules
    }
}

/// The built-in rows, one per event name.
pub fn built_in() -> Vec<EventRule> {
    let mut out = Vec::new();
    for (source, service, product, names, action, ids) in BUILT_IN {
        for name in *names {
            out.push(EventRule {
                source: *source,
                name: (*name).to_string(),
                service: Some((*service).to_string()),
                action: *action,
                product: (*product).to_string(),
                ids: ids.iter().map(|s| (*s).to_string()).collect(),
                origin: "built-in".into(),
            });
        }
    }
    out
}

/// The built-in table as text, for `billrecon deletions --help`: one row per source, product
/// and action, the event names wrapped under their column.
pub fn table_help() -> String {
    const INDENT: usize = 32;
    const WIDTH: usize = 96;
    let mut out = String::from(
        "Built-in deletion and stop events (add more with [[deletion_event]] in --rules):\n",
    );
    for (source, _, product, names, action, _) in BUILT_IN {
        let mut line = format!(
            "  {:<12} {:<10} {:<7} ",
            source.name(),
            product.split_whitespace().last().unwrap_or(product),
            action.name(),
        );
        for (i, name) in names.iter().enumerate() {
            let sep = if i + 1 < names.len() { "," } else { "" };
            if line.len() + name.len() + sep.len() > WIDTH && line.len() > INDENT {
                let _ = writeln!(out, "{}", line.trim_end());
                line = " ".repeat(INDENT);
            }
            line.push_str(name);
            line.push_str(sep);
            line.push(' ');
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

#[derive(Deserialize)]
struct RulesFile {
    #[serde(default)]
    deletion_event: Vec<Spanned<RawEvent>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    source: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    action: Option<Spanned<String>>,
    #[serde(default)]
    service: Option<String>,
    #[serde(default)]
    product: Option<String>,
    /// Paths to the resource IDs in the record (`requestParameters.clusterId`).
    #[serde(default)]
    id_field: Vec<String>,
}

/// Reads the `[[deletion_event]]` entries of a rules file (its `[[rule]]` entries are read by
/// `ingest::rules`).
pub fn read_rules(path: &str) -> Result<Vec<EventRule>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_rules(path, &text)
}

pub fn parse_rules(path: &str, text: &str) -> Result<Vec<EventRule>> {
    let at = |offset: usize| crate::ids::rules_file::location(path, text, offset);
    let file: RulesFile = crate::ids::rules_file::parse_toml(path, text)?;
    let mut out = Vec::new();
    for entry in file.deletion_event {
        let raw = entry.into_inner();
        let Some(source) = Source::parse(raw.source.get_ref()) else {
            return Err(Error::input(
                at(raw.source.span().start),
                format!(
                    "deletion_event: unknown source `{}`: expected cts, actiontrail or cloudtrail",
                    raw.source.get_ref()
                ),
            ));
        };
        let name = raw.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(Error::input(
                at(raw.name.span().start),
                "deletion_event: the name is empty",
            ));
        }
        let action = match &raw.action {
            None => Action::Deleted,
            Some(a) => Action::parse(a.get_ref()).ok_or_else(|| {
                Error::input(
                    at(a.span().start),
                    format!(
                        "deletion_event `{name}`: unknown action `{}`: expected deleted, stopped or unsubscribed",
                        a.get_ref()
                    ),
                )
            })?,
        };
        out.push(EventRule {
            source,
            name,
            service: raw
                .service
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
            action,
            product: raw.product.unwrap_or_default().trim().to_string(),
            ids: raw.id_field,
            origin: path.to_string(),
        });
    }
    Ok(out)
}

/// A record's field, looked up case-sensitively, then ignoring case (exports and SDKs differ).
pub fn field<'a>(rec: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    rec.get(name).or_else(|| {
        rec.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// A field that is an object, or a JSON string holding one (CTS writes `request`, `response`
/// and `user` either way). An empty string or null is absent.
pub fn object_field(rec: &Map<String, Value>, name: &str) -> Option<Map<String, Value>> {
    match field(rec, name)? {
        Value::Object(m) => Some(m.clone()),
        Value::String(s) if s.trim_start().starts_with('{') => {
            match serde_json::from_str::<Value>(s) {
                Ok(Value::Object(m)) => Some(m),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A text field (numbers and booleans as written); empty and null are absent.
pub fn text(rec: &Map<String, Value>, name: &str) -> Option<String> {
    let s = match field(rec, name)? {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty() && !s.eq_ignore_ascii_case("null")).then_some(s)
}

/// The strings found at a path such as `requestParameters.instancesSet.items[].instanceId`:
/// `[]` steps into every element of an array. Each value may be a string (split on `,`), a
/// JSON array written as a string (`"[\"i-1\",\"i-2\"]"`), an array of strings, or a number.
pub fn strings_at(rec: &Map<String, Value>, path: &str) -> Vec<String> {
    let mut current: Vec<Value> = vec![Value::Object(rec.clone())];
    for step in path.split('.') {
        let (key, each) = match step.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (step, false),
        };
        let mut next = Vec::new();
        for v in &current {
            let obj = match v {
                Value::Object(m) => Some(m.clone()),
                Value::String(s) if s.trim_start().starts_with('{') => {
                    serde_json::from_str::<Map<String, Value>>(s).ok()
                }
                _ => None,
            };
            let Some(obj) = obj else { continue };
            let Some(found) = field(&obj, key) else {
                continue;
            };
            match (each, found) {
                (true, Value::Array(items)) => next.extend(items.iter().cloned()),
                (_, v) => next.push(v.clone()),
            }
        }
        current = next;
    }
    let mut out = Vec::new();
    for v in current {
        push_strings(&v, &mut out);
    }
    out
}

fn push_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            let t = s.trim();
            if t.starts_with('[') {
                if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(t) {
                    for i in &items {
                        push_strings(i, out);
                    }
                    return;
                }
            }
            for part in t.split(',') {
                let p = part.trim();
                if !p.is_empty() && !out.iter().any(|o| o == p) {
                    out.push(p.to_string());
                }
            }
        }
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => {
            for i in items {
                push_strings(i, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_table_finds_events_by_source_name_and_service_ignoring_case() {
        let t = EventTable::default();
        let r = t.find(Source::Cts, "DELETEVOLUME", "EVS").unwrap();
        assert_eq!((r.action, r.product.as_str()), (Action::Deleted, "EVS"));
        assert_eq!(
            t.find(Source::Cts, "stopServer", "ECS").unwrap().action,
            Action::Stopped
        );
        // The same name from another service, or another source, is not a deletion.
        assert!(t.find(Source::Cts, "deleteService", "CCE").is_none());
        assert!(t
            .find(Source::ActionTrail, "TerminateInstances", "Ecs")
            .is_none());
        assert!(t
            .find(
                Source::CloudTrail,
                "TerminateInstances",
                "ec2.amazonaws.com"
            )
            .is_some());
    }

    #[test]
    fn user_events_come_first_and_name_their_file() {
        let text = r#"
[[rule]]
pattern = '(?P<id>.+)'

[[deletion_event]]
source = "cts"
name = "deleteDwsCluster"

[[deletion_event]]
source = "CloudTrail"
name = "StopDBInstance"
action = "deleted"
id_field = ["requestParameters.dBInstanceIdentifier"]
"#;
        let user = parse_rules("rules.toml", text).unwrap();
        assert_eq!(user.len(), 2);
        assert_eq!(user[0].action, Action::Deleted);
        assert_eq!(user[0].origin, "rules.toml");
        let t = EventTable::new(user);
        // The user's entry overrides the built-in stop.
        let r = t
            .find(Source::CloudTrail, "StopDBInstance", "rds.amazonaws.com")
            .unwrap();
        assert_eq!(
            (r.action, r.origin.as_str()),
            (Action::Deleted, "rules.toml")
        );
        assert!(t.find(Source::Cts, "deletedwscluster", "DWS").is_some());
    }

    #[test]
    fn bad_deletion_events_name_the_line() {
        for (text, loc, msg) in [
            (
                "[[deletion_event]]\nsource = \"nuke\"\nname = \"x\"",
                "rules.toml:2:10",
                "unknown source `nuke`",
            ),
            (
                "[[deletion_event]]\nsource = \"cts\"\nname = \"x\"\naction = \"gone\"",
                "rules.toml:4:10",
                "unknown action `gone`",
            ),
            (
                "[[deletion_event]]\nsource = \"cts\"\nname = \" \"",
                "rules.toml:3:8",
                "the name is empty",
            ),
            (
                "[[deletion_event]]\nsource = \"cts\"",
                "rules.toml",
                "missing field `name`",
            ),
        ] {
            let e = parse_rules("rules.toml", text).unwrap_err().to_string();
            assert!(e.starts_with(loc), "{e} should start with {loc}");
            assert!(e.contains(msg), "{e} should contain {msg}");
        }
    }

    #[test]
    fn ids_are_found_at_paths_in_every_written_form() {
        let rec = json!({
            "requestParameters": {
                "instancesSet": {"items": [{"instanceId": "i-1"}, {"instanceId": "i-2"}]},
                "InstanceIds": "[\"i-3\",\"i-4\"]",
                "DiskId": "d-1, d-2",
                "Nested": "{\"Id\": 7}"
            }
        });
        let rec = rec.as_object().unwrap();
        let at = |p| strings_at(rec, p);
        assert_eq!(
            at("requestParameters.instancesSet.items[].instanceId"),
            ["i-1", "i-2"]
        );
        assert_eq!(at("requestParameters.instanceids"), ["i-3", "i-4"]);
        assert_eq!(at("requestParameters.DiskId"), ["d-1", "d-2"]);
        assert_eq!(at("requestParameters.Nested.Id"), ["7"]);
        assert!(at("requestParameters.missing").is_empty());
    }

    #[test]
    fn the_help_lists_every_built_in_event() {
        let help = table_help();
        for r in built_in() {
            assert!(help.contains(&r.name), "{} missing from the help", r.name);
        }
    }
}
