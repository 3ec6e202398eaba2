//! When two bill lines of two inputs are one line: the facts a line is compared on across inputs,
//! and its fingerprint over them (see `dedupe` for what is done with it).
//!
//! A line is compared by meaning, never by its bytes: each fact is the value the line parses to
//! (an amount as a normalized decimal, so `12.80000000` and `12.8` are one amount; times in UTC;
//! the kind of line as billrecon reads it; text decoded from whatever encoding the file used and
//! cleaned of empty markers). The same export as UTF-8 and as GB18030, gzipped, zipped, as CSV or
//! as Parquet, with Chinese or English headers, or re-saved by a spreadsheet, gives every line
//! the same fingerprint; a unit of time is its meaning (`小时` and `Hour` are one unit).
//!
//! The facts an input carries follow from its header: the line's provider, time (its usage
//! start, else the time charged), kind, amount and currency are read from every line; the others
//! ([`Fact`]) only where a column is bound to them. A column no field binds (an order or
//! transaction number, a usage type, a region) is a fact too, named by its folded header name:
//! its value is the cell's number, else its time, else its text. Two inputs are compared on the
//! facts both carry: a monthly export with voucher columns and a daily one without are compared
//! without the vouchers, and a Chinese-console and an English-console export of one month on
//! the bound facts alone (their other columns have no name in common). A product's name is no
//! fact where its code is: it is the code's label in the console's language; nor is the billing
//! mode (`按需`, `Pay-per-use`), a label too.

use super::formats::header::Binding;
use super::formats::Field;
use super::orders::Cells;
use super::source::{decode, Encoding};
use crate::model::LineKind;
use crate::money::{may_be_decimal, parse_decimal};
use crate::time::{may_be_time, parse_time_fast};
use chrono::{DateTime, FixedOffset, Utc};
use rust_decimal::Decimal;
use std::hash::{BuildHasher, Hasher};

/// The bytes a fingerprint hashes, written fact by fact and hashed once: SipHash pays per call
/// (and a finish per column), which was a third of a fingerprint's cost.
type Out = Vec<u8>;

/// One fact of a line that two inputs may both carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    Provider,
    /// The usage-window start, else the time charged: the time a line is judged by.
    Time,
    Kind,
    Amount,
    Currency,
    ResourceId,
    ChildResourceId,
    ResourceName,
    ProductCode,
    ProductName,
    UsageEnd,
    ChargeTime,
    ChargeClass,
    Usage,
    Unit,
    BillingItem,
    Sku,
    Vouchers,
    OriginalPrice,
    PeriodCount,
    PeriodUnit,
    Fee,
    PlanUsage,
    ReservedUsage,
    SavingsPlan,
}

impl Fact {
    /// In the order a fingerprint reads them.
    pub const ALL: [Fact; 25] = [
        Fact::Provider,
        Fact::Time,
        Fact::Kind,
        Fact::Amount,
        Fact::Currency,
        Fact::ResourceId,
        Fact::ChildResourceId,
        Fact::ResourceName,
        Fact::ProductCode,
        Fact::ProductName,
        Fact::UsageEnd,
        Fact::ChargeTime,
        Fact::ChargeClass,
        Fact::Usage,
        Fact::Unit,
        Fact::BillingItem,
        Fact::Sku,
        Fact::Vouchers,
        Fact::OriginalPrice,
        Fact::PeriodCount,
        Fact::PeriodUnit,
        Fact::Fee,
        Fact::PlanUsage,
        Fact::ReservedUsage,
        Fact::SavingsPlan,
    ];

    /// Read from every line of every format.
    const ALWAYS: [Fact; 5] = [
        Fact::Provider,
        Fact::Time,
        Fact::Kind,
        Fact::Amount,
        Fact::Currency,
    ];

    /// The column a fact read from a cell of its own comes from.
    fn field(self) -> Option<Field> {
        Some(match self {
            Fact::ResourceId => Field::ResourceId,
            Fact::ChildResourceId => Field::ChildResourceId,
            Fact::ResourceName => Field::ResourceName,
            Fact::ProductCode => Field::ProductCode,
            Fact::ProductName => Field::ProductName,
            Fact::UsageEnd => Field::UsageEnd,
            Fact::ChargeTime => Field::ChargeTime,
            Fact::ChargeClass => Field::ChargeClass,
            Fact::Usage => Field::Usage,
            Fact::Unit => Field::Unit,
            Fact::BillingItem => Field::BillingItem,
            Fact::Sku => Field::Sku,
            Fact::Vouchers => Field::Vouchers,
            Fact::OriginalPrice => Field::OriginalPrice,
            Fact::PeriodCount => Field::PeriodCount,
            Fact::PeriodUnit => Field::PeriodUnit,
            Fact::Fee => Field::Fee,
            Fact::PlanUsage => Field::PlanUsage,
            Fact::ReservedUsage => Field::ReservedUsage,
            Fact::SavingsPlan => Field::SavingsPlan,
            Fact::Provider | Fact::Time | Fact::Kind | Fact::Amount | Fact::Currency => {
                return None
            }
        })
    }

    fn bit(self) -> u32 {
        1 << self as u32
    }
}

/// A set of facts: those an input carries, or those inputs are compared on. The bound
/// [`Fact`]s, and the folded names of the columns no field binds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Facts {
    bound: u32,
    /// Sorted; a name repeated in one header is told apart by `#2`, `#3`, ….
    columns: Vec<String>,
}

impl Facts {
    pub fn has(&self, f: Fact) -> bool {
        self.bound & f.bit() != 0
    }

    /// The facts both sets hold.
    pub fn and(&self, other: &Facts) -> Facts {
        Facts {
            bound: self.bound & other.bound,
            columns: self
                .columns
                .iter()
                .filter(|c| other.columns.binary_search(c).is_ok())
                .cloned()
                .collect(),
        }
    }

    fn with(mut self, f: Fact) -> Facts {
        self.bound |= f.bit();
        self
    }

    /// The facts an input whose header is bound so carries.
    pub fn carried(b: &Binding) -> Facts {
        let mut on = Fact::ALWAYS
            .iter()
            .fold(Facts::default(), |s, f| s.with(*f));
        for f in Fact::ALL {
            let bound = match f {
                // A usage window may come from a `start ~ end` expenditure time, or from a day.
                Fact::UsageEnd => {
                    b.col(Field::UsageEnd).is_some()
                        || b.col(Field::ExpenditureTime).is_some()
                        || b.spec.reading.day.is_some()
                }
                // The product's name is the console's label for its code, in the console's
                // language (`弹性云服务器`, `Elastic Cloud Server`): with the code, it says
                // nothing more and would tell an English export from the Chinese one.
                Fact::ProductName if b.col(Field::ProductCode).is_some() => false,
                f => f.field().is_some_and(|field| b.col(field).is_some()),
            };
            if bound {
                on = on.with(f);
            }
        }
        on.columns = unbound(b).into_iter().map(|(name, _)| name).collect();
        on.columns.sort();
        on
    }
}

/// The columns no field binds, with a name (repeats numbered), and where they are.
fn unbound(b: &Binding) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for (i, name) in b.header.iter().enumerate() {
        if name.is_empty() || b.cols.contains(&Some(i)) {
            continue;
        }
        let seen = b.header[..i].iter().filter(|n| *n == name).count();
        let key = if seen == 0 {
            name.clone()
        } else {
            format!("{name}#{}", seen + 1)
        };
        out.push((key, i));
    }
    out
}

/// How one input fingerprints its matched lines over the facts they are compared on.
#[derive(Debug, Default)]
pub struct Reader {
    bound: u32,
    /// The unbound columns compared, in name order, each with what the value of the last cell
    /// read there writes (the hourly lines of one resource repeat most of them).
    columns: Vec<Column>,
    raw: Vec<u8>,
    out: Out,
    scratch: String,
}

#[derive(Debug)]
struct Column {
    at: usize,
    /// The last cell's bytes and what its value writes (empty before the first cell).
    bytes: Vec<u8>,
    value: Out,
}

/// What the per-row logic already parsed of a matched line.
#[derive(Debug, Clone, Copy)]
pub struct Parsed<'a> {
    pub provider: &'a str,
    /// The resource ID, cleaned (`clean_id`).
    pub id: &'a str,
    pub resource_name: &'a str,
    pub product_code: &'a str,
    pub product_name: &'a str,
    pub time: DateTime<Utc>,
    pub usage_end: Option<DateTime<Utc>>,
    pub kind: LineKind,
    pub amount: Decimal,
    pub currency: &'a str,
    pub usage: Option<Decimal>,
}

/// The hasher's keys, drawn once per run: every input's fingerprints must agree, and nobody can
/// write a line that collides with another on purpose.
fn keys() -> &'static std::hash::RandomState {
    static KEYS: std::sync::OnceLock<std::hash::RandomState> = std::sync::OnceLock::new();
    KEYS.get_or_init(std::hash::RandomState::new)
}

impl Reader {
    /// The reader of an input bound as `b`, comparing on `on` (facts it carries).
    pub fn new(on: &Facts, b: &Binding) -> Reader {
        let mut columns: Vec<(String, usize)> = unbound(b)
            .into_iter()
            .filter(|(name, _)| on.columns.binary_search(name).is_ok())
            .collect();
        columns.sort();
        Reader {
            bound: on.bound,
            columns: columns
                .into_iter()
                .map(|(_, at)| Column {
                    at,
                    bytes: Vec::new(),
                    value: Out::new(),
                })
                .collect(),
            raw: Vec::new(),
            out: Out::new(),
            scratch: String::new(),
        }
    }

    /// The columns no field binds that a fingerprint reads.
    pub fn columns(&self) -> impl Iterator<Item = usize> + '_ {
        self.columns.iter().map(|c| c.at)
    }

    /// The fingerprint of a matched line: `parsed` holds what the row logic read, the other
    /// bound facts are read from `cells`, an unbound column's cell from `raw` (its bytes, in
    /// `enc`); `tz` reads a time written without an offset.
    pub fn fingerprint(
        &mut self,
        parsed: &Parsed<'_>,
        cells: &mut dyn Cells,
        raw: &dyn Fn(usize, &mut Vec<u8>),
        enc: Encoding,
        tz: FixedOffset,
    ) -> u64 {
        let h = &mut self.out;
        h.clear();
        h.extend_from_slice(&self.bound.to_ne_bytes());
        h.extend_from_slice(&self.columns.len().to_ne_bytes());
        for f in Fact::ALL {
            if self.bound & f.bit() == 0 {
                continue;
            }
            match f {
                Fact::Provider => text(h, parsed.provider),
                Fact::Time => time(h, Some(parsed.time)),
                Fact::Kind => h.push(parsed.kind as u8),
                Fact::Amount => decimal(h, Some(parsed.amount)),
                Fact::Currency => text(h, parsed.currency),
                Fact::ResourceId => text(h, parsed.id),
                Fact::ResourceName => text(h, parsed.resource_name),
                Fact::ProductCode => text(h, parsed.product_code),
                Fact::ProductName => text(h, parsed.product_name),
                Fact::UsageEnd => time(h, parsed.usage_end),
                Fact::Usage => decimal(h, parsed.usage),
                Fact::Unit => unit(h, cells.text(Field::Unit).unwrap_or("")),
                Fact::ChildResourceId => {
                    let t = cells.text(Field::ChildResourceId).unwrap_or("");
                    text(h, crate::ids::normalize::clean_id(t));
                }
                f => {
                    let t = f.field().and_then(|field| cells.text(field)).unwrap_or("");
                    cell(h, t, tz);
                }
            }
        }
        for c in &mut self.columns {
            raw(c.at, &mut self.raw);
            if c.value.is_empty() || c.bytes != self.raw {
                let t = super::cells::value(decode(&self.raw, enc, &mut self.scratch));
                // Into the column's own buffers: no allocation once they have grown.
                c.value.clear();
                cell(&mut c.value, t, tz);
                c.bytes.clear();
                c.bytes.extend_from_slice(&self.raw);
            }
            h.extend_from_slice(&c.value);
        }
        let mut hasher = keys().build_hasher();
        hasher.write(h);
        hasher.finish()
    }
}

// Each value is written with a tag for its type and a length where it has one, so no two
// different sequences of facts write the same bytes.

fn text(h: &mut Out, t: &str) {
    h.push(b't');
    h.extend_from_slice(&t.len().to_ne_bytes());
    h.extend_from_slice(t.as_bytes());
}

fn time(h: &mut Out, t: Option<DateTime<Utc>>) {
    match t {
        Some(t) => {
            h.push(b'T');
            h.extend_from_slice(&t.timestamp().to_ne_bytes());
            h.extend_from_slice(&t.timestamp_subsec_nanos().to_ne_bytes());
        }
        None => h.push(b'-'),
    }
}

fn decimal(h: &mut Out, d: Option<Decimal>) {
    match d {
        Some(d) => {
            // `normalize` drops trailing zeros and the sign of zero: 12.80 is 12.8, -0 is 0.
            let n = d.normalize();
            h.push(b'd');
            h.extend_from_slice(&n.mantissa().to_ne_bytes());
            h.extend_from_slice(&n.scale().to_ne_bytes());
        }
        None => h.push(b'-'),
    }
}

/// A usage unit: the consoles write it in their language (`小时`, `Hour`), so a unit of time is
/// its meaning and any other its text without regard to ASCII case (`GB`, `gb`).
fn unit(h: &mut Out, t: &str) {
    // The time units as the consoles write usage in them (`orders::unit_of` reads periods).
    const UNITS: [&[&str]; 3] = [
        &["小时", "时", "hour", "hours", "hrs", "hr", "h"],
        &["天", "日", "day", "days"],
        &["月", "个月", "month", "months"],
    ];
    let t = t.trim();
    if let Some(i) = UNITS
        .iter()
        .position(|names| names.iter().any(|n| t.eq_ignore_ascii_case(n)))
    {
        h.push(b'u');
        h.push(i as u8);
        return;
    }
    h.push(b't');
    h.extend_from_slice(&t.len().to_ne_bytes());
    h.extend(t.bytes().map(|b| b.to_ascii_lowercase()));
}

/// A cell no row logic parsed (a unit, a voucher amount, a time charged, an order number): a
/// number as its value, else a time as its instant (read in `tz` when written without an
/// offset), else its text.
fn cell(h: &mut Out, t: &str, tz: FixedOffset) {
    if t.is_empty() {
        return h.push(b'-');
    }
    // Most such cells are text (order numbers, regions, names): refused here, without the
    // parsers' error messages (they were most of a matched line's cost with several inputs).
    if may_be_decimal(t) {
        if let Ok(d) = parse_decimal(t) {
            return decimal(h, Some(d));
        }
    }
    match may_be_time(t).then(|| parse_time_fast(t, tz)) {
        Some(Ok(at)) => time(h, Some(at)),
        _ => text(h, t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::formats::{detect::detect, focus, huawei};
    use crate::money::dec;

    /// Cells by field, as `orders::Cells` hands them out.
    struct ByField(Vec<(Field, &'static str)>);

    impl Cells for ByField {
        fn text(&mut self, f: Field) -> Option<&str> {
            self.0.iter().find(|(g, _)| *g == f).map(|(_, t)| *t)
        }

        fn column(&self, _: Field) -> Option<usize> {
            None
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn line() -> Parsed<'static> {
        Parsed {
            provider: "huawei",
            id: "ecs-leak-01",
            resource_name: "web-01",
            product_code: "hws.service.type.ec2",
            product_name: "弹性云服务器",
            time: at("2026-10-10T00:00:00Z"),
            usage_end: Some(at("2026-10-10T01:00:00Z")),
            kind: LineKind::Usage,
            amount: dec("12.80000000"),
            currency: "CNY",
            usage: Some(dec("1")),
        }
    }

    fn header(cells: &str) -> Binding {
        let row: Vec<String> = cells.split(',').map(String::from).collect();
        detect(&row).unwrap()
    }

    /// A Huawei header: the bound facts, vouchers, and two columns no field binds.
    const ZH: &str = "资源ID,资源名称,产品类型编码,产品类型,使用开始时间,使用结束时间,交易时间,账单类型,使用量,应付金额(¥),代金券抵扣(¥),订单号/交易号,区域";

    /// The cells of [`ZH`] after the parsed ones: time charged, vouchers, order number, region.
    fn row(
        charged: &'static str,
        vouchers: &'static str,
        order: &'static str,
    ) -> Vec<&'static str> {
        vec![charged, vouchers, order, "cn-north-4"]
    }

    fn fp(r: &mut Reader, p: &Parsed<'_>, cells: &[&'static str]) -> u64 {
        let mut by_field = ByField(vec![
            (Field::ChargeTime, cells[0]),
            (Field::Vouchers, cells[1]),
        ]);
        // Columns 11 and 12 of ZH are the unbound ones.
        let raw = |i: usize, out: &mut Vec<u8>| {
            out.clear();
            out.extend_from_slice(cells[i - 9].as_bytes());
        };
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        r.fingerprint(p, &mut by_field, &raw, Encoding::Utf8, tz)
    }

    #[test]
    fn a_line_is_its_values_not_their_spelling() {
        let b = header(ZH);
        let on = Facts::carried(&b);
        let mut r = Reader::new(&on, &b);
        let cells = row("2026-10-10 10:01:47", "0.00", "CS001");
        let base = fp(&mut r, &line(), &cells);
        // The same values written otherwise.
        let resaved = Parsed {
            amount: dec("12.8"),
            usage: Some(dec("1.000")),
            ..line()
        };
        assert_eq!(fp(&mut r, &resaved, &cells), base);
        let respelled = row("2026/10/10 10:01:47", "0", "CS001");
        assert_eq!(fp(&mut r, &line(), &respelled), base);
        // The product code is bound: its name is a label in the console's language.
        let english = Parsed {
            product_name: "Elastic Cloud Server",
            ..line()
        };
        assert_eq!(fp(&mut r, &english, &cells), base);
        // Another value of any one fact is another line.
        let others: [(&str, Parsed<'static>); 9] = [
            (
                "currency",
                Parsed {
                    currency: "USD",
                    ..line()
                },
            ),
            (
                "amount",
                Parsed {
                    amount: dec("12.81"),
                    ..line()
                },
            ),
            (
                "sign",
                Parsed {
                    amount: dec("-12.8"),
                    ..line()
                },
            ),
            (
                "kind",
                Parsed {
                    kind: LineKind::Refund,
                    ..line()
                },
            ),
            (
                "usage",
                Parsed {
                    usage: None,
                    ..line()
                },
            ),
            (
                "end",
                Parsed {
                    usage_end: None,
                    ..line()
                },
            ),
            (
                "id",
                Parsed {
                    id: "ecs-leak-02",
                    ..line()
                },
            ),
            (
                "name",
                Parsed {
                    resource_name: "web-02",
                    ..line()
                },
            ),
            (
                "provider",
                Parsed {
                    provider: "alibaba",
                    ..line()
                },
            ),
        ];
        for (what, other) in others {
            assert_ne!(fp(&mut r, &other, &cells), base, "{what}");
        }
        for (what, other) in [
            ("time charged", row("2026-10-10 10:01:48", "0.00", "CS001")),
            ("vouchers", row("2026-10-10 10:01:47", "1.00", "CS001")),
            ("order number", row("2026-10-10 10:01:47", "0.00", "CS002")),
        ] {
            assert_ne!(fp(&mut r, &line(), &other), base, "{what}");
        }
    }

    #[test]
    fn inputs_are_compared_on_the_facts_both_carry() {
        let zh = header(ZH);
        assert!(std::ptr::eq(zh.spec, &huawei::SPEC));
        let on = Facts::carried(&zh);
        for f in [
            Fact::Provider,
            Fact::Time,
            Fact::Currency,
            Fact::UsageEnd,
            Fact::ChargeTime,
            Fact::Vouchers,
        ] {
            assert!(on.has(f), "{f:?}");
        }
        for f in [Fact::ChildResourceId, Fact::Unit, Fact::ChargeClass] {
            assert!(!on.has(f), "{f:?}");
        }
        assert_eq!(on.columns, ["区域", "订单号/交易号"]);
        // An English copy: no voucher column bound, and no unbound column of the same name.
        let en = header("Resource ID,Resource Name,Service Type Code,Service Type,Usage Start Time,Usage End Time,Transaction Time,Bill Type,Usage,Amount Due(¥),Cash Coupon(¥),Order No./Transaction No.,Region");
        let both = on.and(&Facts::carried(&en));
        assert!(!both.has(Fact::Vouchers) && both.has(Fact::ChargeTime));
        assert!(both.columns.is_empty());
        // Compared on those, the vouchers and the order number no longer tell lines apart.
        let mut r = Reader::new(&both, &zh);
        assert_eq!(
            fp(
                &mut r,
                &line(),
                &row("2026-10-10 10:01:47", "0.00", "CS001")
            ),
            fp(
                &mut r,
                &line(),
                &row("2026-10-10 10:01:47", "1.00", "CS002")
            )
        );
        // The same values over two sets of facts are never taken for one line.
        assert_ne!(
            fp(
                &mut r,
                &line(),
                &row("2026-10-10 10:01:47", "0.00", "CS001")
            ),
            fp(
                &mut Reader::new(&on, &zh),
                &line(),
                &row("2026-10-10 10:01:47", "0.00", "CS001")
            )
        );
        let f = header("ProviderName,ResourceId,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ChargeClass,BilledCost,BillingCurrency,Tags,Tags");
        assert!(std::ptr::eq(f.spec, &focus::SPEC));
        let on = Facts::carried(&f);
        assert!(on.has(Fact::ChargeClass) && !on.has(Fact::ChargeTime));
        assert_eq!(on.columns, ["tags", "tags#2"]);
    }
}
