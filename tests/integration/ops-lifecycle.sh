#!/usr/bin/env bash
# operations.container.lifecycle and operations.container.startup through the real embedded
# containerd with runc and runsc (and startup natively and under oci/runc): every figure exists,
# is positive and ordered as time goes (create_and_run >= create, >= run; to_exit >=
# to_first_instruction), lifecycle is skipped with its reason where there is no CRI, and nothing
# is left behind.
set -u
. tests/tap.sh
. tests/integration/run-common.bash
run_need

tmp=$(mktemp -d /tmp/assay-test-ops.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/ops.yaml" <<'YAML'
name: ops-test
targets: [native, oci/runc, cri/containerd/runc, cri/containerd/runsc]
runs: 2
warmup: 0
timeout: 60
benchmarks:
  - name: operations.container.lifecycle
    params: {stop-timeout: 2}
  - operations.container.startup
YAML
out=$tmp/results
start=$SECONDS
$COLLECTOR run -s "$tmp/ops.yaml" -o "$out" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
diag "collector run exited $rc after $((SECONDS - start)) s"
sed 's/^/# /' "$tmp/stderr"
ok $((rc == 0 ? 0 : 1)) "run exits 0"
res=$out/results.json
id=$(jq -r .meta.run_id "$res")

lc=operations.container.lifecycle
su=operations.container.startup
figs='["create_ms","run_ms","create_and_run_ms","destroy_ms","run_pod_sandbox_ms","create_container_ms","start_container_ms","stop_container_ms","remove_container_ms","stop_pod_sandbox_ms","remove_pod_sandbox_ms"]'
for t in cri/containerd/runc cri/containerd/runsc; do
	cell() { jq --arg t "$t" --arg b "$1" '.cells[] | select(.target == $t and .benchmark == $b)' "$res"; }
	[[ $(cell_status "$res" "$t" $lc) == ok ]]; ok $? "$t lifecycle: ok"
	cell $lc | jq -e --argjson f "$figs" '[.runs[] | .figures as $g | $f | all(. as $k | ($g[$k] | type == "number" and . > 0))] | length == 2 and all' >/dev/null
	ok $? "$t lifecycle: every figure of both runs is a positive number"
	cell $lc | jq -e '[.runs[].figures | .create_and_run_ms >= .create_ms and .create_and_run_ms >= .run_ms] | all' >/dev/null
	ok $? "$t lifecycle: create_and_run >= create and >= run in every run"
	cell $lc | jq -e '[.runs[].figures | (.create_ms - .run_pod_sandbox_ms - .create_container_ms | fabs) < 0.01] | all' >/dev/null
	ok $? "$t lifecycle: create is RunPodSandbox + CreateContainer"
	cell $lc | jq -e '[.runs[].figures | (.destroy_ms - .stop_container_ms - .remove_container_ms - .stop_pod_sandbox_ms - .remove_pod_sandbox_ms | fabs) < 0.01] | all' >/dev/null
	ok $? "$t lifecycle: destroy is the four teardown calls"
	cell $lc | jq -e '[.runs[].workload.workload.workload == "pause"] | all' >/dev/null
	ok $? "$t lifecycle: the start line came from the pause workload"
	cell $lc | jq -e '.summary.create_and_run_ms.median > 0 and .summary.create_and_run_ms.n == 2' >/dev/null
	ok $? "$t lifecycle: summary of create_and_run over 2 runs"
	diag "$t lifecycle medians: $(cell $lc | jq -c '.summary | with_entries(.value = (.value.median | . * 10 | round / 10))')"
done
for t in native oci/runc cri/containerd/runc cri/containerd/runsc; do
	cell() { jq --arg t "$t" --arg b "$1" '.cells[] | select(.target == $t and .benchmark == $b)' "$res"; }
	[[ $(cell_status "$res" "$t" $su) == ok ]]; ok $? "$t startup: ok"
	cell $su | jq -e '[.runs[].figures | .to_first_instruction_ms > 0 and .to_exit_ms >= .to_first_instruction_ms] | length == 2 and all' >/dev/null
	ok $? "$t startup: 0 < to_first_instruction <= to_exit in both runs"
	diag "$t startup medians: $(cell $su | jq -c '.summary | with_entries(.value = (.value.median | . * 10 | round / 10))')"
done
for t in native oci/runc; do
	st=$(cell_status "$res" "$t" $lc)
	why=$(jq -r --arg t "$t" --arg b $lc '.cells[] | select(.target == $t and .benchmark == $b) | .reason' "$res")
	[[ $st == skipped && $why == *CRI* ]]; ok $? "$t lifecycle: skipped ($why)"
done
# a CRI launch costs more than a native one: the figure measures a real launch path
n=$(jq -r --arg b $su '.cells[] | select(.target == "native" and .benchmark == $b) | .summary.to_first_instruction_ms.median' "$res")
c=$(jq -r --arg b $su '.cells[] | select(.target == "cri/containerd/runc" and .benchmark == $b) | .summary.to_first_instruction_ms.median' "$res")
awk -v n="$n" -v c="$c" 'BEGIN { exit !(c > n) }'; ok $? "startup through the CRI ($c ms) is slower than native ($n ms)"

left=$(run_leftovers "$id"); ok $? "nothing left behind${left:+: $left}"
done_testing
