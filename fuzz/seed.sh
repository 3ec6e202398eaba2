#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/<target>, not committed) from the fixtures, so
# the fuzzers start from real exports, registers, rules and cell values instead of nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
c=fuzz/corpus
mkdir -p $c/scan $c/records $c/report $c/pieces $c/late $c/register $c/rules $c/time $c/money $c/duration $c/deletions
n=0
for f in fixtures/*/*.csv fixtures/*/*.txt fixtures/*/*.gz; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  # scan: the first byte picks the options (bit 0: --skip-bad-rows; the rest: the offset).
  { printf '\x40'; head -c 65536 "$f"; } > "$c/scan/fixture-$n"
  { printf '\x41'; head -c 65536 "$f"; } > "$c/scan/fixture-$n-skip"
  # records: the reader against the csv crate; the first byte picks the delimiter and read size.
  { printf '\x1e'; head -c 65536 "$f"; } > "$c/records/fixture-$n"
  { printf '\x01'; head -c 65536 "$f"; } > "$c/records/fixture-$n-tab"
  # report: the same, reconciled and rendered.
  { printf '\x40'; head -c 65536 "$f"; } > "$c/report/fixture-$n"
  # pieces: the same, read from a file on disk; bits 1-7 pick the piece size.
  { printf '\x0e'; head -c 65536 "$f"; } > "$c/pieces/fixture-$n"
  { printf '\x03'; head -c 65536 "$f"; } > "$c/pieces/fixture-$n-skip"
done
# late: rows after 64 KiB of ASCII ones, in UTF-8 and in GBK (bits 1-7: the piece size / 256).
for f in fixtures/huawei/*.csv fixtures/wrappers/bill-details-gbk.csv; do
  n=$((n + 1)); { printf '\x08'; tail -n +2 "$f" | head -c 16384; } > "$c/late/fixture-$n"
done
for f in fixtures/wrappers/*.zip; do
  n=$((n + 1)); { printf '\x10'; cat "$f"; } > "$c/pieces/fixture-$n"
done
for f in fixtures/register/*.csv fixtures/*/register*.csv fixtures/*/deleted.csv fixtures/bad/register-*.csv; do
  cp "$f" "$c/register/$(echo "$f" | tr / -)"
done
# deletions: every --deleted source; the first byte picks --skip-bad-rows (bit 0).
for f in fixtures/deletions/* fixtures/register/*.csv fixtures/bad/*.json; do
  { printf '\x00'; cat "$f"; } > "$c/deletions/$(echo "$f" | tr / -)"
  { printf '\x01'; cat "$f"; } > "$c/deletions/$(echo "$f" | tr / -)-skip"
done
for f in fixtures/rules/*.toml; do cp "$f" "$c/rules/$(basename "$f")"; done
printf '[[rule]]\nname = "dws-nodes"\nprovider = "huawei"\nproduct = "hws.service.type.dws"\npattern = '"'"'^(?P<id>.+)-node-\\d+$'"'"'\n\0dws-prod-node-3' > $c/rules/readme
i=0
for t in '2026-10-10 08:30:00' '2026/5/9 8:30' '2026-10-10T00:30:00.250Z' '2026-10-10 02:30:00 +0200' \
         '2026-10-10 08:30:00 GMT+08:00' '2026-10-09 24:00:00' '2026-10-10 08:59:59' \
         '2024-03-10 08:00:00 ~ 2024-03-10 09:00:00' '2026-10-10'; do
  i=$((i + 1)); printf '\x20%s' "$t" > "$c/time/seed-$i"
done
i=0
for m in '3.46000000' '-31.5' '+3' '35.2E-7' '1,234.56' '0e-40' '.5' '1e40'; do
  i=$((i + 1)); printf '%s' "$m" > "$c/money/seed-$i"
done
i=0
for d in '90s' '15m' '2h' '1d' '1h30m' '0' '36500d' "2h
2026-10-10 08:30"; do
  i=$((i + 1)); printf '%s' "$d" > "$c/duration/seed-$i"
done
echo "seeded $c from the fixtures"
