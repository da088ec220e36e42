# Helpers for the run engine's integration tests (tests/integration/run-*.sh source this after
# tests/tap.sh). Not a test itself: the runner only picks up *.sh.

COLLECTOR=${COLLECTOR:-build/collector}

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

# Everything a run may leave: processes, mounts, directories, cgroups. Prints what it finds;
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
