#!/usr/bin/env bash
# Dependencies run one way: reads the `#include "..."` lines of the collector's tree (lib/, src/)
# and fails on a cycle between folders (src/cri includes src/targets which includes src/cri) or
# between the modules of one folder (a module is x.c with its x.h: run.c including kinds.h,
# kinds.h including target.h and target.h including run.h is a cycle). Prints the folder graph
# it checked. Headers outside the tree
# (build/gen, bpf/, the system's) are not edges. A first point checks the checker: a made-up
# tree with a cycle must be caught.
set -u
. tests/tap.sh

# include edges of the C files under $1 (relative paths), one "FROM TO" per line: a quoted
# include resolves like the compiler does here (the file's own directory, then -I . and -I src)
edges() { # top
	local top=$1 f inc dir target
	(cd "$top" && find lib src -name '*.[ch]' 2>/dev/null | sort) | while read -r f; do
		dir=$(dirname "$f")
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$top/$f" |
			while read -r inc; do
				target=""
				for cand in "$dir/$inc" "$inc" "src/$inc"; do
					[[ -f $top/$cand ]] && { target=$(realpath -m --relative-to="$top" "$top/$cand"); break; }
				done
				[[ -n $target ]] && echo "$f $target"
			done
	done
}

# Nodes left after peeling off, again and again, every node nothing is left to depend on: those
# are on a cycle or lead into one. Prints the edges among them ("" when acyclic).
cycles() { # reads "A B" edges on stdin
	awk '
	{ if ($1 != $2) { e[$1 " " $2] = 1; node[$1] = 1; node[$2] = 1 } }
	END {
		do {
			changed = 0
			for (n in node) {
				out = 0
				for (k in e) { split(k, p, " "); if (p[1] == n && (p[2] in node)) { out = 1; break } }
				if (!out) { delete node[n]; changed = 1 }
			}
		} while (changed)
		for (k in e) { split(k, p, " "); if ((p[1] in node) && (p[2] in node)) print k }
	}'
}

folder_edges() { awk '{ a = $1; b = $2; sub(/\/[^\/]*$/, "", a); sub(/\/[^\/]*$/, "", b); if (a != b) print a, b }' | sort -u; }

# the checker itself: a made-up tree whose folders include each other in a circle
fake=$(mktemp -d /tmp/assay-test-includes.XXXXXX)
trap 'rm -rf "$fake"' EXIT
mkdir -p "$fake/src/a" "$fake/src/b" "$fake/lib"
echo '#include "b/b.h"' >"$fake/src/a/a.h"
echo '#include "a/a.h"' >"$fake/src/b/b.h"
echo '#include "lib/x.h"' >"$fake/src/a/a.c"
: >"$fake/lib/x.h"
found=$(edges "$fake" | folder_edges | cycles)
[[ $found == *"src/a src/b"* && $found == *"src/b src/a"* ]]
ok $? "the check finds a made-up cycle between two folders (${found//$'\n'/, })"

all=$(edges .)
[[ -n $all ]]; ok $? "include lines read ($(wc -l <<<"$all") edges)"
graph=$(folder_edges <<<"$all")
diag "folder graph (FROM TO):"
sed 's/^/#   /' <<<"$graph"
found=$(cycles <<<"$graph")
[[ -z $found ]]; ok $? "no cycle between folders${found:+: ${found//$'\n'/, }}"
modules=$(sed -E 's/\.[ch]( |$)/\1/g' <<<"$all")
for d in $(awk '{ sub(/\/[^\/]*$/, "", $1); print $1 }' <<<"$all" | sort -u); do
	found=$(awk -v d="$d" '{ a = $1; b = $2; sub(/\/[^\/]*$/, "", a); sub(/\/[^\/]*$/, "", b);
		if (a == d && b == d) print }' <<<"$modules" | cycles)
	[[ -z $found ]]; ok $? "no cycle between the modules of $d${found:+: ${found//$'\n'/, }}"
done
done_testing
