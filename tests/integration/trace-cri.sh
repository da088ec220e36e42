#!/usr/bin/env bash
# collector trace around a full CRI pod lifecycle (build/tests/cri-drive: embedded containerd,
# RunPodSandbox … RemovePodSandbox) running the syscall workload's getppid loop:
#   runc:  the workload's getppid on `workload`; oci-runtime, shim, cri-daemon all busy;
#   runsc: the getppid calls on `stub` (sys_exit only under PTRACE_SYSEMU), the Sentry making
#          the host's ptrace/wait4/futex calls, Sentry+stub >= 80 % of the run's CPU;
# coverage >= 0.95 for both, and nothing left behind (BPF, processes, run directory).
set -u
cd "$(dirname "$0")/../.."
. tests/tap.sh
. tests/integration/trace-lib.bash
trace_need_bpf
DRIVE=build/tests/cri-drive
[[ -x $DRIVE ]] || { echo "Bail out! $DRIVE not built"; exit 1; }
for f in build/images/pause.tar build/images/syscall.tar; do
	[[ -f $f ]] || { echo "Bail out! $f not built (make images)"; exit 1; }
done
command -v containerd >/dev/null || skip_all "containerd not installed"

image_ref() { jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$1/index.json"; }
pause_ref=$(image_ref build/images/pause)
ref=$(image_ref build/images/syscall)

tmp=$(mktemp -d /tmp/assay-trace-cri.XXXXXX)
cleanup() { [[ -n ${KEEP:-} ]] || rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# One untimed batch plus EVENTS batches of 1000 calls: --op-time is far away, so the count is
# exact whatever the runtime's speed.
drive() { # HANDLER EVENTS
	$COLLECTOR trace --json -o "$tmp/$1.json" --role="collector:$DRIVE" -- \
		$DRIVE -p build/images/pause.tar -P "$pause_ref" -i build/images/syscall.tar -I "$ref" \
		-H "$1" -- --ops=getppid --calls=1000 --events="$2" --op-time=1000 \
		--json=on >"$tmp/$1.tap" 2>"$tmp/$1.err"
}

run_dir_gone() { # TAP file of cri-drive
	local d
	d=$(sed -n 's/^# run-dir //p' "$1")
	[[ -n $d && ! -e $d ]] && ! pgrep -f -- "$d" >/dev/null
}

for h in runc runsc; do
	# runsc: long enough (~500k stub syscalls) that the workload's run dominates the whole trace,
	# daemon start, image import and pod lifecycle included.
	case $h in runc) events=50 ;; runsc) events=500 ;; esac
	want=$(((events + 1) * 1000))
	mark=$(trace_prog_mark)
	drive "$h" "$events"
	rc=$?
	r=$tmp/$h.json
	ok $((rc > 1)) "$h: collector trace -- cri-drive ran (status $rc)"
	grep -E '^not ok' "$tmp/$h.tap" | grep -v 'primes below' | sed 's/^/# cri-drive: /'
	grep -q "^ok .*$h: StartContainer" "$tmp/$h.tap"
	ok $? "$h: the container started under the tracer"
	if [[ ! -s $r ]]; then
		sed 's/^/# /' "$tmp/$h.err"
		continue
	fi
	jq -c '.roles | to_entries[] | {role: .key, cpu_ms: (.value.cpu_ns / 1e6), syscalls: .value.syscalls.total}' "$r" | sed 's/^/# /'
	cov=$(jv "$r" .coverage)
	holds "$cov >= 0.95 && $cov <= 1.05"
	ok $? "$h: coverage within [0.95, 1.05] ($cov)"
	for role in oci-runtime shim cri-daemon; do
		c=$(jv "$r" ".roles[\"$role\"].cpu_ns // 0")
		holds "$c > 0"
		ok $? "$h: $role has CPU time ($c ns)"
	done
	total=$(jv "$r" '[.roles | to_entries[] | select(.key != "kernel") | .value.cpu_ns] | add')
	if [[ $h == runc ]]; then
		got=$(jv "$r" '.roles.workload.syscalls.getppid // 0')
		holds "$got >= $want * 0.99 && $got <= $want * 1.01"
		ok $? "runc: workload shows the $want getppid calls ($got)"
		c=$(jv "$r" '.roles.pause.cpu_ns // 0')
		holds "$c > 0"
		ok $? "runc: the pod's pause process is seen ($c ns)"
	else
		got=$(jv "$r" '.roles.stub.syscalls.getppid // 0')
		holds "$got >= $want * 0.99 && $got <= $want * 1.01"
		ok $? "runsc: stub shows the $want getppid calls ($got)"
		w=$(jv "$r" '.roles.workload.syscalls.getppid // 0')
		holds "$w < $want * 0.01"
		ok $? "runsc: no host-side getppid on workload ($w)"
		for sc in ptrace wait4 futex; do
			n=$(jv "$r" ".roles.sentry.syscalls.$sc // 0")
			holds "$n > 0"
			ok $? "runsc: Sentry makes $sc calls ($n)"
		done
		n=$(jv "$r" '.roles.sentry.syscalls.ptrace // 0')
		holds "$n >= $want"
		ok $? "runsc: at least one Sentry ptrace per stub syscall ($n for $want)"
		g=$(jv "$r" '.roles.gofer.cpu_ns // 0')
		holds "$g > 0"
		ok $? "runsc: the Gofer is seen ($g ns)"
		ss=$(jv "$r" '(.roles.sentry.cpu_ns // 0) + (.roles.stub.cpu_ns // 0)')
		# Of the whole trace (daemon start and stop, import, pod lifecycle): stricter than
		# of the run phase alone, which `collector run` measures.
		share=$(awk -v a="$ss" -v t="$total" 'BEGIN { printf "%.3f", a / t }')
		diag "runsc: Sentry+stub $((ss / 1000000)) ms of $((total / 1000000)) ms ($share)"
		holds "$share >= 0.8"
		ok $? "runsc: Sentry+stub >= 80% of the traced CPU ($share)"
	fi
	run_dir_gone "$tmp/$h.tap"
	ok $? "$h: cri-drive left no run directory or process behind"
	trace_check_clean "$mark" "$h"
done

done_testing
