"""Throughput of `billrecon sql --dialect duckdb` on a generated export, beside `check`.

    target/sql-venv/bin/python scripts/sql_bench.py BILLRECON EXPORT REGISTER

Generate the export with scripts/bench (bench-data/huawei-*-s1.csv and its register). Loads the
export into an in-memory DuckDB table of text columns (timed apart), runs the query (best of
three), runs `check -f json` on the file (best of three), and fails when the two disagree on
any verdict or amount. Prints MB/s and rows/s of each.
"""

import json
import os
import subprocess
import sys
import time
from decimal import Decimal

import duckdb


def best(f, n=3):
    times = []
    out = None
    for _ in range(n):
        t = time.monotonic()
        out = f()
        times.append(time.monotonic() - t)
    return min(times), out


def main():
    binary, export, register = sys.argv[1:4]
    size = os.path.getsize(export)
    sql = subprocess.run([binary, "sql", "--dialect", "duckdb", "--header-of", export, "--table",
                          "bill", "--deleted", register, "-q"], check=True,
                         capture_output=True).stdout.decode()
    con = duckdb.connect()
    t = time.monotonic()
    con.execute("CREATE TABLE bill AS SELECT * FROM read_csv(?, all_varchar = true, header = true)",
                [export])
    load = time.monotonic() - t
    rows = con.execute("SELECT count(*) FROM bill").fetchone()[0]
    q, res = best(lambda: con.execute(sql).fetchall())
    c, chk = best(lambda: subprocess.run([binary, "check", "-f", "json", "-q", "--exit-zero",
                                          "--deleted", register, export], check=True,
                                         capture_output=True).stdout)
    want = [(r["resource_id"], r["verdict"], {k: Decimal(v) for k, v in
             r["amount_after_deletion"].items()}) for r in json.loads(chk)["resources"]]
    got = [(r[0], r[4], {k: v for k, v in r[7].items()}) for r in res]
    if got != want:
        print("MISMATCH between sql and check", file=sys.stderr)
        return 1
    mb = size / 1e6
    print(f"export: {mb:.0f} MB, {rows} rows, {len(res)} resources, same verdicts and amounts")
    print(f"duckdb load (read_csv all_varchar): {load:.2f} s")
    print(f"duckdb query: {q:.2f} s = {mb / q:.0f} MB/s, {rows / q / 1e3:.0f} k rows/s")
    print(f"check ({os.path.basename(binary)} build, file): {c:.2f} s = {mb / c:.0f} MB/s, "
          f"{rows / c / 1e3:.0f} k rows/s")
    print(f"load average: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
