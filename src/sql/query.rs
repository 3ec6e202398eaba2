//! The reconciliation as one SQL query: the same reading, normalization, matching,
//! classification, coverage and verdict rules as `check`, written against [`Dialect`].
//!
//! Every rule has a counterpart in Rust that the comments name; where a rule is data in Rust
//! (header aliases, kinds, the empty markers, the built-in ID patterns), the SQL is written
//! from that data. The query reads an export loaded as a table of text columns: it parses
//! times and amounts itself, so that the same cells give the same numbers on every engine.

use super::dialect::{Dialect, TIME_SCALE, WHITESPACE};
use super::kinds::{refund_tests, Test};
use super::pattern::{translate, Keep};
use crate::ids::normalize::UserRule;
use crate::ingest::formats::Field;
use crate::model::{Deletion, Format};
use chrono::{DateTime, Duration, Utc};
pub use patterns::*;
use spans::*;

/// Seconds from 0000-01-01T00:00:00Z to 1970-01-01T00:00:00Z: times are shifted by this before
/// integer division, so that every division the query makes is of non-negative numbers.
const SHIFT: i64 = 62_167_219_200;
const DAYS_0000_TO_1970: i64 = 719_528;

/// Everything the query is built from.
pub struct Spec<'a> {
    pub dialect: Dialect,
    pub format: Format,
    pub table: String,
    /// The column bound to each field (by `Field as usize`), as the table names it.
    pub columns: [Option<String>; Field::COUNT],
    /// The table's first column, when known: a totals row (`合计`, `Total`) is recognised by it.
    pub first_column: Option<String>,
    /// Currency of rows whose currency cell is empty (the header's suffix, else the format's).
    pub default_currency: String,
    /// Offset in seconds of times written without one (0 for FOCUS).
    pub naive_offset: i32,
    /// Register provider, fixed by the format (`None` for FOCUS: a column says it per row).
    pub fixed_provider: Option<&'static str>,
    pub deletions: &'a [Deletion],
    pub rules: &'a [UserRule],
    pub lag: Duration,
    pub window: Duration,
    pub grace: Duration,
    pub as_of: Option<DateTime<Utc>>,
    /// Read the register from this table instead of inlining it.
    pub register_table: Option<String>,
    /// Amounts per currency as maps (else one row per currency).
    pub maps: bool,
}

/// The columns of the register, inlined or loaded from `--register-table`.
pub const REGISTER_COLUMNS: [&str; 9] = [
    "idx",
    "resource_id",
    "resource_key",
    "product_key",
    "provider",
    "deleted_epoch",
    "grace_epoch",
    "window_epoch",
    "deleted_at",
];

/// Seconds since 1970 as an exact decimal with nine digits after the point.
pub fn epoch(t: DateTime<Utc>) -> String {
    let nanos = i128::from(t.timestamp()) * 1_000_000_000 + i128::from(t.timestamp_subsec_nanos());
    let sign = if nanos < 0 { "-" } else { "" };
    let n = nanos.unsigned_abs();
    format!("{sign}{}.{:09}", n / 1_000_000_000, n % 1_000_000_000)
}

/// The register as text rows in [`REGISTER_COLUMNS`] order (empty text for none).
pub fn register_rows(
    deletions: &[Deletion],
    grace: Duration,
    window: Duration,
) -> Vec<[String; 9]> {
    deletions
        .iter()
        .enumerate()
        .map(|(i, d)| {
            [
                i.to_string(),
                d.resource_id.clone().unwrap_or_default(),
                d.key().unwrap_or_default(),
                if d.resource_id.is_none() {
                    d.product
                        .as_deref()
                        .map(|p| p.trim().to_ascii_lowercase())
                        .unwrap_or_default()
                } else {
                    String::new()
                },
                d.provider.clone().unwrap_or_default(),
                epoch(d.deleted_at),
                epoch(d.deleted_at + grace),
                epoch(d.deleted_at + window),
                crate::time::rfc3339(d.deleted_at),
            ]
        })
        .collect()
}

/// The SQL query, and the caveats of translating the user's rules.
pub fn build(s: &Spec<'_>) -> (String, Vec<String>) {
    let mut b = Builder {
        d: s.dialect,
        s,
        ctes: Vec::new(),
        caveats: Vec::new(),
    };
    b.register();
    b.read();
    b.times();
    b.lines();
    b.coverage();
    b.normalize();
    b.hits();
    b.tallies();
    let select = b.result();
    let d = s.dialect;
    let mut ctes = b.ctes;
    let mut select = select;
    if d == Dialect::Spark {
        // Spark's analyzer resolves a reference to a common table expression one fixed-point
        // iteration after the expression itself, and runs every rule over the whole plan at
        // each iteration: a chain of fifty made analysis take tens of seconds. Those read once
        // are written where they are read, as subqueries.
        let mut i = 0;
        while i < ctes.len() {
            let name = ctes[i].0.clone();
            let uses: usize = ctes[i + 1..]
                .iter()
                .map(|(_, later)| references(d, later, &name))
                .sum::<usize>()
                + references(d, &select, &name);
            if uses != 1 {
                i += 1;
                continue;
            }
            let (_, body) = ctes.remove(i);
            let target = ctes[i..]
                .iter_mut()
                .map(|(_, later)| later)
                .chain(std::iter::once(&mut select))
                .find(|t| references(d, t, &name) == 1)
                .expect("a relation read once is read somewhere");
            *target = inline(d, target, &name, &body);
        }
    }
    let mut sql = String::from("WITH\n");
    let n = ctes.len();
    for (i, (name, body)) in ctes.iter().enumerate() {
        // DuckDB inlines a CTE at each reference; those read more than once are computed once
        // (planning the inlined copies took most of the time on small tables).
        let uses: usize = ctes[i + 1..]
            .iter()
            .map(|(_, later)| references(d, later, name))
            .sum::<usize>()
            + references(d, &select, name);
        let materialized = if d == Dialect::Duckdb && uses > 1 {
            "MATERIALIZED "
        } else {
            ""
        };
        // Spark inlines every deterministic CTE at each reference, and the plan of this query
        // then outgrows the driver; an always-true nondeterministic filter keeps a CTE read
        // more than once planned, and computed, once.
        let body = if d == Dialect::Spark && uses > 1 {
            format!("SELECT * FROM (\n{body}\n) AS once WHERE rand() >= 0")
        } else {
            body.clone()
        };
        sql.push_str(&format!(
            "{name} AS {materialized}(\n{body}\n){}\n",
            if i + 1 < n { "," } else { "" }
        ));
    }
    sql.push_str(&select);
    sql.push('\n');
    (sql, b.caveats)
}

struct Builder<'a, 'b> {
    d: Dialect,
    s: &'b Spec<'a>,
    ctes: Vec<(String, String)>,
    caveats: Vec<String>,
}

/// Fields the query reads, with the column alias each gets.
const READ: [(Field, &str); 14] = [
    (Field::ResourceId, "c_id"),
    (Field::ChildResourceId, "c_child"),
    (Field::ProductCode, "c_code"),
    (Field::ProductName, "c_pname"),
    (Field::UsageStart, "c_start"),
    (Field::UsageEnd, "c_end"),
    (Field::ChargeTime, "c_charge"),
    (Field::ExpenditureTime, "c_exp"),
    (Field::Kind, "c_kind"),
    (Field::Amount, "c_amount"),
    (Field::Usage, "c_usage"),
    (Field::Unit, "c_unit"),
    (Field::Currency, "c_cur"),
    (Field::Provider, "c_prov"),
];

/// Whether the trimmed text `x` is empty or an empty marker (`ingest::EMPTY_MARKERS`, any
/// ASCII case).
fn marker(d: Dialect, x: &str) -> String {
    let list: Vec<String> = crate::ingest::EMPTY_MARKERS
        .iter()
        .map(|m| d.lit(m))
        .collect();
    format!("{x} = '' OR {} IN ({})", d.lower_ascii(x), list.join(", "))
}

impl Builder<'_, '_> {
    fn cte(&mut self, name: &str, body: String) {
        self.ctes.push((name.to_string(), body));
    }

    fn lit(&self, s: &str) -> String {
        self.d.lit(s)
    }

    /// Group `k` (from 1) of `pattern` extracted from `x`.
    fn group(&self, x: &str, pattern: &str, k: usize) -> String {
        self.d
            .extract(x, &translate(pattern, Keep::Index(k)).pattern)
    }

    fn matches(&self, x: &str, pattern: &str) -> String {
        self.d
            .matches(x, &translate(pattern, Keep::Index(0)).pattern)
    }

    fn time_lit(&self, t: DateTime<Utc>) -> String {
        self.d.cast(&self.lit(&epoch(t)), &self.d.time_type())
    }

    fn seconds(&self, d: Duration) -> String {
        self.d
            .cast(&d.num_seconds().to_string(), &self.d.time_type())
    }

    fn int(&self, x: &str) -> String {
        self.d.try_cast(x, self.d.int_type())
    }

    /// A failure naming the cell, as `check` names file, line and column.
    fn fail(&self, what: &str, cell: &str, why: &str, ty: &str) -> String {
        self.d.error(
            &format!(
                "{} || {cell} || {}",
                self.lit(&format!("billrecon: {what}: `")),
                self.lit(&format!("` {why}"))
            ),
            ty,
        )
    }

    /// `reg`: one row per deletion (register rows and `--product` cleanups), in `check`'s order.
    fn register(&mut self) {
        let d = self.d;
        let text = d.text_type();
        let time = d.time_type();
        let body = match &self.s.register_table {
            Some(t) => {
                let col = |c: &str| format!("NULLIF({}, '')", d.cast(&d.ident(c), text));
                format!(
                    "SELECT {} AS idx, {} AS rid, {} AS rkey, {} AS rprod, {} AS rprov, {} AS d, {} AS dg, {} AS dw, {} AS dtext\nFROM {}",
                    d.cast(&d.ident("idx"), d.int_type()),
                    col("resource_id"),
                    col("resource_key"),
                    col("product_key"),
                    col("provider"),
                    d.cast(&d.ident("deleted_epoch"), &time),
                    d.cast(&d.ident("grace_epoch"), &time),
                    d.cast(&d.ident("window_epoch"), &time),
                    col("deleted_at"),
                    d.table(t)
                )
            }
            None => {
                let rows = register_rows(self.s.deletions, self.s.grace, self.s.window);
                let opt = |v: &str| {
                    if v.is_empty() {
                        d.cast("NULL", text)
                    } else {
                        d.cast(&d.lit(v), text)
                    }
                };
                let cols = [
                    "idx", "rid", "rkey", "rprod", "rprov", "d", "dg", "dw", "dtext",
                ];
                if rows.is_empty() {
                    let nulls: Vec<String> = cols
                        .iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let ty = match i {
                                0 => d.int_type().to_string(),
                                5..=7 => time.clone(),
                                _ => text.to_string(),
                            };
                            format!("{} AS {c}", d.cast("NULL", &ty))
                        })
                        .collect();
                    format!(
                        "SELECT {} FROM (SELECT 1 AS one) AS z WHERE 1 = 0",
                        nulls.join(", ")
                    )
                } else {
                    let values: Vec<Vec<String>> = rows
                        .iter()
                        .map(|r| {
                            vec![
                                d.cast(&r[0], d.int_type()),
                                opt(&r[1]),
                                opt(&r[2]),
                                opt(&r[3]),
                                opt(&r[4]),
                                d.cast(&d.lit(&r[5]), &time),
                                d.cast(&d.lit(&r[6]), &time),
                                d.cast(&d.lit(&r[7]), &time),
                                d.cast(&d.lit(&r[8]), text),
                            ]
                        })
                        .collect();
                    d.values(&cols, &values)
                }
            }
        };
        self.cte("reg", body);
    }

    /// `src`: the cells the rules read, trimmed, with the empty markers made empty
    /// ([`EMPTY_MARKERS`], `ingest::cells::value`); totals rows left out (`ingest::is_totals`).
    fn read(&mut self) {
        let d = self.d;
        let mut cols = Vec::new();
        for (f, alias) in READ {
            let e = match &self.s.columns[f as usize] {
                Some(name) => d.trim_ws(&format!(
                    "coalesce({}, '')",
                    d.cast(&d.ident(name), d.text_type())
                )),
                None => "''".to_string(),
            };
            cols.push(format!("{e} AS {alias}"));
        }
        let first = match &self.s.first_column {
            Some(name) => d.trim_ws(&format!(
                "coalesce({}, '')",
                d.cast(&d.ident(name), d.text_type())
            )),
            None => "''".into(),
        };
        cols.push(format!("{first} AS c_first"));
        self.cte(
            "src0",
            format!(
                "SELECT\n  {}\nFROM {}",
                cols.join(",\n  "),
                d.table(&self.s.table)
            ),
        );
        let mut vals: Vec<String> = READ
            .iter()
            .map(|(_, a)| format!("CASE WHEN {} THEN '' ELSE {a} END AS {a}", marker(d, a)))
            .collect();
        vals.push("c_first".into());
        let totals = format!(
            "({}) AND (substr(c_first, 1, 2) IN ('合计', '总计') OR {} = 'total')",
            marker(d, "c_id"),
            d.lower_ascii(&d.substr("c_first", "1", Some("5")))
        );
        let filter = if self.s.first_column.is_some() {
            format!("\nWHERE NOT ({totals})")
        } else {
            String::new()
        };
        self.cte(
            "src",
            format!("SELECT\n  {}\nFROM src0{filter}", vals.join(",\n  ")),
        );
        // IDs cleaned of one pair of surrounding quotes (`normalize::clean_id`), the provider
        // per row, and an expenditure time split into its range (`time::split_range`).
        let clean = |x: &str| {
            let mut arms = String::from("CASE");
            for (open, close) in [("\"", "\""), ("'", "'"), ("`", "`"), ("“", "”"), ("‘", "’")]
            {
                arms.push_str(&format!(
                    " WHEN {} >= 2 AND substr({x}, 1, 1) = {} AND substr({x}, {}, 1) = {} THEN {}",
                    d.length(x),
                    d.lit(open),
                    d.length(x),
                    d.lit(close),
                    d.trim_ws(&d.substr(x, "2", Some(&format!("{} - 2", d.length(x)))))
                ));
            }
            arms.push_str(&format!(" ELSE {x} END"));
            // A quoted marker (`'NULL'`) is a marker too (`ingest::cells::id_text`).
            format!(
                "CASE WHEN {} THEN '' ELSE {arms} END",
                marker(d, &format!("({arms})"))
            )
        };
        let provider = if self.s.columns[Field::Provider as usize].is_some() {
            let lower = d.lower_ascii("c_prov");
            let squeezed = d.delete_chars(&lower, &format!("{WHITESPACE}_-"));
            let mut arms = String::from("CASE WHEN c_prov = '' THEN 'focus'");
            for (key, names) in PROVIDER_NAMES {
                let list: Vec<String> = names.iter().map(|n| d.lit(n)).collect();
                arms.push_str(&format!(
                    " WHEN {squeezed} IN ({}) THEN {}",
                    list.join(", "),
                    d.lit(key)
                ));
            }
            arms.push_str(&format!(" ELSE {lower} END"));
            arms
        } else {
            d.lit(self.s.fixed_provider.unwrap_or(""))
        };
        let mut a = String::from("CASE");
        let mut bb = String::from("CASE");
        for sep in RANGE_SEPARATORS {
            let pos = d.strpos("c_exp", &d.lit(sep));
            a.push_str(&format!(
                " WHEN {pos} > 0 THEN {}",
                d.trim_ws(&d.substr("c_exp", "1", Some(&format!("{pos} - 1"))))
            ));
            bb.push_str(&format!(
                " WHEN {pos} > 0 THEN {}",
                d.trim_ws(&d.substr("c_exp", &format!("{pos} + {}", sep.chars().count()), None))
            ));
        }
        a.push_str(" ELSE '' END");
        bb.push_str(" ELSE '' END");
        let ranged: Vec<String> = RANGE_SEPARATORS
            .iter()
            .map(|sep| format!("{} > 0", d.strpos("c_exp", &d.lit(sep))))
            .collect();
        self.cte(
            "s1",
            format!(
                "SELECT src.*,\n  {} AS id,\n  {} AS child,\n  {provider} AS provider,\n  ({}) AS x_range,\n  {a} AS x_a,\n  {bb} AS x_b\nFROM src",
                clean("c_id"),
                clean("c_child"),
                ranged.join(" OR ")
            ),
        );
    }

    /// `lines`: every row with its times (usage window, else the time charged, as
    /// `ingest::Scan::row` reads them), amount, kind and currency; a cell `check` rejects fails
    /// the query.
    fn lines(&mut self) {
        let d = self.d;
        self.cte(
            "s2",
            "SELECT s1.*, ts.t AS ts_t, te.te AS te_t, tc.t AS tc_t, tx.t AS tx_t, ta.t AS ta_t, tb.te AS tb_t\nFROM s1\n  LEFT JOIN tm AS ts ON ts.x = s1.c_start\n  LEFT JOIN tm AS te ON te.x = s1.c_end\n  LEFT JOIN tm AS tc ON tc.x = s1.c_charge\n  LEFT JOIN tm AS tx ON tx.x = s1.c_exp\n  LEFT JOIN tm AS ta ON ta.x = s1.x_a\n  LEFT JOIN tm AS tb ON tb.x = s1.x_b".into(),
        );
        let bad = "is not a time: expected `YYYY-MM-DD HH:MM:SS`, optionally with an offset";
        let tt = d.time_type();
        let start0 = format!(
            "CASE WHEN c_start = '' THEN NULL WHEN ts_t IS NULL THEN {} ELSE ts_t END",
            self.fail("usage start", "c_start", bad, &tt)
        );
        let end0 = format!(
            "CASE WHEN c_end = '' THEN NULL WHEN te_t IS NULL THEN {} ELSE te_t END",
            self.fail("usage end", "c_end", bad, &tt)
        );
        self.cte(
            "s3",
            format!("SELECT s2.*, {start0} AS start0, {end0} AS end0\nFROM s2"),
        );
        let need = "(start0 IS NULL OR end0 IS NULL)";
        let start = format!(
            "CASE WHEN start0 IS NOT NULL THEN start0 WHEN {need} AND c_exp <> '' AND x_range THEN CASE WHEN ta_t IS NULL THEN {} ELSE ta_t END END",
            self.fail("expenditure time", "x_a", bad, &tt)
        );
        let end = format!(
            "CASE WHEN end0 IS NOT NULL THEN end0 WHEN {need} AND c_exp <> '' AND x_range THEN CASE WHEN tb_t IS NULL THEN {} ELSE tb_t END END",
            self.fail("expenditure time", "x_b", bad, &tt)
        );
        let charged = format!(
            "CASE WHEN NOT {need} THEN NULL WHEN c_charge <> '' THEN CASE WHEN tc_t IS NULL THEN {} ELSE tc_t END WHEN c_exp <> '' AND NOT x_range THEN CASE WHEN tx_t IS NULL THEN {} ELSE tx_t END END",
            self.fail("time charged", "c_charge", bad, &tt),
            self.fail("expenditure time", "c_exp", bad, &tt)
        );
        self.cte(
            "s4",
            format!(
                "SELECT s3.*, {start} AS u_start, {end} AS u_end, {charged} AS charged\nFROM s3"
            ),
        );
        let amount = self.decimal("c_amount", "amount");
        let refund = self.refund("c_kind");
        let currency = format!(
            "CASE WHEN c_cur = '' THEN {} ELSE {} END",
            d.lit(&self.s.default_currency),
            d.upper_ascii("c_cur")
        );
        let window_ok = format!(
            "CASE WHEN u_start IS NOT NULL AND u_end IS NOT NULL AND u_end < u_start THEN {} ELSE TRUE END",
            self.fail("usage end", "c_end", "is before usage start", "BOOLEAN")
        );
        self.cte(
            "lines",
            format!(
                "SELECT provider, c_code AS code, c_pname AS pname, id, child, u_start, u_end, charged,\n  {window_ok} AS window_ok,\n  {amount} AS amount,\n  c_usage, c_unit, {refund} AS refund, {currency} AS currency\nFROM s4"
            ),
        );
    }

    /// `cov`: per provider, how far the data is complete (`reconcile::coverage`, coverage
    /// settled once): the largest `usage end − max(lag, window)` over metered windows (a day or
    /// less, refunds and credits left out), else the latest end of a longer window, else the
    /// latest time charged, less the lag; or `--as-of` less the lag. Unlike `check`, purchases,
    /// taxes and adjustments of a day or less count here, and usage dated after the current time
    /// is not left out (the query is run later than it is written): both documented.
    fn coverage(&mut self) {
        let d = self.d;
        let lag = self.seconds(self.s.lag);
        self.cte(
            "cov0",
            format!(
                "SELECT provider,\n  max(CASE WHEN u_start IS NOT NULL AND u_end IS NOT NULL AND u_end - u_start <= 86400 AND NOT refund THEN CASE WHEN u_end - {lag} < u_start THEN u_end - {lag} ELSE u_start END END) AS metered_ct,\n  max(CASE WHEN u_start IS NOT NULL AND u_end IS NOT NULL AND u_end - u_start > 86400 THEN u_end END) AS long_end,\n  max(charged) AS charge,\n  count(amount) AS amounts, min(CASE WHEN window_ok THEN 1 ELSE 0 END) AS windows\nFROM lines GROUP BY provider"
            ),
        );
        let ct = match self.s.as_of {
            Some(t) => format!("{} - {lag}", self.time_lit(t)),
            None => format!("coalesce(metered_ct, long_end - {lag}, charge - {lag})"),
        };
        // `amounts` and `windows` are read so that no engine drops the checks of rows that
        // match nothing.
        self.cte(
            "cov",
            format!(
                "SELECT provider, CASE WHEN amounts >= 0 AND windows >= 0 THEN {ct} END AS ct\nFROM cov0"
            ),
        );
        self.cte(
            "covall",
            format!(
                "SELECT min(ct) AS min_ct, max(CASE WHEN ct IS NULL THEN 1 ELSE 0 END) AS any_null, {} AS n\nFROM cov",
                d.cast("count(*)", d.int_type())
            ),
        );
    }

    /// One pass of the rules over `x` (`Normalizer::pass`): the user's rules in file order within
    /// their scope, then the built-in ones; NULL when none applies.
    fn pass(&mut self, x: &str) -> String {
        let d = self.d;
        let fmt = self.s.format.name();
        let mut arms = Vec::new();
        for r in self.s.rules {
            let t = translate(r.pattern.as_str(), Keep::Named("id"));
            for c in &t.caveats {
                let msg = format!(
                    "rule `{}` ({}): {c}; the query may normalize some IDs differently from `check`",
                    r.name, r.origin
                );
                if !self.caveats.contains(&msg) {
                    self.caveats.push(msg);
                }
            }
            let mut scope = Vec::new();
            if let Some(p) = &r.provider {
                let p = p.to_ascii_lowercase();
                if !p.eq_ignore_ascii_case(fmt) {
                    scope.push(format!("{} = {}", d.lower_ascii("provider"), d.lit(&p)));
                }
            }
            if let Some(p) = &r.product {
                let p = d.lit(&p.to_ascii_lowercase());
                scope.push(format!(
                    "({} = {p} OR {} = {p})",
                    d.lower_ascii("code"),
                    d.lower_ascii("pname")
                ));
            }
            let ex = d.extract(x, &t.pattern);
            scope.push(format!("{ex} <> ''"));
            arms.push(format!("WHEN {} THEN {ex}", scope.join(" AND ")));
        }
        let modelarts = format!(
            "({} = 'hws.service.type.ma' OR {} > 0)",
            d.lower_ascii("code"),
            d.strpos(&d.lower_ascii("pname"), "'modelarts'")
        );
        arms.push(format!(
            "WHEN {modelarts} AND {} AND NOT {} THEN {}",
            self.matches(x, &modelarts_pattern()),
            self.matches(x, &modelarts_ambiguous()),
            self.group(x, &modelarts_pattern(), 1)
        ));
        arms.push(format!(
            "WHEN {ex} <> '' THEN {ex}",
            ex = self.group(x, ARN, 1)
        ));
        arms.push(format!(
            "WHEN {ex} <> '' THEN {ex}",
            ex = self.group(x, GCP, 1)
        ));
        format!("CASE {} END", arms.join("\n    "))
    }

    /// `nf`: each distinct (provider, product, ID) with its normalized ID (`Normalizer::normalize`:
    /// passes until no rule changes the ID, at most nine).
    fn normalize(&mut self) {
        self.cte(
            "ids",
            "SELECT DISTINCT provider, code, pname, id, child FROM lines".into(),
        );
        let keys = "provider, code, pname, id, child";
        let p1 = self.pass("id");
        self.cte("n1", format!("SELECT {keys}, {p1} AS p FROM ids"));
        self.cte(
            "n1b",
            format!("SELECT DISTINCT {keys}, coalesce(p, id) AS norm, p IS NULL AS done FROM n1"),
        );
        let mut prev = "n1b".to_string();
        for k in 2..=9 {
            let pk = self.pass("norm");
            let a = format!("n{k}");
            self.cte(
                &a,
                format!("SELECT {keys}, norm, done, CASE WHEN done THEN NULL ELSE {pk} END AS p FROM {prev}"),
            );
            let b = format!("n{k}b");
            self.cte(
                &b,
                format!("SELECT DISTINCT {keys}, CASE WHEN done OR p IS NULL OR p = norm THEN norm ELSE p END AS norm,\n  done OR p IS NULL OR p = norm AS done FROM {a}"),
            );
            prev = b;
        }
        let d = self.d;
        self.cte(
            "nf",
            format!(
                "SELECT {keys}, norm, {} AS norm_id FROM {prev}",
                d.lower_ascii("CASE WHEN norm = '' THEN child ELSE norm END")
            ),
        );
    }

    /// `hits`: which deletions each distinct ID tuple matches (`Matcher::select`): products of
    /// product-level cleanups by code or name; register IDs by the normalized ID, the ID as
    /// written, each `;` part of a composite ID, and the child resource ID; within the
    /// deletion's provider when it names one.
    ///
    /// The candidate keys are tagged `i:` (an ID) or `p:` (a product) and read from `nf` in one
    /// scan, plus one for the composite parts: Spark's analyzer inlines every reference of a
    /// common table expression, so each extra read of `nf` copies the whole plan above it.
    fn hits(&mut self) {
        let d = self.d;
        let keys = "provider, code, pname, id, child, norm_id";
        let tag = |t: &str, x: &str| format!("'{t}:' || {}", d.lower_ascii(x));
        let singles = d.array_rows(
            keys,
            "nf",
            &[
                tag("i", "norm"),
                format!("CASE WHEN norm <> id THEN {} ELSE 'i:' END", tag("i", "id")),
                tag("i", "child"),
                tag("p", "code"),
                tag("p", "pname"),
            ],
            "k",
        );
        let parts = d.split_rows(
            keys,
            "norm",
            "nf",
            &format!("{} > 0", d.strpos("norm", "';'")),
        );
        self.cte(
            "cand",
            format!(
                "SELECT {keys}, k FROM (\n  {singles}\n) AS s WHERE k <> 'i:'\nUNION ALL SELECT {keys}, {} FROM (\n  {parts}\n) AS p WHERE {} <> ''",
                tag("i", &d.trim_ws("part")),
                d.trim_ws("part"),
            ),
        );
        self.cte(
            "hits",
            "SELECT DISTINCT c.provider, c.code, c.pname, c.id, c.child, c.norm_id, r.idx\nFROM cand AS c JOIN (\n  SELECT idx, rprov, CASE WHEN rkey IS NULL THEN 'p:' || rprod ELSE 'i:' || rkey END AS k FROM reg\n) AS r ON r.k = c.k AND (r.rprov IS NULL OR r.rprov = c.provider)".into(),
        );
    }

    /// `m`: each matched line once per deletion it matches, classified against that deletion
    /// (`settle::classify`); `agg`: the tallies per deletion and resource (`tally::Tally`).
    fn tallies(&mut self) {
        let d = self.d;
        let usage = self.decimal("l.c_usage", "usage quantity");
        let t = format!(
            "CASE WHEN coalesce(l.u_start, l.charged) IS NULL THEN {} ELSE coalesce(l.u_start, l.charged) END",
            d.error(
                &d.lit("billrecon: a line of a deleted resource has no usage start and no time charged"),
                &d.time_type()
            )
        );
        self.cte(
            "m0",
            format!(
                "SELECT h.idx, CASE WHEN r.rkey IS NULL THEN h.norm_id ELSE '' END AS gid, l.provider, l.currency,\n  l.amount, l.refund, l.u_end, r.d, r.dg,\n  CASE WHEN l.c_usage = '' THEN NULL ELSE {usage} END AS qty, l.c_unit AS unit,\n  {t} AS t, cv.ct AS pct\nFROM lines AS l\n  JOIN hits AS h ON h.provider = l.provider AND h.code = l.code AND h.pname = l.pname AND h.id = l.id AND h.child = l.child\n  JOIN reg AS r ON r.idx = h.idx\n  LEFT JOIN cov AS cv ON cv.provider = l.provider"
            ),
        );
        self.cte(
            "m",
            "SELECT m0.*, CASE\n    WHEN amount < 0 OR refund THEN CASE WHEN t >= d THEN 'refund' ELSE 'earlier' END\n    WHEN t >= dg THEN CASE WHEN amount <> 0 OR qty > 0 THEN 'after' ELSE 'zero' END\n    WHEN u_end IS NOT NULL AND u_end > d THEN 'tail'\n    WHEN t >= d THEN 'tail'\n    ELSE 'earlier' END AS cls\nFROM m0".into(),
        );
        let int = d.int_type();
        self.cte(
            "aggc",
            format!(
                "SELECT idx, gid, currency,\n  {n} AS n_lines,\n  {after} AS n_after,\n  sum(CASE WHEN cls = 'after' THEN amount END) AS a_after,\n  sum(CASE WHEN cls = 'after' THEN coalesce(qty, 0) END) AS q_after,\n  min(CASE WHEN cls = 'after' AND qty IS NOT NULL THEN unit END) AS u_min,\n  max(CASE WHEN cls = 'after' AND qty IS NOT NULL THEN unit END) AS u_max,\n  min(CASE WHEN cls = 'after' THEN t END) AS first_t,\n  max(CASE WHEN cls = 'after' THEN t END) AS last_t,\n  {tail} AS n_tail,\n  sum(CASE WHEN cls = 'tail' THEN amount END) AS a_tail,\n  {refund} AS n_refund,\n  sum(CASE WHEN cls = 'refund' THEN amount END) AS a_refund,\n  min(pct) AS ct, min(provider) AS pmin, max(provider) AS pmax\nFROM m GROUP BY idx, gid, currency",
                n = d.cast("count(*)", int),
                after = d.cast("sum(CASE WHEN cls = 'after' THEN 1 ELSE 0 END)", int),
                tail = d.cast("sum(CASE WHEN cls = 'tail' THEN 1 ELSE 0 END)", int),
                refund = d.cast("sum(CASE WHEN cls = 'refund' THEN 1 ELSE 0 END)", int),
            ),
        );
        let mut cols = vec![
            "c.idx".to_string(),
            "c.gid".into(),
            d.cast("sum(c.n_lines)", int) + " AS n_lines",
            d.cast("sum(c.n_after)", int) + " AS n_after",
            "sum(c.q_after) AS q_after".into(),
            "min(c.u_min) AS u_min".into(),
            "max(c.u_max) AS u_max".into(),
            "min(c.first_t) AS first_t".into(),
            "max(c.last_t) AS last_t".into(),
            d.cast("sum(c.n_tail)", int) + " AS n_tail",
            "coalesce(max(CASE WHEN c.n_after > 0 THEN c.a_after END), 0) AS largest".into(),
            // Coverage of the providers whose lines mention the resource (`reconcile::assess`),
            // and the provider when there is one.
            "min(c.ct) AS ct".into(),
            "min(c.pmin) AS pmin".into(),
            "max(c.pmax) AS pmax".into(),
        ];
        if self.s.maps {
            cols.push(format!(
                "{} AS amount_after_deletion",
                d.map_agg("c.currency", "c.a_after", "c.n_after > 0")
            ));
            cols.push(format!(
                "{} AS tail_amount",
                d.map_agg("c.currency", "c.a_tail", "c.n_tail > 0")
            ));
            cols.push(format!(
                "{} AS refunds_after_deletion",
                d.map_agg("c.currency", "c.a_refund", "c.n_refund > 0")
            ));
        }
        self.cte(
            "agg",
            format!(
                "SELECT {}\nFROM aggc AS c GROUP BY c.idx, c.gid",
                cols.join(",\n  ")
            ),
        );
        // One entry per register row, one per resource found for a product-level row (or one
        // empty entry when it found none).
        let ct = "CASE WHEN a.idx IS NOT NULL THEN a.ct WHEN r.rprov IS NOT NULL THEN rc.ct WHEN ca.any_null = 1 THEN NULL ELSE ca.min_ct END";
        let zero_int = d.cast("0", int);
        let verdict = format!(
            "CASE WHEN coalesce(a.n_after, 0) > 0 THEN 'still_billing' WHEN ({ct}) IS NULL OR ({ct}) < r.dw THEN 'pending' WHEN coalesce(a.n_lines, 0) = 0 THEN 'not_in_bill' ELSE 'stopped' END"
        );
        let mut ent = vec![
            "r.idx".to_string(),
            "CASE WHEN r.rkey IS NULL THEN coalesce(a.gid, '') ELSE r.rid END AS resource_id"
                .into(),
            "coalesce(a.gid, '') AS gid".into(),
            "CASE WHEN r.rkey IS NULL THEN 'product' ELSE 'resource' END AS scope".into(),
            "coalesce(r.rprov, CASE WHEN a.pmin = a.pmax THEN a.pmin END) AS provider".into(),
            "r.dtext AS deleted_at".into(),
            "r.d AS deleted_epoch".into(),
            format!("{verdict} AS verdict"),
            format!("coalesce(a.n_lines, {zero_int}) AS lines"),
            format!("coalesce(a.n_after, {zero_int}) AS lines_after_deletion"),
            // Usage is never summed across units (`count::Tally::usage_after_deletion`).
            "CASE WHEN a.u_min <> a.u_max THEN NULL ELSE coalesce(a.q_after, 0) END AS usage_after_deletion".into(),
            "a.first_t".into(),
            "a.last_t".into(),
            format!("coalesce(a.n_tail, {zero_int}) AS tail_lines"),
            format!("({ct}) AS ct"),
            "coalesce(a.largest, 0) AS largest".into(),
        ];
        if self.s.maps {
            for m in [
                "amount_after_deletion",
                "tail_amount",
                "refunds_after_deletion",
            ] {
                ent.push(format!("coalesce(a.{m}, {}) AS {m}", d.empty_map()));
            }
        }
        self.cte(
            "ent",
            format!(
                "SELECT {}\nFROM reg AS r\n  LEFT JOIN agg AS a ON a.idx = r.idx\n  LEFT JOIN cov AS rc ON rc.provider = r.rprov\n  CROSS JOIN covall AS ca",
                ent.join(",\n  ")
            ),
        );
    }

    /// The rows, in `check`'s order: verdict, then the largest amount after deletion, then ID.
    fn result(&mut self) -> String {
        let rank = "CASE e.verdict WHEN 'still_billing' THEN 0 WHEN 'pending' THEN 1 WHEN 'not_in_bill' THEN 2 ELSE 3 END";
        let common_head = [
            "e.resource_id".to_string(),
            "e.scope".into(),
            "e.provider".into(),
            "e.deleted_at".into(),
            "e.verdict".into(),
            "e.lines".into(),
            "e.lines_after_deletion".into(),
        ];
        let common_tail = [
            "e.usage_after_deletion".to_string(),
            format!("{} AS first_after_deletion", self.rfc3339("e.first_t")),
            format!("{} AS last_after_deletion", self.rfc3339("e.last_t")),
            "e.tail_lines".into(),
        ];
        let ct = format!("{} AS complete_through", self.rfc3339("e.ct"));
        if self.s.maps {
            let mut cols: Vec<String> = common_head.to_vec();
            cols.push("e.amount_after_deletion".into());
            cols.extend(common_tail.iter().cloned());
            cols.push("e.tail_amount".into());
            cols.push("e.refunds_after_deletion".into());
            cols.push(ct);
            format!(
                "SELECT\n  {}\nFROM ent AS e\nORDER BY {rank}, e.largest DESC, e.resource_id, e.deleted_epoch, e.idx",
                cols.join(",\n  ")
            )
        } else {
            // One row per resource and currency (as `-f csv`); a resource with no amount in any
            // currency has one row with no currency.
            self.cte(
                "curr",
                "SELECT idx, gid, currency, a_after, n_after, a_tail, n_tail, a_refund, n_refund FROM aggc WHERE n_after > 0 OR n_tail > 0 OR n_refund > 0".into(),
            );
            let mut cols: Vec<String> = common_head.to_vec();
            cols.push("c.currency".into());
            cols.push("CASE WHEN c.n_after > 0 THEN c.a_after END AS amount_after_deletion".into());
            cols.extend(common_tail.iter().cloned());
            cols.push("CASE WHEN c.n_tail > 0 THEN c.a_tail END AS tail_amount".into());
            cols.push(
                "CASE WHEN c.n_refund > 0 THEN c.a_refund END AS refunds_after_deletion".into(),
            );
            cols.push(ct);
            format!(
                "SELECT\n  {}\nFROM ent AS e\n  LEFT JOIN curr AS c ON c.idx = e.idx AND c.gid = e.gid\nORDER BY {rank}, e.largest DESC, e.resource_id, e.deleted_epoch, e.idx, c.currency",
                cols.join(",\n  ")
            )
        }
    }
}

mod cells;
mod patterns;
mod spans;

#[cfg(test)]
mod tests;
