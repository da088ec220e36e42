#!/usr/bin/env bash
# `collector report` on the fixed results fixture (tests/fixtures/results-small: a real run of
# native, oci/runc, oci/runsc, oci/crun (skipped here) and cri/containerd/{runc,runsc}, 3 runs
# after a warm-up, with eBPF attribution): every expected figure exists in SVG (parses as XML)
# and PNG (signature, sane IHDR size), each with its data file; the page is self-contained and
# refers only to files that exist; absent data is said, not drawn; comparing two directories;
# errors name the script and carry gnuplot's message.
set -u
. tests/tap.sh
COLLECTOR=${COLLECTOR:-build/collector}
FIXTURE=tests/fixtures/results-small
[[ -x $COLLECTOR ]] || { echo "Bail out! $COLLECTOR not built (make collector)"; exit 1; }
command -v gnuplot >/dev/null || { echo "Bail out! gnuplot missing (make deps)"; exit 1; }
command -v xmllint >/dev/null || { echo "Bail out! xmllint missing (make deps)"; exit 1; }

tmp=$(mktemp -d /tmp/assay-test-report.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
dir=$tmp/run
cp -r "$FIXTURE" "$dir"

out=$($COLLECTOR report "$dir" 2>"$tmp/err"); rc=$?
sed 's/^/# stderr: /' "$tmp/err"
ok $((rc == 0 ? 0 : 1)) "report exits 0 (got $rc)"
[[ $out == "$dir/index.html" && -s $dir/index.html ]]; ok $? "prints the page's path ($out)"

png_ok() { # file: PNG signature, IHDR, 200..5000 px each way
	local hex w h
	hex=$(od -An -tx1 -N24 "$1" | tr -d ' \n')
	[[ ${hex:0:16} == 89504e470d0a1a0a && ${hex:24:8} == 49484452 ]] || return 1
	w=$((16#${hex:32:8})) h=$((16#${hex:40:8}))
	((w >= 200 && w <= 5000 && h >= 150 && h <= 5000)) || { diag "$1: ${w}x$h"; return 1; }
}
benches=(performance.cpu.time performance.memory.seqrd performance.memlat performance.disk.rndrd
	performance.syscall)
figures=(overhead memlat lifecycle calls)
for b in "${benches[@]}"; do figures+=("bars-$b" "attribution-$b"); done
# who pays per target (crun: skipped, no attribution, no figure)
for t in native oci_runc oci_runsc cri_containerd_runc cri_containerd_runsc; do
	figures+=("attribution-target-$t")
done
for f in "${figures[@]}"; do
	svg=$dir/figures/$f.svg png=$dir/figures/$f.png data=$dir/figures/data/$f.tsv
	[[ -s $svg ]] && xmllint --noout "$svg" 2>"$tmp/xml" && grep -q '<svg' "$svg"
	ok $? "$f.svg: not empty, well-formed XML $(head -c 200 "$tmp/xml")"
	[[ -s $png ]] && png_ok "$png"; ok $? "$f.png: PNG signature and a sane IHDR size"
	[[ -s $data ]]; ok $? "$f.tsv: the figure's data"
	grep -q "src=\"figures/$f.svg\"" "$dir/index.html"; ok $? "$f on the page"
done
n=$(ls "$dir/figures" | grep -cE '\.(svg|png)$')
[[ $n == $((2 * ${#figures[@]})) ]]; ok $? "exactly the expected figures ($n files)"

# the bars' data is summary.tsv's rows: the fixture's medians for cpu.time's first figure
want=$(awk -F'\t' '$2=="performance.cpu.time" && $3=="total_time_s" {print $1, $8}' "$dir/summary.tsv")
got=$(awk -F'\t' '!/^#/ && NF && $3=="total_time_s" {print $1, $8}' "$dir/figures/data/bars-performance.cpu.time.tsv")
[[ -n $want && $want == "$got" ]]; ok $? "bars data = summary.tsv's medians"
# per target: one row per performance benchmark, roles as columns with the workload first
t=$dir/figures/data/attribution-target-cri_containerd_runc.tsv
[[ $(head -1 "$t" | cut -f1-2) == "# benchmark	workload" && $(grep -vc '^#' "$t") == "${#benches[@]}" ]]
ok $? "per-target attribution: a row per benchmark, workload first ($(head -1 "$t" | cut -f1-3))"
# overhead: oci/runsc's getppid cost is its median over native's
o=$(awk -F'\t' '$1 ~ /ns_per_call_getppid/ {print $3}' "$dir/figures/data/overhead.tsv")
w=$(awk -F'\t' '$1=="oci/runsc" && $3=="ns_per_call_getppid" {print $18}' "$dir/summary.tsv")
awk -v a="$o" -v b="$w" 'BEGIN {exit !(a > 1 && (a - b) ^ 2 < 1e-6 * b * b)}'
ok $? "overhead of oci/runsc getppid = summary.tsv's ($o vs $w)"

# the page: self-contained, every referenced file exists, absent data said
html=$dir/index.html
! grep -qiE '<script|<link|src="(https?:)?//|url\(' "$html"; ok $? "no script, stylesheet link or remote URL"
missing=0
while read -r ref; do
	[[ -s $dir/$ref ]] || { diag "missing: $ref"; missing=1; }
done < <(grep -oE '(src|href)="[^"#][^"]*"' "$html" | sed -E 's/^(src|href)="//; s/"$//')
ok $missing "every src/href of the page is an existing, non-empty file"
grep -q 'No scalability results here' "$html"; ok $? "scalability: absent, and said"
grep -q 'No CPU-limit results here' "$html"; ok $? "limits: absent, and said"
grep -q 'oci/crun</b>: <span class="status">skipped' "$html"; ok $? "the skipped target and its reason are listed"
# 3 runs a cell: no target is significantly better than every other in any column, so no ★;
# gVisor's system calls are significantly dearer than native (coloured), runc's are not (≈)
! grep -q 'class="best"' "$html"; ok $? "no best marked where no difference is significant"
grep -q 'class="ov same"[^>]*>≈×' "$html"; ok $? "differences whose interval holds 1 are shown ≈, uncoloured"
grep -q 'class="ov bad"' "$html"; ok $? "significant overheads are coloured"
[[ $(head -1 "$dir/figures/data/overhead.tsv" | awk -F'\t' '{print NF}') -ge 4 ]] &&
	head -1 "$dir/figures/data/overhead.tsv" | grep -q 'oci/runsc:low'
ok $? "overhead.tsv carries each target's interval (TARGET:low, TARGET:high)"
grep -q '6.18' "$html" && grep -q 'runc version 1.1.5' "$html"; ok $? "run metadata (kernel, runtime versions)"

# comparing: -o needed, targets TARGET@LABEL, both natives kept
cp -r "$FIXTURE" "$tmp/hostB"
msg=$($COLLECTOR report "$dir" "$tmp/hostB" 2>&1); rc=$?
[[ $rc == 2 && $msg == *"needs -o"* ]]; ok $? "two directories without -o: exit 2 ($msg)"
out=$($COLLECTOR report -o "$tmp/cmp" "$dir" "$tmp/hostB" 2>&1); rc=$?
[[ $rc == 0 && -s $tmp/cmp/index.html ]]; ok $? "comparison written ($out)"
head -1 "$tmp/cmp/figures/data/overhead.tsv" | grep -q 'oci/runsc@run.*oci/runsc@hostB'
ok $? "overhead columns per target and directory"
grep -c '^native@' "$tmp/cmp/figures/data/bars-performance.cpu.time.tsv" | grep -qx 8
ok $? "each directory's native in every panel (2 × 4 figures)"
grep -q 'href="../run/results.json"' "$tmp/cmp/index.html"; ok $? "links to each directory's files, relative"

# errors
msg=$($COLLECTOR report "$tmp/nope" 2>&1); rc=$?
[[ $rc == 2 && $msg == *"$tmp/nope"* ]]; ok $? "missing directory: exit 2, named ($msg)"
mkdir "$tmp/empty"
msg=$($COLLECTOR report "$tmp/empty" 2>&1); rc=$?
[[ $rc != 0 && $msg == *results.json* ]]; ok $? "no results.json: named ($msg)"
mkdir "$tmp/gp" && cp analysis/*.gp "$tmp/gp/"
sed -i '1i set terminal nosuchterminal' "$tmp/gp/memlat.gp"
msg=$(ASSAY_ANALYSIS_DIR=$tmp/gp $COLLECTOR report "$dir" 2>&1); rc=$?
[[ $rc == 1 && $msg == *memlat.gp* && $msg == *nosuchterminal* ]]
ok $? "a failing script: exit 1, its name and gnuplot's message (${msg:0:300})"
msg=$(GNUPLOT=/nonexistent/gnuplot $COLLECTOR report "$dir" 2>&1); rc=$?
[[ $rc == 1 && $msg == *gnuplot-nox* ]]; ok $? "no gnuplot: says which package"
msg=$($COLLECTOR report --bogus "$dir" 2>&1); rc=$?
[[ $rc == 2 && $msg == *--bogus* ]]; ok $? "unknown option: exit 2"
done_testing
