//! Opening an export: the bytes on disk to a buffered stream of CSV text, whatever encoding the
//! console or Excel saved it in.

use crate::error::{Error, Location, Result};
use std::fs::File;
use std::io::Read;

/// How the text cells of a stream are decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// GB18030, a superset of GBK: what Excel on Chinese Windows saves.
    Gb18030,
}

/// An export opened for reading.
pub struct Source {
    pub reader: Box<dyn Read + Send>,
    pub encoding: Encoding,
}

/// Bytes read ahead to decide the encoding.
const SNIFF: usize = 64 * 1024;
/// The CSV parser's read buffer: large enough that it rarely waits on the kernel, small enough
/// that memory stays flat whatever the export's size.
pub const BUFFER: usize = 256 * 1024;

/// Opens `path`; `wrap` may count the bytes read (for a progress bar).
pub fn open(path: &str, wrap: impl FnOnce(File) -> Box<dyn Read + Send>) -> Result<Source> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    from_reader(path, wrap(file))
}

/// Reads the start of a stream to strip a BOM and decide the encoding.
pub fn from_reader(path: &str, mut inner: Box<dyn Read + Send>) -> Result<Source> {
    let mut head = Vec::with_capacity(SNIFF);
    // Streams may return short reads (gzip, pipes): read until the window is full or the end.
    (&mut inner)
        .take(SNIFF as u64)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    if head.is_empty() {
        return Err(Error::input(
            Location::file(path),
            "the file is empty: expected a header row",
        ));
    }
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::input(
            Location::file(path),
            "the file is UTF-16 text, which billrecon does not read: save it as \"CSV UTF-8\" and try again",
        ));
    }
    if let Some(pos) = head.iter().position(|b| *b == 0) {
        return Err(Error::input(
            Location::file(path),
            format!(
                "the file is not a CSV text export (binary data at byte {})",
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
    let stream = std::io::Cursor::new(head).chain(inner);
    Ok(Source {
        reader: Box::new(stream),
        encoding,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_decode_as_utf8_or_gb18030() {
        let mut s = String::new();
        assert_eq!(
            decode("资源ID".as_bytes(), Encoding::Utf8, &mut s),
            "资源ID"
        );
        let (gbk, _, _) = encoding_rs::GB18030.encode("资源ID");
        assert_eq!(decode(&gbk, Encoding::Gb18030, &mut s), "资源ID");
        // A GBK cell inside a file sniffed as UTF-8 is still read.
        assert_eq!(decode(&gbk, Encoding::Utf8, &mut s), "资源ID");
        assert_eq!(decode(b"abc", Encoding::Gb18030, &mut s), "abc");
    }
}
