//! One record's cells as the per-row logic reads them: the [`Record`] view shared by CSV records
//! and Parquet rows, and the small cell readings every row goes through (empty markers, totals
//! rows, plain amounts, repeated timestamps and bill types). Byte-level and hot: no allocation on the common
//! path.

use super::formats;
use super::records::Cells;
use super::source::{decode, Encoding};
use crate::model::LineKind;
use chrono::{DateTime, Utc};

/// One record of an export as the per-row logic reads it: text cells by column position. CSV
/// records are read as they are; a Parquet row is rendered to the same canonical text first, so
/// both go through the same [`Scan::row`].
pub(super) trait Record {
    fn width(&self) -> usize;
    fn cell(&self, i: usize) -> Option<&[u8]>;
    /// Whether every cell is empty or blank.
    fn is_blank(&self) -> bool;
    /// Cell `i`'s bytes into `out`: a Parquet column no field binds is rendered only when a
    /// matched line's fingerprint asks for it.
    fn cell_into(&self, i: usize, out: &mut Vec<u8>) {
        out.clear();
        out.extend_from_slice(self.cell(i).unwrap_or(b""));
    }
}

/// Whether every cell is empty or blank.
pub(super) fn blank<'a>(mut cells: impl Iterator<Item = &'a [u8]>) -> bool {
    cells.all(|c| c.iter().all(u8::is_ascii_whitespace))
}

impl Record for Cells<'_> {
    #[inline]
    fn width(&self) -> usize {
        self.len()
    }

    #[inline]
    fn cell(&self, i: usize) -> Option<&[u8]> {
        self.get(i)
    }

    fn is_blank(&self) -> bool {
        Cells::is_blank(self)
    }
}

/// A cell's value as last read, with the bytes it was read from: consecutive rows repeat most
/// cells (an hourly export's timestamps; a resource's name, unit, billing item and mode on its
/// matched rows), and comparing bytes is cheaper than decoding and parsing them again.
#[derive(Default)]
pub(super) struct Recent<T> {
    raw: Vec<u8>,
    value: T,
    valid: bool,
}

impl<T> Recent<T> {
    /// The value of `raw`; `read` writes it in place (reusing a buffer) when the bytes differ
    /// from the last. An error is returned and not remembered: the next row with these bytes
    /// fails as well.
    #[inline]
    pub(super) fn get<E>(
        &mut self,
        raw: &[u8],
        read: impl FnOnce(&[u8], &mut T) -> Result<(), E>,
    ) -> Result<&T, E> {
        if !(self.valid && bytes_eq(&self.raw, raw)) {
            self.valid = false;
            read(raw, &mut self.value)?;
            self.raw.clear();
            self.raw.extend_from_slice(raw);
            self.valid = true;
        }
        Ok(&self.value)
    }

    /// The value last read, when it was read from exactly these bytes.
    #[inline]
    pub(super) fn holds(&self, raw: &[u8]) -> Option<&T> {
        (self.valid && bytes_eq(&self.raw, raw)).then_some(&self.value)
    }

    /// The value last returned.
    pub(super) fn last(&self) -> &T {
        &self.value
    }
}

/// A time cell's value as last read (an empty cell or marker reads as no time).
pub(super) type TimeCache = Recent<Option<DateTime<Utc>>>;

/// A matched row's text cell as last decoded, its empty markers emptied ([`value`]).
pub(super) type TextCache = Recent<String>;

impl TimeCache {
    /// The time in `raw`: `fast` reads the fixed forms from the bytes (`None`: not one of
    /// them), `parse` any other text.
    #[inline]
    pub(super) fn time(
        &mut self,
        raw: &[u8],
        fast: impl FnOnce(&[u8]) -> Option<DateTime<Utc>>,
        parse: impl FnOnce(&str) -> Result<DateTime<Utc>, String>,
    ) -> Result<Option<DateTime<Utc>>, String> {
        self.get(raw, |raw, out| {
            *out = match fast(raw) {
                Some(t) => Some(t),
                None => {
                    let text = value(std::str::from_utf8(raw).unwrap_or("?"));
                    if text.is_empty() {
                        None
                    } else {
                        Some(parse(text)?)
                    }
                }
            };
            Ok(())
        })
        .copied()
    }
}

/// The kinds of the last few (kind cell, charge-class cell) pairs read, by their raw bytes. An
/// export uses a handful of bill types and a resource's rows move among them (hourly usage, a
/// renewal, a refund): one remembered pair would miss at every change, and reading the cells
/// again costs the format's text matching (`formats::huawei::kind` searched the cell for a dozen
/// words: a fifth of a resource-ordered scan's instructions).
#[derive(Default)]
pub(super) struct KindCache {
    entries: Vec<(Vec<u8>, Vec<u8>, LineKind)>,
    /// The entry that answered last, tried first; and the one a new pair replaces when full.
    last: usize,
    next: usize,
}

impl KindCache {
    const SIZE: usize = 8;

    /// The kind of a row with these cells; `read` decodes them and asks the format (an error is
    /// returned and never remembered).
    #[inline]
    pub(super) fn get<E>(
        &mut self,
        kind: &[u8],
        class: &[u8],
        read: impl FnOnce() -> Result<LineKind, E>,
    ) -> Result<LineKind, E> {
        let hit = |e: &(Vec<u8>, Vec<u8>, LineKind)| bytes_eq(&e.0, kind) && bytes_eq(&e.1, class);
        if let Some(e) = self.entries.get(self.last) {
            if hit(e) {
                return Ok(e.2);
            }
        }
        if let Some(i) = self.entries.iter().position(hit) {
            self.last = i;
            return Ok(self.entries[i].2);
        }
        let k = read()?;
        let i = if self.entries.len() < Self::SIZE {
            self.entries.push(Default::default());
            self.entries.len() - 1
        } else {
            let i = self.next;
            self.next = (i + 1) % Self::SIZE;
            i
        };
        let e = &mut self.entries[i];
        e.0.clear();
        e.0.extend_from_slice(kind);
        e.1.clear();
        e.1.extend_from_slice(class);
        e.2 = k;
        self.last = i;
        Ok(k)
    }
}

/// Byte slices compared without handing empty ones to `memcmp`: an empty `Vec` or literal points
/// at a dangling address, which glibc's EVEX `memcmp` (picked on this AMD Zen 4) reads with a
/// fully masked load, and suppressing that load's fault costs a microcode assist on every call:
/// a fifth of a Huawei scan's time (`perf`), invisible to instruction counts.
///
/// Nor are short ones: the cells compared (times, IDs, codes, currencies) are mostly under 64
/// bytes, and comparing them eight bytes at a time inline costs less than the call, which
/// `perf` put at 7 % of a Huawei scan's cycles.
#[inline]
pub(super) fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_le_bytes(w)
    };
    match n {
        0 => true,
        1..=7 => a.iter().zip(b).all(|(x, y)| x == y),
        8..=64 => {
            let mut at = 0;
            while at + 8 < n {
                if word(a, at) != word(b, at) {
                    return false;
                }
                at += 8;
            }
            // The last word, overlapping the one before when `n` is no multiple of eight.
            word(a, n - 8) == word(b, n - 8)
        }
        _ => a == b,
    }
}

/// The empty markers, trimmed, in lower case (compared without regard to ASCII case): the one
/// table `billrecon sql` writes its markers from; [`is_empty_marker`] is its fast form.
pub const EMPTY_MARKERS: [&str; 4] = ["-", "--", "\"\"", "null"];

/// Whether trimmed text is an empty marker: the consoles write `-` (Alibaba) and `--` (Huawei),
/// database dumps `NULL` (any case; the official FOCUS sample is one), and a cell holding just
/// two quotes is an empty string someone quoted twice.
#[inline]
pub(crate) fn is_empty_marker(t: &[u8]) -> bool {
    match t.len() {
        0 => true,
        1 => t == b"-",
        2 => t == b"--" || t == b"\"\"",
        4 => t.eq_ignore_ascii_case(b"null"),
        _ => false,
    }
}

/// A cell's text, trimmed, with every empty marker ([`is_empty_marker`]) read as empty.
#[inline]
pub(crate) fn value(s: &str) -> &str {
    // Printable ASCII at both ends (most cells): nothing to trim, and no need to walk the
    // characters from each end to know it.
    let t = match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    };
    if is_empty_marker(t.as_bytes()) {
        ""
    } else {
        t
    }
}

/// A resource ID as the matcher sees it: trimmed, unquoted, and empty when it is an empty marker
/// (also a quoted one, `'NULL'`): such a line mentions no resource.
#[inline]
pub(super) fn id_text(s: &str) -> &str {
    value(crate::ids::normalize::clean_id(value(s)))
}

/// Whether a raw cell reads as empty (blank or an empty marker), without decoding a cell that
/// plainly is not.
#[inline]
pub(super) fn is_empty_cell(c: &[u8]) -> bool {
    let t = c.trim_ascii();
    match (t.first(), t.last()) {
        (None, _) => true,
        // Printable ASCII at both ends: no trimming can shorten it further.
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => is_empty_marker(t),
        _ => value(std::str::from_utf8(c).unwrap_or("?")).is_empty(),
    }
}

/// A number cell (a quantity or deduction): parsed when `need`, else only checked, the plain
/// ones without parsing. Empty markers are no number.
pub(super) fn quantity(
    cell: Option<&[u8]>,
    need: bool,
) -> Result<Option<rust_decimal::Decimal>, String> {
    let Some(raw) = cell else { return Ok(None) };
    if !need && (plain_decimal(raw.trim_ascii()) || is_empty_cell(raw)) {
        return Ok(None);
    }
    if let Some(d) = crate::money::short_plain(raw) {
        return Ok(Some(d));
    }
    let text = value(std::str::from_utf8(raw).unwrap_or("?"));
    if text.is_empty() {
        return Ok(None);
    }
    crate::money::parse_decimal(text).map(Some)
}

/// A totals row's first cell reads `合计`, `总计` or `Total` (in any encoding the file uses).
/// Whether a record's first cell opens a totals row; `enc` decodes it (a GBK `合计` too).
///
/// The word must stand alone (`Total`, `Total amount`, `合计：`): a cell such as
/// `total-backup-01` or `Totalizer` is an ID or a name, and its row a line to read, never to drop.
pub(super) fn is_totals(first: &[u8], enc: Encoding) -> bool {
    let mut scratch = String::new();
    let t = decode(first, enc, &mut scratch).trim();
    let rest = if t.starts_with("合计") || t.starts_with("总计") {
        &t["合计".len()..]
    } else if formats::starts_with_ic(t, "total") {
        &t["total".len()..]
    } else {
        return false;
    };
    !rest
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ';'))
}

/// A quick check that an amount is a plain decimal that fits (optional `-`, digits, one `.`,
/// at most 28 digits, of which at most 18 before the point, as `parse_decimal` accepts);
/// anything else goes through the full parser for its verdict and message.
#[inline]
pub(super) fn plain_decimal(b: &[u8]) -> bool {
    let body = b.strip_prefix(b"-").unwrap_or(b);
    // Split at the first point: a second one is no digit, so the check of the fraction fails.
    let (int, frac) = match body.iter().position(|&c| c == b'.') {
        Some(p) => (&body[..p], &body[p + 1..]),
        None => (body, &[][..]),
    };
    let digits = int.len() + frac.len();
    digits > 0
        && digits <= 28
        && int.len() <= crate::money::MAX_DIGITS_BEFORE_POINT
        && all_digits(int)
        && all_digits(frac)
}

/// Whether every byte is an ASCII digit, eight at a time: a byte XOR `0` is at most 9 exactly
/// when it is a digit, and adding 0x76 to a byte under 0x80 sets its high bit exactly when it
/// is 10 or more (no carry leaves the byte); a byte of 0x80 or more has it set already.
#[inline]
fn all_digits(b: &[u8]) -> bool {
    const ZEROS: u64 = u64::from_ne_bytes([b'0'; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    const TO_HIGH: u64 = u64::from_ne_bytes([0x76; 8]);
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let d = u64::from_le_bytes(w.try_into().unwrap_or([0; 8])) ^ ZEROS;
        if (d.wrapping_add(TO_HIGH) | d) & HIGH != 0 {
            return false;
        }
    }
    words.remainder().iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_time;
    use chrono::FixedOffset;

    #[test]
    fn kinds_are_read_once_per_pair_while_it_is_remembered_and_errors_never() {
        let mut cache = KindCache::default();
        let reads = std::cell::Cell::new(0);
        // The kind a pair reads as, counting reads: the pair's own bytes decide it.
        let mut get = |k: &str, c: &str| {
            cache.get(
                k.as_bytes(),
                c.as_bytes(),
                || -> Result<LineKind, String> {
                    reads.set(reads.get() + 1);
                    match (k, c) {
                        ("bad", _) => Err("bad cell".into()),
                        (_, "") if k.ends_with('u') => Ok(LineKind::Usage),
                        (_, "") => Ok(LineKind::Refund),
                        _ => Ok(LineKind::Other),
                    }
                },
            )
        };
        let kinds: Vec<String> = (0..KindCache::SIZE)
            .map(|i| format!("{i}{}", if i % 2 == 0 { "u" } else { "r" }))
            .collect();
        for _ in 0..3 {
            for k in &kinds {
                let want = if k.ends_with('u') {
                    LineKind::Usage
                } else {
                    LineKind::Refund
                };
                assert_eq!(get(k, ""), Ok(want), "{k}");
            }
        }
        assert_eq!(reads.get(), KindCache::SIZE, "eight pairs read once each");
        // The class cell is part of the pair, and an empty cell is a pair of its own.
        assert_eq!(get("0u", "x"), Ok(LineKind::Other));
        assert_eq!(get("", ""), Ok(LineKind::Refund));
        assert_eq!(reads.get(), KindCache::SIZE + 2);
        // A cell that fails fails every time.
        assert!(get("bad", "").is_err());
        assert!(get("bad", "").is_err());
        assert_eq!(reads.get(), KindCache::SIZE + 4);
        // Two new pairs replaced the two oldest: the third pair is still remembered.
        assert_eq!(get("2u", ""), Ok(LineKind::Usage));
        assert_eq!(reads.get(), KindCache::SIZE + 4);
        assert_eq!(get("0u", ""), Ok(LineKind::Usage));
        assert_eq!(reads.get(), KindCache::SIZE + 5);
    }

    #[test]
    fn a_text_cell_is_decoded_again_only_when_its_bytes_change_and_errors_never_stick() {
        let mut cache = TextCache::default();
        let calls = std::cell::Cell::new(0);
        let mut get = |raw: &[u8]| {
            cache
                .get(raw, |b, out| {
                    calls.set(calls.get() + 1);
                    let t = std::str::from_utf8(b).map_err(|_| "bad")?;
                    out.clear();
                    out.push_str(value(t));
                    Ok::<_, &str>(())
                })
                .cloned()
        };
        assert_eq!(get(b" GB "), Ok("GB".into()));
        assert_eq!(get(b" GB "), Ok("GB".into()));
        assert_eq!(calls.get(), 1);
        assert_eq!(get(b"NULL"), Ok("".into()));
        assert_eq!(get(b"caf\xe9"), Err("bad"));
        assert_eq!(get(b"caf\xe9"), Err("bad"), "a failed cell fails again");
        assert_eq!(get(b""), Ok("".into()));
        assert_eq!(calls.get(), 5);
    }

    #[test]
    fn digits_are_told_eight_at_a_time_as_one_at_a_time() {
        let mut cells: Vec<Vec<u8>> = vec![b"".to_vec(), b"0123456789".to_vec()];
        for len in [1, 7, 8, 9, 16, 17] {
            for at in 0..len {
                for b in [
                    b'0', b'9', b'/', b':', b'.', b' ', 0x80, 0xff, 0x00, 0xb0, 0xb9,
                ] {
                    let mut c = vec![b'5'; len];
                    c[at] = b;
                    cells.push(c);
                }
            }
        }
        for c in &cells {
            assert_eq!(all_digits(c), c.iter().all(u8::is_ascii_digit), "{c:?}");
        }
    }

    #[test]
    fn plain_decimals_are_recognised_without_parsing() {
        for ok in ["1", "-3.46000000", "0.014", ".5", "123456789012345678.9"] {
            assert!(plain_decimal(ok.as_bytes()), "{ok}");
        }
        for no in [
            "",
            "-",
            ".",
            "1.2.3",
            "1e5",
            "abc",
            "1,234",
            "12345678901234567890123456789",
            "1234567890123456789",
        ] {
            assert!(!plain_decimal(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn totals_rows_are_recognised() {
        let utf8 = Encoding::Utf8;
        assert!(is_totals("合计".as_bytes(), utf8));
        assert!(is_totals("总计：".as_bytes(), utf8));
        assert!(is_totals(b"Total", utf8));
        assert!(is_totals(b" TOTAL amount", utf8));
        assert!(!is_totals(b"2026-10", utf8));
        let (gbk, _, _) = encoding_rs::GB18030.encode("合计");
        assert!(is_totals(&gbk, Encoding::Gb18030));
        let u = Encoding::Utf8;
        assert!(is_totals("合计".as_bytes(), u));
        assert!(is_totals("总计：".as_bytes(), u));
        assert!(is_totals(b"Total", u));
        assert!(is_totals(b" TOTAL amount", u));
        assert!(!is_totals(b"2026-10", u));
        let (gbk, _, _) = encoding_rs::GB18030.encode("合计");
        assert!(is_totals(&gbk, Encoding::Gb18030));
        assert!(is_totals(&gbk, u), "a GBK cell in a file sniffed as UTF-8");
        // IDs and names that merely begin with the word.
        for id in [
            "total-backup-01",
            "Totalizer",
            "total_db",
            "TOTAL.x",
            "合计费用",
            "total;cn",
        ] {
            assert!(!is_totals(id.as_bytes(), u), "{id}");
        }
        assert!(is_totals("合计(¥)".as_bytes(), u));
        assert!(is_totals(b"Total:", u));
    }

    #[test]
    fn empty_markers_read_as_empty() {
        assert_eq!(value(" -- "), "");
        assert_eq!(value("-"), "");
        assert_eq!(value("-1"), "-1");
        assert_eq!(value(" x "), "x");
        // Trimmed as `str::trim` trims, whatever the cell's ends are.
        for cell in [
            "x",
            "x ",
            " x",
            "\tx\u{3000}",
            "\u{3000}云\u{a0}",
            "云",
            "a\u{2003}",
            "\u{85}b",
            "a b",
            "--",
            "-1",
            " - ",
            "",
        ] {
            let t = cell.trim();
            let want = if is_empty_marker(t.as_bytes()) { "" } else { t };
            assert_eq!(value(cell), want, "{cell:?}");
        }
        for marker in ["NULL", "null", "Null", " nULL ", "\"\"", ""] {
            assert_eq!(value(marker), "", "{marker:?}");
        }
        for text in ["NULLS", "nul", "\"\"\"", "---", "0"] {
            assert_eq!(value(text), text, "{text:?}");
        }
        // IDs: a quoted marker is a marker too; a line with such an ID mentions no resource.
        for id in ["'NULL'", "\"null\"", " -- ", "\"\""] {
            assert_eq!(id_text(id), "", "{id:?}");
        }
        assert_eq!(id_text("'i-1'"), "i-1");
        // The table `sql` reads and the fast test are the same markers.
        for t in [
            "-", "--", "\"\"", "null", "NULL", "Null", "", "---", "nul", "x", "0",
        ] {
            let in_table = t.is_empty() || EMPTY_MARKERS.iter().any(|m| t.eq_ignore_ascii_case(m));
            assert_eq!(is_empty_marker(t.as_bytes()), in_table, "{t:?}");
        }
    }

    #[test]
    fn raw_cells_are_empty_exactly_when_their_text_is() {
        for cell in [
            "",
            " ",
            "--",
            " - ",
            "-",
            "\u{3000}",
            "\u{3000}--\u{a0}",
            "\x0b",
            "x",
            "-1",
            "---",
            " ecs-1 ",
            "\u{3000}ecs",
            "资源",
            "\x0b-",
            "NULL",
            " null ",
            "\"\"",
            "\u{3000}NULL",
            "NULLx",
        ] {
            assert_eq!(
                is_empty_cell(cell.as_bytes()),
                value(cell).is_empty(),
                "{cell:?}"
            );
        }
        assert!(!is_empty_cell(b"\xff"), "undecodable bytes are not empty");
    }

    #[test]
    fn bytes_compare_as_slices_do() {
        let empty_vec: Vec<u8> = Vec::new();
        let cases: [(&[u8], &[u8]); 7] = [
            (b"", b""),
            (b"", &empty_vec),
            (b"", b"a"),
            (b"CNY", b"CNY"),
            (b"CNY", b"USD"),
            (b"CNY", b"CN"),
            ("资源".as_bytes(), "资源".as_bytes()),
        ];
        for (a, b) in cases {
            assert_eq!(bytes_eq(a, b), a == b, "{a:?} {b:?}");
            assert_eq!(bytes_eq(b, a), a == b, "{b:?} {a:?}");
        }
        // Every length around the word and limit boundaries, equal and differing at each byte.
        for n in [1, 7, 8, 9, 15, 16, 17, 19, 36, 63, 64, 65, 100] {
            let a: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(bytes_eq(&a, &a.clone()), "{n}");
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!bytes_eq(&a, &b), "{n} at {at}");
            }
        }
    }

    #[test]
    fn time_cells_are_read_once_per_distinct_text() {
        let mut cache = TimeCache::default();
        let calls = std::cell::Cell::new(0);
        let parse = |t: &str| {
            calls.set(calls.get() + 1);
            parse_time(
                t,
                FixedOffset::east_opt(8 * 3600).unwrap_or(FixedOffset::east_opt(0).unwrap()),
            )
        };
        let slow = |_: &[u8]| None;
        let a = cache.time(b"2026-10-01 08:00:00", slow, parse).unwrap();
        assert_eq!(cache.time(b"2026-10-01 08:00:00", slow, parse).unwrap(), a);
        assert_eq!(calls.get(), 1);
        assert_eq!(cache.time(b"--", slow, parse).unwrap(), None);
        assert_eq!(cache.time(b"--", slow, parse).unwrap(), None);
        assert_eq!(calls.get(), 1, "an empty marker is never parsed");
        assert!(cache.time(b"2026-02-30 00:00:00", slow, parse).is_err());
        assert!(
            cache.time(b"2026-02-30 00:00:00", slow, parse).is_err(),
            "a failure is not remembered as a value"
        );
        assert_ne!(cache.time(b"2026-10-01 09:00:00", slow, parse).unwrap(), a);
        // What the fast path reads is not parsed again, and is remembered like the rest.
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        let fast = |b: &[u8]| crate::time::fast_time(b, tz);
        let b = cache.time(b"2026-10-01 10:00:00", fast, parse).unwrap();
        assert_eq!(b, Some(parse_time("2026-10-01 10:00:00", tz).unwrap()));
        assert_eq!(calls.get(), 4);
        assert_eq!(cache.time(b"2026-10-01 10:00:00", slow, parse).unwrap(), b);
        assert_eq!(calls.get(), 4);
    }
}
