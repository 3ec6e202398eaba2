//! One plain file read in pieces on several cores: where the cuts fall, reading the records
//! that start in one piece, and joining the pieces back into the scan of the whole file.
//!
//! A piece starts just past a newline, which is a record boundary unless a quoted cell holds
//! that newline; [`merge_pieces`] only trusts a piece whose predecessor ended exactly at its
//! start, and reads again the rare pieces that did not, so the result is the same as one
//! reading from start to end.

use super::formats::header::Binding;
use super::records::{RawRecord, RecordReader, Watch};
use super::scan::{Scan, SKIPPED_EXAMPLES};
use super::source::{self, Encoding, Late, LateEncoding};
use super::text::{read_rows, text_error_after};
use super::{format_row_error, row_error, Count, Counts, FileScan, Hooks, RowError, ScanOptions};
use crate::error::{Error, Result};
use crate::progress::{Bar, Progress};
use std::cell::Cell;
use std::io::Read;
use std::rc::Rc;
use std::time::Instant;

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
    /// Rows of data above the header, skipped (`--skip-bad-rows`), and the header's warnings.
    pub above: Vec<RowError>,
    pub warnings: Vec<String>,
    /// For a file whose first 64 KiB are ASCII: what its text was found to be when the plan
    /// was made (see `source::LateEncoding`); `Ascii` while nothing said.
    pub late: Option<Late>,
}

impl Plan {
    /// A scan of the file's rows, as every piece (and the header's rows above) is read.
    fn scan<'o, C: Count>(&self, opts: &ScanOptions<'o>, count: &'o C) -> Scan<'o, C> {
        Scan::new(
            &self.path,
            self.input,
            &self.binding,
            opts,
            self.encoding,
            count,
        )
    }
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
    /// What the piece's text was found to be (`Ascii`: nothing but ASCII, the same whatever
    /// the file is), and the error that stopped its reading.
    late: Late,
    failed: Option<std::io::Error>,
}

/// Reads the records that start in `[start, limit)` of a plain file. `start` must be a record
/// boundary for the result to be used; the caller checks that the previous piece ended on one.
/// `late` is how to take a file whose first 64 KiB are ASCII ([`Plan::late`], or what the
/// pieces before found). `bar` follows the bytes read; `memo` is the worker's selection memo
/// (with the input it was made for), taken and handed back.
#[allow(clippy::too_many_arguments)]
pub(super) fn scan_piece<C: Count>(
    plan: &Plan,
    start: u64,
    limit: u64,
    opts: &ScanOptions,
    hooks: Hooks<'_, C>,
    bar: Option<&Bar>,
    late: Option<Late>,
    memo: &mut Option<(usize, super::scan::Memo)>,
) -> Result<Piece<C::Counts>> {
    use std::io::{Seek, SeekFrom};
    let mut file = std::fs::File::open(&plan.file).map_err(|e| Error::io(&plan.file, e))?;
    // A file read as GB18030 is transcoded as it is read: its text is not where its bytes are.
    if opts.mapped && late != Some(Late::Gb18030) {
        let len = usize::try_from(limit - start).unwrap_or(0);
        if let Ok(map) = super::mapped::map(&file, &plan.path, start, len) {
            let state = Rc::new(Cell::new(late.unwrap_or(Late::Ascii)));
            let watch = Box::new(PieceWatch {
                bar: bar.filter(|b| b.is_shown()).cloned(),
                shown: Instant::now(),
                state: state.clone(),
            });
            let rdr = RecordReader::mapped(
                std::io::empty(),
                map,
                watch,
                late == Some(Late::Ascii),
                (plan.delimiter, start - plan.skip, 1),
            );
            if let Some(piece) = read_piece(plan, (start, limit), opts, hooks, rdr, state, memo) {
                return Ok(piece);
            }
            // `None`: the text turned out to be GB18030; read it the way that transcodes it
            // (a shown progress bar then counts the bytes read twice: a display, rare).
        }
    }
    file.seek(SeekFrom::Start(start))
        .map_err(|e| Error::io(&plan.file, e))?;
    let file: Box<dyn Read> = Box::new(file.take(limit - start));
    let reader = match bar {
        Some(bar) => Progress::wrap(bar, file),
        None => file,
    };
    let state = Rc::new(Cell::new(Late::Ascii));
    let reader: Box<dyn Read> = match late {
        Some(start) => Box::new(LateEncoding::new(reader, start, state.clone())),
        None => reader,
    };
    // Lines are counted from the piece's start; the merge adds the lines before it.
    let rdr = RecordReader::new(reader, plan.delimiter, start - plan.skip, 1);
    read_piece(plan, (start, limit), opts, hooks, rdr, state, memo)
        .ok_or_else(|| Error::Usage("a piece read with `read` was refused".into()))
}

/// What a mapped piece is told as it is read: each window moves the progress bar; the first
/// byte that is not ASCII of a file whose first 64 KiB are ASCII says what its text is, as
/// [`LateEncoding`] decides it. GB18030 stops the reading ([`Transcode`]).
struct PieceWatch {
    bar: Option<Bar>,
    shown: Instant,
    state: Rc<Cell<Late>>,
}

impl Watch for PieceWatch {
    fn window(&mut self, all: &[u8], from: usize, to: usize) {
        if let Some(bar) = &self.bar {
            bar.advance(&all[from..to], &mut self.shown);
        }
    }

    fn not_ascii(&mut self, all: &[u8], at: usize) -> std::io::Result<()> {
        if !source::decides_utf8(&all[at..]) {
            return Err(std::io::Error::other(Transcode));
        }
        self.state.set(Late::Utf8);
        Ok(())
    }
}

/// A mapped piece found GB18030 text, which it cannot read where it lies.
#[derive(Debug)]
struct Transcode;

impl std::fmt::Display for Transcode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the text is GB18030: read it transcoded")
    }
}

impl std::error::Error for Transcode {}

/// Reads a piece's records from `rdr`; `None` when a mapped reading gave up ([`Transcode`]),
/// the worker's memo handed back.
fn read_piece<R: Read, C: Count>(
    plan: &Plan,
    (start, limit): (u64, u64),
    opts: &ScanOptions,
    hooks: Hooks<'_, C>,
    mut rdr: RecordReader<R>,
    state: Rc<Cell<Late>>,
    memo: &mut Option<(usize, super::scan::Memo)>,
) -> Option<Piece<C::Counts>> {
    let mut rec = RawRecord::default();
    let mut st = plan.scan(opts, hooks.count);
    st.keep_skipped = true;
    rdr.read_only(st.cells_read());
    // The selections a worker made on the input's earlier pieces hold for this one: they are a
    // function of the cells' bytes alone.
    if let Some((input, m)) = memo.take() {
        if input == plan.input {
            st.reuse_memo(m);
        }
    }
    let end = read_rows(
        &mut rdr,
        &mut rec,
        &mut st,
        opts,
        hooks.select,
        limit == plan.file_len,
    );
    *memo = Some((plan.input, st.take_memo()));
    if let Err(e) = &end {
        if e.get_ref().is_some_and(|i| i.is::<Transcode>()) {
            return None;
        }
    }
    let newlines = rdr.position().1 - 1;
    let skipped = std::mem::take(&mut st.skipped);
    // A reading error is kept with what the piece found its text to be: read again as the
    // file turns out to be, the piece may read cleanly.
    let (fatal, spans, failed) = match end {
        Ok(end) => (end.fatal, end.spans, None),
        Err(e) => (None, false, Some(e)),
    };
    Some(Piece {
        start,
        limit,
        out: st.finish(),
        skipped,
        fatal,
        newlines,
        spans,
        late: state.get(),
        failed,
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
    pieces: Vec<Result<Piece<C::Counts>>>,
    opts: &ScanOptions,
    hooks: Hooks<'_, C>,
) -> Result<FileScan<C::Counts>> {
    let mut m = Merger::new(plan, pieces.len(), opts, hooks);
    m.absorb(plan, pieces, opts, hooks)?;
    Ok(m.finish(plan))
}

/// [`merge_pieces`] a few pieces at a time, as they are read: a file's pieces are joined into
/// one scan as soon as every piece before them is, so that the tallies of at most a few pieces
/// wait beside the joined ones (with every piece kept to the end, each matched resource would
/// cost one tally per piece: a 400 MB export read in 13 pieces kept 13).
pub struct Merger<T> {
    out: FileScan<T>,
    /// Pieces in the file, and how many results were handed to [`Merger::absorb`].
    pieces: usize,
    taken: usize,
    /// The next physical line of the file.
    line: u64,
    /// What a file whose first 64 KiB are ASCII is: said by the first piece whose text is not
    /// ASCII, as one reading from the start would say it at the same line.
    late: Option<Late>,
    /// A piece read again past its limit that needs the next result (not yet handed), and the
    /// index of the last piece it covers.
    pending: Option<(Piece<T>, usize)>,
}

impl<T: Counts> Merger<T> {
    pub fn new<C: Count<Counts = T>>(
        plan: &Plan,
        pieces: usize,
        opts: &ScanOptions,
        hooks: Hooks<'_, C>,
    ) -> Self {
        let mut head = plan.scan(opts, hooks.count);
        head.skip_above(opts, plan.above.clone());
        let mut out = head.finish();
        out.warnings = plan.warnings.clone();
        out.header_line = plan.header_line;
        out.version = plan.version;
        Merger {
            out,
            pieces,
            taken: 0,
            line: plan.data_line,
            late: plan.late,
            pending: None,
        }
    }

    /// Joins the next results, in file order: `ready` holds the results of the pieces from
    /// the first not yet handed on (any number of them).
    pub fn absorb<C: Count<Counts = T>>(
        &mut self,
        plan: &Plan,
        ready: Vec<Result<Piece<T>>>,
        opts: &ScanOptions,
        hooks: Hooks<'_, C>,
    ) -> Result<()> {
        let mut ready = ready.into_iter();
        loop {
            let (mut piece, mut j) = match self.pending.take() {
                Some(p) => p,
                None => match ready.next() {
                    Some(r) => {
                        self.taken += 1;
                        (r?, self.taken - 1)
                    }
                    None => return Ok(()),
                },
            };
            while piece.spans && j + 1 < self.pieces {
                // Rare: a quoted cell holds a newline across the cut. Read this piece and the
                // next as one (the next one's own result started mid-record and is discarded).
                let Some(next) = ready.next() else {
                    self.pending = Some((piece, j));
                    return Ok(());
                };
                self.taken += 1;
                j += 1;
                let limit = match &next {
                    Ok(p) => p.limit,
                    Err(_) => plan.file_len,
                };
                drop(next);
                piece = scan_piece(
                    plan,
                    piece.start,
                    limit,
                    opts,
                    hooks,
                    None,
                    self.late,
                    &mut None,
                )?;
            }
            match (self.late, piece.late) {
                (None, _) | (_, Late::Ascii) => {}
                (Some(Late::Ascii), found) => self.late = Some(found),
                // The piece took itself for what the file is not: read it as the file is.
                (Some(file), found) if file != found => {
                    piece = scan_piece(
                        plan,
                        piece.start,
                        piece.limit,
                        opts,
                        hooks,
                        None,
                        Some(file),
                        &mut None,
                    )?;
                }
                _ => {}
            }
            let base = self.line - 1;
            if let Some(e) = piece.failed.take() {
                return Err(text_error_after(&plan.path, e, base));
            }
            piece.out.renumber(base);
            for (l, _, _) in &mut piece.skipped {
                *l += base;
            }
            if let Some((l, col, msg)) = piece.fatal {
                return Err(row_error(&plan.path, (l + base, col, msg)));
            }
            for e in &piece.skipped {
                if self.out.skipped_examples.len() < SKIPPED_EXAMPLES {
                    self.out
                        .skipped_examples
                        .push(format_row_error(&plan.path, e));
                }
            }
            self.out.absorb(piece.out);
            self.line += piece.newlines;
        }
    }

    /// How many results [`Merger::absorb`] has been handed.
    pub fn taken(&self) -> usize {
        self.taken
    }

    pub fn finish(mut self, plan: &Plan) -> FileScan<T> {
        self.out.reading = super::text::late_reading(plan.reading.clone(), self.late);
        self.out
    }
}
