"""Runs `billrecon sql` on real engines and compares every row with `billrecon check -f json`.

    sql_engines.py BILLRECON [--engines duckdb,spark,parse] [--require]

For every case (an export fixture, a register or product cleanup, options): `check -f json`
gives the expected `resources`; the export is loaded as a table of text columns named as its
header (title lines above the header skipped, rows of another width, such as a short totals
row, left out, as a warehouse load would); `sql --header-of EXPORT` gives the query; the engine
runs it; the rows must equal check's entries in order: verdicts, line counts, amounts to the
last digit, times. DuckDB runs every case in both shapes (maps, and one row per currency),
Spark every case in the map shape and those of SPARK_ROWS in both. Trino and BigQuery queries
are parsed by sqlglot and must leave no function it does not know. Exits 1 on any difference,
2 when an engine is missing and --require is given.
"""

import atexit
import csv
import gc
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FX = os.path.join(ROOT, "fixtures")

# (export, register or None, extra options, expect check to fail with exit 2)
CASES = []
# Spark runs every case in the map shape and these in the one-row-per-currency shape too: the
# shapes differ only in the last SELECT, and each Spark query costs seconds of planning (about
# 8 s of CPU on this machine), so the rows shape runs on the cases whose entries have several
# currencies, refunds, tails, product cleanups or no amount at all.
SPARK_ROWS = set()


def case(export, register=None, *opts, bad=False, spark_rows=False):
    CASES.append((export, register, list(opts), bad))
    if spark_rows:
        SPARK_ROWS.add(len(CASES) - 1)


ZH = "huawei/zh-basic.csv"
for reg in ["verdicts", "leak", "gone", "late", "missing", "aliases", "upper-case", "listed-twice",
            "product-level"]:
    case(ZH, f"register/{reg}.csv", spark_rows=reg in ("verdicts", "product-level"))
case(ZH, None, "--product", "hws.service.type.ec2", "--cleaned-at", "2026-10-10 08:30")
case(ZH, None, "--product", "弹性云服务器", "--cleaned-at", "2026-10-10 09:00")
case(ZH, "register/verdicts.csv", "--as-of", "2026-10-12 00:00")
case(ZH, "register/verdicts.csv", "--as-of", "2026-10-10T12:00:00Z", "--lag", "0s")
case(ZH, "register/verdicts.csv", "--grace", "1h")
case(ZH, "register/verdicts.csv", "--grace", "1h30m", "--window", "2h")
case(ZH, "register/verdicts.csv", "--window", "48h")
case(ZH, "register/verdicts.csv", "--tz", "+00:00")
for export, reg in [
    ("en-usd", "leak"), ("bom-crlf", "leak"), ("quoting", "leak"), ("title-and-totals", "leak"),
    ("dash-empty", "gone"), ("subset", "leak"), ("subset", "gone"), ("tz-naive", "offset"),
    ("modelarts", "modelarts"), ("on-the-hour", "on-the-hour"), ("refund-after-deletion", "refund"),
    ("zero-after-deletion", "zero"), ("zero-after-deletion", "free"),
    ("renewal-after-deletion", "renewal"), ("gbk", "leak"), ("gbk-totals", "leak"),
    ("overlap-month", "leak"), ("overlap-day", "leak"), ("overlap-repeat", "leak"),
    ("formula-name", "leak"), ("id-starting-with-total", "total-backup"),
]:
    case(f"huawei/{export}.csv", f"register/{reg}.csv",
         spark_rows=export in ("refund-after-deletion", "renewal-after-deletion"))
case("huawei/inclusive-end.csv", "register/gone.csv", "--lag", "2h30m")
case("huawei/inclusive-end.csv", "register/gone.csv", "--lag", "2h30m", "--tz", "+05:30")
case("huawei/tz-naive.csv", "register/offset.csv", "--tz", "+00:00")
for product in ["modelarts", "HWS.SERVICE.TYPE.MA"]:
    case("huawei/modelarts.csv", None, "--product", product, "--cleaned-at", "2026-10-10 08:30")
case("mixed/huawei.csv", "mixed/register.csv", spark_rows=True)
case("example/huawei-2026-10.csv", "example/deleted.csv", spark_rows=True)
for export in ["bill-details", "bill-details-b", "bill-details-en", "oss-detail"]:
    case(f"alibaba/{export}.csv", "alibaba/register.csv", spark_rows=export == "bill-details")
case("alibaba/bill-details.csv", None, "--product", "ecs", "--cleaned-at", "2024-03-10 08:00")
case("alibaba/bill-details.csv", "mixed/register.csv")
for export, reg in [("focus-1.2", "register"), ("huawei-focus-1.0", "register-huawei-focus"),
                    ("alibaba-focus-preview", "register-alibaba-preview"),
                    ("focus-1.3", "register-1.3"), ("prepaid-ahead", "register-prepaid")]:
    case(f"focus/{export}.csv", f"focus/{reg}.csv", spark_rows=export == "focus-1.2")
case("focus/focus-1.2.csv", "mixed/register.csv")
case("focus/focus-1.2.csv", None, "--product", "Amazon Elastic Compute Cloud",
     "--cleaned-at", "2024-03-10T00:30:00Z")
case("rules/focus-clouds.csv", "rules/clouds.csv", spark_rows=True)
case("rules/child.csv", "rules/child-register.csv")
case("rules/dws.csv", "rules/dws-register.csv", "--rules", "rules/rules.toml", spark_rows=True)
case("rules/dws.csv", "rules/dws-register.csv")
case("rules/oss-two.csv", "rules/ambiguous.csv")
case("rules/modelarts-two-products.csv", "rules/two-products.csv")
case("rules/modelarts-two-products.csv", None, "--product", "ModelArts",
     "--cleaned-at", "2026-10-10 08:30", spark_rows=True)
# Real exports' quirks (issue 12): empty markers (`NULL`, `""`, …) in IDs, names, usage and
# units; a daily line that says nothing past its own start; usage in several units.
case("huawei/empty-markers.csv", "register/leak.csv")
case("huawei/empty-markers.csv", "register/null-id.csv")
case("huawei/empty-markers.csv", None, "--product", "hws.service.type.vpc",
     "--cleaned-at", "2026-10-10 08:30")
case("huawei/price-factor-52.csv", "register/leak.csv")
case("huawei/stray-space-header.csv", "register/leak.csv")
case("focus/daily-window.csv", "register/daily-window.csv")
case("focus/units.csv", "register/units.csv")
# Cells check rejects: the query must fail too.
case("bad/bad-amount.csv", "register/gone.csv", bad=True)
case("bad/impossible-date.csv", "register/gone.csv", bad=True)
# Register IDs that would break naive quoting are data.
HOSTILE = ("resource_id,deleted_at\n\"it's\",2026-10-10 08:30\n\"a\\b\\'\",2026-10-10 08:30\n"
           "\"x'); DROP TABLE bill; --\",2026-10-10 08:30\n\"y FROM lines JOIN nf\",2026-10-10 08:30\n"
           "ECS-LEAK-01,2026-10-10 08:30\n")
case(ZH, "@hostile", )
# Also run with the register as a table (`--register-table`, for registers past Athena's 256 KB).
REGISTER_TABLE = {(ZH, "@hostile"), ("alibaba/bill-details.csv", None),
                  ("focus/focus-1.2.csv", "mixed/register.csv")}


def fx(p):
    return p if os.path.isabs(p) else os.path.join(FX, p)


def resolve_opts(opts):
    out = []
    for o in opts:
        out.append(fx(o) if o.endswith(".toml") else o)
    return out


def register_path(register, tmp):
    if register is None:
        return []
    if register == "@hostile":
        path = os.path.join(tmp, "hostile.csv")
        with open(path, "w") as f:
            f.write(HOSTILE)
        return ["--deleted", path]
    return ["--deleted", fx(register)]


def run(cmd):
    return subprocess.run(cmd, capture_output=True)


def load_rows(export):
    """The export as a warehouse loads it: header row and the rows of the header's width."""
    path = fx(export)
    info = json.loads(run([BIN, "inspect", "-f", "json", path]).stdout)
    header_line = info["inputs"][0].get("header_line") or 1
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    reader = csv.reader(io.StringIO(text, newline=""))
    header, rows = None, []
    for rec in reader:
        if header is None:
            if reader.line_num >= header_line:
                header = [h.lstrip("\ufeff").strip() for h in rec]
            continue
        if len(rec) == len(header):
            rows.append(rec)
    # A name repeated in a header is loaded once under each of two names.
    seen = {}
    for i, h in enumerate(header):
        if h in seen:
            header[i] = f"{h}_{i}"
        seen[h] = i
    return header, rows


def divergences(tmp):
    """The documented divergences as (label, export, judge, sql options): the judge gets the
    engine's columns and rows, or its error, and says what differs from the documentation."""
    out = []
    leak = fx("register/leak.csv")

    # More than 18 digits after the point: check keeps 28, the query fails naming the cell.
    fine = os.path.join(tmp, "nineteen-digits.csv")
    text = open(fx(ZH), encoding="utf-8").read()
    # The last line of ecs-leak-01, billed after its deletion.
    row = "2026-10-10 11:00:00,CS2610101100A0004,"
    at = text.index(row)
    cell = ",0.00000000,3.46000000,3.46000000,"
    at = text.index(cell, at)
    with open(fine, "w", encoding="utf-8") as f:
        f.write(text[:at] + ",0.00000000,3.4600000000000000001,3.46000000," +
                text[at + len(cell):])
    chk = run([BIN, "check", "-f", "json", "-q", "--exit-zero", "--deleted", leak, fine])
    kept = json.loads(chk.stdout)["resources"][0]["amount_after_deletion"]["CNY"]

    def fails_on_digits(cols, res, err):
        if chk.returncode != 0 or kept != "6.9200000000000000001":
            return f"check exited {chk.returncode} with {kept}; expected it to keep 19 digits"
        if err is None:
            return "the query ran; the documentation says it fails past 18 digits"
        if "billrecon:" not in err or "more digits than the query keeps" not in err:
            return f"the query failed otherwise: {err[:500]}"
        return None
    out.append(("19 digits after the point fail the query", fine, fails_on_digits,
                ["--header-of", fine, "--deleted", leak]))

    # One table is one input: check counts a line two exports share once, a table holding
    # both exports twice.
    twice = os.path.join(tmp, "zh-basic-twice.csv")
    lines = open(fx(ZH), encoding="utf-8").read().splitlines(keepends=True)
    with open(twice, "w", encoding="utf-8") as f:
        f.writelines(lines + lines[1:])
    copy = os.path.join(tmp, "zh-basic-copy.csv")
    with open(copy, "w", encoding="utf-8") as f:
        f.writelines(lines)
    chk2 = run([BIN, "check", "-f", "json", "-q", "--exit-zero", "--deleted", leak, fx(ZH), copy])
    once = normalize(expected(json.loads(chk2.stdout)["resources"]))

    def counts_twice(cols, res, err):
        if err is not None:
            return f"the query failed: {err[:500]}"
        got = normalize(from_map_rows(cols, res))
        if [e["lines"] for e in got] != [2 * e["lines"] for e in once] or \
                [e["amount_after_deletion"] for e in got] != \
                [{k: 2 * v for k, v in e["amount_after_deletion"].items()} for e in once]:
            return f"expected twice check's lines and amounts\n  check: {once}\n  sql: {got}"
        return None
    out.append(("a table of two copies counts lines twice", twice, counts_twice,
                ["--header-of", fx(ZH), "--deleted", leak]))
    return out


def amounts(m):
    return {k: Decimal(v) for k, v in (m or {}).items()}


def expected(resources):
    return [{
        "resource_id": r["resource_id"], "scope": r["scope"], "provider": r["provider"],
        "deleted_at": r["deleted_at"], "verdict": r["verdict"], "lines": r["lines"],
        "lines_after_deletion": r["lines_after_deletion"],
        "amount_after_deletion": amounts(r["amount_after_deletion"]),
        # null when the post-deletion usage is in several units (never summed across them).
        "usage_after_deletion": r["usage_after_deletion"],
        "first_after_deletion": r["first_after_deletion"],
        "last_after_deletion": r["last_after_deletion"], "tail_lines": r["tail_lines"],
        "tail_amount": amounts(r["tail_amount"]),
        "refunds_after_deletion": amounts(r["refunds_after_deletion"]),
        "complete_through": r["complete_through"],
    } for r in resources]


KEYS = ["resource_id", "scope", "provider", "deleted_at", "verdict", "lines",
        "lines_after_deletion", "usage_after_deletion", "first_after_deletion",
        "last_after_deletion", "tail_lines", "complete_through"]
MAPS = ["amount_after_deletion", "tail_amount", "refunds_after_deletion"]


def from_map_rows(cols, rows):
    out = []
    for row in rows:
        r = dict(zip(cols, row))
        e = {k: r[k] for k in KEYS}
        for m in MAPS:
            e[m] = {k: Decimal(v) for k, v in dict(r[m] or {}).items()}
        out.append(e)
    return out


def from_currency_rows(cols, rows):
    out = []
    for row in rows:
        r = dict(zip(cols, row))
        e = {k: r[k] for k in KEYS}
        ident = (e["resource_id"], e["scope"], e["deleted_at"])
        if not out or out[-1][0] != ident:
            for m in MAPS:
                e[m] = {}
            out.append((ident, e))
        cur = out[-1][1]
        for m in MAPS:
            if r[m] is not None:
                cur[m][r["currency"]] = Decimal(r[m])
    return [e for _, e in out]


def normalize(entries):
    for e in entries:
        u = e["usage_after_deletion"]
        e["usage_after_deletion"] = None if u is None else Decimal(u).normalize()
        for k in ["lines", "lines_after_deletion", "tail_lines"]:
            e[k] = int(e[k])
        for m in MAPS:
            e[m] = {k: v.normalize() for k, v in e[m].items()}
    return entries


class DuckDB:
    name = "duckdb"
    threads = 1

    def __init__(self):
        import duckdb
        self.duckdb = duckdb
        self.tables = {}

    def register(self, table, header, rows):
        self.tables[table] = (header, rows)

    def load_csv(self, table, path):
        self.tables[table] = path

    def query(self, table, sql):
        con = self.duckdb.connect()
        if isinstance(self.tables[table], str):
            # The README's worked example, as written there.
            con.execute(f"CREATE TABLE {table} AS SELECT * FROM "
                        "read_csv(?, all_varchar = true, header = true)", [self.tables[table]])
            cur = con.execute(sql)
            return [d[0] for d in cur.description], cur.fetchall()
        # The table, and a register table the query reads beside it.
        for name in [table] + [t for t in self.tables if t.startswith("regt_")
                               and re.search(rf"\b{t}\b", sql)]:
            header, rows = self.tables[name]
            cols = ", ".join('"' + h.replace('"', '""') + '" VARCHAR' for h in header)
            con.execute(f'CREATE TABLE {name} ({cols})')
            if rows:
                marks = ", ".join("?" for _ in header)
                # Empty cells load as NULL here (as many warehouse loaders do), '' in Spark.
                con.executemany(f"INSERT INTO {name} VALUES ({marks})",
                                [[c if c != "" else None for c in r] for r in rows])
        cur = con.execute(sql)
        cols = [d[0] for d in cur.description]
        return cols, cur.fetchall()


class Spark:
    """One local SparkSession for every case: each export registered once as a view of text
    columns, the queries run two at a time (two cores) in the same JVM.

    The queries are tiny in data and large in plan (about fifty common table expressions), so
    the time goes to Catalyst and code generation, not to rows: expressions are interpreted
    (no Janino compile per operator), adaptive execution is off (it re-plans every stage), one
    shuffle partition, and the JIT stops at C1 (the JVM runs short-lived code once)."""

    name = "spark"
    threads = 2

    def __init__(self):
        from pyspark.sql import SparkSession
        from pyspark.sql.types import StringType, StructField, StructType
        self.types = (StringType, StructField, StructType)
        self.spark = (SparkSession.builder.master("local[2]").appName("billrecon-sql")
                      .config("spark.ui.enabled", "false")
                      .config("spark.ui.showConsoleProgress", "false")
                      .config("spark.sql.shuffle.partitions", "1")
                      .config("spark.default.parallelism", "1")
                      .config("spark.sql.adaptive.enabled", "false")
                      .config("spark.sql.codegen.wholeStage", "false")
                      .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
                      # Without whole-stage code generation each hash aggregate of a stage
                      # takes its own memory page (64 MB by default): the chained DISTINCTs
                      # of the ID passes ran out of memory with two tasks at a time.
                      .config("spark.buffer.pageSize", "2m")
                      # The listeners keep each query's plan as text: a plan of this size
                      # costs time to print, and only the current query is of interest.
                      .config("spark.sql.maxPlanStringLength", "1000")
                      .config("spark.sql.ui.retainedExecutions", "1")
                      .config("spark.ui.retainedJobs", "10")
                      .config("spark.ui.retainedStages", "10")
                      .config("spark.ui.retainedTasks", "100")
                      .config("spark.driver.memory", "3g")
                      .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1")
                      .config("spark.sql.session.timeZone", "UTC")
                      .config("spark.driver.bindAddress", "127.0.0.1")
                      .config("spark.driver.host", "127.0.0.1")
                      .getOrCreate())
        self.spark.sparkContext.setLogLevel("ERROR")

    def register(self, table, header, rows):
        StringType, StructField, StructType = self.types
        schema = StructType([StructField(h, StringType(), True) for h in header])
        self.spark.createDataFrame(rows, schema).createOrReplaceTempView(table)

    def load_csv(self, table, path):
        # The README's worked example, as written there.
        self.spark.read.option("header", True).option("escape", '"').csv(path) \
            .createOrReplaceTempView(table)

    def query(self, table, sql):
        df = self.spark.sql(sql)
        try:
            res = df.collect()
            return df.columns, [tuple(r) for r in res]
        finally:
            # A Python DataFrame sits in reference cycles: until Python's collector breaks
            # them, the JVM keeps the query's plans (about 100 MB each), and a 3 GB heap
            # filled after thirty queries.
            del df
            gc.collect()


def parse_check(sql, dialect):
    import sqlglot
    from sqlglot import exp
    tree = sqlglot.parse_one(sql, read=dialect)
    unknown = sorted({a.name for a in tree.find_all(exp.Anonymous)})
    return unknown


def compare(label, shape, cols, res, want):
    """None when the engine's rows equal check's entries, else the difference as text."""
    got = normalize(from_map_rows(cols, res) if shape == "map" else from_currency_rows(cols, res))
    if got == want:
        return None
    out = [label]
    for i in range(max(len(got), len(want))):
        g = got[i] if i < len(got) else None
        w = want[i] if i < len(want) else None
        if g != w:
            out.append(f"  entry {i}:\n    check: {w}\n    sql:   {g}")
    return "\n".join(out)


def run_job(runner, job):
    """Runs one query; returns (label, None) when it gives what check gives, else (label, why)."""
    table, sql, want, label, shape = job
    if callable(want):
        try:
            cols, res = runner.query(table, sql)
        except Exception as err:
            return label, want(None, None, str(err))
        return label, want(cols, res, None)
    try:
        cols, res = runner.query(table, sql)
    except Exception as err:
        if want is None and "billrecon:" in str(err):
            return label, None
        return label, f"the query failed: {str(err)[:2000]}"
    if want is None:
        return label, "the query ran; check rejects the input"
    return label, compare(label, shape, cols, res, want)


def main():
    global BIN
    args = sys.argv[1:]
    BIN = args[0]
    engines = ["duckdb", "spark", "parse"]
    if "--engines" in args:
        engines = args[args.index("--engines") + 1].split(",")
    require = "--require" in args
    only = args[args.index("--only") + 1] if "--only" in args else None
    runners = []
    for e in engines:
        if e == "parse":
            try:
                import sqlglot  # noqa: F401
            except ImportError as err:
                print(f"SKIP parse: sqlglot is not installed ({err})")
                if require:
                    return 2
            continue
        try:
            t0 = time.monotonic()
            runners.append(DuckDB() if e == "duckdb" else Spark())
            print(f"{e}: started in {time.monotonic() - t0:.1f} s", flush=True)
        except Exception as err:  # an engine that cannot start is skipped, or fails with --require
            print(f"SKIP {e}: {err}")
            if require:
                return 2
    passed = failed = 0
    tmp = tempfile.mkdtemp(prefix="sql-engines-")
    atexit.register(shutil.rmtree, tmp, True)
    tables = {}  # export -> table name, each export loaded once per engine
    jobs = {r.name: [] for r in runners}
    for n, (export, register, opts, bad) in enumerate(CASES):
        if only and only not in export:
            continue
        opts = resolve_opts(opts)
        reg = register_path(register, tmp)
        label = f"{export} {register or ''} {' '.join(opts)}".strip()
        chk = run([BIN, "check", "-f", "json", "-q", "--exit-zero", *reg, *opts, fx(export)])
        if bad:
            if chk.returncode != 2:
                print(f"FAIL {label}: check exited {chk.returncode}, expected 2")
                failed += 1
                continue
            want = None
        else:
            if chk.returncode != 0:
                print(f"FAIL {label}: check exited {chk.returncode}: {chk.stderr.decode()}")
                failed += 1
                continue
            want = normalize(expected(json.loads(chk.stdout)["resources"]))
        if export not in tables:
            tables[export] = f"bill_{len(tables)}"
            header, rows = load_rows(export)
            for runner in runners:
                runner.register(tables[export], header, rows)
        table = tables[export]
        # Every case in both shapes (maps, and one row per currency; Spark: see SPARK_ROWS), and
        # the register-table cases once more with the register written as a CSV
        # (`--register-csv`) and loaded as a table of text columns.
        variants = [("map", []), ("rows", [])]
        if (export, register) in REGISTER_TABLE:
            rt = f"regt_{len(tables)}_{len(jobs[runners[0].name]) if runners else 0}"
            path = os.path.join(tmp, rt + ".csv")
            variants.append(("map", ["--register-table", rt, "--register-csv", path]))
        for runner in runners:
            for shape, extra in variants:
                if runner.name == "spark" and shape == "rows" and n not in SPARK_ROWS:
                    continue
                q = run([BIN, "sql", "--dialect", runner.name, "--header-of", fx(export),
                         "--table", table, "--amounts", shape, "-q", *reg, *opts, *extra])
                if extra:
                    with open(extra[3], newline="", encoding="utf-8") as f:
                        rec = list(csv.reader(f))
                    runner.register(extra[1], rec[0], rec[1:])
                if q.returncode != 0:
                    print(f"FAIL {runner.name}/{shape} {label}: sql exited {q.returncode}: "
                          f"{q.stderr.decode()}")
                    failed += 1
                    continue
                jobs[runner.name].append((table, q.stdout.decode(), want,
                                          f"{runner.name}/{shape} {label} {' '.join(extra[:2])}"
                                          .rstrip(), shape))
        if "parse" in engines and not bad:
            for dialect in ["trino", "bigquery"]:
                q = run([BIN, "sql", "--dialect", dialect, "--header-of", fx(export), "--table",
                         "bill", "-q", *reg, *opts])
                try:
                    unknown = parse_check(q.stdout.decode(), dialect)
                except Exception as err:
                    print(f"FAIL parse/{dialect} {label}: {str(err)[:1500]}")
                    failed += 1
                    continue
                if q.returncode != 0 or unknown:
                    print(f"FAIL parse/{dialect} {label}: exit {q.returncode}, unknown functions "
                          f"{unknown}")
                    failed += 1
                else:
                    passed += 1
    # The worked example of the README and `sql --help` for each engine: the export loaded by
    # the engine's own CSV reader, the query for the standard columns (`--source`).
    example, example_reg = "example/huawei-2026-10.csv", "example/deleted.csv"
    if not only or only in example:
        chk = run([BIN, "check", "-f", "json", "-q", "--exit-zero", "--deleted", fx(example_reg),
                   fx(example)])
        want = normalize(expected(json.loads(chk.stdout)["resources"]))
        for runner in runners:
            runner.load_csv("bill", fx(example))
            q = run([BIN, "sql", "--dialect", runner.name, "--source", "huawei", "--table", "bill",
                     "--deleted", fx(example_reg), "-q"])
            jobs[runner.name].append(("bill", q.stdout.decode(), want,
                                      f"{runner.name}/map worked example {example}", "map"))
    # Each divergence that README and `sql --help` document, shown on every engine.
    if not only or only in "divergence":
        for label, table, judge, args in divergences(tmp):
            header, rows = load_rows(table)
            for runner in runners:
                runner.register(f"div_{len(tables)}", header, rows)
                q = run([BIN, "sql", "--dialect", runner.name, "--table", f"div_{len(tables)}",
                         "-q", *args])
                jobs[runner.name].append((f"div_{len(tables)}", q.stdout.decode(), judge,
                                          f"{runner.name}/map divergence: {label}", "map"))
            tables[label] = f"div_{len(tables)}"
    for runner in runners:
        t0 = time.monotonic()
        total = len(jobs[runner.name])
        with ThreadPoolExecutor(max_workers=runner.threads) as pool:
            results = pool.map(lambda job: run_job(runner, job), jobs[runner.name])
            for done, (label, why) in enumerate(results, 1):
                if done % 10 == 0:
                    print(f"{runner.name}: {done}/{total} queries, {time.monotonic() - t0:.0f} s",
                          flush=True)
                if why is None:
                    passed += 1
                else:
                    print(f"FAIL {why if why.startswith(label) else label + ': ' + why}",
                          flush=True)
                    failed += 1
        print(f"{runner.name}: {len(jobs[runner.name])} queries in "
              f"{time.monotonic() - t0:.1f} s (load average {os.getloadavg()[0]:.1f})",
              flush=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
