//! De-duplication across inputs: a month exported twice, or daily files beside the monthly
//! file. A matched line that is the same line (by meaning: see [`identity`](super::identity)) in several inputs
//! counts as often as the input that holds it most often (on a tie, the first input given);
//! within one input identical lines are separate charges and all count.
//!
//! Lines are counted into tallies as they are read, so a line cannot be taken back once another
//! input turns out to hold it too. Hence phases:
//! 1. every input is read once, keeping the fingerprint of each matched line over the facts its
//!    header carries (8 bytes a line; nothing with a single input). When no fingerprint is in
//!    two inputs, which is the common case of distinct monthly files, the tallies stand and
//!    nothing is read again;
//! 2. inputs that may share lines (a provider in common, and times of fingerprinted lines that
//!    overlap) are compared on the facts all of them carry. When their headers carry the same
//!    facts, which is the case for copies of one export in any encoding, wrapper or language,
//!    the fingerprints of phase 1 are those; otherwise the inputs that carry more are read
//!    again for fingerprints over fewer facts (only then: a FOCUS export beside a provider's
//!    own, or a Chinese export with voucher columns beside an English one without);
//! 3. each input that loses lines to another is read once more, leaving out the lines another
//!    input counts ([`Drops`]), and its tallies are rebuilt. Overlapping exports thus cost one
//!    more read of the inputs that lose lines.
//!
//! The facts are those of a whole group: with three inputs, two Chinese exports and an
//! English one that may overlap both, all three are compared on what the English one carries,
//! so that "the same line" stays one relation whoever holds it.

use super::identity::Facts;
use super::source::Entry;
use super::{parallel, Count, FileScan, Hooks, ScanOptions};
use crate::error::{Error, Location, Result};
use crate::progress::Progress;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// The fingerprints several inputs hold, each with the input that counts its lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drops {
    /// (fingerprint, winning input), ordered by fingerprint.
    winners: Vec<(u64, u32)>,
}

impl Drops {
    /// Whether a line of `input` with fingerprint `fp` is left out (another input counts it).
    pub fn drops(&self, fp: u64, input: usize) -> bool {
        self.winners
            .binary_search_by_key(&fp, |w| w.0)
            .is_ok_and(|i| self.winners[i].1 as usize != input)
    }

    pub fn is_empty(&self) -> bool {
        self.winners.is_empty()
    }
}

/// Takes the fingerprints out of the scans and finds the lines several inputs hold: which
/// input counts each, and how many lines each input loses to others.
pub fn find<T>(scans: &mut [FileScan<T>]) -> (Drops, Vec<u64>) {
    let mut prints: Vec<Vec<u64>> = scans
        .iter_mut()
        .map(|s| std::mem::take(&mut s.fingerprints))
        .collect();
    for p in &mut prints {
        p.sort_unstable();
    }
    let mut dropped = vec![0u64; scans.len()];
    let mut winners = Vec::new();
    // A k-way merge of the sorted lists: each distinct fingerprint once, with its count in each
    // input that holds it.
    let mut at = vec![0usize; prints.len()];
    let mut heap: BinaryHeap<Reverse<(u64, usize)>> = prints
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.first().map(|fp| Reverse((*fp, i))))
        .collect();
    let mut holders: Vec<(usize, u64)> = Vec::new();
    while let Some(Reverse((fp, _))) = heap.peek().copied() {
        holders.clear();
        while let Some(Reverse((f, i))) = heap.peek().copied() {
            if f != fp {
                break;
            }
            heap.pop();
            let p = &prints[i];
            let start = at[i];
            let end = start + p[start..].partition_point(|x| *x == fp);
            holders.push((i, (end - start) as u64));
            at[i] = end;
            if let Some(next) = p.get(end) {
                heap.push(Reverse((*next, i)));
            }
        }
        if holders.len() > 1 {
            // The input holding the line most often wins; on a tie, the first given.
            let (win, _) = holders
                .iter()
                .copied()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .unwrap_or((0, 0));
            for &(i, n) in &holders {
                if i != win {
                    dropped[i] += n;
                }
            }
            winners.push((fp, win as u32));
        }
    }
    (Drops { winners }, dropped)
}

/// The facts each input's lines are compared on: what all the inputs of its group carry.
/// Inputs are grouped when they may share a line: a provider in common, and spans of
/// fingerprinted lines that overlap (a line's provider and time are facts of every input, so
/// two inputs apart in either share no line).
pub fn compare_on<T>(scans: &[FileScan<T>]) -> Vec<Facts> {
    let own: Vec<Facts> = scans.iter().map(|s| Facts::carried(&s.binding)).collect();
    let mut live = scans
        .iter()
        .enumerate()
        .filter(|(_, s)| s.fingerprinted_span.is_some())
        .map(|(i, _)| i);
    let Some(first) = live.next() else {
        return own;
    };
    if live.all(|i| own[i] == own[first]) {
        return own;
    }
    let mut root: Vec<usize> = (0..scans.len()).collect();
    fn root_of(root: &mut [usize], mut i: usize) -> usize {
        while root[i] != i {
            root[i] = root[root[i]];
            i = root[i];
        }
        i
    }
    let mut by_provider: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, s) in scans.iter().enumerate() {
        if s.fingerprinted_span.is_none() {
            continue;
        }
        for p in &s.providers {
            by_provider.entry(p.provider.as_str()).or_default().push(i);
        }
    }
    for inputs in by_provider.values_mut() {
        let span = |i: usize| scans[i].fingerprinted_span.unwrap_or_default();
        inputs.sort_by_key(|i| span(*i).0);
        // Sweep the spans by start: each joins the group of those it overlaps.
        let mut open: Option<(usize, chrono::DateTime<chrono::Utc>)> = None;
        for &i in inputs.iter() {
            let (start, end) = span(i);
            match open {
                Some((head, reach)) if start <= reach => {
                    let (a, b) = (root_of(&mut root, head), root_of(&mut root, i));
                    root[b] = a;
                    open = Some((head, reach.max(end)));
                }
                _ => open = Some((i, end)),
            }
        }
    }
    let mut group: Vec<Option<Facts>> = vec![None; scans.len()];
    for (i, facts) in own.iter().enumerate() {
        let r = root_of(&mut root, i);
        group[r] = Some(match &group[r] {
            Some(g) => g.and(facts),
            None => facts.clone(),
        });
    }
    (0..scans.len())
        .map(|i| {
            let r = root_of(&mut root, i);
            group[r].clone().unwrap_or_else(|| own[i].clone())
        })
        .collect()
}

/// Phases 2 and 3 for scans read with fingerprints over the facts they carry: `rescan` reads
/// the given inputs again with the given options, first (when some inputs of a group carry
/// more facts than others) for fingerprints over the facts compared, then, when some lines are
/// held by several inputs, to leave those lines out, and their tallies are replaced. Sets
/// every scan's `duplicate_rows`.
pub fn resolve<T>(
    scans: &mut [FileScan<T>],
    opts: &ScanOptions<'_>,
    mut rescan: impl FnMut(&[usize], &ScanOptions<'_>) -> Result<Vec<FileScan<T>>>,
) -> Result<()> {
    let on = compare_on(scans);
    let narrower: Vec<usize> = (0..scans.len())
        .filter(|i| {
            scans[*i].fingerprinted_span.is_some() && on[*i] != Facts::carried(&scans[*i].binding)
        })
        .collect();
    if !narrower.is_empty() {
        let prints = ScanOptions {
            fingerprints: true,
            drop: None,
            compare_on: Some(&on),
            ..*opts
        };
        let again = rescan(&narrower, &prints)?;
        for (&i, s) in narrower.iter().zip(again) {
            let first = &mut scans[i];
            if s.rows != first.rows || s.fingerprints.len() != first.fingerprints.len() {
                return Err(changed(first, s.rows));
            }
            first.fingerprints = s.fingerprints;
        }
    }
    let (drops, dropped) = find(scans);
    if drops.is_empty() {
        return Ok(());
    }
    let again: Vec<usize> = (0..scans.len()).filter(|i| dropped[*i] > 0).collect();
    let second = ScanOptions {
        fingerprints: false,
        drop: Some(&drops),
        compare_on: Some(&on),
        ..*opts
    };
    let rescanned = rescan(&again, &second)?;
    for (&i, s) in again.iter().zip(rescanned) {
        let first = &mut scans[i];
        // The second reading must meet the same lines: an input rewritten in between, or a
        // stream that cannot be read twice, is an error, never a wrong count.
        if s.rows != first.rows || s.duplicate_rows != dropped[i] {
            return Err(changed(first, s.rows));
        }
        first.tallies = s.tallies;
        first.duplicate_rows = s.duplicate_rows;
    }
    Ok(())
}

fn changed<T>(first: &FileScan<T>, rows: u64) -> Error {
    Error::input(
        Location::file(&first.path),
        format!(
            "the input changed between two readings ({} rows, then {rows}): overlapping \
             exports are read again to count their shared lines once",
            first.rows
        ),
    )
}

/// Reads every entry on `threads` cores (see [`parallel::scan_all`]), then, when there are
/// several, counts the lines they share once.
pub fn read_all<C: Count>(
    entries: &[Entry],
    opts: &ScanOptions<'_>,
    hooks: Hooks<'_, C>,
    progress: &Progress,
    threads: usize,
    piece: u64,
) -> Result<Vec<FileScan<C::Counts>>> {
    let several = entries.len() > 1;
    let first = ScanOptions {
        fingerprints: several,
        drop: None,
        compare_on: None,
        ..*opts
    };
    let mut scans = parallel::scan_all(entries, &first, hooks, progress, threads, piece)?;
    if several {
        resolve(&mut scans, opts, |again, second| {
            parallel::scan_some(entries, again, second, hooks, progress, threads, piece)
        })?;
    }
    Ok(scans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_with(prints: &[u64]) -> FileScan<()> {
        let mut s = FileScan::empty();
        s.fingerprints = prints.to_vec();
        s
    }

    #[test]
    fn shared_lines_count_for_the_input_that_holds_them_most_often() {
        // Each input's fingerprints, then the (fingerprint, winner) pairs and the lines each
        // input loses, expected.
        type Case = (&'static str, Vec<Vec<u64>>, Vec<(u64, u32)>, Vec<u64>);
        let cases: &[Case] = &[
            (
                "nothing shared",
                vec![vec![1, 2, 2], vec![3, 4]],
                vec![],
                vec![0, 0],
            ),
            (
                "a copy: the first input wins the tie",
                vec![vec![5, 1, 2], vec![2, 1, 5]],
                vec![(1, 0), (2, 0), (5, 0)],
                vec![0, 3],
            ),
            (
                "the input holding a line twice wins and keeps both",
                vec![vec![7, 9], vec![7, 7, 9]],
                vec![(7, 1), (9, 0)],
                vec![1, 1],
            ),
            (
                "three inputs: a day file inside a month, and a third copy",
                vec![vec![1, 2, 3, 4], vec![3, 4], vec![4, 8]],
                vec![(3, 0), (4, 0)],
                vec![0, 2, 1],
            ),
            ("one input", vec![vec![1, 1, 1]], vec![], vec![0]),
            ("no input", vec![], vec![], vec![]),
        ];
        for (what, inputs, winners, dropped) in cases {
            let mut scans: Vec<FileScan<()>> = inputs.iter().map(|p| scan_with(p)).collect();
            let (drops, got) = find(&mut scans);
            assert_eq!(drops.winners, *winners, "{what}");
            assert_eq!(got, *dropped, "{what}");
            assert!(scans.iter().all(|s| s.fingerprints.is_empty()), "{what}");
            for (fp, win) in winners {
                for i in 0..inputs.len() {
                    assert_eq!(
                        drops.drops(*fp, i),
                        i != *win as usize,
                        "{what}: {fp} in {i}"
                    );
                }
            }
        }
    }

    fn opts() -> ScanOptions<'static> {
        ScanOptions::new(chrono::FixedOffset::east_opt(0).unwrap(), false)
    }

    #[test]
    fn only_inputs_that_lose_lines_are_read_again() {
        let mut scans = vec![scan_with(&[1, 2]), scan_with(&[2, 3]), scan_with(&[4])];
        for (i, s) in scans.iter_mut().enumerate() {
            s.path = format!("in-{i}.csv");
            s.rows = 10;
        }
        let mut asked = Vec::new();
        resolve(&mut scans, &opts(), |again, second| {
            asked = again.to_vec();
            assert!(second.drop.is_some() && !second.fingerprints);
            Ok(again
                .iter()
                .map(|_| {
                    let mut s = scan_with(&[]);
                    s.rows = 10;
                    s.duplicate_rows = 1;
                    s
                })
                .collect())
        })
        .unwrap();
        assert_eq!(asked, [1]);
        let dups: Vec<u64> = scans.iter().map(|s| s.duplicate_rows).collect();
        assert_eq!(dups, [0, 1, 0]);
        // Nothing shared: nothing is read again.
        let mut distinct = vec![scan_with(&[1]), scan_with(&[2])];
        resolve(&mut distinct, &opts(), |_, _| panic!("read again")).unwrap();
    }

    /// A scan bound to `header`, of `provider`'s lines from `from` to `to` (month, day of 2026).
    fn bound(header: &str, provider: &str, from: (u32, u32), to: (u32, u32)) -> FileScan<()> {
        use chrono::TimeZone;
        let cells: Vec<String> = header.split(',').map(String::from).collect();
        let mut s = scan_with(&[1]);
        s.binding = crate::ingest::formats::detect::detect(&cells).expect("a known header");
        s.providers.push(super::super::ProviderSpan {
            provider: provider.into(),
            metered: Default::default(),
            latest_long_end: None,
            latest_charge: None,
        });
        let at = |(m, d)| chrono::Utc.with_ymd_and_hms(2026, m, d, 0, 0, 0).unwrap();
        s.fingerprinted_span = Some((at(from), at(to)));
        s
    }

    #[test]
    fn inputs_are_compared_on_what_every_input_they_may_share_a_line_with_carries() {
        use super::super::identity::Fact;
        let zh =
            "资源ID,产品类型编码,使用开始时间,使用结束时间,账单类型,应付金额(¥),代金券抵扣(¥),区域";
        let en = "Resource ID,Service Type Code,Usage Start Time,Usage End Time,Bill Type,Amount Due(¥),Cash Coupon(¥),Region";
        // One format, one set of facts: each input compared on its own, nothing read again.
        let same = [
            bound(zh, "huawei", (10, 1), (10, 31)),
            bound(zh, "huawei", (10, 10), (10, 11)),
        ];
        let on = compare_on(&same);
        assert_eq!(on[0], Facts::carried(&same[0].binding));
        assert_eq!(on[0], on[1]);
        let scans = [
            bound(zh, "huawei", (10, 1), (10, 31)),
            bound(en, "huawei", (10, 10), (10, 11)),
            // Another month: it shares no line with the English export.
            bound(zh, "huawei", (11, 1), (11, 30)),
            // Another provider in the same days.
            bound(zh, "alibaba", (10, 10), (10, 11)),
        ];
        let on = compare_on(&scans);
        let (zh_facts, en_facts) = (
            Facts::carried(&scans[0].binding),
            Facts::carried(&scans[1].binding),
        );
        assert!(zh_facts.has(Fact::Vouchers) && !en_facts.has(Fact::Vouchers));
        assert_eq!(on[0], zh_facts.and(&en_facts));
        assert_eq!(on[1], on[0]);
        assert_eq!(on[2], zh_facts, "another month");
        assert_eq!(on[3], zh_facts, "another provider");
    }

    #[test]
    fn an_input_that_reads_differently_the_second_time_is_an_error() {
        let mut scans = vec![scan_with(&[1]), scan_with(&[1])];
        for (i, s) in scans.iter_mut().enumerate() {
            s.path = format!("in-{i}.csv");
            s.rows = 3;
        }
        // A stream read twice comes back empty.
        let err = resolve(&mut scans, &opts(), |again, _| {
            Ok(again.iter().map(|_| scan_with(&[])).collect())
        })
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("in-1.csv"), "{err}");
        assert!(err.contains("changed between two readings"), "{err}");
    }
}
