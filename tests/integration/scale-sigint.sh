#!/usr/bin/env bash
# SIGINT while scalability.runtime.N is starting its pods (runc, 20 pods, 2 concurrent clients):
# the collector stops starting, removes every pod it began, exits 130, keeps results.json, and
# leaves no pod, process, mount, directory or cgroup behind.
set -u
. tests/tap.sh
. tests/integration/run-common.bash
run_need

tmp=$(mktemp -d /tmp/assay-test-scale-sigint.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/scale.yaml" <<'YAML'
name: scale-sigint
targets: [cri/containerd/runc]
runs: 1
warmup: 0
benchmarks:
  - name: scalability.runtime.50
    params: {pods: 20, mode: concurrent, clients: 2}
YAML
out=$tmp/results
$COLLECTOR run -s "$tmp/scale.yaml" -o "$out" >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
# wait until some of its pods exist, then interrupt
started=0
for i in $(seq 150); do
	sleep 0.2
	id=$(jq -r .meta.run_id "$out/results.json" 2>/dev/null)
	n=$(ls -d /sys/fs/cgroup/cpuacct/assay/assay-"$id"-runc-s* 2>/dev/null | wc -l)
	if [[ -n $id && $id != null ]] && ((n >= 2)); then started=$n; break; fi
done
diag "pods begun before SIGINT: $started"
((started >= 2)); ok $? "the run had begun pods before the signal"
kill -INT $pid
wait $pid
rc=$?
sed 's/^/# /' "$tmp/stderr"
ok $((rc == 130 ? 0 : 1)) "exit status 130 after SIGINT (got $rc)"
st=$(cell_status "$out/results.json" cri/containerd/runc scalability.runtime.50)
reason=$(jq -r '.cells[0].reason // ""' "$out/results.json")
[[ ($st == skipped || $st == failed) && $reason == *SIGINT* || $reason == *interrupted* ]]
ok $? "the cell says it was interrupted ($st: $reason)"
left=$(run_leftovers "$id"); ok $? "nothing left behind${left:+: $left}"
done_testing
