#!/usr/bin/env bash
# Faults in the container itself: the workload SIGKILLed while it runs, and a workload
# OOM-killed under its memory limit (memory-limit in the suite). Each costs that one run, whose
# failure says what happened; the rest of the suite completes and nothing is left.
set -u
. tests/tap.sh
. tests/integration/run-common.bash
run_need

tmp=$(mktemp -d /tmp/assay-test-fault-workload.XXXXXX)
pid=
trap '[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

fault_suite cri/containerd/runc
fault_start
w=$(cri_workload_pid cpu 60); ok $? "the CRI target's workload runs (pid $w, run $id)"
kill -KILL "$w"
fault_after_first
fault_end
[[ $failure == "killed by signal 9 (SIGKILL), exit status 137"* ]]; ok $? "the run says: $failure"

# the memory limit: 64 MiB of working set under 16 MiB
rm -rf "$out"
fault_suite cri/containerd/runc "  - name: performance.memlat
    params: {sizes: 64M, size-time: 0.3}
    memory-limit: 16M
    runs: 1"
fault_start
fault_after_first
wait "$pid"; rc=$?
pid=
sed 's/^/# /' "$tmp/stderr"
ok $((rc == 1 ? 0 : 1)) "exit 1 (got $rc)"
r=$(jq -r '.cells[] | select(.target == "cri/containerd/runc" and .benchmark == "performance.memlat") | "\(.status): \(.runs[0].failure)"' "$out/results.json")
[[ $r == "failed: OOM-killed over its memory limit of 16.0 MiB: killed by signal 9 (SIGKILL), exit status 137"* ]]; ok $? "memlat under 16M: $r"
n=$(jq '[.cells[] | select(.benchmark == "performance.cpu.time") | .runs[] | select(.failure == null)] | length' "$out/results.json")
ok $((n == 4 ? 0 : 1)) "cpu.time's 4 runs succeeded (got $n)"
r=$(jq -r '.cells[] | select(.target == "native" and .benchmark == "performance.memlat") | .status' "$out/results.json")
[[ $r == ok ]]; ok $? "native memlat has no limit: $r"
left=$(run_leftovers "$id"); ok $? "nothing of the run left behind${left:+: $left}"
done_testing
