"""DuckDB side of scripts/bench, and the cross-check of billrecon's sums against it.

    bench_duckdb.py query [--format F] REGISTER OUT.json EXPORT...   run format F's SQL (default
                                                                     huawei), write per-resource sums
    bench_duckdb.py compare BILLRECON.json OTHER.json   exit 1 (and say so loudly) on a mismatch;
                                                        OTHER is DuckDB's output or billrecon's
    bench_duckdb.py formats                             the formats that have a query

Each query is what a data engineer would write for the same question over that export: every
cell read as text, IDs lower-cased (and, where the console bills a service as
`<name>-<UUID>`, the UUID stripped), the register joined, charges whose usage (else transaction)
time is at or after the deletion kept, refunds and zero lines left out, amounts summed per
resource. Registers hold UTC+08:00 wall clocks, as the generator writes them (billrecon's
default `--tz`).
"""

import json
import sys
import time
from decimal import Decimal

# The register, one row per lower-cased ID with its first deletion. Registers hold UTC+08:00 wall
# clocks; `utc` moves them to UTC for exports that write UTC times.
def register(utc):
    shift = " - INTERVAL 8 HOUR" if utc else ""
    return f"""
WITH reg AS (
    SELECT lower(trim(resource_id)) AS key,
           min(resource_id) AS resource_id,
           min(CAST(deleted_at AS TIMESTAMP){shift}) AS deleted_at
    FROM read_csv(?, all_varchar = true, header = true)
    GROUP BY 1
),
"""


# The lines of `source` (a CTE with key, t, kind, amount, qty) at or after their resource's
# deletion that pass `filters`, summed per registered resource.
def after_deletion(filters, source="bill b", key="b.key"):
    where = "".join(f"\n  AND {f}" for f in filters)
    return f"""SELECT r.resource_id, sum(b.amount) AS amount, count(*) AS lines
FROM {source}
JOIN reg r ON {key} = r.key
WHERE b.t >= r.deleted_at{where}
GROUP BY r.resource_id
ORDER BY r.resource_id
"""


# A line that charged: no money back (a negative amount), and money or usage.
NOT_NEGATIVE = "b.amount >= 0"
MONEY_OR_USAGE = "(b.amount <> 0 OR coalesce(b.qty, 0) > 0)"

HUAWEI = register(False) + r"""bill AS (
    SELECT
        CASE
            WHEN "产品类型编码" = 'hws.service.type.ma'
                 AND regexp_matches("资源ID", '-[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$')
            THEN lower(trim(left("资源ID", length("资源ID") - 37)))
            ELSE lower(trim("资源ID"))
        END AS key,
        CAST(coalesce(nullif(nullif("使用开始时间", ''), '--'), "交易时间") AS TIMESTAMP) AS t,
        "账单类型" AS kind,
        CAST("应付金额(¥)" AS DECIMAL(38, 8)) AS amount,
        CAST(nullif(nullif("使用量", ''), '--') AS DECIMAL(38, 8)) AS qty
    FROM read_csv(?, all_varchar = true, header = true)
)
""" + after_deletion([NOT_NEGATIVE, "NOT starts_with(coalesce(b.kind, ''), '退款')", MONEY_OR_USAGE])

# Alibaba Bill Details: the usage window's start, else the payment time (orders), UTC+08:00 wall
# clocks like the register's; `-` marks an empty cell.
ALIBABA = register(False) + r"""bill AS (
    SELECT
        lower(trim("实例ID")) AS key,
        CAST(coalesce(nullif(nullif("账单开始时间", ''), '-'), "消费时间") AS TIMESTAMP) AS t,
        "账单类型" AS kind,
        CAST("应付金额" AS DECIMAL(38, 8)) AS amount,
        CAST(nullif(nullif("用量", ''), '-') AS DECIMAL(38, 8)) AS qty
    FROM read_csv(?, all_varchar = true, header = true)
)
""" + after_deletion([NOT_NEGATIVE, "coalesce(b.kind, '') NOT IN ('退款', 'Refund')", MONEY_OR_USAGE])

# FOCUS: ChargePeriodStart is UTC (`...Z`); the register's UTC+08:00 wall clocks are moved to
# UTC. ModelArts services bill as `<name>-<UUID>`; Credit lines and negative amounts are refunds.
FOCUS = register(True) + r"""bill AS (
    SELECT
        CASE
            WHEN contains(lower("ServiceName"), 'modelarts')
                 AND regexp_matches("ResourceId", '-[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$')
            THEN lower(trim(left("ResourceId", length("ResourceId") - 37)))
            ELSE lower(trim("ResourceId"))
        END AS key,
        CAST(rtrim("ChargePeriodStart", 'Z') AS TIMESTAMP) AS t,
        "ChargeCategory" AS kind,
        CAST("BilledCost" AS DECIMAL(38, 8)) AS amount
    FROM read_csv(?, all_varchar = true, header = true)
)
""" + after_deletion(["b.amount > 0", "lower(coalesce(b.kind, '')) <> 'credit'"])

# AWS CUR: UsageStartDate is UTC (`...T00:00:00.000Z`); the register's UTC+08:00 wall clocks are
# moved to UTC. An ARN (SageMaker endpoint, reservation, Savings Plan) also matches by its last
# segment, the name or ID its console shows; every ID also matches as written. Refund and Credit
# lines and negative amounts are money back.
CUR = register(True) + r"""bill AS (
    SELECT
        lower(trim("lineItem/ResourceId")) AS raw,
        CASE
            WHEN starts_with(lower(trim("lineItem/ResourceId")), 'arn:aws')
            THEN lower(regexp_extract(trim("lineItem/ResourceId"), '[^/:]+$'))
            ELSE lower(trim("lineItem/ResourceId"))
        END AS key,
        CAST(rtrim("lineItem/UsageStartDate", 'Z') AS TIMESTAMP) AS t,
        "lineItem/LineItemType" AS kind,
        CAST("lineItem/UnblendedCost" AS DECIMAL(38, 10)) AS amount,
        CAST(nullif("lineItem/UsageAmount", '') AS DECIMAL(38, 10)) AS qty
    FROM read_csv(?, all_varchar = true, header = true)
),
keyed AS (
    SELECT *, unnest(CASE WHEN raw = key THEN [key] ELSE [key, raw] END) AS k FROM bill
)
""" + after_deletion([NOT_NEGATIVE, "lower(coalesce(b.kind, '')) NOT IN ('refund', 'credit')", MONEY_OR_USAGE], source="keyed b", key="b.k")

# Azure cost details: `Date` (MM/DD/YYYY) is a UTC day and a line bills all of it, so it is after
# a deletion when the day starts at or after it; ARM paths compare case-insensitively.
AZURE = register(True) + r"""bill AS (
    SELECT
        lower(trim("ResourceId")) AS key,
        strptime("Date", '%m/%d/%Y') AS t,
        "ChargeType" AS kind,
        CAST("CostInBillingCurrency" AS DECIMAL(38, 10)) AS amount,
        CAST(nullif("Quantity", '') AS DECIMAL(38, 10)) AS qty
    FROM read_csv(?, all_varchar = true, header = true)
)
""" + after_deletion([NOT_NEGATIVE, "lower(coalesce(b.kind, '')) NOT IN ('refund', 'credit')", MONEY_OR_USAGE])

# OCI cost reports: interval starts are UTC, written without seconds (`2026-10-01T00:00Z`);
# corrections that take money back are negative.
OCI = register(True) + r"""bill AS (
    SELECT
        lower(trim("product/resourceId")) AS key,
        strptime("lineItem/intervalUsageStart", ['%Y-%m-%dT%H:%MZ', '%Y-%m-%dT%H:%M:%SZ']) AS t,
        CAST("cost/myCost" AS DECIMAL(38, 18)) AS amount,
        CAST(nullif("usage/billedQuantity", '') AS DECIMAL(38, 18)) AS qty
    FROM read_csv(?, all_varchar = true, header = true)
)
""" + after_deletion([NOT_NEGATIVE, MONEY_OR_USAGE])

QUERIES = {
    "huawei": HUAWEI,
    "alibaba": ALIBABA,
    "focus": FOCUS,
    "cur": CUR,
    "azure": AZURE,
    "oci": OCI,
}


def query(fmt, register, out, exports):
    import duckdb

    con = duckdb.connect()
    t0 = time.perf_counter()
    rows = con.execute(QUERIES[fmt], [register, exports if len(exports) > 1 else exports[0]]).fetchall()
    elapsed = time.perf_counter() - t0
    result = {r[0]: {"amount": str(r[1]), "lines": r[2]} for r in rows}
    with open(out, "w") as f:
        json.dump({"query_seconds": elapsed, "resources": result}, f, indent=1, sort_keys=True)
    print(f"{elapsed:.4f}")


def compare(billrecon_json, duckdb_json):
    with open(billrecon_json) as f:
        ours = json.load(f)
    with open(duckdb_json) as f:
        theirs = json.load(f)["resources"]
    if isinstance(theirs, list):
        # Another billrecon report (the twelve-file run against the one-file run).
        theirs = {
            r["resource_id"]: {
                "amount": str(sum((Decimal(v) for v in (r.get("amount_after_deletion") or {}).values()), Decimal(0))),
                "lines": r.get("lines_after_deletion", 0),
            }
            for r in theirs
        }
    a = {}
    for r in ours["resources"]:
        amounts = r.get("amount_after_deletion") or {}
        a[r["resource_id"].lower()] = (
            sum((Decimal(v) for v in amounts.values()), Decimal(0)),
            r.get("lines_after_deletion", 0),
        )
    b = {k.lower(): (Decimal(v["amount"]), v["lines"]) for k, v in theirs.items()}
    bad = []
    for key in sorted(set(a) | set(b)):
        x = a.get(key, (Decimal(0), 0))
        y = b.get(key, (Decimal(0), 0))
        if x != y:
            bad.append((key, x, y))
    total_a = sum(v[0] for v in a.values())
    total_b = sum(v[0] for v in b.values())
    if bad:
        print("!" * 78)
        print(f"MISMATCH: billrecon and DuckDB disagree on {len(bad)} resources")
        for key, x, y in bad[:20]:
            print(f"  {key}: billrecon {x[0]} ({x[1]} lines)  duckdb {y[0]} ({y[1]} lines)")
        print("!" * 78)
        return 1
    print(
        f"cross-check OK: {len(a)} resources, {sum(1 for v in a.values() if v[1])} billing after "
        f"deletion, total {total_a} (billrecon) = {total_b} (DuckDB)"
    )
    return 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "query":
        args = argv[2:]
        fmt = "huawei"
        if args[:1] == ["--format"] and len(args) >= 2:
            fmt, args = args[1], args[2:]
        if fmt not in QUERIES:
            print(f"no query for format `{fmt}` (have: {', '.join(QUERIES)})", file=sys.stderr)
            return 2
        if len(args) >= 3:
            query(fmt, args[0], args[1], args[2:])
            return 0
    if len(argv) == 2 and argv[1] == "formats":
        print("\n".join(QUERIES))
        return 0
    if len(argv) == 4 and argv[1] == "compare":
        return compare(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
