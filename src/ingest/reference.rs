//! The reference reading the record reader is held to: the `csv` crate's records, one after the
//! other, through the same per-row logic as every other reading. Slow and obvious on purpose;
//! the equivalence tests compare it with what `scan_text` and the pieces read.

use super::cells::{blank, Record};
use super::formats::detect::detect;
use super::scan::Scan;
use super::source::{self, decode};
use super::{row_error, Count, FileScan, Hooks, ScanOptions};
use crate::error::{Error, Location, Result};

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
}

/// Reads `bytes` (named `path`) with the `csv` crate's reader. Every line is cited as line 0:
/// the `csv` crate's positions are not physical lines, which is why billrecon reads records
/// itself.
pub fn read_with_csv_crate<C: Count>(
    path: &str,
    bytes: &[u8],
    opts: &ScanOptions,
    hooks: Hooks<'_, C>,
) -> Result<FileScan<C::Counts>> {
    let src = source::from_reader(path, Box::new(bytes))?;
    let enc = src.encoding;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(src.delimiter)
        .from_reader(src.reader);
    let mut rec = csv::ByteRecord::new();
    let mut scratch = String::new();
    let mut st: Option<Scan<C>> = None;
    let csv_error = |e: csv::Error| Error::input(Location::file(path), e.to_string());
    while rdr.read_byte_record(&mut rec).map_err(csv_error)? {
        match &mut st {
            None => {
                let cells: Vec<String> = rec
                    .iter()
                    .map(|c| decode(c, enc, &mut scratch).to_string())
                    .collect();
                if let Some(b) = detect(&cells) {
                    let mut scan = Scan::new(path, 0, &b, opts, enc, hooks.count);
                    // The obvious reading of times too: every cell through the general parser.
                    scan.slow_times = true;
                    st = Some(scan);
                }
            }
            Some(st) => match st.row(&rec, hooks.select) {
                Ok(()) => st.count_matched(0),
                Err((col, msg)) => st
                    .fail(opts, (0, col, msg))
                    .map_err(|e| row_error(path, e))?,
            },
        }
    }
    st.map(Scan::finish)
        .ok_or_else(|| Error::input(Location::file(path), "no header row found"))
}
