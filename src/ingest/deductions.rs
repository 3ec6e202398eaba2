//! The deduction columns, read once for every use: what covered a bill line instead of money
//! ([`Deductions`]), for the report's "billed at no charge" and the refund check's plan
//! switchover alike. Every row's deduction cells are checked (a file `inspect` reads cleanly is
//! one `check` reads cleanly); a matched row's are parsed, into reused buffers.
//!
//! Quantities may carry their unit in the cell (`20GB`, as Alibaba's API types
//! `DeductedByResourcePackage` as text); without one they are in the line's usage unit. FOCUS
//! binds `PricingCategory` as its plan column: `Committed` there means a commitment covered the
//! line, its other values (`Standard`, `Dynamic`, `Other`) that nothing did.

use super::cells::value;
use super::formats::Field;
use crate::model::Deductions;
use crate::money::parse_decimal;
use rust_decimal::Decimal;

/// The deduction fields, in the order they are read.
pub(super) const FIELDS: [Field; 3] = [Field::PlanUsage, Field::ReservedUsage, Field::SavingsPlan];

/// A row's deductions as read, kept in reusable buffers until the row is counted.
#[derive(Debug, Default)]
pub(super) struct Read {
    plan: Option<Decimal>,
    plan_unit: String,
    reserved: Option<Decimal>,
    reserved_unit: String,
    savings_plan: Option<Decimal>,
    committed: bool,
}

impl Read {
    /// Forgets the previous row's deductions.
    pub(super) fn clear(&mut self) {
        self.plan = None;
        self.plan_unit.clear();
        self.reserved = None;
        self.reserved_unit.clear();
        self.savings_plan = None;
        self.committed = false;
    }

    /// Reads one deduction cell (decoded text) of field `f`; the error says why it is none.
    pub(super) fn cell(&mut self, f: Field, text: &str) -> Result<(), String> {
        let t = value(text);
        if t.is_empty() {
            return Ok(());
        }
        match f {
            Field::PlanUsage if is_pricing_category(t) => {
                self.committed = t.eq_ignore_ascii_case("committed");
            }
            Field::PlanUsage | Field::ReservedUsage => {
                let (q, u) = quantity_with_unit(t)?;
                let (slot, unit) = if f == Field::PlanUsage {
                    (&mut self.plan, &mut self.plan_unit)
                } else {
                    (&mut self.reserved, &mut self.reserved_unit)
                };
                *slot = Some(q);
                unit.clear();
                unit.push_str(u);
            }
            Field::SavingsPlan => self.savings_plan = Some(parse_decimal(t)?),
            _ => {}
        }
        Ok(())
    }

    /// The deductions, with quantities that name no unit of their own in `line_unit`.
    pub(super) fn view<'a>(&'a self, line_unit: &'a str) -> Deductions<'a> {
        let unit = |u: &'a str| if u.is_empty() { line_unit } else { u };
        Deductions {
            plan: self.plan,
            plan_unit: unit(&self.plan_unit),
            reserved: self.reserved,
            reserved_unit: unit(&self.reserved_unit),
            savings_plan: self.savings_plan,
            committed: self.committed,
        }
    }
}

/// FOCUS `PricingCategory` values (1.0–1.3).
fn is_pricing_category(t: &str) -> bool {
    ["standard", "dynamic", "committed", "other"]
        .iter()
        .any(|c| t.eq_ignore_ascii_case(c))
}

/// A quantity cell: a number, optionally followed by its unit.
fn quantity_with_unit(t: &str) -> Result<(Decimal, &str), String> {
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(t.len());
    // A unit starting with `e`/`E` (`EB`) would be read as an exponent: back off to the last
    // digit or point when what follows is no number.
    let (mut num, mut unit) = t.split_at(split);
    if parse_decimal(num).is_err() {
        let digits = num.trim_end_matches(|c: char| !(c.is_ascii_digit() || c == '.'));
        unit = &t[digits.len()..];
        num = digits;
    }
    let q = parse_decimal(num).map_err(|_| format!("`{t}` is no quantity"))?;
    Ok((q, unit.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::dec;

    #[test]
    fn quantities_may_carry_their_unit() {
        for (cell, q, unit) in [
            ("20", "20", ""),
            ("20GB", "20", "GB"),
            ("0.5 小时", "0.5", "小时"),
            ("3EB", "3", "EB"),
            ("-1.5", "-1.5", ""),
            ("1e3", "1000", ""),
        ] {
            let (got, u) = quantity_with_unit(cell).unwrap();
            assert_eq!((got, u), (dec(q), unit), "{cell}");
        }
        for bad in ["GB", "abc", "..", "1.2.3GB"] {
            assert!(quantity_with_unit(bad).is_err(), "{bad}");
        }
    }

    fn read(cells: &[(Field, &str)]) -> Result<Read, String> {
        let mut r = Read::default();
        for (f, t) in cells {
            r.cell(*f, t)?;
        }
        Ok(r)
    }

    #[test]
    fn deductions_say_what_covered_a_line() {
        let r = read(&[
            (Field::PlanUsage, "1"),
            (Field::ReservedUsage, "2GB"),
            (Field::SavingsPlan, "0.00"),
        ])
        .unwrap();
        let d = r.view("小时");
        assert_eq!((d.plan, d.plan_unit), (Some(dec("1")), "小时"));
        assert_eq!((d.reserved, d.reserved_unit), (Some(dec("2")), "GB"));
        assert_eq!(d.savings_plan, Some(dec("0.00")));
        assert!(d.covered() && !d.committed);
        // The buffers are reused: nothing of the previous row stays.
        let mut r = r;
        r.clear();
        r.cell(Field::PlanUsage, "0").unwrap();
        let d = r.view("");
        assert!(!d.covered());
        assert_eq!(d.reserved_unit, "");
        assert!(read(&[(Field::SavingsPlan, "lots")]).is_err());
        assert!(read(&[(Field::PlanUsage, "abc")]).is_err());
    }

    #[test]
    fn covered_lines() {
        for (cell, want) in [
            ("0", false),
            ("0.00000000", false),
            ("", false),
            ("NULL", false),
            ("1", true),
            ("0.5", true),
            ("20GB", true),
            ("0GB", false),
            ("Committed", true),
            ("committed", true),
            ("Standard", false),
            ("Dynamic", false),
            ("-", false),
        ] {
            let d = read(&[(Field::PlanUsage, cell)]).unwrap();
            assert_eq!(d.view("").covered(), want, "{cell}");
        }
    }
}
