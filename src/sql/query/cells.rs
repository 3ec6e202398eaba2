//! The cell readings of the query: times, decimal amounts, refund kinds and RFC 3339 output,
//! written as SQL expressions (the parent builds the query around them).

use super::*;

impl Builder<'_, '_> {
    /// `tm`: every distinct time cell parsed once, as `time::parse_time` and `time::parse_end`
    /// read it: `t` the instant, `te` the instant as a usage end (`…:59:59` is the next second).
    pub(super) fn times(&mut self) {
        let d = self.d;
        self.cte(
            "tt",
            d.distinct_values(
                "s1",
                &["c_start", "c_end", "c_charge", "c_exp", "x_a", "x_b"],
            ),
        );
        let names = [
            "p_y", "p_sep1", "p_mo", "p_sep2", "p_d", "p_h", "p_mi", "p_s", "p_frac", "p_rest",
        ];
        let mut cols = vec![
            "x".to_string(),
            format!("{} AS p_ok", self.matches("x", TIME)),
        ];
        for (k, n) in names.iter().enumerate() {
            cols.push(format!("{} AS {n}", self.group("x", TIME, k + 1)));
        }
        self.cte("tp1", format!("SELECT {}\nFROM tt", cols.join(",\n  ")));
        let rest = d.trim_ws("p_rest");
        self.cte(
            "tp2",
            format!(
                "SELECT DISTINCT x, p_ok, p_sep1, p_sep2, p_frac, {y} AS y, {mo} AS mo, {dd} AS dd,\n  CASE WHEN p_h = '' THEN NULL ELSE {h} END AS hh, {mi} AS mi, {sec} AS ss, {rest} AS rest\nFROM tp1",
                y = self.int("p_y"),
                mo = self.int("p_mo"),
                dd = self.int("p_d"),
                h = self.int("p_h"),
                mi = self.int("CASE WHEN p_mi = '' THEN '0' ELSE p_mi END"),
                sec = self.int("CASE WHEN p_s = '' THEN '0' ELSE p_s END"),
            ),
        );
        let [oa, ob, oc] = offset_patterns();
        let zulu = format!("{} IN ('z', 'utc', 'gmt')", d.lower_ascii("rest"));
        let lead = format!("^(?:GMT|UTC)?[{WHITESPACE}]*([+-])");
        let sign = self.group("rest", &lead, 1);
        let oh = format!(
            "CASE WHEN {} THEN {} WHEN {} THEN {} WHEN {} THEN {} END",
            self.matches("rest", &oa),
            self.int(&self.group("rest", &oa, 2)),
            self.matches("rest", &ob),
            self.int(&self.group("rest", &ob, 2)),
            self.matches("rest", &oc),
            self.int(&self.group("rest", &oc, 2)),
        );
        let om = format!(
            "CASE WHEN {} THEN 0 WHEN {} THEN {} WHEN {} THEN {} END",
            self.matches("rest", &oa),
            self.matches("rest", &ob),
            self.int(&self.group("rest", &ob, 3)),
            self.matches("rest", &oc),
            self.int(&self.group("rest", &oc, 3)),
        );
        self.cte(
            "tp3",
            format!(
                "SELECT tp2.*, {zulu} AS zulu, {sign} AS osign, {oh} AS oh, {om} AS om\nFROM tp2"
            ),
        );
        let leap = format!(
            "({m4} = 0 AND {m100} <> 0 OR {m400} = 0)",
            m4 = d.imod("y", "4"),
            m100 = d.imod("y", "100"),
            m400 = d.imod("y", "400")
        );
        let dim = format!(
            "CASE WHEN mo = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END WHEN mo IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
        );
        let frac_zero = format!("(p_frac = '' OR {} = '')", d.delete_chars("p_frac", "0"));
        let naive = self.s.naive_offset;
        let offset = format!(
            "CASE WHEN rest = '' THEN {naive} WHEN zulu THEN 0 WHEN osign = '-' THEN -(oh * 3600 + om * 60) ELSE oh * 3600 + om * 60 END"
        );
        let ok = format!(
            "p_ok AND p_sep1 = p_sep2 AND mo BETWEEN 1 AND 12 AND dd BETWEEN 1 AND {dim}\n    AND (hh IS NULL OR hh < 24 AND mi < 60 AND ss < 60 OR hh = 24 AND mi = 0 AND ss = 0 AND {frac_zero})\n    AND (rest = '' OR zulu OR oh IS NOT NULL AND oh <= 14 AND om <= 59)"
        );
        self.cte(
            "tp4",
            format!(
                "SELECT DISTINCT x, p_frac, mo, dd, hh, mi, ss, {frac_zero} AS fz,\n  CASE WHEN {ok} THEN TRUE ELSE FALSE END AS ok,\n  y - CASE WHEN mo <= 2 THEN 1 ELSE 0 END AS yy,\n  {offset} AS off\nFROM tp3"
            ),
        );
        // Days from the civil date (H. Hinnant's days_from_civil), in integers.
        let era = d.idiv("yy + 400", "400");
        self.cte(
            "tp5",
            format!(
                "SELECT tp4.*, {era} - 1 AS era, yy + 400 - {era} * 400 AS yoe,\n  {doy} + dd - 1 AS doy\nFROM tp4 WHERE ok",
                doy = d.idiv(
                    "153 * (mo + CASE WHEN mo > 2 THEN -3 ELSE 9 END) + 2",
                    "5"
                )
            ),
        );
        let days = format!(
            "era * 146097 + yoe * 365 + {} - {} + doy - 719468",
            d.idiv("yoe", "4"),
            d.idiv("yoe", "100")
        );
        let time = d.time_type();
        let secs = format!("({days}) * 86400 + coalesce(hh, 0) * 3600 + mi * 60 + ss - off");
        let frac = d.cast(
            "CASE WHEN p_frac = '' THEN '0' ELSE '0.' || p_frac END",
            &time,
        );
        self.cte(
            "tp6",
            format!("SELECT DISTINCT x, fz, {secs} AS secs, {frac} AS frac\nFROM tp5"),
        );
        let inclusive = format!(
            "fz AND {} = 3599",
            d.imod(&format!("secs + {} + {SHIFT}", naive), "3600")
        );
        self.cte(
            "tm",
            format!(
                "SELECT x, {t} + frac AS t,\n  {t} + frac + CASE WHEN {inclusive} THEN 1 ELSE 0 END AS te\nFROM tp6",
                t = d.cast("secs", &time)
            ),
        );
    }

    /// An amount or quantity cell as `money::parse_decimal` reads it, or a failure.
    pub(super) fn decimal(&self, x: &str, what: &str) -> String {
        let d = self.d;
        let plus = format!("CASE WHEN substr({x}, 1, 1) = '+' THEN substr({x}, 2) ELSE {x} END");
        let t = format!(
            "CASE WHEN {} THEN {} ELSE {plus} END",
            self.matches(&plus, GROUPED),
            d.delete_chars(&plus, ",")
        );
        // Digits after the point once the exponent is applied: more than the query keeps
        // would be rounded, so they fail instead.
        let frac_digits = d.length(&self.group(&t, NUMBER, 2));
        let exp = format!("coalesce({}, 0)", self.int(&self.group(&t, NUMBER, 3)));
        let digits = format!("{} + {}", d.length(&self.group(&t, NUMBER, 1)), frac_digits);
        let money = d.money_type();
        let value = d.try_cast(&t, &money);
        format!(
            "CASE WHEN {x} = '' OR {} > 64 OR NOT {} THEN {}\n    WHEN {digits} > 28 OR {frac_digits} - {exp} > {scale} OR {exp} > 18 THEN {}\n    WHEN {value} IS NULL OR abs({value}) >= 1000000000000000000 THEN {}\n    ELSE {value} END",
            d.length(x),
            self.matches(&t, NUMBER_SHAPE),
            self.fail(what, x, "is not a number", &money),
            self.fail(what, x, "has more digits than the query keeps exactly", &money),
            self.fail(what, x, "is too large to add up: at most 18 digits before the decimal point", &money),
            scale = super::super::dialect::MONEY_SCALE,
        )
    }

    /// Whether a kind cell makes the line a refund or credit (see [`super::kinds`]).
    pub(super) fn refund(&self, k: &str) -> String {
        let d = self.d;
        let tests: Vec<String> = refund_tests(self.s.format)
            .iter()
            .map(|t| match *t {
                Test::Prefix(p) => format!(
                    "{} = {}",
                    d.substr(k, "1", Some(&p.chars().count().to_string())),
                    d.lit(p)
                ),
                Test::PrefixIc(p) => format!(
                    "{} = {}",
                    d.lower_ascii(&d.substr(k, "1", Some(&p.chars().count().to_string()))),
                    d.lit(p)
                ),
                Test::Contains(p) => format!("{} > 0", d.strpos(k, &d.lit(p))),
                Test::Equals(p) => format!("{k} = {}", d.lit(p)),
                Test::LowerEquals(p) => format!("{} = {}", d.lower_ascii(k), d.lit(p)),
                Test::FoldedEquals(p) => format!(
                    "{} = {}",
                    d.lower_ascii(&d.delete_chars(k, &format!("{WHITESPACE}-_"))),
                    d.lit(p)
                ),
            })
            .collect();
        format!("({})", tests.join(" OR "))
    }

    /// RFC 3339 text of a time column (as `time::rfc3339`: UTC, `Z`, fraction only when there
    /// is one, in groups of three digits).
    pub(super) fn rfc3339(&self, x: &str) -> String {
        let d = self.d;
        let int = d.int_type();
        let s0 = format!("({} + {SHIFT})", d.cast(&format!("floor({x})"), int));
        let days = format!("{} - {DAYS_0000_TO_1970}", d.idiv(&s0, "86400"));
        let sod = d.imod(&s0, "86400");
        let nanos = d.cast(&format!("({x} - floor({x})) * 1000000000"), int);
        let frac = format!(
            "CASE WHEN {nanos} = 0 THEN '' WHEN {} = 0 THEN '.' || {} WHEN {} = 0 THEN '.' || {} ELSE '.' || {} END",
            d.imod(&nanos, "1000000"),
            d.pad(&d.idiv(&nanos, "1000000"), 3),
            d.imod(&nanos, "1000"),
            d.pad(&d.idiv(&nanos, "1000"), 6),
            d.pad(&nanos, TIME_SCALE),
        );
        format!(
            "CASE WHEN {x} IS NULL THEN NULL ELSE {} || 'T' || {} || ':' || {} || ':' || {} || {frac} || 'Z' END",
            d.date_text(&days),
            d.pad(&d.idiv(&sod, "3600"), 2),
            d.pad(&d.idiv(&d.imod(&sod, "3600"), "60"), 2),
            d.pad(&d.imod(&sod, "60"), 2),
        )
    }
}
