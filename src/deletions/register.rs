//! The deletion register: a CSV of what was deleted and when, in the columns people write
//! (and those `billrecon deletions` writes: `resource_name`, `action`, `origin`).
//!
//! Read with the exports' record reader and encodings (`ingest::records`, `ingest::source`), so
//! its lines are cited as an editor numbers them; nothing here reads a bill.

use crate::error::{Error, Location, Result};
use crate::ids::normalize::clean_id;
use crate::ingest::formats::header::fold;
use crate::ingest::records::{self, RawRecord, RecordReader};
use crate::ingest::source::{self, decode};
use crate::model::{canonical_provider, Action, Deletion, Origin};
use crate::time::parse_time;
use chrono::FixedOffset;

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
const NAME: &[&str] = &["resourcename", "name"];
const ACTION: &[&str] = &["action"];
const ORIGIN: &[&str] = &["origin"];

/// Providers a register may name: those some export format's lines carry (aliases fold to
/// these, see `canonical_provider`). A misspelt provider would match no line and leave the
/// resource pending for ever.
pub fn providers() -> Vec<&'static str> {
    let mut keys = crate::ingest::formats::provider_keys();
    // `focus` is a format, not a cloud.
    keys.retain(|k| *k != "focus");
    keys
}

/// Trims white space and the invisible format characters a web console or a spreadsheet pastes
/// around an ID (zero-width spaces, joiners, a byte-order mark, direction marks).
pub fn trim_invisible(s: &str) -> &str {
    s.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{202a}'..='\u{202e}' | '\u{00ad}')
    })
}

/// A cell `billrecon deletions` wrote with a leading `'` so that a spreadsheet shows it as
/// text (`'=x`, `''=x` for `'=x`; see `report::spreadsheet_safe`) reads back as it was.
fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest)
            if rest
                .trim_start_matches('\'')
                .starts_with(['=', '+', '-', '@']) =>
        {
            rest
        }
        _ => s,
    }
}

/// The register's columns, in the order `billrecon deletions` writes them.
pub const COLUMNS: [&str; 8] = [
    "resource_id",
    "resource_name",
    "deleted_at",
    "product",
    "provider",
    "action",
    "note",
    "origin",
];

/// Orders rows for people: by time, then ID.
pub fn sorted(deletions: &[Deletion]) -> Vec<&Deletion> {
    let mut rows: Vec<&Deletion> = deletions.iter().collect();
    rows.sort_by(|a, b| {
        a.deleted_at
            .cmp(&b.deleted_at)
            .then_with(|| a.resource_id.cmp(&b.resource_id))
            .then_with(|| a.product.cmp(&b.product))
    });
    rows
}

/// Writes deletions as a register [`read_from`] reads back to the same resources, times and
/// actions: times in RFC 3339 UTC, each row's provenance in `origin`, cells a spreadsheet
/// would run guarded with a `'` that the reader drops again.
pub fn write(deletions: &[Deletion], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use crate::report::spreadsheet_safe;
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    for d in sorted(deletions) {
        let cell = |s: Option<&str>| spreadsheet_safe(s.unwrap_or(""));
        let origin = d
            .origin
            .provenance()
            .unwrap_or_else(|| d.origin.to_string());
        w.write_record([
            cell(d.resource_id.as_deref()),
            cell(d.resource_name.as_deref()),
            crate::time::rfc3339(d.deleted_at),
            cell(d.product.as_deref()),
            cell(d.provider.as_deref()),
            d.action.name().to_string(),
            cell(d.note.as_deref()),
            spreadsheet_safe(&origin),
        ])?;
    }
    w.flush()
}

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
    let mut rdr = RecordReader::new(src.reader, src.list_delimiter, 0, 1);
    let mut rec = RawRecord::default();
    let mut scratch = String::new();
    let read_err = |e: std::io::Error| match e
        .get_ref()
        .and_then(|i| i.downcast_ref::<records::Unreadable>())
    {
        Some(t) => Error::input(Location::at(path, t.line, t.col), e.to_string()),
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
    let (name_col, action_col, origin_col) = (find(NAME), find(ACTION), find(ORIGIN));
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

    let mut rows: Vec<Deletion> = Vec::new();
    // One copy of the file's name for every row's origin.
    let file: std::sync::Arc<str> = path.into();
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
                unguard(trim_invisible(decode(c, enc, scratch))).to_string()
            })
        };
        let id = trim_invisible(clean_id(&get(id_col, &mut scratch))).to_string();
        let name = trim_invisible(clean_id(&get(name_col, &mut scratch))).to_string();
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
        // "Deleted on the 10th" does not say before or after that day's usage.
        if !at_text.contains(':') && parse_time(&at_text, tz).is_ok() {
            return Err(Error::input(
                Location::at(path, line, Some(at_col + 1)),
                format!("deleted_at: `{at_text}` is a date without a time: write when on that day, such as `{at_text} 08:30`"),
            ));
        }
        let deleted_at = parse_time(&at_text, tz).map_err(|m| {
            Error::input(
                Location::at(path, line, Some(at_col + 1)),
                format!("deleted_at: {m}"),
            )
        })?;
        let provider = get(provider_col, &mut scratch);
        let provider = if provider.is_empty() {
            None
        } else {
            let key = canonical_provider(&provider);
            let known = providers();
            if !known.contains(&key.as_str()) {
                return Err(Error::input(
                    Location::at(path, line, provider_col.map(|c| c + 1)),
                    format!(
                        "provider: `{provider}` is not a provider billrecon knows: expected one of {} (or an alias such as `Huawei Cloud`, `阿里云`)",
                        known.join(", ")
                    ),
                ));
            }
            Some(key)
        };
        let action_text = get(action_col, &mut scratch);
        let action = if action_text.is_empty() {
            Action::Deleted
        } else {
            Action::parse(&action_text).ok_or_else(|| {
                Error::input(
                    Location::at(path, line, action_col.map(|c| c + 1)),
                    format!("action `{action_text}`: expected deleted, stopped or unsubscribed"),
                )
            })?
        };
        let note = get(note_col, &mut scratch);
        let cited = get(origin_col, &mut scratch);
        rows.push(Deletion {
            resource_name: (!name.is_empty() && !name.eq_ignore_ascii_case(&id)).then_some(name),
            resource_id: (!id.is_empty()).then_some(id),
            product: (!product.is_empty()).then_some(product),
            provider,
            deleted_at,
            action,
            note: (!note.is_empty()).then_some(note),
            origin: Origin {
                cited: (!cited.is_empty()).then_some(cited),
                ..Origin::row_of(file.clone(), line)
            },
        });
    }
    // The same resource listed twice keeps its earliest deletion, with a warning.
    let (out, warnings) = crate::deletions::merge(rows);
    Ok((out, warnings))
}
