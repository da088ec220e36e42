#!/usr/bin/env bash
# limits.cpu.time and limits.cpu.scaling through the real embedded containerd with runc and
# runsc, short limits: with a 10 % quota the cpu run takes >= 5x its unlimited time, the measured
# share is a figure (within 10 % of the quota under runc; a run outside the tolerance is flagged),
# runsc's Sentry/Gofer CPU inside the pod's cgroup is reported, the scaling schedule records a
# share per step, a runtime that rejects UpdateContainerResources is recorded as unsupported with
# the CRI error (not a crash; runsc takes it through assay's adapter), and nothing is left behind.
set -u
. tests/tap.sh
. tests/integration/run-common.bash
run_need

tmp=$(mktemp -d /tmp/assay-test-limits.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/limits.yaml" <<'YAML'
name: limits-test
targets: [cri/containerd/runc, cri/containerd/runsc]
runs: 1
warmup: 0
timeout: 120
benchmarks:
  - name: performance.cpu.time
    params: {cpu-max-prime: 10000, events: 1500}
    runs: 3
  - name: limits.cpu.time
    params: {cpu-max-prime: 10000, events: 1500, quota: 10000, period: 100000}
  - name: limits.cpu.scaling
    params: {cpu-max-prime: 10000, events: 3000, start-percent: 55, step-percent: 15, end-percent: 100, step-time: 0.5}
YAML
out=$tmp/results
start=$SECONDS
$COLLECTOR run -s "$tmp/limits.yaml" -o "$out" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
diag "collector run exited $rc after $((SECONDS - start)) s"
sed 's/^/# /' "$tmp/stderr"
res=$out/results.json
id=$(jq -r .meta.run_id "$res")
failed=$(jq -r '[.cells[] | select(.status != "ok") | "\(.target) \(.benchmark)"] | join(", ")' "$res")
runsc_scaling=$(cell_status "$res" cri/containerd/runsc limits.cpu.scaling)
if [[ $runsc_scaling == ok ]]; then want=0; else want=1; fi
ok $((rc == want ? 0 : 1)) "run exits $want (not ok cells: ${failed:-none})"

cell() { jq --arg t "$1" --arg b "$2" '.cells[] | select(.target == $t and .benchmark == $b)' "$res"; }
for t in cri/containerd/runc cri/containerd/runsc; do
	[[ $(cell_status "$res" "$t" limits.cpu.time) == ok ]]; ok $? "$t limits.cpu.time: ok"
	# the unlimited time: its fastest run, or (on a busy shared machine, where an unlimited run
	# also waits for a CPU and a throttled one does not) the CPU time the work needed
	free=$(cell "$t" performance.cpu.time | jq '[.runs[].figures.total_time_s] | min')
	need=$(cell "$t" limits.cpu.time | jq '.runs[0].workload.processes.workload.cpu_in_container_s')
	lim=$(cell "$t" limits.cpu.time | jq '.runs[0].figures.total_time_s')
	base=$(awk -v f="$free" -v n="$need" 'BEGIN { print (n > 0 && n < f) ? n : f }')
	awk -v b="$base" -v l="$lim" 'BEGIN { exit !(b > 0 && l >= 5 * b) }'
	ok $? "$t: with a 10 % quota the run takes >= 5x its unlimited time ($lim s vs $base s; fastest unlimited run $free s, CPU needed $need s)"
	w=$(cell "$t" limits.cpu.time | jq '.runs[0].workload')
	jq -e '.share > 0 and .expected_share == 0.1 and .pod_cpu_s > 0 and (.share_error_pct | type == "number")' <<<"$w" >/dev/null
	ok $? "$t: measured share $(jq .share <<<"$w") is a figure next to quota/period"
	# a run outside the tolerance carries the flag, one inside does not
	flag=$(cell "$t" limits.cpu.time | jq -r '.runs[0].limit_flag // ""')
	within=$(jq -r .within_tolerance <<<"$w")
	[[ ($within == true && -z $flag) || ($within == false && $flag == *"not enforced"*) ]]
	ok $? "$t: flagged exactly when outside the tolerance (within: $within${flag:+; $flag})"
	diag "$t limits.cpu.time: $(jq -c 'del(.workload)' <<<"$w")"
done
w=$(cell cri/containerd/runc limits.cpu.time | jq '.runs[0].workload')
jq -e '.within_tolerance and .share_error_pct <= 10' <<<"$w" >/dev/null
ok $? "runc: the share is within 10 % of the quota ($(jq .share <<<"$w"))"
w=$(cell cri/containerd/runsc limits.cpu.time | jq '.runs[0].workload')
jq -e '.processes.sentry.procs > 0 and .processes.gofer.procs > 0 and .sandbox_cpu_in_pod_s > 0 and (.sandbox_cpu_outside_pod_s | type == "number")' <<<"$w" >/dev/null
ok $? "runsc: Sentry/Gofer CPU charged inside the pod's cgroup reported ($(jq .sandbox_cpu_in_pod_s <<<"$w") s in, $(jq .sandbox_cpu_outside_pod_s <<<"$w") s outside)"

[[ $(cell_status "$res" cri/containerd/runc limits.cpu.scaling) == ok ]]; ok $? "runc limits.cpu.scaling: ok"
w=$(cell cri/containerd/runc limits.cpu.scaling | jq '.runs[0].workload')
jq -e '.total_time_s > 0 and (.steps | length >= 2) and .steps[0].percent == 55 and .steps[1].percent == 70 and all(.steps[]; .share > 0) and all(.steps[1:][]; .share <= .percent / 100 * 1.25)' <<<"$w" >/dev/null
ok $? "runc: a share per step, none after the first (which holds the start) above its quota: $(jq -c '[.steps[] | {percent, share: (.share * 1000 | round / 1000)}]' <<<"$w")"
cell cri/containerd/runc limits.cpu.scaling | jq -e '.runs[0].figures | has("share_at_55") and has("total_time_s")' >/dev/null
ok $? "runc: share_at_55 and total_time_s are figures"
if [[ $runsc_scaling == ok ]]; then
	# the runsc here has no `update`: assay's adapter writes the limits into the sandbox's cgroups
	w=$(cell cri/containerd/runsc limits.cpu.scaling | jq '.runs[0].workload')
	jq -e '(.steps | length >= 2) and all(.steps[]; .share > 0) and all(.steps[1:][]; .share <= .percent / 100 * 1.25)' <<<"$w" >/dev/null
	ok $? "runsc: UpdateContainerResources accepted, a share per step, none after the first above its quota: $(jq -c '[.steps[] | {percent, share: (.share * 1000 | round / 1000)}]' <<<"$w")"
else
	why=$(cell cri/containerd/runsc limits.cpu.scaling | jq -r .reason)
	[[ $runsc_scaling == failed && $why == *"unsupported: UpdateContainerResources"* ]]
	ok $? "runsc limits.cpu.scaling: recorded as unsupported with the CRI error (${why:0:160})"
	cell cri/containerd/runsc limits.cpu.scaling | jq -e '.runs[0].unsupported == true and (.runs[0].cri_error | length > 0)' >/dev/null
	ok $? "runsc: the run keeps the full CRI error"
fi

left=$(run_leftovers "$id"); ok $? "nothing left behind${left:+: $left}"
done_testing
