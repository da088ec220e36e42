#!/usr/bin/env bash
# A run longer than its timeout is killed on every kind of target (the workload, the OCI
# container, the CRI container and its pod), recorded as failed with the reason, the suite goes
# on to the next cell, the exit status is 1, and nothing is left behind.
set -u
. tests/tap.sh
. tests/integration/run-common.bash
run_need

tmp=$(mktemp -d /tmp/assay-test-run-timeout.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/suite.yaml" <<'YAML'
name: timeout
targets: [native, oci/runc, oci/runsc, cri/containerd/runc, cri/containerd/runsc]
runs: 1
warmup: 0
benchmarks:
  - name: performance.cpu.time
    params: {time: 30, events: 0}
    timeout: 1
  - name: performance.syscall
    params: {ops: getppid, op-time: 0.05}
YAML
t0=$SECONDS
$COLLECTOR run --no-trace -s "$tmp/suite.yaml" -o "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
sed 's/^/# /' "$tmp/stderr"
ok $((rc == 1 ? 0 : 1)) "exit 1: runs failed (got $rc)"
((SECONDS - t0 < 120)); ok $? "30 s runs were cut: the suite took $((SECONDS - t0)) s"
res=$tmp/out/results.json
for t in native oci/runc oci/runsc cri/containerd/runc cri/containerd/runsc; do
	r=$(jq -r --arg t "$t" '.cells[] | select(.target == $t and .benchmark == "performance.cpu.time") | "\(.status): \(.reason)"' "$res")
	[[ $r == "failed: run 1: timed out after 1.0 s" ]]; ok $? "$t: $r"
	jq -e --arg t "$t" '.cells[] | select(.target == $t and .benchmark == "performance.cpu.time") | .runs[0] | .timed_out and .failure != null and .wall_ns < 20e9' "$res" >/dev/null
	ok $? "$t: the run is recorded as timed out"
	[[ $(cell_status "$res" "$t" performance.syscall) == ok ]]; ok $? "$t: the next cell still ran"
done
id=$(jq -r .meta.run_id "$res")
left=$(run_leftovers "$id"); ok $? "nothing left behind${left:+: $left}"
done_testing
