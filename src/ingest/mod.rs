//! Ingest: bill exports in; per input, the coverage figures and what the deciding side counted
//! of the lines that mention a deleted resource out.
//!
//! One streaming pass per file. Each record's identifying cells go to a [`Select`] (the ID
//! matcher) before anything else is parsed: only the lines it keeps are read in full, and each is
//! handed to a [`Count`] (the deciding side) as it is read, so memory grows with what the counts
//! hold, not with the export nor with the lines that matched. Every row still feeds the coverage
//! figures and is checked for a readable amount and times, so a bad cell is reported wherever it
//! is.
//!
//! Reading only: no deletion times, grace or verdict rules live here; this room knows a matched
//! line's facts and hands them on through the [`Count`] seam.

mod alibaba;
pub mod dedupe;
mod focus;
pub mod header;
mod huawei;
mod memo;
pub mod parallel;
mod parquet;
pub mod records;
pub mod source;
pub mod spec;

use crate::error::{Error, Location, Result};
use crate::model::{canonical_provider, BillLine, DeletionIdx, Format, LineKey, LineKind};
use crate::money::parse_decimal;
use crate::time::{parse_end, parse_time, split_range};
use chrono::{DateTime, FixedOffset, Utc};
use dedupe::Drops;
use header::Binding;
use records::{Cells, RawRecord, RecordReader};
use rust_decimal::Decimal;
use source::{decode, Encoding, Opened, Source};
pub use spec::Field;
use std::hash::{Hash, Hasher};
use std::io::Read;
use std::sync::Arc;

/// The identifying cells of one record, as the selector sees them.
#[derive(Debug, Clone, Copy)]
pub struct LineIds<'a> {
    pub provider: &'a str,
    /// Export format (`huawei`, `alibaba`, `focus`).
    pub format: &'a str,
    pub product_code: &'a str,
    pub product_name: &'a str,
    /// Resource ID, cleaned of whitespace, quotes and empty markers.
    pub id: &'a str,
    pub child_id: &'a str,
}

/// What the selector says about a record it wants kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selected {
    pub norm_id: String,
    pub rule: String,
    /// The deletions the line mentions.
    pub hits: Vec<DeletionIdx>,
}

/// Decides which records matter (those that mention a deleted resource). Asked once per
/// distinct set of identifying cells, not per row (see `memo`).
pub trait Select: Sync {
    fn select(&self, ids: &LineIds<'_>) -> Option<Selected>;
}

/// What the deciding side does with a matched line: `ingest` calls [`Count::count`] once per
/// line its [`Select`] kept (never for the other rows), and carries the result, one
/// [`Count::Counts`] per input, through pieces, merging and de-duplication without looking
/// inside.
pub trait Count: Sync {
    type Counts: Counts;
    fn count(&self, into: &mut Self::Counts, selected: &Selected, line: &BillLine<'_>);
}

/// What one reading counted. Counts of two pieces of a file merge into the counts of the
/// whole; a piece numbers its lines from its own start, and `renumber` moves them to the
/// file's line numbers.
pub trait Counts: Default + Send + std::fmt::Debug {
    fn merge(&mut self, other: &Self);
    fn renumber(&mut self, base: u64);
}

/// Counts nothing: for a reading that only wants the figures every row feeds (`inspect`).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCount;

impl Counts for () {
    fn merge(&mut self, _: &Self) {}
    fn renumber(&mut self, _: u64) {}
}

impl Count for NoCount {
    type Counts = ();
    fn count(&self, _: &mut (), _: &Selected, _: &BillLine<'_>) {}
}

/// The two calls a reading makes outside `ingest`: which records matter, and what a matched
/// line counts for.
pub struct Hooks<'a, C> {
    pub select: &'a dyn Select,
    pub count: &'a C,
}

impl<C> Clone for Hooks<'_, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C> Copy for Hooks<'_, C> {}

#[derive(Debug, Clone, Copy)]
pub struct ScanOptions<'a> {
    /// Offset of times written without one.
    pub tz: FixedOffset,
    pub skip_bad_rows: bool,
    /// Keep the fingerprint of every matched line in [`FileScan::fingerprints`], to find the
    /// lines several inputs share (see [`dedupe`]).
    pub fingerprints: bool,
    /// Lines to leave out: those another input holds as well and counts instead.
    pub drop: Option<&'a Drops>,
}

impl<'a> ScanOptions<'a> {
    pub fn new(tz: FixedOffset, skip_bad_rows: bool) -> Self {
        ScanOptions {
            tz,
            skip_bad_rows,
            fingerprints: false,
            drop: None,
        }
    }
}

/// How far one provider's lines in one file reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSpan {
    pub provider: String,
    /// Latest end of a usage window of a day or less (metered usage).
    pub latest_usage_end: Option<DateTime<Utc>>,
    /// Latest end of a longer window (a prepaid period), used only when there is no other.
    pub latest_long_end: Option<DateTime<Utc>>,
    /// Latest time charged, for exports that carry no usage window at all.
    pub latest_charge: Option<DateTime<Utc>>,
}

/// Everything one pass over a file learned; `T` is what the [`Count`] counted.
#[derive(Debug, Clone)]
pub struct FileScan<T> {
    pub path: String,
    /// How the input was read: `CSV, gzip, UTF-8`, `Parquet, 3 row groups`.
    pub reading: String,
    pub format: Format,
    /// FOCUS version implied by the header.
    pub version: Option<&'static str>,
    pub binding: Binding,
    /// Line of the header row (title lines may stand above it).
    pub header_line: u64,
    pub rows: u64,
    pub skipped_rows: u64,
    /// The first few skipped rows' messages.
    pub skipped_examples: Vec<String>,
    /// Totals rows (`合计`, `Total`) recognised and left out.
    pub totals_rows: u64,
    pub currencies: Vec<String>,
    pub first_usage: Option<DateTime<Utc>>,
    pub last_usage: Option<DateTime<Utc>>,
    pub providers: Vec<ProviderSpan>,
    /// The matched lines, as the [`Count`] counted them.
    pub tallies: T,
    /// Fingerprints of the matched lines (only with [`ScanOptions::fingerprints`]), in no
    /// particular order.
    pub fingerprints: Vec<u64>,
    /// Matched lines left out because another input holds them too.
    pub duplicate_rows: u64,
}

impl<T: Counts> FileScan<T> {
    pub fn empty() -> Self {
        FileScan {
            path: String::new(),
            reading: String::new(),
            format: Format::Huawei,
            version: None,
            binding: header::Binding::empty(),
            header_line: 0,
            rows: 0,
            skipped_rows: 0,
            skipped_examples: Vec::new(),
            totals_rows: 0,
            currencies: Vec::new(),
            first_usage: None,
            last_usage: None,
            providers: Vec::new(),
            tallies: T::default(),
            fingerprints: Vec::new(),
            duplicate_rows: 0,
        }
    }

    /// Everything the scan learned, as text: two readings of the same input (in pieces or in
    /// one pass) must give the same digest. For tests and the fuzz checks.
    pub fn digest(&self) -> String {
        let mut fingerprints = self.fingerprints.clone();
        fingerprints.sort_unstable();
        format!(
            "rows {} skipped {} {:?} totals {} currencies {:?} usage {:?}..{:?} providers {:?}\n{:#?}\n{:?}",
            self.rows,
            self.skipped_rows,
            self.skipped_examples,
            self.totals_rows,
            self.currencies,
            self.first_usage,
            self.last_usage,
            self.providers,
            self.tallies,
            fingerprints
        )
    }

    /// Adds what a later piece of the same file found.
    fn absorb(&mut self, other: FileScan<T>) {
        self.rows += other.rows;
        self.skipped_rows += other.skipped_rows;
        self.totals_rows += other.totals_rows;
        for c in other.currencies {
            if !self.currencies.contains(&c) {
                self.currencies.push(c);
            }
        }
        self.first_usage = match (self.first_usage, other.first_usage) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_usage = self.last_usage.max(other.last_usage);
        for p in other.providers {
            match self.providers.iter_mut().find(|q| q.provider == p.provider) {
                Some(q) => {
                    q.latest_usage_end = q.latest_usage_end.max(p.latest_usage_end);
                    q.latest_long_end = q.latest_long_end.max(p.latest_long_end);
                    q.latest_charge = q.latest_charge.max(p.latest_charge);
                }
                None => self.providers.push(p),
            }
        }
        self.tallies.merge(&other.tallies);
        self.fingerprints.extend(other.fingerprints);
        self.duplicate_rows += other.duplicate_rows;
    }
}

/// Title lines a console may write above the header row.
const MAX_TITLE_LINES: usize = 20;
const SKIPPED_EXAMPLES: usize = 5;

/// One record of an export as the per-row logic reads it: text cells by column position. CSV
/// records are read as they are; a Parquet row is rendered to the same canonical text first, so
/// both go through the same [`Scan::row`].
trait Record {
    fn width(&self) -> usize;
    fn cell(&self, i: usize) -> Option<&[u8]>;
    /// Whether every cell is empty or blank.
    fn is_blank(&self) -> bool;
    /// Hash of the whole record, to recognise the same line in another input file.
    fn fingerprint(&self) -> u64;
}

/// Whether every cell is empty or blank.
fn blank<'a>(mut cells: impl Iterator<Item = &'a [u8]>) -> bool {
    cells.all(|c| c.iter().all(u8::is_ascii_whitespace))
}

/// Hash of a record's cells, the same for the same cells however they were read.
fn fingerprint<'a>(cells: impl Iterator<Item = &'a [u8]>) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    for cell in cells {
        cell.hash(&mut h);
    }
    h.finish()
}

impl Record for Cells<'_> {
    #[inline]
    fn width(&self) -> usize {
        self.len()
    }

    #[inline]
    fn cell(&self, i: usize) -> Option<&[u8]> {
        self.get(i)
    }

    fn is_blank(&self) -> bool {
        blank(self.iter())
    }

    fn fingerprint(&self) -> u64 {
        fingerprint(self.iter())
    }
}

/// Reads one export from its stream, start to end, on this thread. `path` is the name
/// messages and reports use (`bundle.zip:member.csv` for a zip member); `input` is its index
/// among the inputs, recorded with every line counted.
pub fn scan<C: Count>(
    path: &str,
    input: usize,
    opened: Opened<'_>,
    opts: &ScanOptions,
    hooks: Hooks<'_, C>,
) -> Result<FileScan<C::Counts>> {
    match opened {
        Opened::Text(source) => match scan_text(path, input, source, opts, hooks, None)? {
            Scanned::Done(out) => Ok(out),
            Scanned::Split(_) => unreachable!("no chunk size was given"),
        },
        Opened::Parquet(file) => scan_parquet(path, &file, input, opts, hooks),
    }
}

/// The inputs the exports hold, in command-line order; a zip archive's members in archive order.
pub fn inputs(exports: &[String]) -> Result<Vec<source::Entry>> {
    let mut out = Vec::new();
    for path in exports {
        out.extend(source::entries(path)?);
    }
    Ok(out)
}

/// Reads every input the exports hold on every core, counting lines that several inputs hold
/// once (see [`dedupe`]); results keep the order given.
pub fn read_exports<C: Count>(
    exports: &[String],
    opts: &ScanOptions,
    hooks: Hooks<'_, C>,
    progress: &crate::progress::Progress,
) -> Result<Vec<FileScan<C::Counts>>> {
    let entries = inputs(exports)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    dedupe::read_all(&entries, opts, hooks, progress, threads, parallel::PIECE)
}

/// A row that failed: its line (relative to where its piece started), column and reason.
type RowError = (u64, Option<usize>, String);

fn format_row_error(path: &str, (line, col, msg): &RowError) -> String {
    format!("{}: {msg}", Location::at(path, *line, *col))
}

fn scan_parquet<C: Count>(
    path: &str,
    file: &str,
    input: usize,
    opts: &ScanOptions,
    hooks: Hooks<'_, C>,
) -> Result<FileScan<C::Counts>> {
    let pq = parquet::ParquetFile::open(path, file)?;
    let header = pq.header().to_vec();
    let Some(binding) = header::detect(&header) else {
        return Err(no_format(path, &[(header, 1)]));
    };
    let version = (binding.spec.format == Format::Focus).then(|| focus::version(&header));
    let mut st = Scan::new(path, input, &binding, opts, Encoding::Utf8, hooks.count);
    let bound: Vec<bool> = (0..header.len())
        .map(|i| binding.cols.contains(&Some(i)))
        .collect();
    pq.check_bound(&bound, &binding)?;
    let mut rec = csv::ByteRecord::new();
    // Lines count as in the CSV of the same data: the header is line 1, row N is line N + 1.
    let mut line = 1u64;
    for batch in pq.batches() {
        let batch = batch?;
        for r in 0..batch.height() {
            line += 1;
            batch.fill(r, &bound, &mut rec);
            let row = parquet::Row {
                cells: &rec,
                batch: &batch,
                row: r,
            };
            match st.row(&row, hooks.select) {
                Ok(()) => st.keep(line),
                Err(e) => st
                    .fail(opts, (line, e.0, e.1))
                    .map_err(|e| row_error(path, e))?,
            }
        }
    }
    let mut out = st.finish();
    out.reading = format!(
        "Parquet, {} row {}",
        pq.row_groups(),
        if pq.row_groups() == 1 {
            "group"
        } else {
            "groups"
        }
    );
    out.header_line = 1;
    out.version = version;
    Ok(out)
}

fn row_error(path: &str, (line, col, msg): RowError) -> Error {
    Error::input(Location::at(path, line, col), msg)
}

/// What reading a text stream's header led to.
pub enum Scanned<T> {
    /// The whole stream was read.
    Done(FileScan<T>),
    /// A file on disk, large enough to be read in pieces on several cores: where its data rows
    /// start, and how to read them.
    Split(Plan),
}

/// How to read the data rows of a plain file in pieces.
#[derive(Debug, Clone)]
pub struct Plan {
    pub path: String,
    pub input: usize,
    /// The file on disk and the stream offset of its first byte (after a BOM).
    pub file: String,
    pub skip: u64,
    pub encoding: Encoding,
    pub delimiter: u8,
    pub binding: Binding,
    pub header_line: u64,
    pub version: Option<&'static str>,
    /// File offset and line where the data rows start.
    pub data_offset: u64,
    pub data_line: u64,
    pub file_len: u64,
    /// How the bytes are read, for `inspect`.
    pub reading: String,
}

/// Reads a text stream: finds the header, then either reads every row, or, when `chunk` is
/// given and the stream is a plain file larger than it, returns a [`Plan`] to read it in
/// pieces.
pub fn scan_text<C: Count>(
    path: &str,
    input: usize,
    source: Source<'_>,
    opts: &ScanOptions,
    hooks: Hooks<'_, C>,
    chunk: Option<u64>,
) -> Result<Scanned<C::Counts>> {
    let enc = source.encoding;
    let reading = format!("CSV, {}", source.reading);
    let mut rdr = RecordReader::new(source.reader, source.delimiter, 0, 1);
    let mut rec = RawRecord::default();
    let (binding, header_line, version) = find_header(path, &mut rdr, &mut rec, enc)?;
    if let (Some(chunk), Some(seekable)) = (chunk, &source.seekable) {
        let len = std::fs::metadata(&seekable.path).map_or(0, |m| m.len());
        let (offset, line) = rdr.position();
        let data_offset = seekable.skip + offset;
        if len.saturating_sub(data_offset) > chunk {
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
struct RowsEnd {
    /// The first row error, when bad rows are not skipped (reading stopped there).
    fatal: Option<RowError>,
    /// A record ran past the end of the piece: the piece did not end on a record boundary.
    spans: bool,
}

/// Reads records to the end of `rdr`'s input through the per-row logic. `last` says the input
/// ends where the file ends; otherwise a record cut by the end of the input is not read.
fn read_rows<R: Read, C: Count>(
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
            if st.has_kept {
                st.keep(rec.line);
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

fn text_error(path: &str, e: std::io::Error) -> Error {
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

/// One piece of a plain file read on its own: the records starting in `[start, limit)`.
pub struct Piece<T> {
    pub start: u64,
    pub limit: u64,
    out: FileScan<T>,
    skipped: Vec<RowError>,
    fatal: Option<RowError>,
    /// Newlines in `[start, limit)`, to number the next piece's lines.
    newlines: u64,
    spans: bool,
}

/// Reads the records that start in `[start, limit)` of a plain file. `start` must be a record
/// boundary for the result to be used; the caller checks that the previous piece ended on one.
pub fn scan_piece<C: Count>(
    plan: &Plan,
    start: u64,
    limit: u64,
    opts: &ScanOptions,
    hooks: Hooks<'_, C>,
    wrap: source::Wrap<'_>,
) -> Result<Piece<C::Counts>> {
    use std::io::{Seek, SeekFrom};
    let mut file = std::fs::File::open(&plan.file).map_err(|e| Error::io(&plan.file, e))?;
    file.seek(SeekFrom::Start(start))
        .map_err(|e| Error::io(&plan.file, e))?;
    let reader = wrap(Box::new(file.take(limit - start)));
    // Lines are counted from the piece's start; the merge adds the lines before it.
    let mut rdr = RecordReader::new(reader, plan.delimiter, start - plan.skip, 1);
    let mut rec = RawRecord::default();
    let mut st = Scan::new(
        &plan.path,
        plan.input,
        &plan.binding,
        opts,
        plan.encoding,
        hooks.count,
    );
    st.keep_skipped = true;
    let end = read_rows(
        &mut rdr,
        &mut rec,
        &mut st,
        opts,
        hooks.select,
        limit == plan.file_len,
    )
    .map_err(|e| text_error(&plan.path, e))?;
    let newlines = rdr.position().1 - 1;
    let skipped = std::mem::take(&mut st.skipped);
    Ok(Piece {
        start,
        limit,
        out: st.finish(),
        skipped,
        fatal: end.fatal,
        newlines,
        spans: end.spans,
    })
}

/// The offset of the first record boundary candidate at or after `at`: just past the first
/// newline at or after `at − 1` (the data start for the first piece).
pub fn boundary(plan: &Plan, at: u64) -> Result<u64> {
    use std::io::{BufRead, BufReader, Seek, SeekFrom};
    if at <= plan.data_offset {
        return Ok(plan.data_offset);
    }
    if at >= plan.file_len {
        return Ok(plan.file_len);
    }
    let mut file = std::fs::File::open(&plan.file).map_err(|e| Error::io(&plan.file, e))?;
    file.seek(SeekFrom::Start(at - 1))
        .map_err(|e| Error::io(&plan.file, e))?;
    let mut r = BufReader::with_capacity(64 * 1024, file);
    let mut pos = at - 1;
    loop {
        let buf = r.fill_buf().map_err(|e| Error::io(&plan.file, e))?;
        if buf.is_empty() {
            return Ok(plan.file_len);
        }
        if let Some(i) = buf.iter().position(|b| *b == b'\n') {
            return Ok(pos + i as u64 + 1);
        }
        let n = buf.len();
        pos += n as u64;
        r.consume(n);
    }
}

/// Joins the pieces of a plain file, in order, into one scan. A piece that ran past its limit
/// (a quoted cell with a newline straddled the cut) is read again together with the next one;
/// pieces are only trusted from a start the previous piece proved to be a record boundary.
pub fn merge_pieces<C: Count>(
    plan: &Plan,
    mut pieces: Vec<Result<Piece<C::Counts>>>,
    opts: &ScanOptions,
    hooks: Hooks<'_, C>,
) -> Result<FileScan<C::Counts>> {
    let mut out = Scan::new(
        &plan.path,
        plan.input,
        &plan.binding,
        opts,
        plan.encoding,
        hooks.count,
    )
    .finish();
    out.reading = plan.reading.clone();
    out.header_line = plan.header_line;
    out.version = plan.version;
    let mut line = plan.data_line;
    let mut i = 0;
    let identity: source::Wrap<'_> = &|r| r;
    while i < pieces.len() {
        let mut piece = std::mem::replace(&mut pieces[i], Ok(empty_piece()))?;
        let mut j = i;
        while piece.spans && j + 1 < pieces.len() {
            // Rare: a quoted cell holds a newline across the cut. Read this piece and the next
            // as one (the next one's own result started mid-record and is discarded).
            j += 1;
            let limit = match &pieces[j] {
                Ok(p) => p.limit,
                Err(_) => plan.file_len,
            };
            piece = scan_piece(plan, piece.start, limit, opts, hooks, identity)?;
        }
        let base = line - 1;
        piece.out.tallies.renumber(base);
        for (l, _, _) in &mut piece.skipped {
            *l += base;
        }
        if let Some((l, col, msg)) = piece.fatal {
            return Err(row_error(&plan.path, (l + base, col, msg)));
        }
        for e in &piece.skipped {
            if out.skipped_examples.len() < SKIPPED_EXAMPLES {
                out.skipped_examples.push(format_row_error(&plan.path, e));
            }
        }
        out.absorb(piece.out);
        line += piece.newlines;
        i = j + 1;
    }
    Ok(out)
}

fn empty_piece<T: Counts>() -> Piece<T> {
    Piece {
        start: 0,
        limit: 0,
        out: FileScan::empty(),
        skipped: Vec::new(),
        fatal: None,
        newlines: 0,
        spans: false,
    }
}

/// A row wider or longer than this is no header (FOCUS has about 60 columns): its cells are not
/// matched against the alias tables, which would take minutes and gigabytes on a hostile file.
const MAX_HEADER_CELLS: usize = 4096;
const MAX_HEADER_BYTES: usize = 1 << 20;

/// The decoded cells of a candidate header row; none for a row too wide or long to be one.
fn header_cells(rec: &RawRecord, enc: Encoding, scratch: &mut String) -> Vec<String> {
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
        if let Some(b) = header::detect(&cells) {
            let version = (b.spec.format == Format::Focus).then(|| focus::version(&cells));
            return Ok((b, rec.line, version));
        }
        seen.push((cells, rec.line));
    }
    Err(no_format(path, &seen))
}

/// For an input whose header matches no format: the format that came closest, and the fields it
/// lacks with the header names it looked for.
#[derive(Debug, Clone)]
pub struct Closest {
    pub format: Format,
    pub missing: Vec<(Field, Vec<&'static str>)>,
    /// Line of the row that came closest.
    pub line: u64,
}

/// The closest format for the candidate header rows (cells and line), from the row closest to one.
fn closest_of(seen: &[(Vec<String>, u64)]) -> Option<Closest> {
    seen.iter()
        .filter(|(c, _)| c.len() > 1)
        .map(|(cells, line)| (header::closest(cells), *line))
        .min_by_key(|((_, m), _)| m.len())
        .map(|((spec, missing), line)| Closest {
            format: spec.format,
            missing,
            line,
        })
}

/// Reads the opening rows of an input again to say which format came closest, when none of
/// them is a header some format accepts; `None` when one is (or nothing could be read).
pub fn probe(opened: Opened<'_>) -> Option<Closest> {
    let seen: Vec<(Vec<String>, u64)> = match opened {
        Opened::Parquet(file) => {
            vec![(
                parquet::ParquetFile::open(&file, &file)
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
    if seen
        .iter()
        .any(|(cells, _)| header::detect(cells).is_some())
    {
        return None;
    }
    closest_of(&seen)
}

/// Detection failed on every candidate row (cells and line): name the closest format and what
/// it lacks, at the row closest to it.
fn no_format(path: &str, seen: &[(Vec<String>, u64)]) -> Error {
    let first_line = seen.first().map_or(1, |(_, l)| *l);
    let Some(Closest {
        format,
        missing: miss,
        line,
    }) = closest_of(seen)
    else {
        return Error::input(
            Location::at(path, first_line, None),
            "no header row found: expected a row of column names such as `资源ID`, `实例ID` or `ResourceId`",
        );
    };
    let wanted: Vec<String> = miss
        .iter()
        .map(|(f, names)| {
            format!(
                "{} ({})",
                f.meaning(),
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        })
        .collect();
    Error::input(
        Location::at(path, line, None),
        format!(
            "the header matches no known export format; the closest is {} ({}), which lacks: {}",
            format,
            describe(format),
            wanted.join("; ")
        ),
    )
}

/// What a format is called for people.
pub fn describe(f: Format) -> &'static str {
    match f {
        Format::Huawei => "Huawei Cloud Expenditure Details",
        Format::Alibaba => "Alibaba Cloud Bill Details",
        Format::Focus => "FOCUS",
    }
}

/// What a row tells coverage: usage start, usage end, time charged.
type Span = (
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
);

/// Row-by-row state of one scan.
struct Scan<'o, C: Count> {
    input: usize,
    opts: ScanOptions<'o>,
    count: &'o C,
    enc: Encoding,
    cols: [Option<usize>; Field::COUNT],
    width: usize,
    spec: &'static spec::FormatSpec,
    naive_tz: FixedOffset,
    header_currency: Option<&'static str>,
    s: Scratch,
    start_cache: TimeCache,
    end_cache: TimeCache,
    memo: memo::SelectMemo,
    /// The times the previous row noted for coverage, and where its provider's span is: rows
    /// of an hourly export repeat them, and noting them again changes nothing.
    last_span: Option<Span>,
    span_at: usize,
    provider_raw: Vec<u8>,
    provider: String,
    currency_raw: Vec<u8>,
    /// Skipped rows kept raw (line, column, reason) when lines are renumbered later.
    keep_skipped: bool,
    skipped: Vec<RowError>,
    /// The row just read, when it is kept (`has_kept`), until its line number is known. Its
    /// buffers are reused from row to row: a kept row allocates nothing.
    kept: Kept,
    has_kept: bool,
    out: FileScan<C::Counts>,
}

/// What a kept row tells its tallies (the line number is added when it is counted).
#[derive(Default)]
struct Kept {
    sel: Arc<Selected>,
    bill_id: String,
    resource_name: String,
    product: String,
    product_code: String,
    currency: String,
    time: DateTime<Utc>,
    usage_end: Option<DateTime<Utc>>,
    kind: LineKind,
    amount: Decimal,
    usage: Option<Decimal>,
    /// Only when lines are fingerprinted or dropped.
    fingerprint: Option<u64>,
}

/// Reusable buffers for cells that need decoding (GB18030), one per field read together.
#[derive(Default)]
struct Scratch {
    id: String,
    child: String,
    code: String,
    name: String,
    rname: String,
    other: String,
}

/// Consecutive rows of an hourly export mostly share their timestamps: read each cell's bytes
/// once (an empty cell or marker reads as no time).
#[derive(Default)]
struct TimeCache {
    raw: Vec<u8>,
    value: Option<Option<DateTime<Utc>>>,
}

impl TimeCache {
    fn get(
        &mut self,
        raw: &[u8],
        parse: impl FnOnce(&str) -> Result<DateTime<Utc>, String>,
    ) -> Result<Option<DateTime<Utc>>, String> {
        if let Some(v) = self.value {
            if self.raw == raw {
                return Ok(v);
            }
        }
        let text = value(std::str::from_utf8(raw).unwrap_or("?"));
        let v = if text.is_empty() {
            None
        } else {
            Some(parse(text)?)
        };
        self.raw.clear();
        self.raw.extend_from_slice(raw);
        self.value = Some(v);
        Ok(v)
    }
}

type RowResult = std::result::Result<(), (Option<usize>, String)>;

/// Cells meaning "empty": the consoles write `-` (Alibaba) and `--` (Huawei).
fn value(s: &str) -> &str {
    let t = s.trim();
    if t == "-" || t == "--" {
        ""
    } else {
        t
    }
}

/// Whether a raw cell reads as empty (blank, `-` or `--`), without decoding a cell that plainly
/// is not.
fn is_empty_cell(c: &[u8]) -> bool {
    let t = c.trim_ascii();
    match (t.first(), t.last()) {
        (None, _) => true,
        // Printable ASCII at both ends: no trimming can shorten it further.
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => {
            t == b"-" || t == b"--"
        }
        _ => value(std::str::from_utf8(c).unwrap_or("?")).is_empty(),
    }
}

/// A totals row's first cell reads `合计`, `总计` or `Total` (in any encoding the file uses).
/// Whether a record's first cell opens a totals row; `enc` decodes it (a GBK `合计` too).
fn is_totals(first: &[u8], enc: Encoding) -> bool {
    let mut scratch = String::new();
    let t = decode(first, enc, &mut scratch).trim();
    t.starts_with("合计") || t.starts_with("总计") || spec::starts_with_ic(t, "total")
}

impl<'o, C: Count> Scan<'o, C> {
    fn new(
        path: &str,
        input: usize,
        b: &Binding,
        opts: &ScanOptions<'o>,
        enc: Encoding,
        count: &'o C,
    ) -> Self {
        let utc = FixedOffset::east_opt(0).expect("zero offset");
        Scan {
            input,
            opts: *opts,
            count,
            enc,
            cols: b.cols,
            width: b.width,
            spec: b.spec,
            naive_tz: if b.spec.naive_is_utc { utc } else { opts.tz },
            header_currency: b.header_currency,
            s: Scratch::default(),
            start_cache: TimeCache::default(),
            end_cache: TimeCache::default(),
            memo: memo::SelectMemo::default(),
            last_span: None,
            span_at: 0,
            provider_raw: Vec::new(),
            provider: b.spec.provider.unwrap_or("").to_string(),
            currency_raw: Vec::new(),
            keep_skipped: false,
            skipped: Vec::new(),
            kept: Kept::default(),
            has_kept: false,
            out: FileScan {
                path: path.to_string(),
                format: b.spec.format,
                binding: b.clone(),
                ..FileScan::empty()
            },
        }
    }

    /// A row failed: counted and kept as an example with `--skip-bad-rows`, else returned.
    fn fail(&mut self, opts: &ScanOptions, e: RowError) -> std::result::Result<(), RowError> {
        if !opts.skip_bad_rows {
            return Err(e);
        }
        self.out.skipped_rows += 1;
        if self.keep_skipped {
            if self.skipped.len() < SKIPPED_EXAMPLES {
                self.skipped.push(e);
            }
        } else if self.out.skipped_examples.len() < SKIPPED_EXAMPLES {
            self.out
                .skipped_examples
                .push(format_row_error(&self.out.path, &e));
        }
        Ok(())
    }

    fn finish(self) -> FileScan<C::Counts> {
        self.out
    }

    /// Reads one record: counts it for coverage, checks it, and when it mentions a deleted
    /// resource leaves it in `self.kept` for [`Scan::keep`].
    fn row<R: Record>(&mut self, rec: &R, select: &dyn Select) -> RowResult {
        let first = rec.cell(0).unwrap_or(b"");
        if rec.width() != self.width {
            let totals = is_totals(first, self.enc);
            if totals || rec.is_blank() {
                self.out.totals_rows += u64::from(totals);
                return Ok(());
            }
            let col = rec.width().min(self.width) + 1;
            return Err((
                Some(col),
                format!(
                    "expected {} fields as in the header, found {}",
                    self.width,
                    rec.width()
                ),
            ));
        }
        // A full-width totals row carries no resource; a resource named `total-…` is a line.
        let no_id = self.cols[Field::ResourceId as usize]
            .and_then(|i| rec.cell(i))
            .is_none_or(is_empty_cell);
        if no_id && is_totals(first, self.enc) {
            self.out.totals_rows += 1;
            return Ok(());
        }
        let enc = self.enc;
        let cols = self.cols;
        let cell = |f: Field| cols[f as usize].and_then(|i| rec.cell(i));

        // Provider: fixed by the format, or per line (FOCUS ProviderName).
        if let Some(raw) = cell(Field::Provider) {
            if raw != self.provider_raw.as_slice() {
                self.last_span = None;
                self.provider_raw.clear();
                self.provider_raw.extend_from_slice(raw);
                let name = value(decode(raw, enc, &mut self.s.other));
                self.provider = if name.is_empty() {
                    "focus".into()
                } else {
                    canonical_provider(name)
                };
            }
        }

        // Identify first: most rows mention nothing that was deleted.
        let raw = |f: Field| cell(f).unwrap_or(b"");
        let s = &mut self.s;
        let (provider, format) = (&self.provider, self.spec.format.name());
        // A provider fixed by the format is the same for every row: no need to compare it.
        let per_row_provider = cols[Field::Provider as usize].is_some();
        let parts = [
            if per_row_provider {
                provider.as_bytes()
            } else {
                b""
            },
            raw(Field::ResourceId),
            raw(Field::ChildResourceId),
            raw(Field::ProductCode),
            raw(Field::ProductName),
        ];
        let selected = self.memo.get(parts, || {
            let ids = LineIds {
                provider,
                format,
                product_code: value(
                    cell(Field::ProductCode).map_or("", |c| decode(c, enc, &mut s.code)),
                ),
                product_name: value(
                    cell(Field::ProductName).map_or("", |c| decode(c, enc, &mut s.name)),
                ),
                id: crate::ids::normalize::clean_id(value(
                    cell(Field::ResourceId).map_or("", |c| decode(c, enc, &mut s.id)),
                )),
                child_id: crate::ids::normalize::clean_id(value(
                    cell(Field::ChildResourceId).map_or("", |c| decode(c, enc, &mut s.child)),
                )),
            };
            select.select(&ids)
        });

        // Times: every row feeds coverage.
        let tz = self.naive_tz;
        let col_of = |f: Field| cols[f as usize].map(|i| i + 1);
        let mut usage_start = None;
        let mut usage_end = None;
        let mut charged_at = None;
        if let Some(c) = cell(Field::UsageStart) {
            usage_start = self
                .start_cache
                .get(c, |t| parse_time(t, tz))
                .map_err(|m| (col_of(Field::UsageStart), format!("usage start: {m}")))?;
        }
        if let Some(c) = cell(Field::UsageEnd) {
            usage_end = self
                .end_cache
                .get(c, |t| parse_end(t, tz))
                .map_err(|m| (col_of(Field::UsageEnd), format!("usage end: {m}")))?;
        }
        // With a full usage window, the expenditure and transaction times add nothing: the window
        // dates the line and feeds coverage.
        if usage_start.is_none() || usage_end.is_none() {
            let exp_text = cell(Field::ExpenditureTime)
                .map_or("", |c| value(std::str::from_utf8(c).unwrap_or("?")));
            let charge_text = cell(Field::ChargeTime)
                .map_or("", |c| value(std::str::from_utf8(c).unwrap_or("?")));
            if !exp_text.is_empty() {
                let col = col_of(Field::ExpenditureTime);
                if let Some((a, b)) = split_range(exp_text) {
                    // A `start ~ end` expenditure time is the usage window of a pay-per-use line.
                    if usage_start.is_none() {
                        usage_start = Some(
                            parse_time(a, tz)
                                .map_err(|m| (col, format!("expenditure time: {m}")))?,
                        );
                    }
                    if usage_end.is_none() {
                        usage_end = Some(
                            parse_end(b, tz)
                                .map_err(|m| (col, format!("expenditure time: {m}")))?,
                        );
                    }
                } else if charge_text.is_empty() {
                    charged_at = Some(
                        parse_time(exp_text, tz)
                            .map_err(|m| (col, format!("expenditure time: {m}")))?,
                    );
                }
            }
            if !charge_text.is_empty() {
                charged_at = Some(
                    parse_time(charge_text, tz)
                        .map_err(|m| (col_of(Field::ChargeTime), format!("time charged: {m}")))?,
                );
            }
        }
        if let (Some(a), Some(b)) = (usage_start, usage_end) {
            if b < a {
                return Err((
                    col_of(Field::UsageEnd),
                    "usage end is before usage start".into(),
                ));
            }
        }

        // Amount: every row must carry a readable one.
        let amount_raw = raw(Field::Amount);
        let amount = if selected.is_some() || !plain_decimal(amount_raw.trim_ascii()) {
            let amount_text = value(std::str::from_utf8(amount_raw).unwrap_or("?"));
            Some(
                parse_decimal(amount_text)
                    .map_err(|m| (col_of(Field::Amount), format!("amount: {m}")))?,
            )
        } else {
            None
        };

        self.out.rows += 1;
        self.note_currency(rec);
        self.note_span(usage_start, usage_end, charged_at);

        let Some(sel) = selected else { return Ok(()) };
        let Some(time) = usage_start.or(charged_at) else {
            return Err((
                None,
                "the line has no usage start and no time charged".into(),
            ));
        };
        let usage_text =
            cell(Field::Usage).map_or("", |c| value(std::str::from_utf8(c).unwrap_or("?")));
        let usage = if usage_text.is_empty() {
            None
        } else {
            Some(
                parse_decimal(usage_text)
                    .map_err(|m| (col_of(Field::Usage), format!("usage quantity: {m}")))?,
            )
        };
        let mut currency = std::mem::take(&mut self.kept.currency);
        self.currency_into(rec, &mut currency);
        self.kept.currency = currency;
        let kind_text = cell(Field::Kind).map_or("", |c| decode(c, enc, &mut self.s.other));
        let class_text =
            cell(Field::ChargeClass).map_or("", |c| value(std::str::from_utf8(c).unwrap_or("")));
        let kind = (self.spec.kind)(value(kind_text), class_text);
        let s = &mut self.s;
        let id = crate::ids::normalize::clean_id(value(
            cell(Field::ResourceId).map_or("", |c| decode(c, enc, &mut s.id)),
        ));
        let product_code =
            value(cell(Field::ProductCode).map_or("", |c| decode(c, enc, &mut s.code)));
        let product_name =
            value(cell(Field::ProductName).map_or("", |c| decode(c, enc, &mut s.name)));
        let resource_name =
            value(cell(Field::ResourceName).map_or("", |c| decode(c, enc, &mut s.rname)));
        let want_fingerprint = self.opts.fingerprints || self.opts.drop.is_some();
        let k = &mut self.kept;
        for (to, from) in [
            (&mut k.bill_id, id),
            (&mut k.resource_name, resource_name),
            (&mut k.product, product_name),
            (&mut k.product_code, product_code),
        ] {
            to.clear();
            to.push_str(from);
        }
        k.sel = sel;
        k.time = time;
        k.usage_end = usage_end;
        k.kind = kind;
        k.amount = amount.unwrap_or_default();
        k.usage = usage;
        k.fingerprint = want_fingerprint.then(|| rec.fingerprint());
        self.has_kept = true;
        Ok(())
    }

    /// Counts the row [`Scan::row`] kept, at `line`, into the tallies of the deletions it
    /// mentions (unless it is a duplicate another input counts).
    fn keep(&mut self, line: u64) {
        if !std::mem::take(&mut self.has_kept) {
            return;
        }
        let k = &self.kept;
        if let Some(fp) = k.fingerprint {
            if self.opts.drop.is_some_and(|d| d.drops(fp, self.input)) {
                self.out.duplicate_rows += 1;
                return;
            }
            if self.opts.fingerprints {
                self.out.fingerprints.push(fp);
            }
        }
        let l = BillLine {
            key: LineKey {
                time: k.time,
                input: self.input as u32,
                line,
            },
            usage_end: k.usage_end,
            kind: k.kind,
            amount: k.amount,
            usage: k.usage,
            currency: &k.currency,
            provider: &self.provider,
            bill_id: &k.bill_id,
            rule: &k.sel.rule,
            resource_name: &k.resource_name,
            product: &k.product,
            product_code: &k.product_code,
        };
        self.count.count(&mut self.out.tallies, &k.sel, &l);
    }

    fn currency_of<R: Record>(&self, rec: &R) -> String {
        let mut c = String::new();
        self.currency_into(rec, &mut c);
        c
    }

    /// The row's currency code (upper case), else the header's or the format's, into `out`.
    fn currency_into<R: Record>(&self, rec: &R, out: &mut String) {
        let cell = self.cols[Field::Currency as usize]
            .and_then(|i| rec.cell(i))
            .unwrap_or(b"");
        let c = value(std::str::from_utf8(cell).unwrap_or(""));
        out.clear();
        if c.is_empty() {
            out.push_str(self.header_currency.unwrap_or(self.spec.default_currency));
        } else {
            out.push_str(c);
            out.make_ascii_uppercase();
        }
    }

    fn note_currency<R: Record>(&mut self, rec: &R) {
        let cell = self.cols[Field::Currency as usize]
            .and_then(|i| rec.cell(i))
            .unwrap_or(b"");
        if !self.out.currencies.is_empty() && cell == self.currency_raw.as_slice() {
            return;
        }
        self.currency_raw.clear();
        self.currency_raw.extend_from_slice(cell);
        let c = self.currency_of(rec);
        if !self.out.currencies.contains(&c) {
            self.out.currencies.push(c);
        }
    }

    fn note_span(
        &mut self,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
        charged: Option<DateTime<Utc>>,
    ) {
        if self.last_span == Some((start, end, charged)) {
            return;
        }
        if let Some(s) = start {
            self.out.first_usage = Some(self.out.first_usage.map_or(s, |f| f.min(s)));
        }
        if let Some(e) = end {
            self.out.last_usage = Some(self.out.last_usage.map_or(e, |l| l.max(e)));
        }
        if self.last_span.is_none() {
            self.span_at = match self
                .out
                .providers
                .iter()
                .position(|p| p.provider == self.provider)
            {
                Some(i) => i,
                None => {
                    self.out.providers.push(ProviderSpan {
                        provider: self.provider.clone(),
                        latest_usage_end: None,
                        latest_long_end: None,
                        latest_charge: None,
                    });
                    self.out.providers.len() - 1
                }
            };
        }
        self.last_span = Some((start, end, charged));
        let span = &mut self.out.providers[self.span_at];
        // Only metered usage (a window of a day or less) says how far the bill has been
        // settled: a subscription's window runs to the end of the period it prepays, in the
        // future, and a month-settled line arrives late anyway.
        if let (Some(s), Some(e)) = (start, end) {
            let latest = if e - s <= chrono::Duration::days(1) {
                &mut span.latest_usage_end
            } else {
                &mut span.latest_long_end
            };
            *latest = Some(latest.map_or(e, |l| l.max(e)));
        }
        if let Some(c) = charged {
            span.latest_charge = Some(span.latest_charge.map_or(c, |l| l.max(c)));
        }
    }
}

/// A quick check that an amount is a plain decimal that fits (optional `-`, digits, one `.`,
/// at most 28 digits, of which at most 18 before the point, as `parse_decimal` accepts);
/// anything else goes through the full parser for its verdict and message.
fn plain_decimal(b: &[u8]) -> bool {
    let body = b.strip_prefix(b"-").unwrap_or(b);
    let mut dots = 0;
    let mut digits = 0;
    let mut before_point = 0;
    for c in body {
        match c {
            b'0'..=b'9' => {
                digits += 1;
                before_point += usize::from(dots == 0);
            }
            b'.' => dots += 1,
            _ => return false,
        }
    }
    digits > 0 && digits <= 28 && before_point <= crate::money::MAX_DIGITS_BEFORE_POINT && dots <= 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconcile::count::{Counter, Tallies};

    #[test]
    fn plain_decimals_are_recognised_without_parsing() {
        for ok in ["1", "-3.46000000", "0.014", ".5", "123456789012345678.9"] {
            assert!(plain_decimal(ok.as_bytes()), "{ok}");
        }
        for no in [
            "",
            "-",
            ".",
            "1.2.3",
            "1e5",
            "abc",
            "1,234",
            "12345678901234567890123456789",
            "1234567890123456789",
        ] {
            assert!(!plain_decimal(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn totals_rows_are_recognised() {
        let utf8 = Encoding::Utf8;
        assert!(is_totals("合计".as_bytes(), utf8));
        assert!(is_totals("总计：".as_bytes(), utf8));
        assert!(is_totals(b"Total", utf8));
        assert!(is_totals(b" TOTAL amount", utf8));
        assert!(!is_totals(b"2026-10", utf8));
        let (gbk, _, _) = encoding_rs::GB18030.encode("合计");
        assert!(is_totals(&gbk, Encoding::Gb18030));
        let u = Encoding::Utf8;
        assert!(is_totals("合计".as_bytes(), u));
        assert!(is_totals("总计：".as_bytes(), u));
        assert!(is_totals(b"Total", u));
        assert!(is_totals(b" TOTAL amount", u));
        assert!(!is_totals(b"2026-10", u));
        let (gbk, _, _) = encoding_rs::GB18030.encode("合计");
        assert!(is_totals(&gbk, Encoding::Gb18030));
        assert!(is_totals(&gbk, u), "a GBK cell in a file sniffed as UTF-8");
    }

    struct All;

    impl Select for All {
        fn select(&self, ids: &LineIds<'_>) -> Option<Selected> {
            Some(Selected {
                norm_id: ids.id.to_ascii_lowercase(),
                rule: "test".into(),
                hits: vec![DeletionIdx(0)],
            })
        }
    }

    fn scan_text(text: &str) -> Result<FileScan<Tallies>> {
        let src = source::from_reader("t.csv", Box::new(std::io::Cursor::new(text.to_string())))?;
        let counter = Counter::new(vec![DateTime::<Utc>::MIN_UTC], chrono::Duration::zero());
        let opts = ScanOptions {
            fingerprints: true,
            ..ScanOptions::new(FixedOffset::east_opt(8 * 3600).unwrap(), false)
        };
        let hooks = Hooks {
            select: &All,
            count: &counter,
        };
        scan("t.csv", 0, Opened::Text(src), &opts, hooks)
    }

    #[test]
    fn crlf_line_ends_cite_the_right_lines() {
        let text = "ResourceId,ChargePeriodStart,BilledCost\r\n\
                    a,2024-01-01T00:00:00Z,\"1.50\"\r\n\
                    b,2024-01-01T00:00:00Z,\"2\"\r\n";
        let s = scan_text(text).unwrap();
        let lines: Vec<(Vec<u64>, String)> = s
            .tallies
            .of(DeletionIdx(0))
            .unwrap()
            .values()
            .map(|t| {
                (
                    t.sources.iter().map(|k| k.line).collect(),
                    t.amount_after_deletion.amounts().display(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            [(vec![2], "XXX 1.50".into()), (vec![3], "XXX 2.00".into())]
        );
        let lf = scan_text(&text.replace("\r\n", "\n")).unwrap();
        // The same line whatever the line end: overlapping CRLF and LF copies dedupe.
        assert_eq!(s.fingerprints, lf.fingerprints);
        assert_eq!(s.fingerprints.len(), 2);
        let bad = "ResourceId,ChargePeriodStart,BilledCost\r\na,2024-01-01,1\r\nb,2024-01-01,x\r\n";
        let e = scan_text(bad).unwrap_err().to_string();
        assert!(e.starts_with("t.csv:3:3: amount"), "{e}");
    }

    #[test]
    fn empty_markers_read_as_empty() {
        assert_eq!(value(" -- "), "");
        assert_eq!(value("-"), "");
        assert_eq!(value("-1"), "-1");
        assert_eq!(value(" x "), "x");
    }

    #[test]
    fn raw_cells_are_empty_exactly_when_their_text_is() {
        for cell in [
            "",
            " ",
            "--",
            " - ",
            "-",
            "\u{3000}",
            "\u{3000}--\u{a0}",
            "\x0b",
            "x",
            "-1",
            "---",
            " ecs-1 ",
            "\u{3000}ecs",
            "资源",
            "\x0b-",
        ] {
            assert_eq!(
                is_empty_cell(cell.as_bytes()),
                value(cell).is_empty(),
                "{cell:?}"
            );
        }
        assert!(!is_empty_cell(b"\xff"), "undecodable bytes are not empty");
    }

    #[test]
    fn time_cells_are_read_once_per_distinct_text() {
        let mut cache = TimeCache::default();
        let calls = std::cell::Cell::new(0);
        let parse = |t: &str| {
            calls.set(calls.get() + 1);
            parse_time(
                t,
                FixedOffset::east_opt(8 * 3600).unwrap_or(FixedOffset::east_opt(0).unwrap()),
            )
        };
        let a = cache.get(b"2026-10-01 08:00:00", parse).unwrap();
        assert_eq!(cache.get(b"2026-10-01 08:00:00", parse).unwrap(), a);
        assert_eq!(calls.get(), 1);
        assert_eq!(cache.get(b"--", parse).unwrap(), None);
        assert_eq!(cache.get(b"--", parse).unwrap(), None);
        assert_eq!(calls.get(), 1, "an empty marker is never parsed");
        assert!(cache.get(b"2026-02-30 00:00:00", parse).is_err());
        assert!(
            cache.get(b"2026-02-30 00:00:00", parse).is_err(),
            "a failure is not remembered as a value"
        );
        assert_ne!(cache.get(b"2026-10-01 09:00:00", parse).unwrap(), a);
    }
}

/// The generator behind `scripts/bench` and `examples/gen-export.rs`, for the equivalence tests.
#[cfg(test)]
#[path = "../../tests/support/synth.rs"]
mod synth;

/// The reading billrecon does (its own record reader, a fast path for lines without quotes,
/// files cut in pieces) against the slow, obvious reading: the `csv` crate's records, one after
/// the other, through the same per-row logic.
#[cfg(test)]
mod equivalence {
    use super::synth;
    use super::*;
    use crate::reconcile::count::{Counter, Tallies};

    impl Record for csv::ByteRecord {
        fn width(&self) -> usize {
            self.len()
        }
        fn cell(&self, i: usize) -> Option<&[u8]> {
            self.get(i)
        }
        fn is_blank(&self) -> bool {
            blank(self.iter())
        }
        fn fingerprint(&self) -> u64 {
            super::fingerprint(self.iter())
        }
    }

    struct Everything;

    impl Select for Everything {
        fn select(&self, ids: &LineIds<'_>) -> Option<Selected> {
            (!ids.id.is_empty()).then(|| Selected {
                norm_id: ids.id.to_ascii_lowercase(),
                rule: "as-is".into(),
                hits: (0..4).map(DeletionIdx).collect(),
            })
        }
    }

    /// Deletions before and inside the fixtures' months, and in the first hours of the
    /// generated exports, so that lines land in every class (earlier, tail, after, refunds).
    const DELETED: [&str; 4] = [
        "2024-01-01T00:30:00Z",
        "2026-10-10T00:30:00Z",
        "2026-10-20T03:10:00Z",
        "2026-09-30T17:30:00Z",
    ];

    fn deleted() -> &'static [DateTime<Utc>] {
        static D: std::sync::OnceLock<Vec<DateTime<Utc>>> = std::sync::OnceLock::new();
        D.get_or_init(|| {
            DELETED
                .iter()
                .map(|t| DateTime::parse_from_rfc3339(t).unwrap().to_utc())
                .collect()
        })
    }

    fn opts() -> ScanOptions<'static> {
        ScanOptions {
            fingerprints: true,
            ..ScanOptions::new(FixedOffset::east_opt(8 * 3600).unwrap(), true)
        }
    }

    fn counter() -> &'static Counter {
        static C: std::sync::OnceLock<Counter> = std::sync::OnceLock::new();
        C.get_or_init(|| Counter::new(deleted().to_vec(), chrono::Duration::minutes(20)))
    }

    fn hooks() -> Hooks<'static, Counter> {
        Hooks {
            select: &Everything,
            count: counter(),
        }
    }

    /// What both readings must agree on (line numbers aside: the `csv` crate's are not
    /// physical lines, which is why billrecon reads records itself).
    fn essence(s: &FileScan<Tallies>) -> String {
        let mut tallies = s.tallies.clone();
        for t in tallies.0.values_mut().flat_map(|ids| ids.values_mut()) {
            for k in &mut t.sources {
                k.line = 0;
            }
            for p in [
                &mut t.resource_name,
                &mut t.first_product,
                &mut t.last_product,
            ]
            .into_iter()
            .flatten()
            {
                p.0.line = 0;
            }
        }
        let mut fingerprints = s.fingerprints.clone();
        fingerprints.sort_unstable();
        format!(
            "{} {} {} {:?} {:?} {:?} {:?}\n{:?}\n{:?}",
            s.rows,
            s.skipped_rows,
            s.totals_rows,
            s.currencies,
            s.first_usage,
            s.last_usage,
            s.providers,
            tallies,
            fingerprints
        )
    }

    fn slow(path: &str, bytes: &[u8]) -> FileScan<Tallies> {
        let src = source::from_reader(path, Box::new(bytes)).unwrap();
        let enc = src.encoding;
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(src.delimiter)
            .from_reader(src.reader);
        let mut rec = csv::ByteRecord::new();
        let mut scratch = String::new();
        let mut st: Option<Scan<Counter>> = None;
        while rdr.read_byte_record(&mut rec).unwrap() {
            match &mut st {
                None => {
                    let cells: Vec<String> = rec
                        .iter()
                        .map(|c| decode(c, enc, &mut scratch).to_string())
                        .collect();
                    if let Some(b) = header::detect(&cells) {
                        st = Some(Scan::new(path, 0, &b, &opts(), enc, counter()));
                    }
                }
                Some(st) => match st.row(&rec, &Everything) {
                    Ok(()) => st.keep(0),
                    Err((col, msg)) => st.fail(&opts(), (0, col, msg)).unwrap(),
                },
            }
        }
        st.expect("a header").finish()
    }

    fn fast(path: &str, bytes: &[u8]) -> FileScan<Tallies> {
        let src = source::from_reader(path, Box::new(bytes)).unwrap();
        match scan_text(path, 0, src, &opts(), hooks(), None).unwrap() {
            Scanned::Done(s) => s,
            Scanned::Split(_) => unreachable!(),
        }
    }

    #[test]
    fn the_fast_reader_reads_what_the_csv_crate_reads() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut n = 0;
        for dir in ["huawei", "alibaba", "focus", "example", "rules", "mixed"] {
            let Ok(files) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for f in files {
                let p = f.unwrap().path();
                let name = p.to_string_lossy().into_owned();
                if !name.ends_with(".csv")
                    || name.contains("register")
                    || name.ends_with("deleted.csv")
                {
                    continue;
                }
                let bytes = std::fs::read(&p).unwrap();
                // Registers and other non-exports have no export header: skip them.
                let src = source::from_reader(&name, Box::new(&bytes[..])).unwrap();
                if scan_text(&name, 0, src, &opts(), hooks(), None).is_err() {
                    continue;
                }
                assert_eq!(
                    essence(&fast(&name, &bytes)),
                    essence(&slow(&name, &bytes)),
                    "{name}"
                );
                n += 1;
            }
        }
        assert!(n > 25, "only {n} exports compared");
    }

    #[test]
    fn the_fast_reader_reads_generated_exports_as_the_csv_crate_does() {
        for format in [
            synth::Format::Huawei,
            synth::Format::Alibaba,
            synth::Format::Focus,
        ] {
            let cfg = synth::Config::new(format, 7, synth::Target::Lines(4_000));
            let (export, _, _) = synth::to_vec(&cfg).unwrap();
            let name = format!("{format:?}.csv");
            let (a, b) = (fast(&name, &export), slow(&name, &export));
            let kept = a.fingerprints.len();
            assert!(kept > 1000, "{name}: {kept} lines kept");
            // Every class of line is met, so the comparison covers every sum.
            let all = a.tallies.0.values().flat_map(|ids| ids.values());
            let (mut after, mut tail) = (0, 0);
            for t in all {
                after += t.lines_after_deletion;
                tail += t.tail_lines;
            }
            assert!(after > 0 && tail > 0, "{name}: {after} after, {tail} tail");
            assert_eq!(essence(&a), essence(&b), "{name}");
        }
    }
}
