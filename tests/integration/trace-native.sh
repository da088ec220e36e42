#!/usr/bin/env bash
# collector trace on native commands: syscall counts, CPU attribution, lineage through forks and
# detached children, coverage against rusage, exit status, signals, and that no BPF object
# survives the collector (normal exit, SIGTERM, SIGKILL).
set -u
cd "$(dirname "$0")/../.."
. tests/tap.sh
. tests/integration/trace-lib.bash
trace_need_bpf
for b in syscall cpu; do
	[[ -x build/bin/$b ]] || { echo "Bail out! build/bin/$b not built"; exit 1; }
done

tmp=$(mktemp -d /tmp/assay-trace-native.XXXXXX)
bg=()
cleanup() {
	for p in "${bg[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- getppid: N calls on workload --------------------------------------------------------------
mark=$(trace_prog_mark)
$COLLECTOR trace --json -o "$tmp/r.json" -- build/bin/syscall --ops=getppid --calls=1000 \
	--events=300 --json=on >"$tmp/w.json"
ok $? "trace of syscall --ops=getppid exits 0"
# The workload makes one untimed batch (calls_per_event) before it counts: the tracer sees both.
want=$(jv "$tmp/w.json" '.ops.getppid.calls + .calls_per_event')
got=$(jv "$tmp/r.json" '.roles.workload.syscalls.getppid // 0')
diag "workload getppid: traced $got, workload reports $want"
holds "$want >= 301000"
((got == want))
ok $? "workload shows exactly the workload's getppid calls ($got vs $want)"
share=$(jv "$tmp/r.json" '.roles.workload.cpu_ns / ([.roles | to_entries[] | select(.key != "kernel") | .value.cpu_ns] | add)')
holds "$share >= 0.9"
ok $? "workload has most of the run's CPU (share $share)"
sys=$(jv "$tmp/r.json" .roles.workload.sys_ns)
cpu=$(jv "$tmp/r.json" .roles.workload.cpu_ns)
holds "$sys > 0 && $sys <= $cpu"
ok $? "getppid loop: 0 < system time ($sys) <= on-CPU time ($cpu)"
cov=$(jv "$tmp/r.json" .coverage)
holds "$cov >= 0.95 && $cov <= 1.05"
ok $? "coverage against rusage within [0.95, 1.05] ($cov)"
n=$(jv "$tmp/r.json" '.roles.workload.syscall_latency_log2_ns | length')
ok $((n != 0)) "default mode: no latency histogram (no clock read per syscall; $n buckets)"
eg=$(jv "$tmp/r.json" '.roles.workload.syscalls.exit_group // 0')
ok $((eg != 1)) "exit_group, which never returns, is counted once ($eg)"
trace_check_clean "$mark" "after a traced run"

# --- --syscall-latency: the histogram, opt-in ----------------------------------------------------
mark=$(trace_prog_mark)
$COLLECTOR trace --syscall-latency --json -o "$tmp/l.json" -- build/bin/syscall --ops=getppid \
	--calls=1000 --events=100 --json=on >"$tmp/lw.json"
ok $? "trace --syscall-latency exits 0"
want=$(jv "$tmp/lw.json" '.ops.getppid.calls + .calls_per_event')
got=$(jv "$tmp/l.json" '.roles.workload.syscalls.getppid // 0')
total=$(jv "$tmp/l.json" .roles.workload.syscalls.total)
lat=$(jv "$tmp/l.json" '.roles.workload.syscall_latency_log2_ns | add')
((got == want))
ok $? "--syscall-latency: the same exact count ($got vs $want)"
holds "$lat >= $want && $lat <= $total"
ok $? "--syscall-latency: the histogram holds every completed syscall ($lat of $total)"
trace_check_clean "$mark" "after a --syscall-latency run"

# --- sys/user: the kernel's own split (rusage of the same process), getppid, cpu, fileio ---------
# within 5 % of each figure, or 10 ms: the kernel splits a task's runtime into user and system
# by the ticks it sampled in each (4 ms here at HZ 250, 10 ms at HZ 100), and the tracer and
# rusage read that split at different instants, so a near-zero figure may differ by one tick
# (a cpu loop: tracer sys 0, rusage 3.96 ms, once in six CI runs)
close5() { holds "($1 - $2) <= $2 * 0.05 + 1e7 && ($2 - $1) <= $2 * 0.05 + 1e7"; }
fio=$tmp/fio
mkdir -p "$fio"
for w in "syscall --ops=getppid --op-time=1" "cpu --cpu-max-prime=20000 --time=1" \
	"fileio --file-num=4 --file-total-size=32M --file-test-mode=rndrw --time=1 --dir=$fio"; do
	name=${w%% *}
	# shellcheck disable=SC2086
	$COLLECTOR trace --json -o "$tmp/su.json" -- build/bin/$w >/dev/null
	read -r u s iu is < <(jq -r '[.roles.workload.user_ns, .roles.workload.sys_ns,
		.coverage_detail.independent_user_ns, .coverage_detail.independent_sys_ns] | map(tostring) | join(" ")' "$tmp/su.json")
	diag "$name: tracer user $u sys $s ns; rusage user $iu sys $is ns"
	close5 "$s" "$is"
	ok $? "$name: sys_ns within 5% of the kernel's (rusage) system time ($s vs $is)"
	close5 "$u" "$iu"
	ok $? "$name: user_ns within 5% of the kernel's (rusage) user time ($u vs $iu)"
done

# --- CPU-bound: workload >= 95 % ---------------------------------------------------------------
mark=$(trace_prog_mark)
$COLLECTOR trace --json -o "$tmp/c.json" -- build/bin/cpu --cpu-max-prime=20000 --events=300 \
	>/dev/null
ok $? "trace of cpu exits 0"
share=$(jv "$tmp/c.json" '.roles.workload.cpu_ns / ([.roles | to_entries[] | select(.key != "kernel") | .value.cpu_ns] | add)')
cpu=$(jv "$tmp/c.json" .roles.workload.cpu_ns)
diag "cpu workload: $cpu ns, share $share, wall $(jv "$tmp/c.json" .wall_ns) ns"
holds "$share >= 0.95 && $cpu >= 100000000"
ok $? "CPU-bound run: workload >= 95% of the run's CPU ($share) and >= 100 ms"
ufrac=$(jv "$tmp/c.json" '.roles.workload.user_ns / .roles.workload.cpu_ns')
holds "$ufrac >= 0.95"
ok $? "CPU-bound run is user time ($ufrac)"
trace_check_clean "$mark" "after the CPU run"

# --- lineage: forks, and a child that detaches (reparented to the collector) --------------------
$COLLECTOR trace --json -o "$tmp/f.json" -- sh -c '
	build/bin/syscall --ops=getppid --calls=1000 --events=100 --json=on >'"$tmp"'/f1.json &
	build/bin/syscall --ops=getppid --calls=1000 --events=100 --json=on >'"$tmp"'/f2.json
	setsid build/bin/cpu --cpu-max-prime=20000 --events=100 >/dev/null 2>&1 &
	wait' >/dev/null
ok $? "trace of a shell with children exits 0"
want=0
for f in f1 f2; do want=$((want + $(jv "$tmp/$f.json" '.ops.getppid.calls + .calls_per_event'))); done
got=$(jv "$tmp/f.json" '.roles.workload.syscalls.getppid // 0')
holds "$got >= $want * 0.99 && $got <= $want * 1.01"
ok $? "children's getppid land on workload ($got vs $want)"
cov=$(jv "$tmp/f.json" .coverage)
holds "$cov >= 0.95 && $cov <= 1.05"
ok $? "coverage with a detached child within [0.95, 1.05] ($cov)"
is_unreaped=$(jv "$tmp/f.json" .unreaped)
ok $((is_unreaped != 0)) "the detached child was waited for (unreaped $is_unreaped)"

# --- 32-bit syscalls (int $0x80 from 64-bit code) have numbers of their own ----------------------
cat >"$tmp/i80.c" <<'C'
#include <stdlib.h>
int main(int argc, char **argv)
{
	long n = atol(argv[1]);
	for (long i = 0; i < n; i++) {
		long r;
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(64L) : "memory"); /* ia32 getppid */
	}
	return 0;
}
C
if cc -O2 -o "$tmp/i80" "$tmp/i80.c" 2>/dev/null; then
	$COLLECTOR trace --json -o "$tmp/i.json" -- "$tmp/i80" 5000
	got=$(jv "$tmp/i.json" '.roles.workload.syscalls.ia32 // 0')
	sem=$(jv "$tmp/i.json" '.roles.workload.syscalls.semget // 0')
	((got == 5000 && sem == 0))
	ok $? "ia32 calls counted apart ($got), not as x86-64 number 64 (semget: $sem)"
else
	skip "no C compiler for the ia32 probe"
fi

# --- exit status, usage, table -------------------------------------------------------------------
$COLLECTOR trace -- sh -c 'exit 3' >/dev/null
ok $(($? != 3)) "exit status of the command is passed on"
$COLLECTOR trace >/dev/null 2>&1
ok $(($? != 2)) "no command: usage error (2)"
$COLLECTOR trace --role=nosuch:/bin/true -- true >/dev/null 2>&1
ok $(($? != 2)) "unknown role: usage error (2)"
out=$($COLLECTOR trace -- build/bin/syscall --ops=getppid --calls=100 --events=10)
grep -q '^workload .* getppid:' <<<"$out" && grep -q 'coverage' <<<"$out"
ok $? "table output lists workload with its getppid calls and the coverage"
$COLLECTOR trace --events -- /bin/true 2>"$tmp/ev" >/dev/null
grep -q '^exec .* -> workload (comm true' "$tmp/ev"
ok $? "--events reports the exec and its role"

# --- signals: SIGTERM forwarded, SIGKILL leaves no BPF behind -----------------------------------
mark=$(trace_prog_mark)
$COLLECTOR trace -- sleep 30 >/dev/null &
cpid=$!
bg+=("$cpid")
for ((i = 0; i < 50; i++)); do
	child=$(pgrep -P "$cpid" -x sleep) && break
	sleep 0.1
done
kill -TERM "$cpid"
wait "$cpid"
rc=$?
ok $((rc != 143)) "SIGTERM: collector exits 143 (got $rc)"
sleep 0.2
! kill -0 "$child" 2>/dev/null
ok $? "SIGTERM reached the traced command"
trace_check_clean "$mark" "after SIGTERM"

mark=$(trace_prog_mark)
mapmark=$(bpftool -j map list | jq '[.[].id] | max // 0')
$COLLECTOR trace -- sleep 30 >/dev/null &
cpid=$!
bg+=("$cpid")
child=
for ((i = 0; i < 50; i++)); do
	child=$(pgrep -P "$cpid" -x sleep) && break
	sleep 0.1
done
[[ -n $child ]] && bg+=("$child")
n=$(bpftool -j prog list | jq --argjson m "$mark" '[.[] | select(.id > $m and (.name | startswith("attr_")))] | length')
ok $((n < 5)) "while tracing, our 5 programs are loaded ($n)"
kill -KILL "$cpid"
wait "$cpid" 2>/dev/null
trace_check_clean "$mark" "after SIGKILL of the collector"
n=$(trace_unheld link "$mark")
ok $((n != 0)) "after SIGKILL no BPF link of ours is left ($n unheld)"
n=$(trace_unheld map "$mapmark")
ok $((n != 0)) "after SIGKILL no BPF map of ours is left ($n unheld)"
[[ -n $child ]] && kill -KILL "$child" 2>/dev/null

done_testing
