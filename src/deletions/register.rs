//! The deletion register: a CSV of what was deleted and when, in the columns people write.
//!
//! Read with the exports' record reader and encodings (`ingest::records`, `ingest::source`), so
//! its lines are cited as an editor numbers them; nothing here reads a bill.

use crate::error::{Error, Location, Result};
use crate::ids::normalize::clean_id;
use crate::ingest::formats::header::fold;
use crate::ingest::records::{self, RawRecord, RecordReader};
use crate::ingest::source::{self, decode};
use crate::model::{canonical_provider, Action, Deletion};
use crate::time::parse_time;
use chrono::FixedOffset;
use std::collections::HashMap;

const ID: &[&str] = &["resourceid", "id", "resource", "instanceid", "billid"];
const DELETED_AT: &[&str] = &[
    "deletedat",
    "deleted",
    "deletiontime",
    "deletedtime",
    "deletetime",
    "deletiondate",
    "cleanedat",
];
const PRODUCT: &[&str] = &["product", "service", "productname", "servicename"];
const PROVIDER: &[&str] = &["provider", "cloud"];
const NOTE: &[&str] = &["note", "notes", "comment", "comments"];
const ACTION: &[&str] = &["action"];

/// Reads a register. Returns the deletions and warnings (IDs listed twice keep their earliest
/// deletion).
pub fn read(path: &str, tz: FixedOffset) -> Result<(Vec<Deletion>, Vec<String>)> {
    read_from(path, source::open(path)?, tz)
}

/// Reads a register from an opened stream; `path` is what messages call it.
pub fn read_from(
    path: &str,
    src: source::Source<'_>,
    tz: FixedOffset,
) -> Result<(Vec<Deletion>, Vec<String>)> {
    let enc = src.encoding;
    // The same record reader as the exports: physical line numbers, a quote left open by the
    // end of the file noticed, and a cap on a record's length.
    let mut rdr = RecordReader::new(src.reader, src.delimiter, 0, 1);
    let mut rec = RawRecord::default();
    let mut scratch = String::new();
    let read_err = |e: std::io::Error| match e
        .get_ref()
        .and_then(|i| i.downcast_ref::<records::TooLong>())
    {
        Some(t) => Error::input(Location::at(path, t.line, None), e.to_string()),
        None => source::read_error(path, e),
    };
    if !rdr.read(&mut rec).map_err(read_err)? {
        return Err(Error::input(
            Location::file(path),
            "the register is empty: expected a header row",
        ));
    }
    let header_line = rec.line;
    let header: Vec<String> = rec
        .iter()
        .map(|c| fold(decode(c, enc, &mut scratch)).0)
        .collect();
    let find = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| header.iter().position(|h| h == n))
    };
    let (id_col, at_col) = (find(ID), find(DELETED_AT));
    let (product_col, provider_col, note_col) = (find(PRODUCT), find(PROVIDER), find(NOTE));
    let action_col = find(ACTION);
    let Some(at_col) = at_col else {
        return Err(Error::input(
            Location::at(path, header_line, None),
            "the register has no `deleted_at` column (also accepted: `deleted`, `deletion_time`)",
        ));
    };
    if id_col.is_none() && product_col.is_none() {
        return Err(Error::input(
            Location::at(path, header_line, None),
            "the register has no `resource_id` column (also accepted: `id`, `resource`) and no `product` column",
        ));
    }

    let mut out: Vec<Deletion> = Vec::new();
    let mut warnings = Vec::new();
    let mut lines_of: Vec<u64> = Vec::new();
    // Rows already read, by what makes two rows the same deletion (a register may hold
    // hundreds of thousands of rows: looking each up in a list took hours).
    let mut seen: HashMap<(bool, String), usize> = HashMap::new();
    while rdr.read(&mut rec).map_err(read_err)? {
        let line = rec.line;
        if rec.unclosed_quote {
            return Err(Error::input(
                Location::at(path, line, Some(rec.len())),
                "a quoted cell is not closed before the end of the file",
            ));
        }
        if rec.iter().all(|c| c.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        // Fewer cells than the header leaves the optional columns empty; more cells (a comma
        // not quoted in a note) would shift or drop what the row says.
        if let Some(extra) = (header.len()..rec.len()).find(|i| {
            rec.get(*i)
                .is_some_and(|c| !c.iter().all(u8::is_ascii_whitespace))
        }) {
            return Err(Error::input(
                Location::at(path, line, Some(extra + 1)),
                format!(
                    "expected {} fields as in the header, found {}",
                    header.len(),
                    rec.len()
                ),
            ));
        }
        let get = |col: Option<usize>, scratch: &mut String| -> String {
            col.and_then(|i| rec.get(i)).map_or(String::new(), |c| {
                decode(c, enc, scratch).trim().to_string()
            })
        };
        let id = clean_id(&get(id_col, &mut scratch)).to_string();
        let product = get(product_col, &mut scratch);
        let at_text = get(Some(at_col), &mut scratch);
        if id.is_empty() && product.is_empty() {
            return Err(Error::input(
                Location::at(path, line, id_col.map(|c| c + 1)),
                "the row names neither a resource_id nor a product",
            ));
        }
        if at_text.is_empty() {
            return Err(Error::input(
                Location::at(path, line, Some(at_col + 1)),
                "deleted_at is empty",
            ));
        }
        let deleted_at = parse_time(&at_text, tz).map_err(|m| {
            Error::input(
                Location::at(path, line, Some(at_col + 1)),
                format!("deleted_at: {m}"),
            )
        })?;
        let provider = get(provider_col, &mut scratch);
        let note = get(note_col, &mut scratch);
        let action_text = get(action_col, &mut scratch);
        let Some(action) = Action::parse(&action_text) else {
            return Err(Error::input(
                Location::at(path, line, action_col.map(|c| c + 1)),
                format!("action `{action_text}`: expected deleted, stopped or unsubscribed"),
            ));
        };
        let d = Deletion {
            key: (!id.is_empty()).then(|| id.to_ascii_lowercase()),
            resource_id: (!id.is_empty()).then_some(id),
            product: (!product.is_empty()).then_some(product),
            provider: (!provider.is_empty()).then(|| canonical_provider(&provider)),
            deleted_at,
            note: (!note.is_empty()).then_some(note),
            action,
            origin: format!("{path}:{line}"),
        };
        // The same resource ID, or for a product-level row the same product in any case.
        let same = match &d.key {
            Some(k) => (true, k.clone()),
            None => (false, d.product.as_deref().unwrap_or("").to_lowercase()),
        };
        if let Some(&i) = seen.get(&same) {
            let what = d
                .resource_id
                .as_deref()
                .or(d.product.as_deref())
                .unwrap_or("");
            warnings.push(format!(
                "{path}: `{what}` is listed twice (lines {} and {line}); keeping the earliest deletion",
                lines_of[i]
            ));
            if d.deleted_at < out[i].deleted_at {
                out[i] = d;
                lines_of[i] = line;
            }
            continue;
        }
        seen.insert(same, out.len());
        out.push(d);
        lines_of.push(line);
    }
    Ok((out, warnings))
}
