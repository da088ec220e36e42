#!/usr/bin/env bash
# A suite naming runtimes that do not exist here: an OCI runtime not installed and a CRI runtime
# handler the daemon lacks. Those cells are skipped with the reason; the other targets run.
set -u
. tests/tap.sh
. tests/integration/run-common.bash
run_need

tmp=$(mktemp -d /tmp/assay-test-run-missing.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/suite.yaml" <<'YAML'
name: missing
targets: [native, oci/runc, oci/no-such-runtime, cri/containerd/no-such-handler, cri/containerd/runc]
runs: 1
warmup: 0
benchmarks:
  - name: performance.cpu.time
    params: {cpu-max-prime: 5000, events: 50}
  - name: performance.syscall
    params: {ops: getppid, op-time: 0.05}
YAML
$COLLECTOR run -s "$tmp/suite.yaml" -o "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
sed 's/^/# /' "$tmp/stderr"
ok $((rc == 0 ? 0 : 1)) "exit 0: skipped cells are not failures (got $rc)"
res=$tmp/out/results.json
for b in performance.cpu.time performance.syscall; do
	for t in native oci/runc cri/containerd/runc; do
		st=$(cell_status "$res" "$t" "$b")
		[[ $st == ok ]]; ok $? "$t $b ok (got $st)"
	done
	r=$(jq -r --arg b "$b" '.cells[] | select(.target == "oci/no-such-runtime" and .benchmark == $b) | "\(.status): \(.reason)"' "$res")
	[[ $r == "skipped: "*no-such-runtime*"not installed"* ]]; ok $? "oci/no-such-runtime $b: $r"
	r=$(jq -r --arg b "$b" '.cells[] | select(.target == "cri/containerd/no-such-handler" and .benchmark == $b) | "\(.status): \(.reason)"' "$res")
	[[ $r == "skipped: "*no-such-handler* ]]; ok $? "cri/containerd/no-such-handler $b: $r"
done
jq -e '[.cells[] | select(.status == "skipped") | .runs | length == 0] | all' "$res" >/dev/null
ok $? "skipped cells have no runs"
grep -q "skipped.*no-such-handler" "$tmp/stderr"; ok $? "the skip is reported on stderr"
id=$(jq -r .meta.run_id "$res")
left=$(run_leftovers "$id"); ok $? "nothing left behind${left:+: $left}"
done_testing
