#!/usr/bin/env bash
# Independent validators accept every image: skopeo reads the oci-archive, umoci unpacks the
# layout into a runtime bundle, and real runc runs the unpacked rootfs: `--version` for every
# image and `cpu --json --time=1` with its JSON result checked.
set -u
cleanup() {
	local id
	for id in "${ids[@]}"; do
		runc --root "$scratch/runc" delete -f "$id" >/dev/null 2>&1
	done
	# runc removes each container's cgroup; their parent is ours.
	rmdir /sys/fs/cgroup/*/"$cgparent" /sys/fs/cgroup/unified/"$cgparent" 2>/dev/null
}
ids=()
cgparent=assay-images-test-$$
. "$(dirname "$0")/../images/lib.sh"
need_root
need_images
command -v skopeo >/dev/null && command -v umoci >/dev/null && command -v runc >/dev/null ||
	skip_all "skopeo, umoci or runc not installed (make deps)"

# run_bundle NAME ARGS...: runc run with ARGS as the process, stdout to $scratch/NAME.out
run_bundle() {
	local n=$1 id=assay-images-$1-$$; shift
	local b=$scratch/bundle-$n
	jq --argjson args "$(printf '%s\n' "$@" | jq -R . | jq -s .)" --arg cg "/$cgparent/$id" \
		'.process.terminal = false | .process.args = $args | .linux.cgroupsPath = $cg' \
		"$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json" ||
		return 1
	ids+=("$id")
	(cd "$b" && timeout 60 runc --root "$scratch/runc" run "$id") >"$scratch/$n.out" 2>"$scratch/$n.err"
	local rc=$?
	((rc == 0)) || sed 's/^/# /' "$scratch/$n.err"
	return $rc
}

for n in "${IMAGES[@]}"; do
	ref=$(image_ref "$OUT/$n")
	skopeo inspect "oci-archive:$OUT/$n.tar" >"$scratch/inspect.json" 2>"$scratch/inspect.err"
	ok $? "skopeo inspect oci-archive:$OUT/$n.tar"
	want=$(jq -r '.manifests[0].digest' "$OUT/$n/index.json")
	jq -e --arg d "$want" --arg n "$n" '.Digest == $d and .Os == "linux"
		and .Labels["org.opencontainers.image.title"] == $n' "$scratch/inspect.json" >/dev/null
	ok $? "$n: skopeo sees the manifest digest and labels"

	umoci unpack --image "$OUT/$n:$ref" "$scratch/bundle-$n" >/dev/null 2>"$scratch/umoci.err"
	ok $? "umoci unpack --image $OUT/$n:$ref" || sed 's/^/# /' "$scratch/umoci.err"
	[[ -x $scratch/bundle-$n/rootfs/$n && -d $scratch/bundle-$n/rootfs/tmp ]]
	ok $? "$n: unpacked rootfs holds /$n and /tmp"
	[[ $(jq -c .process.args "$scratch/bundle-$n/config.json") == "[\"/$n\"]" ]]
	ok $? "$n: umoci's runtime config runs the Entrypoint /$n"

	run_bundle "$n" "/$n" --version
	ok $? "$n: runc run /$n --version"
	grep -q . "$scratch/$n.out"; ok $? "$n: it printed its version: $(head -c 60 "$scratch/$n.out")"
done

run_bundle cpu /cpu --json --time=1
ok $? "runc run: cpu --json --time=1"
jq -e '.workload == "cpu" and .events > 0' "$scratch/cpu.out" >/dev/null
ok $? "cpu's JSON result has events > 0 ($(jq -c '{events, events_per_sec}' "$scratch/cpu.out" 2>&1))"
[[ -z $(runc --root "$scratch/runc" list -q) ]]
ok $? "no container left in runc's state"
done_testing
