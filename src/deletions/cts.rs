//! Huawei Cloud CTS traces: the console's and API's JSON, and the OBS transfer files.
//!
//! Field names and the forms they take (research wave2.md §A.1): `time` in epoch milliseconds,
//! as a number or a digit string, or the legacy text `2016/12/08 11:07:28 GMT+08:00` /
//! `12/01/2016 11:07:28 GMT+08:00`; `trace_status`, the old name of `trace_rating`; `request`,
//! `response` and `user` as objects or as JSON text; `code` absent, a string or a number.

use super::audit::{
    field, object_field, parse_text_time, text, Event, EventTable, Outcome, Record, Source, Target,
};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use serde_json::{Map, Value};

/// Reads one trace.
pub fn read(
    number: u64,
    rec: &Map<String, Value>,
    table: &EventTable,
    tz: FixedOffset,
) -> Result<Record, String> {
    let name = text(rec, "trace_name").ok_or("trace_name is not a text")?;
    let time = match field(rec, "time").filter(|v| !v.is_null()) {
        Some(v) => time_of(v, tz).map_err(|m| format!("time: {m}"))?,
        None => {
            let v = field(rec, "record_time").ok_or("no time")?;
            time_of(v, tz).map_err(|m| format!("record_time: {m}"))?
        }
    };
    let service_type = text(rec, "service_type");
    let resource_type = text(rec, "resource_type");
    let service = format!(
        "{} {}",
        service_type.as_deref().unwrap_or(""),
        resource_type.as_deref().unwrap_or("")
    );
    let mut rule = table.find(Source::Cts, &name, &service).cloned();
    // ModelArts starts and stops a service with the same call; the request says which.
    if name.eq_ignore_ascii_case("startOrStopService") {
        let status = object_field(rec, "request").and_then(|r| text(&r, "status"));
        if !status.is_some_and(|s| s.eq_ignore_ascii_case("stopped")) {
            rule = None;
        }
    }
    Ok(Record {
        number,
        event: Event {
            name,
            service: service.trim().to_string(),
            time,
            event_id: text(rec, "trace_id"),
            user: user(rec),
            region: text(rec, "region_id").or_else(|| text(rec, "region")),
        },
        outcome: outcome(rec),
        targets: if rule.is_some() {
            targets(rec)
        } else {
            Vec::new()
        },
        rule,
        product: service_type.or(resource_type),
        provider: Source::Cts.provider(),
        caveat: None,
    })
}

/// Succeeded: `trace_rating` (or `trace_status`) `normal`; where neither is written, the
/// response's `status` or `error_code`, then a 2xx `code`.
fn outcome(rec: &Map<String, Value>) -> Outcome {
    let response = object_field(rec, "response");
    let error = response.as_ref().and_then(|r| {
        text(r, "error_code")
            .or_else(|| text(r, "error_msg"))
            .or_else(|| text(r, "fail_reason"))
    });
    if let Some(rating) = text(rec, "trace_rating").or_else(|| text(rec, "trace_status")) {
        if rating.eq_ignore_ascii_case("normal") {
            return Outcome::Succeeded;
        }
        return Outcome::Failed(match error {
            Some(e) => format!("trace_rating {rating}, error {e}"),
            None => format!("trace_rating {rating}"),
        });
    }
    if let Some(e) = error {
        return Outcome::Failed(format!("response error {e}"));
    }
    if let Some(r) = &response {
        if let Some(status) = text(r, "status") {
            return if status.eq_ignore_ascii_case("success") {
                Outcome::Succeeded
            } else {
                Outcome::Failed(format!("response status {status}"))
            };
        }
        if r.get("error_code").is_some_and(Value::is_null) {
            return Outcome::Succeeded;
        }
    }
    match text(rec, "code") {
        Some(c) if c.len() == 3 && c.starts_with('2') && c.bytes().all(|b| b.is_ascii_digit()) => {
            Outcome::Succeeded
        }
        Some(c) => Outcome::Failed(format!("code {c}")),
        None => Outcome::Failed(
            "outcome not recorded (no trace_rating, response status or code)".into(),
        ),
    }
}

fn user(rec: &Map<String, Value>) -> Option<String> {
    if let Some(u) = object_field(rec, "user") {
        return text(&u, "name")
            .or_else(|| text(&u, "user_name"))
            .or_else(|| object_field(&u, "domain").and_then(|d| text(&d, "name")))
            .or_else(|| text(&u, "id"));
    }
    if let Some(u) = text(rec, "user") {
        return Some(u);
    }
    text(rec, "trace_type")
        .filter(|t| t.eq_ignore_ascii_case("SystemAction"))
        .map(|_| "system".to_string())
}

/// `resource_id` may list several IDs (a batch `deleteService`), `resource_name` their names
/// in the same order; a trace with names only names its resources by them.
fn targets(rec: &Map<String, Value>) -> Vec<Target> {
    let split = |k: &str| -> Vec<String> {
        text(rec, k)
            .map(|s| {
                s.split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    };
    let (ids, names) = (split("resource_id"), split("resource_name"));
    if ids.is_empty() {
        return names
            .into_iter()
            .map(|id| Target { id, name: None })
            .collect();
    }
    let paired = names.len() == ids.len();
    ids.into_iter()
        .enumerate()
        .map(|(i, id)| {
            let name = paired
                .then(|| names[i].clone())
                .filter(|n| !n.eq_ignore_ascii_case(&id));
            Target { id, name }
        })
        .collect()
}

/// A CTS time: epoch milliseconds (a number or digit string; microseconds and nanoseconds are
/// told apart by size), or text.
pub fn time_of(v: &Value, tz: FixedOffset) -> Result<DateTime<Utc>, String> {
    match v {
        Value::Number(n) => match n.as_u64() {
            Some(ms) => epoch(ms as u128, &n.to_string()),
            None => Err(format!("`{n}` is not a time in epoch milliseconds")),
        },
        Value::String(s) => {
            let t = s.trim();
            if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
                return match t.parse::<u128>() {
                    Ok(n) => epoch(n, t),
                    Err(_) => Err(format!("`{t}` is not a time in epoch milliseconds")),
                };
            }
            legacy(t, tz)
        }
        other => Err(format!("{other} is not a time")),
    }
}

const MS_2000: u128 = 946_684_800_000;
/// 9999-12-31T23:59:59.999Z: later times have no four-digit year to write back.
const MS_MAX: u128 = 253_402_300_799_999;

fn epoch(n: u128, shown: &str) -> Result<DateTime<Utc>, String> {
    // Milliseconds since 1970 run to 13 digits until the year 2286 (14 until 5138); 15 to 17
    // digits are microseconds and 18 or more nanoseconds (CTS writes `record_time` so).
    let (ms, unit) = if n >= 100_000_000_000_000_000 {
        (n / 1_000_000, "nanoseconds")
    } else if n >= 100_000_000_000_000 {
        (n / 1_000, "microseconds")
    } else {
        (n, "milliseconds")
    };
    if (946_684_800..10_000_000_000).contains(&n) {
        return Err(format!(
            "`{shown}` looks like seconds since 1970; CTS writes milliseconds"
        ));
    }
    if !(MS_2000..=MS_MAX).contains(&ms) {
        return Err(format!(
            "`{shown}`, read as {unit} since 1970, is not a time between the years 2000 and 9999"
        ));
    }
    i64::try_from(ms)
        .ok()
        .and_then(|ms| Utc.timestamp_millis_opt(ms).single())
        .ok_or_else(|| format!("`{shown}` is out of range"))
}

/// `2016/12/08 11:07:28 GMT+08:00`, `12/01/2016 11:07:28 GMT+08:00` or RFC 3339.
fn legacy(t: &str, tz: FixedOffset) -> Result<DateTime<Utc>, String> {
    let b = t.as_bytes();
    // Month first: `MM/dd/yyyy` (one-digit months and days too).
    let month_first = b.iter().position(|c| *c == b'/').is_some_and(|i| i <= 2);
    if month_first {
        let mut parts = t.splitn(3, '/');
        if let (Some(m), Some(d), Some(rest)) = (parts.next(), parts.next(), parts.next()) {
            if rest.len() >= 4 && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
                let reordered = format!("{}/{m}/{d}{}", &rest[..4], &rest[4..]);
                return parse_text_time(&reordered, tz).map_err(|_| expected(t));
            }
        }
        return Err(expected(t));
    }
    parse_text_time(t, tz).map_err(|_| expected(t))
}

fn expected(t: &str) -> String {
    format!("`{t}` is not a time: expected epoch milliseconds, `yyyy/MM/dd HH:mm:ss GMT+08:00` or RFC 3339")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Action;
    use serde_json::json;

    fn tz8() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    fn at(v: Value) -> Result<String, String> {
        time_of(&v, tz8()).map(crate::time::rfc3339)
    }

    #[test]
    fn every_published_time_form_reads() {
        let want = Ok("2024-06-19T06:32:58.419Z".to_string());
        assert_eq!(at(json!(1718778778419u64)), want);
        assert_eq!(at(json!("1718778778419")), want);
        assert_eq!(at(json!("1718778778419000")), want);
        assert_eq!(at(json!("1718778778419000000")), want);
        let legacy = Ok("2016-12-08T03:07:28Z".to_string());
        assert_eq!(at(json!("2016/12/08 11:07:28 GMT+08:00")), legacy);
        assert_eq!(at(json!("12/08/2016 11:07:28 GMT+08:00")), legacy);
        assert_eq!(at(json!("2016-12-08T03:07:28Z")), legacy);
        // Without an offset: --tz.
        assert_eq!(at(json!("2016/12/08 11:07:28")), legacy);
    }

    #[test]
    fn times_that_are_not_say_why() {
        for (v, msg) in [
            (json!(1718778778), "looks like seconds"),
            (
                json!("12"),
                "read as milliseconds since 1970, is not a time between the years 2000",
            ),
            (
                json!("234692335682554"),
                "read as microseconds since 1970, is not a time between",
            ),
            (json!("yesterday"), "`yesterday` is not a time"),
            (json!("2024/06/19"), "is not a time"),
            (json!(-5), "not a time in epoch milliseconds"),
            (json!(1.5), "not a time in epoch milliseconds"),
            (json!(null), "null is not a time"),
            (json!("13/45/2016 11:07:28"), "is not a time"),
            (
                json!("99999999999999999999999999999999999999999"),
                "not a time in epoch",
            ),
        ] {
            let e = at(v.clone()).unwrap_err();
            assert!(e.contains(msg), "{v}: {e}");
        }
    }

    fn read_one(v: Value) -> Record {
        read(1, v.as_object().unwrap(), &EventTable::default(), tz8()).unwrap()
    }

    /// Huawei's own `deleteVolume` example (wave2.md §A.1): no `code`, `response` as text.
    fn delete_volume() -> Value {
        json!({"trace_id":"c4ddaa0b-2e05-11ef-bdc6-e1851d8cb7fb","trace_name":"deleteVolume",
            "resource_type":"evs","trace_rating":"normal","trace_type":"ConsoleAction",
            "service_type":"EVS","event_type":"system","read_only":false,
            "resource_id":"bc661a99-3088-4e86-899f-fb4f46c2bb71","time":1718778778419u64,
            "user":{"name":"IAMUserA","domain":{"name":"IAMDomainB"},"type":"User"},
            "request":"",
            "response":"{\"status\":\"SUCCESS\",\"error_code\":null,\"entities\":{\"name\":\"volume-d64d\"}}",
            "resource_name":"volume-d64d"})
    }

    #[test]
    fn the_published_delete_volume_trace_is_a_deletion() {
        let r = read_one(delete_volume());
        assert_eq!(r.outcome, Outcome::Succeeded);
        assert_eq!(r.rule.unwrap().action, Action::Deleted);
        assert_eq!(r.event.user.as_deref(), Some("IAMUserA"));
        assert_eq!(r.product.as_deref(), Some("EVS"));
        assert_eq!(
            r.targets,
            [Target {
                id: "bc661a99-3088-4e86-899f-fb4f46c2bb71".into(),
                name: Some("volume-d64d".into())
            }]
        );
    }

    #[test]
    fn success_is_the_rating_then_the_response_then_the_code() {
        let with = |patch: Value| {
            let mut v = delete_volume();
            let m = v.as_object_mut().unwrap();
            m.remove("trace_rating");
            m.remove("response");
            for (k, x) in patch.as_object().unwrap() {
                m.insert(k.clone(), x.clone());
            }
            read_one(v).outcome
        };
        let failed = |s: &str| Outcome::Failed(s.to_string());
        assert_eq!(with(json!({"trace_status":"normal"})), Outcome::Succeeded);
        assert_eq!(
            with(json!({"trace_rating":"warning","response":{"error_code":"EVS.2024"}})),
            failed("trace_rating warning, error EVS.2024")
        );
        assert_eq!(
            with(json!({"trace_rating":"incident"})),
            failed("trace_rating incident")
        );
        assert_eq!(
            with(json!({"response":"{\"status\":\"SUCCESS\"}"})),
            Outcome::Succeeded
        );
        assert_eq!(
            with(json!({"response":{"status":"FAIL"}})),
            failed("response status FAIL")
        );
        assert_eq!(
            with(json!({"response":{"error_code":null}})),
            Outcome::Succeeded
        );
        assert_eq!(with(json!({"code":"204"})), Outcome::Succeeded);
        assert_eq!(with(json!({"code":200})), Outcome::Succeeded);
        assert_eq!(with(json!({"code":"404"})), failed("code 404"));
        assert!(matches!(with(json!({})), Outcome::Failed(m) if m.contains("not recorded")));
    }

    #[test]
    fn a_batch_names_each_resource_and_its_name() {
        let r = read_one(
            json!({"trace_name":"deleteService","service_type":"ModelArts",
            "trace_rating":"normal","time":1718778778419u64,
            "resource_id":"u-1, u-2","resource_name":"svc-a,svc-b"}),
        );
        assert_eq!(
            r.targets,
            [
                Target {
                    id: "u-1".into(),
                    name: Some("svc-a".into())
                },
                Target {
                    id: "u-2".into(),
                    name: Some("svc-b".into())
                },
            ]
        );
        let r = read_one(
            json!({"trace_name":"deleteService","service_type":"ModelArts",
            "trace_rating":"normal","time":1718778778419u64,"resource_name":"svc-a"}),
        );
        assert_eq!(
            r.targets,
            [Target {
                id: "svc-a".into(),
                name: None
            }]
        );
    }

    #[test]
    fn start_or_stop_is_a_stop_only_when_the_request_says_stopped() {
        let ev = |req: &str| {
            read_one(
                json!({"trace_name":"startOrStopService","service_type":"ModelArts",
                "trace_rating":"normal","time":1718778778419u64,"resource_id":"u-1",
                "request":req}),
            )
            .rule
            .map(|r| r.action)
        };
        assert_eq!(ev("{\"status\":\"stopped\"}"), Some(Action::Stopped));
        assert_eq!(ev("{\"status\":\"running\"}"), None);
        assert_eq!(ev(""), None);
    }

    #[test]
    fn other_events_have_no_rule_and_system_actions_a_user() {
        let r = read_one(json!({"trace_name":"listServers","service_type":"ECS",
            "trace_type":"SystemAction","user":null,"time":"1718778778419"}));
        assert!(r.rule.is_none());
        assert!(r.targets.is_empty());
        assert_eq!(r.event.user.as_deref(), Some("system"));
    }
}
