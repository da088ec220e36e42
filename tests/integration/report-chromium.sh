#!/usr/bin/env bash
# The report page as a reader sees it: headless Chromium (Debian `chromium`) opens the
# fixture's index.html; in the DOM it built, every <img> refers to an existing, non-empty file
# and all figures are there; a screenshot is taken (kept as build/test-logs/report-page.png to
# look at). Chromium runs with a throw-away profile, no network, no GPU; the test checks that
# no process of it survives.
set -u
. tests/tap.sh
COLLECTOR=${COLLECTOR:-build/collector}
[[ -x $COLLECTOR ]] || { echo "Bail out! $COLLECTOR not built (make collector)"; exit 1; }
command -v chromium >/dev/null || { echo "Bail out! chromium missing (make deps)"; exit 1; }
command -v gnuplot >/dev/null || { echo "Bail out! gnuplot missing (make deps)"; exit 1; }

tmp=$(mktemp -d /tmp/assay-test-report-chromium.XXXXXX)
profile=$tmp/profile
dir=$tmp/run
cleanup() {
	local pid
	# only processes started with our own throw-away profile
	for pid in $(pgrep -f -- "--user-data-dir=$profile" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
cp -r tests/fixtures/results-small "$dir"
$COLLECTOR report "$dir" >/dev/null; ok $? "report written"

chrome() { # extra args...
	# its own session: the whole group can be reaped by the leader's pid
	timeout -k 5 90 setsid chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update --disable-sync \
		--disable-dev-shm-usage --user-data-dir="$profile" "$@" 2>>"$tmp/chromium.err"
}
chrome --dump-dom "file://$dir/index.html" >"$tmp/dom.html"; rc=$?
ok $((rc == 0 ? 0 : 1)) "chromium --dump-dom exits 0 (got $rc)"
grep -q '</html>' "$tmp/dom.html"; ok $? "a whole DOM came back"
mapfile -t imgs < <(grep -oE '<img [^>]*src="[^"]*"' "$tmp/dom.html" | sed -E 's/.*src="([^"]*)"/\1/')
want=$(ls "$dir/figures" | grep -c '\.svg$')
[[ ${#imgs[@]} -ge 13 && ${#imgs[@]} == "$want" ]]
ok $? "one <img> per figure (${#imgs[@]} in the DOM, $want SVGs written)"
bad=0
for src in "${imgs[@]}"; do
	[[ $src != *://* && -s $dir/$src ]] || { diag "broken: $src"; bad=1; }
done
ok $bad "every <img> refers to an existing, non-empty, local file"
grep -q 'Overhead at a glance' "$tmp/dom.html" && grep -q 'class="summary"' "$tmp/dom.html"
ok $? "the DOM has the overview and the summary tables"

shot=$tmp/page.png
(cd "$tmp" && chrome --screenshot="$shot" --window-size=1280,3000 --hide-scrollbars "file://$dir/index.html" >/dev/null)
hex=$(od -An -tx1 -N8 "$shot" 2>/dev/null | tr -d ' \n')
[[ $hex == 89504e470d0a1a0a && $(stat -c %s "$shot") -gt 50000 ]]
ok $? "screenshot is a PNG with content ($(stat -c %s "$shot" 2>/dev/null) bytes)"
mkdir -p build/test-logs && cp "$shot" build/test-logs/report-page.png 2>/dev/null

sleep 1
left=$(pgrep -f -- "--user-data-dir=$profile")
[[ -z $left ]]; ok $? "no chromium process survives${left:+: $left}"
done_testing
