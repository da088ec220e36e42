#!/usr/bin/env bash
# `collector version`: assay's version, the embedded containerd's name and version as its CRI
# reports them, each OCI runtime's --version line (or "not installed"), and nothing left behind.
# Also the usage errors of `run` (exit 2, one line naming the problem).
set -u
. tests/tap.sh
. tests/integration/run-common.bash
run_need

out=$($COLLECTOR version 2>&1); rc=$?
echo "$out" | sed 's/^/# /'
ok $((rc == 0 ? 0 : 1)) "version exits 0 (got $rc)"
# One generated header (build/version/version.h) holds the version every object reports.
line1=$(sed -n 1p <<<"$out")
[[ $line1 =~ ^assay\ [0-9A-Za-z.~+-]+$ ]]; ok $? "line 1 is assay's version ($line1)"
[[ $line1 == "$($COLLECTOR --version)" ]]
ok $? "version and --version agree ($($COLLECTOR --version))"
[[ $line1 == "assay $(sed -n 's/^#define ASSAY_VERSION "\(.*\)"$/\1/p' build/version/version.h)" ]]
ok $? "the version is the generated header's"
[[ $(sed -n 2p <<<"$out") =~ ^cri:\ containerd\ v?1\.[0-9]+\.[0-9]+.*\(embedded\)$ ]]
ok $? "line 2 is the embedded containerd's CRI Version"
# One line per row of the runtimes table (src/runtimes/runtimes.c), its program's --version:
# the runtime's own, or the shim's for a runtime that is only a shim (kata).
for rt in runc:runc runsc:runsc crun:crun kata:containerd-shim-kata-v2; do
	name=${rt%%:*} prog=${rt#*:}
	line=$(grep "^$name: " <<<"$out")
	if command -v "$prog" >/dev/null; then
		want="$name: $("$prog" --version | head -1)"
	else
		want="$name: not installed"
	fi
	[[ $line == "$want" ]]; ok $? "'$want'"
done
# assay, cri, then runc, runsc, crun and kata: a new row of the table is a new line here
[[ $(wc -l <<<"$out") == 6 ]]; ok $? "six lines"
left=$(run_procs 'version-[0-9]+'; ls -d /run/assay/version-* 2>/dev/null)
[[ -z $left ]]; ok $? "no daemon or directory left${left:+: $left}"

# usage errors of run: exit 2 and a message
usage() { # expected-substring args...
	local want=$1; shift
	local msg rc
	msg=$($COLLECTOR run "$@" 2>&1 >/dev/null); rc=$?
	[[ $rc == 2 && $msg == *"$want"* ]]; ok $? "run $*: exit 2, '$want' (got $rc: $msg)"
}
usage "unknown option" --bogus
usage "--runs" --runs 0
usage "nonsense" --targets nonsense -s suites/smoke.yaml
usage "nothing-matches" --benchmarks 'nothing-matches*' -s suites/smoke.yaml
usage "no-such.yaml" -s /nonexistent/no-such.yaml
$COLLECTOR run --help | grep -q -- "--quick"; ok $? "run --help documents --quick"
done_testing
