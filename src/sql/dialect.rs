//! The four SQL dialects `billrecon sql` writes, as a table of spellings: quoting, casts,
//! regular expressions, integer arithmetic, errors, arrays and maps. The query in
//! [`super::query`] is written once against these functions; nothing else knows a dialect.

use clap::ValueEnum;

/// A warehouse SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Dialect {
    /// DuckDB (and MotherDuck)
    Duckdb,
    /// Spark SQL (Databricks, EMR, Huawei DLI, Alibaba EMR Serverless Spark)
    Spark,
    /// Trino (and Athena engine v3, Starburst)
    Trino,
    /// Google BigQuery (GoogleSQL)
    Bigquery,
}

/// Rust's `char::is_whitespace` (Unicode White_Space), the characters `str::trim` removes.
pub const WHITESPACE: &str = "\t\n\u{b}\u{c}\r \u{85}\u{a0}\u{1680}\u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}";

/// Digits of the fraction every time is kept to (nanoseconds, as chrono keeps them).
pub const TIME_SCALE: u32 = 9;
/// Digits after the point every amount is kept to; an amount with more is an error.
pub const MONEY_SCALE: u32 = 18;

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Duckdb => "duckdb",
            Dialect::Spark => "spark",
            Dialect::Trino => "trino",
            Dialect::Bigquery => "bigquery",
        }
    }

    /// Whether amounts per currency come back as a map (else: one row per currency).
    pub fn has_map(self) -> bool {
        self != Dialect::Bigquery
    }

    /// A string literal holding exactly `s`, whatever it contains: the text of a register ID or
    /// a pattern is data, never SQL.
    pub fn lit(self, s: &str) -> String {
        match self {
            // Standard SQL strings: a quote is doubled, a backslash is itself; control and
            // invisible characters are spliced in with chr() so the query text shows them.
            Dialect::Duckdb | Dialect::Trino => {
                let mut parts: Vec<String> = Vec::new();
                let mut run = String::new();
                for c in s.chars() {
                    if c.is_control() || (c.is_whitespace() && c != ' ') {
                        if !run.is_empty() {
                            parts.push(format!("'{}'", run.replace('\'', "''")));
                            run.clear();
                        }
                        parts.push(format!("chr({})", u32::from(c)));
                    } else {
                        run.push(c);
                    }
                }
                if !run.is_empty() || parts.is_empty() {
                    parts.push(format!("'{}'", run.replace('\'', "''")));
                }
                if parts.len() == 1 {
                    parts.remove(0)
                } else {
                    format!("({})", parts.join(" || "))
                }
            }
            // Backslash escapes (Spark's default parser, GoogleSQL): `''` would be two adjacent
            // literals in Spark, so quotes are escaped; control and other invisible characters
            // are written as \u escapes, which both read.
            Dialect::Spark | Dialect::Bigquery => {
                let mut out = String::with_capacity(s.len() + 2);
                out.push('\'');
                for c in s.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\'' => out.push_str("\\'"),
                        '"' => out.push_str("\\\""),
                        c if c.is_control() || (c.is_whitespace() && c != ' ') => {
                            out.push_str(&format!("\\u{:04X}", u32::from(c)))
                        }
                        c => out.push(c),
                    }
                }
                out.push('\'');
                out
            }
        }
    }

    /// A quoted identifier (a column name such as `应付金额(¥)`).
    pub fn ident(self, s: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Trino => format!("\"{}\"", s.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", s.replace('`', "``")),
            Dialect::Bigquery => format!("`{}`", s.replace('\\', "\\\\").replace('`', "\\`")),
        }
    }

    /// A table name: dot-separated parts, each quoted (BigQuery: the whole path in one pair of
    /// backticks, as `project.dataset.table` is written there).
    pub fn table(self, name: &str) -> String {
        match self {
            Dialect::Bigquery => self.ident(name),
            _ => name
                .split('.')
                .map(|p| self.ident(p))
                .collect::<Vec<_>>()
                .join("."),
        }
    }

    pub fn text_type(self) -> &'static str {
        match self {
            Dialect::Duckdb | Dialect::Trino => "VARCHAR",
            Dialect::Spark | Dialect::Bigquery => "STRING",
        }
    }

    pub fn int_type(self) -> &'static str {
        match self {
            Dialect::Bigquery => "INT64",
            _ => "BIGINT",
        }
    }

    /// Exact money: 38 digits, [`MONEY_SCALE`] after the point (BigQuery: BIGNUMERIC, 38 after).
    pub fn money_type(self) -> String {
        match self {
            Dialect::Bigquery => "BIGNUMERIC".into(),
            _ => format!("DECIMAL(38, {MONEY_SCALE})"),
        }
    }

    /// Seconds since 1970 to the nanosecond (BigQuery NUMERIC is exactly 38 digits, 9 after).
    pub fn time_type(self) -> String {
        match self {
            Dialect::Bigquery => "NUMERIC".into(),
            _ => format!("DECIMAL(24, {TIME_SCALE})"),
        }
    }

    pub fn cast(self, x: &str, ty: &str) -> String {
        format!("CAST({x} AS {ty})")
    }

    /// A cast that gives NULL instead of failing.
    pub fn try_cast(self, x: &str, ty: &str) -> String {
        match self {
            Dialect::Bigquery => format!("SAFE_CAST({x} AS {ty})"),
            Dialect::Spark => format!("try_cast({x} AS {ty})"),
            _ => format!("TRY_CAST({x} AS {ty})"),
        }
    }

    /// Whether `pattern` (a translated pattern, see [`super::pattern`]) matches somewhere in `x`.
    pub fn matches(self, x: &str, pattern: &str) -> String {
        let p = self.lit(pattern);
        match self {
            Dialect::Duckdb => format!("regexp_matches({x}, {p})"),
            Dialect::Spark | Dialect::Trino => format!("regexp_like({x}, {p})"),
            Dialect::Bigquery => format!("REGEXP_CONTAINS({x}, {p})"),
        }
    }

    /// The first capturing group of the first match of `pattern` (which has exactly one group,
    /// as BigQuery requires), or `''` when it does not match.
    pub fn extract(self, x: &str, pattern: &str) -> String {
        let p = self.lit(pattern);
        match self {
            Dialect::Duckdb | Dialect::Spark => format!("regexp_extract({x}, {p}, 1)"),
            Dialect::Trino => format!("coalesce(regexp_extract({x}, {p}, 1), '')"),
            Dialect::Bigquery => format!("coalesce(REGEXP_EXTRACT({x}, {p}), '')"),
        }
    }

    /// ASCII-only case folding, as Rust's `to_ascii_lowercase` (SQL `lower` folds every script).
    pub fn lower_ascii(self, x: &str) -> String {
        format!(
            "{}({x}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')",
            self.translate_fn()
        )
    }

    pub fn upper_ascii(self, x: &str) -> String {
        format!(
            "{}({x}, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')",
            self.translate_fn()
        )
    }

    /// `x` without any of the characters of `chars`.
    pub fn delete_chars(self, x: &str, chars: &str) -> String {
        format!("{}({x}, {}, '')", self.translate_fn(), self.lit(chars))
    }

    fn translate_fn(self) -> &'static str {
        match self {
            Dialect::Bigquery => "TRANSLATE",
            _ => "translate",
        }
    }

    /// `x` trimmed of Unicode whitespace at both ends, as Rust's `str::trim`.
    pub fn trim_ws(self, x: &str) -> String {
        let ws = self.lit(WHITESPACE);
        match self {
            Dialect::Duckdb | Dialect::Trino => format!("trim({x}, {ws})"),
            Dialect::Spark => format!("trim(BOTH {ws} FROM {x})"),
            Dialect::Bigquery => format!("TRIM({x}, {ws})"),
        }
    }

    /// 1-based position of `needle` in `x`, 0 when absent.
    pub fn strpos(self, x: &str, needle: &str) -> String {
        match self {
            Dialect::Spark => format!("instr({x}, {needle})"),
            Dialect::Bigquery => format!("STRPOS({x}, {needle})"),
            _ => format!("strpos({x}, {needle})"),
        }
    }

    pub fn substr(self, x: &str, from: &str, len: Option<&str>) -> String {
        match len {
            Some(l) => format!("substr({x}, {from}, {l})"),
            None => format!("substr({x}, {from})"),
        }
    }

    pub fn length(self, x: &str) -> String {
        format!("length({x})")
    }

    /// Integer division of non-negative integers.
    pub fn idiv(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Duckdb => format!("(({a}) // ({b}))"),
            Dialect::Spark => format!("(({a}) div ({b}))"),
            Dialect::Trino => format!("(({a}) / ({b}))"),
            Dialect::Bigquery => format!("DIV({a}, {b})"),
        }
    }

    /// Remainder of non-negative integers.
    pub fn imod(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Bigquery => format!("MOD({a}, {b})"),
            _ => format!("(({a}) % ({b}))"),
        }
    }

    /// Fails the query with `message` (a text expression starting `billrecon:`), as `check`
    /// exits 2 on bad input; `ty` is the type the expression stands in for. Trino's `fail` and
    /// BigQuery's `ERROR` are unknown to the parser the tests check those dialects with, so
    /// there the message is cast to `ty`, which no text starting `billrecon:` survives: the
    /// engine's cast error quotes the message.
    pub fn error(self, message: &str, ty: &str) -> String {
        match self {
            Dialect::Duckdb => format!("error({message})"),
            Dialect::Spark => format!("raise_error({message})"),
            Dialect::Trino | Dialect::Bigquery => format!("CAST({message} AS {ty})"),
        }
    }

    /// `YYYY-MM-DD` of the day `days` after 1970-01-01 (dates carry no time zone anywhere).
    pub fn date_text(self, days: &str) -> String {
        match self {
            Dialect::Duckdb => {
                format!("CAST(DATE '1970-01-01' + CAST({days} AS INTEGER) AS VARCHAR)")
            }
            Dialect::Spark => {
                format!("CAST(date_add(DATE '1970-01-01', CAST({days} AS INT)) AS STRING)")
            }
            Dialect::Trino => {
                format!("CAST(date_add('day', {days}, DATE '1970-01-01') AS VARCHAR)")
            }
            Dialect::Bigquery => {
                format!("CAST(DATE_ADD(DATE '1970-01-01', INTERVAL {days} DAY) AS STRING)")
            }
        }
    }

    /// `x` (an integer) as text, left-padded with zeros to `width`.
    pub fn pad(self, x: &str, width: u32) -> String {
        format!("lpad({}, {width}, '0')", self.cast(x, self.text_type()))
    }

    /// `SELECT <cols>, <part> FROM <from>` with one row per `;`-separated part of `x`, the part
    /// named `part`.
    pub fn split_rows(self, cols: &str, x: &str, from: &str, filter: &str) -> String {
        match self {
            Dialect::Duckdb => format!(
                "SELECT {cols}, unnest(string_split({x}, ';')) AS part FROM {from} WHERE {filter}"
            ),
            Dialect::Spark => format!(
                "SELECT {cols}, explode(split({x}, ';')) AS part FROM {from} WHERE {filter}"
            ),
            Dialect::Trino => format!(
                "SELECT {cols}, u.part FROM {from} CROSS JOIN UNNEST(split({x}, ';')) AS u(part) WHERE {filter}"
            ),
            Dialect::Bigquery => format!(
                "SELECT {cols}, part FROM {from} CROSS JOIN UNNEST(SPLIT({x}, ';')) AS part WHERE {filter}"
            ),
        }
    }

    /// `SELECT <cols>, <alias> FROM <from>` with one row per expression of `exprs` for each row
    /// of `from` (one scan where a `UNION ALL` of selects would read `from` once per expression).
    pub fn array_rows(self, cols: &str, from: &str, exprs: &[String], alias: &str) -> String {
        let list = exprs.join(", ");
        match self {
            Dialect::Duckdb => {
                format!("SELECT {cols}, unnest([{list}]) AS {alias} FROM {from}")
            }
            Dialect::Spark => {
                format!("SELECT {cols}, explode(array({list})) AS {alias} FROM {from}")
            }
            Dialect::Trino => format!(
                "SELECT {cols}, u.{alias} FROM {from} CROSS JOIN UNNEST(ARRAY[{list}]) AS u({alias})"
            ),
            Dialect::Bigquery => format!(
                "SELECT {cols}, {alias} FROM {from} CROSS JOIN UNNEST([{list}]) AS {alias}"
            ),
        }
    }

    /// `SELECT DISTINCT x FROM <from>` over the values of several text columns of each row.
    pub fn distinct_values(self, from: &str, exprs: &[&str]) -> String {
        let list = exprs.join(", ");
        match self {
            Dialect::Duckdb => format!(
                "SELECT DISTINCT x FROM (SELECT unnest([{list}]) AS x FROM {from}) AS u WHERE x <> ''"
            ),
            Dialect::Spark => format!(
                "SELECT DISTINCT x FROM (SELECT explode(array({list})) AS x FROM {from}) AS u WHERE x <> ''"
            ),
            Dialect::Trino => format!(
                "SELECT DISTINCT u.x FROM {from} CROSS JOIN UNNEST(ARRAY[{list}]) AS u(x) WHERE u.x <> ''"
            ),
            Dialect::Bigquery => format!(
                "SELECT DISTINCT x FROM {from} CROSS JOIN UNNEST([{list}]) AS x WHERE x <> ''"
            ),
        }
    }

    /// An empty currency → amount map of the money type.
    pub fn empty_map(self) -> String {
        match self {
            Dialect::Duckdb => format!("CAST(MAP {{}} AS MAP(VARCHAR, {}))", self.money_type()),
            Dialect::Spark => format!("CAST(map() AS MAP<STRING, {}>)", self.money_type()),
            Dialect::Trino => format!("CAST(MAP() AS MAP(VARCHAR, {}))", self.money_type()),
            Dialect::Bigquery => unreachable!("BigQuery has no map type"),
        }
    }

    /// An aggregate: the map currency → amount over the rows where `cond` holds (an empty map
    /// when none does). Only for dialects with maps.
    pub fn map_agg(self, key: &str, value: &str, cond: &str) -> String {
        match self {
            Dialect::Duckdb => format!(
                "coalesce(map_from_entries(list(struct_pack(k := {key}, v := {value})) FILTER (WHERE {cond})), {})",
                self.empty_map()
            ),
            Dialect::Spark => format!(
                "map_from_entries(collect_list(CASE WHEN {cond} THEN struct({key}, {value}) END))"
            ),
            Dialect::Trino => format!(
                "coalesce(map_from_entries(array_agg(ROW({key}, {value})) FILTER (WHERE {cond})), {})",
                self.empty_map()
            ),
            Dialect::Bigquery => unreachable!("BigQuery has no map type"),
        }
    }

    /// Rows of constants as a relation with the given column names. Every value is already a
    /// typed SQL expression.
    pub fn values(self, cols: &[&str], rows: &[Vec<String>]) -> String {
        match self {
            Dialect::Bigquery => {
                let structs: Vec<String> = rows
                    .iter()
                    .map(|r| {
                        let fields: Vec<String> = r
                            .iter()
                            .zip(cols)
                            .map(|(v, c)| format!("{v} AS {c}"))
                            .collect();
                        format!("STRUCT({})", fields.join(", "))
                    })
                    .collect();
                format!(
                    "SELECT * FROM UNNEST([\n    {}\n  ])",
                    structs.join(",\n    ")
                )
            }
            _ => {
                let tuples: Vec<String> =
                    rows.iter().map(|r| format!("({})", r.join(", "))).collect();
                format!(
                    "SELECT * FROM (VALUES\n    {}\n  ) AS v({})",
                    tuples.join(",\n    "),
                    cols.join(", ")
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_keep_quotes_and_backslashes_as_data() {
        let id = r"it's a \'; DROP TABLE x; --";
        assert_eq!(Dialect::Duckdb.lit(id), r"'it''s a \''; DROP TABLE x; --'");
        assert_eq!(Dialect::Spark.lit(id), r"'it\'s a \\\'; DROP TABLE x; --'");
        assert_eq!(Dialect::Bigquery.lit("a\nb"), r"'a\u000Ab'");
    }

    #[test]
    fn identifiers_are_quoted_per_dialect() {
        assert_eq!(Dialect::Duckdb.ident("应付金额(¥)"), "\"应付金额(¥)\"");
        assert_eq!(Dialect::Spark.ident("a`b"), "`a``b`");
        assert_eq!(
            Dialect::Trino.table("hive.bills.huawei"),
            "\"hive\".\"bills\".\"huawei\""
        );
        assert_eq!(Dialect::Bigquery.table("proj.ds.focus"), "`proj.ds.focus`");
    }

    #[test]
    fn whitespace_is_what_rust_trims() {
        let all: String = (0..0x3001u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        assert_eq!(all, WHITESPACE);
    }
}
