#!/usr/bin/env bash
# The CRI client and the embedded containerd end to end, with real containerd, runc and runsc:
# build/tests/cri-drive runs the cpu workload through the CRI under handlers runc and runsc (each
# call timed) and stops the daemon; then nothing of it may be left: no process mentioning its run
# directory, no mount under it, no run directory, no shim socket. A second and third run are
# interrupted with SIGINT while a long container runs (runc, then runsc), and must clean up too;
# so must a run whose containerd was SIGKILLed under a running container.
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/tap.sh

B=${B:-build}
drive=$B/tests/cri-drive
adapter=$B/libexec/assay-runsc
[[ $(id -u) == 0 ]] || skip_all "needs root (containerd, runc, runsc)"
for t in containerd ctr runc runsc jq; do
	command -v "$t" >/dev/null || skip_all "$t is not installed (make deps)"
done
for f in "$drive" "$adapter" build/images/pause.tar build/images/cpu.tar; do
	[[ -e $f ]] || { echo "not ok 1 - $f missing: run make test-build"; exit 1; }
done
ref() { jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "build/images/$1/index.json"; }
pause_ref=$(ref pause) cpu_ref=$(ref cpu)
tmp=$(mktemp -d /tmp/assay-test-cri-lifecycle.XXXXXX)
# The runc shim's cgroup parent, /k8s.io in every hierarchy: the daemon made it when it was absent,
# so it must be gone again at the end, a reclaim after a killed collector included.
had_k8s_cgroup=
[[ -d /sys/fs/cgroup/memory/k8s.io ]] && had_k8s_cgroup=1
driver_pid=
cleanup() {
	[[ -n $driver_pid ]] && kill -TERM "$driver_pid" 2>/dev/null && wait "$driver_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Where containerd 1.6 puts the socket of the shim for (run dir, id): /run/containerd/s/ +
# sha256(ADDRESS/NAMESPACE/ID). A killed shim leaves it behind.
shim_socket() {
	echo "/run/containerd/s/$(printf '%s' "$1/containerd.sock/k8s.io/$2" | sha256sum | cut -d' ' -f1)"
}

# Re-emits the driver's TAP as points of this script.
relay() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*) ok 0 "${line#ok * - }" ;;
		"not ok "*) ok 1 "${line#not ok * - }" ;;
		"#"*) echo "$line" ;;
		esac
	done <"$1"
}

left_behind() { # run_dir, what
	local run_dir=$1 what=$2 procs=() p
	if [[ -z $run_dir ]]; then
		ok 1 "$what: driver named its run directory"
		return
	fi
	for p in /proc/[0-9]*; do
		if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -qF -- "$run_dir"; then
			procs+=("${p#/proc/}:$({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | cut -c1-80)")
		fi
	done
	((${#procs[@]} == 0)); ok $? "$what: no process mentions $run_dir"
	((${#procs[@]})) && printf '#   left: %s\n' "${procs[@]}"
	! grep -qF -- "$run_dir" /proc/self/mountinfo; ok $? "$what: no mount under the run directory"
	[[ ! -e $run_dir ]]; ok $? "$what: run directory removed"
}

# 1. Full lifecycle under runc and runsc.
"$drive" -p build/images/pause.tar -P "$pause_ref" -i build/images/cpu.tar -I "$cpu_ref" \
	-a "$adapter" -H runc,runsc -- --json --events=10 >"$tmp/drive.out" 2>"$tmp/drive.err"
rc=$?
relay "$tmp/drive.out"
((rc == 0)); ok $? "cri-drive exits 0 (got $rc)"
((rc == 0)) || sed 's/^/#   stderr: /' "$tmp/drive.err" | head -20
run_dir=$(sed -n 's/^# run-dir //p' "$tmp/drive.out")
left_behind "$run_dir" "after daemon_stop"
# Timings for the record (the per-call lines carry the ms).
grep -E '^ok .*(RunPodSandbox|CreateContainer|StartContainer|StopPodSandbox) \(' "$tmp/drive.out" |
	sed 's/^ok [0-9]* - /# timing: /'

# 2. SIGINT while a long-running container (our pause binary: it sleeps) is up: the driver tears
# down like the collector does. The container carries a marker in its environment, so a
# surviving container process can be found even though its command line says nothing.
mark=ASSAY_CRI_LIFECYCLE_MARK=$$-$RANDOM
marked() {
	local p
	for p in /proc/[0-9]*; do
		{ tr '\0' '\n' <"$p/environ"; } 2>/dev/null | grep -qxF -- "$mark" && echo "${p#/proc/}"
	done
}
for h in runc runsc; do
	"$drive" --hold -p build/images/pause.tar -P "$pause_ref" -i build/images/pause.tar \
		-I "$pause_ref" -a "$adapter" -H "$h" -e "$mark" -- --json \
		>"$tmp/hold-$h.out" 2>"$tmp/hold-$h.err" &
	driver_pid=$!
	for _ in $(seq 600); do
		grep -q 'StartContainer' "$tmp/hold-$h.out" && break
		kill -0 "$driver_pid" 2>/dev/null || break
		sleep 0.1
	done
	grep -q "^ok .*$h: StartContainer" "$tmp/hold-$h.out"; ok $? "$h: long-running container started"
	for _ in $(seq 100); do # the driver updates the running container right after the start
		grep -q 'on the running container' "$tmp/hold-$h.out" && break
		sleep 0.1
	done
	cid=$(sed -n 's/^# container-id //p' "$tmp/hold-$h.out")
	if [[ $h == runsc ]]; then
		# The workload's environment lives inside gVisor; its sandbox (runsc-sandbox, gofer)
		# carries the container id on its command line.
		[[ -n $cid ]] && pgrep -f -- "$cid" >/dev/null
		ok $? "$h: the container's gVisor sandbox is found by its id"
	else
		[[ -n $(marked) ]]; ok $? "$h: the container's process is found by its marker"
	fi
	# The driver raised the running container's quota to 50000/100000 (UpdateContainerResources);
	# runc applies it to the container's cgroup, the adapter to the runsc sandbox's: one
	# sandbox per pod (the default) runs in the pod sandbox's (pause's) cgroup.
	cg=$cid
	[[ $h == runsc ]] && cg=$(sed -n 's/^# pod-id //p' "$tmp/hold-$h.out")
	quota=$(cat /sys/fs/cgroup/cpu/k8s.io/"$cg"/cpu.cfs_quota_us 2>/dev/null)
	[[ $quota == 50000 ]]; ok $? "$h: the update reached the sandbox's cgroup (quota $quota)"
	pod=$(sed -n 's/^# pod-id //p' "$tmp/hold-$h.out")
	[[ -S $(shim_socket "$(sed -n 's/^# run-dir //p' "$tmp/hold-$h.out")" "$pod") ]]
	ok $? "$h: the pod's shim socket is where the leftover checks look for it"
	kill -INT "$driver_pid"
	wait "$driver_pid"
	rc=$?
	driver_pid=
	relay "$tmp/hold-$h.out"
	((rc == 130)); ok $? "$h: interrupted driver exits 130 (got $rc)"
	grep -q '^ok .*daemon_stop' "$tmp/hold-$h.out"; ok $? "$h: daemon_stop succeeded after SIGINT"
	grep '^# error' "$tmp/hold-$h.out" | head -5
	[[ -z $(marked) ]] && ! pgrep -f -- "$cid" >/dev/null
	ok $? "$h: no process of the container is left"
	left_behind "$(sed -n 's/^# run-dir //p' "$tmp/hold-$h.out")" "$h after SIGINT"
done

# 3. containerd killed (SIGKILL) under a running container: daemon_stop has no CRI to ask and must
# still find the shim, the runtime's processes and the container, kill them, unmount, remove the
# container's cgroups and the run directory.
for h in runc runsc; do
	"$drive" --kill-daemon -p build/images/pause.tar -P "$pause_ref" -i build/images/pause.tar \
		-I "$pause_ref" -a "$adapter" -H "$h" -e "$mark" -- --json \
		>"$tmp/crash-$h.out" 2>"$tmp/crash-$h.err"
	rc=$?
	relay "$tmp/crash-$h.out"
	((rc == 0)); ok $? "$h: driver with a killed containerd exits 0 (got $rc)"
	[[ -z $(marked) ]]; ok $? "$h: no process of the container is left"
	left_behind "$(sed -n 's/^# run-dir //p' "$tmp/crash-$h.out")" "$h after containerd died"
	for id in $(sed -n 's/^# \(container\|pod\)-id //p' "$tmp/crash-$h.out"); do
		cgs=$(ls -d /sys/fs/cgroup/*/k8s.io/"$id" /sys/fs/cgroup/*/k8s.io/*/"$id" 2>/dev/null)
		[[ -z $cgs ]]; ok $? "$h: no cgroup left for ${id:0:12}"
		[[ -n $cgs ]] && echo "#   left: $cgs"
	done
done

# 4. The driver (the collector) SIGKILLed under a running container: containerd follows it (parent
# death signal), the shim, runtime and container stay; daemon_reclaim on the run directory must
# then clean up everything, and must leave a run directory alone while its containerd serves it.
for h in runc runsc; do
	"$drive" --hold -p build/images/pause.tar -P "$pause_ref" -i build/images/pause.tar \
		-I "$pause_ref" -a "$adapter" -H "$h" -e "$mark" -- --json \
		>"$tmp/kill-$h.out" 2>"$tmp/kill-$h.err" &
	driver_pid=$!
	for _ in $(seq 600); do
		grep -q 'StartContainer' "$tmp/kill-$h.out" && break
		kill -0 "$driver_pid" 2>/dev/null || break
		sleep 0.1
	done
	run_dir=$(sed -n 's/^# run-dir //p' "$tmp/kill-$h.out")
	grep -q "^ok .*$h: StartContainer" "$tmp/kill-$h.out"; ok $? "$h: container up before the kill"
	"$drive" --reclaim "$run_dir" >"$tmp/reclaim-live-$h.out" 2>&1
	grep -q 'a containerd still serves it' "$tmp/reclaim-live-$h.out"
	ok $? "$h: reclaim leaves a run directory alone while its containerd runs"
	[[ -d $run_dir ]]; ok $? "$h: and the run directory is still there"
	kill -KILL "$driver_pid"
	wait "$driver_pid" 2>/dev/null
	driver_pid=
	for _ in $(seq 100); do
		pgrep -f -- "--config $run_dir/config.toml" >/dev/null || break
		sleep 0.1
	done
	! pgrep -f -- "--config $run_dir/config.toml" >/dev/null
	ok $? "$h: containerd went with its killed parent"
	shims=$(pgrep -f -- "-address $run_dir/containerd.sock" | wc -l)
	((shims > 0)); ok $? "$h: its shims outlived it ($shims), as containerd shims do"
	"$drive" --reclaim "$run_dir" >"$tmp/reclaim-$h.out" 2>&1
	relay "$tmp/reclaim-$h.out"
	[[ -z $(marked) ]]; ok $? "$h: no process of the container is left"
	left_behind "$run_dir" "$h after reclaim"
done

# 5. A start-up failure (a pause reference the archive does not have) says what is wrong and
# leaves nothing either; a run directory that is not empty is refused and kept.
"$drive" -r "$tmp/run" -p build/images/pause.tar -P localhost/assay/nope:0 \
	-i build/images/pause.tar -I "$pause_ref" -H runc >"$tmp/bad.out" 2>&1
rc=$?
((rc == 1)); ok $? "bad pause reference: driver fails (got $rc)"
grep -q "pause image \`localhost/assay/nope:0\` is not in" "$tmp/bad.out"
ok $? "bad pause reference: the error names the reference"
left_behind "$tmp/run" "after a failed start"
long=$tmp/$(printf 'x%.0s' $(seq 90))
"$drive" -r "$long" -p build/images/pause.tar -P "$pause_ref" -i build/images/pause.tar \
	-I "$pause_ref" -H runc >"$tmp/long.out" 2>&1
grep -q "is too long for containerd's sockets" "$tmp/long.out"
ok $? "a run directory too long for a unix socket is refused with a clear message"
[[ ! -e $long ]]; ok $? "and not left behind"
mkdir -p "$tmp/full" && touch "$tmp/full/keep"
"$drive" -r "$tmp/full" -p build/images/pause.tar -P "$pause_ref" -i build/images/pause.tar \
	-I "$pause_ref" -H runc >"$tmp/full.out" 2>&1
grep -q "run directory \`$tmp/full\` must be new or empty" "$tmp/full.out"
ok $? "a non-empty run directory is refused"
[[ -e $tmp/full/keep ]]; ok $? "and left as it was"

# No run left a shim socket behind.
left_sockets=()
for out in "$tmp"/*.out; do
	rd=$(sed -n 's/^# run-dir //p' "$out")
	[[ -n $rd ]] || continue
	for id in $(sed -n 's/^# \(container\|pod\)-id //p' "$out"); do
		sock=$(shim_socket "$rd" "$id")
		[[ -e $sock ]] && left_sockets+=("$sock")
	done
done
((${#left_sockets[@]} == 0)); ok $? "no shim socket of ours left in /run/containerd/s"
((${#left_sockets[@]})) && printf '#   left: %s\n' "${left_sockets[@]}"
if [[ -z $had_k8s_cgroup ]]; then
	left=$(ls -d /sys/fs/cgroup/*/k8s.io 2>/dev/null)
	[[ -z $left ]]; ok $? "the k8s.io cgroup parents the daemons made are gone"
	[[ -n $left ]] && printf '#   left: %s\n' $left
fi
done_testing
