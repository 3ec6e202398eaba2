//! Which bill lines mention which deletions: the register's IDs and products, looked up with the
//! normalized forms of each line's IDs.
//!
//! This runs once per record of every export, so lookups hash the ID's ASCII-lower-cased bytes
//! on the fly and compare case-insensitively: no string is built for a line that matches
//! nothing.

use crate::ids::normalize::{composite_parts, IdContext, Normalizer};
use crate::ingest::{LineIds, Select, Selected};
use crate::model::{Deletion, DeletionIdx};
/// The register's keys, each as (hash of its ASCII-lower-cased bytes, deletion, whether the key
/// is the deletion's `resource_name` rather than its ID), sorted by hash. The keys themselves
/// stay in the deletions: 16 bytes a key and no allocation per deletion, where a map of owned
/// keys cost about 300 bytes a register row.
pub struct Matcher<'n> {
    normalizer: &'n Normalizer,
    deletions: &'n [Deletion],
    keys: Vec<(u64, DeletionIdx, bool)>,
    /// Product-level cleanups: (product, provider, deletion index).
    products: Vec<(String, Option<String>, DeletionIdx)>,
}

impl<'n> Matcher<'n> {
    pub fn new(normalizer: &'n Normalizer, deletions: &'n [Deletion]) -> Self {
        let mut keys = Vec::new();
        let mut products = Vec::new();
        for (i, d) in crate::deletions::indexed(deletions) {
            // Keys are hashed and compared without regard to ASCII case: the ID as written
            // serves, with no lower-cased copy kept.
            match &d.resource_id {
                Some(key) => {
                    keys.push((hash_ci(key), i, false));
                    // A resource also matches lines billed under its name (a ModelArts
                    // service's `<name>-<AI application UUID>`).
                    if Self::name_of(d).is_some() {
                        keys.push((hash_ci(d.resource_name.as_deref().unwrap_or("")), i, true));
                    }
                }
                None => {
                    if let Some(p) = &d.product {
                        products.push((p.trim().to_string(), d.provider.clone(), i));
                    }
                }
            }
        }
        keys.sort_by_key(|k| k.0);
        keys.shrink_to_fit();
        Matcher {
            normalizer,
            deletions,
            keys,
            products,
        }
    }

    /// The name a deletion's lines may also be billed under, when it is not its ID.
    fn name_of(d: &Deletion) -> Option<&str> {
        let key = d.resource_id.as_deref()?;
        d.resource_name
            .as_deref()
            .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(key))
    }

    /// Adds the deletions filed under `key`; returns whether any was added, and whether only
    /// through a deletion's `resource_name`.
    fn lookup(&self, key: &str, provider: &str, hits: &mut Vec<DeletionIdx>) -> Option<bool> {
        if key.is_empty() {
            return None;
        }
        let hash = hash_ci(key);
        let from = self.keys.partition_point(|k| k.0 < hash);
        let before = hits.len();
        let mut by_id = false;
        for &(_, i, by_name) in self.keys[from..].iter().take_while(|k| k.0 == hash) {
            let Some(d) = self.deletions.get(i.get()) else {
                continue;
            };
            let filed = if by_name {
                Self::name_of(d)
            } else {
                d.resource_id.as_deref()
            };
            if filed.is_some_and(|f| f.eq_ignore_ascii_case(key))
                && d.provider.as_deref().is_none_or(|p| p == provider)
                && !hits.contains(&i)
            {
                hits.push(i);
                by_id |= !by_name;
            }
        }
        (hits.len() > before).then_some(!by_id)
    }
}

impl Select for Matcher<'_> {
    fn select(&self, ids: &LineIds<'_>) -> Option<Selected> {
        let mut hits = Vec::new();
        for (product, provider, i) in &self.products {
            if provider.as_deref().is_none_or(|p| p == ids.provider)
                && (ids.product_code.eq_ignore_ascii_case(product)
                    || ids.product_name.eq_ignore_ascii_case(product))
            {
                hits.push(*i);
            }
        }
        if ids.id.is_empty() && ids.child_id.is_empty() && hits.is_empty() {
            return None;
        }
        let ctx = IdContext {
            provider: ids.provider,
            format: ids.format,
            product_code: ids.product_code,
            product_name: ids.product_name,
        };
        let (norm, rule) = self.normalizer.normalize(&ctx, ids.id);
        // The name of the rule that produced the first key that matched, for the report,
        // and whether that key was a deletion's `resource_name`.
        let mut matched_by: Option<(&str, bool)> = None;
        if let Some(by_name) = self.lookup(norm, ids.provider, &mut hits) {
            matched_by = Some((self.normalizer.rule_name(rule), by_name));
        }
        // The bill's own spelling also matches: a register may quote the ID from the bill.
        if norm.len() != ids.id.len() {
            if let Some(by_name) = self.lookup(ids.id, ids.provider, &mut hits) {
                matched_by.get_or_insert(("as-is", by_name));
            }
        }
        for part in composite_parts(norm) {
            if let Some(by_name) = self.lookup(part, ids.provider, &mut hits) {
                matched_by.get_or_insert(("composite-part", by_name));
            }
        }
        // A child resource (a disk billed under its ECS) matches by its own ID too.
        if let Some(by_name) = self.lookup(ids.child_id, ids.provider, &mut hits) {
            matched_by.get_or_insert(("child-resource", by_name));
        }
        if hits.is_empty() {
            return None;
        }
        let norm_id = if norm.is_empty() { ids.child_id } else { norm };
        let rule = match matched_by {
            Some((rule, true)) => format!("{rule} (resource_name)"),
            Some((rule, false)) => rule.to_string(),
            None => self.normalizer.rule_name(rule).to_string(),
        };
        Some(Selected {
            norm_id: norm_id.to_ascii_lowercase(),
            rule,
            hits,
        })
    }
}

/// A hash of the ASCII-lower-cased bytes: case-insensitive and allocation-free.
fn hash_ci(s: &str) -> u64 {
    // Eight bytes a step: a byte at a time, the multiply chain made an Azure resource ID (a
    // few hundred bytes, looked up on every new ID a scan meets) cost a microsecond.
    let b = s.as_bytes();
    let mut h = (b.len() as u64).wrapping_mul(K);
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let w = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
        h = (h.rotate_left(5) ^ lower_word(w)).wrapping_mul(K);
    }
    let mut tail = [0u8; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    (h.rotate_left(5) ^ lower_word(u64::from_le_bytes(tail))).wrapping_mul(K)
}

/// The Fx hash's multiplier: one multiply spreads a word's bits.
const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

/// `w`'s bytes with ASCII capitals lowered (as `to_ascii_lowercase` does each byte): a byte
/// under 0x80 is at least `A` when adding `0x80 - 'A'` sets its high bit, and past `Z` when
/// adding `0x80 - 'Z' - 1` does; no carry leaves a byte, as the high bits were cleared first.
fn lower_word(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x80 * ONES;
    let low7 = w & !HIGH;
    let at_least_a = low7 + (0x80 - u64::from(b'A')) * ONES;
    let past_z = low7 + (0x80 - u64::from(b'Z') - 1) * ONES;
    let upper = at_least_a & !past_z & !w & HIGH;
    w | (upper >> 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn words_lower_as_bytes_do_and_the_hash_ignores_ascii_case() {
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut bytes = [b'q'; 8];
                bytes[at] = b;
                let want = bytes.map(|c| c.to_ascii_lowercase());
                assert_eq!(
                    lower_word(u64::from_le_bytes(bytes)),
                    u64::from_le_bytes(want),
                    "{b:#x} at {at}"
                );
            }
        }
        for s in [
            "",
            "a",
            "I-0ABC",
            "/SUBSCRIPTIONS/0000/resourceGroups/RG/providers/Microsoft.Compute/VM-01",
            "资源-ID-01",
        ] {
            assert_eq!(hash_ci(s), hash_ci(&s.to_ascii_lowercase()), "{s}");
            assert_eq!(hash_ci(s), hash_ci(&s.to_ascii_uppercase()), "{s}");
        }
        // Lengths and tails are told apart.
        assert_ne!(hash_ci("ab"), hash_ci("ab\0"));
        assert_ne!(hash_ci("vm-0123456789"), hash_ci("vm-0123456788"));
    }

    fn del(id: Option<&str>, product: Option<&str>, provider: Option<&str>) -> Deletion {
        Deletion {
            resource_id: id.map(String::from),
            product: product.map(String::from),
            provider: provider.map(String::from),
            deleted_at: Utc.with_ymd_and_hms(2026, 10, 10, 0, 30, 0).unwrap(),
            ..Deletion::default()
        }
    }

    fn ids<'a>(provider: &'a str, code: &'a str, id: &'a str) -> LineIds<'a> {
        LineIds {
            provider,
            format: provider,
            product_code: code,
            product_name: "",
            id,
            child_id: "",
        }
    }

    #[test]
    fn lines_match_deletions_by_normalized_id() {
        let n = Normalizer::default();
        let dels = [
            del(Some("Service-7f3a"), None, None),
            del(Some("service-7f3a-v2"), None, None),
            del(Some("standard"), None, Some("alibaba")),
            del(Some("disk-1"), None, None),
            del(None, Some("hws.service.type.ebs"), None),
        ];
        let m = Matcher::new(&n, &dels);
        let uuid = "0b6c2d1e-3f4a-4b5c-8d9e-0f1a2b3c4d5e";
        let hits = |l: LineIds| m.select(&l).map(|s| (s.norm_id, s.hits));
        let ma1 = format!("service-7f3a-{uuid}");
        let ma2 = format!("SERVICE-7F3A-V2-{uuid}");
        assert_eq!(
            hits(ids("huawei", "hws.service.type.ma", &ma1)),
            Some(("service-7f3a".into(), vec![DeletionIdx(0)]))
        );
        // Services sharing a prefix are never merged.
        assert_eq!(
            hits(ids("huawei", "hws.service.type.ma", &ma2)),
            Some(("service-7f3a-v2".into(), vec![DeletionIdx(1)]))
        );
        // The full bill ID quoted in the register matches too.
        let quoted = [del(Some(&ma1), None, None)];
        let mq = Matcher::new(&n, &quoted);
        assert!(mq
            .select(&ids("huawei", "hws.service.type.ma", &ma1))
            .is_some());
        // Composite IDs match by any part, within the register row's provider only.
        assert_eq!(
            hits(ids("alibaba", "oss", "cn-hangzhou;standard")).map(|h| h.1),
            Some(vec![DeletionIdx(2)])
        );
        assert_eq!(hits(ids("huawei", "oss", "cn-hangzhou;standard")), None);
        // Child resources match by their own ID.
        let child = LineIds {
            child_id: "DISK-1",
            ..ids("huawei", "hws.service.type.ec2", "ecs-1")
        };
        assert_eq!(m.select(&child).map(|s| s.hits), Some(vec![DeletionIdx(3)]));
        // Product-level cleanups catch every ID under the product, case-insensitively.
        assert_eq!(
            hits(ids("huawei", "HWS.SERVICE.TYPE.EBS", "vol-9")),
            Some(("vol-9".into(), vec![DeletionIdx(4)]))
        );
        assert_eq!(hits(ids("huawei", "hws.service.type.ec2", "ecs-9")), None);
    }

    #[test]
    fn a_resource_matches_lines_billed_under_its_name_and_says_so() {
        let n = Normalizer::default();
        let mut traced = del(
            Some("7d1e9c2a-4b3f-4e5d-9a8b-1c2d3e4f5a6c"),
            None,
            Some("huawei"),
        );
        traced.resource_name = Some("svc-a-v2".into());
        let m = Matcher::new(&n, std::slice::from_ref(&traced));
        let line = "svc-a-v2-7d1e9c2a-4b3f-4e5d-9a8b-1c2d3e4f5a6b";
        let s = m
            .select(&ids("huawei", "hws.service.type.ma", line))
            .unwrap();
        assert_eq!(s.norm_id, "svc-a-v2");
        assert_eq!(s.hits, [DeletionIdx(0)]);
        assert_eq!(s.rule, "modelarts-service (resource_name)");
        // By its ID, as before; and never under another provider.
        let s = m
            .select(&ids("huawei", "", "7D1E9C2A-4B3F-4E5D-9A8B-1C2D3E4F5A6C"))
            .unwrap();
        assert_eq!(s.rule, "as-is");
        assert!(m
            .select(&ids("alibaba", "hws.service.type.ma", line))
            .is_none());
    }
}
