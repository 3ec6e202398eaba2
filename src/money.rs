//! Exact amounts: parsing bill cells into `Decimal`, sums that do not depend on the order of
//! their terms ([`Sum`]), and keeping amounts and sums apart by currency.
//!
//! Money never passes through floating point: a finance reviewer must be able to add up the
//! cited lines by hand and get the report's figure to the last digit.

use rust_decimal::Decimal;
use serde::ser::{Serialize, SerializeMap, Serializer};

/// Values are below 10^18 (18 digits before the decimal point). A report adds them up in a
/// 96-bit decimal, whose limit is about 7.9 × 10^28: larger values would overflow a sum of a few
/// lines (a panic, or a saturated, wrong number); below the cap it takes tens of billions of
/// lines. No bill carries such values. (A sum keeps 28 significant digits: past that, its last
/// decimals are rounded, as `rust_decimal` does.)
pub const MAX_DIGITS_BEFORE_POINT: usize = 18;

/// Parses a decimal cell: `-12.5`, `+3`, `35.2E-7` (FOCUS), or a thousands-grouped
/// `1,234.56` (Excel re-saves amounts that way). Values that do not fit a 96-bit decimal are
/// errors, never rounded to something else; so are values of more than
/// [`MAX_DIGITS_BEFORE_POINT`] digits before the point, whose sums could overflow.
pub fn parse_decimal(s: &str) -> Result<Decimal, String> {
    if let Some(d) = short_plain(s.as_bytes()) {
        return Ok(d);
    }
    let d = parse_unbounded(s)?;
    if d.abs() >= Decimal::from(10u64.pow(MAX_DIGITS_BEFORE_POINT as u32)) {
        return Err(format!(
            "`{}` is too large to add up: at most {MAX_DIGITS_BEFORE_POINT} digits before the decimal point",
            s.trim()
        ));
    }
    Ok(d)
}

/// Whether [`parse_decimal`] could read `s`: `false` only for text it refuses (a byte no number
/// is written with), so a caller that wants the value of a cell only when it is a number skips
/// the parse, and the message of its error, for text.
pub fn may_be_decimal(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty()
        && t.len() <= 64
        && t.bytes()
            .all(|c| c.is_ascii_digit() || b"+-.,eE".contains(&c))
}

fn parse_unbounded(s: &str) -> Result<Decimal, String> {
    let t = s.trim();
    let bad = || format!("`{t}` is not a number");
    if t.is_empty() || t.len() > 64 {
        return Err(bad());
    }
    let t = match t.strip_prefix('+') {
        // `+-5` is no number a bill writes: reading it as -5 would turn a charge into a refund.
        Some(rest) if rest.starts_with(['+', '-']) => return Err(bad()),
        Some(rest) => rest,
        None => t,
    };
    let grouped;
    let t = if t.contains(',') {
        grouped = ungroup(t).ok_or_else(bad)?;
        grouped.as_str()
    } else {
        t
    };
    let b = t.as_bytes();
    let body = b.strip_prefix(b"-").unwrap_or(b);
    if body.is_empty() || !body[0].is_ascii_digit() && body[0] != b'.' {
        return Err(bad());
    }
    if t.bytes().any(|c| c == b'e' || c == b'E') {
        let (mantissa, exponent) = t.split_once(['e', 'E']).ok_or_else(bad)?;
        let exp: i64 = exponent
            .strip_prefix('+')
            .unwrap_or(exponent)
            .parse()
            .map_err(|_| bad())?;
        let m = plain(mantissa).ok_or_else(bad)?;
        return scale_by_ten(m, exp).ok_or_else(|| format!("`{t}` does not fit an exact decimal"));
    }
    plain(t).ok_or_else(|| {
        if body.iter().all(|c| c.is_ascii_digit() || *c == b'.') {
            format!("`{t}` does not fit an exact decimal")
        } else {
            bad()
        }
    })
}

/// The common cell, read without the general parser: an optional `-`, then at most 18 digits
/// with at most one `.` between them (`2.00000000`, `-0.014`, `2000`). It fits a 64-bit
/// mantissa, so it is read digit by digit and its scale is the digits after the point, exactly
/// as [`Decimal::from_str_exact`] would give it; anything else (`+`, blanks, groups,
/// exponents, a leading or trailing point, a negative zero, longer numbers) is `None` and goes
/// through the general parser. Every matched row parses its amount and usage: this is most
/// of what reading a matched row costs.
#[inline]
pub fn short_plain(b: &[u8]) -> Option<Decimal> {
    let (neg, body) = match b {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, b),
    };
    if body.is_empty() || body.len() > 19 || body[0] == b'.' || body[body.len() - 1] == b'.' {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut point = None;
    for (i, &c) in body.iter().enumerate() {
        match c {
            b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(c - b'0'),
            b'.' if point.is_none() => point = Some(i),
            _ => return None,
        }
    }
    let digits = body.len() - usize::from(point.is_some());
    if digits > 18 || (neg && mantissa == 0) {
        return None;
    }
    let scale = point.map_or(0, |p| body.len() - 1 - p) as u32;
    // At most 18 digits: below 10^18, so the mantissa fits an `i64` either sign.
    let m = mantissa as i64;
    Some(Decimal::new(if neg { -m } else { m }, scale))
}

fn plain(s: &str) -> Option<Decimal> {
    let body = s.strip_prefix('-').unwrap_or(s);
    if body.is_empty()
        || body.bytes().filter(|c| *c == b'.').count() > 1
        || !body.bytes().all(|c| c.is_ascii_digit() || c == b'.')
        || body == "."
    {
        return None;
    }
    // `from_str_exact` refuses to round away digits it cannot hold.
    Decimal::from_str_exact(s).ok()
}

fn scale_by_ten(m: Decimal, exp: i64) -> Option<Decimal> {
    if exp.unsigned_abs() > 56 {
        return if m.is_zero() {
            Some(Decimal::ZERO)
        } else {
            None
        };
    }
    let mut v = m;
    if exp >= 0 {
        for _ in 0..exp {
            v = v.checked_mul(Decimal::TEN)?;
        }
    } else {
        for _ in 0..(-exp) {
            if v.scale() >= 28 {
                // Dividing further would lose digits; refuse rather than round.
                if v.is_zero() {
                    return Some(Decimal::ZERO);
                }
                return None;
            }
            v.set_scale(v.scale() + 1).ok()?;
        }
    }
    Some(v)
}

fn ungroup(t: &str) -> Option<String> {
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    let digits = int.strip_prefix('-').unwrap_or(int);
    let mut groups = digits.split(',');
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 || !first.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    for g in groups {
        if g.len() != 3 || !g.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let mut out = int.replace(',', "");
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

/// Writes an amount for a report: trailing zeros dropped but at least two decimals, so the same
/// charge prints the same whether the export carried 2 or 8 decimals.
pub fn format_amount(d: Decimal) -> String {
    let mut n = d.normalize();
    if n.scale() < 2 {
        n.rescale(2);
    }
    n.to_string()
}

/// Writes a quantity with trailing zeros dropped.
pub fn format_quantity(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Sums kept apart by currency (amounts in two currencies are never added together), ordered
/// by currency: a sorted vector, as [`Sums`] is, since the report keeps three per resource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Amounts(Vec<(Box<str>, Decimal)>);

impl Amounts {
    pub fn add(&mut self, currency: &str, amount: Decimal) {
        match self.0.binary_search_by(|(c, _)| (**c).cmp(currency)) {
            Ok(i) => self.0[i].1 = self.0[i].1.saturating_add(amount),
            Err(i) => self.0.insert(i, (currency.into(), amount)),
        }
    }

    pub fn merge(&mut self, other: &Amounts) {
        for (c, v) in &other.0 {
            self.add(c, *v);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, Decimal)> {
        self.0.iter().map(|(c, v)| (&**c, *v))
    }

    pub fn get(&self, currency: &str) -> Option<Decimal> {
        self.0
            .binary_search_by(|(c, _)| (**c).cmp(currency))
            .ok()
            .map(|i| self.0[i].1)
    }

    /// The largest single-currency sum, used to order resources.
    pub fn largest(&self) -> Decimal {
        self.0
            .iter()
            .map(|(_, v)| *v)
            .max()
            .unwrap_or(Decimal::ZERO)
    }

    /// `CNY 12.80, USD 1.00`, or `-` when empty.
    pub fn display(&self) -> String {
        if self.0.is_empty() {
            return "-".into();
        }
        self.0
            .iter()
            .map(|(c, v)| format!("{c} {}", format_amount(*v)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Serialize for Amounts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (c, v) in &self.0 {
            map.serialize_entry(c, &format_amount(*v))?;
        }
        map.end()
    }
}

/// Parses a decimal the plain way, for tests that build expectations.
#[cfg(test)]
pub fn dec(s: &str) -> Decimal {
    <Decimal as std::str::FromStr>::from_str(s).unwrap_or_default()
}

/// An exact sum of decimals, the same whatever order they were added in.
///
/// `Decimal` addition rounds past 28 significant digits, so a plain running sum would depend
/// on the order of the lines, and a file read in pieces could disagree with one read start to
/// end. This keeps one 128-bit integer sum of mantissas per scale instead (a mantissa has at
/// most 96 bits, so over two billion lines add up before one could saturate) and rounds once,
/// in [`Sum::value`]. Below 28 significant digits that is exactly what a running sum gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sum {
    parts: Parts,
}

/// (scale, sum of the mantissas of that scale), ordered by scale. Every deleted resource keeps
/// several sums, nearly all of one scale (an export writes a column with the same decimals), so
/// one part is kept inline, its `i128` as two words: aligned to 16 bytes it would make a sum
/// of 32 and every currency's entry in [`Sums`] 48. A sum that saw two scales or more keeps
/// them in a slice exactly as long (never fewer again, so a sum has one form).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Parts {
    #[default]
    None,
    One(u32, [u64; 2]),
    Many(Box<[(u32, i128)]>),
}

fn split(m: i128) -> [u64; 2] {
    [m as u64, (m >> 64) as u64]
}

fn join([lo, hi]: [u64; 2]) -> i128 {
    (i128::from(hi as i64) << 64) | i128::from(lo)
}

impl Sum {
    pub fn add(&mut self, d: Decimal) {
        self.add_part(d.scale(), d.mantissa());
    }

    fn add_part(&mut self, scale: u32, m: i128) {
        // Saturating: reaching the limit takes billions of lines of the largest amounts.
        match &mut self.parts {
            Parts::None => self.parts = Parts::One(scale, split(m)),
            Parts::One(s, sum) if *s == scale => *sum = split(join(*sum).saturating_add(m)),
            Parts::One(s, sum) => {
                // A new scale is rare (one per scale a resource's amounts use).
                let mut parts = [(*s, join(*sum)), (scale, m)];
                parts.sort_by_key(|p| p.0);
                self.parts = Parts::Many(Box::new(parts));
            }
            Parts::Many(parts) => match parts.binary_search_by_key(&scale, |p| p.0) {
                Ok(i) => parts[i].1 = parts[i].1.saturating_add(m),
                Err(i) => {
                    let mut all = std::mem::take(parts).into_vec();
                    all.reserve_exact(1);
                    all.insert(i, (scale, m));
                    *parts = all.into_boxed_slice();
                }
            },
        }
    }

    /// The parts, ordered by scale.
    fn each(&self, mut f: impl FnMut(u32, i128)) {
        match &self.parts {
            Parts::None => {}
            Parts::One(scale, sum) => f(*scale, join(*sum)),
            Parts::Many(parts) => parts.iter().for_each(|&(s, m)| f(s, m)),
        }
    }

    pub fn merge(&mut self, other: &Sum) {
        other.each(|s, m| self.add_part(s, m));
    }

    pub fn is_empty(&self) -> bool {
        matches!(self.parts, Parts::None)
    }

    /// The sum as a `Decimal` (rounded past 28 significant digits, saturated past its range).
    pub fn value(&self) -> Decimal {
        let mut total = Decimal::ZERO;
        self.each(|scale, m| total = total.saturating_add(to_decimal(m, scale)));
        total
    }
}

/// `m × 10^-scale` as a `Decimal`, dropping decimals (rounded half away from zero) while the
/// mantissa is too wide, and saturating when it is too wide with no decimals left.
fn to_decimal(mut m: i128, mut scale: u32) -> Decimal {
    const MAX: i128 = (1 << 96) - 1;
    // `unsigned_abs`: a saturated sum may be `i128::MIN`, whose `abs` overflows.
    while m.unsigned_abs() > MAX as u128 && scale > 0 {
        let (q, r) = (m / 10, m % 10);
        m = q + (r / 5); // r / 5 is ±1 when |r| ≥ 5
        scale -= 1;
    }
    if m > MAX {
        return Decimal::MAX;
    }
    if m < -MAX {
        return Decimal::MIN;
    }
    Decimal::try_from_i128_with_scale(m, scale).unwrap_or_default()
}

/// Exact sums kept apart by currency, ordered by currency. A sorted vector rather than a map:
/// a resource is billed in one currency or two, and every deleted resource keeps three of
/// these (a map's first node alone is half a kilobyte).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sums(Box<[(Box<str>, Sum)]>);

impl Sums {
    /// Inserts a new currency at `i` (rare: one per currency a resource is billed in).
    fn insert(&mut self, i: usize, entry: (Box<str>, Sum)) {
        let mut all = std::mem::take(&mut self.0).into_vec();
        all.reserve_exact(1);
        all.insert(i, entry);
        self.0 = all.into_boxed_slice();
    }

    pub fn add(&mut self, currency: &str, amount: Decimal) {
        match self.0.binary_search_by(|(c, _)| (**c).cmp(currency)) {
            Ok(i) => self.0[i].1.add(amount),
            Err(i) => {
                let mut s = Sum::default();
                s.add(amount);
                self.insert(i, (currency.into(), s));
            }
        }
    }

    pub fn merge(&mut self, other: &Sums) {
        for (c, s) in other.0.iter() {
            match self.0.binary_search_by(|(k, _)| k.cmp(c)) {
                Ok(i) => self.0[i].1.merge(s),
                Err(i) => self.insert(i, (c.clone(), s.clone())),
            }
        }
    }

    /// The sums as the report prints them.
    pub fn amounts(&self) -> Amounts {
        let mut a = Amounts::default();
        for (c, s) in self.0.iter() {
            a.add(c, s.value());
        }
        a
    }
}

/// What the sums allocate, for the tests that bound a resource's memory.
#[cfg(test)]
impl Sum {
    pub(crate) fn heap_bytes(&self) -> usize {
        match &self.parts {
            Parts::Many(parts) => parts.len() * std::mem::size_of::<(u32, i128)>(),
            _ => 0,
        }
    }
}

#[cfg(test)]
impl Sums {
    /// Bytes allocated, and how many allocations hold them.
    pub(crate) fn heap(&self) -> (usize, usize) {
        let mut bytes = self.0.len() * std::mem::size_of::<(Box<str>, Sum)>();
        let mut allocs = usize::from(!self.0.is_empty());
        for (c, s) in self.0.iter() {
            bytes += c.len() + s.heap_bytes();
            allocs += 1 + usize::from(s.heap_bytes() > 0);
        }
        (bytes, allocs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_refused_without_parsing_is_text_the_parser_refuses() {
        let mut cells: Vec<String> = [
            "",
            " ",
            "3.46000000",
            "-31.5",
            "+3",
            " 0.014 ",
            ".5",
            "1,234.56",
            "35.2E-7",
            "1e+3",
            "2026-10",
            "2026-10-01 02:20:01",
            "CS2610010220NASSE",
            "default",
            "云硬盘",
            "0",
            "-0",
            "1 234",
            "１２",
            "NaN",
            "inf",
            "0x10",
            "12%",
            "¥12",
            "$1",
            "1_000",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        cells.push("9".repeat(65));
        cells.push(format!(" {} ", "1".repeat(18)));
        // Every string of up to three bytes from a number's alphabet, and some others.
        let alphabet = ["", "0", "9", "+", "-", ".", ",", "e", "E", " ", "x"];
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    cells.push(format!("{a}{b}{c}"));
                }
            }
        }
        for s in &cells {
            if parse_decimal(s).is_ok() {
                assert!(may_be_decimal(s), "{s:?} parses");
            }
        }
        assert!(!may_be_decimal("default") && !may_be_decimal("2026-10-01 02:20:01"));
    }

    /// What the general parser makes of `s`, as the short path must give it: value, scale and
    /// sign alike (a report prints `2.00000000` as the bill wrote it).
    fn general(s: &str) -> Option<(i128, u32, bool)> {
        let d = parse_unbounded(s).ok()?;
        (d.abs() < Decimal::from(10u64.pow(MAX_DIGITS_BEFORE_POINT as u32)))
            .then(|| (d.mantissa(), d.scale(), d.is_sign_negative()))
    }

    #[test]
    fn the_short_path_reads_what_the_general_parser_reads() {
        let mut cells: Vec<String> = [
            "2.00000000",
            "-0.014",
            "2000",
            "0",
            "-0",
            "-0.00",
            "0.00",
            "5.",
            ".5",
            "-.5",
            "1.2.3",
            "999999999999999999",
            "-999999999999999999",
            "99999999999999999.9",
            "0.000000000000000001",
            "1000000000000000000",
            "9999999999999999999",
            "00000000000000000001",
            "-",
            ".",
            "+1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every string of up to four bytes from a number's alphabet.
        let alphabet = ["", "0", "7", "-", ".", "+", " "];
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    for d in alphabet {
                        cells.push(format!("{a}{b}{c}{d}"));
                    }
                }
            }
        }
        let mut short = 0;
        for s in &cells {
            let fast = short_plain(s.as_bytes());
            if let Some(d) = fast {
                short += 1;
                assert_eq!(
                    Some((d.mantissa(), d.scale(), d.is_sign_negative())),
                    general(s),
                    "{s:?}"
                );
            }
            assert_eq!(
                parse_decimal(s).ok().map(|d| (d.mantissa(), d.scale())),
                general(s).map(|(m, sc, _)| (m, sc)),
                "{s:?}"
            );
        }
        // The short path is taken, not only declined.
        assert!(short > 100, "{short}");
    }

    proptest::proptest! {
        #[test]
        fn plain_numbers_read_the_same_either_way(s in "-?[0-9]{0,12}(\\.[0-9]{0,10})?") {
            if let Some(d) = short_plain(s.as_bytes()) {
                proptest::prop_assert_eq!(
                    Some((d.mantissa(), d.scale(), d.is_sign_negative())),
                    general(&s)
                );
            }
        }
    }

    #[test]
    fn decimals_parse_exactly() {
        let cases = [
            ("3.46000000", "3.46000000"),
            ("-31.5", "-31.5"),
            ("+3", "3"),
            (" 0.014 ", "0.014"),
            (".5", "0.5"),
            ("35.2E-7", "0.00000352"),
            ("1.5e3", "1500"),
            ("1E+2", "100"),
            ("-2.10", "-2.10"),
            ("1,234.56", "1234.56"),
            ("-12,345,678", "-12345678"),
            ("0e-40", "0"),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_decimal(input).map(|d| d.normalize()),
                Ok(dec(want).normalize()),
                "{input}"
            );
        }
    }

    #[test]
    fn non_numbers_and_overflows_are_errors() {
        for input in [
            "",
            "abc",
            "1.2.3",
            "--",
            "1e40",
            "12,34",
            "1,2345",
            "1e",
            "e5",
            "NaN",
            "inf",
            "0x10",
            "99999999999999999999999999999999",
            "1-2",
            "¥12",
            "+-5",
            "++5",
            "-+5",
            "--5",
            "+-1,234.00",
            "+-3e2",
        ] {
            assert!(parse_decimal(input).is_err(), "{input} should not parse");
        }
        assert!(parse_decimal("1e40").unwrap_err().contains("does not fit"));
    }

    #[test]
    fn values_too_large_to_add_up_are_errors() {
        let max = "999999999999999999.9999999999";
        assert_eq!(parse_decimal(max), Ok(dec(max)));
        assert_eq!(
            parse_decimal("-999,999,999,999,999,999"),
            Ok(-dec("999999999999999999"))
        );
        for input in [
            "1000000000000000000",
            "-1e18",
            "79228162514264337593543950335",
            "1,000,000,000,000,000,000.5",
        ] {
            let e = parse_decimal(input).unwrap_err();
            assert!(e.contains("too large to add up"), "{input}: {e}");
        }
        // The sums a report makes of the largest values do not overflow (digits past the 28th
        // significant one are rounded).
        let (mut a, mut usage) = (Amounts::default(), Decimal::ZERO);
        for _ in 0..1000 {
            a.add("CNY", parse_decimal(max).unwrap());
            usage += parse_decimal(max).unwrap();
        }
        let want = dec("1000000000000000000000");
        assert_eq!(a.get("CNY"), Some(want));
        assert_eq!(usage, want);
    }

    #[test]
    fn amounts_print_with_at_least_two_decimals() {
        assert_eq!(format_amount(dec("3532.80000000")), "3532.80");
        assert_eq!(format_amount(dec("0.01400000")), "0.014");
        assert_eq!(format_amount(dec("5")), "5.00");
        assert_eq!(format_amount(dec("-1.7300")), "-1.73");
        assert_eq!(format_quantity(dec("276.000")), "276");
    }

    #[test]
    fn sums_stay_apart_by_currency() {
        let mut a = Amounts::default();
        a.add("CNY", dec("1.10"));
        a.add("USD", dec("2"));
        a.add("CNY", dec("0.90"));
        assert_eq!(a.get("CNY"), Some(dec("2.00")));
        assert_eq!(a.display(), "CNY 2.00, USD 2.00");
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            r#"{"CNY":"2.00","USD":"2.00"}"#
        );
    }

    #[test]
    fn exact_sums_do_not_depend_on_the_order() {
        let big = dec("999999999999999999.9999999999");
        let tiny = dec("0.0000000001");
        let mut a = Sum::default();
        let mut b = Sum::default();
        for _ in 0..8 {
            a.add(big);
        }
        a.add(tiny);
        b.add(tiny);
        for _ in 0..8 {
            b.add(big);
        }
        assert_eq!(a.value(), b.value());
        // Past the 96 bits of a `Decimal` the exact sum is rounded once.
        assert_eq!(a.value(), dec("7999999999999999999.999999999"));
        let mut c = Sum::default();
        c.add(dec("1.10"));
        c.add(dec("2.005"));
        c.add(dec("-0.105"));
        assert_eq!(c.value(), dec("3.000"));
        // However its scales came, a sum has one form: tallies read in pieces compare equal
        // to one read whole.
        let mut d = Sum::default();
        d.add(dec("-0.105"));
        let mut e = Sum::default();
        e.add(dec("2.005"));
        e.add(dec("1.10"));
        d.merge(&e);
        assert_eq!(c, d);
        assert_eq!(Sum::default().value(), Decimal::ZERO);
        // Sums past every limit saturate (at the 128-bit sum, then at the range of a
        // `Decimal`); they never panic.
        for (scale, low, high) in [
            (0, Decimal::MIN, Decimal::MAX),
            (5, Decimal::MIN, Decimal::MAX),
            (
                28,
                dec("-17014118346.046923173168730372"),
                dec("17014118346.046923173168730372"),
            ),
        ] {
            let mut s = Sum::default();
            s.add_part(scale, i128::MIN);
            s.add_part(scale, -1);
            assert_eq!(s.value(), low, "scale {scale}");
            let mut s = Sum::default();
            s.add_part(scale, i128::MAX);
            s.add_part(scale, 1);
            assert_eq!(s.value(), high, "scale {scale}");
        }
    }
}
