#!/usr/bin/env bash
# The runsc adapter (build/libexec/assay-runsc) against real runsc, the way the runc v2 shim calls
# it (runc's command line), without containerd.
# Per container (ASSAY_RUNSC_SANDBOX=per-container): create rewrites the CRI container-type, the
# container runs as its own gVisor sandbox in the host's network namespace (--network=none), a
# kill after the sandbox stopped succeeds where runsc's own kill fails, update writes the limits
# into the sandbox's cgroups, delete cleans up.
# Per pod (the default): a pod sandbox (pause) and two sub-containers in it, one Sentry; each
# sub-container's pid file names its waiter, the workload's output comes through create's stdio,
# the waiter exits when the container does, a kill of a created container ends its waiter, and
# nothing is left.
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/tap.sh

B=${B:-build}
adapter=$(realpath "$B/libexec/assay-runsc" 2>/dev/null)
[[ $(id -u) == 0 ]] || skip_all "needs root (runsc)"
command -v runsc >/dev/null || skip_all "runsc is not installed (make deps)"
command -v jq >/dev/null || skip_all "jq is not installed (make deps)"
for f in "$adapter" "$B/bin/pause"; do
	[[ -x $f ]] || { echo "not ok 1 - $f missing: run make"; exit 1; }
done

tmp=$(mktemp -d /tmp/assay-test-cri-adapter.XXXXXX)
root=$tmp/root id=assay-adapter-$$
cleanup() {
	runsc --root "$root" delete --force "$id" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$tmp/bundle/rootfs" "$root"
cp "$B/bin/pause" "$tmp/bundle/rootfs/pause"
(cd "$tmp/bundle" && runsc spec -- /pause) || { echo "not ok 1 - runsc spec"; exit 1; }
# What containerd's CRI writes for an application container, in the node's network namespace.
jq '.annotations = {"io.kubernetes.cri.container-type": "container",
                    "io.kubernetes.cri.sandbox-id": "pod-of-'"$id"'"}
    | .linux.namespaces |= map(select(.type != "network"))' \
	"$tmp/bundle/config.json" >"$tmp/config.json" && mv "$tmp/config.json" "$tmp/bundle/config.json"

A=(env ASSAY_RUNSC_SANDBOX=per-container "$adapter" --root "$root" --log "$tmp/log.json" --log-format json)
"${A[@]}" create --bundle "$tmp/bundle" --pid-file "$tmp/init.pid" "$id" 2>"$tmp/create.err"
ok $? "create through the adapter"
sed 's/^/#   /' "$tmp/create.err" | head -5
type=$(jq -r '.annotations["io.kubernetes.cri.container-type"]' "$tmp/bundle/config.json")
[[ $type == sandbox ]]; ok $? "bundle's container-type rewritten to sandbox (got $type)"
[[ $(jq -r '.annotations["io.kubernetes.cri.sandbox-id"]' "$tmp/bundle/config.json") == pod-of-$id ]]
ok $? "other annotations kept"
pid=$(cat "$tmp/init.pid" 2>/dev/null)
[[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; ok $? "pid-file names a live sandbox process ($pid)"
tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- '--network=none'
ok $? "the sandbox runs with --network=none"

"${A[@]}" start "$id"; ok $? "start"
status=$("${A[@]}" state "$id" | jq -r .status)
[[ $status == running ]]; ok $? "state says running (got $status)"

# update: runsc has none; the adapter writes the limits into the sandbox's own cgroups.
cg=$(sed -n 's/^[0-9]*:[^:]*cpu,cpuacct[^:]*:\(.*\)$/\1/p; s/^[0-9]*:cpu:\(.*\)$/\1/p' "/proc/$pid/cgroup" | head -1)
cpudir=$(ls -d /sys/fs/cgroup/cpu,cpuacct /sys/fs/cgroup/cpu 2>/dev/null | head -1)$cg
[[ -n $cg && $cg != / && -e $cpudir/cpu.cfs_quota_us ]]
ok $? "the sandbox has a cpu cgroup of its own ($cg)"
echo '{"cpu": {"period": 100000, "quota": 37000, "shares": 300}}' |
	"${A[@]}" update --resources - "$id" 2>"$tmp/update.err"
ok $? "update --resources - through the adapter"
sed 's/^/#   /' "$tmp/update.err" | head -3
[[ $(cat "$cpudir/cpu.cfs_quota_us" 2>/dev/null) == 37000 ]]; ok $? "quota 37000 is in the sandbox's cgroup"
[[ $(cat "$cpudir/cpu.shares" 2>/dev/null) == 300 ]]; ok $? "shares 300 too"
echo '{"cpu": {"quota": -1}}' | "${A[@]}" update --resources - "$id"
[[ $(cat "$cpudir/cpu.cfs_quota_us" 2>/dev/null) == -1 ]]; ok $? "quota back to unlimited"
echo 'not json' | "${A[@]}" update --resources - "$id" 2>/dev/null
(($? != 0)); ok $? "update with bad resources fails"

"${A[@]}" kill "$id" 15; ok $? "kill TERM while running"
for _ in $(seq 100); do
	status=$("${A[@]}" state "$id" 2>/dev/null | jq -r .status)
	[[ $status == stopped ]] && break
	sleep 0.1
done
[[ $status == stopped ]]; ok $? "sandbox stopped after TERM (pause exits on it)"

runsc --root "$root" kill "$id" 9 2>/dev/null
rc=$?
((rc != 0)); ok $? "runsc itself refuses to kill a stopped sandbox (exit $rc)"
"${A[@]}" kill "$id" 9; ok $? "the adapter's kill of the stopped sandbox succeeds"
"${A[@]}" kill "no-such-$id" 9 2>/dev/null
(($? != 0)); ok $? "kill of a container that does not exist still fails"

"${A[@]}" delete "$id"; ok $? "delete"
[[ -z $(ls -A "$root") ]]; ok $? "runsc root is empty after delete"
mentions() { # the pids whose command line names $1
	for p in /proc/[0-9]*; do
		{ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -qF -- "$1" && echo "${p#/proc/}"
	done
}
left=$(mentions "$root")
[[ -z $left ]]; ok $? "no process mentions the runsc root (${left//$'\n'/ })"

# --- per pod -----------------------------------------------------------------------------------
P=("$adapter" --root "$root" --log "$tmp/log.json" --log-format json)
pod=assay-adapter-pod-$$
bundle() { # dir type args...: a bundle of the cpu or pause binary with CRI annotations
	local dir=$1 type=$2
	shift 2
	mkdir -p "$dir/rootfs"
	cp "$B/bin/${1#/}" "$dir/rootfs/"
	(cd "$dir" && runsc spec -- "$@") || return 1
	jq --arg t "$type" --arg p "$pod" '.annotations = {"io.kubernetes.cri.container-type": $t,
	        "io.kubernetes.cri.sandbox-id": $p} | .process.terminal = false
	    | .linux.namespaces |= map(select(.type != "network"))' "$dir/config.json" >"$dir/c.json" &&
		mv "$dir/c.json" "$dir/config.json"
}
cleanup() {
	for c in "$id" "$pod-a" "$pod-b" "$pod-c" "$pod"; do
		runsc --root "$root" delete --force "$c" >/dev/null 2>&1
	done
	for p in $(mentions "$root"); do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
bundle "$tmp/pod" sandbox /pause && bundle "$tmp/a" container /cpu --json --events=50 &&
	bundle "$tmp/b" container /cpu --bogus-option &&
	bundle "$tmp/c" container /cpu --json --events=0 --time=60
ok $? "bundles of a pod and three containers"
"${P[@]}" create --bundle "$tmp/pod" --pid-file "$tmp/pod.pid" "$pod" </dev/null >/dev/null 2>&1 &&
	"${P[@]}" start "$pod"
ok $? "the pod sandbox (pause) is created and started as it is"
sentry=$(cat "$tmp/pod.pid" 2>/dev/null)
[[ $(jq -r '.annotations["io.kubernetes.cri.container-type"]' "$tmp/a/config.json") == container ]]
ok $? "per pod, a container's bundle keeps its container-type"

# the shim gives create the container's stdio and reads the pid file when create returns
waiter_of() { # name: creates it with its output in $tmp/NAME.out
	"${P[@]}" create --bundle "$tmp/$1" --pid-file "$tmp/$1.pid" "$pod-$1" </dev/null \
		>"$tmp/$1.out" 2>"$tmp/$1.err"
}
waiter_of a; ok $? "create of a sub-container"
wa=$(cat "$tmp/a.pid" 2>/dev/null)
[[ -n $wa && $wa != "$sentry" ]] && kill -0 "$wa" 2>/dev/null
ok $? "its pid file names a live waiter ($wa), not the sandbox ($sentry)"
"${P[@]}" start "$pod-a"; ok $? "start through the waiter"
for _ in $(seq 300); do kill -0 "$wa" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$wa" 2>/dev/null; ok $? "the waiter exits when the container does"
grep -q '"events":50' "$tmp/a.out"; ok $? "the workload's JSON came through create's stdout"
sentries=$(mentions "$root" | while read -r p; do
	tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q '^runsc-sandbox' && echo "$p"
done | wc -l)
((sentries == 1)); ok $? "one Sentry serves the pod ($sentries)"

# (the waiter's exit status reaches the shim, which reaps it: cri-lifecycle.sh shows it)
"${P[@]}" create --bundle "$tmp/b" --pid-file "$tmp/b.pid" "$pod-b" </dev/null >"$tmp/b.out" 2>&1
wb=$(cat "$tmp/b.pid" 2>/dev/null)
"${P[@]}" start "$pod-b"
for _ in $(seq 300); do kill -0 "$wb" 2>/dev/null || break; sleep 0.1; done
grep -q 'unknown option' "$tmp/b.out"; ok $? "a failing workload's stderr came through create's stderr"
waiter_of c; wc=$(cat "$tmp/c.pid" 2>/dev/null)
"${P[@]}" kill "$pod-c" 9; ok $? "kill of a created (never started) container"
for _ in $(seq 50); do kill -0 "$wc" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$wc" 2>/dev/null; ok $? "ends its waiter"
runsc --root "$root" kill "$pod-c" 9 2>/dev/null
(($? != 0)); ok $? "runsc itself refuses to kill a created sub-container"
for c in a b c; do "${P[@]}" delete "$pod-$c" || echo "# delete $c failed"; done
"${P[@]}" kill "$pod" 9 && sleep 0.5 && "${P[@]}" delete --force "$pod"
ok $? "the pod's containers and sandbox deleted"
for _ in $(seq 50); do [[ -z $(mentions "$root") ]] && break; sleep 0.1; done
left=$(mentions "$root")
[[ -z $left ]]; ok $? "per pod: no process mentions the runsc root (${left//$'\n'/ })"
[[ -z $(ls -A "$root") ]]; ok $? "per pod: runsc root is empty"
done_testing
