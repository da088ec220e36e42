#!/usr/bin/env bash
# Bad input to the image builder, one case each: a message naming the path and the errno text,
# exit status 1 (2 for usage errors), and nothing half-written left in the output directory;
# an image already there survives a failed rebuild. Full and read-only disks are small tmpfs
# mounts of our own, unmounted afterwards.
set -u
cleanup() {
	local m
	for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m"; done
	[[ -n ${bpid:-} ]] && kill -KILL "$bpid" 2>/dev/null
}
mounts=()
. "$(dirname "$0")/../images/lib.sh"
need_root
need_images

# expect WHAT STATUS PATTERN CMD...: one point for the status, one for the message.
expect() {
	local what=$1 want=$2 pat=$3 rc; shift 3
	"$@" >"$scratch/out" 2>"$scratch/err"
	rc=$?
	((rc == want))
	ok $? "$what: exit status $rc (want $want)"
	grep -qF -- "$pat" "$scratch/err"
	ok $? "$what: message: $(head -c 200 "$scratch/err")"
}
# only_holds WHAT DIR [ALLOWED...]: DIR holds nothing but ALLOWED.
only_holds() {
	local what=$1 dir=$2; shift 2
	local got want
	got=$(ls -A "$dir" | sort | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ')
	[[ $got == "$want" ]]
	ok $? "$what: nothing left behind in $dir${got:+ (holds: $got)}"
}
mnt() { # dir tmpfs-options
	mkdir -p "$1" && mount -t tmpfs -o "$2" assay-images-test "$1" && mounts+=("$1")
}
B() { SOURCE_DATE_EPOCH=0 "$BUILDER" -t test "$@"; }

mkdir -p "$scratch/out1" "$scratch/empty"
expect "missing binary" 1 "open \`$scratch/empty/cpu\`: No such file or directory" \
	B -o "$scratch/out1" -b "$scratch/empty" images/cpu.image
only_holds "missing binary" "$scratch/out1"

mnt "$scratch/ro" ro,size=1m
expect "read-only output dir" 1 "\`$scratch/ro\`: Read-only file system" \
	B -o "$scratch/ro" -b build/bin images/cpu.image
only_holds "read-only output dir" "$scratch/ro"

expect "output dir is a file" 1 "\`$OUT/cpu.tar/x\`: Not a directory" \
	B -o "$OUT/cpu.tar/x" -b build/bin images/cpu.image

# Full disk: room for pause (about 50 KiB for layout and archive) and then some, but not cpu.
mnt "$scratch/full" size=256k
B -q -o "$scratch/full" -b build/bin images/pause.image
ok $? "a small image fits on the small tmpfs"
(cd "$scratch/full/pause" && find blobs -type f | sort | xargs sha256sum) >"$scratch/pause.sums"
dd if=/dev/zero of="$scratch/full/filler" bs=4k 2>/dev/null
truncate -s -48k "$scratch/full/filler"
expect "full disk" 1 "No space left on device" B -o "$scratch/full" -b build/bin images/cpu.image
grep -qF "\`$scratch/full/" "$scratch/err"
ok $? "full disk: the message names the file it was writing"
only_holds "full disk" "$scratch/full" filler pause pause.tar
(cd "$scratch/full/pause" && find blobs -type f | sort | xargs sha256sum) | cmp -s - "$scratch/pause.sums" &&
	(cd "$scratch/full/pause/blobs/sha256" && for f in *; do
		[[ $(sha256sum <"$f" | cut -d' ' -f1) == "$f" ]] || exit 1
	done)
ok $? "full disk: the image already there is intact"
# Same image over an existing one on a full disk: the old one stays whole.
dd if=/dev/zero of="$scratch/full/filler2" bs=4k 2>/dev/null
expect "full disk, rebuild" 1 "No space left on device" \
	env SOURCE_DATE_EPOCH=1 "$BUILDER" -t test -o "$scratch/full" -b build/bin images/pause.image
tar -tf "$scratch/full/pause.tar" >/dev/null && jq -e . "$scratch/full/pause/index.json" >/dev/null
ok $? "full disk, rebuild: the previous pause image and archive are intact"
only_holds "full disk, rebuild" "$scratch/full" filler filler2 pause pause.tar

mkdir -p "$scratch/fsize"
expect "RLIMIT_FSIZE" 1 "File too large" \
	bash -c 'ulimit -f 16; exec "$@"' _ env SOURCE_DATE_EPOCH=0 "$BUILDER" -t test \
	-o "$scratch/fsize" -b build/bin images/cpu.image
only_holds "RLIMIT_FSIZE" "$scratch/fsize"

mkdir -p "$scratch/dyn" "$scratch/out2"
cp "$(type -P true)" "$scratch/dyn/cpu"
expect "dynamically linked binary" 1 "\`$scratch/dyn/cpu\` is dynamically linked" \
	B -o "$scratch/out2" -b "$scratch/dyn" images/cpu.image
only_holds "dynamically linked binary" "$scratch/out2"

mkdir -p "$scratch/fifo"
mkfifo "$scratch/fifo/cpu"
expect "binary is a FIFO" 1 "\`$scratch/fifo/cpu\` is not a regular file" \
	timeout 10 "$BUILDER" -t test -o "$scratch/out2" -b "$scratch/fifo" images/cpu.image
only_holds "binary is a FIFO" "$scratch/out2"

printf 'binary = cpu\nentrypoint = /cpu\ncolour = blue\n' >"$scratch/bad.image"
expect "unknown key in a definition" 2 "$scratch/bad.image:3: unknown key \`colour\`" \
	B -o "$scratch/out2" -b build/bin "$scratch/bad.image"
printf 'description = none\n' >"$scratch/nobin.image"
expect "definition without binary" 2 "$scratch/nobin.image: \`binary\` is missing" \
	B -o "$scratch/out2" -b build/bin "$scratch/nobin.image"
expect "missing definition" 1 "open \`$scratch/none.image\`: No such file or directory" \
	B -o "$scratch/out2" -b build/bin "$scratch/none.image"
expect "bad tag" 2 "version \`a/b\` is not a valid image tag" \
	"$BUILDER" -t a/b -o "$scratch/out2" -b build/bin images/cpu.image
expect "bad SOURCE_DATE_EPOCH" 2 "SOURCE_DATE_EPOCH=\`yesterday\`" \
	env SOURCE_DATE_EPOCH=yesterday "$BUILDER" -t x -o "$scratch/out2" -b build/bin images/cpu.image
only_holds "usage errors" "$scratch/out2"

# SIGTERM mid-build (a 48 MiB binary keeps it busy compressing): the temporary directory goes.
mkdir -p "$scratch/big" "$scratch/out3"
{ cat build/bin/cpu; head -c 48M /dev/urandom; } >"$scratch/big/cpu"
SOURCE_DATE_EPOCH=0 "$BUILDER" -t test -o "$scratch/out3" -b "$scratch/big" images/cpu.image \
	>/dev/null 2>"$scratch/err" &
bpid=$!
# Signal it once its handler is installed (SigCgt has SIGTERM's bit), while it still compresses.
for _ in $(seq 100); do
	cgt=$(awk '/^SigCgt:/ {print $2}' "/proc/$bpid/status" 2>/dev/null)
	[[ -n $cgt ]] && (((16#$cgt >> 14) & 1)) && break
	sleep 0.02
done
kill -TERM "$bpid"
wait "$bpid"
rc=$?
bpid=
((rc == 143))
ok $? "SIGTERM: the builder dies of the signal (status $rc)"
grep -qF "\`$scratch/out3/.cpu.tmp-" "$scratch/err" && grep -q 'Interrupted system call' "$scratch/err"
ok $? "SIGTERM: it stopped writing its temporary directory: $(head -c 160 "$scratch/err")"
only_holds "SIGTERM" "$scratch/out3"

cleanup
mounts=()
[[ -z $(awk -v d="$scratch/" 'index($5, d) == 1' /proc/self/mountinfo) ]]
ok $? "test mounts are gone"
done_testing
