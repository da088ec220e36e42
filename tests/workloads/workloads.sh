#!/usr/bin/env bash
# The static workload binaries as the collector and the images use them: static and small,
# --help/--version, usage errors (exit 2, one line), --json = exactly one line on stdout parsed
# with jq, start_ns taken at start, progress on stderr; pause as a pod's PID 1 (signals, reaping).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/tap.sh

command -v jq >/dev/null || skip_all "jq missing"
bins=()
for src in workloads/*.c; do
	n=$(basename "$src" .c)
	[[ $n == harness ]] && continue
	bins+=("$n")
done
for n in "${bins[@]}"; do
	[[ -x build/bin/$n ]] || skip_all "build/bin/$n not built (make workloads)"
done

work=$(mktemp -d /tmp/assay-workloads-sh.XXXXXX)
mkdir "$work/sys"
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- every binary ------------------------------------------------------------------------
for n in "${bins[@]}"; do
	b=build/bin/$n
	! readelf -l "$b" 2>/dev/null | grep -q INTERP && readelf -h "$b" >/dev/null 2>&1
	ok $? "$n: static (no ELF interpreter)"
	size=$(stat -c %s "$b")
	((size <= 200 * 1024))
	ok $? "$n: $size bytes <= 200 KiB"
	$b --help >"$work/out" 2>"$work/err"
	[[ $? == 0 ]] && grep -q '^Usage: ' "$work/out" && grep -q -- '--help' "$work/out" && [[ ! -s $work/err ]]
	ok $? "$n --help: exit 0, usage on stdout"
	$b --version >"$work/out" 2>&1
	[[ $? == 0 ]] && grep -q "^$n (assay .*)$" "$work/out"
	ok $? "$n --version: $(head -c 60 "$work/out")"
	$b --no-such-option=1 >"$work/out" 2>"$work/err"
	rc=$?
	[[ $rc == 2 && ! -s $work/out && $(wc -l <"$work/err") == 1 ]] && grep -q -- "--no-such-option" "$work/err"
	ok $? "$n --no-such-option: exit 2, one line on stderr naming it ($(head -c 80 "$work/err"))"
done

# ---- --json of each measuring workload -----------------------------------------------------
common='.workload == $w and (.version | type == "string") and (.params | type == "object")
	and (.events | type == "number") and .events > 0 and .total_time_s > 0
	and (.events_per_sec - .events / .total_time_s | fabs) < 0.001 * .events_per_sec
	and .latency_ms.min <= .latency_ms.avg and .latency_ms.avg <= .latency_ms.max
	and .latency_ns.min <= .latency_ns.p95 and .latency_ns.p95 <= .latency_ns.max
	and (.latency_ns.avg / 1e6 - .latency_ms.avg | fabs) < 1e-9 * (1 + .latency_ns.avg)
	and .start_ns >= $before and .start_ns <= $after'
declare -A args=(
	[cpu]="--cpu-max-prime=20000 --time=0.5"
	[memory]="--memory-total-size=64M"
	[memlat]="--sizes=16K,64M --size-time=0.2"
	[syscall]="--op-time=0.1 --dir=$work/sys"
)
declare -A extra=(
	[cpu]='.primes == 2261 and .params["cpu-max-prime"] == 20000'
	[memory]='.ops == 65536 and .mib_per_sec > 0 and .ops_per_sec > 0 and .params["memory-block-size"] == 1024'
	[memlat]='(.sizes | length) == 2 and (.sizes[1].ns_per_load > .sizes[0].ns_per_load)'
	[syscall]='([.ops[] | .ns_per_call > 0] | all) and (.ops | keys | length) == 6'
)
for n in cpu memory memlat syscall; do
	before=$(date +%s%N)
	# shellcheck disable=SC2086
	build/bin/$n --json ${args[$n]} >"$work/out" 2>"$work/err"
	rc=$?
	after=$(date +%s%N)
	[[ $rc == 0 && $(wc -l <"$work/out") == 1 ]]
	ok $? "$n --json: exit 0, exactly one line on stdout"
	jq -e --arg w "$n" --argjson before "$before" --argjson after "$after" \
		"($common) and (${extra[$n]})" "$work/out" >/dev/null
	ok $? "$n --json: common and workload fields check out"
	[[ $? == 0 ]] || diag "$(head -c 600 "$work/out")"
done
[[ -d $work/sys && -z $(ls -A "$work/sys") ]]
ok $? "syscall left nothing in its --dir"

build/bin/cpu --json --time=0.45 --report-interval=0.1 >"$work/out" 2>"$work/err"
[[ $? == 0 && $(wc -l <"$work/out") == 1 ]] && jq -e . "$work/out" >/dev/null
ok $? "--report-interval with --json: stdout is still one JSON line"
nrep=$(grep -c '^\[ .*s \] thds: 1 eps: ' "$work/err")
((nrep >= 3 && nrep <= 5))
ok $? "--report-interval=0.1 over 0.45 s: $nrep progress lines on stderr"

build/bin/cpu --time=0.2 --cpu-max-prime=1000 >"$work/out" 2>&1
grep -q '^CPU speed:' "$work/out" && grep -q '^General statistics:' "$work/out" &&
	grep -q '95th percentile:' "$work/out" && ! grep -q '^{' "$work/out"
ok $? "default output is sysbench-like text"

# ---- pause ------------------------------------------------------------------------------------
for sig in TERM INT; do
	before=$(date +%s%N)
	build/bin/pause --json >"$work/pause.out" 2>&1 &
	p=$!
	pids+=("$p")
	for _ in $(seq 50); do [[ -s $work/pause.out ]] && break; sleep 0.02; done
	after=$(date +%s%N)
	jq -e --argjson before "$before" --argjson after "$after" \
		'.workload == "pause" and (.version | type == "string") and .start_ns >= $before and .start_ns <= $after and (keys | length) == 3' \
		"$work/pause.out" >/dev/null
	ok $? "pause --json: one line {workload, version, start_ns} right after start"
	sleep 0.1
	kill -0 "$p" 2>/dev/null
	ok $? "pause keeps running"
	kill -"$sig" "$p"
	wait "$p"
	ok $? "pause exits 0 on SIG$sig"
done
build/bin/pause --json=maybe >"$work/out" 2>"$work/err"
[[ $? == 2 && ! -s $work/out ]] && grep -q 'accepted values' "$work/err"
ok $? "pause --json=maybe: exit 2 naming the accepted values"

# As PID 1 of a new PID namespace, as in a pod: default signal actions do not apply there, and
# orphans of the namespace become its children.
if command -v unshare >/dev/null && command -v nsenter >/dev/null && unshare --fork --pid true 2>/dev/null; then
	unshare --fork --pid build/bin/pause >"$work/out" 2>&1 &
	u=$!
	pids+=("$u")
	p=
	for _ in $(seq 50); do p=$(pgrep -P "$u" -x pause) && break; sleep 0.02; done
	[[ -n $p ]] && grep -q '^NSpid:.*[[:space:]]1$' "/proc/$p/status"
	ok $? "pause runs as PID 1 of its namespace"
	# sh forks a sleeper and exits: the sleeper is re-parented to pause, which must reap it.
	nsenter -t "$p" -p -- /bin/sh -c 'sleep 0.3 & exit 0'
	sleep 0.1
	orphan=$(ps -o pid=,comm= --ppid "$p" | awk '$2 == "sleep" {print $1}')
	[[ -n $orphan ]]
	ok $? "an orphan of the namespace is re-parented to pause"
	sleep 0.5
	zombies=$(ps -o stat= --ppid "$p" | grep -c Z)
	[[ $zombies == 0 ]] && ! kill -0 "$orphan" 2>/dev/null
	ok $? "pause reaped it (no zombie children)"
	kill -TERM "$p"
	wait "$u"
	ok $? "pause as PID 1 exits 0 on SIGTERM"
else
	skip "unshare/nsenter cannot make a PID namespace here"
fi

# The buffers' huge-page policy: advised explicitly, so the host's THP default does not decide;
# off (the default) gets none, on gets them where the kernel has THP at all; both recorded.
thp=$(sed -E 's/.*\[([a-z]+)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
j=$(build/bin/memlat --sizes=32M --size-time=0.05 --json)
[[ $(jq -r '.memory.huge_pages, .memory.buffer_align, .memory.anon_huge_kb' <<<"$j" | tr '\n' ' ') == "off 2097152 0 " ]]
ok $? "memlat: huge pages off by default, buffers 2 MiB-aligned, none obtained (host THP: ${thp:-?})"
j=$(build/bin/memlat --sizes=32M --size-time=0.05 --huge-pages=on --json)
if [[ $thp == always || $thp == madvise ]]; then
	(($(jq -r '.memory.anon_huge_kb' <<<"$j") >= 2048)); ok $? "--huge-pages=on: huge pages obtained ($(jq -c .memory <<<"$j"))"
else
	skip "--huge-pages=on: the host's THP is ${thp:-absent}"
fi
j=$(build/bin/memory --memory-block-size=4M --memory-total-size=64M --json)
[[ $(jq -r '.memory.anon_huge_kb' <<<"$j") == 0 ]]; ok $? "memory: the same policy on its block"
# The process image: the same argv[0] and environment whatever the caller's
j=$(env -i A=1 B=22 build/bin/cpu --time=0.05 --json)
k=$(env LONG_VARIABLE="$(printf '%0500d' 0)" build/bin/cpu --time=0.05 --json)
[[ $(jq -c .process <<<"$j") == "$(jq -c .process <<<"$k")" && $(jq -r .process.canonical <<<"$j") == true &&
	$(jq -r .process.env_vars <<<"$j") == 1 ]]
ok $? "two callers' environments, one process image: $(jq -c .process <<<"$k")"
# --cpus: the workload pins itself (its threads inherit it) and records what it asked and got
[[ $(jq -c '.process | [.cpus, .affinity]' <<<"$j") == "[null,\"$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/$$/status)\"]" ]]
ok $? "not pinned by default: affinity is the caller's ($(jq -c .process <<<"$j"))"
last=$(($(nproc) - 1))
j=$(build/bin/cpu --cpus=$last --time=0.05 --json)
[[ $(jq -c '.process | [.cpus, .affinity]' <<<"$j") == "[\"$last\",\"$last\"]" ]]
ok $? "--cpus=$last: pinned there ($(jq -c .process <<<"$j"))"
build/bin/cpu --cpus=$last --threads=2 --time=2 >/dev/null &
w=$!
sleep 0.5
lists=$(cat /proc/$w/task/*/status 2>/dev/null | sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' | sort -u)
ntasks=$(ls /proc/$w/task 2>/dev/null | wc -l)
kill -TERM $w 2>/dev/null
wait $w 2>/dev/null
[[ $lists == "$last" ]] && ((ntasks == 3))
ok $? "--cpus=$last --threads=2: every thread of it pinned ($ntasks tasks, allowed: $(echo $lists))"
for bad in x 1-0 0, -1 2000; do
	err=$(build/bin/cpu --cpus=$bad --events=1 2>&1 >/dev/null)
	rc=$?
	((rc == 2)) && [[ $err == "cpu: --cpus=$bad: "* ]]
	ok $? "--cpus=$bad: usage error naming the option (exit $rc: $err)"
done
err=$(build/bin/cpu --cpus=$(($(nproc) + 3)) --events=1 2>&1 >/dev/null)
rc=$?
((rc == 1)) && [[ $err == *sched_setaffinity* ]]
ok $? "a CPU that is not here: the failure says so (exit $rc: $err)"
done_testing
