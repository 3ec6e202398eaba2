//! What a `--deleted` file is, from its content (never its name): a CSV register, or JSON
//! holding audit records, in any of the shapes the clouds write (an array, one object per line
//! or concatenated objects, an API response wrapping the array, a single object); and which
//! audit source a record comes from, or, when none, the closest one and what it lacks.
//!
//! Records are streamed one at a time, so a month of traces in one file is never held whole.

use super::audit::{field, Source};
use crate::error::{Error, Location, Result};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use std::io::{BufRead, Read};

/// What the first bytes of a `--deleted` file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Content {
    /// JSON: audit records or a cleanup report.
    Json,
    /// Anything else is read as the CSV register.
    Csv,
}

/// Looks at the first byte that is not white space, without consuming anything but white space
/// at the start of a stream that holds nothing else within its first buffer.
pub fn sniff(reader: &mut dyn BufRead) -> std::io::Result<Content> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(Content::Csv);
        }
        match buf.iter().position(|b| !b.is_ascii_whitespace()) {
            Some(i) => {
                return Ok(if matches!(buf[i], b'[' | b'{') {
                    Content::Json
                } else {
                    Content::Csv
                })
            }
            None => {
                let n = buf.len();
                reader.consume(n);
            }
        }
    }
}

/// Keys under which API responses and log files wrap their records.
const WRAPPERS: [&str; 3] = ["traces", "events", "records"];

/// Calls `f` with every record the JSON text holds, numbered from 1 in file order. Returns
/// how many top-level values were read. `name` is what messages call the file.
pub fn records<'f>(
    name: &'f str,
    reader: impl Read,
    f: &'f mut dyn FnMut(u64, Map<String, Value>) -> Result<()>,
) -> Result<u64> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut state = State {
        name,
        f,
        count: 0,
        failed: None,
        started: false,
        wrapped: false,
    };
    let mut values = 0;
    loop {
        state.started = false;
        state.wrapped = false;
        let top = TopSeed { state: &mut state }.deserialize(&mut de);
        if let Some(e) = state.failed.take() {
            return Err(e);
        }
        match top {
            Ok(Top::Record(rec)) => {
                state.count += 1;
                (state.f)(state.count, rec)?;
            }
            Ok(Top::Wrapper) => {}
            Ok(Top::Other(what)) => {
                return Err(Error::input(
                    Location::file(name),
                    format!(
                        "value {} of the JSON text is {what}, not an object or an array of records",
                        values + 1
                    ),
                ));
            }
            // Only white space left after the last value: the end.
            Err(e) if e.is_eof() && !state.started => return Ok(values),
            Err(e) => return Err(json_error(name, e)),
        }
        values += 1;
    }
}

/// A JSON syntax error at its line and column; an I/O error (a cut gzip stream) as such.
pub fn json_error(name: &str, e: serde_json::Error) -> Error {
    if e.is_io() {
        return crate::ingest::source::read_error(name, std::io::Error::from(e));
    }
    let msg = e.to_string();
    // serde_json appends " at line L column C"; the location goes in front instead.
    let msg = msg
        .rsplit_once(" at line ")
        .map_or(msg.as_str(), |(m, _)| m)
        .to_string();
    Error::input(
        Location::at(name, e.line() as u64, Some(e.column())),
        format!("not valid JSON: {msg}"),
    )
}

struct State<'f> {
    name: &'f str,
    f: &'f mut dyn FnMut(u64, Map<String, Value>) -> Result<()>,
    count: u64,
    /// The first error a record gave: reading stops there.
    failed: Option<Error>,
    /// Whether the current top-level value has begun (an end of input before it is the end).
    started: bool,
    wrapped: bool,
}

impl State<'_> {
    fn record<E: de::Error>(&mut self, v: Value) -> Result<(), E> {
        self.count += 1;
        let n = self.count;
        let outcome = match v {
            Value::Object(m) => (self.f)(n, m),
            other => Err(Error::input(
                Location::file(self.name),
                format!("record {n} is {}, not an object", kind(&other)),
            )),
        };
        outcome.map_err(|e| {
            self.failed = Some(e);
            E::custom("stopped")
        })
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

enum Top {
    /// A single object that is not a wrapper: one record (or a cloud-nuke report).
    Record(Map<String, Value>),
    /// An array, or an object wrapping one: its records were handed over one by one.
    Wrapper,
    Other(&'static str),
}

struct TopSeed<'s, 'f> {
    state: &'s mut State<'f>,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_> {
    type Value = Top;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Top, D::Error> {
        d.deserialize_any(TopVisitor { state: self.state })
    }
}

struct TopVisitor<'s, 'f> {
    state: &'s mut State<'f>,
}

impl<'de> Visitor<'de> for TopVisitor<'_, '_> {
    type Value = Top;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array or object of audit records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
        self.state.started = true;
        while let Some(v) = seq.next_element::<Value>()? {
            self.state.record(v)?;
        }
        Ok(Top::Wrapper)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        self.state.started = true;
        let mut rest = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if !self.state.wrapped && WRAPPERS.iter().any(|w| w.eq_ignore_ascii_case(&key)) {
                match map.next_value_seed(ArraySeed { state: self.state })? {
                    None => self.state.wrapped = true,
                    // Not an array after all: an ordinary field.
                    Some(v) => {
                        rest.insert(key, v);
                    }
                }
            } else {
                let v: Value = map.next_value()?;
                rest.insert(key, v);
            }
        }
        Ok(if self.state.wrapped {
            Top::Wrapper
        } else {
            Top::Record(rest)
        })
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Top, E> {
        self.state.started = true;
        Ok(Top::Other("a boolean"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Top, E> {
        self.state.started = true;
        Ok(Top::Other("a number"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Top, E> {
        self.state.started = true;
        Ok(Top::Other("a number"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Top, E> {
        self.state.started = true;
        Ok(Top::Other("a number"))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Top, E> {
        self.state.started = true;
        Ok(Top::Other("a string"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Top, E> {
        self.state.started = true;
        Ok(Top::Other("null"))
    }
}

/// The value of a wrapper key: an array's elements are records (`None` back); anything else
/// is kept as a value.
struct ArraySeed<'s, 'f> {
    state: &'s mut State<'f>,
}

impl<'de> DeserializeSeed<'de> for ArraySeed<'_, '_> {
    type Value = Option<Value>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        d.deserialize_any(ArrayVisitor { state: self.state })
    }
}

struct ArrayVisitor<'s, 'f> {
    state: &'s mut State<'f>,
}

impl<'de> Visitor<'de> for ArrayVisitor<'_, '_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Value>, A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            self.state.record(v)?;
        }
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Value>, A::Error> {
        use serde::Deserialize;
        Value::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Option<Value>, E> {
        Ok(Some(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<Value>, E> {
        Ok(Some(Value::from(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<Value>, E> {
        Ok(Some(Value::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<Value>, E> {
        Ok(Some(Value::from(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<Value>, E> {
        Ok(Some(Value::from(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<Value>, E> {
        Ok(Some(Value::Null))
    }
}

/// The fields each source's records carry: `required` to read one, `typical` to recognise
/// the closest source of a record that is none.
struct Signature {
    source: Source,
    required: &'static [&'static str],
    typical: &'static [&'static str],
}

const SIGNATURES: [Signature; 4] = [
    Signature {
        source: Source::Cts,
        required: &["trace_name", "time"],
        typical: &[
            "trace_id",
            "trace_type",
            "trace_rating",
            "trace_status",
            "service_type",
            "resource_type",
            "resource_id",
            "resource_name",
            "record_time",
            "source_ip",
            "tracker_name",
            "event_type",
        ],
    },
    Signature {
        source: Source::ActionTrail,
        required: &["eventName", "eventTime"],
        typical: &[
            "eventId",
            "acsRegion",
            "serviceName",
            "eventSource",
            "eventRW",
            "referencedResources",
            "requestParameterJson",
            "resourceName",
            "userIdentity",
            "requestParameters",
        ],
    },
    Signature {
        source: Source::CloudTrail,
        required: &["eventName", "eventTime", "eventSource"],
        typical: &[
            "eventID",
            "awsRegion",
            "eventVersion",
            "recipientAccountId",
            "responseElements",
            "managementEvent",
            "readOnly",
            "userIdentity",
            "requestParameters",
        ],
    },
    Signature {
        source: Source::CloudNuke,
        required: &["timestamp", "resources"],
        typical: &["command", "found", "summary", "regions", "general_errors"],
    },
];

/// Which source a record comes from; `Err` says which is closest and what it lacks.
pub fn source_of(rec: &Map<String, Value>) -> std::result::Result<Source, String> {
    // ActionTrail events exported from SLS sit under `event` (or are flattened as `event.…`).
    if let Some(inner) = super::actiontrail::unwrap(rec) {
        if field(&inner, "eventName").is_some() && field(&inner, "eventTime").is_some() {
            return Ok(Source::ActionTrail);
        }
    }
    let has = |k: &str| field(rec, k).is_some_and(|v| !v.is_null());
    if has("digestStartTime") || has("digestEndTime") {
        return Err(
            "a CloudTrail digest file (hashes of log files, no events): leave it out".into(),
        );
    }
    if has("trace_name") && (has("time") || has("record_time")) {
        return Ok(Source::Cts);
    }
    if has("timestamp") && matches!(field(rec, "resources"), Some(Value::Array(_))) {
        return Ok(Source::CloudNuke);
    }
    if has("eventName") && has("eventTime") {
        let source = super::audit::text(rec, "eventSource").unwrap_or_default();
        let aws =
            has("awsRegion") || source.ends_with(".amazonaws.com") || rec.contains_key("eventID");
        let ali = has("acsRegion")
            || source.contains("aliyuncs.com")
            || has("serviceName")
            || rec.contains_key("eventId");
        match (aws, ali) {
            (true, false) => return Ok(Source::CloudTrail),
            (false, true) => return Ok(Source::ActionTrail),
            _ => {}
        }
        return Err(
            "an event with eventName and eventTime, but neither an AWS CloudTrail record (awsRegion, eventID, an eventSource ending .amazonaws.com) nor an Alibaba Cloud ActionTrail event (acsRegion, eventId, serviceName)".into(),
        );
    }
    // None fits: the source with most of its fields present is the closest.
    let score = |s: &Signature| {
        s.required
            .iter()
            .chain(s.typical)
            .filter(|k| has(k))
            .count()
    };
    let best = SIGNATURES
        .iter()
        .max_by_key(|s| score(s))
        .filter(|s| score(s) > 0);
    match best {
        Some(s) => {
            let lacking: Vec<&str> = s.required.iter().copied().filter(|k| !has(k)).collect();
            let present: Vec<&str> = s
                .required
                .iter()
                .chain(s.typical)
                .copied()
                .filter(|k| has(k))
                .collect();
            Err(format!(
                "no known audit format: closest is {} (it has {}), but it lacks {}",
                s.source.label(),
                present.join(", "),
                lacking.join(", ")
            ))
        }
        None => {
            let mut keys: Vec<&str> = rec.keys().map(String::as_str).take(8).collect();
            if rec.len() > 8 {
                keys.push("…");
            }
            Err(format!(
                "no known audit format (fields: {}): expected Huawei Cloud CTS traces (trace_name, time), Alibaba Cloud ActionTrail or AWS CloudTrail events (eventName, eventTime), or a cloud-nuke JSON report (timestamp, resources)",
                if keys.is_empty() { "none".to_string() } else { keys.join(", ") }
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(text: &str) -> Result<Vec<(u64, Map<String, Value>)>> {
        let mut out = Vec::new();
        records("t.json", text.as_bytes(), &mut |n, r| {
            out.push((n, r));
            Ok(())
        })?;
        Ok(out)
    }

    fn ids(text: &str) -> Vec<(u64, String)> {
        read(text)
            .unwrap()
            .into_iter()
            .map(|(n, r)| (n, r["id"].to_string()))
            .collect()
    }

    #[test]
    fn every_shape_gives_the_same_records() {
        let want = vec![(1, "1".to_string()), (2, "2".to_string())];
        for text in [
            r#"[{"id":1},{"id":2}]"#,
            "{\"id\":1}\n{\"id\":2}\n",
            "{\"id\":1}{\"id\":2}",
            r#"{"meta_data":{"count":2},"traces":[{"id":1},{"id":2}]}"#,
            r#"{"RequestId":"x","Events":[{"id":1},{"id":2}],"NextToken":""}"#,
            r#"{"Records":[{"id":1}]} {"Records":[{"id":2}]}"#,
            "\n\n  [{\"id\":1}]\n[{\"id\":2}]  \n",
        ] {
            assert_eq!(ids(text), want, "{text}");
        }
        assert_eq!(ids(r#"{"id":1,"records":5}"#), [(1, "1".to_string())]);
        assert!(read("").unwrap().is_empty());
        assert!(read("[]").unwrap().is_empty());
    }

    #[test]
    fn broken_json_names_line_and_column() {
        let e = read("[{\"id\":1},\n{\"id\":}]").unwrap_err().to_string();
        assert!(
            e.starts_with("t.json:2:7: not valid JSON: expected value"),
            "{e}"
        );
        let e = read("{\"Records\":[{\"id\":1}").unwrap_err().to_string();
        assert!(e.starts_with("t.json:1:"), "{e}");
        assert!(e.contains("EOF"), "{e}");
        let e = read("[1]").unwrap_err().to_string();
        assert!(e.contains("record 1 is a number, not an object"), "{e}");
        let e = read("{\"id\":1} 7").unwrap_err().to_string();
        assert!(e.contains("value 2 of the JSON text is a number"), "{e}");
    }

    #[test]
    fn a_record_the_reader_refuses_stops_reading() {
        let mut seen = 0;
        let e = records("t.json", &b"[{},{},{}]"[..], &mut |n, _| {
            seen += 1;
            if n == 2 {
                Err(Error::input(Location::file("t.json"), "record 2: bad"))
            } else {
                Ok(())
            }
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "t.json: record 2: bad");
        assert_eq!(seen, 2);
    }

    #[test]
    fn sources_are_told_apart_by_their_fields() {
        let of = |v: Value| source_of(v.as_object().unwrap());
        assert_eq!(
            of(json!({"trace_name":"deleteVolume","time":1})),
            Ok(Source::Cts)
        );
        assert_eq!(
            of(json!({"eventName":"DeleteInstance","eventTime":"t","acsRegion":"cn-beijing"})),
            Ok(Source::ActionTrail)
        );
        assert_eq!(
            of(
                json!({"eventName":"TerminateInstances","eventTime":"t","eventSource":"ec2.amazonaws.com"})
            ),
            Ok(Source::CloudTrail)
        );
        assert_eq!(
            of(json!({"timestamp":"t","command":"aws","resources":[]})),
            Ok(Source::CloudNuke)
        );
        let e = of(json!({"eventName":"TerminateInstances","eventSource":"ec2.amazonaws.com","awsRegion":"us-east-1"})).unwrap_err();
        assert!(e.contains("closest is AWS CloudTrail records"), "{e}");
        assert!(e.ends_with("lacks eventTime"), "{e}");
        let e = of(json!({"trace_id":"x","trace_rating":"normal","time":1})).unwrap_err();
        assert!(e.contains("closest is Huawei Cloud CTS traces"), "{e}");
        assert!(e.ends_with("lacks trace_name"), "{e}");
        let e = of(json!({"a":1})).unwrap_err();
        assert!(e.contains("fields: a"), "{e}");
        assert!(of(json!({"digestStartTime":"x"}))
            .unwrap_err()
            .contains("digest"));
        // SLS exports of ActionTrail, nested or flattened.
        assert_eq!(
            of(json!({"__topic__":"actiontrail_audit_event",
                "event":{"eventName":"DeleteInstance","eventTime":"t"}})),
            Ok(Source::ActionTrail)
        );
        assert_eq!(
            of(json!({"event.eventName":"DeleteInstance","event.eventTime":"t"})),
            Ok(Source::ActionTrail)
        );
        // `aws cloudtrail lookup-events` entries.
        assert_eq!(
            of(
                json!({"EventId":"e","EventName":"TerminateInstances","EventTime":"t",
                "EventSource":"ec2.amazonaws.com","CloudTrailEvent":"{}"})
            ),
            Ok(Source::CloudTrail)
        );
    }

    #[test]
    fn content_is_sniffed_past_leading_white_space() {
        let mut r = std::io::BufReader::new(&b"  \n{\"a\":1}"[..]);
        assert_eq!(sniff(&mut r).unwrap(), Content::Json);
        let mut rest = String::new();
        r.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "  \n{\"a\":1}", "nothing is consumed");
        let mut r = std::io::BufReader::new(&b"resource_id,deleted_at\n"[..]);
        assert_eq!(sniff(&mut r).unwrap(), Content::Csv);
    }
}
