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

# Our programs (name attr_*) loaded after MARK that still exist. Freeing is deferred (RCU), so
# poll for up to 5 s before calling anything a leftover.
trace_leftovers() {
	local mark=$1 n i
	for ((i = 0; i < 50; i++)); do
		n=$(bpftool -j prog list | jq --argjson m "$mark" \
			'[.[] | select(.id > $m and (.name | startswith("attr_")))] | length')
		((n == 0)) && break
		sleep 0.1
	done
	echo "$n"
}

# ok point: no BPF program of ours left since MARK. Another collector running at the same time
# (someone else's `collector run`) would hold programs of the same names: then say so.
trace_check_clean() { # MARK WHAT
	local n others
	n=$(trace_leftovers "$1")
	if ((n != 0)); then
		others=$(pgrep -x collector | tr '\n' ' ')
		if [[ -n $others ]]; then
			skip "$2: $n attr_* programs, but other collectors run ($others)"
			return
		fi
		bpftool prog list | grep -A3 'name attr_' | sed 's/^/# /'
	fi
	ok $((n != 0)) "$2: no BPF program of ours left"
}

# jq on a file, one value.
jv() { jq -r "$2" "$1"; }

# Float comparisons: awk exits 0 when the expression holds.
holds() { awk "BEGIN { exit !($*) }"; }
