#!/usr/bin/env bash
# The collector itself SIGKILLed in the middle of a suite: every run finished before is in
# runs.jsonl, and `collector report DIR` derives results.json and the TSVs from it (a last line
# cut short by the kill is ignored with a warning).
set -u
. tests/tap.sh
. tests/integration/run-common.bash
run_need

tmp=$(mktemp -d /tmp/assay-test-fault-collector.XXXXXX)
pid= id=
trap '[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null; [[ -n $id ]] && rm -rf "/run/assay/$id" "/var/tmp/assay-$id"; rm -rf "$tmp"' EXIT
cat >"$tmp/suite.yaml" <<'YAML'
name: killed
targets: [native]
runs: 20
warmup: 0
benchmarks:
  - name: performance.syscall
    params: {ops: getppid, op-time: 0.05}
YAML
out=$tmp/out
$COLLECTOR run --no-trace --no-report -s "$tmp/suite.yaml" -o "$out" >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
for _ in $(seq 600); do
	[[ $(log_runs "$out") -ge 5 ]] && break
	sleep 0.02
done
id=$(jq -r .meta.run_id "$out/results.json")
kill -KILL "$pid"; wait "$pid" 2>/dev/null
pid=
n=$(log_runs "$out")
((n >= 5 && n < 20)); ok $? "killed -9 after $n of 20 runs"
jq -e '.cells | length == 0' "$out/results.json" >/dev/null; ok $? "results.json still has only its start (meta, no cells)"
$COLLECTOR report "$out" >"$tmp/report.out" 2>"$tmp/report.err"; rc=$?
sed 's/^/# /' "$tmp/report.err"
ok $((rc == 0 ? 0 : 1)) "collector report derives the results (exit $rc)"
got=$(jq '[.cells[].runs[]] | length' "$out/results.json")
ok $((got == n ? 0 : 1)) "results.json has every finished run: $got of $n"
jq -e '.meta.finished == null and .meta.run_id == "'"$id"'"' "$out/results.json" >/dev/null
ok $? "its meta says the suite did not finish"
rows=$(awk -F'\t' '$1 == "native" && $3 == "ns_per_call_getppid" {print $7}' "$out/summary.tsv")
ok $((rows == n ? 0 : 1)) "summary.tsv summarises the $n runs (n = $rows)"
# a write cut short: half a line at the end
printf '{"target":"native","benchmark":"performance.syscall","run":{"index":' >>"$out/runs.jsonl"
$COLLECTOR report "$out" >"$tmp/report.out" 2>"$tmp/report.err"; rc=$?
grep -q "warning: .*runs.jsonl: line $((n + 4)) is incomplete" "$tmp/report.err"
ok $? "a truncated last line is ignored with a warning: $(cat "$tmp/report.err")"
got=$(jq '[.cells[].runs[]] | length' "$out/results.json")
ok $((rc == 0 && got == n ? 0 : 1)) "and the $n runs are still there (exit $rc, $got runs)"
done_testing
