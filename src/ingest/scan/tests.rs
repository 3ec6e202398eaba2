use super::*;
use crate::ingest::source::{self, Opened};
use crate::ingest::{scan, Hooks};
use crate::model::DeletionIdx;
use crate::reconcile::count::{Counter, Tallies};

struct All;

impl Select for All {
    fn select(&self, ids: &LineIds<'_>) -> Option<Selected> {
        Some(Selected {
            norm_id: ids.id.to_ascii_lowercase(),
            rule: "test".into(),
            hits: vec![DeletionIdx(0)],
        })
    }
}

fn scan_text(text: &str) -> crate::error::Result<FileScan<Tallies>> {
    let src = source::from_reader("t.csv", Box::new(std::io::Cursor::new(text.to_string())))?;
    let counter = Counter::new(vec![DateTime::<Utc>::MIN_UTC], chrono::Duration::zero());
    let opts = ScanOptions {
        fingerprints: true,
        ..ScanOptions::new(FixedOffset::east_opt(8 * 3600).unwrap(), false)
    };
    let hooks = Hooks {
        select: &All,
        count: &counter,
    };
    scan("t.csv", 0, Opened::Text(src), &opts, hooks)
}

#[test]
fn crlf_line_ends_cite_the_right_lines() {
    let text = "ResourceId,ChargePeriodStart,BilledCost\r\n\
                a,2024-01-01T00:00:00Z,\"1.50\"\r\n\
                b,2024-01-01T00:00:00Z,\"2\"\r\n";
    let s = scan_text(text).unwrap();
    let lines: Vec<(Vec<u64>, String)> = s
        .tallies
        .of(DeletionIdx(0))
        .map(|(_, t)| {
            (
                t.after().sources.iter().map(|k| k.line).collect(),
                t.after().amount_after_deletion.amounts().display(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [(vec![2], "XXX 1.50".into()), (vec![3], "XXX 2.00".into())]
    );
    let lf = scan_text(&text.replace("\r\n", "\n")).unwrap();
    // The same line whatever the line end: overlapping CRLF and LF copies dedupe.
    assert_eq!(s.fingerprints, lf.fingerprints);
    assert_eq!(s.fingerprints.len(), 2);
    let bad = "ResourceId,ChargePeriodStart,BilledCost\r\na,2024-01-01,1\r\nb,2024-01-01,x\r\n";
    let e = scan_text(bad).unwrap_err().to_string();
    assert!(e.starts_with("t.csv:3:3: amount"), "{e}");
}
