//! The selections a scan has already made, keyed by the raw bytes of the cells they depend on.
//!
//! An export repeats each resource's identifying cells (provider, resource ID, child ID,
//! product code and name) on every one of its hourly lines. Hashing those bytes and comparing
//! them once is far cheaper than decoding, trimming, normalizing and looking up the ID again,
//! and the answer cannot differ: the selection is a function of exactly those cells. What is
//! remembered is the scan's to choose (a selection and the texts it was made from).
//!
//! With thousands of resources the memo outgrows the core's cache, and the file streaming
//! through evicts it: each row's lookup then waits on memory. But an export lists each
//! period's resources in one order, period after period, so the key that followed a key last
//! time is the likely next one: the memo remembers it, fetches it into the cache ahead, and
//! tries it first, after the last row's own key (a resource's lines side by side).
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

/// Past this many distinct keys (or this many bytes of them) the memo starts over, so that an
/// export of millions of distinct resources costs a bounded amount of memory (a few MiB) and
/// only loses speed.
const ENTRIES: usize = 1 << 16;
const ARENA: usize = 8 << 20;

/// No selection (the row mentions nothing deleted), or the end of a chain.
const NONE: u32 = u32::MAX;

/// Kept compact, keys back to back in one arena: every row probes a different entry, and the
/// whole memo of a few thousand resources then stays in the core's cache.
pub struct SelectMemo<T> {
    key: Vec<u8>,
    /// Hash of a key → the newest entry with that hash.
    index: HashMap<u64, u32, BuildHasherDefault<Mixed>>,
    entries: Vec<Remembered>,
    arena: Vec<u8>,
    selected: Vec<Arc<T>>,
    /// The entry of the last row, and the one its successor was last time ([`NONE`]: none).
    last: u32,
    predicted: u32,
}

// Not derived: a derive would ask `T: Default`, which no empty memo needs.
impl<T> Default for SelectMemo<T> {
    fn default() -> Self {
        SelectMemo {
            key: Vec::new(),
            index: HashMap::default(),
            entries: Vec::new(),
            arena: Vec::new(),
            selected: Vec::new(),
            last: NONE,
            predicted: NONE,
        }
    }
}

#[derive(Clone, Copy)]
struct Remembered {
    start: u32,
    len: u32,
    /// The next older entry with the same hash.
    next: u32,
    selected: u32,
    /// The entry of the row that followed this one's last time, and where its key starts (kept
    /// here so that fetching it ahead waits on no other load).
    succ: u32,
    succ_start: u32,
}

impl<T> SelectMemo<T> {
    /// The selection for `parts`, computed by `select` the first time these exact bytes are
    /// seen (shared: a kept row takes a reference, not a copy). An error is returned and not
    /// remembered: the next row with these bytes fails as well.
    pub fn get<E>(
        &mut self,
        parts: [&[u8]; 5],
        select: impl FnOnce() -> Result<Option<T>, E>,
    ) -> Result<Option<Arc<T>>, E> {
        // A resource's lines side by side: the last row's key again.
        if let Some(e) = self.entries.get(self.last as usize) {
            if same(self.key_of(e), &parts) {
                return Ok(self.selected.get(e.selected as usize).cloned());
            }
        }
        if let Some(e) = self.entries.get(self.predicted as usize) {
            if same(self.key_of(e), &parts) {
                return Ok(self.follow(self.predicted));
            }
        }
        let hash = sample_hash(&parts);
        let head = self.index.get(&hash).copied();
        let mut at = head.unwrap_or(NONE);
        while let Some(e) = self.entries.get(at as usize) {
            let stored = self.key_of(e);
            if same(stored, &parts) {
                return Ok(self.follow(at));
            }
            at = e.next;
        }
        // The parts' lengths, then their bytes: no two different tuples of cells share a key,
        // and a compare tells most keys apart by their lengths alone.
        self.key.clear();
        self.key.extend_from_slice(&lengths(&parts));
        for part in parts {
            self.key.extend_from_slice(part);
        }
        self.find_or_insert(hash, select)
    }

    /// The entry for the key just built, whose hash is `hash`.
    fn find_or_insert<E>(
        &mut self,
        hash: u64,
        select: impl FnOnce() -> Result<Option<T>, E>,
    ) -> Result<Option<Arc<T>>, E> {
        let head = self.index.get(&hash).copied();
        let mut at = head.unwrap_or(NONE);
        while let Some(e) = self.entries.get(at as usize) {
            let stored = self.key_of(e);
            if stored == self.key.as_slice() {
                return Ok(self.follow(at));
            }
            at = e.next;
        }
        // Not remembered: an error leaves no row to follow.
        self.last = NONE;
        let selected = select()?.map(Arc::new);
        if self.entries.len() >= ENTRIES || self.arena.len() + self.key.len() > ARENA {
            self.index.clear();
            self.entries.clear();
            self.arena.clear();
            self.selected.clear();
            self.predicted = NONE;
            return Ok(selected);
        }
        let entry = Remembered {
            start: self.arena.len() as u32,
            len: self.key.len() as u32,
            next: head.unwrap_or(NONE),
            selected: match &selected {
                Some(s) => {
                    self.selected.push(s.clone());
                    (self.selected.len() - 1) as u32
                }
                None => NONE,
            },
            succ: NONE,
            succ_start: 0,
        };
        self.arena.extend_from_slice(&self.key);
        let at = self.entries.len() as u32;
        self.index.insert(hash, at);
        self.entries.push(entry);
        self.follow(at);
        Ok(selected)
    }

    /// The key bytes of entry `e`.
    #[inline]
    fn key_of(&self, e: &Remembered) -> &[u8] {
        &self.arena[e.start as usize..(e.start + e.len) as usize]
    }

    /// Entry `at` is this row's: it follows the last row's, and its own successor last time
    /// is fetched into the cache for the next row. Returns its selection.
    #[inline]
    fn follow(&mut self, at: u32) -> Option<Arc<T>> {
        let e = *self.entries.get(at as usize)?;
        if let Some(prev) = self.entries.get_mut(self.last as usize) {
            prev.succ = at;
            prev.succ_start = e.start;
        }
        self.last = at;
        self.predicted = e.succ;
        if e.succ != NONE {
            prefetch(self.entries.as_ptr().wrapping_add(e.succ as usize).cast());
            let key = self.arena.as_ptr().wrapping_add(e.succ_start as usize);
            // A key is a few cache lines: an ID, a code and a name.
            for line in 0..3 {
                prefetch(key.wrapping_add(line * 64));
            }
        }
        self.selected.get(e.selected as usize).cloned()
    }
}

/// Asks for the cache line at `p` ahead of its use; a hint, never a read (any address will do).
#[inline(always)]
fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch does not access memory as far as the program can see: it cannot fault,
    // and its address need not be valid.
    unsafe {
        std::arch::x86_64::_mm_prefetch(p.cast::<i8>(), std::arch::x86_64::_MM_HINT_T0);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// The head of a key: each part's length as four little-endian bytes, held as two words and a
/// half, so that [`same`] compares them in registers (an array of lengths built on the stack
/// and read back as one 16-byte vector waited on its five 4-byte stores: a failed store forward,
/// 2–3 % of a FOCUS scan's cycles).
#[inline]
fn head(parts: &[&[u8]; 5]) -> (u64, u64, u32) {
    let len = |i: usize| u64::from(parts[i].len() as u32);
    (len(0) | len(1) << 32, len(2) | len(3) << 32, len(4) as u32)
}

/// [`head`] as the key's first 20 bytes.
fn lengths(parts: &[&[u8]; 5]) -> [u8; 20] {
    let (a, b, c) = head(parts);
    let mut bytes = [0u8; 20];
    bytes[..8].copy_from_slice(&a.to_le_bytes());
    bytes[8..16].copy_from_slice(&b.to_le_bytes());
    bytes[16..].copy_from_slice(&c.to_le_bytes());
    bytes
}

/// Whether a stored key holds exactly `parts`: the lengths in one compare, then each part's
/// bytes (an empty part, common, costs nothing).
#[inline]
fn same(stored: &[u8], parts: &[&[u8]; 5]) -> bool {
    let Some((stored_head, mut rest)) = stored.split_first_chunk::<20>() else {
        return false;
    };
    let word =
        |at: usize| u64::from_le_bytes(stored_head[at..at + 8].try_into().unwrap_or_default());
    let last = u32::from_le_bytes(stored_head[16..].try_into().unwrap_or_default());
    let (a, b, c) = head(parts);
    if (word(0) ^ a) | (word(8) ^ b) | u64::from(last ^ c) != 0 {
        return false;
    }
    for part in parts.iter().filter(|p| !p.is_empty()) {
        let Some((bytes, tail)) = rest.split_at_checked(part.len()) else {
            return false;
        };
        if !super::cells::bytes_eq(bytes, part) {
            return false;
        }
        rest = tail;
    }
    rest.is_empty()
}

/// A hash of the bytes that tell rows apart: every part's length, the ends of the resource ID
/// (`parts[1]`), the end of the product code (`parts[3]`), and the start of the provider and
/// child ID. Keys that share it are still told apart by [`same`]; sampling spares hashing
/// every byte of every row.
fn sample_hash(parts: &[&[u8]; 5]) -> u64 {
    let lens = parts
        .iter()
        .fold(0u64, |acc, p| acc.rotate_left(12) ^ p.len() as u64);
    let (id_head, id_tail) = ends(parts[1]);
    let (_, code_tail) = ends(parts[3]);
    let (provider, _) = ends(parts[0]);
    let (child, _) = ends(parts[2]);
    // One multiply: collisions only make a chain, which `same` walks.
    (id_tail
        ^ id_head.rotate_left(17)
        ^ code_tail.rotate_left(29)
        ^ lens.rotate_left(41)
        ^ provider.rotate_left(7)
        ^ child.rotate_left(53))
    .wrapping_mul(SEED)
}

/// The first and last eight bytes of `b` (overlapping, or zero-padded, when shorter).
#[inline]
fn ends(b: &[u8]) -> (u64, u64) {
    let word = |s: &[u8]| {
        let mut w = [0u8; 8];
        w[..s.len()].copy_from_slice(s);
        u64::from_le_bytes(w)
    };
    if b.len() >= 8 {
        (word(&b[..8]), word(&b[b.len() - 8..]))
    } else {
        (word(b), 0)
    }
}

/// The memo's keys are already hashes: the table needs only their bits spread.
#[derive(Default)]
struct Mixed(u64);

impl Hasher for Mixed {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        // The multiply leaves the low bits weak; the table indexes by them.
        self.0 = n ^ (n >> 32);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// The Fx hash's multiplier (rustc's): one multiply spreads the mixed words' bits.
const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Selected;
    use std::cell::Cell;

    fn sel(id: &str) -> Option<Selected> {
        Some(Selected {
            norm_id: id.into(),
            rule: "as-is".into(),
            hits: vec![crate::model::DeletionIdx(0)],
        })
    }

    #[test]
    fn each_distinct_tuple_of_cells_is_selected_once() {
        let mut memo = SelectMemo::<Selected>::default();
        let calls = Cell::new(0);
        let mut get = |parts: [&[u8]; 5], answer: Option<Selected>| {
            memo.get(parts, || {
                calls.set(calls.get() + 1);
                Ok::<_, ()>(answer)
            })
            .unwrap()
            .as_deref()
            .cloned()
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
    fn the_key_that_followed_last_time_is_tried_first_and_never_stands_in_for_another() {
        // Periods in one order, then rows out of that order, a repeated row, a key that shares
        // its predecessor's successor's bytes but for one cell, and an error between two rows.
        let keys: Vec<[&[u8]; 5]> = vec![
            [b"", b"a", b"", b"c1", b"n"],
            [b"", b"b", b"", b"c1", b"n"],
            [b"", b"c", b"", b"c1", b"n"],
        ];
        let odd: [&[u8]; 5] = [b"", b"b", b"", b"c2", b"n"];
        let mut order: Vec<usize> = [0, 1, 2].repeat(3);
        order.extend([2, 1, 0, 0, 0, 1, 3, 2, 0, 1, 3, 1, 2]);
        let mut memo = SelectMemo::<Selected>::default();
        let calls = Cell::new(0);
        let answer = |k: usize| sel(&format!("k{k}"));
        for (n, &k) in order.iter().enumerate() {
            let parts = if k == 3 { odd } else { keys[k] };
            let got = memo
                .get(parts, || {
                    calls.set(calls.get() + 1);
                    Ok::<_, ()>(answer(k))
                })
                .unwrap();
            assert_eq!(got.as_deref(), answer(k).as_ref(), "row {n} (key {k})");
            if n == 14 {
                assert_eq!(
                    memo.get(keys[0], || Err("bad")).ok(),
                    Some(answer(0).map(Arc::new))
                );
                assert_eq!(memo.get([b"x"; 5], || Err("bad")), Err("bad"));
            }
        }
        assert_eq!(calls.get(), 4, "each distinct key selected once");
    }

    #[test]
    fn an_error_is_not_remembered() {
        let mut memo = SelectMemo::<Selected>::default();
        let a: [&[u8]; 5] = [b"", b"caf\xe9", b"", b"", b""];
        assert_eq!(memo.get(a, || Err("bad")), Err("bad"));
        assert_eq!(memo.get(a, || Err("bad again")), Err("bad again"));
        assert_eq!(
            memo.get(a, || Ok::<_, &str>(sel("x"))).unwrap().as_deref(),
            sel("x").as_ref()
        );
    }

    #[test]
    fn keys_that_share_a_hash_are_told_apart() {
        let mut memo = SelectMemo::<Selected>::default();
        let mut get = |id: &str, answer: Option<Selected>| {
            memo.key.clear();
            memo.key.extend_from_slice(id.as_bytes());
            memo.find_or_insert(42, || Ok::<_, ()>(answer))
                .unwrap()
                .as_deref()
                .cloned()
        };
        assert_eq!(get("a", sel("a")), sel("a"));
        assert_eq!(get("b", None), None);
        assert_eq!(get("c", sel("c")), sel("c"));
        assert_eq!(get("a", None), sel("a"));
        assert_eq!(get("b", sel("x")), None);
        assert_eq!(get("c", None), sel("c"));
    }

    #[test]
    fn the_memo_starts_over_when_full() {
        let mut memo = SelectMemo::<Selected>::default();
        for i in 0..ENTRIES + 10 {
            let id = i.to_string();
            let _ = memo.get([b"", id.as_bytes(), b"", b"", b""], || Ok::<_, ()>(None));
            assert!(memo.entries.len() <= ENTRIES);
        }
        assert_eq!(
            memo.entries.len(),
            9,
            "cleared at the full count, then nine more"
        );
    }
}
