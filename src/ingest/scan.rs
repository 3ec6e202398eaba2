//! The per-row logic every reading goes through (CSV records and Parquet rows alike): a record
//! becomes coverage figures, checks of its amount and times, and, when the [`Select`] keeps it,
//! one [`BillLine`] handed to the [`Count`].
//!
//! Hot: it runs for every row of every export. Rows are identified before anything else is
//! parsed, and most cells are compared as raw bytes with the previous row's.

use super::cells::{
    bytes_eq, id_text, is_empty_cell, is_totals, plain_decimal, quantity, value, KindCache, Record,
    TextCache, TimeCache,
};
use super::deductions;
use super::formats::header::Binding;
use super::formats::{self, Field};
use super::identity;
use super::periods;
use super::source::{decode, Encoding};
use super::{
    format_row_error, Count, FileScan, LineIds, ProviderSpan, RowError, ScanOptions, Select,
    Selected,
};
use crate::model::{canonical_provider, BillLine, LineExtras, LineKey, LineKind};
use crate::money::parse_decimal;
use crate::time::{
    end_from, parse_end, parse_end_fast, parse_time, parse_time_fast, split_range, Days,
};
use chrono::{DateTime, FixedOffset, Utc};
use rust_decimal::Decimal;
use std::sync::Arc;

mod fields;
use fields::{field_text, Cols, OrderCells, RowResult};

pub(super) const SKIPPED_EXAMPLES: usize = 5;

/// What a row tells coverage: usage start, usage end, time charged, whether it feeds coverage
/// at all and whether it is metered usage (see [`ProviderSpan::metered`]).
type Span = (
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    bool,
    bool,
);

/// Row-by-row state of one scan.
pub(super) struct Scan<'o, C: Count> {
    input: usize,
    opts: ScanOptions<'o>,
    count: &'o C,
    enc: Encoding,
    cols: Cols,
    width: usize,
    spec: &'static formats::FormatSpec,
    naive_tz: FixedOffset,
    header_currency: Option<&'static str>,
    /// Fingerprints matched lines over the facts they are compared on (see `identity`).
    identity: identity::Reader,
    s: Scratch,
    start_cache: TimeCache,
    end_cache: TimeCache,
    /// The last end cell's time and the end it means (see `end_from`).
    last_end: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// The last day a day-dated line started, and that day's end.
    last_day: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Read every time through the general parser only (the obvious reading the equivalence
    /// tests hold the fast one against).
    pub(super) slow_times: bool,
    day_cache: TimeCache,
    cycle_cache: TimeCache,
    /// The date of the day the last time read fell on: rows of a day share it.
    days: Days,
    /// The usage start of the row just read when it is metered usage after the horizon, until
    /// its line number is known.
    pub(super) future_start: Option<DateTime<Utc>>,
    memo: Memo,
    /// The times the previous row noted for coverage, and where its provider's span is: rows
    /// of an hourly export repeat them, and noting them again changes nothing.
    last_span: Option<Span>,
    span_at: usize,
    provider_raw: Vec<u8>,
    provider: String,
    currency_raw: Vec<u8>,
    /// The kinds the kind and charge-class cells of recent rows read as (every row: the kind
    /// decides what feeds coverage): rows repeat them.
    kinds: KindCache,
    /// Skipped rows kept raw (line, column, reason) when lines are renumbered later.
    pub(super) keep_skipped: bool,
    pub(super) skipped: Vec<RowError>,
    /// The row just read, when the selector matched it (`has_matched`), until its line number is
    /// known. Its buffers are reused from row to row: a matched row allocates nothing.
    matched: Matched,
    pub(super) has_matched: bool,
    out: FileScan<C::Counts>,
}

/// A selection with the decoded texts of the cells it was made from: remembered with it, so
/// that a matched row takes its ID, product code and name from here instead of decoding them
/// again (they are the memo's key: the texts cannot differ).
#[derive(Default)]
pub(super) struct Hit {
    sel: Selected,
    id: String,
    product_code: String,
    product_name: String,
}

/// The selections of one input's rows, by their identifying cells (see `memo`): a worker keeps
/// it from piece to piece of an input, so that a piece does not select again what the one
/// before selected (an Azure export's tens of thousands of resource-meter pairs come back every
/// day, further apart than a piece).
pub(super) type Memo = super::memo::SelectMemo<Hit>;

/// What a matched row tells the [`Count`] (the line number is added when it is counted).
#[derive(Default)]
struct Matched {
    hit: Arc<Hit>,
    resource_name: TextCache,
    currency: String,
    time: DateTime<Utc>,
    usage_end: Option<DateTime<Utc>>,
    kind: LineKind,
    amount: Decimal,
    usage: Option<Decimal>,
    /// What the deciding side asked to read of it beyond the above (see `orders`).
    extras: Option<LineExtras>,
    unit: TextCache,
    /// The billing item, else (`item_is_sku`) the SKU.
    billing_item: TextCache,
    sku: TextCache,
    item_is_sku: bool,
    billing_mode: TextCache,
    deductions: deductions::Read,
    /// The deduction cells `deductions` was read from, while it holds what they say.
    deductions_raw: Option<[Vec<u8>; deductions::FIELDS.len()]>,
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
    other: String,
}

impl<'o, C: Count> Scan<'o, C> {
    pub(super) fn new(
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
            cols: Cols::of(&b.cols),
            width: b.width,
            spec: b.spec,
            naive_tz: if b.spec.naive_is_utc { utc } else { opts.tz },
            header_currency: b.header_currency,
            // A run of one input fingerprints nothing: no reader to build.
            identity: match opts.compare_on.and_then(|on| on.get(input)) {
                _ if !opts.fingerprints && opts.drop.is_none() => identity::Reader::default(),
                Some(on) => identity::Reader::new(on, b),
                None => identity::Reader::new(&identity::Facts::carried(b), b),
            },
            s: Scratch::default(),
            start_cache: TimeCache::default(),
            end_cache: TimeCache::default(),
            last_end: None,
            last_day: None,
            slow_times: false,
            day_cache: TimeCache::default(),
            cycle_cache: TimeCache::default(),
            days: Days::default(),
            future_start: None,
            memo: Memo::default(),
            last_span: None,
            span_at: 0,
            provider_raw: Vec::new(),
            provider: b.spec.provider.unwrap_or("").to_string(),
            currency_raw: Vec::new(),
            kinds: KindCache::default(),
            keep_skipped: false,
            skipped: Vec::new(),
            matched: Matched::default(),
            has_matched: false,
            out: FileScan {
                path: path.to_string(),
                format: b.spec.format,
                binding: b.clone(),
                ..FileScan::empty()
            },
        }
    }

    /// A row failed: counted and kept as an example with `--skip-bad-rows`, else returned.
    pub(super) fn fail(
        &mut self,
        opts: &ScanOptions,
        e: RowError,
    ) -> std::result::Result<(), RowError> {
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

    /// Counts the rows of data found above the header as skipped rows (only with
    /// `--skip-bad-rows`: without it the first is an error before any row is read).
    pub(super) fn skip_above(&mut self, opts: &ScanOptions, above: Vec<RowError>) {
        for e in above {
            // Never an error here: the rows are skipped.
            let _ = self.fail(opts, e);
        }
    }

    pub(super) fn finish(self) -> FileScan<C::Counts> {
        self.out
    }

    /// The cells this scan may read of a record (one bit each, of the first 64, for
    /// [`super::records::RecordReader::read_only`]): the first (a totals row's word), the bound
    /// ones, and the unbound columns fingerprints compare.
    pub(super) fn cells_read(&self) -> u64 {
        let bound = Field::ALL.iter().filter_map(|&f| self.cols.get(f));
        std::iter::once(0)
            .chain(bound)
            .chain(self.identity.columns())
            .filter(|&i| i < 64)
            .fold(0, |read, i| read | 1 << i)
    }

    /// Starts from the selections an earlier scan of the same input made.
    pub(super) fn reuse_memo(&mut self, memo: Memo) {
        self.memo = memo;
    }

    /// The selections made so far, for the next scan of the same input.
    pub(super) fn take_memo(&mut self) -> Memo {
        std::mem::take(&mut self.memo)
    }

    /// Reads one record: counts it for coverage, checks it, and when it mentions a deleted
    /// resource leaves it in `self.matched` for [`Scan::count_matched`].
    // Inlined into each reading loop (text, pieces, Parquet), as it was when they shared a file.
    #[inline]
    pub(super) fn row<R: Record>(&mut self, rec: &R, select: &dyn Select) -> RowResult {
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
        let no_id = self
            .cols
            .get(Field::ResourceId)
            .and_then(|i| rec.cell(i))
            .is_none_or(is_empty_cell);
        if no_id && is_totals(first, self.enc) {
            self.out.totals_rows += 1;
            return Ok(());
        }
        let enc = self.enc;
        let cols = self.cols;
        let cell = |f: Field| cols.get(f).and_then(|i| rec.cell(i));

        // Provider: fixed by the format, or per line (FOCUS ProviderName).
        if let Some(raw) = cell(Field::Provider) {
            if !bytes_eq(raw, &self.provider_raw) {
                // Decoded before it is remembered: a cell that fails fails on every row.
                let name = value(field_text(
                    Some(raw),
                    Field::Provider,
                    &cols,
                    enc,
                    &mut self.s.other,
                )?);
                self.last_span = None;
                self.provider_raw.clear();
                self.provider_raw.extend_from_slice(raw);
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
        let per_row_provider = cols.get(Field::Provider).is_some();
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
        // A cell that cannot be decoded is an error, and never remembered as "not selected".
        let selected = self.memo.get(parts, || {
            let text = |f: Field, scratch| field_text(cell(f), f, &cols, enc, scratch);
            let ids = LineIds {
                provider,
                format,
                product_code: value(text(Field::ProductCode, &mut s.code)?),
                product_name: value(text(Field::ProductName, &mut s.name)?),
                id: id_text(text(Field::ResourceId, &mut s.id)?),
                child_id: id_text(text(Field::ChildResourceId, &mut s.child)?),
            };
            Ok(select.select(&ids).map(|sel| Hit {
                sel,
                id: ids.id.to_string(),
                product_code: ids.product_code.to_string(),
                product_name: ids.product_name.to_string(),
            }))
        })?;

        // Times: every row feeds coverage.
        let tz = self.naive_tz;
        let fast = !self.slow_times;
        let col_of = |f: Field| cols.column(f);
        let mut usage_start = None;
        let mut usage_end = None;
        let mut charged_at = None;
        if let Some(c) = cell(Field::UsageStart) {
            usage_start = match self.spec.reading.day {
                Some(day) => self
                    .start_cache
                    .time(c, |_| None, |t| day_start(day, t, tz)),
                // Hourly rows of a resource start where the previous row ended: its end cell,
                // read as a time, is this start (when every row carries new times, this halves
                // the times parsed).
                None => {
                    let (ended, days) = (&self.end_cache, &mut self.days);
                    self.start_cache.time(
                        c,
                        |b| {
                            ended
                                .holds(b)
                                .copied()
                                .flatten()
                                .or_else(|| fast.then(|| days.fast_time(b, tz)).flatten())
                        },
                        |t| parse_time(t, tz),
                    )
                }
            }
            .map_err(|m| (col_of(Field::UsageStart), format!("usage start: {m}")))?;
        }
        if let Some(c) = cell(Field::UsageEnd) {
            let end_error = |m| (col_of(Field::UsageEnd), format!("usage end: {m}"));
            // Read as a time, then as the end it means (`end_from`), so that the next row's
            // start can take the time.
            let days = &mut self.days;
            let t = self
                .end_cache
                .time(
                    c,
                    |b| fast.then(|| days.fast_time(b, tz)).flatten(),
                    |t| parse_time(t, tz),
                )
                .map_err(end_error)?;
            usage_end = match t {
                None => None,
                Some(t) if self.last_end.is_some_and(|(was, _)| was == t) => {
                    self.last_end.map(|(_, end)| end)
                }
                Some(t) => match end_from(t, tz) {
                    Some(end) => {
                        self.last_end = Some((t, end));
                        Some(end)
                    }
                    // Past year 9999: the general reading says why.
                    None => Some(
                        parse_end(value(std::str::from_utf8(c).unwrap_or("?")), tz)
                            .map_err(end_error)?,
                    ),
                },
            };
        }
        // A format that dates its lines by day bills each line for that whole day.
        if self.spec.reading.day.is_some() && usage_end.is_none() {
            usage_end = usage_start.map(|s| match self.last_day {
                // A day's lines follow one another: its end is added once (chrono's checked
                // addition was 1.4 % of an Azure export's cycles).
                Some((day, end)) if day == s => end,
                _ => {
                    let end = s + chrono::Duration::days(1);
                    self.last_day = Some((s, end));
                    end
                }
            });
        }
        // A billing-item line without a usage window is for its day (`日期`), in `tz`.
        if usage_start.is_none() && usage_end.is_none() {
            if let Some(c) = cell(Field::Day) {
                if let Some(day) = self
                    .day_cache
                    .time(c, |_| None, |t| periods::day_start(t, tz))
                    .map_err(|m| (col_of(Field::Day), format!("day: {m}")))?
                {
                    usage_start = Some(day);
                    usage_end = Some(periods::day_end(day));
                }
            }
        }
        // With a full usage window, the expenditure and transaction times add nothing: the window
        // dates the line and feeds coverage.
        if usage_start.is_none() || usage_end.is_none() {
            type Parse = fn(&str, FixedOffset) -> std::result::Result<DateTime<Utc>, String>;
            let (parse_time, parse_end): (Parse, Parse) = if fast {
                (parse_time_fast, parse_end_fast)
            } else {
                (parse_time, parse_end)
            };
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
        // Dated by nothing but its billing cycle (`账期`): the line is for that whole month.
        if usage_start.is_none() && charged_at.is_none() {
            if let Some(c) = cell(Field::Cycle) {
                if let Some(month) = self
                    .cycle_cache
                    .time(c, |_| None, |t| periods::month_start(t, tz))
                    .map_err(|m| (col_of(Field::Cycle), format!("billing cycle: {m}")))?
                {
                    usage_start = Some(month);
                    usage_end = Some(periods::month_end(month, tz));
                }
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
            // The common cell is read from its bytes; any other goes through the text parser.
            Some(match crate::money::short_plain(amount_raw) {
                Some(d) => d,
                None => {
                    let amount_text = value(std::str::from_utf8(amount_raw).unwrap_or("?"));
                    parse_decimal(amount_text)
                        .map_err(|m| (col_of(Field::Amount), format!("amount: {m}")))?
                }
            })
        } else {
            None
        };

        // Every row is held to the same cells, matched or not: a file `inspect` reads cleanly is
        // one `check` reads cleanly. Cells only a matched row needs are parsed for it alone;
        // the others are only checked to be numbers (plain ones without parsing).
        let Some(time) = usage_start.or(charged_at) else {
            return Err((
                None,
                "the line has no usage start and no time charged".into(),
            ));
        };
        // Kept straight where a matched row keeps it: an `Option<Decimal>` carried down to
        // the end of the row was copied as one vector before its parts' stores had landed (a
        // stalled load, ~2 % of a scan's cycles, on every row).
        let need = selected.is_some();
        let usage_error = |m| (col_of(Field::Usage), format!("usage quantity: {m}"));
        if need {
            self.matched.usage = quantity(cell(Field::Usage), true).map_err(usage_error)?;
        } else {
            quantity(cell(Field::Usage), false).map_err(usage_error)?;
        }
        // Deduction cells: plain numbers and empty cells of rows nobody asked about are only
        // looked at; anything else is read in full, which checks it.
        let plain =
            |f: Field| cell(f).is_none_or(|c| plain_decimal(c.trim_ascii()) || is_empty_cell(c));
        let same_deductions = |raw: &Option<[Vec<u8>; deductions::FIELDS.len()]>| {
            raw.as_ref().is_some_and(|raw| {
                (0..deductions::FIELDS.len())
                    .all(|i| bytes_eq(&raw[i], cell(deductions::FIELDS[i]).unwrap_or(b"")))
            })
        };
        // Cells read (and so checked) on an earlier row need no look: FOCUS writes a word
        // (`PricingCategory`) in its plan column on every row.
        if !same_deductions(&self.matched.deductions_raw)
            && (need || !deductions::FIELDS.iter().all(|f| plain(*f)))
        {
            let d = &mut self.matched.deductions;
            // Forgotten first: a cell that fails leaves nothing half read to be reused.
            let mut raw = self.matched.deductions_raw.take().unwrap_or_default();
            d.clear();
            for (f, raw) in deductions::FIELDS.into_iter().zip(raw.iter_mut()) {
                let text = field_text(cell(f), f, &cols, enc, &mut self.s.other)?;
                d.cell(f, text)
                    .map_err(|m| (col_of(f), format!("{}: {m}", f.meaning())))?;
                raw.clear();
                raw.extend_from_slice(cell(f).unwrap_or(b""));
            }
            self.matched.deductions_raw = Some(raw);
        }
        let covered = self.matched.deductions.view("").covered();

        let kind = self.kind_of(rec)?;

        self.out.rows += 1;
        self.note_currency(rec);
        // Metered usage says how far the bill is settled: usage lines with a window of a day
        // or less. A subscription's window runs to the end of the period it prepays, a
        // month-settled line arrives late anyway, and purchases, renewals, tax, refunds and
        // adjustments say nothing of how far usage has been billed. A format whose kind column
        // tells usage apart (`coverage_from_usage_only`) counts only its usage lines at all.
        let feeds = !self.spec.reading.coverage_from_usage_only || kind == LineKind::Usage;
        let mut metered = feeds
            && matches!(kind, LineKind::Usage | LineKind::Other)
            && matches!((usage_start, usage_end), (Some(s), Some(e)) if crate::time::within_a_day(s, e));
        // Usage that starts after the exports were taken cannot be real (a typo year): it would
        // make the bill look complete for years. Left out, and named.
        if let (true, Some(h), Some(s)) = (metered, self.opts.horizon, usage_start) {
            if s > h {
                metered = false;
                self.out.future_rows += 1;
                self.future_start = Some(s);
            }
        }
        self.note_span(usage_start, usage_end, charged_at, feeds, metered);

        let Some(hit) = selected else { return Ok(()) };
        let mut currency = std::mem::take(&mut self.matched.currency);
        self.currency_into(rec, &mut currency);
        self.matched.currency = currency;
        let s = &mut self.s;
        let k = &mut self.matched;
        let (id, product_code, product_name) = (&hit.id, &hit.product_code, &hit.product_name);
        // The cells a matched row reads beyond its ID: strictly decoded, as the ID is.
        let scratch = &mut s.other;
        let mut strict = |f: Field, cache: &mut TextCache| -> RowResult {
            cache.get(cell(f).unwrap_or(b""), |raw, out| {
                let t = value(field_text(Some(raw), f, &cols, enc, scratch)?);
                out.clear();
                out.push_str(t);
                Ok(())
            })?;
            Ok(())
        };
        strict(Field::ResourceName, &mut k.resource_name)?;
        strict(Field::Unit, &mut k.unit)?;
        // Shown, never matched on: read as well as they can be.
        let mut lenient = |f: Field, cache: &mut TextCache| -> bool {
            let read = cache.get(cell(f).unwrap_or(b""), |raw, out| {
                let t = value(decode(raw, enc, scratch));
                out.clear();
                out.push_str(t);
                Ok::<_, std::convert::Infallible>(())
            });
            read.is_ok_and(|t| t.is_empty())
        };
        k.item_is_sku = lenient(Field::BillingItem, &mut k.billing_item);
        if k.item_is_sku {
            lenient(Field::Sku, &mut k.sku);
        }
        lenient(Field::BillingMode, &mut k.billing_mode);
        let resource_name = k.resource_name.last();
        let extras = if self.count.wants_extras(&hit.sel) {
            let mut cells = OrderCells {
                rec,
                cols: &self.cols,
                enc,
                scratch: std::mem::take(&mut s.other),
            };
            let x = super::orders::read(&mut cells, kind, product_code, covered)?;
            s.other = cells.scratch;
            Some(x)
        } else {
            None
        };
        let want_fingerprint = self.opts.fingerprints || self.opts.drop.is_some();
        let fingerprint = want_fingerprint.then(|| {
            let parsed = identity::Parsed {
                provider: &self.provider,
                id,
                resource_name,
                product_code,
                product_name,
                time,
                usage_end,
                kind,
                amount: amount.unwrap_or_default(),
                currency: &k.currency,
                usage: k.usage,
            };
            let mut cells = OrderCells {
                rec,
                cols: &self.cols,
                enc,
                scratch: std::mem::take(&mut s.other),
            };
            let raw = |i: usize, out: &mut Vec<u8>| rec.cell_into(i, out);
            let fp = self
                .identity
                .fingerprint(&parsed, &mut cells, &raw, enc, self.naive_tz);
            s.other = cells.scratch;
            fp
        });
        k.hit = hit;
        k.time = time;
        k.usage_end = usage_end;
        k.kind = kind;
        k.amount = amount.unwrap_or_default();
        k.extras = extras;
        k.fingerprint = fingerprint;
        self.has_matched = true;
        Ok(())
    }

    /// Hands the row [`Scan::row`] matched, at `line`, to the [`Count`] (unless it is a duplicate
    /// another input counts).
    #[inline]
    pub(super) fn count_matched(&mut self, line: u64) {
        if let Some(start) = self.future_start.take() {
            if self.out.future.len() < super::FUTURE_EXAMPLES {
                self.out.future.push((line, start));
            }
        }
        if !std::mem::take(&mut self.has_matched) {
            return;
        }
        let k = &self.matched;
        if let Some(fp) = k.fingerprint {
            if self.opts.drop.is_some_and(|d| d.drops(fp, self.input)) {
                self.out.duplicate_rows += 1;
                return;
            }
            if self.opts.fingerprints {
                self.out.fingerprints.push(fp);
                let t = k.time;
                let span = self.out.fingerprinted_span.get_or_insert((t, t));
                *span = (span.0.min(t), span.1.max(t));
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
            unit: k.unit.last(),
            deductions: k.deductions.view(k.unit.last()),
            currency: &k.currency,
            provider: &self.provider,
            bill_id: &k.hit.id,
            rule: &k.hit.sel.rule,
            resource_name: k.resource_name.last(),
            product: &k.hit.product_name,
            product_code: &k.hit.product_code,
            extras: k.extras,
            billing_item: if k.item_is_sku {
                k.sku.last()
            } else {
                k.billing_item.last()
            },
            billing_mode: k.billing_mode.last(),
        };
        self.count.count(&mut self.out.tallies, &k.hit.sel, &l);
    }

    fn currency_of<R: Record>(&self, rec: &R) -> String {
        let mut c = String::new();
        self.currency_into(rec, &mut c);
        c
    }

    /// The row's currency code (upper case), else the header's or the format's, into `out`.
    fn currency_into<R: Record>(&self, rec: &R, out: &mut String) {
        let cell = self
            .cols
            .get(Field::Currency)
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
        let cell = self
            .cols
            .get(Field::Currency)
            .and_then(|i| rec.cell(i))
            .unwrap_or(b"");
        if !self.out.currencies.is_empty() && bytes_eq(cell, &self.currency_raw) {
            return;
        }
        self.currency_raw.clear();
        self.currency_raw.extend_from_slice(cell);
        let c = self.currency_of(rec);
        if !self.out.currencies.contains(&c) {
            self.out.currencies.push(c);
        }
    }

    /// The kind of line a row's kind and charge-class cells say.
    fn kind_of<R: Record>(&mut self, rec: &R) -> RowResult<LineKind> {
        let cell = |f: Field| self.cols.get(f).and_then(|i| rec.cell(i)).unwrap_or(b"");
        let (kind, class) = (cell(Field::Kind), cell(Field::ChargeClass));
        let (cols, enc, read) = (&self.cols, self.enc, self.spec.kind);
        let scratch = &mut self.s.other;
        self.kinds.get(kind, class, || {
            let kind_text = value(field_text(Some(kind), Field::Kind, cols, enc, scratch)?);
            let class_text = value(std::str::from_utf8(class).unwrap_or(""));
            Ok(read(kind_text, class_text))
        })
    }

    fn note_span(
        &mut self,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
        charged: Option<DateTime<Utc>>,
        feeds: bool,
        metered: bool,
    ) {
        if self.last_span == Some((start, end, charged, feeds, metered)) {
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
                        metered: Default::default(),
                        latest_long_end: None,
                        latest_charge: None,
                    });
                    self.out.providers.len() - 1
                }
            };
        }
        self.last_span = Some((start, end, charged, feeds, metered));
        if !feeds {
            return;
        }
        let span = &mut self.out.providers[self.span_at];
        if let (Some(s), Some(e)) = (start, end) {
            if metered {
                span.metered.note(s, e);
            } else if self.future_start.is_none_or(|f| f != s) {
                span.latest_long_end = Some(span.latest_long_end.map_or(e, |l| l.max(e)));
            }
        }
        if let Some(c) = charged {
            span.latest_charge = Some(span.latest_charge.map_or(c, |l| l.max(c)));
        }
    }
}

/// The start of the day a day-dated format writes (`day` reads the cell), in `tz`.
fn day_start(
    day: formats::ReadDay,
    text: &str,
    tz: FixedOffset,
) -> std::result::Result<DateTime<Utc>, String> {
    let start = periods::at_midnight(day(text)?, tz, text)?;
    // The day's end is a time too: a line of 9999-12-31 would end in year 10000.
    crate::time::within_years(start + chrono::Duration::days(1), text.trim())?;
    crate::time::within_years(start, text.trim())
}

#[cfg(test)]
mod tests;
