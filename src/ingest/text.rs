//! Reading a CSV stream: finding the header row under any title lines, then either reading every
//! record through the per-row logic, or, for a large plain file, handing back a [`Plan`] to read
//! it in pieces (see `pieces`).

use super::formats::detect::{closest_of, detect, no_format, Closest};
use super::formats::header::{fold, Binding};
use super::formats::Field;
use super::pieces::Plan;
use super::records::{self, RawRecord, RecordReader};
use super::scan::Scan;
use super::source::{self, decode, Encoding, Late, Opened, Source};
use super::{row_error, Count, FileScan, Hooks, RowError, ScanOptions, Select};
use crate::error::{Error, Location, Result};
use std::io::Read;

/// Title lines a console may write above the header row.
pub(super) const MAX_TITLE_LINES: usize = 20;

/// What reading a text stream's header led to.
pub enum Scanned<T> {
    /// The whole stream was read.
    Done(FileScan<T>),
    /// A file on disk, large enough to be read in pieces on several cores: where its data rows
    /// start, and how to read them.
    Split(Plan),
}

/// Reads a text stream: finds the header, then either reads every row, or, when `piece` is
/// given and the stream is a plain file larger than it, returns a [`Plan`] to read it in
/// pieces.
pub fn scan_text<C: Count>(
    path: &str,
    input: usize,
    source: Source<'_>,
    opts: &ScanOptions,
    hooks: Hooks<'_, C>,
    piece: Option<u64>,
) -> Result<Scanned<C::Counts>> {
    let enc = source.encoding;
    let late = source.late.clone();
    let reading = format!("CSV, {}", source.reading);
    let mut rdr = RecordReader::new(source.reader, source.delimiter, 0, 1);
    let mut rec = RawRecord::default();
    let Header {
        binding,
        line: header_line,
        version,
        above,
        warnings,
    } = find_header(path, &mut rdr, &mut rec, enc)?;
    if let Some(first) = above.first() {
        if !opts.skip_bad_rows {
            return Err(row_error(path, first.clone()));
        }
    }
    // Once a file whose first 64 KiB are ASCII is read as GB18030, its text no longer sits at
    // its file offsets: it is read in one pass.
    let late_now = late.as_ref().map(|l| l.get());
    let split = late_now != Some(Late::Gb18030);
    if let (Some(piece), Some(seekable), true) = (piece, &source.seekable, split) {
        let len = std::fs::metadata(&seekable.path).map_or(0, |m| m.len());
        let (offset, line) = rdr.position();
        let data_offset = seekable.skip + offset;
        if len.saturating_sub(data_offset) > piece {
            return Ok(Scanned::Split(Plan {
                path: path.to_string(),
                input,
                file: seekable.path.clone(),
                skip: seekable.skip,
                encoding: enc,
                delimiter: source.delimiter,
                binding,
                header_line,
                version,
                data_offset,
                data_line: line,
                file_len: len,
                reading,
                above,
                warnings,
                late: late_now,
            }));
        }
    }
    let mut st = Scan::new(path, input, &binding, opts, enc, hooks.count);
    st.skip_above(opts, above);
    rdr.read_only(st.cells_read());
    let end = read_rows(&mut rdr, &mut rec, &mut st, opts, hooks.select, true)
        .map_err(|e| text_error(path, e))?;
    if let Some(e) = end.fatal {
        return Err(row_error(path, e));
    }
    let mut out = st.finish();
    out.reading = late_reading(reading, late.map(|l| l.get()));
    out.header_line = header_line;
    out.version = version;
    out.warnings = warnings;
    Ok(Scanned::Done(out))
}

/// How an input was read, once a file whose first 64 KiB are ASCII has been read to its end.
pub(super) fn late_reading(reading: String, late: Option<Late>) -> String {
    match late {
        Some(Late::Gb18030) => reading.replacen("UTF-8", "GB18030 (after ASCII)", 1),
        _ => reading,
    }
}

/// How a run of records ended.
pub(super) struct RowsEnd {
    /// The first row error, when bad rows are not skipped (reading stopped there).
    pub fatal: Option<RowError>,
    /// A record ran past the end of the piece: the piece did not end on a record boundary.
    pub spans: bool,
}

/// Reads records to the end of `rdr`'s input through the per-row logic. `last` says the input
/// ends where the file ends; otherwise a record cut by the end of the input is not read.
pub(super) fn read_rows<R: Read, C: Count>(
    rdr: &mut RecordReader<R>,
    rec: &mut RawRecord,
    st: &mut Scan<'_, C>,
    opts: &ScanOptions,
    select: &dyn Select,
    last: bool,
) -> std::io::Result<RowsEnd> {
    while rdr.next(rec)? {
        if rec.cut && !last {
            return Ok(RowsEnd {
                fatal: None,
                spans: true,
            });
        }
        let result = if rec.unclosed_quote {
            Err((
                Some(rec.len()),
                "a quoted cell is not closed before the end of the file".to_string(),
            ))
        } else {
            let r = st.row(&rdr.cells(rec), select);
            if st.has_matched || st.future_start.is_some() {
                st.count_matched(rec.line);
            }
            r
        };
        if let Err((col, msg)) = result {
            if let Err(e) = st.fail(opts, (rec.line, col, msg)) {
                return Ok(RowsEnd {
                    fatal: Some(e),
                    spans: false,
                });
            }
        }
    }
    Ok(RowsEnd {
        fatal: None,
        spans: false,
    })
}

pub(super) fn text_error(path: &str, e: std::io::Error) -> Error {
    text_error_after(path, e, 0)
}

/// [`text_error`] for a reading whose lines are counted from line `base + 1` (a piece).
pub(super) fn text_error_after(path: &str, e: std::io::Error, base: u64) -> Error {
    if let Some(u) = e
        .get_ref()
        .and_then(|i| i.downcast_ref::<records::Unreadable>())
    {
        return Error::input(Location::at(path, u.line + base, u.col), u.to_string());
    }
    source::read_error(path, e)
}

/// A row wider or longer than this is no header (FOCUS has about 60 columns): its cells are not
/// matched against the alias tables, which would take minutes and gigabytes on a hostile file.
pub(super) const MAX_HEADER_CELLS: usize = 4096;
pub(super) const MAX_HEADER_BYTES: usize = 1 << 20;

/// The decoded cells of a candidate header row; none for a row too wide or long to be one.
pub(super) fn header_cells(rec: &RawRecord, enc: Encoding, scratch: &mut String) -> Vec<String> {
    if rec.len() > MAX_HEADER_CELLS || rec.as_bytes().len() > MAX_HEADER_BYTES {
        return Vec::new();
    }
    rec.iter()
        .map(|c| decode(c, enc, scratch).to_string())
        .collect()
}

/// What reading up to the header row found.
pub(super) struct Header {
    pub binding: Binding,
    pub line: u64,
    pub version: Option<&'static str>,
    /// Rows above the header with the shape of bill lines rather than title lines (see
    /// [`bill_line_shape`]): the run stops at the first, or with `--skip-bad-rows` they are
    /// skipped rows like any other row that cannot be read.
    pub above: Vec<RowError>,
    /// Columns whose names repeat an earlier column's.
    pub warnings: Vec<String>,
}

/// Reads records until one is a header row some format accepts.
///
/// Consoles write a title line or two above the header (`华为云费用明细账单`, `账号：…,账期：…`);
/// rows found there are title lines only while they are short. A row with the shape of a bill
/// line above the header (the data of an earlier export whose header differs, joined with
/// `cat`) is never dropped silently.
fn find_header<R: Read>(
    path: &str,
    rdr: &mut RecordReader<R>,
    rec: &mut RawRecord,
    enc: Encoding,
) -> Result<Header> {
    let mut seen: Vec<(Vec<String>, u64)> = Vec::new();
    let mut shaped: Vec<(u64, String)> = Vec::new();
    let mut too_wide: Option<(u64, String)> = None;
    let mut scratch = String::new();
    while seen.len() < MAX_TITLE_LINES {
        if !rdr.read(rec).map_err(|e| text_error(path, e))? {
            break;
        }
        let cells = header_cells(rec, enc, &mut scratch);
        if let Some(b) = detect(&cells) {
            let version = b.spec.version.map(|v| v(&cells));
            let line = rec.line;
            let above = shaped
                .into_iter()
                .map(|(l, shape)| {
                    (
                        l,
                        None,
                        format!(
                            "a row of data above the header row (line {line}): {shape}, where a \
                             title line holds at most two; two exports whose headers differ, \
                             joined? Give each file on its own (or skip such rows with \
                             --skip-bad-rows)"
                        ),
                    )
                })
                .collect();
            let warnings = repeated_names(path, line, &cells, &b);
            return Ok(Header {
                binding: b,
                line,
                version,
                above,
                warnings,
            });
        }
        if cells.is_empty() && too_wide.is_none() {
            too_wide = too_wide_for_a_header(rec).map(|why| (rec.line, why));
        }
        if let Some(shape) = bill_line_shape(rec, enc) {
            shaped.push((rec.line, shape));
        }
        seen.push((cells, rec.line));
    }
    if let Some((line, why)) = too_wide {
        return Err(Error::input(
            Location::at(path, line, None),
            format!("no header row found: {why}"),
        ));
    }
    Err(no_format(path, &seen))
}

/// Why a row cannot be a header row (see [`MAX_HEADER_CELLS`]), if it cannot.
fn too_wide_for_a_header(rec: &RawRecord) -> Option<String> {
    let bytes = rec.as_bytes().len();
    if rec.len() > MAX_HEADER_CELLS {
        Some(format!(
            "line {} has {} columns, more than the {MAX_HEADER_CELLS} a header row may have",
            rec.line,
            rec.len()
        ))
    } else if bytes > MAX_HEADER_BYTES {
        Some(format!(
            "line {} holds {bytes} bytes, more than the {MAX_HEADER_BYTES} a header row may hold",
            rec.line
        ))
    } else {
        None
    }
}

/// How a row standing above the header looks like a bill line, if it does: three or more
/// non-empty cells, one of them a number or a time. A title line names the bill, the account or
/// the period in a cell or two (`账号：acme-prod,账期：2026-10`).
pub(super) fn bill_line_shape(rec: &RawRecord, enc: Encoding) -> Option<String> {
    use crate::time::{parse_time, split_range};
    let utc = chrono::FixedOffset::east_opt(0)?;
    let mut scratch = String::new();
    let (mut filled, mut numbers, mut times) = (0usize, 0usize, 0usize);
    for cell in rec.iter().take(MAX_HEADER_CELLS) {
        let t = decode(cell, enc, &mut scratch).trim();
        if t.is_empty() || t == "-" || t == "--" {
            continue;
        }
        filled += 1;
        if !t.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        if crate::money::parse_decimal(t).is_ok() {
            numbers += 1;
        } else if parse_time(t, utc).is_ok()
            || split_range(t).is_some_and(|(a, _)| parse_time(a, utc).is_ok())
        {
            times += 1;
        }
    }
    if filled < 3 || numbers + times == 0 {
        return None;
    }
    let what = match (numbers > 0, times > 0) {
        (true, true) => "numbers and times",
        (true, false) => "numbers",
        _ => "times",
    };
    let cells = rec.len();
    Some(format!("{cells} cells, {filled} filled, with {what}"))
}

/// A warning for each column whose name folds to an earlier column's (`资源ID` twice, or
/// `Resource ID` and `resource_id`): only the first is ever bound, so the other's values are
/// never read.
fn repeated_names(path: &str, line: u64, cells: &[String], b: &Binding) -> Vec<String> {
    let keys: Vec<String> = cells.iter().map(|c| fold(c).0).collect();
    let mut out = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        if key.is_empty() {
            continue;
        }
        let Some(first) = keys[..i].iter().position(|k| k == key) else {
            continue;
        };
        let name = |c: usize| cells[c].trim_start_matches('\u{feff}').trim();
        let named = if name(first) == name(i) {
            format!(
                "columns {} and {} are both named `{}`",
                first + 1,
                i + 1,
                name(i)
            )
        } else {
            format!(
                "columns {} (`{}`) and {} (`{}`) have the same name",
                first + 1,
                name(first),
                i + 1,
                name(i)
            )
        };
        let read = match Field::ALL.iter().find(|f| b.col(**f) == Some(first)) {
            Some(f) => format!(
                "column {} is read as the {}, column {} is ignored",
                first + 1,
                f.meaning(),
                i + 1
            ),
            None => "neither is read".to_string(),
        };
        out.push(format!(
            "{}: {named}; {read}",
            Location::at(path, line, None)
        ));
    }
    out
}

/// Reads the opening rows of an input again to say which format came closest, when none of
/// them is a header some format accepts; `None` when one is (or nothing could be read).
pub fn probe(opened: Opened<'_>) -> Option<Closest> {
    let seen: Vec<(Vec<String>, u64)> = match opened {
        Opened::Parquet(file) => {
            vec![(
                super::parquet::ParquetFile::open(&file, &file)
                    .ok()?
                    .header()
                    .to_vec(),
                1,
            )]
        }
        Opened::Text(source) => {
            let mut rdr = RecordReader::new(source.reader, source.delimiter, 0, 1);
            let mut rec = RawRecord::default();
            let mut scratch = String::new();
            let mut seen = Vec::new();
            while seen.len() < MAX_TITLE_LINES && rdr.read(&mut rec).unwrap_or(false) {
                let cells = header_cells(&rec, source.encoding, &mut scratch);
                seen.push((cells, rec.line));
            }
            seen
        }
    };
    if seen.iter().any(|(cells, _)| detect(cells).is_some()) {
        return None;
    }
    closest_of(&seen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_record(line: &str) -> RawRecord {
        let mut rdr = RecordReader::new(line.as_bytes(), b',', 0, 1);
        let mut rec = RawRecord::default();
        assert!(rdr.read(&mut rec).unwrap());
        rec
    }

    #[test]
    fn title_lines_are_short_and_bill_lines_are_not() {
        let utf8 = Encoding::Utf8;
        for title in [
            "华为云费用明细账单",
            "账号：acme-prod,账期：2026-10",
            "导出时间,2026-10-12 10:00:00",
            "Account,12345",
            "账号：acme,账期：2026-10,币种：CNY",
            "资源编号,开始时间,结束时间,金额",
            ",,,,,",
            "a,-,--,1",
        ] {
            assert_eq!(bill_line_shape(&first_record(title), utf8), None, "{title}");
        }
        for (line, shape) in [
            (
                "ecs-1,2026-10-10 09:00:00,2026-10-10 10:00:00,3.46",
                "4 cells, 4 filled, with numbers and times",
            ),
            ("ecs-1,,,3.46,x", "5 cells, 3 filled, with numbers"),
            (
                "ecs-1,2026-10-10 09:00:00 ~ 2026-10-10 10:00:00,web",
                "3 cells, 3 filled, with times",
            ),
        ] {
            assert_eq!(
                bill_line_shape(&first_record(line), utf8).as_deref(),
                Some(shape),
                "{line}"
            );
        }
    }
}
