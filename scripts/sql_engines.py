"""Runs `billrecon sql` on real engines and compares every row with `billrecon check -f json`.

    sql_engines.py BILLRECON [--engines duckdb,spark,parse] [--require]

For every case (an export fixture, a register or product cleanup, options): `check -f json`
gives the expected `resources`; the export is loaded as a table of text columns named as its
header (title lines above the header skipped, rows of another width, such as a short totals
row, left out, as a warehouse load would); `sql --header-of EXPORT` gives the query; the engine
runs it; the rows must equal check's entries in order: verdicts, line counts, amounts to the
last digit, times. DuckDB and Spark run each dialect in both shapes (maps and one row per
currency). Trino and BigQuery queries are parsed by sqlglot and must leave no function it does
not know. Exits 1 on any difference, 2 when an engine is missing and --require is given.
"""

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FX = os.path.join(ROOT, "fixtures")

# (export, register or None, extra options, expect check to fail with exit 2)
CASES = []
# Spark's optimizer takes tens of seconds to plan the query (Catalyst over about fifty common
# table expressions, each inlined where it is read), so Spark runs the cases that exercise each
# rule at least once, not all of them.
SPARK = set()


def case(export, register=None, *opts, bad=False, spark=False):
    CASES.append((export, register, list(opts), bad))
    if spark:
        SPARK.add(len(CASES) - 1)


ZH = "huawei/zh-basic.csv"
for reg in ["verdicts", "leak", "gone", "late", "missing", "aliases", "upper-case", "listed-twice",
            "product-level"]:
    case(ZH, f"register/{reg}.csv", spark=reg == "verdicts")
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
    case(f"huawei/{export}.csv", f"register/{reg}.csv")
case("huawei/inclusive-end.csv", "register/gone.csv", "--lag", "2h30m")
case("huawei/inclusive-end.csv", "register/gone.csv", "--lag", "2h30m", "--tz", "+05:30")
case("huawei/tz-naive.csv", "register/offset.csv", "--tz", "+00:00")
for product in ["modelarts", "HWS.SERVICE.TYPE.MA"]:
    case("huawei/modelarts.csv", None, "--product", product, "--cleaned-at", "2026-10-10 08:30",
         spark=product == "modelarts")
case("mixed/huawei.csv", "mixed/register.csv")
case("example/huawei-2026-10.csv", "example/deleted.csv")
for export in ["bill-details", "bill-details-b", "bill-details-en", "oss-detail"]:
    case(f"alibaba/{export}.csv", "alibaba/register.csv", spark=export == "bill-details")
case("alibaba/bill-details.csv", None, "--product", "ecs", "--cleaned-at", "2024-03-10 08:00")
case("alibaba/bill-details.csv", "mixed/register.csv")
for export, reg in [("focus-1.2", "register"), ("huawei-focus-1.0", "register-huawei-focus"),
                    ("alibaba-focus-preview", "register-alibaba-preview"),
                    ("focus-1.3", "register-1.3"), ("prepaid-ahead", "register-prepaid")]:
    case(f"focus/{export}.csv", f"focus/{reg}.csv", spark=export == "focus-1.2")
case("focus/focus-1.2.csv", "mixed/register.csv")
case("focus/focus-1.2.csv", None, "--product", "Amazon Elastic Compute Cloud",
     "--cleaned-at", "2024-03-10T00:30:00Z")
case("rules/focus-clouds.csv", "rules/clouds.csv")
case("rules/child.csv", "rules/child-register.csv")
case("rules/dws.csv", "rules/dws-register.csv", "--rules", "rules/rules.toml", spark=True)
case("rules/dws.csv", "rules/dws-register.csv")
case("rules/oss-two.csv", "rules/ambiguous.csv")
case("rules/modelarts-two-products.csv", "rules/two-products.csv")
case("rules/modelarts-two-products.csv", None, "--product", "ModelArts",
     "--cleaned-at", "2026-10-10 08:30")
# Cells check rejects: the query must fail too.
case("bad/bad-amount.csv", "register/gone.csv", bad=True, spark=True)
case("bad/impossible-date.csv", "register/gone.csv", bad=True)
# Register IDs that would break naive quoting are data.
HOSTILE = ("resource_id,deleted_at\n\"it's\",2026-10-10 08:30\n\"a\\b\\'\",2026-10-10 08:30\n"
           "\"x'); DROP TABLE bill; --\",2026-10-10 08:30\nECS-LEAK-01,2026-10-10 08:30\n")
case(ZH, "@hostile", )


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


def amounts(m):
    return {k: Decimal(v) for k, v in (m or {}).items()}


def expected(resources):
    return [{
        "resource_id": r["resource_id"], "scope": r["scope"], "provider": r["provider"],
        "deleted_at": r["deleted_at"], "verdict": r["verdict"], "lines": r["lines"],
        "lines_after_deletion": r["lines_after_deletion"],
        "amount_after_deletion": amounts(r["amount_after_deletion"]),
        "usage_after_deletion": Decimal(r["usage_after_deletion"]),
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
        e["usage_after_deletion"] = Decimal(e["usage_after_deletion"] or 0).normalize()
        for k in ["lines", "lines_after_deletion", "tail_lines"]:
            e[k] = int(e[k])
        for m in MAPS:
            e[m] = {k: v.normalize() for k, v in e[m].items()}
    return entries


class DuckDB:
    name = "duckdb"

    def __init__(self):
        import duckdb
        self.duckdb = duckdb

    def query(self, header, rows, sql, table="bill"):
        con = self.duckdb.connect()
        cols = ", ".join('"' + h.replace('"', '""') + '" VARCHAR' for h in header)
        con.execute(f'CREATE TABLE {table} ({cols})')
        if rows:
            marks = ", ".join("?" for _ in header)
            # Empty cells load as NULL here (as many warehouse loaders do) and as '' in Spark.
            con.executemany(f"INSERT INTO {table} VALUES ({marks})",
                            [[c if c != "" else None for c in r] for r in rows])
        cur = con.execute(sql)
        cols = [d[0] for d in cur.description]
        return cols, cur.fetchall()


class Spark:
    name = "spark"

    def __init__(self):
        from pyspark.sql import SparkSession
        from pyspark.sql.types import StringType, StructField, StructType
        self.types = (StringType, StructField, StructType)
        self.spark = (SparkSession.builder.master("local[1]").appName("billrecon-sql")
                      .config("spark.ui.enabled", "false")
                      .config("spark.sql.shuffle.partitions", "1")
                      .config("spark.driver.memory", "3g")
                      .config("spark.sql.session.timeZone", "UTC")
                      # Whole-stage code generation of the query's wide expressions took longer
                      # than running them on fixtures (same results either way).
                      .config("spark.sql.codegen.wholeStage", "false")
                      .config("spark.driver.bindAddress", "127.0.0.1")
                      .config("spark.driver.host", "127.0.0.1")
                      .getOrCreate())
        self.spark.sparkContext.setLogLevel("ERROR")

    def query(self, header, rows, sql, table="bill"):
        StringType, StructField, StructType = self.types
        schema = StructType([StructField(h, StringType(), True) for h in header])
        self.spark.createDataFrame(rows, schema).createOrReplaceTempView(table)
        df = self.spark.sql(sql)
        res = df.collect()
        return df.columns, [tuple(r) for r in res]


def parse_check(sql, dialect):
    import sqlglot
    from sqlglot import exp
    tree = sqlglot.parse_one(sql, read=dialect)
    unknown = sorted({a.name for a in tree.find_all(exp.Anonymous)})
    return unknown


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
            runners.append(DuckDB() if e == "duckdb" else Spark())
        except Exception as err:  # an engine that cannot start is skipped, or fails with --require
            print(f"SKIP {e}: {err}")
            if require:
                return 2
    passed = failed = 0
    timings = {}
    tmp = tempfile.mkdtemp(prefix="sql-engines-")
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
        header, rows = load_rows(export)
        # DuckDB runs every case in both shapes; Spark its cases, in the map shape and, for the
        # first of them, one row per currency too.
        dialects = [(r, shape) for r in runners for shape in ["map", "rows"]
                    if r.name == "duckdb"
                    or n in SPARK and (shape == "map" or n == min(SPARK))]
        for runner, shape in dialects:
            q = run([BIN, "sql", "--dialect", runner.name, "--header-of", fx(export), "--table",
                     "bill", "--amounts", shape, "-q", *reg, *opts])
            if q.returncode != 0:
                print(f"FAIL {runner.name}/{shape} {label}: sql exited {q.returncode}: "
                      f"{q.stderr.decode()}")
                failed += 1
                continue
            sql = q.stdout.decode()
            t0 = time.monotonic()
            try:
                cols, res = runner.query(header, rows, sql)
            except Exception as err:
                timings[runner.name] = timings.get(runner.name, 0) + time.monotonic() - t0
                if bad and "billrecon:" in str(err):
                    passed += 1
                    continue
                print(f"FAIL {runner.name}/{shape} {label}: the query failed: {str(err)[:2000]}")
                failed += 1
                continue
            timings[runner.name] = timings.get(runner.name, 0) + time.monotonic() - t0
            if bad:
                print(f"FAIL {runner.name}/{shape} {label}: the query ran; check rejects the input")
                failed += 1
                continue
            got = normalize(from_map_rows(cols, res) if shape == "map"
                            else from_currency_rows(cols, res))
            if got != want:
                print(f"FAIL {runner.name}/{shape} {label}")
                for i in range(max(len(got), len(want))):
                    g = got[i] if i < len(got) else None
                    w = want[i] if i < len(want) else None
                    if g != w:
                        print(f"  entry {i}:\n    check: {w}\n    sql:   {g}")
                failed += 1
            else:
                passed += 1
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
    for name, secs in timings.items():
        print(f"{name}: {secs:.1f} s running queries")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
