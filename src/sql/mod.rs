//! `billrecon sql`: the reconciliation `check` does, written as one SQL query for a warehouse
//! engine (DuckDB, Spark, Trino/Athena, BigQuery) to run where the bills are.
//!
//! The register, products, rules and settings are read exactly as `check` reads them; the query
//! is built by [`query`] against the dialect table of [`dialect`]; user patterns are rewritten
//! by [`pattern`]; refund vocabularies come from [`kinds`].

pub mod dialect;
pub mod kinds;
pub mod pattern;
pub mod query;

use crate::error::{Error, Location, Result};
use crate::exit::Exit;
use crate::ingest::formats::header::{self, fold};
use crate::ingest::formats::{self as formats, Field, FormatSpec};
use crate::model::{Deletion, Format};
use clap::{Args, ValueEnum};
use dialect::Dialect;
use std::path::PathBuf;

pub const AFTER_LONG_HELP: &str = "\
The query reads a table whose columns are the export's header names, every column text (as a
warehouse loads a CSV), and returns one row per entry of `check -f json`'s `resources`:
resource_id, scope, provider, deleted_at, verdict, lines, lines_after_deletion,
amount_after_deletion, usage_after_deletion, first_after_deletion, last_after_deletion,
tail_lines, tail_amount, refunds_after_deletion, complete_through. Amounts are exact decimals
(38 digits, 18 after the point), per currency: a map on DuckDB, Spark and Trino; on BigQuery
(no map type) one row per resource and currency with a `currency` column, as `-f csv` does
(`--amounts rows` gives that shape on the others too).

Columns: by default the names of the console's standard export (Huawei `资源ID`, `应付金额(¥)`,
…; Alibaba `实例ID`, `应付金额`, …; FOCUS `ResourceId`, `BilledCost`, …). `--header-of EXPORT`
binds them from an export's header as `check` would; `--column MEANING=NAME` renames one (an
empty NAME: the table has no such column). Meanings: resource_id, child_resource_id,
product_code, product, usage_start, usage_end, charge_time, expenditure_time, kind, amount,
usage, unit, currency, provider, and `first` (the first column, by which a `合计`/`Total` totals row
is recognised and left out; known from --header-of).

Same rules as check: empty markers (`-`, `--`, `NULL` in any case, `\"\"`), usage never summed
across units (usage_after_deletion is null when they differ), times in --tz (UTC for FOCUS) in every form
check reads, inclusive `…:59:59` ends, the ModelArts UUID suffix, composite `;` IDs, ARNs, GCP
full names, user rules, refund and zero-line classification, per-provider coverage, the verdict
order; a cell check rejects (a bad time or amount) fails the query. Where the query differs:
  - one table is one input: check counts a line that two export files both hold once; a table
    holding both counts it twice. Load each export once.
  - amounts with more than 18 digits after the point fail the query (check keeps 28).
  - user rules: `\\d`, `\\s` and `\\w` are rewritten to Rust's Unicode classes; `\\b`, POSIX
    classes, `\\p{..}` names and flags other than i, m, s may read differently (a warning names
    the rule).
  - Trino and BigQuery: the query is checked by a parser (sqlglot), not run; casting a
    scientific-notation amount (`173E-2`, FOCUS) to DECIMAL/BIGNUMERIC is what the engines
    document, unverified here.
  - coverage: refunds and credits are left out, other kinds of line with a window of a day or
    less count (check counts metered usage only); usage dated after the current time is not left
    out (the query runs later than it is written).
  - billing-item files dated by day or billing cycle only (Alibaba `日期`, `账期`) are refused.
  - usage by unit, lines billed at no charge, deductions and billing items are check's only.
  - the register is inlined as VALUES; Athena caps a query at 256 KB: past that, write it with
    --register-table and --register-csv and load the CSV as that table (all columns text).

Worked examples: load the export as a table of text columns, print the query, run it there.
  DuckDB (`all_varchar` keeps every cell text):
    duckdb bills.db -c \"CREATE TABLE bill AS SELECT * FROM
      read_csv('huawei-2026-10.csv', all_varchar = true, header = true)\"
    billrecon sql --dialect duckdb --source huawei --table bill --deleted deleted.csv > recon.sql
    duckdb bills.db < recon.sql
  Spark (pyspark, Databricks, DLI, EMR: the CSV reader keeps every column a string; `escape`
  reads the doubled quotes of the console's quoted cells, which Spark's default `\\` would not):
    spark.read.option(\"header\", True).option(\"escape\", '\"').csv(\"obs://bills/2026-10/\") \\
        .createOrReplaceTempView(\"bill\")
    billrecon sql --dialect spark --source huawei --table bill --deleted deleted.csv > recon.sql
    spark.sql(open(\"recon.sql\").read()).show(truncate=False)
  Trino or Athena (a FOCUS export on S3; Athena lower-cases column names, so name each one):
    CREATE EXTERNAL TABLE focus_export (billedcost string, billingcurrency string, ...,
      resourceid string, servicename string) ROW FORMAT SERDE
      'org.apache.hadoop.hive.serde2.OpenCSVSerde' LOCATION 's3://billing/focus/'
      TBLPROPERTIES ('skip.header.line.count' = '1');
    billrecon sql --dialect trino --source focus --table focus_export --deleted deleted.csv \\
      --column amount=billedcost --column currency=billingcurrency ... > recon.sql
    trino --catalog hive --schema billing -f recon.sql  (Athena: paste it in the console)
  BigQuery (a CSV loaded with every column STRING):
    bq load --source_format=CSV --skip_leading_rows=1 billing.focus focus.csv schema.json
    billrecon sql --dialect bigquery --source focus --table my-project.billing.focus \\
      --deleted deleted.csv > recon.sql
    bq query --use_legacy_sql=false < recon.sql
  A register too large to inline (Athena's 256 KB cap):
    billrecon sql --dialect trino --source focus --table focus_export --deleted big.csv \\
      --register-table billing.deletions --register-csv deletions.csv > recon.sql";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    Huawei,
    Alibaba,
    Focus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AmountsArg {
    /// A map currency → amount per resource
    Map,
    /// One row per resource and currency
    Rows,
}

#[derive(Debug, Args)]
pub struct SqlArgs {
    /// SQL dialect of the warehouse engine
    #[arg(long, value_enum)]
    pub dialect: Dialect,

    /// Export format the table holds [default: the format of --header-of]
    #[arg(long, value_enum, required_unless_present = "header_of")]
    pub source: Option<SourceArg>,

    /// The table holding the export (dot-separated parts are quoted one by one)
    #[arg(long, value_name = "NAME")]
    pub table: String,

    /// Bind the columns from this export's header, as `check` binds them
    #[arg(long, value_name = "EXPORT")]
    pub header_of: Option<PathBuf>,

    /// A column named otherwise in the table: MEANING=NAME (empty NAME: no such column);
    /// repeatable
    #[arg(long, value_name = "MEANING=NAME")]
    pub column: Vec<String>,

    /// Deletion register, as for `check`
    #[arg(long, value_name = "REGISTER", required_unless_present = "product")]
    pub deleted: Option<PathBuf>,

    /// A product-level cleanup, as for `check`; repeatable
    #[arg(long, value_name = "NAME", requires = "cleaned_at")]
    pub product: Vec<String>,

    /// When the matching --product was cleaned up
    #[arg(long, value_name = "TIME", requires = "product")]
    pub cleaned_at: Vec<String>,

    /// Extra ID-normalization rules (TOML), as for `check`
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,

    #[command(flatten)]
    pub timing: crate::cli::Timing,

    /// Read the register from this table instead of inlining it (write it with --register-csv)
    #[arg(long, value_name = "NAME", requires = "register_csv")]
    pub register_table: Option<String>,

    /// Write the register as CSV to FILE, to load as --register-table
    #[arg(long, value_name = "FILE", requires = "register_table")]
    pub register_csv: Option<PathBuf>,

    /// Amounts per currency as a map or one row per currency [default: map, rows on BigQuery]
    #[arg(long, value_enum)]
    pub amounts: Option<AmountsArg>,

    /// No warnings
    #[arg(short, long)]
    pub quiet: bool,
}

/// The `--column` meanings and the fields they name.
const MEANINGS: [(&str, Field); 16] = [
    ("resource_id", Field::ResourceId),
    ("child_resource_id", Field::ChildResourceId),
    ("resource_name", Field::ResourceName),
    ("product_code", Field::ProductCode),
    ("product", Field::ProductName),
    ("usage_start", Field::UsageStart),
    ("usage_end", Field::UsageEnd),
    ("charge_time", Field::ChargeTime),
    ("expenditure_time", Field::ExpenditureTime),
    ("kind", Field::Kind),
    ("charge_class", Field::ChargeClass),
    ("amount", Field::Amount),
    ("usage", Field::Usage),
    ("unit", Field::Unit),
    ("currency", Field::Currency),
    ("provider", Field::Provider),
];

/// The header of each console's standard export: the default column names are what `check`
/// binds in it.
fn standard_header(format: Format) -> &'static str {
    match format.name() {
        "huawei" => "账期,企业项目ID,企业项目,账号,产品类型编码,产品类型,产品编码,产品,计费模式,消费时间,使用开始时间,使用结束时间,订单号/交易号,交易时间,账单类型,资源ID,资源名称,资源标签,区域编码,区域,使用量类型编码,单价(¥),单价单位,使用量,使用量单位,官网价(¥),优惠金额(¥),应付金额(¥),现金支付(¥),代金券抵扣(¥),欠费金额(¥)",
        "alibaba" => "账期,财务单元,账号ID,账号,Owner账号,产品Code,产品,产品明细Code,产品明细,消费类型,消费时间,账单开始时间,账单结束时间,服务时长,订单号/账单号,账单类型,计费方式,实例ID,实例昵称,资源组,实例标签,实例配置,实例规格,公网IP,私网IP,地域,可用区,计费项,单价,单价单位,用量,用量单位,资源包抵扣,原价,优惠金额,优惠券抵扣,应付金额,现金支付,代金券抵扣,储值卡支付金额,欠费金额",
        _ => "BilledCost,BillingCurrency,ChargeCategory,ChargeClass,ChargePeriodEnd,ChargePeriodStart,ConsumedQuantity,ProviderName,ResourceId,ResourceName,ServiceName",
    }
}

/// The export formats `sql` reads (the others are read by `check` only).
pub const SOURCES: [&str; 3] = ["huawei", "alibaba", "focus"];

fn spec_of(name: &str) -> &'static FormatSpec {
    formats::by_name(name).expect("every source has a format")
}

/// Reads an export's header rows until one binds, as `check` finds it.
fn read_header(path: &str) -> Result<(header::Binding, Vec<String>)> {
    use crate::ingest::records::{RawRecord, RecordReader};
    use crate::ingest::source;
    let src = source::open(path)?;
    let enc = src.encoding;
    let mut rdr = RecordReader::new(src.reader, src.delimiter, 0, 1);
    let mut rec = RawRecord::default();
    let mut scratch = String::new();
    for _ in 0..20 {
        if !rdr
            .read(&mut rec)
            .map_err(|e| source::read_error(path, e))?
        {
            break;
        }
        let cells: Vec<String> = rec
            .iter()
            .map(|c| source::decode(c, enc, &mut scratch).to_string())
            .collect();
        if let Some(b) = formats::detect::detect(&cells) {
            return Ok((b, cells));
        }
    }
    Err(Error::input(
        Location::file(path),
        "no header row of a known export format in the first 20 rows",
    ))
}

pub fn run(a: SqlArgs) -> Result<Exit> {
    let crate::config::Timing {
        tz,
        lag,
        window,
        grace,
        as_of,
    } = crate::config::Timing::from_args(&a.timing)?;
    let cleanups = crate::config::cleanups(&a.product, &a.cleaned_at, tz)?;
    let want = a.source.map(|s| match s {
        SourceArg::Huawei => spec_of("huawei").format,
        SourceArg::Alibaba => spec_of("alibaba").format,
        SourceArg::Focus => spec_of("focus").format,
    });

    // Columns: an export's header, else the standard export's, then the renames.
    let (binding, first) = match &a.header_of {
        Some(p) => {
            let path = p.to_string_lossy().into_owned();
            let (b, cells) = read_header(&path)?;
            if !SOURCES.contains(&b.spec.format.name()) {
                return Err(Error::Usage(format!(
                    "--header-of: {path} is a {} export: `sql` reads huawei, alibaba and focus exports",
                    b.spec.format
                )));
            }
            if let Some(f) = want.filter(|f| *f != b.spec.format) {
                return Err(Error::Usage(format!(
                    "--header-of: {path} is a {} export, not {f}",
                    b.spec.format
                )));
            }
            let first = cells
                .first()
                .map(|c| c.trim_start_matches('\u{feff}').trim().to_string());
            (b, first)
        }
        None => {
            let format = want.expect("clap requires --source without --header-of");
            let cells: Vec<String> = standard_header(format)
                .split(',')
                .map(String::from)
                .collect();
            let spec = spec_of(format.name());
            let b = header::bind(spec, &cells).expect("the standard header binds");
            (b, None)
        }
    };
    let spec = binding.spec;
    let mut columns = binding.names.clone();
    let mut first_column = first;
    let mut currency = binding.header_currency;
    for c in &a.column {
        let Some((meaning, name)) = c.split_once('=') else {
            return Err(Error::Usage(format!("--column: `{c}` is not MEANING=NAME")));
        };
        let meaning = meaning.trim();
        let name = (!name.is_empty()).then(|| name.to_string());
        if meaning == "first" {
            first_column = name;
            continue;
        }
        let Some((_, field)) = MEANINGS.iter().find(|(m, _)| *m == meaning) else {
            let known: Vec<&str> = MEANINGS.iter().map(|(m, _)| *m).collect();
            return Err(Error::Usage(format!(
                "--column: unknown meaning `{meaning}`: expected one of {}, first",
                known.join(", ")
            )));
        };
        if *field == Field::Amount {
            if let Some(n) = &name {
                currency = fold(n).1.or(currency);
            }
        }
        columns[*field as usize] = name;
    }
    let mut check = binding.clone();
    for f in Field::ALL {
        check.cols[f as usize] = columns[f as usize].as_ref().map(|_| f as usize);
    }
    let missing = header::missing(&check);
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|f| f.meaning()).collect();
        return Err(Error::Usage(format!(
            "--column: the table needs a column for: {}",
            names.join(", ")
        )));
    }
    // A billing-item file dated by `日期`/`账期` alone: `check` reads it, the query does not.
    let timed = [Field::UsageStart, Field::ChargeTime, Field::ExpenditureTime]
        .iter()
        .any(|f| columns[*f as usize].is_some());
    if !timed {
        return Err(Error::Usage(
            "the table has no usage window and no time charged (a billing-item file dated by \
             day or billing cycle only): `billrecon check` reads such files, `sql` does not yet"
                .into(),
        ));
    }

    // The register, as `check` reads it.
    let mut deletions: Vec<Deletion> = Vec::new();
    let mut warnings = Vec::new();
    if let Some(path) = &a.deleted {
        let (d, w) = crate::deletions::register::read(&path.to_string_lossy(), tz)?;
        deletions.extend(d);
        warnings.extend(w);
    }
    for (p, t) in cleanups {
        deletions.push(crate::deletions::product_cleanup(&p, t));
    }
    let rules = match &a.rules {
        Some(p) => crate::ids::rules_file::read(&p.to_string_lossy())?,
        None => Vec::new(),
    };
    let maps = match a.amounts {
        Some(AmountsArg::Map) if !a.dialect.has_map() => {
            return Err(Error::Usage(format!(
                "--amounts map: {} has no map type; use --amounts rows",
                a.dialect.name()
            )))
        }
        Some(x) => x == AmountsArg::Map,
        None => a.dialect.has_map(),
    };
    let q = query::Spec {
        dialect: a.dialect,
        format: spec.format,
        table: a.table.clone(),
        columns,
        first_column,
        default_currency: currency.unwrap_or(spec.default_currency).to_string(),
        naive_offset: if spec.naive_is_utc {
            0
        } else {
            tz.local_minus_utc()
        },
        fixed_provider: spec.provider,
        deletions: &deletions,
        rules: &rules,
        lag,
        window,
        grace,
        as_of,
        register_table: a.register_table.clone(),
        maps,
    };
    if let Some(path) = &a.register_csv {
        write_register(path, &deletions, grace, window)?;
    }
    let (sql, caveats) = query::build(&q);
    warnings.extend(caveats);
    if a.register_table.is_none() && sql.len() > 256 * 1024 {
        warnings.push(format!(
            "the query is {} KB: Athena accepts at most 256 KB; write the register with --register-table and --register-csv",
            sql.len() / 1024
        ));
    }
    if !a.quiet {
        for w in &warnings {
            eprintln!("billrecon: warning: {}", crate::report::printable(w));
        }
    }
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(sql.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            return Err(Error::Output {
                target: "stdout".into(),
                source: e,
            })
        }
        Ok(()) => {}
    }
    Ok(Exit::Stopped)
}

fn write_register(
    path: &std::path::Path,
    deletions: &[Deletion],
    grace: chrono::Duration,
    window: chrono::Duration,
) -> Result<()> {
    let shown = path.to_string_lossy().into_owned();
    let io = |e: std::io::Error| Error::io(&shown, e);
    let mut w = csv::Writer::from_path(path).map_err(|e| io(e.into()))?;
    w.write_record(query::REGISTER_COLUMNS)
        .map_err(|e| io(e.into()))?;
    for row in query::register_rows(deletions, grace, window) {
        w.write_record(&row).map_err(|e| io(e.into()))?;
    }
    w.flush().map_err(io)
}
