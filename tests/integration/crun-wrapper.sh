#!/usr/bin/env bash
# assay-crun (build/libexec/assay-crun) against real crun, without containerd: on a cgroup v1
# hybrid host whose v2 hierarchy holds controllers, plain crun refuses to run a container, and
# through the wrapper the same bundle runs (in cgroup v1 hierarchies only) while the host's own
# mount table keeps its v2 hierarchy: the private view lasts one crun invocation. On other hosts
# the wrapper is plain crun.
set -u
cd "$(dirname "$0")/../.." || exit 1
source tests/tap.sh

B=${B:-build}
wrapper=$(realpath "$B/libexec/assay-crun" 2>/dev/null)
[[ $(id -u) == 0 ]] || skip_all "needs root (crun)"
command -v crun >/dev/null || skip_all "crun is not installed (make deps)"
command -v jq >/dev/null || skip_all "jq is not installed (make deps)"
for f in "$wrapper" "$B/bin/cpu"; do
	[[ -x $f ]] || { echo "not ok 1 - $f missing: run make"; exit 1; }
done
hybrid=0
[[ $(stat -f -c %T /sys/fs/cgroup) == tmpfs && -n $(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null) ]] && hybrid=1

tmp=$(mktemp -d /tmp/assay-test-crun-wrapper.XXXXXX)
root=$tmp/state id=assay-crun-wrapper-$$
# crun makes /run/crun whatever its --root (the collector's runs remove it: lib/footprint.c)
had_run_crun=0
[[ -e /run/crun ]] && had_run_crun=1
cleanup() {
	crun --root "$root" delete --force "$id" >/dev/null 2>&1
	crun --root "$root" delete --force "$id-plain" >/dev/null 2>&1
	rmdir /sys/fs/cgroup/*/assay/"$id" 2>/dev/null
	((had_run_crun)) || rmdir /run/crun 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$tmp/bundle/rootfs" "$root"
cp "$B/bin/cpu" "$tmp/bundle/rootfs/cpu"
(cd "$tmp/bundle" && crun spec) || { echo "not ok 1 - crun spec"; exit 1; }
jq --arg cg "/assay/$id" '.process.args = ["/cpu", "--json", "--events=20", "--cpu-max-prime=2000"]
    | .process.terminal = false | .linux.cgroupsPath = $cg
    | .linux.namespaces |= map(select(.type != "network"))' \
	"$tmp/bundle/config.json" >"$tmp/config.json" && mv "$tmp/config.json" "$tmp/bundle/config.json"
mounts_before=$(grep -c ' /sys/fs/cgroup/unified ' /proc/self/mountinfo)

if ((hybrid)); then
	crun --root "$root" run --bundle "$tmp/bundle" "$id-plain" >"$tmp/plain.out" 2>"$tmp/plain.err"
	rc=$?
	[[ $rc != 0 ]] && grep -q hybrid "$tmp/plain.err"
	ok $? "plain crun refuses this hybrid host (exit $rc: $(tail -1 "$tmp/plain.err"))"
else
	skip "plain crun runs on this host (not hybrid, or no v2 controllers)"
fi

"$wrapper" --root "$root" run --bundle "$tmp/bundle" "$id" >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $rc "the same bundle runs through assay-crun (exit $rc$( ((rc)) && echo ": $(tail -1 "$tmp/err")"))"
jq -e 'select(.workload == "cpu") | .events == 20' "$tmp/out" >/dev/null
ok $? "the workload inside printed its JSON result"
[[ $(grep -c ' /sys/fs/cgroup/unified ' /proc/self/mountinfo) == "$mounts_before" ]]
ok $? "the host's mount table still has its cgroup v2 hierarchy"
left=$(ls -d /sys/fs/cgroup/*/assay/"$id" 2>/dev/null)
[[ -z $left ]]; ok $? "crun removed the container's cgroups${left:+: $left}"
ASSAY_CRUN=/nonexistent/crun "$wrapper" --version >/dev/null 2>"$tmp/err"
rc=$?
[[ $rc == 127 ]] && grep -q 'exec `/nonexistent/crun`' "$tmp/err"
ok $? "a missing crun is exit 127 with the path named ($(cat "$tmp/err"))"
done_testing
