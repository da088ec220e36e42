#!/usr/bin/env bash
# Reproducibility: the builder, run twice on the same inputs, writes byte-identical archives with
# identical digests, and rebuilding from what an image records (tag, created, source) gives back
# exactly the image `make images` built. File mtimes of the inputs do not leak in; the epoch does.
set -u
. "$(dirname "$0")/../images/lib.sh"
need_images

mkdir -p "$scratch/a" "$scratch/b" "$scratch/c" "$scratch/bin"
for n in "${IMAGES[@]}"; do
	C=$(image_config "$OUT/$n")
	ref=$(image_ref "$OUT/$n")
	tag=${ref##*:}
	epoch=$(date -u -d "$(jq -r .created "$C")" +%s)
	src=$(jq -r '.config.Labels["org.opencontainers.image.source"] // empty' "$C")
	want=$(jq -r '.manifests[0].digest' "$OUT/$n/index.json")
	bin=$(sed -n 's/^[[:space:]]*binary[[:space:]]*=[[:space:]]*//p' "images/$n.image")
	# Same bytes, other mtime and inode.
	cp "build/bin/$bin" "$scratch/bin/$bin" && touch -d '2001-02-03 04:05:06' "$scratch/bin/$bin"

	build() { # outdir bindir epoch
		SOURCE_DATE_EPOCH=$3 "$BUILDER" -o "$1" -b "$2" -t "$tag" ${src:+-s "$src"} \
			"images/$n.image" | awk '{print $2}'
	}
	da=$(build "$scratch/a" build/bin "$epoch")
	db=$(build "$scratch/b" "$scratch/bin" "$epoch")
	[[ -n $da && $da == "$db" ]]
	ok $? "$n: built twice, same manifest digest ${da:0:19}..."
	cmp -s "$scratch/a/$n.tar" "$scratch/b/$n.tar"
	ok $? "$n: byte-identical archives"
	diff -r "$scratch/a/$n" "$scratch/b/$n" >/dev/null
	ok $? "$n: identical layouts"
	[[ $da == "$want" ]]
	ok $? "$n: rebuilt from its recorded inputs, same digest as make's build"
	cmp -s "$scratch/a/$n.tar" "$OUT/$n.tar"
	ok $? "$n: byte-identical to make's $OUT/$n.tar"
	dc=$(build "$scratch/c" build/bin $((epoch + 1)))
	[[ -n $dc && $dc != "$da" ]]
	ok $? "$n: another SOURCE_DATE_EPOCH gives another digest"
done
done_testing
