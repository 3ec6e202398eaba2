//! Properties that must hold for any bill: normalization is idempotent, a later deletion never
//! turns `stopped` into `still_billing`, a line dated before a deletion never makes it
//! `still_billing`, and splitting or repeating an export never changes the verdicts.

use billrecon::ids::normalize::{IdContext, Normalizer};
use proptest::prelude::*;
use serde_json::Value;
use std::path::Path;

const HEADER: &str = "订单号/交易号,产品类型编码,产品类型,使用开始时间,使用结束时间,账单类型,资源ID,使用量,应付金额(¥)";

#[derive(Debug, Clone)]
struct Line {
    resource: usize,
    hour: u32,
    kind: &'static str,
    usage: &'static str,
    amount: &'static str,
}

fn line() -> impl Strategy<Value = Line> {
    (
        0..4usize,
        0..48u32,
        prop::sample::select(vec!["消费-使用", "消费-使用", "退款-退订", "消费-续订"]),
        prop::sample::select(vec!["0", "1", "0.5"]),
        prop::sample::select(vec!["0", "1.50000000", "-2.00", "3.46"]),
    )
        .prop_map(|(resource, hour, kind, usage, amount)| Line {
            resource,
            hour,
            kind,
            usage,
            amount,
        })
}

fn at(hour: u32) -> String {
    format!("2026-10-{:02} {:02}:00:00", 10 + hour / 24, hour % 24)
}

fn csv(lines: &[(usize, Line)]) -> String {
    let mut out = format!("{HEADER}\n");
    for (n, l) in lines {
        out.push_str(&format!(
            "T{n:05},hws.service.type.ec2,ECS,{},{},{},ecs-{},{},{}\n",
            at(l.hour),
            at(l.hour + 1),
            l.kind,
            l.resource,
            l.usage,
            l.amount
        ));
    }
    out
}

fn register(minutes: &[u32]) -> String {
    let mut out = "resource_id,deleted_at\n".to_string();
    for (i, m) in minutes.iter().enumerate() {
        out.push_str(&format!(
            "ecs-{i},2026-10-10T{:02}:{:02}:00+08:00\n",
            m / 60 % 24,
            m % 60
        ));
    }
    out
}

/// Runs `check -f json` and returns resource ID → (verdict, amount, lines after, tail lines).
fn verdicts(
    dir: &Path,
    register: &str,
    exports: &[String],
) -> Vec<(String, String, String, u64, u64)> {
    std::fs::write(dir.join("reg.csv"), register).unwrap();
    let mut cmd = crate::util::billrecon();
    cmd.arg("check")
        .arg("--deleted")
        .arg(dir.join("reg.csv"))
        .args(["-f", "json", "-q", "--exit-zero"]);
    for (i, text) in exports.iter().enumerate() {
        let p = dir.join(format!("export-{i}.csv"));
        std::fs::write(&p, text).unwrap();
        cmd.arg(p);
    }
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut rows: Vec<_> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["resource_id"].as_str().unwrap().to_string(),
                r["verdict"].as_str().unwrap().to_string(),
                r["amount_after_deletion"].to_string(),
                r["lines_after_deletion"].as_u64().unwrap(),
                r["tail_lines"].as_u64().unwrap(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn numbered(lines: Vec<Line>) -> Vec<(usize, Line)> {
    lines.into_iter().enumerate().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn normalizing_twice_changes_nothing(
        name in "[a-zA-Z][a-zA-Z0-9-]{0,12}",
        uuids in prop::collection::vec("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", 0..3),
        prefix in prop::sample::select(vec!["", "arn:aws:ec2:us-east-1:1:instance/", "//compute.googleapis.com/projects/p/instances/"]),
        product in prop::sample::select(vec!["hws.service.type.ma", "hws.service.type.ec2"]),
    ) {
        let id = format!("{prefix}{name}{}", uuids.iter().map(|u| format!("-{u}")).collect::<String>());
        let n = Normalizer::default();
        let ctx = IdContext { provider: "huawei", format: "huawei", product_code: product, product_name: "" };
        let once = n.normalize(&ctx, &id).0.to_string();
        let twice = n.normalize(&ctx, &once).0.to_string();
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn a_later_deletion_never_turns_stopped_into_still_billing(
        lines in prop::collection::vec(line(), 1..24),
        minutes in prop::collection::vec(0..(20 * 60u32), 4),
        delay in 0..(20 * 60u32),
    ) {
        let dir = tempdir();
        let export = vec![csv(&numbered(lines))];
        let before = verdicts(dir.path(), &register(&minutes), &export);
        let later: Vec<u32> = minutes.iter().map(|m| (m + delay).min(23 * 60 + 59)).collect();
        let after = verdicts(dir.path(), &register(&later), &export);
        for (b, a) in before.iter().zip(&after) {
            prop_assert!(!(b.1 == "stopped" && a.1 == "still_billing"), "{b:?} became {a:?}");
        }
    }

    #[test]
    fn a_line_before_the_deletion_never_makes_a_resource_still_billing(
        lines in prop::collection::vec(line(), 0..16),
        minutes in prop::collection::vec(600..(23 * 60u32), 4),
        extra in line(),
    ) {
        let dir = tempdir();
        let reg = register(&minutes);
        let mut all = numbered(lines);
        let before = verdicts(dir.path(), &reg, &[csv(&all)]);
        // An hour that ends at or before the deletion of its resource.
        let hour = minutes[extra.resource] / 60;
        prop_assume!(hour >= 1);
        all.push((999, Line { hour: hour - 1, ..extra }));
        let after = verdicts(dir.path(), &reg, &[csv(&all)]);
        for (b, a) in before.iter().zip(&after) {
            prop_assert!(b.1 == "still_billing" || a.1 != "still_billing", "{b:?} became {a:?}");
        }
    }

    #[test]
    fn splitting_or_repeating_an_export_changes_no_verdict(
        lines in prop::collection::vec(line(), 1..24),
        minutes in prop::collection::vec(0..(24 * 60u32), 4),
        cut in any::<prop::sample::Index>(),
    ) {
        let dir = tempdir();
        let reg = register(&minutes);
        let all = numbered(lines);
        let whole = verdicts(dir.path(), &reg, &[csv(&all)]);
        let at = cut.index(all.len() + 1);
        let split = verdicts(dir.path(), &reg, &[csv(&all[..at]), csv(&all[at..])]);
        prop_assert_eq!(&whole, &split);
        let twice = verdicts(dir.path(), &reg, &[csv(&all), csv(&all)]);
        prop_assert_eq!(&whole, &twice);
    }
}

/// A scratch directory removed when dropped.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tempdir() -> TempDir {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let p = std::env::temp_dir().join(format!(
        "billrecon-prop-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&p).unwrap();
    TempDir(p)
}

/// A deletion as an audit log may give it: any text for the ID and name (quotes, spaces,
/// formula characters, non-ASCII), any time of the years the register reads, any action.
fn derived_deletion() -> impl Strategy<Value = billrecon::model::Deletion> {
    use billrecon::model::{Action, AuditRecord, Deletion, Origin};
    use chrono::TimeZone;
    (
        "[ '\"=+@a-zA-Z0-9,;\u{200b}\u{a0}资-]{1,12}",
        prop::option::of("[ '=a-z0-9,\u{4e00}-]{1,8}"),
        // 2000 to 5000: CTS writes milliseconds, which read as such until the year 5138.
        946_684_800i64..95_617_584_000,
        0..1000u32,
        prop::sample::select(vec![Action::Deleted, Action::Stopped, Action::Unsubscribed]),
        prop::sample::select(vec!["huawei", "alibaba", "aws", "gcp"]),
        "[ -~]{0,20}",
    )
        .prop_map(|(id, name, secs, ms, action, provider, note)| Deletion {
            resource_id: Some(id),
            resource_name: name,
            deleted_at: chrono::Utc.timestamp_opt(secs, ms * 1_000_000).unwrap(),
            action,
            provider: Some(provider.into()),
            note: Some(note),
            origin: Origin::record(
                "t.json".into(),
                AuditRecord {
                    record: 1,
                    ..AuditRecord::default()
                },
            ),
            ..Deletion::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// What `billrecon deletions` writes, `--deleted` reads back to the same resources, times
    /// and actions: the derived register can be edited and passed back.
    #[test]
    fn the_derived_register_reads_back_as_written(rows in prop::collection::vec(derived_deletion(), 0..6)) {
        use billrecon::deletions::{merge, register};
        // What an audit log gives is cleaned like a register cell, as `deletions` does.
        let mut data = Vec::new();
        for d in &rows {
            let v = serde_json::json!({"trace_name": if d.action.is_stop() { "stopServer" } else { "deleteServer" },
                "service_type": "ECS", "trace_rating": "normal",
                "time": d.deleted_at.timestamp_millis(),
                "resource_id": d.resource_id, "resource_name": d.resource_name});
            data.push(v);
        }
        let table = billrecon::deletions::audit::EventTable::default();
        let opts = billrecon::deletions::ReadOptions {
            tz: chrono::FixedOffset::east_opt(8 * 3600).unwrap(),
            skip_bad_rows: false,
            events: &table,
        };
        let text = serde_json::to_vec(&data).unwrap();
        let (derived, _, _) =
            billrecon::deletions::read_json("t.json", text.as_slice(), &opts).unwrap();
        let (merged, _) = merge(derived);
        let mut csv = Vec::new();
        register::write(&merged, &mut csv).unwrap();
        let src = billrecon::ingest::source::from_reader("r.csv", Box::new(std::io::Cursor::new(csv.clone()))).unwrap();
        let (back, _) = register::read_from("r.csv", src, opts.tz).unwrap();
        let key = |d: &billrecon::model::Deletion| {
            (d.resource_id.clone(), d.resource_name.clone(), d.deleted_at, d.action, d.provider.clone())
        };
        let mut a: Vec<_> = merged.iter().map(key).collect();
        let mut b: Vec<_> = back.iter().map(key).collect();
        a.sort();
        b.sort();
        prop_assert_eq!(a, b, "{}", String::from_utf8_lossy(&csv));
    }
}

/// How a copy of an export may reach billrecon a second time.
#[derive(Debug, Clone, Copy)]
enum Container {
    Utf8,
    Gb18030,
    Gzip,
    Zip,
    Parquet,
}

/// `text` (a CSV export) written as `copy`, at `dir/copy-N.EXT`.
fn write_copy(dir: &Path, n: usize, text: &str, copy: Container) -> std::path::PathBuf {
    use std::io::Write;
    let (ext, bytes) = match copy {
        Container::Utf8 => ("csv", text.as_bytes().to_vec()),
        Container::Gb18030 => {
            let (b, _, bad) = encoding_rs::GB18030.encode(text);
            assert!(!bad);
            ("csv", b.into_owned())
        }
        Container::Gzip => {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(text.as_bytes()).unwrap();
            ("csv.gz", gz.finish().unwrap())
        }
        Container::Zip => {
            let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            z.start_file("export.csv", zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(text.as_bytes()).unwrap();
            ("zip", z.finish().unwrap().into_inner())
        }
        Container::Parquet => ("parquet", parquet_of(text)),
    };
    let p = dir.join(format!("copy-{n}.{ext}"));
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A CSV's cells as a Parquet file of text columns (what a warehouse export of it holds).
fn parquet_of(text: &str) -> Vec<u8> {
    use polars::prelude::*;
    let mut rows = text.lines().map(|l| l.split(',').collect::<Vec<_>>());
    let header = rows.next().unwrap();
    let rows: Vec<Vec<&str>> = rows.collect();
    let columns = header
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let cells: Vec<&str> = rows.iter().map(|r| r[i]).collect();
            Column::new((*name).into(), cells)
        })
        .collect();
    let mut df = DataFrame::new(rows.len(), columns).unwrap();
    let mut out = Vec::new();
    ParquetWriter::new(&mut out).finish(&mut df).unwrap();
    out
}

/// What a spreadsheet's re-save does to the amounts and usage: the shortest decimal
/// (`1.50000000` → `1.5`, `-2.00` → `-2`).
fn resaved(text: &str) -> String {
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let cells: Vec<String> = line
            .split(',')
            .enumerate()
            .map(|(c, cell)| {
                if i > 0 && c >= 7 && cell.contains('.') {
                    cell.trim_end_matches('0').trim_end_matches('.').to_string()
                } else {
                    cell.to_string()
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// `check -f json --exit-zero` of `exports` against `register`.
fn json_report(dir: &Path, register: &str, exports: &[&Path]) -> Value {
    std::fs::write(dir.join("reg.csv"), register).unwrap();
    let out = crate::util::billrecon()
        .arg("check")
        .arg("--deleted")
        .arg(dir.join("reg.csv"))
        .args(["-f", "json", "-q", "--exit-zero"])
        .args(exports)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Giving an export a second time, in any encoding or container and with its decimals
    /// re-saved or not, changes nothing in the report: every matched line of the copy is a
    /// duplicate, and the first input holds (and cites) them. Lines repeated within the export
    /// stay separate charges.
    #[test]
    fn giving_the_same_export_twice_never_changes_the_report(
        lines in prop::collection::vec(line(), 1..16),
        repeat in any::<prop::sample::Index>(),
        minutes in prop::collection::vec(0..(24 * 60u32), 4),
        copy in prop::sample::select(vec![Container::Utf8, Container::Gb18030, Container::Gzip, Container::Zip, Container::Parquet]),
        resave in any::<bool>(),
    ) {
        let dir = tempdir();
        let reg = register(&minutes);
        let mut all = numbered(lines);
        // One line twice, order number and all: two charges of one export.
        all.push(all[repeat.index(all.len())].clone());
        let text = csv(&all);
        let export = dir.path().join("export.csv");
        std::fs::write(&export, &text).unwrap();
        let alone = json_report(dir.path(), &reg, &[&export]);
        let second = if resave { resaved(&text) } else { text.clone() };
        let copy_path = write_copy(dir.path(), 0, &second, copy);
        let twice = json_report(dir.path(), &reg, &[&export, &copy_path]);
        prop_assert_eq!(&twice["summary"], &alone["summary"]);
        prop_assert_eq!(&twice["coverage"], &alone["coverage"]);
        prop_assert_eq!(&twice["resources"], &alone["resources"]);
        let matched: u64 = alone["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["lines"].as_u64().unwrap())
            .sum();
        // The copy is read as the export is, whatever its container.
        prop_assert_eq!(&twice["inputs"][1]["format"], "huawei");
        prop_assert_eq!(&twice["inputs"][1]["rows"], &alone["inputs"][0]["rows"]);
        prop_assert!(matched > 0);
        prop_assert_eq!(&twice["inputs"][1]["duplicate_rows"], &Value::from(matched));
        prop_assert_eq!(&twice["inputs"][0]["duplicate_rows"], &Value::from(0));
    }
}
