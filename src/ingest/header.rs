//! Header rows: folding a header cell to a comparable key, binding columns by name through each
//! format's alias table, and detecting the format a header belongs to.

use super::spec::{Field, FormatSpec, SPECS};

/// A header row bound to one format: which column holds each field.
#[derive(Debug, Clone)]
pub struct Binding {
    pub spec: &'static FormatSpec,
    pub cols: [Option<usize>; Field::COUNT],
    /// The header text of each bound column, for `inspect` and for error messages.
    pub names: [Option<String>; Field::COUNT],
    /// Currency named by an amount header's suffix, such as `(¥)`.
    pub header_currency: Option<&'static str>,
    pub width: usize,
}

impl Binding {
    /// A binding to nothing, for a scan value not yet filled.
    pub fn empty() -> Self {
        Binding {
            spec: super::spec::SPECS[0],
            cols: [None; Field::COUNT],
            names: Default::default(),
            header_currency: None,
            width: 0,
        }
    }

    pub fn col(&self, f: Field) -> Option<usize> {
        self.cols[f as usize]
    }

    pub fn name(&self, f: Field) -> &str {
        self.names[f as usize].as_deref().unwrap_or("")
    }
}

/// Folds a header cell: BOM and surrounding space removed, full-width brackets made ASCII, a
/// currency suffix such as `(¥)` removed (and returned), ASCII letters lower-cased, spaces and
/// underscores dropped. `应付金额（¥）`, `Amount Due ($)` and `amount_due` all fold cleanly.
pub fn fold(cell: &str) -> (String, Option<&'static str>) {
    let mut s: String = cell
        .trim_start_matches('\u{feff}')
        .trim()
        .chars()
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            c => c,
        })
        .collect();
    let mut currency = None;
    if s.ends_with(')') {
        if let Some(open) = s.rfind('(') {
            if let Some(c) = currency_of(&s[open + 1..s.len() - 1]) {
                currency = Some(c);
                s.truncate(open);
            }
        }
    }
    let key = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (key, currency)
}

/// The ISO code a currency marker stands for.
pub fn currency_of(marker: &str) -> Option<&'static str> {
    match marker.trim() {
        "¥" | "￥" | "元" | "CNY" | "RMB" | "人民币" | "cny" | "rmb" => Some("CNY"),
        "$" | "USD" | "US$" | "美元" | "usd" => Some("USD"),
        "€" | "EUR" | "eur" => Some("EUR"),
        "HK$" | "HKD" | "hkd" => Some("HKD"),
        "JPY" | "jpy" | "円" => Some("JPY"),
        _ => None,
    }
}

/// Binds a header row to `spec`, or returns `None` when the row lacks a field the format needs.
pub fn bind(spec: &'static FormatSpec, header: &[String]) -> Option<Binding> {
    let b = bind_partial(spec, header);
    missing(&b).is_empty().then_some(b)
}

fn bind_partial(spec: &'static FormatSpec, header: &[String]) -> Binding {
    let folded: Vec<(String, Option<&'static str>)> = header.iter().map(|h| fold(h)).collect();
    let mut b = Binding {
        spec,
        cols: [None; Field::COUNT],
        names: Default::default(),
        header_currency: None,
        width: header.len(),
    };
    for (field, aliases) in spec.columns {
        // Earlier aliases are preferred: `交易时间` over `消费时间` is decided by the table order.
        'alias: for alias in aliases.iter() {
            let (want, _) = fold(alias);
            for (i, (key, currency)) in folded.iter().enumerate() {
                if *key == want {
                    b.cols[*field as usize] = Some(i);
                    b.names[*field as usize] =
                        Some(header[i].trim_start_matches('\u{feff}').trim().to_string());
                    if *field == Field::Amount {
                        b.header_currency = *currency;
                    }
                    break 'alias;
                }
            }
        }
    }
    if b.header_currency.is_none() {
        b.header_currency = folded.iter().find_map(|(_, c)| *c);
    }
    b
}

/// The fields a binding still lacks: a resource ID, an amount, and some time.
pub fn missing(b: &Binding) -> Vec<Field> {
    let mut out = Vec::new();
    for f in [Field::ResourceId, Field::Amount] {
        if b.col(f).is_none() {
            out.push(f);
        }
    }
    if [Field::UsageStart, Field::ChargeTime, Field::ExpenditureTime]
        .iter()
        .all(|f| b.col(*f).is_none())
    {
        out.push(Field::UsageStart);
    }
    out
}

/// Detects the format of a header row: the format that binds every field it needs and the most
/// columns overall.
pub fn detect(header: &[String]) -> Option<Binding> {
    SPECS
        .iter()
        .filter_map(|spec| bind(spec, header))
        .max_by_key(|b| b.cols.iter().filter(|c| c.is_some()).count())
}

/// For a header no format accepts: the closest format and the fields it misses, with the
/// header names it looked for.
pub fn closest(header: &[String]) -> (&'static FormatSpec, Vec<(Field, Vec<&'static str>)>) {
    let best = SPECS
        .iter()
        .map(|spec| bind_partial(spec, header))
        .max_by_key(|b| {
            // Prefer the format with the fewest missing fields, then the most bound columns.
            let bound = b.cols.iter().filter(|c| c.is_some()).count();
            (usize::MAX - missing(b).len(), bound)
        })
        .expect("SPECS is not empty");
    let miss = missing(&best)
        .into_iter()
        .map(|f| {
            let names = if f == Field::UsageStart {
                [Field::UsageStart, Field::ChargeTime, Field::ExpenditureTime]
                    .iter()
                    .flat_map(|g| best.spec.aliases(*g).iter().take(2).copied())
                    .collect()
            } else {
                best.spec.aliases(f).iter().take(3).copied().collect()
            };
            (f, names)
        })
        .collect();
    (best.spec, miss)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Format;

    fn row(s: &str) -> Vec<String> {
        s.split(',').map(String::from).collect()
    }

    #[test]
    fn header_cells_fold() {
        let cases = [
            ("应付金额(¥)", "应付金额", Some("CNY")),
            ("应付金额（¥）", "应付金额", Some("CNY")),
            ("\u{feff}账期", "账期", None),
            ("  Amount Due ($) ", "amountdue", Some("USD")),
            (
                "Resource ID (Child Resource)",
                "resourceid(childresource)",
                None,
            ),
            ("抵扣量（含RI）", "抵扣量(含ri)", None),
            ("resource_id", "resourceid", None),
            ("ResourceId", "resourceid", None),
        ];
        for (cell, key, cur) in cases {
            assert_eq!(fold(cell), (key.to_string(), cur), "{cell}");
        }
    }

    #[test]
    fn formats_are_detected_from_headers() {
        let cases = [
            ("账期,产品类型编码,产品类型,消费时间,使用开始时间,使用结束时间,交易时间,账单类型,资源ID,资源名称,使用量,应付金额(¥)", Format::Huawei),
            ("Resource ID,Service Type Code,Expenditure Time,Amount Due", Format::Huawei),
            ("资源ID,交易时间,应付金额", Format::Huawei),
            ("账期,产品Code,产品,消费时间,账单开始时间,账单结束时间,账单类型,实例ID,实例昵称,用量,应付金额", Format::Alibaba),
            ("InstanceID,UsageStartTime,UsageEndTime,PretaxAmount,ProductCode", Format::Alibaba),
            ("BilledCost,BillingCurrency,ChargeCategory,ChargePeriodEnd,ChargePeriodStart,ProviderName,ResourceId,ServiceName", Format::Focus),
        ];
        for (header, want) in cases {
            let b = detect(&row(header)).unwrap_or_else(|| panic!("{header} not detected"));
            assert_eq!(b.spec.format, want, "{header}");
        }
    }

    #[test]
    fn bindings_record_columns_and_currency() {
        let b = detect(&row(
            "资源ID,使用开始时间,使用结束时间,应付金额(¥),官网价(¥)",
        ))
        .unwrap();
        assert_eq!(b.col(Field::ResourceId), Some(0));
        assert_eq!(b.col(Field::UsageEnd), Some(2));
        assert_eq!(b.col(Field::Amount), Some(3));
        assert_eq!(b.name(Field::Amount), "应付金额(¥)");
        assert_eq!(b.header_currency, Some("CNY"));
    }

    #[test]
    fn unknown_headers_name_the_closest_format_and_what_it_lacks() {
        assert!(detect(&row("name,amount,date")).is_none());
        let (spec, miss) = closest(&row("资源ID,资源名称,使用开始时间"));
        assert_eq!(spec.format, Format::Huawei);
        assert_eq!(miss.len(), 1);
        assert_eq!(miss[0].0, Field::Amount);
        assert!(miss[0].1.contains(&"应付金额"));
    }
}
