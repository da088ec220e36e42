#!/usr/bin/env bash
# scalability.runtime.N through the real embedded containerd with runc and runsc, N = 3: pods
# started one after the other and by 2 concurrent CRI clients. Every figure exists and is
# positive, the latency distribution is ordered (min <= median <= p95 <= max <= total), the
# footprint counts the processes each runtime really keeps per pod (a shim per pod; runsc's
# Sentry and Gofer), `--benchmarks scalability.runtime.5` runs .5 and never .50, and nothing is
# left behind.
set -u
. tests/tap.sh
. tests/integration/run-common.bash
run_need

tmp=$(mktemp -d /tmp/assay-test-scale.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/scale.yaml" <<'YAML'
name: scale-test
targets: [cri/containerd/runc, cri/containerd/runsc]
runs: 1
warmup: 0
timeout: 120
benchmarks:
  - name: scalability.runtime.5
    params: {pods: 3}
  - name: scalability.runtime.10
    params: {pods: 3, mode: concurrent, clients: 2}
  - name: scalability.runtime.50
    params: {pods: 3}
YAML
out=$tmp/results
start=$SECONDS
$COLLECTOR run -s "$tmp/scale.yaml" -o "$out" \
	--benchmarks scalability.runtime.5,scalability.runtime.10 >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
diag "collector run exited $rc after $((SECONDS - start)) s"
sed 's/^/# /' "$tmp/stderr"
ok $((rc == 0 ? 0 : 1)) "run exits 0"
res=$out/results.json
id=$(jq -r .meta.run_id "$res")

got=$(jq -r '[.cells[].benchmark] | unique | join(" ")' "$res")
[[ $got == "scalability.runtime.10 scalability.runtime.5" ]]
ok $? "--benchmarks scalability.runtime.5 selects .5, not .50 (cells: $got)"
[[ $($COLLECTOR list scalability.runtime.5) == scalability.runtime.5* && $($COLLECTOR list scalability.runtime.5 | wc -l) == 1 ]]
ok $? "list scalability.runtime.5 shows exactly one benchmark"

for t in cri/containerd/runc cri/containerd/runsc; do
	for b in scalability.runtime.5 scalability.runtime.10; do
		w() { jq --arg t "$t" --arg b "$b" '.cells[] | select(.target == $t and .benchmark == $b) | .runs[0].workload' "$res"; }
		[[ $(cell_status "$res" "$t" $b) == ok ]]; ok $? "$t $b: ok"
		w | jq -e '.pods == 3 and (.start_ms | length == 3 and all(. > 0))' >/dev/null
		ok $? "$t $b: a positive start latency for each of the 3 pods"
		w | jq -e '[.total_s, .start_median_ms, .start_p95_ms, .start_max_ms, .pss_per_pod_mib, .rss_per_pod_mib, .destroy_s] | all(type == "number" and . > 0)' >/dev/null
		ok $? "$t $b: every figure is positive"
		w | jq -e '.start_min_ms <= .start_median_ms and .start_median_ms <= .start_p95_ms and .start_p95_ms <= .start_max_ms and .start_max_ms <= .total_s * 1000' >/dev/null
		ok $? "$t $b: min <= median <= p95 <= max <= total"
		w | jq -e '.pss_per_pod_mib <= .rss_per_pod_mib' >/dev/null
		ok $? "$t $b: PSS per pod <= RSS per pod"
		w | jq -e '.roles.shim.procs == 3' >/dev/null
		ok $? "$t $b: one shim per pod counted ($(w | jq -c .roles.shim))"
		diag "$t $b: $(w | jq -c 'del(.start_ms)')"
	done
	w() { jq --arg t "$t" '.cells[] | select(.target == $t and .benchmark == "scalability.runtime.10") | .runs[0].workload' "$res"; }
	w | jq -e '.mode == "concurrent" and .clients == 2' >/dev/null
	ok $? "$t: concurrent mode with 2 clients recorded"
done
w() { jq '.cells[] | select(.target == "cri/containerd/runsc" and .benchmark == "scalability.runtime.5") | .runs[0].workload' "$res"; }
w | jq -e '.roles.sentry.procs >= 3 and .roles.gofer.procs >= 3 and .roles.sentry.pss_kib > 0' >/dev/null
ok $? "runsc: Sentry and Gofer processes counted for every pod"
r=$(jq -r '.cells[] | select(.target == "cri/containerd/runc" and .benchmark == "scalability.runtime.5") | .runs[0].workload.pss_per_pod_mib' "$res")
s=$(jq -r '.cells[] | select(.target == "cri/containerd/runsc" and .benchmark == "scalability.runtime.5") | .runs[0].workload.pss_per_pod_mib' "$res")
awk -v r="$r" -v s="$s" 'BEGIN { exit !(s > r) }'; ok $? "a runsc pod costs more host memory than a runc pod ($s vs $r MiB PSS)"

left=$(run_leftovers "$id"); ok $? "nothing left behind${left:+: $left}"
done_testing
