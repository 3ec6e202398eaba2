//! Header rows: folding a header cell to a comparable key, and binding columns by name through a
//! format's alias table.

use super::{Field, FormatSpec, FORMATS};

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
    /// Every column's name, folded (see [`fold`]); empty for a column that cannot be read.
    /// Columns no field binds are compared by name across inputs (`ingest::identity`).
    pub header: Vec<String>,
}

impl Binding {
    /// A binding to nothing, for a scan value not yet filled.
    pub fn empty() -> Self {
        Binding {
            spec: FORMATS[0],
            cols: [None; Field::COUNT],
            names: Default::default(),
            header_currency: None,
            width: 0,
            header: Vec::new(),
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

pub fn bind_partial(spec: &'static FormatSpec, header: &[String]) -> Binding {
    let folded: Vec<(String, Option<&'static str>)> = header.iter().map(|h| fold(h)).collect();
    let mut b = Binding {
        spec,
        cols: [None; Field::COUNT],
        names: Default::default(),
        header_currency: None,
        width: header.len(),
        header: folded.iter().map(|(key, _)| key.clone()).collect(),
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

/// The fields a binding still lacks: a resource ID (unless the format may go without one), an
/// amount, and some time.
pub fn missing(b: &Binding) -> Vec<Field> {
    let mut out = Vec::new();
    for f in [Field::ResourceId, Field::Amount] {
        let optional = f == Field::ResourceId && b.spec.reading.id_optional;
        if b.col(f).is_none() && !optional {
            out.push(f);
        }
    }
    if [
        Field::UsageStart,
        Field::ChargeTime,
        Field::ExpenditureTime,
        Field::Day,
        Field::Cycle,
    ]
    .iter()
    .all(|f| b.col(*f).is_none())
    {
        out.push(Field::UsageStart);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::formats::detect::detect;

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
}
