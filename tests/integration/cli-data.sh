#!/usr/bin/env bash
# Golden transcripts of the collector's data-side commands: `list`, `validate`, `export-crictl`
# (stdout, stderr and exit status), against tests/golden/. Regenerate a golden after an intended
# change with: GOLDEN_UPDATE=1 tests/integration/cli-data.sh
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/tap.sh
collector=${COLLECTOR:-$PWD/build/collector}
golden=$PWD/tests/golden
[[ -x $collector ]] || { echo "not ok 1 - $collector is not built"; exit 1; }
tmp=$(mktemp -d /tmp/assay-cli-data.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

# golden NAME WANT_STATUS CMD...: runs CMD, compares "stdout + stderr + status" to the golden.
golden() {
	local name=$1 want=$2; shift 2
	local out=$tmp/$name.out status
	{ "$@" 2>&1; echo "[exit $?]"; } >"$out"
	status=$(tail -n1 "$out")
	if [[ ${GOLDEN_UPDATE:-0} == 1 ]]; then cp "$out" "$golden/$name.txt"; fi
	[[ $status == "[exit $want]" ]]; ok $? "$name: exit status $want (got ${status#\[})"
	diff -u "$golden/$name.txt" "$out"; ok $? "$name: output matches tests/golden/$name.txt"
}

golden list 0 "$collector" list
golden list-glob 0 "$collector" list 'performance.disk.*' performance.syscall
golden list-long 0 "$collector" list -l performance.cpu.time
golden list-nomatch 2 "$collector" list performance.cpu 'nothing.*'
golden list-help 0 "$collector" list --help
golden list-badopt 2 "$collector" list --bogus

golden validate-smoke 0 "$collector" validate suites/smoke.yaml
golden validate-help 0 "$collector" validate --help
golden validate-none 2 "$collector" validate
(
	cd "$tmp" || exit 1
	printf 'targets: [native]\nbenchmarks:\n  - name: performance.cpu.time\n    params: {cpu-max-prime: lots}\n' >bad-value.yaml
	printf 'targets: [native, oci/runc]\nbenchmarks: [performance.syscall]\nrepeat: 3\n' >bad-key.yaml
	printf 'targets: [native\n' >bad-syntax.yaml
	golden validate-bad-value 2 "$collector" validate bad-value.yaml
	golden validate-bad-key 2 "$collector" validate bad-key.yaml
	golden validate-bad-syntax 2 "$collector" validate bad-syntax.yaml
	golden validate-missing 2 "$collector" validate missing.yaml
	echo "$tap_n $tap_failed" >"$tmp/counts"
)
read -r tap_n tap_failed <"$tmp/counts"

# export-crictl against a stand-in image layout (fixed reference), then the real one.
mkdir -p "$tmp/images/fileio"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","annotations":{"org.opencontainers.image.ref.name":"localhost/assay/fileio:golden"}}]}\n' \
	>"$tmp/images/fileio/index.json"
(
	cd "$tmp" || exit 1
	golden export-crictl 0 "$collector" export-crictl --images images -o out -p time=1 \
		--runtime runsc performance.disk.rndrd
	for f in pod container; do
		[[ ${GOLDEN_UPDATE:-0} == 1 ]] && cp "out/$f.json" "$golden/export-crictl-$f.json"
		diff -u "$golden/export-crictl-$f.json" "out/$f.json"
		ok $? "export-crictl: $f.json matches tests/golden/export-crictl-$f.json"
	done
	jq -e '.linux.security_context.namespace_options.network == 2 and
		.metadata.name == "assay-performance-disk-rndrd"' out/pod.json >/dev/null
	ok $? "pod.json: node network namespace, DNS-safe name"
	jq -e '.image.image == "localhost/assay/fileio:golden" and .command == ["/fileio"] and
		(.args | index("--time=1")) and (.args | index("--file-test-mode=rndrd"))' \
		out/container.json >/dev/null
	ok $? "container.json: image reference from index.json, args with the parameter"
	golden export-crictl-unknown 2 "$collector" export-crictl --images images performance.cpu
	golden export-crictl-badparam 2 "$collector" export-crictl --images images -p nope=1 \
		performance.disk.rndrd
	golden export-crictl-noimage 1 "$collector" export-crictl --images images -o out2 \
		performance.cpu.time
	[[ ! -e out2 ]]; ok $? "export-crictl: nothing written when the image is missing"
	golden export-crictl-help 0 "$collector" export-crictl --help
	echo "$tap_n $tap_failed" >"$tmp/counts"
)
read -r tap_n tap_failed <"$tmp/counts"

if [[ -f build/images/cpu/index.json ]]; then
	want=$(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' build/images/cpu/index.json)
	"$collector" export-crictl -o "$tmp/real" performance.cpu.time >/dev/null
	[[ $(jq -r .image.image "$tmp/real/container.json") == "$want" ]]
	ok $? "export-crictl with build/images: image is $want"
else
	skip "build/images not built"
fi
done_testing
