#!/usr/bin/env bash
# `collector table` as a command: the fixed results file (a directory or its results.json) gives
# the golden text and TSV, and usage errors exit 2 with a message naming the problem.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/tap.sh
collector=${COLLECTOR:-$PWD/build/collector}
[[ -x $collector ]] || { echo "not ok 1 - $collector is not built"; exit 1; }
tmp=$(mktemp -d /tmp/assay-table-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

"$collector" table tests/fixtures/table-results.json >"$tmp/text" 2>"$tmp/err"
ok $? "table FILE exits 0"
diff -u tests/golden/table-text.txt "$tmp/text"; ok $? "text matches tests/golden/table-text.txt"
mkdir "$tmp/dir" && cp tests/fixtures/table-results.json "$tmp/dir/results.json"
"$collector" table --tsv "$tmp/dir" >"$tmp/tsv"
ok $? "table --tsv DIR exits 0"
diff -u tests/golden/table-tsv.txt "$tmp/tsv"; ok $? "TSV of the directory matches tests/golden/table-tsv.txt"
[[ $(awk -F'\t' '{print NF}' "$tmp/tsv" | sort -u) == 25 ]]; ok $? "every TSV line has 25 columns (9, and 4 per non-native target: overhead, its interval, verdict)"

"$collector" table "$tmp/nothing" >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $((rc == 2 ? 0 : 1)) "a missing results directory exits 2 (got $rc)"
grep -q "nothing" "$tmp/err"; ok $? "the message names it: $(cat "$tmp/err")"
"$collector" table >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $((rc == 2 ? 0 : 1)) "no argument exits 2: $(cat "$tmp/err")"
"$collector" table --bogus x >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $((rc == 2 ? 0 : 1)) "unknown option exits 2: $(cat "$tmp/err")"
"$collector" table --help >"$tmp/out"
ok $? "--help exits 0"
grep -q "Usage: collector table" "$tmp/out"; ok $? "--help prints the usage"
done_testing
