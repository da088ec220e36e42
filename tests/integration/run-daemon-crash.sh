#!/usr/bin/env bash
# The embedded containerd dies (SIGKILL) in the middle of a suite: the CRI target's remaining
# cells fail with the gRPC reason, the native target's cells still run to the end, the exit
# status is 1, and the teardown still removes the shims, mounts and directories of the run.
set -u
. tests/tap.sh
. tests/integration/run-common.bash
run_need

tmp=$(mktemp -d /tmp/assay-test-run-crash.XXXXXX)
pid=
trap '[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
cat >"$tmp/suite.yaml" <<'YAML'
name: crash
targets: [native, cri/containerd/runc]
runs: 3
warmup: 0
benchmarks:
  - name: performance.cpu.time
    params: {time: 1, events: 0}
  - name: performance.syscall
    params: {ops: getppid, op-time: 0.05}
YAML
$COLLECTOR run --no-trace -s "$tmp/suite.yaml" -o "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
res=$tmp/out/results.json
for _ in $(seq 1200); do
	n=$(jq '[.cells[] | select(.target | startswith("cri/")) | .runs[]] | length' "$res" 2>/dev/null)
	[[ ${n:-0} -ge 1 ]] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
id=$(jq -r .meta.run_id "$res" 2>/dev/null)
ok $((${n:-0} >= 1 ? 0 : 1)) "a CRI run finished (run $id)"
sleep 0.3
pkill -KILL -f "containerd --config /run/assay/$id/"; ok $? "the run's containerd killed"
wait "$pid"; rc=$?
pid=
sed 's/^/# /' "$tmp/stderr"
ok $((rc == 1 ? 0 : 1)) "exit 1 (got $rc)"
for b in performance.cpu.time performance.syscall; do
	r=$(jq -r --arg b "$b" '.cells[] | select(.target == "cri/containerd/runc" and .benchmark == $b) | "\(.status): \(.reason)"' "$res")
	[[ $r == failed:*UNAVAILABLE* || $r == failed:*"not answer"* ]]; ok $? "cri/containerd/runc $b: $r"
	n=$(jq --arg b "$b" '.cells[] | select(.target == "native" and .benchmark == $b) | [.runs[] | select(.failure == null)] | length' "$res")
	[[ $(cell_status "$res" native "$b") == ok && $n == 3 ]]; ok $? "native $b: ok with its 3 runs"
done
left=$(run_leftovers "$id"); ok $? "nothing left behind${left:+: $left}"
done_testing
