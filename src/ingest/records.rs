//! The CSV record reader under every export scan: csv-core's state machine over buffers this
//! module owns, so that each record comes with its exact byte offset and physical line number.
//!
//! The `csv` crate's positions do not count newlines inside quoted cells or blank lines, and a
//! finance reviewer opening the cited line in an editor must land on it. Owning the buffer also
//! lets a scan start at any record boundary of a file, which is how one file is read on several
//! cores.

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
    /// Byte offset of the record's first byte in the stream.
    pub offset: u64,
    /// Physical line (1-based) on which the record starts.
    pub line: u64,
    /// The record was ended by the end of the input rather than a line end.
    pub cut: bool,
    /// The record ran into the end of the input inside a quoted cell.
    pub unclosed_quote: bool,
}

/// The error a record past [`MAX_RECORD`] raises (inside an `io::Error`), with its line.
#[derive(Debug)]
pub struct TooLong {
    pub line: u64,
    what: &'static str,
}

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.what)
    }
}

impl std::error::Error for TooLong {}

fn too_long(line: u64, what: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, TooLong { line, what })
}

impl RawRecord {
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

pub struct RecordReader<R> {
    inner: R,
    core: csv_core::Reader,
    delimiter: u8,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    /// Stream offset of `buf[start]`.
    offset: u64,
    /// Newlines are counted lazily, in bulk: `buf[..counted]` is counted and `buf[counted]`
    /// is on line `counted_line`. Most records never need their line number.
    counted: usize,
    counted_line: u64,
    /// Where the record being read starts in `buf`, and the quotes it held in buffers already
    /// replaced (to notice a quoted cell that the end of the input cut open).
    record_start: usize,
    record_quotes: usize,
    eof: bool,
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// High bit set in every byte of `word` equal to `byte`, exactly (no false positives).
#[inline]
fn eq_mask(word: u64, byte: u8) -> u64 {
    let x = word ^ (LO * u64::from(byte));
    !(((x & !HI).wrapping_add(!HI)) | x) & HI
}

/// How many bytes of `bytes` equal `byte`, eight at a time.
fn count(bytes: &[u8], byte: u8) -> usize {
    let mut words = bytes.chunks_exact(8);
    let mut n = 0usize;
    for w in &mut words {
        let m = eq_mask(u64::from_le_bytes(w.try_into().unwrap_or([0; 8])), byte) >> 7;
        // Each byte of `m` is 0 or 1: the multiply sums them into the top byte.
        n += (m.wrapping_mul(LO) >> 56) as usize;
    }
    n + words.remainder().iter().filter(|b| **b == byte).count()
}

/// Splits a line with no quote and no carriage return into cells, the fast way most bill lines
/// take: `line` is the bytes before its `\n`. Returns `false` (nothing written) when the line
/// needs the full CSV parser.
fn split_plain(line: &[u8], delimiter: u8, rec: &mut RawRecord) -> bool {
    let body = line.strip_suffix(b"\r").unwrap_or(line);
    if rec.fields.len() < body.len() {
        rec.fields.resize(body.len().next_power_of_two(), 0);
    }
    let mut cells = 0;
    let mut push_end = |rec: &mut RawRecord, end: usize| {
        if cells == rec.ends.len() {
            let n = (rec.ends.len() * 2).max(64);
            rec.ends.resize(n, 0);
        }
        rec.ends[cells] = end;
        cells += 1;
    };
    let mut words = body.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        let word = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
        if eq_mask(word, b'"') | eq_mask(word, b'\r') != 0 {
            return false;
        }
        let mut delims = eq_mask(word, delimiter);
        while delims != 0 {
            push_end(rec, at + (delims.trailing_zeros() / 8) as usize);
            delims &= delims - 1;
        }
        at += 8;
    }
    for (i, b) in words.remainder().iter().enumerate() {
        match *b {
            b'"' | b'\r' => return false,
            b if b == delimiter => push_end(rec, at + i),
            _ => {}
        }
    }
    push_end(rec, body.len());
    // `ends` holds each cell's end in `body`; cells are stored back to back, without the
    // delimiters, as csv-core stores them.
    let mut from = 0;
    let mut out = 0;
    for i in 0..cells {
        let to = rec.ends[i];
        let cell = &body[from..to];
        rec.fields[out..out + cell.len()].copy_from_slice(cell);
        out += cell.len();
        rec.ends[i] = out;
        from = to + 1;
    }
    rec.len = cells;
    true
}

/// Where the first `\n` of `bytes` is, eight bytes at a time.
fn find_newline(bytes: &[u8]) -> Option<usize> {
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        let m = eq_mask(u64::from_le_bytes(w.try_into().unwrap_or([0; 8])), b'\n');
        if m != 0 {
            return Some(at + (m.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(|b| *b == b'\n')
        .map(|i| at + i)
}

impl<R: Read> RecordReader<R> {
    /// Reads from `inner`, whose first byte is at stream `offset` on line `line`.
    pub fn new(inner: R, delimiter: u8, offset: u64, line: u64) -> Self {
        RecordReader {
            inner,
            core: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            delimiter,
            buf: vec![0; super::source::BUFFER].into_boxed_slice(),
            start: 0,
            end: 0,
            offset,
            counted: 0,
            counted_line: line,
            record_start: 0,
            record_quotes: 0,
            eof: false,
        }
    }

    /// Stream offset and line of the next unread byte.
    pub fn position(&mut self) -> (u64, u64) {
        (self.offset, self.line_at(self.start))
    }

    /// The line of `buf[pos]`; `pos` never goes back within a buffer.
    fn line_at(&mut self, pos: usize) -> u64 {
        if pos > self.counted {
            self.counted_line += count(&self.buf[self.counted..pos], b'\n') as u64;
            self.counted = pos;
        }
        self.counted_line
    }

    /// The line a record just read starts on.
    pub fn line_of(&mut self, rec: &mut RawRecord) -> u64 {
        if rec.line == 0 {
            rec.line = self.line_at(self.record_start);
        }
        rec.line
    }

    fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        self.line_at(self.end);
        loop {
            match self.inner.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.start = 0;
                    self.end = n;
                    self.counted = 0;
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    fn consume(&mut self, n: usize) {
        self.start += n;
        self.offset += n as u64;
    }

    /// Reads the next record; `Ok(false)` at the end of the input. Its line is not counted
    /// until asked for with [`RecordReader::line_of`].
    pub fn read(&mut self, rec: &mut RawRecord) -> io::Result<bool> {
        // Line ends between records (blank lines too) belong to no record: step over them so
        // the record's offset and line are those of its first cell.
        loop {
            if self.start == self.end && !self.fill()? {
                return Ok(false);
            }
            match self.buf[self.start] {
                b'\n' | b'\r' => self.consume(1),
                _ => break,
            }
        }
        rec.offset = self.offset;
        rec.line = 0;
        rec.unclosed_quote = false;
        rec.cut = false;
        self.record_start = self.start;
        self.record_quotes = 0;
        let mut ended = false;
        if rec.fields.is_empty() {
            rec.fields.resize(4096, 0);
        }
        if rec.ends.is_empty() {
            rec.ends.resize(64, 0);
        }
        // Most lines hold no quote: split them on the delimiter without the state machine.
        // csv-core sits between records here, so handing a line to either gives one result.
        if let Some(nl) = find_newline(&self.buf[self.start..self.end]) {
            if split_plain(&self.buf[self.start..self.start + nl], self.delimiter, rec) {
                self.consume(nl + 1);
                return Ok(true);
            }
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
            self.consume(nin);
            match res {
                csv_core::ReadRecordResult::InputEmpty => {
                    // The buffer is about to be replaced: settle what depends on its bytes.
                    self.line_of(rec);
                    self.record_quotes += count(&self.buf[self.record_start..self.end], b'"');
                    if self.fill()? {
                        self.record_start = 0;
                    } else {
                        // An empty slice tells the parser the input ended.
                        self.start = self.end;
                        self.record_start = self.end;
                        ended = true;
                    }
                }
                csv_core::ReadRecordResult::OutputFull => {
                    if rec.fields.len() >= MAX_RECORD {
                        let line = self.line_of(rec);
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
                        let line = self.line_of(rec);
                        return Err(too_long(
                            line,
                            "the record has more than a million cells: is this a CSV export?",
                        ));
                    }
                    let n = rec.ends.len() * 2;
                    rec.ends.resize(n, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    rec.len = nend;
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
mod tests {
    use super::*;

    fn all(data: &[u8], buf: usize) -> Vec<(Vec<String>, u64, u64, bool)> {
        let mut r = RecordReader::new(data, b',', 0, 1);
        r.buf = vec![0; buf].into_boxed_slice();
        // Tiny starting buffers exercise the growth paths.
        let mut rec = RawRecord {
            fields: vec![0; 1],
            ends: vec![0; 1],
            ..RawRecord::default()
        };
        let mut out = Vec::new();
        while r.read(&mut rec).unwrap() {
            r.line_of(&mut rec);
            let cells = rec
                .iter()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect();
            out.push((cells, rec.offset, rec.line, rec.unclosed_quote));
        }
        out
    }

    #[test]
    fn records_carry_their_physical_line_and_offset() {
        let data = b"a,b\n\"x\ny\",2\r\n\n3,4\nlast,\"un\"\"closed\n";
        for buf in [1, 2, 3, 7, 4096] {
            let got = all(data, buf);
            let want = vec![
                (vec!["a".to_string(), "b".into()], 0, 1, false),
                (vec!["x\ny".to_string(), "2".into()], 4, 2, false),
                (vec!["3".to_string(), "4".into()], 14, 5, false),
                (vec!["last".to_string(), "un\"closed\n".into()], 18, 6, true),
            ];
            assert_eq!(got, want, "buffer of {buf}");
        }
    }

    #[test]
    fn quoted_cells_with_commas_and_quotes_are_one_cell() {
        let got = all(b"\"a,b\",\"say \"\"hi\"\"\",c", 4096);
        assert_eq!(got[0].0, ["a,b", "say \"hi\"", "c"]);
        assert!(
            !got[0].3,
            "a closed quote at the end of input is not unclosed"
        );
    }

    #[test]
    fn word_at_a_time_helpers_agree_with_byte_loops() {
        let text = b"a,b\n,,\"q\"\r\n\x80\xff,\n\n\n1234567,89abcdef\n";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let s = &text[start..end];
                for b in [b'\n', b'"', b','] {
                    assert_eq!(count(s, b), s.iter().filter(|x| **x == b).count());
                }
                assert_eq!(find_newline(s), s.iter().position(|x| *x == b'\n'));
            }
        }
    }

    #[test]
    fn plain_lines_split_as_the_csv_parser_splits_them() {
        for line in [
            &b"a,b,,c"[..],
            b"",
            b",",
            b"x\r",
            b"1234567,89abcdefgh,ij",
            b"\xe8\xb5\x84,\xe6\xba\x90",
        ] {
            let mut fast = RawRecord::default();
            assert!(split_plain(line, b',', &mut fast));
            let slow = all(line, 4096);
            let cells: Vec<String> = fast
                .iter()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect();
            if line.is_empty() || line == b"\r" {
                // The reader steps over empty lines before splitting: never asked.
                continue;
            }
            assert_eq!(cells, slow[0].0, "{:?}", String::from_utf8_lossy(line));
        }
        let mut rec = RawRecord::default();
        assert!(!split_plain(b"a,\"b\"", b',', &mut rec));
        assert!(!split_plain(b"a,b\rc", b',', &mut rec));
    }

    #[test]
    fn a_file_without_newlines_is_refused_past_the_cap() {
        let big = vec![b'x'; MAX_RECORD + 10];
        let mut r = RecordReader::new(&big[..], b',', 0, 1);
        let mut rec = RawRecord::default();
        let e = r.read(&mut rec).unwrap_err();
        assert!(e.to_string().contains("longer than 16 MiB"), "{e}");
        assert_eq!(
            e.get_ref()
                .and_then(|i| i.downcast_ref::<TooLong>())
                .map(|t| t.line),
            Some(1)
        );
    }
}
