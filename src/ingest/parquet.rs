//! FOCUS Parquet exports (AWS Data Exports, Azure cost exports), read with polars.
//!
//! polars stays inside this module. A file is read one row group at a time, so memory follows
//! the row-group size the writer chose, never the file size; only columns of scalar types are
//! read (nested ones, such as a `Tags` map, are neither needed nor loaded).
//!
//! Each row is rendered to the same canonical text cells a CSV export of the same data holds,
//! then goes through the same per-row logic as CSV, so results are the same by construction:
//! - decimal columns: their exact digits at the column's scale (`3.46000000`), never a float;
//! - timestamps with a time zone: RFC 3339 UTC (`2024-03-09T22:00:00Z`); timestamps without
//!   one: `YYYY-MM-DD HH:MM:SS`, which the format then reads as it reads a CSV cell (FOCUS: UTC);
//! - dates: `YYYY-MM-DD`; integers and booleans: as written;
//! - floating-point columns (a writer that stored amounts as doubles): the shortest decimal text
//!   that reads back as the same double (`0.1`, not `0.1000000000000000055…`), which is the
//!   decimal the writer had unless it had more than 15 significant digits; NaN and infinities
//!   are rejected by the amount parser as they would be in a CSV.

use super::formats::detect::{detect, no_format};
use super::formats::header::Binding;
use super::formats::Field;
use super::scan::Scan;
use super::source::Encoding;
use super::{row_error, Count, FileScan, Hooks, ScanOptions};
use crate::error::{Error, Location, Result};
use chrono::{DateTime, NaiveDate, Utc};
use polars::prelude::{
    ArrowDataType, BooleanChunked, DataFrame, DataType, FileMetadataRef, Float32Chunked,
    Float64Chunked, Int128Chunked, Int32Chunked, Int64Chunked, ParallelStrategy, ParquetReader,
    PolarsError, SerReader, Series, StringChunked, TimeUnit, UInt64Chunked,
};
use std::fs::File;
use std::sync::Arc;

/// An open Parquet file: its schema and row groups.
pub struct ParquetFile {
    name: String,
    file: String,
    metadata: FileMetadataRef,
    header: Vec<String>,
    /// Arrow type of each top-level column.
    types: Vec<ArrowDataType>,
}

/// One row group, its readable columns typed.
pub struct Batch {
    height: usize,
    /// By header position; `None` for a column not read (nested or of an unreadable type).
    cols: Vec<Option<Typed>>,
}

/// A row as the per-row logic sees it: the bound cells rendered, the rest rendered on demand.
pub struct Row<'a> {
    pub cells: &'a csv::ByteRecord,
    pub batch: &'a Batch,
    pub row: usize,
}

enum Typed {
    Str(StringChunked),
    /// Physical value and scale.
    Decimal(Int128Chunked, usize),
    /// Physical value, unit, and whether the column has a time zone.
    Datetime(Int64Chunked, TimeUnit, bool),
    /// Days since 1970-01-01.
    Date(Int32Chunked),
    Int(Int64Chunked),
    UInt(UInt64Chunked),
    F32(Float32Chunked),
    F64(Float64Chunked),
    Bool(BooleanChunked),
}

fn polars_error(name: &str, e: PolarsError) -> Error {
    Error::input(
        Location::file(name),
        format!("cannot read the Parquet file: {e}"),
    )
}

/// Runs a polars call; a panic inside it (a corrupt file polars does not anticipate) becomes an
/// input error instead of ending the program.
fn guarded<T>(name: &str, f: impl FnOnce() -> Result<T, PolarsError>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(|e| polars_error(name, e)),
        Err(_) => Err(Error::input(
            Location::file(name),
            "cannot read the Parquet file: it is corrupt or of a layout billrecon does not read",
        )),
    }
}

/// Whether billrecon reads a column of this type (scalars only).
fn readable(t: &ArrowDataType) -> bool {
    use ArrowDataType as A;
    match t {
        A::Boolean
        | A::Int8
        | A::Int16
        | A::Int32
        | A::Int64
        | A::UInt8
        | A::UInt16
        | A::UInt32
        | A::UInt64
        | A::Float32
        | A::Float64
        | A::Timestamp(_, _)
        | A::Date32
        | A::Utf8
        | A::LargeUtf8
        | A::Utf8View
        | A::Decimal(_, _)
        | A::Decimal32(_, _)
        | A::Decimal64(_, _) => true,
        A::Dictionary(_, inner, _) => matches!(**inner, A::Utf8 | A::LargeUtf8 | A::Utf8View),
        _ => false,
    }
}

impl ParquetFile {
    /// Reads the footer of `file`; `name` is what messages call it.
    pub fn open(name: &str, file: &str) -> Result<ParquetFile> {
        let f = File::open(file).map_err(|e| Error::io(file, e))?;
        let mut reader = ParquetReader::new(f);
        let (metadata, schema) = guarded(name, || {
            Ok((reader.get_metadata()?.clone(), reader.schema()?))
        })?;
        let header = schema.iter_names().map(|n| n.to_string()).collect();
        let types = schema.iter_values().map(|f| f.dtype.clone()).collect();
        Ok(ParquetFile {
            name: name.to_string(),
            file: file.to_string(),
            metadata,
            header,
            types,
        })
    }

    pub fn row_groups(&self) -> usize {
        self.metadata.row_groups.len()
    }

    /// Top-level column names, in file order: the header row.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Fails when a column the binding needs is of a type billrecon does not read.
    pub fn check_bound(&self, bound: &[bool], b: &Binding) -> Result<()> {
        for (i, t) in self.types.iter().enumerate() {
            // An all-null column (Arrow type Null, as a writer types an empty `ChargeClass`)
            // is read as empty cells.
            if bound[i] && !readable(t) && *t != ArrowDataType::Null {
                let meaning = Field::ALL
                    .iter()
                    .find(|f| b.col(**f) == Some(i))
                    .map_or("a needed column", |f| f.meaning());
                return Err(Error::input(
                    Location::at(&self.name, 1, Some(i + 1)),
                    format!(
                        "column `{}` holds {t:?} values, which billrecon cannot read as the {meaning}: expected text, a decimal, an integer or a timestamp",
                        self.header[i]
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The row groups, read one at a time.
    pub fn batches(&self) -> impl Iterator<Item = Result<Batch>> + '_ {
        let projection: Vec<usize> = (0..self.types.len())
            .filter(|i| readable(&self.types[*i]))
            .collect();
        let mut offset = 0usize;
        let groups: Vec<(usize, usize)> = self
            .metadata
            .row_groups
            .iter()
            .map(|g| {
                let start = offset;
                offset = offset.saturating_add(g.num_rows());
                (start, g.num_rows())
            })
            .collect();
        groups
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(move |(start, n)| self.read_group(&projection, start, n))
    }

    fn read_group(&self, projection: &[usize], start: usize, n: usize) -> Result<Batch> {
        let f = File::open(&self.file).map_err(|e| Error::io(&self.file, e))?;
        let metadata = Arc::clone(&self.metadata);
        let df: DataFrame = guarded(&self.name, move || {
            let mut reader = ParquetReader::new(f)
                .with_projection(Some(projection.to_vec()))
                .with_slice(Some((start, n)))
                .read_parallel(ParallelStrategy::None);
            reader.set_metadata(metadata);
            reader.finish()
        })?;
        let mut cols: Vec<Option<Typed>> = (0..self.header.len()).map(|_| None).collect();
        for (k, &i) in projection.iter().enumerate() {
            let Some(c) = df.columns().get(k) else {
                continue;
            };
            let series = c.as_materialized_series();
            cols[i] = guarded(&self.name, || typed(series))?;
        }
        Ok(Batch {
            height: df.height(),
            cols,
        })
    }
}

fn typed(s: &Series) -> Result<Option<Typed>, PolarsError> {
    Ok(Some(match s.dtype() {
        DataType::String => Typed::Str(s.str()?.clone()),
        DataType::Decimal(_, scale) => Typed::Decimal(s.decimal()?.physical().clone(), *scale),
        DataType::Datetime(unit, tz) => {
            Typed::Datetime(s.datetime()?.physical().clone(), *unit, tz.is_some())
        }
        DataType::Date => Typed::Date(s.date()?.physical().clone()),
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => {
            Typed::Int(s.cast(&DataType::Int64)?.i64()?.clone())
        }
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => {
            Typed::UInt(s.cast(&DataType::UInt64)?.u64()?.clone())
        }
        DataType::Float32 => Typed::F32(s.f32()?.clone()),
        DataType::Float64 => Typed::F64(s.f64()?.clone()),
        DataType::Boolean => Typed::Bool(s.bool()?.clone()),
        DataType::Categorical(_, _) | DataType::Enum(_, _) => {
            Typed::Str(s.cast(&DataType::String)?.str()?.clone())
        }
        _ => return Ok(None),
    }))
}

impl Batch {
    pub fn height(&self) -> usize {
        self.height
    }

    /// Renders row `r` into `rec`: the bound columns as text, the others empty.
    pub fn fill(&self, r: usize, bound: &[bool], rec: &mut csv::ByteRecord) {
        rec.clear();
        let mut buf = Vec::new();
        for (i, col) in self.cols.iter().enumerate() {
            buf.clear();
            if bound[i] {
                if let Some(c) = col {
                    c.render(r, &mut buf);
                }
            }
            rec.push_field(&buf);
        }
    }
}

impl super::cells::Record for Row<'_> {
    fn width(&self) -> usize {
        self.cells.len()
    }

    fn cell(&self, i: usize) -> Option<&[u8]> {
        self.cells.get(i)
    }

    fn is_blank(&self) -> bool {
        false
    }

    fn cell_into(&self, i: usize, out: &mut Vec<u8>) {
        out.clear();
        if let Some(Some(c)) = self.batch.cols.get(i) {
            c.render(self.row, out);
        }
    }
}

impl Typed {
    /// Appends the canonical text of row `r` (nothing for a null).
    fn render(&self, r: usize, out: &mut Vec<u8>) {
        use std::io::Write;
        match self {
            Typed::Str(c) => {
                if let Some(v) = c.get(r) {
                    out.extend_from_slice(v.as_bytes());
                }
            }
            Typed::Decimal(c, scale) => {
                if let Some(v) = c.get(r) {
                    write_decimal(v, *scale, out);
                }
            }
            Typed::Datetime(c, unit, zoned) => {
                if let Some(v) = c.get(r) {
                    match timestamp(v, *unit) {
                        Some(t) if *zoned => {
                            out.extend_from_slice(crate::time::rfc3339(t).as_bytes())
                        }
                        Some(t) => {
                            let _ = write!(out, "{}", t.naive_utc().format("%Y-%m-%d %H:%M:%S%.f"));
                        }
                        // Out of chrono's range: text the time parser will reject, with the value.
                        None => {
                            let _ = write!(out, "timestamp {v} ({unit:?})");
                        }
                    }
                }
            }
            Typed::Date(c) => {
                if let Some(v) = c.get(r) {
                    write_date(v, out);
                }
            }
            Typed::Int(c) => {
                if let Some(v) = c.get(r) {
                    let _ = write!(out, "{v}");
                }
            }
            Typed::UInt(c) => {
                if let Some(v) = c.get(r) {
                    let _ = write!(out, "{v}");
                }
            }
            // Display writes the shortest text that reads back as the same float, never an
            // exponent.
            Typed::F32(c) => {
                if let Some(v) = c.get(r) {
                    let _ = write!(out, "{v}");
                }
            }
            Typed::F64(c) => {
                if let Some(v) = c.get(r) {
                    let _ = write!(out, "{v}");
                }
            }
            Typed::Bool(c) => {
                if let Some(v) = c.get(r) {
                    out.extend_from_slice(if v { b"true" } else { b"false" });
                }
            }
        }
    }
}

/// Writes a Date32 value (days since 1970-01-01) as `YYYY-MM-DD`; a value out of chrono's range
/// (a corrupt or hostile file) as text the time parser rejects, with the value.
fn write_date(v: i32, out: &mut Vec<u8>) {
    use std::io::Write;
    match 719_163i32
        .checked_add(v)
        .and_then(NaiveDate::from_num_days_from_ce_opt)
    {
        Some(d) => {
            let _ = write!(out, "{}", d.format("%Y-%m-%d"));
        }
        None => {
            let _ = write!(out, "date {v}");
        }
    }
}

fn timestamp(v: i64, unit: TimeUnit) -> Option<DateTime<Utc>> {
    match unit {
        TimeUnit::Nanoseconds => Some(DateTime::from_timestamp_nanos(v)),
        TimeUnit::Microseconds => DateTime::from_timestamp_micros(v),
        TimeUnit::Milliseconds => DateTime::from_timestamp_millis(v),
    }
}

/// Writes an unscaled decimal exactly: `346000000` at scale 8 is `3.46000000`.
fn write_decimal(v: i128, scale: usize, out: &mut Vec<u8>) {
    let digits = v.unsigned_abs().to_string();
    if v < 0 {
        out.push(b'-');
    }
    if scale == 0 {
        out.extend_from_slice(digits.as_bytes());
    } else if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        out.extend_from_slice(int.as_bytes());
        out.push(b'.');
        out.extend_from_slice(frac.as_bytes());
    } else {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', scale - digits.len()));
        out.extend_from_slice(digits.as_bytes());
    }
}

/// Reads a FOCUS Parquet file through the same per-row logic as CSV: each row is rendered to the
/// text a CSV of the same data would hold.
pub fn scan<C: Count>(
    path: &str,
    file: &str,
    input: usize,
    opts: &ScanOptions,
    hooks: Hooks<'_, C>,
) -> Result<FileScan<C::Counts>> {
    let pq = ParquetFile::open(path, file)?;
    let header = pq.header().to_vec();
    let Some(mut binding) = detect(&header) else {
        return Err(no_format(path, &[(header, 1)]));
    };
    // A nested column (a `Tags` map) is not read, so it is no fact this input carries.
    for (name, t) in binding.header.iter_mut().zip(&pq.types) {
        if !readable(t) {
            name.clear();
        }
    }
    let version = binding.spec.version.map(|v| v(&header));
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
            let row = Row {
                cells: &rec,
                batch: &batch,
                row: r,
            };
            match st.row(&row, hooks.select) {
                Ok(()) => st.count_matched(line),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(v: i128, scale: usize) -> String {
        let mut out = Vec::new();
        write_decimal(v, scale, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn decimals_render_exactly() {
        assert_eq!(dec(346_000_000, 8), "3.46000000");
        assert_eq!(dec(-210, 2), "-2.10");
        assert_eq!(dec(5, 3), "0.005");
        assert_eq!(dec(-5, 1), "-0.5");
        assert_eq!(dec(42, 0), "42");
        assert_eq!(dec(0, 2), "0.00");
        assert_eq!(
            dec(i128::MAX, 10),
            "17014118346046923173168730371.5884105727"
        );
    }

    #[test]
    fn timestamps_render_in_each_unit() {
        let t = |v, u| crate::time::rfc3339(timestamp(v, u).unwrap());
        assert_eq!(
            t(1_710_021_600_000, TimeUnit::Milliseconds),
            "2024-03-09T22:00:00Z"
        );
        assert_eq!(
            t(1_710_021_600_000_000, TimeUnit::Microseconds),
            "2024-03-09T22:00:00Z"
        );
        assert_eq!(
            t(1_710_021_600_000_000_000, TimeUnit::Nanoseconds),
            "2024-03-09T22:00:00Z"
        );
        assert!(timestamp(i64::MAX, TimeUnit::Milliseconds).is_none());
    }

    #[test]
    fn dates_render_and_out_of_range_dates_never_overflow() {
        let d = |v| {
            let mut out = Vec::new();
            write_date(v, &mut out);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(d(0), "1970-01-01");
        assert_eq!(d(19_791), "2024-03-09");
        // 719 163 + i32::MAX overflows an i32: a corrupt file's date is bad input, not a panic.
        assert_eq!(d(i32::MAX), format!("date {}", i32::MAX));
        assert_eq!(d(i32::MIN), format!("date {}", i32::MIN));
        let utc = chrono::FixedOffset::east_opt(0).unwrap();
        assert!(crate::time::parse_time(&d(i32::MAX), utc).is_err());
    }

    #[test]
    fn floats_render_as_the_shortest_decimal() {
        assert_eq!(format!("{}", 0.1f64), "0.1");
        assert_eq!(format!("{}", 1.73f64), "1.73");
        assert_eq!(format!("{}", 3.5e-7f64), "0.00000035");
        assert_eq!(format!("{}", -2.0f64), "-2");
    }
}
