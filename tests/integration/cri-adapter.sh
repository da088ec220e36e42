#!/usr/bin/env bash
# The runsc adapter (build/libexec/assay-runsc) against real runsc, the way the runc v2 shim calls
# it (runc's command line), without containerd: create rewrites the CRI container-type, the
# container runs as its own gVisor sandbox in the host's network namespace (--network=none), a
# kill after the sandbox stopped succeeds where runsc's own kill fails, update writes the limits into
# the sandbox's cgroups, delete cleans up.
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

A=("$adapter" --root "$root" --log "$tmp/log.json" --log-format json)
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
left=$(for p in /proc/[0-9]*; do
	{ tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -qF -- "$root" && echo "${p#/proc/}"
done)
[[ -z $left ]]; ok $? "no process mentions the runsc root (${left//$'\n'/ })"
done_testing
