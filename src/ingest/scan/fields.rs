//! How a scan finds a row's cells by field: the columns, compact, and the strict reading of a
//! cell the reading relies on.

use super::super::cells::{value, Record};
use super::super::formats::Field;
use super::super::source::{decode, decode_cell, Encoding};

/// The column of each field, compact: every row copies it into its reading (as an
/// `[Option<usize>; Field::COUNT]` that copy was a 464-byte `memcpy` per row).
#[derive(Clone, Copy)]
pub(super) struct Cols([u32; Field::COUNT]);

impl Cols {
    const NONE: u32 = u32::MAX;

    pub(super) fn of(cols: &[Option<usize>; Field::COUNT]) -> Self {
        // A header has far fewer than `u32::MAX` columns (over 4,096 is refused).
        Cols(cols.map(|c| c.and_then(|i| u32::try_from(i).ok()).unwrap_or(Self::NONE)))
    }

    /// The field's index in a record.
    #[inline]
    pub(super) fn get(&self, f: Field) -> Option<usize> {
        let i = self.0[f as usize];
        (i != Self::NONE).then_some(i as usize)
    }

    /// The field's column as an error cites it (1-based).
    #[inline]
    pub(super) fn column(&self, f: Field) -> Option<usize> {
        self.get(f).map(|i| i + 1)
    }
}

/// A record's cells as [`super::super::orders::read`] reads them: by field, decoded, empty markers
/// emptied.
pub(super) struct OrderCells<'r, R: Record> {
    pub(super) rec: &'r R,
    pub(super) cols: &'r Cols,
    pub(super) enc: Encoding,
    pub(super) scratch: String,
}

impl<R: Record> super::super::orders::Cells for OrderCells<'_, R> {
    fn text(&mut self, f: Field) -> Option<&str> {
        let c = self.rec.cell(self.cols.get(f)?)?;
        Some(value(decode(c, self.enc, &mut self.scratch)))
    }

    fn column(&self, f: Field) -> Option<usize> {
        self.cols.column(f)
    }
}

pub(super) type RowResult<T = ()> = std::result::Result<T, (Option<usize>, String)>;

/// The text of a cell the reading relies on, strictly decoded (see [`decode_cell`]); empty
/// when the row has no such cell. The error names the field and its column.
pub(super) fn field_text<'a>(
    cell: Option<&'a [u8]>,
    f: Field,
    cols: &Cols,
    enc: Encoding,
    scratch: &'a mut String,
) -> RowResult<&'a str> {
    let Some(c) = cell else { return Ok("") };
    decode_cell(c, enc, scratch).map_err(|m| (cols.column(f), format!("{}: {m}", f.meaning())))
}
