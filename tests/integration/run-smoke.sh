#!/usr/bin/env bash
# `collector run -s suites/smoke.yaml` end to end, against the real embedded containerd, runc,
# runsc and crun: every target gives an ok cell with the workload's figures for every benchmark
# (crun too on a cgroup v1 hybrid host, through assay-crun, and the results say so), and the run
# leaves nothing behind (processes, mounts, directories, cgroups).
set -u
. tests/tap.sh
. tests/integration/run-common.bash
run_need

tmp=$(mktemp -d /tmp/assay-test-run-smoke.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/results

start=$SECONDS
$COLLECTOR run -s suites/smoke.yaml -o "$out" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
diag "collector run exited $rc after $((SECONDS - start)) s"
sed 's/^/# /' "$tmp/stderr"
ok $((rc == 0 ? 0 : 1)) "run exits 0 (every run that could run succeeded)"
res=$out/results.json
check "results.json is valid JSON" jq -e '.meta and .cells' "$res"
[[ $(cat "$tmp/stdout") == "$out" ]]; ok $? "stdout names the results directory"
id=$(jq -r .meta.run_id "$res")
diag "run id $id"

benches=$(jq -r '[.cells[].benchmark] | unique | .[]' "$res")
for t in native oci/runc oci/runsc oci/crun cri/containerd/runc cri/containerd/runsc cri/containerd/crun; do
	for b in $benches; do
		st=$(cell_status "$res" "$t" "$b")
		[[ $st == ok ]]; ok $? "$t $b: ok (got ${st:-nothing}: $(jq -r --arg t "$t" --arg b "$b" '.cells[] | select(.target == $t and .benchmark == $b) | .reason // ""' "$res"))"
		# the workload's figures, each a number, in the measured run
		jq -e --arg t "$t" --arg b "$b" '.cells[] | select(.target == $t and .benchmark == $b)
			| .runs[0].figures | length > 0 and all(.[]; type == "number")' "$res" >/dev/null
		ok $? "$t $b: run has the workload's figures"
	done
	# how long each phase took is recorded
	jq -e --arg t "$t" '[.cells[] | select(.target == $t) | .runs[0].phases[].ns] | all(. > 0)' "$res" >/dev/null
	ok $? "$t: phase timings recorded"
done
# cpus: the workload pins itself, the same call on every target, and says what it got
for t in native oci/runc oci/runsc oci/crun cri/containerd/runc cri/containerd/runsc cri/containerd/crun; do
	got=$(jq -c --arg t "$t" '.cells[] | select(.target == $t and .benchmark == "performance.cpu.time")
		| .runs[0].workload.process | [.cpus, .affinity]' "$res")
	[[ $got == '["1","1"]' ]]; ok $? "$t: cpu pinned to CPU 1 as the suite asked (cpus, affinity: $got)"
done
# the CRI targets time every CRI call
want='["RunPodSandbox","CreateContainer","StartContainer","run","StopContainer","RemoveContainer","StopPodSandbox","RemovePodSandbox"]'
for t in cri/containerd/runc cri/containerd/runsc cri/containerd/crun; do
	jq -e --arg t "$t" --argjson w "$want" '[.cells[] | select(.target == $t) | .runs[0].phases | map(.name) == $w] | all' "$res" >/dev/null
	ok $? "$t: phases are the CRI calls in order"
done
# runsc is much slower per syscall than runc (gVisor's ptrace platform): a figure that could not
# come out the same if the target were not really used
nr=$(jq -r '.cells[] | select(.target == "oci/runc" and .benchmark == "performance.syscall") | .runs[0].figures | to_entries[] | select(.key | test("getppid")) | .value' "$res" | head -1)
ns=$(jq -r '.cells[] | select(.target == "oci/runsc" and .benchmark == "performance.syscall") | .runs[0].figures | to_entries[] | select(.key | test("getppid")) | .value' "$res" | head -1)
diag "getppid: oci/runc $nr, oci/runsc $ns"
awk -v a="$nr" -v b="$ns" 'BEGIN { exit !(a > 0 && b > 5 * a) }'; ok $? "oci/runsc getppid costs > 5x oci/runc's"

if [[ -n $(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null) ]] &&
	[[ $(stat -f -c %T /sys/fs/cgroup) == tmpfs ]]; then
	for t in oci/crun cri/containerd/crun; do
		note=$(jq -r --arg t "$t" '.meta.target_info[$t].cgroups // ""' "$res")
		[[ $note == *"private mount namespace"* ]]; ok $? "$t: results say how crun ran on this hybrid host: $note"
	done
else
	skip "crun needs no private cgroup view on this host"
	skip "crun needs no private cgroup view on this host"
fi
jq -e '.meta.versions.cri_daemon | test("containerd")' "$res" >/dev/null; ok $? "meta has the CRI daemon's version"
jq -e '.meta.target_info["cri/containerd/runsc"].sandbox_mode | length > 0' "$res" >/dev/null
ok $? "meta says how runsc sandboxes are shared"
[[ -s $out/summary.tsv ]]; ok $? "summary.tsv written"

left=$(run_leftovers "$id"); ok $? "nothing left behind${left:+: $left}"
done_testing
