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
command -v containerd >/dev/null && command -v ctr >/dev/null || skip_all "containerd not installed"

tmp=$(mktemp -d /tmp/assay-test-run-endpoint.XXXXXX)
d=$tmp/ctd
sock=$d/containerd.sock
ctd_pid=
had_run_containerd=0
[[ -d /run/containerd ]] && had_run_containerd=1
ctr_() { ctr -a "$sock" -n k8s.io "$@"; }
cleanup() {
	containerd_stop
	local p
	for p in $(pgrep -f "containerd-shim.*-address $d/" 2>/dev/null); do kill -KILL "$p"; done
	awk -v d="$tmp/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m"; done
	rmdir /sys/fs/cgroup/*/assay 2>/dev/null
	((had_run_containerd)) || rmdir /run/containerd/s /run/containerd 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$d"
pause_ref=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' build/images/pause/index.json)
cpu_ref=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' build/images/cpu/index.json)
cat >"$d/config.toml" <<TOML
version = 2
root = "$d/root"
state = "$d/state"
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_ref"
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "$d/cni/bin"
  conf_dir = "$d/cni/conf.d"
[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "runc"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  Root = "$d/runc"
TOML
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
