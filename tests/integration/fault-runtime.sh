#!/usr/bin/env bash
# Faults below the CRI daemon, each while a CRI run's workload runs or is being created: SIGKILL
# of the pod's containerd shim, of the gVisor Sentry (runsc-sandbox) serving it, and of `runc`
# creating the container. Each costs that one run, whose failure says what happened; the rest of
# the suite completes, the daemon lists no container, and nothing is left.
set -u
. tests/tap.sh
. tests/integration/run-common.bash
run_need

tmp=$(mktemp -d /tmp/assay-test-fault-runtime.XXXXXX)
pid=
trap '[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# the pid of a process whose command line matches $1 and mentions the run's directory
run_proc() { # regex
	local p
	for p in $(pgrep -f "$1"); do
		{ tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -q "/run/assay/$id" && { echo "$p"; return 0; }
	done
	return 1
}

diag "--- the containerd shim of the pod, killed while the workload runs"
fault_suite cri/containerd/runc
fault_start
w=$(cri_workload_pid cpu 60)
shim=$(ps -o ppid= -p "$w" | tr -d ' ')
[[ $(cat /proc/"$shim"/comm) == containerd-shim* ]]; ok $? "the workload ($w) runs under its shim ($shim)"
kill -KILL "$shim"
fault_after_first
fault_end
[[ $failure == *shim* ]]; ok $? "the run says: $failure"

diag "--- the gVisor Sentry (runsc-sandbox) of the pod, killed while the workload runs in it"
rm -rf "$tmp/out"
FAULT_TIME=3 fault_suite cri/containerd/runsc
fault_start
# the pod's sandbox has a gofer; the workload's sub-container a second one
for _ in $(seq 600); do
	[[ $(pgrep -fc "^runsc-gofer .*/run/assay/$id/") -ge 2 ]] && break
	sleep 0.05
done
sleep 1
sentry=$(run_proc "^runsc-sandbox ")
[[ -n $sentry ]]; ok $? "the pod's Sentry runs ($sentry)"
kill -KILL "$sentry"
fault_after_first
fault_end
[[ $failure == "its gVisor Sentry (runsc-sandbox, pid $sentry) died during the run: "* ]]; ok $? "the run says: $failure"

diag "--- runc killed while it creates the workload's container (containerd creates the task at StartContainer)"
rm -rf "$tmp/out"
fault_suite cri/containerd/runc
fault_start
# the run's first pod: its log directory comes first, then runc creates its pause container
# (RunPodSandbox), then the workload's (CreateContainer): that second `runc create` is killed
for _ in $(seq 600); do
	compgen -G "/run/assay/$id/cri-containerd-runc/pod-1" >/dev/null && break
	sleep 0.02
done
seen= killed=
end=$((SECONDS + 30))
while ((SECONDS < end)); do
	for p in $(pgrep -f "runc --root /run/assay/$id/.* create "); do
		[[ -z $seen ]] && seen=$p
		[[ $p != "$seen" ]] && kill -KILL "$p" 2>/dev/null && killed=$p
	done
	[[ -n $killed ]] && break
done
[[ -n $killed ]]; ok $? "runc create of the workload's container killed (pid $killed; the pause's was $seen)"
fault_after_first
fault_end
[[ $failure == StartContainer*"OCI runtime create failed"*"exit status 137"* ]]; ok $? "the run says: $failure"
done_testing
