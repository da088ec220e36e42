#!/usr/bin/env bash
# A containerd assay does not own (--endpoint) is SIGKILLed while a CRI run's workload runs.
# When it comes back (started again here after 2 s), assay reconnects: the run in flight fails
# saying the daemon went away and came back, its pod is removed from the daemon, the rest of
# the suite completes. When it does not come back, the target gives up after the limit
# (ASSAY_ENDPOINT_WAIT_S) with that reason and the other targets go on.
set -u
. tests/tap.sh
. tests/integration/run-common.bash
. tests/integration/containerd.bash
run_need
containerd_user_dirs fault-endpoint
pid=
trap '[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null; containerd_user_cleanup "$d" "$tmp" "$had_run_containerd"' EXIT
pause_ref=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' build/images/pause/index.json)
containerd_user_config "$d" "$sock" "$pause_ref"
containerd_start "$d/config.toml" "$sock" "$d/containerd.log"
ok $? "a user's containerd answers on $sock" || { tail -5 "$d/containerd.log" | sed 's/^/# /'; done_testing; }
for i in pause cpu; do ctr -a "$sock" -n k8s.io images import build/images/$i.tar >/dev/null 2>&1; done
ok $? "images imported there"

FAULT_ARGS="--endpoint unix://$sock" FAULT_SOCK=$sock
fault_suite cri/containerd/runc
fault_start
w=$(cri_workload_pid cpu 60); ok $? "the CRI target's workload runs (pid $w, run $id)"
kill -KILL "$ctd_pid"; wait "$ctd_pid" 2>/dev/null
sleep 2
containerd_start "$d/config.toml" "$sock" "$d/containerd.log"; ok $? "the daemon started again"
fault_after_first
fault_end
[[ $failure == *"the CRI daemon at unix://$sock stopped answering; it answered again after "* ]]
ok $? "the run says: $failure"
left=$(ctr -a "$sock" -n k8s.io containers ls -q)
[[ -z $left ]]; ok $? "the daemon keeps no container of the run${left:+: $left}"

diag "--- it does not come back: the target gives up after ASSAY_ENDPOINT_WAIT_S=3"
rm -rf "$out"
fault_start() { # with the limit
	out=$tmp/out
	ASSAY_ENDPOINT_WAIT_S=3 $COLLECTOR run --no-trace --no-report -s "$tmp/suite.yaml" -o "$out" \
		$FAULT_ARGS >"$tmp/stdout" 2>"$tmp/stderr" &
	pid=$!
}
fault_start
w=$(cri_workload_pid cpu 60); ok $? "the CRI target's workload runs (pid $w)"
kill -KILL "$ctd_pid"; wait "$ctd_pid" 2>/dev/null
t0=$SECONDS
wait "$pid"; rc=$?
pid=
sed 's/^/# /' "$tmp/stderr"
ok $((rc == 1 ? 0 : 1)) "exit 1 (got $rc)"
r=$(jq -r '.cells[] | select(.target == "cri/containerd/runc") | "\(.status): \(.reason)"' "$out/results.json")
[[ $r == "failed: "*"the CRI daemon at unix://$sock did not come back within 3 s"* ]]; ok $? "the CRI cell: $r"
n=$(jq '[.cells[] | select(.target == "native") | .runs[] | select(.failure == null)] | length' "$out/results.json")
ok $((n == 2 ? 0 : 1)) "native's 2 runs still ran (got $n)"
((SECONDS - t0 < 30)); ok $? "it gave up in bounded time ($((SECONDS - t0)) s)"
# the pod it left is that daemon's, which never came back: the test, as the user, cleans up
containerd_user_cleanup "$d" "$tmp" "$had_run_containerd"
left=
for p in /proc/[0-9]*; do
	head -1 "$p/mountinfo" 2>/dev/null | grep -q -F "=$tmp/" && left+=" ${p#/proc/}"
done
[[ -z $left ]]; ok $? "no container of that daemon left running after its cleanup${left:+:$left}"
done_testing
