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

mod cells;
pub use cells::EMPTY_MARKERS;
mod deductions;
pub mod dedupe;
pub mod formats;
pub mod identity;
mod mapped;
mod memo;
pub mod orders;
pub mod parallel;
pub mod parquet;
pub mod periods;
pub mod pieces;
pub mod reach;
pub mod records;
mod reference;
mod scan;
pub mod source;
pub mod text;

use crate::error::{Error, Location, Result};
use crate::model::{BillLine, DeletionIdx, Format};
use chrono::{DateTime, FixedOffset, Utc};
use dedupe::Drops;
use formats::header::Binding;
pub use reference::read_with_csv_crate;
use source::Opened;
pub use text::{scan_text, Scanned};

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

    /// Whether a matched line's order, fee and deduction cells are to be read into
    /// [`BillLine::extras`] (see [`orders`]): only for the lines an unsubscription needs.
    fn wants_extras(&self, _selected: &Selected) -> bool {
        false
    }
}

/// What one reading counted. Counts of two pieces of a file merge into the counts of the
/// whole; a piece numbers its lines from its own start, and `renumber` moves them to the
/// file's line numbers.
pub trait Counts: Default + Send + std::fmt::Debug {
    fn merge(&mut self, other: &Self);
    /// [`Counts::merge`], taking `other` (what it holds can move instead of being copied).
    fn merge_owned(&mut self, other: Self) {
        self.merge(&other);
    }
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
    /// The facts each input's lines are fingerprinted over, by input; `None`: the facts the
    /// input carries (see [`dedupe`]).
    pub compare_on: Option<&'a [identity::Facts]>,
    /// When the exports were taken (`--as-of`, else now): metered usage starting later cannot
    /// be real, is kept out of coverage and is reported ([`FileScan::future`]).
    pub horizon: Option<DateTime<Utc>>,
    /// Read the pieces of large plain files through a memory map (see `mapped`); `false`
    /// reads them with `read` into a buffer. The results are the same: tests read both ways.
    pub mapped: bool,
}

impl<'a> ScanOptions<'a> {
    pub fn new(tz: FixedOffset, skip_bad_rows: bool) -> Self {
        ScanOptions {
            tz,
            skip_bad_rows,
            fingerprints: false,
            drop: None,
            compare_on: None,
            horizon: None,
            mapped: true,
        }
    }
}

/// How far one provider's lines in one file reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSpan {
    pub provider: String,
    /// Metered usage: lines of usage (not purchases, renewals, tax, refunds, credits or
    /// adjustments) with a window of a day or less that starts no later than the horizon.
    pub metered: reach::Reach,
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
    /// The earliest and latest time of a fingerprinted line: inputs whose spans are apart
    /// share no line.
    pub fingerprinted_span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Matched lines left out because another input holds them too.
    pub duplicate_rows: u64,
    /// What the reader noticed and the user should know (a column name given twice), each
    /// naming the file and line.
    pub warnings: Vec<String>,
    /// Metered lines whose usage starts after [`ScanOptions::horizon`]: how many, and the line
    /// and usage start of the first few.
    pub future_rows: u64,
    pub future: Vec<(u64, DateTime<Utc>)>,
}

impl<T: Counts> FileScan<T> {
    pub fn empty() -> Self {
        FileScan {
            path: String::new(),
            reading: String::new(),
            format: formats::FORMATS[0].format,
            version: None,
            binding: Binding::empty(),
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
            fingerprinted_span: None,
            duplicate_rows: 0,
            warnings: Vec::new(),
            future_rows: 0,
            future: Vec::new(),
        }
    }

    /// Everything the scan learned, as text: two readings of the same input (in pieces or in
    /// one pass) must give the same digest. For tests and the fuzz checks.
    pub fn digest(&self) -> String {
        let mut fingerprints = self.fingerprints.clone();
        fingerprints.sort_unstable();
        format!(
            "rows {} skipped {} {:?} warnings {:?} totals {} currencies {:?} usage {:?}..{:?} providers {:?} future {} {:?}\n{:#?}\n{:?}",
            self.rows,
            self.skipped_rows,
            self.skipped_examples,
            self.warnings,
            self.totals_rows,
            self.currencies,
            self.first_usage,
            self.last_usage,
            self.providers,
            self.future_rows,
            self.future,
            self.tallies,
            fingerprints
        )
    }

    /// Adds `base` to every line number: a piece of a file counts lines from its own start.
    pub(crate) fn renumber(&mut self, base: u64) {
        self.tallies.renumber(base);
        for (line, _) in &mut self.future {
            *line += base;
        }
    }

    /// Adds what a later piece of the same file found.
    pub(crate) fn absorb(&mut self, other: FileScan<T>) {
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
                    q.metered.merge(&p.metered);
                    q.latest_long_end = q.latest_long_end.max(p.latest_long_end);
                    q.latest_charge = q.latest_charge.max(p.latest_charge);
                }
                None => self.providers.push(p),
            }
        }
        self.tallies.merge_owned(other.tallies);
        self.fingerprints.extend(other.fingerprints);
        self.fingerprinted_span = match (self.fingerprinted_span, other.fingerprinted_span) {
            (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
            (a, b) => a.or(b),
        };
        self.duplicate_rows += other.duplicate_rows;
        self.future_rows += other.future_rows;
        for f in other.future {
            if self.future.len() < FUTURE_EXAMPLES {
                self.future.push(f);
            }
        }
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
            Scanned::Split(_) => unreachable!("no piece size was given"),
        },
        Opened::Parquet(file) => parquet::scan(path, &file, input, opts, hooks),
    }
}

/// The inputs the exports hold, in command-line order; a zip archive's members in archive order.
pub fn inputs(exports: &[String]) -> Result<Vec<source::Entry>> {
    let mut out = Vec::new();
    let mut streams = Vec::new();
    for path in exports {
        // Opened twice, one pipe would be read by two readers, each getting part of it.
        if let Some(id) = source::stream_id(path) {
            if streams.contains(&id) {
                return Err(Error::input(
                    Location::file(path),
                    "the same pipe or FIFO is given twice: it can be read only once",
                ));
            }
            streams.push(id);
        }
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

/// How many lines dated after the horizon a scan names.
pub const FUTURE_EXAMPLES: usize = 5;

/// A row that failed: its line (relative to where its piece started), column and reason.
pub(crate) type RowError = (u64, Option<usize>, String);

pub(crate) fn format_row_error(path: &str, (line, col, msg): &RowError) -> String {
    format!("{}: {msg}", Location::at(path, *line, *col))
}

pub(crate) fn row_error(path: &str, (line, col, msg): RowError) -> Error {
    Error::input(Location::at(path, line, col), msg)
}
