#!/usr/bin/env bash
# Every tracked C source and header follows the one .clang-format (`make format` fixes them).
set -u
. tests/tap.sh
command -v clang-format >/dev/null || skip_all "clang-format is not installed (make deps)"
mapfile -t files < <(git ls-files '*.c' '*.h' 2>/dev/null)
((${#files[@]} > 0)) || skip_all "not a git checkout"
for f in "${files[@]}"; do
	out=$(clang-format --dry-run --Werror "$f" 2>&1)
	ok $? "$f is clang-formatted${out:+: $(head -1 <<<"$out")}"
done
done_testing
