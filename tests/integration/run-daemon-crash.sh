#!/usr/bin/env bash
# The embedded containerd dies (SIGKILL) in the middle of a suite: the run in flight fails saying
# so ("containerd exited: signal 9 (SIGKILL)"), what the dead daemon left is reaped, a fresh
# containerd (images imported again) takes over and every later run of the CRI target succeeds;
# the native target's cells run to the end, the exit status is 1 (one run failed), and the
# teardown leaves no process, mount, cgroup or directory of the run.
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
$COLLECTOR run --no-trace --no-report -s "$tmp/suite.yaml" -o "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
res=$tmp/out/results.json
w=$(cri_workload_pid cpu 120)
id=$(jq -r .meta.run_id "$res" 2>/dev/null)
ok $? "a CRI run's workload runs ($w, run $id)"
dpid=$(pgrep -f "containerd --config /run/assay/$id/")
kill -KILL $dpid; ok $? "the run's containerd ($dpid) killed while it runs"
# and once more between two runs (while native runs): that costs no run
for _ in $(seq 600); do
	[[ $(log_runs "$tmp/out" cri/) -ge 2 ]] && break
	sleep 0.1
done
for _ in $(seq 600); do
	p=$(pgrep -x cpu) && [[ $(ps -o ppid= -p "$p" | tr -d ' ') == "$pid" ]] && break
	sleep 0.05
done
dpid=$(pgrep -f "containerd --config /run/assay/$id/")
kill -KILL $dpid; ok $? "the fresh containerd ($dpid) killed too, between two runs"
wait "$pid"; rc=$?
pid=
sed 's/^/# /' "$tmp/stderr"
ok $((rc == 1 ? 0 : 1)) "exit 1: one run failed (got $rc)"
failed=$(jq -r '[.cells[] | select(.target == "cri/containerd/runc") | .runs[] | select(.failure != null) | .failure]' "$res")
jq -e 'length == 1 and (.[0] | test("containerd exited: signal 9 \\(SIGKILL\\); a fresh containerd took over"))' <<<"$failed" >/dev/null
ok $? "the run in flight failed, saying the daemon died: $(jq -r '.[0]' <<<"$failed" | cut -c1-200)"
n=$(jq '[.cells[] | select(.target == "cri/containerd/runc") | .runs[] | select(.failure == null)] | length' "$res")
ok $((n == 5 ? 0 : 1)) "the CRI target's other 5 runs succeeded on the fresh daemons (got $n)"
r=$(jq -r '[.cells[] | select(.target == "cri/containerd/runc") | .runs[] | select(.daemon_restarted) | .daemon_restarted] | .[0]' "$res")
[[ $r == *"signal 9 (SIGKILL); a fresh containerd took over" ]]; ok $? "the run after the second kill says the daemon was restarted before it: $r"
grep -q "a fresh containerd took over" "$tmp/stderr"; ok $? "the progress says it was restarted"
for b in performance.cpu.time performance.syscall; do
	n=$(jq --arg b "$b" '.cells[] | select(.target == "native" and .benchmark == $b) | [.runs[] | select(.failure == null)] | length' "$res")
	[[ $(cell_status "$res" native "$b") == ok && $n == 3 ]]; ok $? "native $b: ok with its 3 runs"
done
left=$(run_leftovers "$id"); ok $? "nothing left behind${left:+: $left}"
done_testing
