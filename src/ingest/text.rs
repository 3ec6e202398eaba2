//! Reading a CSV stream: finding the header row under any title lines, then either reading every
//! record through the per-row logic, or, for a large plain file, handing back a [`Plan`] to read
//! it in pieces (see `pieces`).

use super::formats::detect::{closest_of, detect, no_format, Closest};
use super::formats::header::Binding;
use super::pieces::Plan;
use super::records::{self, RawRecord, RecordReader};
use super::scan::Scan;
use super::source::{self, decode, Encoding, Opened, Source};
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
    let reading = format!("CSV, {}", source.reading);
    let mut rdr = RecordReader::new(source.reader, source.delimiter, 0, 1);
    let mut rec = RawRecord::default();
    let (binding, header_line, version) = find_header(path, &mut rdr, &mut rec, enc)?;
    if let (Some(piece), Some(seekable)) = (piece, &source.seekable) {
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
            }));
        }
    }
    let mut st = Scan::new(path, input, &binding, opts, enc, hooks.count);
    let end = read_rows(&mut rdr, &mut rec, &mut st, opts, hooks.select, true)
        .map_err(|e| text_error(path, e))?;
    if let Some(e) = end.fatal {
        return Err(row_error(path, e));
    }
    let mut out = st.finish();
    out.reading = reading;
    out.header_line = header_line;
    out.version = version;
    Ok(Scanned::Done(out))
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
            if st.has_matched {
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
    if e.kind() == std::io::ErrorKind::InvalidData
        && e.get_ref().is_some_and(|i| i.is::<records::TooLong>())
    {
        let line = e
            .get_ref()
            .and_then(|i| i.downcast_ref::<records::TooLong>())
            .map_or(0, |t| t.line);
        return Error::input(Location::at(path, line, None), e.to_string());
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

/// Reads records until one is a header row some format accepts.
fn find_header<R: Read>(
    path: &str,
    rdr: &mut RecordReader<R>,
    rec: &mut RawRecord,
    enc: Encoding,
) -> Result<(Binding, u64, Option<&'static str>)> {
    let mut seen: Vec<(Vec<String>, u64)> = Vec::new();
    let mut scratch = String::new();
    while seen.len() < MAX_TITLE_LINES {
        if !rdr.read(rec).map_err(|e| text_error(path, e))? {
            break;
        }
        let cells = header_cells(rec, enc, &mut scratch);
        if let Some(b) = detect(&cells) {
            let version = b.spec.version.map(|v| v(&cells));
            return Ok((b, rec.line, version));
        }
        seen.push((cells, rec.line));
    }
    Err(no_format(path, &seen))
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
