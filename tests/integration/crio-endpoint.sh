#!/usr/bin/env bash
# cri/crio/runc through --endpoint against a real CRI-O that this test starts with a private
# config (root, runroot, socket, logs, exits, namespaces and runc state under its own temp dir;
# cgroupfs; no CNI: pods use the node's network) in a cpuacct cgroup of its own. CRI-O is not a
# Debian package: the test runs only where a crio binary exists (in PATH, or $ASSAY_CRIO) and
# skips saying so otherwise. Checks: assay puts its images into CRI-O's containers-storage
# (skopeo) and removes them again, the cells run, results name CRI-O, the tracer gives crio the
# cri-daemon role and conmon the shim role with coverage near 1, and no pod, container, image
# or process of the run is left in that CRI-O.
set -u
. tests/tap.sh
. tests/integration/run-common.bash
run_need
crio=${ASSAY_CRIO:-$(command -v crio)}
[[ -n $crio && -x $crio ]] ||
	skip_all "crio not installed (not in PATH, no \$ASSAY_CRIO): CRI-O is no Debian package"
for t in conmon runc skopeo; do
	command -v "$t" >/dev/null || { echo "Bail out! $t missing (CRI-O needs it here)"; exit 1; }
done
pinns=${ASSAY_PINNS:-$(dirname "$crio")/pinns}
[[ -x $pinns ]] || pinns=$(command -v pinns)
[[ -x $pinns ]] || { echo "Bail out! pinns (CRI-O's) not found beside $crio or in PATH"; exit 1; }

tmp=$(mktemp -d /tmp/assay-test-crio.XXXXXX)
sock=$tmp/crio.sock cg=/sys/fs/cgroup/cpuacct/assay-test-crio-$$ crio_pid=
cleanup() {
	if [[ -n $crio_pid ]]; then
		kill "$crio_pid" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$crio_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$crio_pid" 2>/dev/null
	fi
	awk -v d="$tmp/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m"; done
	rmdir "$cg" /sys/fs/cgroup/*/assay 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pause_ref=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' build/images/pause/index.json)
mkdir -p "$tmp"/{root,runroot,run,log,exits,attach,ns,cni-conf,cni-bin,conf.d}
cat >"$tmp/crio.conf" <<EOF
[crio]
root = "$tmp/root"
runroot = "$tmp/runroot"
storage_driver = "overlay"
log_dir = "$tmp/log"
version_file = "$tmp/run/version"
clean_shutdown_file = "$tmp/run/clean.shutdown"
[crio.api]
listen = "$sock"
stream_address = "127.0.0.1"
stream_port = "0"
[crio.runtime]
conmon = "$(command -v conmon)"
conmon_cgroup = "pod"
cgroup_manager = "cgroupfs"
apparmor_profile = ""
container_exits_dir = "$tmp/exits"
container_attach_socket_dir = "$tmp/attach"
namespaces_dir = "$tmp/ns"
pinns_path = "$pinns"
default_runtime = "runc"
[crio.runtime.runtimes.runc]
runtime_path = "$(command -v runc)"
runtime_root = "$tmp/runc"
[crio.image]
pause_image = "$pause_ref"
pause_command = "/pause"
signature_policy = "$tmp/policy.json"
[crio.network]
network_dir = "$tmp/cni-conf"
plugin_dirs = ["$tmp/cni-bin"]
EOF
echo '{"default": [{"type": "insecureAcceptAnything"}]}' >"$tmp/policy.json"
mkdir -p "$cg"
# This VM lacks CAP_SYS_RESOURCE: the infra container's oom_score_adj -998 fails (containerd has
# restrict_oom_score_adj for it, CRI-O 1.26 nothing but its rootless mode, which drops it).
(cd "$tmp" && echo $BASHPID >"$cg/cgroup.procs" &&
	exec env _CRIO_ROOTLESS=1 "$crio" --config "$tmp/crio.conf" --config-dir "$tmp/conf.d" \
		>"$tmp/crio.log" 2>&1) &
crio_pid=$!
for _ in $(seq 100); do [[ -S $sock ]] && break; kill -0 "$crio_pid" 2>/dev/null || break; sleep 0.1; done
[[ -S $sock ]]; ok $? "CRI-O ($("$crio" --version 2>/dev/null | head -1)) serves $sock"
[[ -S $sock ]] || { sed 's/^/#   /' "$tmp/crio.log" | tail -5; done_testing; exit; }

cat >"$tmp/suite.yaml" <<'EOF'
name: crio-endpoint
targets: [cri/crio/runc]
runs: 2
warmup: 0
timeout: 60
benchmarks:
  - name: performance.cpu.time
    params: {cpu-max-prime: 10000, events: 100}
  - name: operations.container.lifecycle
EOF
$COLLECTOR run -q -s "$tmp/suite.yaml" --endpoint "unix://$sock" -o "$tmp/out" \
	>"$tmp/run.out" 2>"$tmp/run.err"
rc=$?
((rc == 0)); ok $? "collector run --endpoint CRI-O exits 0 (got $rc)"
((rc == 0)) || sed 's/^/#   /' "$tmp/run.err" | tail -5
R=$tmp/out/results.json
for b in performance.cpu.time operations.container.lifecycle; do
	st=$(jq -r --arg b "$b" '.cells[] | select(.benchmark == $b) | .status' "$R" 2>/dev/null)
	[[ $st == ok ]]; ok $? "$b on cri/crio/runc: $st"
done
daemon=$(jq -r '.meta.target_info["cri/crio/runc"].daemon' "$R" 2>/dev/null)
[[ $daemon == cri-o\ * ]]; ok $? "results name the daemon ($daemon)"
jq -e '.cells[] | select(.benchmark == "performance.cpu.time") | .runs[] | .workload.events == 100' \
	"$R" >/dev/null
ok $? "the workload's JSON came through CRI-O's log"
read -r cov crio_ns conmon_ns < <(jq -r '[.cells[] | select(.benchmark == "performance.cpu.time")
	| .runs[0].attribution | .coverage, .roles["cri-daemon"].cpu_ns, .roles.shim.cpu_ns]
	| map(tostring) | join(" ")' "$R" 2>/dev/null)
echo "# coverage $cov, crio $crio_ns ns, conmon $conmon_ns ns"
[[ $crio_ns =~ ^[0-9]+$ ]] && ((crio_ns > 0)); ok $? "crio's CPU goes to cri-daemon ($crio_ns ns)"
[[ $conmon_ns =~ ^[0-9]+$ ]] && ((conmon_ns > 0)); ok $? "conmon's to shim ($conmon_ns ns)"
awk -v c="$cov" 'BEGIN {exit !(c >= 0.95 && c <= 1.05)}'; ok $? "coverage $cov within 0.95..1.05"

# Nothing of the run stays in CRI-O: no container state, no image of ours in its storage.
left=$(ls "$tmp/runc" 2>/dev/null; ls "$tmp/exits" 2>/dev/null)
[[ -z $left ]]; ok $? "no container left in CRI-O (${left//$'\n'/ })"
imgs=$(jq -r '.[].names[]?' "$tmp/root/overlay-images/images.json" 2>/dev/null | grep -v "^$pause_ref$")
[[ -z $imgs ]]; ok $? "the images assay placed are removed again (${imgs//$'\n'/ })"
run_id=$(jq -r '.meta.run_id' "$R" 2>/dev/null)
left=$(run_leftovers "$run_id")
[[ -z $left ]]; ok $? "nothing of run $run_id left${left:+: $left}"
kill -0 "$crio_pid" 2>/dev/null; ok $? "CRI-O (not ours to stop) still runs"
done_testing
