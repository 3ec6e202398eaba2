//! Deletions: every source of "what was deleted, and when", turned into the one list of
//! [`Deletion`]s a check works on (a deletion's place in it is its [`DeletionIdx`]).
//!
//! Owns the sources (the register file, the `--product` cleanups; audit logs go beside them as
//! one file each) and the order they are listed in. It reads no bill and decides nothing: which
//! lines mention a deletion is `ids`' business, what follows from them `reconcile`'s.

pub mod register;

use crate::error::Result;
use crate::model::{Deletion, DeletionIdx};
use chrono::{DateTime, FixedOffset, Utc};

/// Everything billed under `product` was cleaned up at `at` (`--product` / `--cleaned-at`).
pub fn product_cleanup(product: &str, at: DateTime<Utc>) -> Deletion {
    Deletion {
        resource_id: None,
        key: None,
        product: Some(product.to_string()),
        provider: None,
        deleted_at: at,
        note: None,
        action: Default::default(),
        origin: "--product".into(),
    }
}

/// The deletions of every source, in the order reports and indices follow: the register's rows,
/// then the `--product` cleanups in command-line order. Returns them with the sources' warnings.
pub fn gather(
    register: Option<&str>,
    products: &[(String, DateTime<Utc>)],
    tz: FixedOffset,
) -> Result<(Vec<Deletion>, Vec<String>)> {
    let mut deletions = Vec::new();
    let mut warnings = Vec::new();
    if let Some(path) = register {
        let (d, w) = register::read(path, tz)?;
        deletions.extend(d);
        warnings.extend(w);
    }
    for (product, at) in products {
        deletions.push(product_cleanup(product, *at));
    }
    Ok((deletions, warnings))
}

/// Each deletion with its index.
pub fn indexed(deletions: &[Deletion]) -> impl Iterator<Item = (DeletionIdx, &Deletion)> {
    deletions
        .iter()
        .enumerate()
        .map_while(|(i, d)| DeletionIdx::of(i).map(|i| (i, d)))
}
