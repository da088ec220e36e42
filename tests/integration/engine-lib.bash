# Shared by the engine tests (engine-docker.sh, engine-podman.sh, engine-lxc.sh; not a test
# itself): a --quick run of the engine's targets with tracing, then the checks every engine
# target must pass — figures present, phases timed, roles and coverage >= 0.98, a startup figure —
# and that nothing of the run is left.
. tests/integration/run-common.bash

# engine_check PROG "TARGETS" "ROLES" : PROG absent → skip; ROLES must have CPU in every run.
engine_check() {
	local prog=$1 targets=$2 roles=$3 tmp res id t b st r
	run_need
	command -v "$prog" >/dev/null || skip_all "$prog not installed (make deps)"
	tmp=$(mktemp -d /tmp/assay-test-engine.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	before=$(ls -d /tmp/assay-podman-* 2>/dev/null | sort)
	$COLLECTOR run --targets "${targets// /,}" --quick --no-report -o "$tmp/r1" \
		--benchmarks performance.cpu.time,performance.disk.rndrd,performance.syscall \
		>"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	sed 's/^/# /' "$tmp/stderr"
	ok $((rc == 0 ? 0 : 1)) "run of $targets exits 0"
	$COLLECTOR run -s suites/operations.yaml --targets "${targets// /,}" --quick --no-report \
		-o "$tmp/r2" --benchmarks operations.container.startup >"$tmp/stdout2" 2>"$tmp/stderr2"
	rc=$?
	sed 's/^/# /' "$tmp/stderr2"
	ok $((rc == 0 ? 0 : 1)) "startup run of $targets exits 0"
	for res in "$tmp/r1/results.json" "$tmp/r2/results.json"; do
		id=$(jq -r .meta.run_id "$res")
		for t in $targets; do
			for b in $(jq -r --arg t "$t" '.cells[] | select(.target == $t) | .benchmark' "$res"); do
				st=$(cell_status "$res" "$t" "$b")
				[[ $st == ok ]]; ok $? "$t $b: ok (got ${st:-nothing})"
				jq -e --arg t "$t" --arg b "$b" '.cells[] | select(.target == $t and .benchmark == $b)
					| .runs[0] | (.figures | length > 0 and all(.[]; type == "number"))
					and ([.phases[].ns] | all(. > 0))' "$res" >/dev/null
				ok $? "$t $b: figures and phase timings"
				cov=$(jq -r --arg t "$t" --arg b "$b" '.cells[] | select(.target == $t and .benchmark == $b)
					| .runs[0].attribution.coverage' "$res")
				awk -v c="$cov" 'BEGIN { exit !(c >= 0.98 && c <= 1.02) }'
				ok $? "$t $b: coverage $cov in [0.98, 1.02]"
				for r in $roles; do
					jq -e --arg t "$t" --arg b "$b" --arg r "$r" '.cells[] | select(.target == $t and .benchmark == $b)
						| .runs[0].attribution.roles[$r].cpu_ns > 0' "$res" >/dev/null
					ok $? "$t $b: role $r has CPU time"
				done
			done
		done
		left=$(run_leftovers "$id"); ok $? "run $id: nothing left behind${left:+: $left}"
	done
	jq -e '[.cells[] | .runs[0].figures.to_first_instruction_ms] | all(. > 0)' "$tmp/r2/results.json" >/dev/null
	ok $? "startup: milliseconds to the workload's first instruction on every target"
	left=$(for r in dockerd podman conmon lxc-execute lxc-start; do pgrep -a -x "$r"; done)
	[[ -z $left ]]; ok $? "no engine process left${left:+: $left}"
	[[ $(ls -d /tmp/assay-podman-* 2>/dev/null | sort) == "$before" ]]
	ok $? "no podman runroot left"
	done_testing
}
