#!/usr/bin/env bash
# `collector run --endpoint` against a CRI daemon the user runs (here: a containerd this test
# starts with its own root and socket): an image missing there skips the CRI cell with the `ctr
# images import` command to fix it; once imported, the cell runs; the daemon is never stopped
# and keeps no pod or container of the run.
set -u
. tests/tap.sh
. tests/integration/run-common.bash
. tests/integration/containerd.bash
run_need
containerd_user_dirs run-endpoint
ctr_() { ctr -a "$sock" -n k8s.io "$@"; }
trap 'containerd_user_cleanup "$d" "$tmp" "$had_run_containerd"' EXIT

mkdir -p "$d"
pause_ref=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' build/images/pause/index.json)
cpu_ref=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' build/images/cpu/index.json)
containerd_user_config "$d" "$sock" "$pause_ref"
containerd_start "$d/config.toml" "$sock" "$d/containerd.log"
ok $? "a user's containerd answers on $sock" || { tail -5 "$d/containerd.log" | sed 's/^/# /'; done_testing; }
ctr_ images import build/images/pause.tar >/dev/null 2>&1; ok $? "pause image imported there"

run() { # outdir
	$COLLECTOR run --no-trace --endpoint "unix://$sock" -s suites/smoke.yaml \
		--targets native,cri/containerd/runc --benchmarks performance.cpu.time -o "$1" \
		>"$tmp/stdout" 2>"$tmp/stderr"
}
run "$tmp/out1"; rc=$?
sed 's/^/# /' "$tmp/stderr"
ok $((rc == 0 ? 0 : 1)) "exit 0 (a skipped cell is no failure; got $rc)"
reason=$(jq -r '.cells[] | select(.target == "cri/containerd/runc") | "\(.status): \(.reason)"' "$tmp/out1/results.json")
[[ $reason == "skipped: "*"$cpu_ref"*"ctr -a $sock -n k8s.io images import "*cpu.tar* ]]
ok $? "cpu image missing: skipped, saying how to import it ($reason)"
[[ $(cell_status "$tmp/out1/results.json" native performance.cpu.time) == ok ]]; ok $? "native still ran"
kill -0 "$ctd_pid" 2>/dev/null; ok $? "the user's daemon still runs"

ctr_ images import build/images/cpu.tar >/dev/null 2>&1; ok $? "cpu image imported"
run "$tmp/out2"; rc=$?
sed 's/^/# /' "$tmp/stderr"
ok $((rc == 0 ? 0 : 1)) "exit 0 (got $rc)"
res=$tmp/out2/results.json
[[ $(cell_status "$res" cri/containerd/runc performance.cpu.time) == ok ]]; ok $? "CRI cell ok"
jq -e '.cells[] | select(.target == "cri/containerd/runc") | .runs[0].figures.events_per_sec > 0' "$res" >/dev/null
ok $? "with the workload's figures"
jq -e --arg e "unix://$sock" '.meta.target_info["cri/containerd/runc"].endpoint == $e and (.meta.versions.cri_daemon | test("containerd"))' "$res" >/dev/null
ok $? "meta names the endpoint and the daemon's version"
kill -0 "$ctd_pid" 2>/dev/null; ok $? "the user's daemon still runs"
[[ -z $(ctr_ containers ls -q) ]]; ok $? "no container of the run left on it"
[[ -z $(ctr_ tasks ls -q) ]]; ok $? "no task left on it"
id=$(jq -r .meta.run_id "$res")
left=$(run_leftovers "$id"); ok $? "nothing of the run left${left:+: $left}"
done_testing
