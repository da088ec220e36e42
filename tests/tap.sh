# TAP helpers for shell integration tests: source this file.
#   ok COND_EXIT_STATUS "what"   e.g.  [[ -s f ]]; ok $? "f is not empty"
#   check "what" CMD...          runs CMD, one point
#   skip_all "why"               exits 77
#   done_testing                 prints the plan, exits 1 if a point failed
tap_n=0
tap_failed=0
ok() {
	tap_n=$((tap_n + 1))
	if [[ $1 == 0 ]]; then echo "ok $tap_n - $2"; else
		echo "not ok $tap_n - $2"; tap_failed=$((tap_failed + 1)); fi
}
check() {
	local what=$1; shift
	"$@"; ok $? "$what"
}
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP $1"; }
diag() { echo "# $*"; }
skip_all() { echo "# SKIP all: $1"; exit 77; }
done_testing() { echo "1..$tap_n"; ((tap_failed == 0)); exit $?; }
