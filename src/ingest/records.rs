//! The CSV record reader under every export scan, over buffers this module owns, so that each
//! record comes with its exact byte offset and physical line number.
//!
//! Most lines are split by a vector splitter (AVX2 or SSE2, a byte loop elsewhere) and their
//! cells read where they lie in the buffer; records it declines (`""` escapes, quoted line
//! ends, stray carriage returns, a line across the end of the buffer) go through csv-core's
//! state machine. Both give the same cells: the tests and the `records` fuzz target hold them to
//! the `csv` crate.
//!
//! The `csv` crate's positions do not count newlines inside quoted cells or blank lines, and a
//! finance reviewer opening the cited line in an editor must land on it. Owning the buffer also
//! lets a scan start at any record boundary of a file, which is how one file is read on several
//! cores. The buffer can also be a piece of a file mapped into memory ([`RecordReader::mapped`]),
//! read in windows where it lies; the one line a scan changes in place (`unescape`) is then
//! copied out first, as the mapping is read only.

mod split;

use super::source::BadText;
use split::{count, split_line, Splitter};
use std::io::{self, Read};

/// A record longer than this is not a bill line; the cap keeps memory bounded on a file with
/// no newline at all.
pub const MAX_RECORD: usize = 16 << 20;

/// One CSV record: its cells, where it starts, and on which line.
#[derive(Debug, Clone, Default)]
pub struct RawRecord {
    fields: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
    /// The cells' ends as [`Cells`] reads them: delimiter positions in the line for a line left
    /// in the reader's buffer, csv-core's ends in `fields` otherwise.
    bounds: Vec<u32>,
    /// The `""` pairs the splitter found in the line (see [`unescape`]).
    pairs: Vec<u32>,
    /// Where a line read by [`RecordReader::next`] without the CSV parser starts in the
    /// reader's buffer; its cells were never copied.
    plain: Option<usize>,
    /// Some cells of that line are quoted: their quotes are still around them.
    quoted: bool,
    /// That line was copied to the reader's side buffer (to be unescaped), and `plain` is
    /// its start there.
    side: bool,
    /// The cells of that line (one bit each, of the first 64) whose `""` pairs were left as
    /// they are, as no scan reads them (see [`RecordReader::read_only`]).
    escaped: u64,
    /// Byte offset of the record's first byte in the stream.
    pub offset: u64,
    /// Physical line (1-based) on which the record starts.
    pub line: u64,
    /// The record was ended by the end of the input rather than a line end.
    pub cut: bool,
    /// The record ran into the end of the input inside a quoted cell.
    pub unclosed_quote: bool,
}

/// What the record reader cannot read, at the line (and column) where it stands (inside an
/// `io::Error`): a record past [`MAX_RECORD`], or bytes the source refused as text
/// ([`BadText`]).
#[derive(Debug)]
pub struct Unreadable {
    pub line: u64,
    pub col: Option<usize>,
    what: String,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.what)
    }
}

impl std::error::Error for Unreadable {}

fn too_long(line: u64, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        Unreadable {
            line,
            col: None,
            what: what.to_string(),
        },
    )
}

/// Cites a [`BadText`] error of the source at `line` and field `col`; other errors pass.
fn cite(e: io::Error, line: u64, col: usize) -> io::Error {
    match e.get_ref().and_then(|i| i.downcast_ref::<BadText>()) {
        Some(bad) => io::Error::new(
            io::ErrorKind::InvalidData,
            Unreadable {
                line,
                col: Some(col),
                what: bad.0.clone(),
            },
        ),
        None => e,
    }
}

/// The cells of one record, wherever they are stored: in the reader's buffer with the
/// delimiters between them (`gap` 1), or back to back in a [`RawRecord`] (`gap` 0).
#[derive(Debug, Clone, Copy)]
pub struct Cells<'a> {
    bytes: &'a [u8],
    bounds: &'a [u32],
    gap: u32,
    /// Cells that open with a quote are quoted cells (the splitter checked that a quote can
    /// only stand at both ends of a cell): read them without their quotes.
    strip: bool,
    /// Cells (one bit each) still holding their `""` pairs: never to be read.
    escaped: u64,
}

impl<'a> Cells<'a> {
    #[inline]
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    #[inline]
    pub fn get(&self, i: usize) -> Option<&'a [u8]> {
        debug_assert!(
            i >= 64 || self.escaped >> i & 1 == 0,
            "cell {i} was left with its \"\" pairs: the reader was told no scan reads it"
        );
        self.raw(i)
    }

    /// Cell `i` as it lies, whether or not its `""` pairs were read.
    #[inline]
    fn raw(&self, i: usize) -> Option<&'a [u8]> {
        let end = *self.bounds.get(i)? as usize;
        let start = match i {
            0 => 0,
            _ => (self.bounds[i - 1] + self.gap) as usize,
        };
        let cell = self.bytes.get(start..end)?;
        if self.strip {
            if let [b'"', inner @ .., b'"'] = cell {
                return Some(inner);
            }
        }
        Some(cell)
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Whether every cell is empty or blank (a cell left with its `""` pairs is neither, read
    /// or not).
    pub fn is_blank(&self) -> bool {
        super::cells::blank((0..self.len()).filter_map(|i| self.raw(i)))
    }
}

impl RawRecord {
    /// The cells of a record [`RecordReader::read`] filled (a record `next` left in the
    /// reader's buffer is read through [`RecordReader::cells`]).
    pub fn cells(&self) -> Cells<'_> {
        debug_assert!(self.plain.is_none(), "the cells are in the reader's buffer");
        Cells {
            bytes: &self.fields,
            bounds: &self.bounds[..self.len.min(self.bounds.len())],
            gap: 0,
            strip: false,
            escaped: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, i: usize) -> Option<&[u8]> {
        if i >= self.len {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(&self.fields[start..self.ends[i]])
    }

    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.len).filter_map(|i| self.get(i))
    }

    /// Every cell's bytes, back to back (for fingerprints).
    pub fn as_bytes(&self) -> &[u8] {
        &self.fields[..self
            .ends
            .get(self.len.wrapping_sub(1))
            .copied()
            .unwrap_or(0)]
    }
}

/// What a mapped reader tells its owner as it reads.
pub trait Watch {
    /// `all[from..to]` (of the whole mapping `all`) is about to be read.
    fn window(&mut self, all: &[u8], from: usize, to: usize);
    /// `all[at]` is the first byte read that is not ASCII (asked for by
    /// [`RecordReader::mapped`]); `Ok` reads on, an error stops the reading there.
    fn not_ascii(&mut self, all: &[u8], at: usize) -> io::Result<()>;
}

/// A reader's bytes: its own buffer, refilled from its source, or a mapped piece of a file
/// whose windows grow over it (bytes never move).
enum Buffer {
    Owned(Box<[u8]>),
    Mapped {
        map: super::mapped::Map,
        watch: Box<dyn Watch>,
        /// The pages before this offset are let go (see [`DROP`]).
        dropped: usize,
    },
}

impl std::ops::Deref for Buffer {
    type Target = [u8];

    #[inline]
    fn deref(&self) -> &[u8] {
        match self {
            Buffer::Owned(b) => b,
            Buffer::Mapped { map, .. } => map,
        }
    }
}

/// A mapped reader's window: how far it reads ahead (and moves a progress bar) at a time.
const WINDOW: usize = 64 * 1024;

/// A mapped reader lets go of the pages behind it this many bytes at a time: mapped pages count
/// in a process's resident memory, and a scan that kept two 32 MiB pieces mapped would look
/// (and be accounted) 64 MiB larger than what it allocates. The page cache keeps the file.
/// Not less: each letting go stops the other core to flush its TLB (an IPI, which on a busy
/// host waits for that vCPU to run); at 2 MiB that wait was 1–3 % of all cycles.
const DROP: usize = 8 << 20;

/// A line the splitter reads whole lies inside the window: a window with less than this left
/// grows first, so only a longer line meets the window's end (and goes to csv-core, which
/// reads across it).
const LOOKAHEAD: usize = 16 * 1024;

pub struct RecordReader<R> {
    inner: R,
    core: csv_core::Reader,
    delimiter: u8,
    splitter: Splitter,
    buf: Buffer,
    /// A mapped reader's copy of the line being unescaped.
    side: Vec<u8>,
    /// A mapped reader looks at each record for a byte that is not ASCII, until the first.
    ascii: bool,
    start: usize,
    end: usize,
    /// Stream offset of `buf[start]`.
    offset: u64,
    /// The line `buf[start]` is on. A line split without the parser holds exactly one
    /// newline, so only records the parser reads have theirs counted.
    line: u64,
    /// Where the record being read starts in `buf`, and the quotes it held in buffers already
    /// replaced (to notice a quoted cell that the end of the input cut open).
    record_start: usize,
    record_quotes: usize,
    eof: bool,
    /// The cells (one bit each, of the first 64) some scan of these records reads.
    read: u64,
}

/// Reads each `""` pair of a line the splitter read as one quote, in place: the bytes after each
/// pair's second quote move left over it and the cell ends past it (`bounds`) move with them,
/// so the line's cells are then read where they lie, as csv-core would have copied them.
/// `pairs` holds the first quote of each pair, in order. The bytes left stale between the
/// line's new end and its old one belong to no cell.
#[inline(never)]
fn unescape(line: &mut [u8], bounds: &mut [u32], pairs: &[u32]) {
    let Some(&first) = pairs.first() else {
        return;
    };
    let end = bounds.last().map_or(line.len(), |&e| e as usize);
    let mut to = first as usize + 1;
    for (from, until) in kept(pairs, end) {
        line.copy_within(from..until, to);
        to += until - from;
    }
    shift_bounds(bounds, pairs, first);
}

/// [`unescape`] for a line that cannot be changed where it lies (a mapped file's): its bytes
/// are copied to `out` once, each pair's second quote left out on the way. Returns the
/// unescaped line's length; `out` is left longer (the bytes past it belong to no cell).
#[inline(never)]
fn unescape_into(line: &[u8], out: &mut Vec<u8>, bounds: &mut [u32], pairs: &[u32]) -> usize {
    // The stretches between pairs are a few bytes each (`{""env"":""prod""}`): each is copied
    // as one 16-byte move, running on past the stretch into room the next one overwrites, not
    // by a `memmove` call sized to it (a call per stretch was most of this function's cost).
    const MOVE: usize = 16;
    if out.len() < line.len() + MOVE {
        out.resize(line.len() + MOVE, 0);
    }
    let Some(&first) = pairs.first() else {
        out[..line.len()].copy_from_slice(line);
        return line.len();
    };
    let end = bounds.last().map_or(line.len(), |&e| e as usize);
    let mut to = first as usize + 1;
    out[..to].copy_from_slice(&line[..to]);
    for (from, until) in kept(pairs, end) {
        let n = until - from;
        if n <= MOVE && from + MOVE <= line.len() {
            out[to..to + MOVE].copy_from_slice(&line[from..from + MOVE]);
        } else {
            out[to..to + n].copy_from_slice(&line[from..until]);
        }
        to += n;
    }
    shift_bounds(bounds, pairs, first);
    to
}

/// The stretches of a line kept after each pair's second quote, up to the line's `end`: from
/// past that quote to the next pair's first quote, inclusive.
fn kept(pairs: &[u32], end: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    pairs.iter().enumerate().map(move |(j, &p)| {
        let until = pairs.get(j + 1).map_or(end, |&q| q as usize + 1);
        (p as usize + 2, until)
    })
}

/// The cells holding `""` pairs (`pairs`, in order, in the line whose cell ends are `bounds`),
/// one bit each; `u64::MAX` when one lies past the 64th cell.
fn holding(bounds: &[u32], pairs: &[u32]) -> u64 {
    let Some(&first) = pairs.first() else {
        return 0;
    };
    // A cell holds the positions up to its end: the first pair's cell is the first end past it,
    // and the others follow on from there (most lines have all their pairs in one cell).
    let mut cell = bounds.partition_point(|&b| b < first);
    let mut held = 0u64;
    for &p in pairs {
        while bounds.get(cell).is_some_and(|&b| b < p) {
            cell += 1;
        }
        if cell >= 64 {
            return u64::MAX;
        }
        held |= 1 << cell;
    }
    held
}

/// Moves each cell end left by the pairs before it (`first` is the first pair's quote).
fn shift_bounds(bounds: &mut [u32], pairs: &[u32], first: u32) {
    // The cells before the first pair do not move. The bounds are in order: counting those
    // before it is where it would go among them, in one pass the compiler vectorizes (a
    // binary search waits on each of its loads in turn).
    let mut at = bounds.iter().filter(|&&b| b < first).count();
    let mut gone = 0;
    // The cells holding pairs, one by one; the cells past the last pair (most of a line's)
    // all move by every pair, again in one vectorized pass.
    while gone < pairs.len() {
        let Some(b) = bounds.get_mut(at) else {
            return;
        };
        gone += pairs[gone..].iter().take_while(|&&p| p < *b).count();
        *b -= gone as u32;
        at += 1;
    }
    for b in bounds.iter_mut().skip(at) {
        *b -= gone as u32;
    }
}

/// Copies the cells of a line the splitter read (`line` starts where it does, `rec.bounds`
/// holds its delimiters and end) into `rec`, back to back without the delimiters, as csv-core
/// stores them.
fn store_cells(line: &[u8], rec: &mut RawRecord) {
    let view = Cells {
        bytes: line,
        bounds: &rec.bounds,
        gap: 1,
        strip: rec.quoted,
        escaped: rec.escaped,
    };
    let cells = view.len();
    let size: usize = view.iter().map(<[u8]>::len).sum();
    if rec.fields.len() < size {
        rec.fields.resize(size.next_power_of_two(), 0);
    }
    if rec.ends.len() < cells {
        rec.ends.resize(cells.next_power_of_two(), 0);
    }
    let mut out = 0;
    for (i, cell) in view.iter().enumerate() {
        rec.fields[out..out + cell.len()].copy_from_slice(cell);
        out += cell.len();
        rec.ends[i] = out;
    }
    rec.bounds.clear();
    rec.bounds
        .extend(rec.ends[..cells].iter().map(|e| *e as u32));
    rec.len = cells;
    rec.plain = None;
}

impl<R: Read> RecordReader<R> {
    /// Reads from `inner`, whose first byte is at stream `offset` on line `line`.
    pub fn new(inner: R, delimiter: u8, offset: u64, line: u64) -> Self {
        let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        // csv-core drops a UTF-8 BOM from the first input it is given, which here can be any
        // record (most lines never reach it; a piece starts mid-file): the source has already
        // taken the file's BOM off, so one at a record's start is data. An empty line read
        // first makes csv-core consider its start behind it, and changes nothing else.
        let _ = core.read_record(b"\n", &mut [0; 1], &mut [0; 1]);
        RecordReader {
            inner,
            core,
            delimiter,
            splitter: Splitter::detect(),
            buf: Buffer::Owned(vec![0; super::source::BUFFER].into_boxed_slice()),
            side: Vec::new(),
            ascii: false,
            start: 0,
            end: 0,
            offset,
            line,
            record_start: 0,
            record_quotes: 0,
            eof: false,
            read: u64::MAX,
        }
    }

    /// Reads `map` (whose first byte is at stream `offset` on line `line`) where it lies,
    /// telling `watch` of each window and, with `ascii`, of the first byte that is not ASCII
    /// (before the record holding it is returned); `inner` is never read.
    pub fn mapped(
        inner: R,
        map: super::mapped::Map,
        watch: Box<dyn Watch>,
        ascii: bool,
        (delimiter, offset, line): (u8, u64, u64),
    ) -> Self {
        let mut r = Self::new(inner, delimiter, offset, line);
        r.buf = Buffer::Mapped {
            map,
            watch,
            dropped: 0,
        };
        r.ascii = ascii;
        r
    }

    /// Looks at a record's bytes `buf[from..to]` for the first byte that is not ASCII: a line
    /// the splitter read is looked at only when it saw one (a pass over the window ahead would
    /// meet the bytes in memory, and the splitter then again).
    #[inline]
    fn look_at(&mut self, from: usize, to: usize) -> io::Result<()> {
        let bytes = &self.buf[from..to];
        if bytes.is_ascii() {
            return Ok(());
        }
        let at = from + bytes.iter().position(|b| !b.is_ascii()).unwrap_or(0);
        self.ascii = false;
        match &mut self.buf {
            Buffer::Mapped { map, watch, .. } => watch.not_ascii(map, at),
            Buffer::Owned(_) => Ok(()),
        }
    }

    /// Stream offset and line of the next unread byte.
    pub fn position(&self) -> (u64, u64) {
        (self.offset, self.line)
    }

    /// Brings more bytes into `buf[start..end]`; where the new ones start in `buf` (the bytes
    /// before it are gone from an owned buffer, kept in a mapped one), `None` at the end.
    fn fill(&mut self) -> io::Result<Option<usize>> {
        if self.eof {
            return Ok(None);
        }
        let buf = match &mut self.buf {
            Buffer::Owned(buf) => buf,
            Buffer::Mapped {
                map,
                watch,
                dropped,
            } => {
                let from = self.end;
                if from >= map.len() {
                    self.eof = true;
                    return Ok(None);
                }
                let to = map.len().min(from + WINDOW);
                watch.window(map, from, to);
                // Everything before `start` is read: no record's cells lie there.
                let behind = self.start - self.start % DROP;
                if behind > *dropped {
                    #[cfg(unix)]
                    // SAFETY: the mapping is shared, read only and backed by the file: a page
                    // let go is read again from the page cache if touched, with the same bytes,
                    // so no reference into it sees its contents change.
                    let _ = unsafe {
                        map.unchecked_advise_range(
                            memmap2::UncheckedAdvice::DontNeed,
                            *dropped,
                            behind - *dropped,
                        )
                    };
                    *dropped = behind;
                }
                self.end = to;
                return Ok(Some(from));
            }
        };
        loop {
            match self.inner.read(buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(None);
                }
                Ok(n) => {
                    self.start = 0;
                    self.end = n;
                    return Ok(Some(0));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// The bytes of the line `next` left at `at` (in the side buffer or the reader's).
    #[inline]
    fn line_at(&self, rec: &RawRecord, at: usize) -> &[u8] {
        if rec.side {
            &self.side[at..]
        } else {
            &self.buf[at..]
        }
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        self.offset += n as u64;
    }

    /// Reads the next record into `rec`, its cells copied out of the reader's buffer;
    /// `Ok(false)` at the end of the input.
    pub fn read(&mut self, rec: &mut RawRecord) -> io::Result<bool> {
        // Every cell is copied out: every one is read.
        if !self.next_reading(rec, u64::MAX)? {
            return Ok(false);
        }
        if let Some(at) = rec.plain {
            // `store_cells` writes `rec`: the line is read from a copy when it is there.
            if rec.side {
                let line = std::mem::take(&mut self.side);
                store_cells(&line[at..], rec);
                self.side = line;
            } else {
                store_cells(&self.buf[at..], rec);
            }
        }
        Ok(true)
    }

    /// The cells of the record `next` or `read` just put in `rec`.
    pub fn cells<'a>(&'a self, rec: &'a RawRecord) -> Cells<'a> {
        match rec.plain {
            Some(at) => Cells {
                bytes: self.line_at(rec, at),
                bounds: &rec.bounds,
                gap: 1,
                strip: rec.quoted,
                escaped: rec.escaped,
            },
            None => rec.cells(),
        }
    }

    /// Reads the next record; `Ok(false)` at the end of the input. A line without quotes is
    /// left in the reader's buffer: read its cells with [`RecordReader::cells`] before the
    /// next call.
    #[inline]
    pub fn next(&mut self, rec: &mut RawRecord) -> io::Result<bool> {
        self.next_reading(rec, self.read)
    }

    /// Tells the reader which cells will be read of the records [`RecordReader::next`]
    /// returns (one bit each, of the first 64; the others are always read): a line whose `""`
    /// pairs all lie in cells nobody reads is left as it is. Bill exports put their escapes in
    /// a tags cell no format binds (FOCUS's `Tags`, Azure's), and unescaping a mapped line
    /// copies it whole: 5–7 % of such a scan's cycles.
    pub fn read_only(&mut self, cells: u64) {
        self.read = cells;
    }

    /// [`RecordReader::next`], reading the cells `read` says.
    fn next_reading(&mut self, rec: &mut RawRecord, read: u64) -> io::Result<bool> {
        // Line ends between records (blank lines too) belong to no record: step over them so
        // the record's offset and line are those of its first cell.
        loop {
            // Everything before the bytes `fill` reads is consumed: they start where the
            // reader stands, in the first cell of a record.
            if self.start == self.end && self.fill().map_err(|e| cite(e, self.line, 1))?.is_none() {
                return Ok(false);
            }
            match self.buf[self.start] {
                b'\n' => {
                    self.line += 1;
                    self.consume(1);
                }
                b'\r' => self.consume(1),
                _ => break,
            }
        }
        rec.offset = self.offset;
        rec.line = self.line;
        rec.unclosed_quote = false;
        rec.cut = false;
        self.record_start = self.start;
        let first = self.start;
        self.record_quotes = 0;
        let mut ended = false;
        if rec.fields.is_empty() {
            rec.fields.resize(4096, 0);
        }
        if rec.ends.is_empty() {
            rec.ends.resize(64, 0);
        }
        rec.plain = None;
        rec.side = false;
        rec.escaped = 0;
        if let Buffer::Mapped { map, .. } = &self.buf {
            let len = map.len();
            while self.end - self.start < LOOKAHEAD && self.end < len {
                self.fill().map_err(|e| cite(e, self.line, 1))?;
            }
        }
        // Most lines hold no quote: split them on the delimiter without the state machine.
        // csv-core sits between records here, so handing a line to either gives one result.
        if let Some(split) = split_line(
            &self.buf[self.start..self.end],
            self.delimiter,
            &mut rec.bounds,
            &mut rec.pairs,
            self.splitter,
        ) {
            if self.ascii && !split.ascii {
                self.look_at(self.start, self.start + split.used)?;
            }
            rec.quoted = split.quoted;
            rec.len = rec.bounds.len();
            rec.plain = Some(self.start);
            // The cells holding `""` pairs: left as they are when no scan reads them
            // (`u64::MAX`: a pair lies past the 64th cell, which is always read).
            let held = if rec.pairs.is_empty() {
                0
            } else {
                holding(&rec.bounds, &rec.pairs)
            };
            if held != u64::MAX && held & read == 0 {
                rec.escaped = held;
            } else {
                let line = self.start..self.start + split.body;
                match &mut self.buf {
                    Buffer::Owned(buf) => unescape(&mut buf[line], &mut rec.bounds, &rec.pairs),
                    Buffer::Mapped { map, .. } => {
                        unescape_into(&map[line], &mut self.side, &mut rec.bounds, &rec.pairs);
                        rec.plain = Some(0);
                        rec.side = true;
                    }
                }
            }
            self.line += 1;
            self.consume(split.used);
            return Ok(true);
        }
        let (mut nout, mut nend) = (0, 0);
        loop {
            let input = &self.buf[self.start..self.end];
            let (res, nin, o, e) =
                self.core
                    .read_record(input, &mut rec.fields[nout..], &mut rec.ends[nend..]);
            // csv-core counts cell ends from the record's start across calls.
            nout += o;
            nend += e;
            self.line += count(&self.buf[self.start..self.start + nin], b'\n') as u64;
            self.consume(nin);
            match res {
                csv_core::ReadRecordResult::InputEmpty => {
                    // The buffer is about to be replaced: settle what depends on its bytes.
                    self.record_quotes += count(&self.buf[self.record_start..self.end], b'"');
                    if let Some(fresh) = self.fill().map_err(|e| cite(e, self.line, nend + 1))? {
                        self.record_start = fresh;
                    } else {
                        // An empty slice tells the parser the input ended.
                        self.start = self.end;
                        self.record_start = self.end;
                        ended = true;
                    }
                }
                csv_core::ReadRecordResult::OutputFull => {
                    if rec.fields.len() >= MAX_RECORD {
                        let line = rec.line;
                        return Err(too_long(
                            line,
                            "the record is longer than 16 MiB: is this a CSV export?",
                        ));
                    }
                    let n = (rec.fields.len() * 2).min(MAX_RECORD);
                    rec.fields.resize(n, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    if rec.ends.len() >= 1 << 20 {
                        let line = rec.line;
                        return Err(too_long(
                            line,
                            "the record has more than a million cells: is this a CSV export?",
                        ));
                    }
                    let n = rec.ends.len() * 2;
                    rec.ends.resize(n, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    // Only a mapped reader looks: its bytes stay where they were read.
                    if self.ascii {
                        self.look_at(first, self.start)?;
                    }
                    rec.len = nend;
                    rec.bounds.clear();
                    rec.bounds
                        .extend(rec.ends[..nend].iter().map(|e| *e as u32));
                    rec.cut = ended;
                    // Only the end of the input can close a record inside a quoted cell.
                    rec.unclosed_quote = ended && self.record_quotes % 2 == 1;
                    return Ok(true);
                }
                csv_core::ReadRecordResult::End => return Ok(false),
            }
        }
    }
}

#[cfg(test)]
mod tests;
