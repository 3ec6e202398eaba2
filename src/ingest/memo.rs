//! The selections a scan has already made, keyed by the raw bytes of the cells they depend on.
//!
//! An export repeats each resource's identifying cells (provider, resource ID, child ID,
//! product code and name) on every one of its hourly lines. Hashing those bytes and comparing
//! them once is far cheaper than decoding, trimming, normalizing and looking up the ID again,
//! and the answer cannot differ: the selection is a function of exactly those cells.

use super::Selected;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Past this many distinct keys the memo starts over, so that an export of millions of
/// distinct resources costs a bounded amount of memory (a few MiB) and only loses speed.
const ENTRIES: usize = 1 << 16;

#[derive(Default)]
pub struct SelectMemo {
    key: Vec<u8>,
    map: HashMap<Box<[u8]>, Option<Selected>, BuildHasherDefault<FxBytes>>,
}

impl SelectMemo {
    /// The selection for `parts`, computed by `select` the first time these exact bytes are
    /// seen.
    pub fn get(
        &mut self,
        parts: [&[u8]; 5],
        select: impl FnOnce() -> Option<Selected>,
    ) -> Option<Selected> {
        self.key.clear();
        for part in parts {
            // Length-prefixed, so that no two different tuples of cells share a key.
            self.key
                .extend_from_slice(&(part.len() as u32).to_le_bytes());
            self.key.extend_from_slice(part);
        }
        if let Some(hit) = self.map.get(self.key.as_slice()) {
            return hit.clone();
        }
        let selected = select();
        if self.map.len() >= ENTRIES {
            self.map.clear();
        }
        self.map
            .insert(self.key.as_slice().into(), selected.clone());
        selected
    }
}

/// A multiply-rotate hash over eight bytes at a time (the Fx hash of rustc): keys are cells
/// of the user's own export, not attacker-chosen, and equal keys are always compared in full.
#[derive(Default)]
pub struct FxBytes(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxBytes {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxBytes {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.add(u64::from_le_bytes(w.try_into().unwrap_or([0; 8])));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn sel(id: &str) -> Option<Selected> {
        Some(Selected {
            norm_id: id.into(),
            rule: "as-is".into(),
            hits: vec![0],
        })
    }

    #[test]
    fn each_distinct_tuple_of_cells_is_selected_once() {
        let mut memo = SelectMemo::default();
        let calls = Cell::new(0);
        let mut get = |parts: [&[u8]; 5], answer: Option<Selected>| {
            memo.get(parts, || {
                calls.set(calls.get() + 1);
                answer
            })
        };
        let a: [&[u8]; 5] = [b"huawei", b"ecs-1", b"", b"hws.service.type.ec2", b"ECS"];
        assert_eq!(get(a, sel("ecs-1")), sel("ecs-1"));
        assert_eq!(get(a, None), sel("ecs-1"), "the first answer is remembered");
        assert_eq!(calls.get(), 1);
        // The same bytes cut into different cells are a different key.
        let shifted: [&[u8]; 5] = [b"huawei", b"ecs-", b"1", b"hws.service.type.ec2", b"ECS"];
        assert_eq!(get(shifted, None), None);
        let other_provider: [&[u8]; 5] = [b"aws", b"ecs-1", b"", b"hws.service.type.ec2", b"ECS"];
        assert_eq!(get(other_provider, None), None);
        assert_eq!(calls.get(), 3);
    }

    #[test]
    fn the_memo_starts_over_when_full() {
        let mut memo = SelectMemo::default();
        for i in 0..ENTRIES + 10 {
            let id = i.to_string();
            memo.get([b"", id.as_bytes(), b"", b"", b""], || None);
            assert!(memo.map.len() <= ENTRIES);
        }
        assert_eq!(memo.map.len(), 10);
    }
}
