#!/usr/bin/env bash
# The images run under gVisor too (the collector's oci/runsc target): umoci unpacks cpu and
# syscall, and `runsc run` (ptrace platform, --network=none as DESIGN.md says) produces their
# JSON results. Sandboxes, cgroups and state are removed afterwards.
set -u
cleanup() {
	local id p
	for id in "${ids[@]}"; do
		runsc --root "$scratch/runsc" delete -force "$id" >/dev/null 2>&1
	done
	for p in $(pgrep -f -- "--root[= ]$scratch/runsc" 2>/dev/null); do kill -KILL "$p"; done
	rmdir /sys/fs/cgroup/*/"$cgparent"/* /sys/fs/cgroup/*/"$cgparent" 2>/dev/null
}
ids=()
cgparent=assay-images-test-$$
. "$(dirname "$0")/../images/lib.sh"
need_root
need_images
command -v runsc >/dev/null && command -v umoci >/dev/null || skip_all "runsc or umoci not installed"

run_gvisor() { # NAME ARGS...
	local n=$1 id=assay-images-gv-$1-$$; shift
	local b=$scratch/bundle-$n
	umoci unpack --image "$OUT/$n:$(image_ref "$OUT/$n")" "$b" >/dev/null 2>&1 || return 1
	jq --argjson args "$(printf '%s\n' "$@" | jq -R . | jq -s .)" --arg cg "/$cgparent/$id" \
		'.process.terminal = false | .process.args = $args | .linux.cgroupsPath = $cg' \
		"$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json" ||
		return 1
	ids+=("$id")
	(cd "$b" && timeout 120 runsc --root "$scratch/runsc" --network=none run "$id") \
		>"$scratch/$n.out" 2>"$scratch/$n.err"
	local rc=$?
	((rc == 0)) || tail -5 "$scratch/$n.err" | sed 's/^/# /'
	return $rc
}

run_gvisor cpu /cpu --json --time=1
ok $? "runsc run: cpu --json --time=1"
jq -e '.workload == "cpu" and .events > 0' "$scratch/cpu.out" >/dev/null
ok $? "cpu's JSON result under gVisor has events > 0 ($(jq -c '{events}' "$scratch/cpu.out" 2>&1))"

run_gvisor syscall /syscall --json --ops=getppid --time=1
ok $? "runsc run: syscall --json --ops=getppid --time=1"
jq -e '.workload == "syscall" and .events > 0' "$scratch/syscall.out" >/dev/null
ok $? "syscall's JSON result under gVisor has events > 0"

cleanup
ids=()
[[ -z $(runsc --root "$scratch/runsc" list -q 2>/dev/null) ]]
ok $? "no sandbox left in runsc's state"
! pgrep -f -- "$scratch/" >/dev/null
ok $? "no runsc process of ours left"
[[ ! -e /sys/fs/cgroup/cpu/$cgparent ]]
ok $? "the test's cgroups are gone"
done_testing
