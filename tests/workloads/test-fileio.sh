#!/usr/bin/env bash
# fileio as a process: --json parsed back with jq in every mode, files gone after success,
# after failures (missing, read-only, full, forbidden --dir) and after SIGINT/SIGTERM both
# mid-run and mid-prepare.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/tap.sh

bin=build/bin/fileio
[[ -x $bin ]] || skip_all "$bin not built (make workloads)"
command -v jq >/dev/null || skip_all "jq missing"

work=$(mktemp -d /tmp/assay-fileio-sh.XXXXXX)
mounts=()
pid=
cleanup() {
	[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null
	for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

empty() { [[ -z $(ls -A "$1") ]]; }
small=(--file-num=4 --file-total-size=4M)

$bin --help >"$work/help" 2>&1
ok $? "--help exits 0"
grep -q -- '--file-test-mode' "$work/help" && grep -q -- '--phase' "$work/help"
ok $? "--help lists --file-test-mode and --phase"

mkdir "$work/d"
for mode in seqwr seqrewr seqrd rndrd rndwr rndrw; do
	$bin --dir="$work/d" "${small[@]}" --file-test-mode=$mode --events=500 --time=0 --json \
		>"$work/out" 2>"$work/err"
	ok $? "$mode: phase all exits 0"
	[[ $(wc -l <"$work/out") == 1 ]]
	ok $? "$mode: exactly one line on stdout"
	jq -e --arg mode $mode '
		.workload == "fileio" and .file_test_mode == $mode and .events == 500 and
		.params["file-test-mode"] == $mode and .params["file-num"] == 4 and
		(.start_ns | type) == "number" and .total_time_s > 0 and
		([.reads_per_sec, .writes_per_sec, .fsyncs_per_sec, .read_mib_per_sec,
		  .written_mib_per_sec, .prepare_s, .events_per_sec] | all(type == "number")) and
		([.latency_ms.min, .latency_ms.avg, .latency_ms.max, .latency_ms.p95]
		 | all(type == "number")) and
		((.read_mib_per_sec * 1048576 / 16384 - .reads_per_sec | fabs) <
		 0.01 * (.reads_per_sec + 1))
	' "$work/out" >/dev/null
	ok $? "$mode: JSON has the issue's fields, consistent figures"
	case $mode in
	seqwr) jq -e '.prepare_bytes == 0 and .writes_per_sec > 0' "$work/out" >/dev/null ;;
	*rd) jq -e '.prepare_s > 0 and .prepare_bytes == 4194304 and .writes == 0 and
		.reads_per_sec > 0' "$work/out" >/dev/null ;;
	*) jq -e '.prepare_s > 0 and .writes_per_sec > 0 and .fsyncs_per_sec > 0' \
		"$work/out" >/dev/null ;;
	esac
	ok $? "$mode: rates fit the mode"
	empty "$work/d"
	ok $? "$mode: no files left after success"
done

# Text output: sysbench's section names.
$bin --dir="$work/d" "${small[@]}" --file-test-mode=rndrw --time=0.3 >"$work/out" 2>&1
grep -q '^File operations:' "$work/out" && grep -q 'written, MiB/s:' "$work/out" &&
	grep -q '^Prepare: 4194304 bytes written' "$work/out"
ok $? "text summary has the prepare line and sysbench's sections"

# SIGINT mid-run: the loop stops, files go, exit 130.
$bin --dir="$work/d" "${small[@]}" --file-test-mode=rndrw --time=60 >"$work/out" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q 'Threads started' "$work/out" && break; sleep 0.05; done
ls "$work/d" | grep -q test_file.3
ok $? "files exist while the run is going"
t0=$SECONDS
kill -INT $pid
wait $pid
rc=$? pid=
is_rc() { [[ $1 == "$2" ]]; ok $? "$3 (got $1)"; }
is_rc $rc 130 "SIGINT mid-run exits 130"
((SECONDS - t0 < 10))
ok $? "and promptly"
empty "$work/d"
ok $? "no files left after SIGINT mid-run"

# SIGTERM mid-prepare: 2 GiB written with O_DSYNC takes long enough to be caught.
$bin --dir="$work/d" --file-num=8 --file-total-size=2G --file-extra-flags=dsync \
	--file-test-mode=seqrd --json >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 200); do [[ -e $work/d/test_file.0 ]] && break; sleep 0.02; done
sleep 0.2
[[ -e $work/d/test_file.0 ]]
ok $? "prepare has begun creating files"
kill -TERM $pid
wait $pid
rc=$? pid=
is_rc $rc 143 "SIGTERM mid-prepare exits 143"
[[ ! -s $work/out ]]
ok $? "no JSON result after a signal"
empty "$work/d"
ok $? "no files left after SIGTERM mid-prepare"

# --phase=prepare interrupted: what it made goes too.
$bin --dir="$work/d" --file-num=8 --file-total-size=2G --file-extra-flags=dsync \
	--file-test-mode=rndrd --phase=prepare >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 200); do [[ -e $work/d/test_file.0 ]] && break; sleep 0.02; done
kill -INT $pid
wait $pid
rc=$? pid=
is_rc $rc 130 "SIGINT during --phase=prepare exits 130"
empty "$work/d"
ok $? "no files left after an interrupted --phase=prepare"

# Failures: exit 1, the message names the path and the errno text, nothing left behind.
$bin --dir="$work/none" "${small[@]}" --file-test-mode=rndrd 2>"$work/err" >/dev/null
rc=$?
is_rc $rc 1 "missing --dir exits 1"
grep -q "$work/none: No such file or directory" "$work/err"
ok $? "names the directory and errno text: $(cat "$work/err")"

if ((EUID == 0)) && mkdir "$work/ro" && mount -t tmpfs -o ro,size=1M assay-test "$work/ro"; then
	mounts+=("$work/ro")
	$bin --dir="$work/ro" "${small[@]}" --file-test-mode=rndrd 2>"$work/err" >/dev/null
	rc=$?
	is_rc $rc 1 "read-only --dir exits 1"
	grep -q "create $work/ro/test_file.0: Read-only file system" "$work/err"
	ok $? "names the file and errno text: $(cat "$work/err")"
else
	for _ in 1 2; do skip "read-only --dir needs root to mount a tmpfs"; done
fi

if ((EUID == 0)) && mkdir "$work/full" && mount -t tmpfs -o size=2M assay-test "$work/full"; then
	mounts+=("$work/full")
	$bin --dir="$work/full" --file-num=4 --file-total-size=8M --file-test-mode=rndrd \
		2>"$work/err" >/dev/null
	rc=$?
	is_rc $rc 1 "a --dir that fills up mid-prepare exits 1"
	grep -q "$work/full/test_file.[01].*No space left on device" "$work/err"
	ok $? "names the file and errno text: $(cat "$work/err")"
	empty "$work/full"
	ok $? "no files left after a failed prepare"
	# seqwr's prepare writes nothing: the disk fills during the run.
	$bin --dir="$work/full" --file-num=4 --file-total-size=8M --file-test-mode=seqwr \
		--time=30 --json 2>"$work/err" >"$work/out"
	rc=$?
	is_rc $rc 1 "a --dir that fills up mid-run exits 1"
	grep -q "write $work/full/test_file.[0-3] at offset [0-9]*.*No space left on device" \
		"$work/err"
	ok $? "names the file, offset and errno text: $(cat "$work/err")"
	[[ ! -s $work/out ]] && empty "$work/full"
	ok $? "no JSON and no files left after a failed run"
else
	for _ in 1 2 3 4 5 6; do skip "full --dir needs root to mount a tmpfs"; done
fi

if ((EUID == 0)) && command -v setpriv >/dev/null; then
	mkdir -m 0755 "$work/root-only"
	chmod 0755 "$work"
	setpriv --reuid=65534 --regid=65534 --clear-groups $bin --dir="$work/root-only" \
		"${small[@]}" --file-test-mode=rndwr 2>"$work/err" >/dev/null
	rc=$?
	is_rc $rc 1 "a --dir the user may not write exits 1"
	grep -q "create $work/root-only/test_file.0: Permission denied" "$work/err"
	ok $? "names the file and errno text: $(cat "$work/err")"
	empty "$work/root-only"
	ok $? "nothing created"
else
	for _ in 1 2 3; do skip "unprivileged run needs root and setpriv"; done
fi

done_testing
