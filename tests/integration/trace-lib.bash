# Helpers for the tracer's integration tests (tests/integration/trace-*.sh source this after
# tests/tap.sh). Not a test itself: the runner only picks up *.sh.

COLLECTOR=${COLLECTOR:-build/collector}

trace_need_bpf() {
	[[ $EUID == 0 ]] || skip_all "needs root (BPF)"
	[[ -r /sys/kernel/btf/vmlinux ]] || skip_all "kernel without BTF"
	command -v bpftool >/dev/null || skip_all "no bpftool to check for leftovers"
	[[ -x $COLLECTOR ]] || { echo "Bail out! $COLLECTOR not built"; exit 1; }
}

# Highest BPF program id now: programs loaded later are ours (or a concurrent collector's).
trace_prog_mark() {
	bpftool -j prog list | jq '[.[].id] | max // 0'
}

# BPF objects of ours created after MARK that no live process holds through an fd: leftovers of a
# collector that is gone. Another collector running at the same time (someone's `collector run`)
# holds its own, so they do not count. Freeing is deferred (RCU): poll for up to 5 s.
#   trace_unheld prog|map MARK     (programs/maps named attr_*, the skeleton's .rodata)
#   trace_unheld link PROG_MARK    (links to programs created after PROG_MARK)
trace_unheld() {
	local kind=$1 mark=$2 i ids id held n
	for ((i = 0; i < 50; i++)); do
		case $kind in
		link) ids=$(bpftool -j link list | jq --argjson m "$mark" '.[] | select(.prog_id > $m) | .id') ;;
		*) ids=$(bpftool -j "$kind" list | jq --argjson m "$mark" \
			'.[] | select(.id > $m and ((.name // "") | test("^attr_|^attribut"))) | .id') ;;
		esac
		held=$(grep -hsE "^${kind}_id:" /proc/[0-9]*/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -u)
		n=0
		for id in $ids; do
			grep -qx "$id" <<<"$held" || n=$((n + 1))
		done
		((n == 0)) && break
		sleep 0.1
	done
	echo "$n"
}
trace_leftovers() { trace_unheld prog "$1"; }

# ok point: no BPF program of ours left since MARK.
trace_check_clean() { # MARK WHAT
	local n
	n=$(trace_leftovers "$1")
	((n != 0)) && bpftool prog list | grep -A3 'name attr_' | sed 's/^/# /'
	ok $((n != 0)) "$2: no BPF program of ours left ($n unheld)"
}

# jq on a file, one value.
jv() { jq -r "$2" "$1"; }

# Float comparisons: awk exits 0 when the expression holds.
holds() { awk "BEGIN { exit !($*) }"; }
