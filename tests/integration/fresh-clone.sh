#!/usr/bin/env bash
# The newcomer's path: a fresh `git clone` of this tree's HEAD into a temporary directory, then
# exactly the README's first command (read from README.md), with --quick and a short benchmark
# selection appended so it stays within a few minutes. Every cell of every target of the default
# suite must be ok: a cell may be skipped only for a reason of the host, here a runtime or daemon
# that is not installed (checked: the named program really is not in PATH), never because the
# clone's build left out a part of assay's own (the runsc adapter, the crun wrapper, a workload,
# an image). Afterwards nothing of the run is left (processes, mounts, directories, cgroups).
set -u
. tests/tap.sh
. tests/integration/run-common.bash
[[ $EUID == 0 ]] || skip_all "needs root (containers, cgroups, mounts)"
command -v git >/dev/null || skip_all "git is not installed (make deps)"
command -v jq >/dev/null || skip_all "jq is not installed (make deps)"
git rev-parse --verify -q HEAD >/dev/null || skip_all "not a git checkout"

# The README's first command: the first line of the block under "The two commands".
cmd=$(awk '/^## The two commands/ { s = 1 } s && /^```sh/ { getline; print; exit }' README.md |
	sed 's/[[:space:]]*#.*$//')
diag "README's first command: $cmd"
[[ $cmd == *"./collector run"* ]]; ok $? "README.md's first command runs the collector ($cmd)"

tmp=$(mktemp -d /var/tmp/assay-test-fresh-clone.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
git clone -q "$PWD" "$tmp/assay"
ok $? "git clone of HEAD ($(git rev-parse --short HEAD))"

benches=performance.cpu.time,performance.memory.seqwr,performance.disk.rndrd,performance.syscall
start=$SECONDS
(
	cd "$tmp/assay" || exit 1
	# a newcomer's shell: no make variables of the `make test` this runs under
	unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
	eval "$cmd --quick --benchmarks $benches"
) >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
diag "exit $rc after $((SECONDS - start)) s"
grep -vE '^  [A-Z-]+ +' "$tmp/stderr" | sed 's/^/# /'
ok $((rc == 0 ? 0 : 1)) "the first command exits 0 in the fresh clone"

dir=$(tail -n 1 "$tmp/stdout")
res=$tmp/assay/$dir/results.json
jq -e '.meta and .cells' "$res" >/dev/null; ok $? "it wrote $dir/results.json"
id=$(jq -r .meta.run_id "$res" 2>/dev/null)

# A reason of the host: "X not installed" / "X not found in PATH", with X truly absent.
host_reason() { # reason
	local prog
	prog=$(sed -nE 's/.*`?([A-Za-z0-9._-]+)`? (not installed|not found in PATH).*/\1/p' <<<"$1" | head -1)
	[[ -n $prog ]] && ! command -v "$prog" >/dev/null
}
targets=$(jq -r '.meta.targets[]' "$res" 2>/dev/null)
[[ $(wc -w <<<"$targets") -ge 7 ]]; ok $? "the default suite's targets are all there: $(echo $targets)"
for t in $targets; do
	bad=""
	while IFS=$'\t' read -r b st reason; do
		[[ $st == ok ]] && continue
		host_reason "$reason" && { diag "$t $b $st for a reason of the host: $reason"; continue; }
		bad+="${bad:+; }$b $st: $reason"
	done < <(jq -r --arg t "$t" '.cells[] | select(.target == $t) |
		[.benchmark, .status, (.reason // "")] | @tsv' "$res")
	n=$(jq --arg t "$t" '[.cells[] | select(.target == $t)] | length' "$res")
	[[ -z $bad && $n -gt 0 ]]; ok $? "$t: $n cells, none skipped or failed for assay's own reasons${bad:+ ($bad)}"
done

left=$(run_leftovers "$id"); ok $? "nothing left behind${left:+: $left}"
done_testing
