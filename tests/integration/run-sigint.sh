#!/usr/bin/env bash
# SIGINT in the middle of a suite: the run in progress is stopped, the results of the runs done
# so far stay in a valid results.json, every pod/container/daemon/mount/directory of the run
# goes, and the exit status is 130. Then SIGTERM while the embedded containerd is still being
# set up: 143, nothing left either.
set -u
. tests/tap.sh
. tests/integration/run-common.bash
run_need

tmp=$(mktemp -d /tmp/assay-test-run-sigint.XXXXXX)
pid=
cleanup() {
	[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
cat >"$tmp/suite.yaml" <<'YAML'
name: sigint
targets: [native, oci/runc, cri/containerd/runc, cri/containerd/runsc]
runs: 3
warmup: 0
order: interleaved
benchmarks:
  - name: performance.cpu.time
    params: {time: 2, events: 0}
YAML

# Wait (up to $2 s) until the run log holds at least $1 runs of a CRI target.
wait_cri_runs() {
	local i n
	for i in $(seq $(($2 * 10))); do
		n=$(log_runs "$tmp/out" cri/)
		[[ ${n:-0} -ge $1 ]] && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

$COLLECTOR run -s "$tmp/suite.yaml" -o "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
wait_cri_runs 1 120; ok $? "a CRI run finished"
# cri/containerd/runsc's run is now under way (interleaved order)
sleep 0.7
t0=$SECONDS
kill -INT "$pid"
wait "$pid"; rc=$?
pid=
diag "exited $rc, $((SECONDS - t0)) s after SIGINT"
sed 's/^/# /' "$tmp/stderr"
is() { [[ $1 == "$2" ]]; ok $? "$3 (got $1, want $2)"; }
is "$rc" 130 "exit status after SIGINT"
((SECONDS - t0 < 30)); ok $? "stopped within 30 s"
res=$tmp/out/results.json
check "results.json is valid" jq -e '.meta.finished and (.cells | length == 4)' "$res"
n=$(jq '[.cells[].runs[]] | length' "$res")
((n >= 3 && n < 12)); ok $? "results keep the $n runs done before the signal"
jq -e '[.cells[].runs[] | select(.failure == null) | .figures.events_per_sec] | all(. > 0)' "$res" >/dev/null
ok $? "the kept runs have their figures"
jq -e '[.cells[] | select((.runs | length) < 3) | .reason | test("SIGINT")] | all' "$res" >/dev/null
ok $? "unfinished cells say they were interrupted"
id=$(jq -r .meta.run_id "$res")
left=$(run_leftovers "$id"); ok $? "nothing left behind${left:+: $left}"

# SIGTERM early: during the set-up of targets (the embedded containerd starting)
rm -rf "$tmp/out"
$COLLECTOR run -s "$tmp/suite.yaml" -o "$tmp/out" >"$tmp/stdout" 2>"$tmp/stderr" &
pid=$!
# our run's id comes with the first results.json; then wait for its own containerd (other
# collectors may be running on this machine)
id=
for _ in $(seq 600); do
	[[ -z $id ]] && id=$(jq -r '.meta.run_id // empty' "$tmp/out/results.json" 2>/dev/null)
	[[ -n $id ]] && pgrep -f "containerd --config /run/assay/$id/" >/dev/null && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.05
done
[[ -n $id ]] && pgrep -f "containerd --config /run/assay/$id/" >/dev/null
ok $? "the run's embedded containerd is starting"
kill -TERM "$pid"
wait "$pid"; rc=$?
pid=
is "$rc" 143 "exit status after SIGTERM during set-up"
id=$(jq -r .meta.run_id "$tmp/out/results.json" 2>/dev/null)
[[ -n $id && $id != null ]]; ok $? "results.json written before the signal"
left=$(run_leftovers "${id:-none}"); ok $? "nothing left behind after SIGTERM${left:+: $left}"
done_testing
