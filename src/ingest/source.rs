//! Opening an export: the bytes on disk to the inputs they hold, and each input to a buffered
//! stream of CSV text (or a Parquet file), whatever wrapper and encoding the console, the
//! delivery bucket or Excel gave it.
//!
//! Everything is decided from the bytes, never from the file name:
//! - `PK\x03\x04`: a zip archive; every file member is an input of its own, in archive order,
//!   named `bundle.zip:member.csv`;
//! - `1f 8b`: gzip (also inside a zip member), read through without unpacking to disk;
//! - `PAR1`: Parquet (read by `parquet.rs`; it needs a seekable file, so not inside a wrapper);
//! - a UTF-16 byte-order mark: transcoded to UTF-8 on the fly;
//! - otherwise text: a UTF-8 BOM is dropped, and text that is not valid UTF-8 is read as
//!   GB18030 (a superset of GBK, what Excel on Chinese Windows saves).

use crate::error::{Error, Location, Result};
use std::cell::Cell;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::rc::Rc;
use std::sync::{Arc, Mutex};

/// How the text cells of a stream are decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// GB18030, a superset of GBK: what Excel on Chinese Windows saves.
    Gb18030,
}

/// A text export opened for reading.
pub struct Source<'a> {
    pub reader: Box<dyn Read + 'a>,
    pub encoding: Encoding,
    /// Field separator: `,`, or a tab for the tab-separated "Unicode text" Excel writes.
    pub delimiter: u8,
    /// The field separator when `;` is a candidate too: European Excel saves "CSV" with the
    /// locale's list separator, `;`. Registers are read with it; exports never, since such a
    /// file writes decimal commas (`0,125`), which the amount reader takes for thousands
    /// separators.
    pub list_delimiter: u8,
    /// Set when the stream is a file's own bytes (no gzip, no transcoding), so the file can be
    /// read again at any offset.
    pub seekable: Option<Seekable>,
    /// Bytes dropped before the stream's first byte (a BOM), and whether the stream is the
    /// underlying bytes as they are (not gunzipped, not transcoded).
    skipped: u64,
    verbatim: bool,
    /// How the bytes were read, for `inspect`: `gzip, UTF-8 with BOM`.
    pub reading: String,
    /// For a file whose first 64 KiB are ASCII: what its first line holding another byte made
    /// it (see [`LateEncoding`]), as far as it has been read.
    pub late: Option<Rc<Cell<Late>>>,
}

/// A plain file behind a stream: stream offset N is file offset `skip + N`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seekable {
    pub path: String,
    pub skip: u64,
}

/// An input opened for reading.
pub enum Opened<'a> {
    Text(Source<'a>),
    /// A Parquet file, read by column through its path.
    Parquet(String),
}

/// One input a path on the command line holds: the file itself, or one member of a zip archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The name reports and messages use: the path, or `archive.zip:member`.
    pub name: String,
    pub path: String,
    /// Bytes a progress bar counts: the file's size, or the member's unpacked size.
    pub size: u64,
    member: Option<usize>,
    /// A pipe, FIFO or device (`<(…)`, `/dev/stdin`): opened once, when the inputs were listed,
    /// and read from that handle, once.
    stream: Option<Arc<Stream>>,
    /// The archive's directory, read once for all its members: reading it again for every
    /// member made a zip of N members cost N² (10,000 members: 14–36 s).
    archive: Option<Archive>,
}

/// A zip archive whose central directory was read once; clones share it (and the open file).
#[derive(Clone)]
struct Archive(zip::ZipArchive<SharedFile>);

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Archive({} members)", self.0.len())
    }
}

/// The directory read from an entry's path: entries of one path hold the same one.
impl PartialEq for Archive {
    fn eq(&self, _: &Archive) -> bool {
        true
    }
}

impl Eq for Archive {}

/// One open file shared by the readers of an archive's members, each at its own position
/// (members may be read by several threads at once).
#[derive(Clone)]
struct SharedFile {
    file: Arc<Mutex<File>>,
    pos: u64,
}

impl Read for SharedFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut file = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("a zip reader failed while holding the file"))?;
        file.seek(SeekFrom::Start(self.pos))?;
        let n = file.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for SharedFile {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        let target = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
            SeekFrom::End(d) => {
                let len = self
                    .file
                    .lock()
                    .map_err(|_| {
                        std::io::Error::other("a zip reader failed while holding the file")
                    })?
                    .metadata()?
                    .len();
                len.checked_add_signed(d)
            }
        };
        self.pos = target.ok_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "seek before the start")
        })?;
        Ok(self.pos)
    }
}

/// The one handle on a stream input, with the bytes already read from it to see what it is.
/// Opening a FIFO again would wait for a writer that never comes, and reading `/dev/stdin`
/// again would start past what was read: it is taken once, and a second reading is an error.
pub struct Stream {
    handle: Mutex<Option<(Vec<u8>, File)>>,
}

impl Stream {
    fn take(&self) -> Option<(Vec<u8>, File)> {
        self.handle.lock().ok()?.take()
    }
}

impl std::fmt::Debug for Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stream")
    }
}

/// Two entries hold the same stream only when they share its handle.
impl PartialEq for Stream {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Stream {}

/// Bytes read ahead to decide the wrapper and the encoding.
const SNIFF: usize = 64 * 1024;
/// The record reader's buffer: 64 KiB keeps it in L2 cache; 256 KiB measured ~0.15 s more
/// system time per 600 MB (see BENCHMARKS.md). Memory stays flat whatever the export's size.
pub const BUFFER: usize = 64 * 1024;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const EMPTY_ZIP_MAGIC: &[u8] = b"PK\x05\x06";
const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const PARQUET_MAGIC: &[u8] = b"PAR1";

/// A reader counting what it yields (for a progress bar); the identity when there is none.
pub type Wrap<'w> = &'w dyn for<'r> Fn(Box<dyn Read + 'r>) -> Box<dyn Read + 'r>;

/// Opens `path` once and reads its first bytes (up to 4) from that handle: what it is is
/// decided from them, and a stream (a pipe, a FIFO) is never opened a second time.
fn open_head(path: &str) -> Result<(Vec<u8>, File, bool)> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let meta = file.metadata().map_err(|e| Error::io(path, e))?;
    let stream = !meta.is_file() && !meta.is_dir();
    let mut head = Vec::with_capacity(4);
    (&file)
        .take(4)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    Ok((head, file, stream))
}

/// Which pipe, FIFO or device `path` names (device and inode), without opening it; `None` for
/// a regular file, a folder, or a path that cannot be looked at.
#[cfg(unix)]
pub fn stream_id(path: &str) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    (!m.is_file() && !m.is_dir()).then(|| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
pub fn stream_id(_path: &str) -> Option<(u64, u64)> {
    None
}

/// A stream cannot hold what needs a file to seek in.
fn not_from_a_stream(path: &str, head: &[u8]) -> Result<()> {
    let what = if head.starts_with(ZIP_MAGIC) || head.starts_with(EMPTY_ZIP_MAGIC) {
        "a zip archive"
    } else if head.starts_with(PARQUET_MAGIC) {
        "a Parquet file"
    } else {
        return Ok(());
    };
    Err(Error::input(
        Location::file(path),
        format!(
            "{what} is read by seeking in a file, and this is a pipe or FIFO: save it to a file \
             and pass that"
        ),
    ))
}

/// The inputs `path` holds: one, or one per file member of a zip archive (in archive order).
pub fn entries(path: &str) -> Result<Vec<Entry>> {
    let (head, file, stream) = open_head(path)?;
    if stream {
        not_from_a_stream(path, &head)?;
        return Ok(vec![Entry {
            name: path.to_string(),
            path: path.to_string(),
            size: 0,
            member: None,
            stream: Some(Arc::new(Stream {
                handle: Mutex::new(Some((head, file))),
            })),
            archive: None,
        }]);
    }
    if !head.starts_with(ZIP_MAGIC) && !head.starts_with(EMPTY_ZIP_MAGIC) {
        let size = file.metadata().map_or(0, |m| m.len());
        return Ok(vec![Entry {
            name: path.to_string(),
            path: path.to_string(),
            size,
            member: None,
            stream: None,
            archive: None,
        }]);
    }
    drop(file);
    let mut archive = zip_archive(path)?;
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let m = archive
            .by_index_raw(i)
            .map_err(|e| zip_error(path, &format!("member {}", i + 1), e))?;
        let name = String::from_utf8_lossy(m.name_raw()).into_owned();
        // Folders, and the resource forks macOS adds when it zips, are not exports.
        if m.is_dir() || name.starts_with("__MACOSX/") {
            continue;
        }
        out.push(Entry {
            name: format!("{path}:{name}"),
            path: path.to_string(),
            size: m.size(),
            member: Some(i),
            stream: None,
            archive: None,
        });
    }
    if out.is_empty() {
        return Err(Error::input(
            Location::file(path),
            "the zip archive holds no files: expected one or more CSV exports",
        ));
    }
    let shared = Archive(archive);
    for e in &mut out {
        e.archive = Some(shared.clone());
    }
    Ok(out)
}

fn zip_archive(path: &str) -> Result<zip::ZipArchive<SharedFile>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let file = SharedFile {
        file: Arc::new(Mutex::new(file)),
        pos: 0,
    };
    zip::ZipArchive::new(file).map_err(|e| {
        Error::input(
            Location::file(path),
            format!("cannot read the zip archive: {e}"),
        )
    })
}

fn zip_error(path: &str, what: &str, e: zip::result::ZipError) -> Error {
    Error::input(
        Location::file(path),
        format!("cannot read {what} of the zip archive: {e}"),
    )
}

/// Opens `entry` and hands it to `f`. A zip member is read in place (its stream borrows the
/// archive, hence the callback); `wrap` sees the bytes as they are read.
pub fn with_entry<T>(
    entry: &Entry,
    wrap: Wrap<'_>,
    f: impl FnOnce(Opened<'_>) -> Result<T>,
) -> Result<T> {
    if let Some(stream) = &entry.stream {
        let Some((head, file)) = stream.take() else {
            return Err(Error::input(
                Location::file(&entry.name),
                "a pipe or FIFO can be read only once, and this run reads it again (overlapping \
                 exports are read twice to count their shared lines once): save it to a file \
                 and pass that",
            ));
        };
        let source = from_reader(
            &entry.name,
            wrap(Box::new(std::io::Cursor::new(head).chain(file))),
        )?;
        return f(Opened::Text(source));
    }
    let Some(index) = entry.member else {
        let (head, file, _) = open_head(&entry.path)?;
        if head.starts_with(PARQUET_MAGIC) {
            drop(file);
            return f(Opened::Parquet(entry.path.clone()));
        }
        let mut source = from_reader(
            &entry.name,
            wrap(Box::new(std::io::Cursor::new(head).chain(file))),
        )?;
        if source.verbatim {
            source.seekable = Some(Seekable {
                path: entry.path.clone(),
                skip: source.skipped,
            });
        }
        return f(Opened::Text(source));
    };
    let mut archive = match &entry.archive {
        Some(a) => a.0.clone(),
        None => zip_archive(&entry.path)?,
    };
    let member = archive
        .by_index(index)
        .map_err(|e| zip_error(&entry.path, &format!("`{}`", entry.name), e))?;
    let source = from_reader(&entry.name, wrap(Box::new(member)))?;
    let out = f(Opened::Text(source));
    out
}

/// Opens a file that must be text (the deletion register); gzip is read through. It is opened
/// once, so a pipe or FIFO (`<(…)`, `/dev/stdin`) is read whole.
pub fn open(path: &str) -> Result<Source<'static>> {
    let (head, file, _) = open_head(path)?;
    if head.starts_with(ZIP_MAGIC) || head.starts_with(PARQUET_MAGIC) {
        return Err(Error::input(
            Location::file(path),
            "expected a CSV file, found a zip archive or a Parquet file",
        ));
    }
    from_reader(path, Box::new(std::io::Cursor::new(head).chain(file)))
}

/// Reads the start of a stream to see through gzip, transcode UTF-16, strip a BOM and decide
/// the encoding. `name` is what messages call the stream.
pub fn from_reader<'a>(name: &str, inner: Box<dyn Read + 'a>) -> Result<Source<'a>> {
    let (head, inner) = sniff(name, inner)?;
    if head.starts_with(GZIP_MAGIC) {
        let gz = flate2::read::MultiGzDecoder::new(std::io::Cursor::new(head).chain(inner));
        let (head, inner) = sniff(name, Box::new(gz))?;
        if head.starts_with(GZIP_MAGIC) {
            return Err(Error::input(
                Location::file(name),
                "the file is gzip inside gzip: unpack it once and try again",
            ));
        }
        let mut source = text(name, head, inner)?;
        source.verbatim = false;
        source.reading = format!("gzip, {}", source.reading);
        return Ok(source);
    }
    text(name, head, inner)
}

type Head<'a> = (Vec<u8>, Box<dyn Read + 'a>);

fn sniff<'a>(name: &str, mut inner: Box<dyn Read + 'a>) -> Result<Head<'a>> {
    let mut head = Vec::with_capacity(SNIFF);
    // Streams may return short reads (gzip, pipes): read until the window is full or the end.
    (&mut inner)
        .take(SNIFF as u64)
        .read_to_end(&mut head)
        .map_err(|e| read_error(name, e))?;
    if head.is_empty() {
        return Err(Error::input(
            Location::file(name),
            "the file is empty: expected a header row",
        ));
    }
    Ok((head, inner))
}

/// An I/O error while reading: a corrupt gzip or zip stream is bad input, not a disk failure.
pub fn read_error(name: &str, e: std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput => Error::input(
            Location::file(name),
            format!("the file is corrupt or cut short: {e}"),
        ),
        std::io::ErrorKind::UnexpectedEof => Error::input(
            Location::file(name),
            "the file is cut short (unexpected end of the compressed stream)",
        ),
        _ => Error::io(name, e),
    }
}

fn text<'a>(name: &str, mut head: Vec<u8>, inner: Box<dyn Read + 'a>) -> Result<Source<'a>> {
    if head.starts_with(ZIP_MAGIC) || head.starts_with(PARQUET_MAGIC) {
        return Err(Error::input(
            Location::file(name),
            "a zip archive (an .xlsx workbook is one) or a Parquet file inside a compressed stream or archive is not read: unpack it, or export CSV, and pass that file",
        ));
    }
    let utf16 = if head.starts_with(&[0xFF, 0xFE]) {
        Some(encoding_rs::UTF_16LE)
    } else if head.starts_with(&[0xFE, 0xFF]) {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    };
    if let Some(enc) = utf16 {
        let stream = std::io::Cursor::new(head).chain(inner);
        let (head, inner) = sniff(name, Box::new(Transcoder::utf16(stream, enc)))?;
        let delimiter = delimiter_of(&head);
        let list_delimiter = list_delimiter_of(&head, delimiter);
        let cr = cr_only(&head);
        let stream = std::io::Cursor::new(head).chain(inner);
        return Ok(Source {
            reader: if cr {
                Box::new(CrToLf(stream))
            } else {
                Box::new(stream)
            },
            encoding: Encoding::Utf8,
            delimiter,
            list_delimiter,
            seekable: None,
            skipped: 0,
            verbatim: false,
            reading: describe(enc.name(), delimiter, cr),
            late: None,
        });
    }
    if let Some(pos) = head.iter().position(|b| *b == 0) {
        if head.len() >= 4 && (head[1] == 0 && head[3] == 0 || head[0] == 0 && head[2] == 0) {
            return Err(Error::input(
                Location::file(name),
                "the file looks like UTF-16 text without a byte-order mark: save it as \"CSV UTF-8\" and try again",
            ));
        }
        let (line, col) = line_and_column(&head, pos);
        return Err(Error::input(
            Location::at(name, line, Some(col)),
            format!(
                "the file is not a CSV text export (binary data at byte {}: a NUL byte)",
                pos + 1
            ),
        ));
    }
    let bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
    if bom {
        head.drain(..3);
    }
    let encoding = match std::str::from_utf8(&head) {
        Ok(_) => Encoding::Utf8,
        // An error at the very end is a character cut by the sniff window, not bad UTF-8.
        Err(e) if e.error_len().is_none() => Encoding::Utf8,
        Err(_) => Encoding::Gb18030,
    };
    let delimiter = delimiter_of(&head);
    let list_delimiter = list_delimiter_of(&head, delimiter);
    let name = match (encoding, bom) {
        (Encoding::Utf8, true) => "UTF-8 with BOM",
        (Encoding::Utf8, false) => "UTF-8",
        (Encoding::Gb18030, _) => "GB18030 (not valid UTF-8)",
    };
    let cr = cr_only(&head);
    // Nothing but ASCII in the first 64 KiB: the first line holding another byte decides.
    let late =
        (encoding == Encoding::Utf8 && head.is_ascii()).then(|| Rc::new(Cell::new(Late::Ascii)));
    let stream: Box<dyn Read + 'a> = Box::new(std::io::Cursor::new(head).chain(inner));
    let stream: Box<dyn Read + 'a> = match &late {
        Some(state) => Box::new(LateEncoding::new(stream, Late::Ascii, state.clone())),
        None => stream,
    };
    Ok(Source {
        reader: if cr { Box::new(CrToLf(stream)) } else { stream },
        encoding,
        delimiter,
        list_delimiter,
        seekable: None,
        skipped: if bom { 3 } else { 0 },
        // Read as transcoded, never in pieces at file offsets.
        verbatim: !cr,
        reading: describe(name, delimiter, cr),
        late,
    })
}

/// The line (from 1) and field (from 1) of byte `pos` of the opening bytes, for a message about
/// a byte the record reader never gets to see.
fn line_and_column(head: &[u8], pos: usize) -> (u64, usize) {
    let before = &head[..pos.min(head.len())];
    let end = if cr_only(head) { b'\r' } else { b'\n' };
    let line_start = before.iter().rposition(|b| *b == end).map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|b| **b == end).count() as u64;
    let delimiter = delimiter_of(head);
    let mut quoted = false;
    let mut col = 1;
    for b in &before[line_start..] {
        match *b {
            b'"' => quoted = !quoted,
            d if d == delimiter && !quoted => col += 1,
            _ => {}
        }
    }
    (line, col)
}

/// Bytes a source could not read as text; the record reader, which knows where it stands,
/// cites them at their line and column (see `records::Unreadable`).
#[derive(Debug)]
pub struct BadText(pub String);

impl std::fmt::Display for BadText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadText {}

fn bad_text(msg: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, BadText(msg))
}

/// Transcodes text to UTF-8 as it is read: UTF-16 (with its byte-order mark), or GB18030 (a
/// file [`LateEncoding`] found to be). Malformed input (a lone surrogate, an odd trailing byte,
/// bytes GB18030 has no character for) is an error, never replacement characters; the text
/// before it is handed out first, so that the error is cited where the bad bytes are.
struct Transcoder<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    /// What the error calls malformed input (`{byte}`: how far into the stream).
    malformed: &'static str,
    input: Vec<u8>,
    /// Start and end of the undecoded bytes in `input`.
    in_pos: usize,
    in_end: usize,
    out: Vec<u8>,
    out_pos: usize,
    out_end: usize,
    /// Bytes of input consumed, for the message on malformed input.
    consumed: u64,
    done: bool,
    /// Malformed input met, reported once the text before it has been read.
    failed: Option<String>,
}

impl<R: Read> Transcoder<R> {
    fn new(inner: R, decoder: encoding_rs::Decoder, malformed: &'static str) -> Self {
        const CHUNK: usize = 64 * 1024;
        Transcoder {
            inner,
            decoder,
            malformed,
            input: vec![0; CHUNK],
            in_pos: 0,
            in_end: 0,
            // Each UTF-16 code unit (2 bytes) becomes at most 3 bytes of UTF-8, each GB18030
            // byte at most 1.5.
            out: vec![0; CHUNK * 2 + 16],
            out_pos: 0,
            out_end: 0,
            consumed: 0,
            done: false,
            failed: None,
        }
    }

    fn utf16(inner: R, enc: &'static encoding_rs::Encoding) -> Self {
        Transcoder::new(
            inner,
            enc.new_decoder_with_bom_removal(),
            "malformed UTF-16 near byte {byte} (a lone surrogate or an odd number of bytes)",
        )
    }

    fn gb18030(inner: R) -> Self {
        Transcoder::new(
            inner,
            encoding_rs::GB18030.new_decoder_without_bom_handling(),
            "bytes that are neither UTF-8 nor GB18030 text (the file's first 64 KiB are ASCII; \
             its first line holding other bytes is not UTF-8, so it is read as GB18030): save it \
             as CSV UTF-8",
        )
    }
}

impl<R: Read> Read for Transcoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            if self.out_pos < self.out_end {
                let n = buf.len().min(self.out_end - self.out_pos);
                buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if let Some(msg) = &self.failed {
                return Err(bad_text(msg.clone()));
            }
            if self.done {
                return Ok(0);
            }
            if self.in_pos == self.in_end {
                self.in_pos = 0;
                self.in_end = loop {
                    match self.inner.read(&mut self.input) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                };
            }
            let last = self.in_end == 0;
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.in_pos..self.in_end],
                &mut self.out,
                last,
            );
            self.in_pos += read;
            self.consumed += read as u64;
            self.out_pos = 0;
            self.out_end = written;
            match result {
                encoding_rs::DecoderResult::InputEmpty => self.done = last,
                encoding_rs::DecoderResult::OutputFull => {}
                encoding_rs::DecoderResult::Malformed(_, _) => {
                    self.failed =
                        Some(self.malformed.replace("{byte}", &self.consumed.to_string()));
                }
            }
        }
    }
}

/// What a file whose first 64 KiB are ASCII turned out to be (see [`LateEncoding`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Late {
    /// Nothing but ASCII so far.
    Ascii,
    Utf8,
    Gb18030,
}

/// At most this much of the first line holding a byte that is not ASCII decides its encoding.
const DECIDING_LINE: usize = 64 * 1024;

/// A file whose first 64 KiB are ASCII says nothing about its encoding there: an export with
/// English headers may hold Chinese names further down, in UTF-8 or in GBK. The first line
/// holding another byte decides, from that byte to its end: UTF-8 when those bytes are UTF-8,
/// else GB18030. Everything before was ASCII, the same in both, so reading on as GB18030 (the
/// bytes transcoded to UTF-8 as they are read) is reading the whole file as GB18030; bytes that
/// are not GB18030 either are an error where they stand, never replacement characters. A line
/// cannot cross a piece of a file read in pieces, so every piece decides as one reading would.
pub struct LateEncoding<'a> {
    stage: Stage<'a>,
    state: Rc<Cell<Late>>,
}

enum Stage<'a> {
    Ascii(Box<dyn Read + 'a>),
    Utf8(Box<dyn Read + 'a>),
    Gb18030(Transcoder<Box<dyn Read + 'a>>),
    /// Between two stages, only while one is built.
    Moving,
}

impl<'a> LateEncoding<'a> {
    /// Reads `inner` starting in `start` (a piece read again once the file's encoding is
    /// known); `state` tells the scan what was decided.
    pub fn new(inner: Box<dyn Read + 'a>, start: Late, state: Rc<Cell<Late>>) -> Self {
        state.set(start);
        let stage = match start {
            Late::Ascii => Stage::Ascii(inner),
            Late::Utf8 => Stage::Utf8(inner),
            Late::Gb18030 => Stage::Gb18030(Transcoder::gb18030(inner)),
        };
        LateEncoding { stage, state }
    }
}

/// Whether the deciding bytes of a file first read as ASCII are UTF-8: `after` starts at its
/// first byte that is not ASCII and runs at least to the end of that byte's line or
/// [`DECIDING_LINE`] bytes, or to the end of the input (see [`LateEncoding`]).
pub fn decides_utf8(after: &[u8]) -> bool {
    let head = &after[..after.len().min(DECIDING_LINE)];
    let end = head.iter().position(|b| *b == b'\n').unwrap_or(head.len());
    match std::str::from_utf8(&head[..end]) {
        Ok(_) => true,
        // A character cut by the length limit, not by the end of the line.
        Err(e) => e.error_len().is_none() && end == DECIDING_LINE,
    }
}

fn read_some(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

impl Read for LateEncoding<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let inner = match &mut self.stage {
            Stage::Utf8(r) => return r.read(buf),
            Stage::Gb18030(t) => return t.read(buf),
            Stage::Moving => return Ok(0),
            Stage::Ascii(r) => r,
        };
        let n = read_some(inner.as_mut(), buf)?;
        if buf[..n].is_ascii() {
            return Ok(n);
        }
        let p = buf[..n].iter().position(|b| !b.is_ascii()).unwrap_or(n);
        // The deciding bytes: from the first that is not ASCII to the end of its line.
        let mut line = buf[p..n].to_vec();
        let mut scanned = 0;
        let mut chunk = [0u8; 8192];
        // Read on until the line ends or is long enough to decide.
        loop {
            if line[scanned..].contains(&b'\n') || line.len() >= DECIDING_LINE {
                break;
            }
            scanned = line.len();
            let k = read_some(inner.as_mut(), &mut chunk)?;
            if k == 0 {
                break;
            }
            line.extend_from_slice(&chunk[..k]);
        }
        let utf8 = decides_utf8(&line);
        let Stage::Ascii(inner) = std::mem::replace(&mut self.stage, Stage::Moving) else {
            return Ok(0);
        };
        if utf8 {
            self.state.set(Late::Utf8);
            let ahead = line.split_off(n - p);
            self.stage = Stage::Utf8(Box::new(std::io::Cursor::new(ahead).chain(inner)));
            return Ok(n);
        }
        self.state.set(Late::Gb18030);
        self.stage = Stage::Gb18030(Transcoder::gb18030(Box::new(
            std::io::Cursor::new(line).chain(inner),
        )));
        if p > 0 {
            return Ok(p);
        }
        self.read(buf)
    }
}

/// Decodes a cell a reading relies on (an ID, a name, a kind): as UTF-8 in a file read as
/// UTF-8, as GB18030 in one read as GB18030. Bytes of another encoding, or a NUL byte, are an
/// error saying so, never replacement characters: an ID decoded into something else matches
/// nothing, and its charges would be missed without a word.
pub fn decode_cell<'a>(
    bytes: &'a [u8],
    encoding: Encoding,
    scratch: &'a mut String,
) -> std::result::Result<&'a str, String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(s) if encoding == Encoding::Utf8 || bytes.is_ascii() => s,
        Err(e) if encoding == Encoding::Utf8 => {
            let at = e.valid_up_to();
            return Err(format!(
                "`{}` is not UTF-8 text, as the file is read (byte 0x{:02X} at {}): another \
                 encoding, or a damaged file; save it as CSV UTF-8",
                String::from_utf8_lossy(bytes),
                bytes[at],
                at + 1
            ));
        }
        _ => {
            let Some(text) =
                encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)
            else {
                return Err(format!(
                    "`{}` is not GB18030 text, as the file is read (its first 64 KiB are not \
                     UTF-8): save it as CSV UTF-8",
                    String::from_utf8_lossy(bytes)
                ));
            };
            scratch.clear();
            scratch.push_str(&text);
            scratch.as_str()
        }
    };
    // A zero byte is a NUL in UTF-8 and in GB18030 alike (no multi-byte sequence holds one), so
    // the bytes tell without searching the text for a character; a plain fold over short cells
    // costs less than setting up a search.
    if bytes.iter().fold(false, |nul, &b| nul | (b == 0)) {
        let i = text.find('\0').unwrap_or(text.len());
        return Err(format!(
            "a NUL byte at character {} of the cell: is this a CSV text export?",
            text[..i].chars().count() + 1
        ));
    }
    Ok(text)
}

/// Decodes a cell: UTF-8 where it is valid (always, for ASCII), else GB18030. A UTF-8 file with
/// one GBK cell is still read rather than rejected; `scratch` holds a decoded cell.
pub fn decode<'a>(bytes: &'a [u8], encoding: Encoding, scratch: &'a mut String) -> &'a str {
    if encoding == Encoding::Utf8 || bytes.is_ascii() {
        if let Ok(s) = std::str::from_utf8(bytes) {
            return s;
        }
    }
    let (text, _, _) = encoding_rs::GB18030.decode(bytes);
    scratch.clear();
    scratch.push_str(&text);
    scratch
}

mod shape;
use shape::*;

#[cfg(test)]
mod tests;
