# Helpers for the run engine's integration tests (tests/integration/run-*.sh source this after
# tests/tap.sh). Not a test itself: the runner only picks up *.sh.

COLLECTOR=${COLLECTOR:-build/collector}
. tests/integration/shim.bash
# What the tools assay drives make on the host whatever they are told (lib/footprint.c's table,
# dockerd's /run/docker/plugins, LXC's /run/lxc/lock): those absent before the test must not be
# left empty after it (one that holds something, a live shim's socket say, is someone's).
host_paths="/run/containerd/s /run/containerd /run/runc /run/crun /run/runsc /run/docker/plugins
	/run/docker /run/lxc/lock /run/lxc /var/lib/containers/cache /var/lib/containers
	/etc/cni/net.d/cni.lock"
host_paths_before=${host_paths_before:-" $(for h in $host_paths; do [[ -e $h ]] && printf '%s ' "$h"; done)"}
host_paths_left() {
	local h
	for h in $host_paths; do
		[[ -e $h && $host_paths_before != *" $h "* ]] || continue
		[[ -d $h && -z $(ls -A "$h" 2>/dev/null) || -f $h && ! -s $h ]] && echo "$h"
	done
}

run_need() {
	[[ $EUID == 0 ]] || skip_all "needs root (containers, cgroups, mounts)"
	[[ -x $COLLECTOR ]] || { echo "Bail out! $COLLECTOR not built (make collector)"; exit 1; }
	[[ -f build/images/pause.tar && -x build/bin/cpu ]] ||
		{ echo "Bail out! workloads/images not built (make images)"; exit 1; }
	command -v jq >/dev/null || { echo "Bail out! jq missing"; exit 1; }
}

# Processes whose command line mentions the run's directories (containerd, shims, runc/runsc
# with --root there, runsc sandboxes and gofers, workloads in the scratch dir).
run_procs() { # run_id
	local id=$1 p
	for p in /proc/[0-9]*; do
		[[ ${p#/proc/} == "$$" || ${p#/proc/} == "$BASHPID" ]] && continue
		# (a process may exit meanwhile: its /proc entry is then gone, not an error)
		if { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -qE "/run/assay/$id|assay-$id"; then
			echo "${p#/proc/}: $({ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | cut -c1-150)"
		fi
	done
}

# Everything a run may leave: processes, mounts, directories, cgroups, shim sockets. Prints what it finds;
# polls a few seconds first (a killed process' exit and lazy unmounts take a moment).
run_leftovers() { # run_id
	local id=${1:-no-run-id} i out
	[[ $id == null ]] && id=no-run-id
	for i in $(seq 30); do
		out=$(
			run_procs "$id"
			grep -E "/run/assay/$id|/var/tmp/assay-$id" /proc/self/mountinfo | awk '{print "mount: " $5}'
			for d in /run/assay/$id /var/tmp/assay-$id; do [[ -e $d ]] && echo "dir: $d"; done
			ls -d /sys/fs/cgroup/*/assay/*"$id"* 2>/dev/null | sed 's/^/cgroup: /'
			stale_shim_sockets | sed 's/^/shim socket: /'
			[[ -e /run/lxc/lock/run/assay/$id ]] && echo "dir: /run/lxc/lock/run/assay/$id"
			host_paths_left | sed 's/^/host path: /'
		)
		[[ -z $out ]] && return 0
		sleep 0.2
	done
	echo "$out"
	return 1
}

# Status of the cell target × benchmark in a results.json.
cell_status() { # results.json target benchmark
	jq -r --arg t "$2" --arg b "$3" '.cells[] | select(.target == $t and .benchmark == $b) | .status' "$1"
}

# Runs finished so far of the targets starting with prefix, from a running suite's run log
# (DIR/runs.jsonl: one line per finished run; results.json is derived at the end).
log_runs() { # results_dir [target_prefix]
	local n
	n=$(jq -n --arg p "${2:-}" '[inputs | select(.run and (.target | startswith($p)))] | length' \
		"$1/runs.jsonl" 2>/dev/null | tail -1)
	echo "${n:-0}"
}

# Waits (up to $2 s, default 60) until a workload process named $1 runs in a CRI container (its
# parent a containerd shim, or runsc's sandbox) and prints its pid.
cri_workload_pid() { # name [timeout_s]
	local i p pp
	for i in $(seq $((${2:-60} * 20))); do
		for p in $(pgrep -x "$1"); do
			pp=$(ps -o ppid= -p "$p" | tr -d ' ')
			[[ -n $pp && $(cat /proc/"$pp"/comm 2>/dev/null) == containerd-shim* ]] && { echo "$p"; return 0; }
		done
		sleep 0.05
	done
	return 1
}

# Fault injection (tests/integration/fault-*.sh). A suite of a CRI target and native, cpu.time
# of $FAULT_TIME s, two runs each, interleaved: the fault hits the CRI target's first run, whose
# pod must be gone (the daemon lists no container) while native's first run goes on, and every
# other run must succeed.
#   fault_suite TARGET [EXTRA_BENCH_KEYS]   writes $tmp/suite.yaml
#   fault_start                             runs it in the background: $pid, $id, $out
#   fault_after_first                       waits until the CRI target's first run is logged,
#                                           then checks the daemon has no container left
#   fault_end                               waits; checks exit 1, one failed run, the rest
#                                           ok, nothing left behind. $failure: the failed run's
FAULT_TIME=${FAULT_TIME:-2}
fault_suite() { # target [bench yaml lines]
	fault_target=$1
	cat >"$tmp/suite.yaml" <<YAML
name: fault
targets: [$1, native]
runs: 2
warmup: 0
benchmarks:
  - name: performance.cpu.time
    params: {time: $FAULT_TIME, events: 0}
${2:-}
YAML
}

fault_start() {
	out=$tmp/out
	$COLLECTOR run --no-trace --no-report -s "$tmp/suite.yaml" -o "$out" ${FAULT_ARGS:-} \
		>"$tmp/stdout" 2>"$tmp/stderr" &
	pid=$!
	for _ in $(seq 100); do
		id=$(jq -r .meta.run_id "$out/results.json" 2>/dev/null) && [[ -n $id && $id != null ]] && break
		sleep 0.1
	done
}

fault_after_first() {
	local i left
	for i in $(seq 1200); do
		[[ $(log_runs "$out" "$fault_target") -ge 1 ]] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	left=$(ctr -a "${FAULT_SOCK:-/run/assay/$id/containerd/containerd.sock}" -n k8s.io containers ls -q 2>&1)
	[[ -z $left ]]; ok $? "after the failed run the daemon has no container or pod sandbox left${left:+: $left}"
}

fault_end() {
	local rc n
	wait "$pid"; rc=$?
	pid=
	sed 's/^/# /' "$tmp/stderr"
	ok $((rc == 1 ? 0 : 1)) "exit 1: a run failed (got $rc)"
	failure=$(jq -r --arg t "$fault_target" '[.cells[] | select(.target == $t) | .runs[] | select(.failure != null) | .failure] | if length == 1 then .[0] else "\(length) failed runs" end' "$out/results.json")
	n=$(jq '[.cells[].runs[] | select(.failure == null)] | length' "$out/results.json")
	ok $((n == 3 ? 0 : 1)) "the other 3 runs (CRI's second, native's two) succeeded (got $n)"
	left=$(run_leftovers "$id"); ok $? "nothing of the run left behind${left:+: $left}"
}
