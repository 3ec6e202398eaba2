//! Coverage, settled once: how far each provider's bill data is complete.
//!
//! Only metered usage says it (lines of usage with a window of a day or less; see
//! `ingest::ProviderSpan::metered`): `complete_through = max over those lines of (usage end −
//! max(lag, window length))`, because a charge may arrive `lag` late and a line as long as its
//! window may still be growing when the export is taken (today's daily line). With `--as-of`,
//! `as_of − lag`. A provider with no metered line falls back to the latest end of its other
//! windows, then to its latest time charged, less the lag. Metered lines starting after the
//! horizon (`--as-of`, else now) were kept out while reading; [`future_warnings`] names them.

use super::verdict;
use crate::ingest::{reach::Reach, FileScan, ProviderSpan};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

/// How far one provider's lines (of one file or merged over several) are complete.
pub fn complete_through(
    p: &ProviderSpan,
    as_of: Option<DateTime<Utc>>,
    lag: Duration,
) -> Option<DateTime<Utc>> {
    if as_of.is_some() {
        return verdict::complete_through(None, as_of, lag);
    }
    p.metered
        .complete_through(lag)
        .or_else(|| verdict::complete_through(p.latest_long_end.or(p.latest_charge), None, lag))
}

/// `complete_through` per provider over all inputs.
pub fn by_provider<T>(
    scans: &[FileScan<T>],
    as_of: Option<DateTime<Utc>>,
    lag: Duration,
) -> BTreeMap<String, Option<DateTime<Utc>>> {
    let mut merged: BTreeMap<String, ProviderSpan> = BTreeMap::new();
    for p in scans.iter().flat_map(|s| &s.providers) {
        let m = merged
            .entry(p.provider.clone())
            .or_insert_with(|| ProviderSpan {
                provider: p.provider.clone(),
                metered: Reach::default(),
                latest_long_end: None,
                latest_charge: None,
            });
        m.metered.merge(&p.metered);
        m.latest_long_end = m.latest_long_end.max(p.latest_long_end);
        m.latest_charge = m.latest_charge.max(p.latest_charge);
    }
    merged
        .into_iter()
        .map(|(name, p)| {
            let ct = complete_through(&p, as_of, lag);
            (name, ct)
        })
        .collect()
}

/// One warning per input holding metered usage that starts after the horizon (`what` names it:
/// `--as-of 2024-03-12T00:00:00Z`, `now`), citing the first few lines.
pub fn future_warnings<T>(scans: &[FileScan<T>], what: &str) -> Vec<String> {
    scans
        .iter()
        .filter(|s| s.future_rows > 0)
        .map(|s| {
            let cited: Vec<String> = s
                .future
                .iter()
                .map(|(line, start)| {
                    format!("line {line} starts {}", crate::time::rfc3339(*start))
                })
                .collect();
            let more = s.future_rows - s.future.len() as u64;
            format!(
                "{}: {} {} of usage {} after {what} and cannot be real usage: left out of coverage ({}{})",
                s.path,
                s.future_rows,
                if s.future_rows == 1 { "line" } else { "lines" },
                if s.future_rows == 1 { "starts" } else { "start" },
                cited.join(", "),
                if more > 0 {
                    format!(", and {more} more")
                } else {
                    String::new()
                }
            )
        })
        .collect()
}
