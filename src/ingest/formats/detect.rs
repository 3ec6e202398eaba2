//! Which export format a header row belongs to: the format that binds every field it needs and
//! the most columns; and, when none does, the closest one and the columns it lacks (the error
//! users see, and what `inspect` shows).

use super::header::{bind, bind_partial, missing, Binding};
use super::{Field, FormatSpec, FORMATS};
use crate::error::{Error, Location};
use crate::model::Format;

/// Detects the format of a header row: the format that binds every field it needs and the most
/// columns overall.
pub fn detect(header: &[String]) -> Option<Binding> {
    FORMATS
        .iter()
        .filter_map(|spec| bind(spec, header))
        .max_by_key(|b| b.cols.iter().filter(|c| c.is_some()).count())
}

/// For a header no format accepts: the closest format and the fields it misses, with the
/// header names it looked for.
pub fn closest(header: &[String]) -> (&'static FormatSpec, Vec<(Field, Vec<&'static str>)>) {
    let best = FORMATS
        .iter()
        .map(|spec| bind_partial(spec, header))
        .max_by_key(|b| {
            // Prefer the format with the fewest missing fields, then the most bound columns.
            let bound = b.cols.iter().filter(|c| c.is_some()).count();
            (usize::MAX - missing(b).len(), bound)
        })
        .expect("FORMATS is not empty");
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

/// For an input whose header matches no format: the format that came closest, and the fields it
/// lacks with the header names it looked for.
#[derive(Debug, Clone)]
pub struct Closest {
    pub format: Format,
    pub missing: Vec<(Field, Vec<&'static str>)>,
    /// Line of the row that came closest.
    pub line: u64,
}

/// The closest format for the candidate header rows (cells and line), from the row closest to one.
pub fn closest_of(seen: &[(Vec<String>, u64)]) -> Option<Closest> {
    seen.iter()
        .filter(|(c, _)| c.len() > 1)
        .map(|(cells, line)| (closest(cells), *line))
        .min_by_key(|((_, m), _)| m.len())
        .map(|((spec, missing), line)| Closest {
            format: spec.format,
            missing,
            line,
        })
}

/// Detection failed on every candidate row (cells and line): name the closest format and what
/// it lacks, at the row closest to it.
pub fn no_format(path: &str, seen: &[(Vec<String>, u64)]) -> Error {
    let first_line = seen.first().map_or(1, |(_, l)| *l);
    let Some(Closest {
        format,
        missing: miss,
        line,
    }) = closest_of(seen)
    else {
        return Error::input(
            Location::at(path, first_line, None),
            "no header row found: expected a row of column names such as `资源ID`, `实例ID` or `ResourceId`",
        );
    };
    let wanted: Vec<String> = miss
        .iter()
        .map(|(f, names)| {
            format!(
                "{} ({})",
                f.meaning(),
                names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        })
        .collect();
    Error::input(
        Location::at(path, line, None),
        format!(
            "the header matches no known export format; the closest is {} ({}), which lacks: {}",
            format,
            super::title(format),
            wanted.join("; ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(s: &str) -> Vec<String> {
        s.split(',').map(String::from).collect()
    }

    #[test]
    fn formats_are_detected_from_headers() {
        let cases = [
            ("账期,产品类型编码,产品类型,消费时间,使用开始时间,使用结束时间,交易时间,账单类型,资源ID,资源名称,使用量,应付金额(¥)", Format::named("huawei")),
            ("Resource ID,Service Type Code,Expenditure Time,Amount Due", Format::named("huawei")),
            ("资源ID,交易时间,应付金额", Format::named("huawei")),
            ("账期,产品Code,产品,消费时间,账单开始时间,账单结束时间,账单类型,实例ID,实例昵称,用量,应付金额", Format::named("alibaba")),
            ("InstanceID,UsageStartTime,UsageEndTime,PretaxAmount,ProductCode", Format::named("alibaba")),
            ("BilledCost,BillingCurrency,ChargeCategory,ChargePeriodEnd,ChargePeriodStart,ProviderName,ResourceId,ServiceName", Format::named("focus")),
        ];
        for (header, want) in cases {
            let b = detect(&row(header)).unwrap_or_else(|| panic!("{header} not detected"));
            assert_eq!(b.spec.format, want, "{header}");
        }
    }

    #[test]
    fn unknown_headers_name_the_closest_format_and_what_it_lacks() {
        assert!(detect(&row("name,amount,date")).is_none());
        let (spec, miss) = closest(&row("资源ID,资源名称,使用开始时间"));
        assert_eq!(spec.format, Format::named("huawei"));
        assert_eq!(miss.len(), 1);
        assert_eq!(miss[0].0, Field::Amount);
        assert!(miss[0].1.contains(&"应付金额"));
    }
}
