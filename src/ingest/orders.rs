//! Reading what an unsubscription needs of a matched line beyond a tally's cells: vouchers,
//! original price and subscription period of an order, the unsubscription-fee column (whether
//! a plan covered the line is `ingest::deductions`' reading). Only the lines the deciding side asks for
//! (`Count::wants_extras`: those an unsubscription matched) are read this way.

use super::formats::Field;
use crate::model::{LineExtras as Extras, LineKind, Period, Unit};
use crate::money::parse_decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// A row error: the column (1-based) and the message.
pub type CellError = (Option<usize>, String);

/// The cells of one line, by field, already decoded and cleaned of empty markers.
pub trait Cells {
    fn text(&mut self, f: Field) -> Option<&str>;
    /// The 1-based column of a field, for messages.
    fn column(&self, f: Field) -> Option<usize>;
}

/// The line's extras. `kind` decides which cells matter: an order's payment and period, a
/// refund's or fee's fee column; `covered` is what the deduction columns said.
pub fn read(
    cells: &mut dyn Cells,
    kind: LineKind,
    product_code: &str,
    covered: bool,
) -> Result<Extras, CellError> {
    let mut x = Extras {
        ecs: product_code.eq_ignore_ascii_case("ecs"),
        ..Extras::default()
    };
    if matches!(kind, LineKind::Purchase | LineKind::Renewal) {
        // A voucher column, even empty, is the payment split: an empty cell is no voucher.
        if cells.column(Field::Vouchers).is_some() {
            x.vouchers = Some(amount(cells, Field::Vouchers)?.unwrap_or_default());
        }
        x.original_price = amount(cells, Field::OriginalPrice)?;
        x.period = period(cells)?;
    }
    x.fee = amount(cells, Field::Fee)?;
    x.covered = covered;
    Ok(x)
}

fn amount(cells: &mut dyn Cells, f: Field) -> Result<Option<Decimal>, CellError> {
    let col = cells.column(f);
    match cells.text(f) {
        None | Some("") => Ok(None),
        Some(t) => parse_decimal(t)
            .map(Some)
            .map_err(|m| (col, format!("{}: {m}", f.meaning()))),
    }
}

/// `订单周期数` × `订单周期单位` (Huawei), `服务时长` × `时长单位` (Alibaba). Without a unit the
/// count means nothing (Alibaba writes a pay-as-you-go line's seconds there).
fn period(cells: &mut dyn Cells) -> Result<Option<Period>, CellError> {
    let unit_col = cells.column(Field::PeriodUnit);
    let Some(unit_text) = cells.text(Field::PeriodUnit).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let Some(unit) = unit_of(unit_text) else {
        return Err((
            unit_col,
            format!("order period unit `{unit_text}`: expected year, month, day or hour (年, 月, 天, 小时)"),
        ));
    };
    let count_col = cells.column(Field::PeriodCount);
    let Some(count_text) = cells.text(Field::PeriodCount).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let count = parse_decimal(count_text)
        .ok()
        .filter(|d| d.fract().is_zero() && *d > Decimal::ZERO)
        .and_then(|d| d.to_u32());
    match count {
        Some(count) => Ok(Some(Period { count, unit })),
        None => Err((
            count_col,
            format!("order periods `{count_text}`: expected a whole number above 0"),
        )),
    }
}

/// A period unit as the consoles and APIs write it (Huawei's API codes: 19 year, 20 month,
/// 24 day, 25 hour).
pub fn unit_of(s: &str) -> Option<Unit> {
    let t = s.trim().to_ascii_lowercase();
    Some(match t.as_str() {
        "年" | "包年" | "year" | "years" | "yearly" | "y" | "19" => Unit::Year,
        "月" | "个月" | "包月" | "month" | "months" | "monthly" | "mo" | "20" => Unit::Month,
        "天" | "日" | "day" | "days" | "daily" | "d" | "24" => Unit::Day,
        "小时" | "时" | "hour" | "hours" | "hourly" | "h" | "25" => Unit::Hour,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_units() {
        for (cell, want) in [
            ("月", Some(Unit::Month)),
            ("Month", Some(Unit::Month)),
            ("20", Some(Unit::Month)),
            ("年", Some(Unit::Year)),
            ("Year", Some(Unit::Year)),
            ("天", Some(Unit::Day)),
            ("小时", Some(Unit::Hour)),
            ("25", Some(Unit::Hour)),
            ("fortnight", None),
        ] {
            assert_eq!(unit_of(cell), want, "{cell}");
        }
    }

    struct Row(Vec<(Field, &'static str)>);

    impl Cells for Row {
        fn text(&mut self, f: Field) -> Option<&str> {
            self.0.iter().find(|(g, _)| *g == f).map(|(_, t)| *t)
        }
        fn column(&self, f: Field) -> Option<usize> {
            self.0.iter().position(|(g, _)| *g == f).map(|i| i + 1)
        }
    }

    #[test]
    fn order_cells() {
        let mut row = Row(vec![
            (Field::Vouchers, "10.00"),
            (Field::OriginalPrice, "310"),
            (Field::PeriodCount, "1"),
            (Field::PeriodUnit, "月"),
            (Field::PlanUsage, "0"),
        ]);
        let x = read(&mut row, LineKind::Purchase, "ecs", false).unwrap();
        assert_eq!(x.vouchers, Some(Decimal::TEN));
        assert_eq!(x.original_price, Some(Decimal::from(310)));
        assert_eq!(
            x.period,
            Some(Period {
                count: 1,
                unit: Unit::Month
            })
        );
        assert!(x.ecs && !x.covered);
        // A usage line's cells are not an order's.
        let x = read(&mut row, LineKind::Usage, "", false).unwrap();
        assert_eq!((x.vouchers, x.period), (None, None));
        // An empty voucher cell is no voucher, not an unknown split.
        let mut empty = Row(vec![(Field::Vouchers, "")]);
        assert_eq!(
            read(&mut empty, LineKind::Renewal, "", false)
                .unwrap()
                .vouchers,
            Some(Decimal::ZERO)
        );
        let mut none = Row(vec![]);
        assert_eq!(
            read(&mut none, LineKind::Renewal, "", false)
                .unwrap()
                .vouchers,
            None
        );
        // Bad cells name their column.
        for (cells, col, msg) in [
            (
                vec![(Field::PeriodCount, "1.5"), (Field::PeriodUnit, "月")],
                1,
                "order periods",
            ),
            (
                vec![(Field::PeriodCount, "1"), (Field::PeriodUnit, "fortnight")],
                2,
                "order period unit",
            ),
            (vec![(Field::Vouchers, "ten")], 1, "vouchers"),
        ] {
            let e = read(&mut Row(cells), LineKind::Purchase, "", false).unwrap_err();
            assert_eq!(e.0, Some(col));
            assert!(e.1.starts_with(msg), "{}", e.1);
        }
    }
}
