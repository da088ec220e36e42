#!/usr/bin/env bash
# `collector check BASELINE RESULTS`, the regression gate, on two results directories: the
# fixture against itself (every figure "same", exit 0), and against a copy in which one cell got
# 4 times slower (that figure "slower", exit 1; a per-figure threshold or a higher --threshold
# lets it pass; a cell not measured any more is "missing"), plus its usage errors (exit 2).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/tap.sh
collector=${COLLECTOR:-$PWD/build/collector}
[[ -x $collector ]] || { echo "not ok 1 - $collector is not built"; exit 1; }
command -v jq >/dev/null || { echo "1..0 # SKIP jq not installed (make deps)"; exit 77; }
tmp=$(mktemp -d /tmp/assay-check-gate.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
base=tests/fixtures/results-small

"$collector" check "$base" "$base" >"$tmp/out" 2>"$tmp/err"
ok $? "the same results twice: exit 0"
grep -q '^50 figures: 0 slower, 0 faster, 50 same, 0 unknown, 0 missing$' "$tmp/out"
ok $? "every headline figure same: $(grep figures: "$tmp/out")"
"$collector" check --all-figures "$base" "$base" >"$tmp/out"
grep -q '^100 figures: 0 slower, 0 faster, 100 same, 0 unknown, 0 missing$' "$tmp/out"
ok $? "--all-figures judges every figure: $(grep figures: "$tmp/out")"
"$collector" check --all --all-figures "$base" "$base/results.json" >"$tmp/all"
[[ $(grep -c '^same ' "$tmp/all") == 100 ]]; ok $? "--all lists each figure, with its interval"
grep -q '^same  *oci/runsc performance.syscall ns_per_call_getppid .*×1.000 \[[0-9.]*–[0-9.]*\]' \
	"$tmp/all"
ok $? "a row: cost ×1.000 and its interval"

# The fixture comes from a loaded smoke run (runs spread 3-fold): what the gate can tell from it
# at 99 % is little. "tight": its cpu.time total_time_s runs made to spread 2 % (native's and
# every target's), the baseline of what follows.
mkdir "$tmp/tight" "$tmp/slower"
jq '.cells |= map(if .benchmark == "performance.cpu.time" then
	.runs |= [to_entries[] | .key as $i | .value | .figures.total_time_s = 0.1 * (1 + 0.01 * ($i % 3))]
	else . end)' "$base/results.json" >"$tmp/tight/results.json"
# oci/runc's cpu.time total_time_s × 4 (runs and summary); cri/containerd/runc's syscall cell gone.
# total_time_s is not cpu.time's headline (events_per_sec is): judged with --all-figures only.
jq '.cells |= (map(if .target == "oci/runc" and .benchmark == "performance.cpu.time" then
	(.runs |= map(if .figures.total_time_s then .figures.total_time_s *= 4 else . end))
	| (.summary.total_time_s |= with_entries(if (.key | IN("median", "min", "max", "p5",
	"p95", "ci_low", "ci_high")) then .value *= 4 else . end)) else . end)
	| map(select(.target != "cri/containerd/runc" or .benchmark != "performance.syscall")))' \
	"$tmp/tight/results.json" >"$tmp/slower/results.json"
"$collector" check --all-figures "$tmp/tight" "$tmp/slower" >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $((rc == 1 ? 0 : 1)) "a figure 4 times slower: exit 1 (got $rc)"
"$collector" check "$tmp/tight" "$tmp/slower" >"$tmp/default"
ok $? "by default only headline figures are judged: exit 0 ($(grep figures: "$tmp/default"))"
grep -q '^slower  *oci/runc performance.cpu.time total_time_s .*×4.000 .*REGRESSION' "$tmp/out"
ok $? "that figure is slower, ×4, a regression: $(grep '^slower' "$tmp/out")"
[[ $(grep -c '^slower' "$tmp/out") == 1 ]]; ok $? "and no other figure"
grep -q '^missing  *cri/containerd/runc performance.syscall' "$tmp/out"
ok $? "the cell measured no more is missing"
grep -q '^gate: FAIL' "$tmp/out"; ok $? "the gate says FAIL"

"$collector" check --all --all-figures --threshold 400 "$tmp/tight" "$tmp/slower" >"$tmp/out"
ok $? "--threshold 400: a ×4 cost is within it, exit 0"
grep -q '^same  *oci/runc performance.cpu.time total_time_s .*×4.000.* slower, threshold 400%' \
	"$tmp/out" && ! grep -q '^slower' "$tmp/out"
ok $? "same for the gate, the statistical verdict still says slower"
printf '# cpu.time is noisy here\nperformance.cpu.*/total_time_s 500\n' >"$tmp/thresholds"
"$collector" check --all-figures --thresholds "$tmp/thresholds" "$tmp/tight" "$tmp/slower" >"$tmp/out"
ok $? "a thresholds file raising cpu.time's threshold to 500%: exit 0"
printf 'oci/runc:performance.cpu.time/* 500\n' >"$tmp/t2"
"$collector" check --all-figures --thresholds "$tmp/t2" "$tmp/tight" "$tmp/slower" >"$tmp/out"
ok $? "a per-target pattern works too"
printf 'performance.cpu.time/* 500\nperformance.cpu.time/total_time_s 5\n' >"$tmp/t3"
"$collector" check --all-figures --thresholds "$tmp/t3" "$tmp/tight" "$tmp/slower" >"$tmp/out"
rc=$?
ok $((rc == 1 ? 0 : 1)) "the last matching line wins (5%: fails again, got $rc)"

# A host slower as a whole (every figure of every cell, native's too, 30 % worse): relative to
# native nothing moved (exit 0, native's own rows "drift"); --absolute gates raw figures (exit 1).
# Native alone 4 times slower: every target got relatively faster, which gates nothing.
scale='def sc($k): if type == "number" then (if $k then . * 1.3 else . / 1.3 end) else . end;
	.cells |= map(. as $c | (.runs |= map(.figures |= with_entries(.key as $f
	| .value |= sc($c.summary[$f].better == "lower")))) | (.summary |= with_entries(
	(.value.better == "lower") as $lo | .value |= with_entries(if (.key | IN("median", "min",
	"max", "p5", "p95", "ci_low", "ci_high")) then .value |= sc($lo) else . end))))'
mkdir "$tmp/host"
jq "$scale" "$tmp/tight/results.json" >"$tmp/host/results.json"
"$collector" check --all-figures "$tmp/tight" "$tmp/host" >"$tmp/out"
ok $? "a host 30% slower as a whole: relative to native, exit 0"
grep -q '^drift  *native ' "$tmp/out" && ! grep -qE '^(slower|faster) ' "$tmp/out" &&
	grep -q ' drift (native moved' "$tmp/out"
ok $? "native's rows say drift, no target slower: $(grep figures: "$tmp/out")"
"$collector" check --all-figures --absolute "$tmp/tight" "$tmp/host" >"$tmp/out"
rc=$?
ok $((rc == 1 ? 0 : 1)) "--absolute: raw figures 30% worse fail the gate (got $rc)"
grep -q '^costs: absolute' "$tmp/out" && grep -q '^slower  *native ' "$tmp/out"
ok $? "and native is gated too"
mkdir "$tmp/nat"
jq '.cells |= map(if .target == "native" and .benchmark == "performance.cpu.time" then
	(.runs |= map(if .figures.total_time_s then .figures.total_time_s *= 4 else . end))
	| (.summary.total_time_s |= with_entries(if (.key | IN("median", "min", "max", "p5",
	"p95", "ci_low", "ci_high")) then .value *= 4 else . end)) else . end)' \
	"$tmp/tight/results.json" >"$tmp/nat/results.json"
"$collector" check --all-figures "$tmp/tight" "$tmp/nat" >"$tmp/out"
ok $? "native 4 times slower: exit 0 (what moved is the reference)"
grep -q '^drift  *oci/runc performance.cpu.time total_time_s .*over native (its raw figure did not move so: native did)' "$tmp/out" &&
	! grep -qE '^(slower|faster) ' "$tmp/out"
ok $? "the targets' cost over native fell, but their raw figures did not: drift, not faster: $(grep -m1 '^drift  *oci' "$tmp/out")"
# Native alone 4 times faster: relative to it every target looks 4 times slower, but their raw
# figures did not move: native's drift, no regression (before, this failed the gate).
mkdir "$tmp/natfast"
jq '.cells |= map(if .target == "native" and .benchmark == "performance.cpu.time" then
	(.runs |= map(if .figures.total_time_s then .figures.total_time_s /= 4 else . end))
	| (.summary.total_time_s |= with_entries(if (.key | IN("median", "min", "max", "p5",
	"p95", "ci_low", "ci_high")) then .value /= 4 else . end)) else . end)' \
	"$tmp/tight/results.json" >"$tmp/natfast/results.json"
"$collector" check --all-figures "$tmp/tight" "$tmp/natfast" >"$tmp/out"
ok $? "native 4 times faster: exit 0, no target regressed ($(grep figures: "$tmp/out"))"
grep -q '^drift  *oci/runc performance.cpu.time total_time_s .*×4.000.*native did' "$tmp/out"
ok $? "the target's 4-fold relative cost is native's drift: $(grep -m1 '^drift  *oci' "$tmp/out")"

# host noise: the results' runs taken under load 9, the baseline's under 1: said, and warned
mkdir "$tmp/q" "$tmp/l"
jq '.cells[].runs[] |= . + {host_noise: {load1: 1, disturbed: false}}' "$base/results.json" >"$tmp/q/results.json"
jq '.cells[].runs[] |= . + {host_noise: {load1: 9, disturbed: true}}' "$base/results.json" >"$tmp/l/results.json"
"$collector" check "$tmp/q" "$tmp/l" >"$tmp/out"
grep -q '^host: baseline 0 of [0-9]* runs disturbed, mean load 1.00; results [0-9]* of [0-9]*, mean load 9.00$' "$tmp/out" &&
	grep -q '^warning: the hosts were loaded differently' "$tmp/out"
ok $? "the two hosts' noise is said, and a difference warned about: $(grep -E '^(host|warning)' "$tmp/out" | tr '\n' ' ')"
"$collector" check "$tmp/q" "$tmp/q" >"$tmp/out"
! grep -q '^warning' "$tmp/out"; ok $? "no warning for alike hosts"

printf 'performance.cpu.* lots\n' >"$tmp/bad"
"$collector" check --thresholds "$tmp/bad" "$base" "$base" >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $((rc == 2 ? 0 : 1)) "a bad thresholds line exits 2 (got $rc)"
grep -q 'bad:1: expected `PATTERN PERCENT`' "$tmp/err"; ok $? "naming the line: $(cat "$tmp/err")"
"$collector" check "$base" >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $((rc == 2 ? 0 : 1)) "one directory only: exit 2: $(cat "$tmp/err")"
"$collector" check "$base" "$tmp/none" >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $((rc == 2 ? 0 : 1)) "a missing directory: exit 2: $(cat "$tmp/err")"
"$collector" check --threshold -3 "$base" "$base" >"$tmp/out" 2>"$tmp/err"
rc=$?
ok $((rc == 2 ? 0 : 1)) "a negative threshold: exit 2"
"$collector" check --help | grep -q '^Usage: collector check'; ok $? "--help"
done_testing
