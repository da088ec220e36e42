#!/usr/bin/env bash
# Every image of `make images`, checked with tools other than the builder (jq, sha256sum, tar,
# gzip): blob digests and sizes, media types, references, the layer's exact contents, the
# config, and that the oci-archive holds exactly the layout.
set -u
. "$(dirname "$0")/../images/lib.sh"
need_images

tag=
for n in "${IMAGES[@]}"; do
	L=$OUT/$n
	diag "image $n"
	jq -e '.imageLayoutVersion == "1.0.0"' "$L/oci-layout" >/dev/null
	ok $? "$n: oci-layout"
	jq -e '.schemaVersion == 2 and .mediaType == "application/vnd.oci.image.index.v1+json"
		and (.manifests | length) == 1' "$L/index.json" >/dev/null
	ok $? "$n: index.json is a valid OCI index with one manifest"
	ref=$(image_ref "$L")
	[[ $ref =~ ^localhost/assay/$n:([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$ ]]
	ok $? "$n: reference $ref"
	t=${BASH_REMATCH[1]:-}
	[[ -z $tag || $t == "$tag" ]]
	ok $? "$n: same tag as the other images ($t)"
	tag=$t

	bad=0 nblobs=0
	for b in "$L"/blobs/sha256/*; do
		nblobs=$((nblobs + 1))
		[[ $(sha256sum <"$b" | cut -d' ' -f1) == "${b##*/}" ]] || { diag "bad blob $b"; bad=1; }
	done
	ok $bad "$n: every blob's sha256 is its file name"
	((nblobs == 3)); ok $? "$n: three blobs (manifest, config, layer), found $nblobs"

	# descriptor checks: file exists, size matches
	desc_ok() { # file-of-json jq-path-to-descriptor media-type
		local d s mt f
		d=$(jq -r "$2.digest" "$1") s=$(jq -r "$2.size" "$1") mt=$(jq -r "$2.mediaType" "$1")
		f=$L/blobs/sha256/${d#sha256:}
		[[ -f $f && $(stat -c %s "$f") == "$s" && $mt == "$3" ]]
	}
	desc_ok "$L/index.json" '.manifests[0]' application/vnd.oci.image.manifest.v1+json
	ok $? "$n: index -> manifest: size and media type match"
	M=$L/blobs/sha256/$(jq -r '.manifests[0].digest' "$L/index.json" | cut -d: -f2)
	jq -e '.schemaVersion == 2 and (.layers | length) == 1' "$M" >/dev/null
	ok $? "$n: manifest is valid JSON, one layer"
	desc_ok "$M" .config application/vnd.oci.image.config.v1+json
	ok $? "$n: manifest -> config: size and media type match"
	desc_ok "$M" '.layers[0]' application/vnd.oci.image.layer.v1.tar+gzip
	ok $? "$n: manifest -> layer: size and media type match"
	C=$(image_config "$L")
	Lg=$L/blobs/sha256/$(jq -r '.layers[0].digest' "$M" | cut -d: -f2)

	gzip -t "$Lg"; ok $? "$n: layer is valid gzip"
	diff_id=sha256:$(gzip -dc "$Lg" | sha256sum | cut -d' ' -f1)
	[[ $(jq -r '.rootfs.diff_ids[0]' "$C") == "$diff_id" ]]
	ok $? "$n: config's diff_id is the sha256 of the uncompressed layer"
	listing=$(tar -tvzf "$Lg" --numeric-owner | awk '{print $1, $2, $NF}')
	[[ $listing == "-rwxr-xr-x 0/0 $n"$'\n'"drwxrwxrwt 0/0 tmp/" ]]
	ok $? "$n: layer holds exactly /$n (0755) and /tmp (1777), owned by 0:0"
	[[ $listing == "-rwxr-xr-x 0/0 $n"* ]] || diag "$listing"
	gzip -dc "$Lg" | tar -xOf - "$n" | cmp -s - "build/bin/$n"
	ok $? "$n: the layer's /$n is build/bin/$n"

	arch=$(uname -m)
	case $arch in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
	jq -e --arg n "$n" --arg a "$arch" --arg t "$t" '
		.os == "linux" and .architecture == $a
		and .config.Entrypoint == ["/" + $n] and .config.WorkingDir == "/tmp"
		and (.config.Env | index("PATH=/")) != null
		and .config.Labels["org.opencontainers.image.title"] == $n
		and .config.Labels["org.opencontainers.image.version"] == $t
		and (.config.Labels["org.opencontainers.image.description"] | length) > 0
		and .rootfs.type == "layers"' "$C" >/dev/null
	ok $? "$n: config: os/arch, Entrypoint /$n, WorkingDir /tmp, PATH, labels"

	rm -rf "$scratch/x" && mkdir "$scratch/x" && tar -xf "$OUT/$n.tar" -C "$scratch/x"
	ok $? "$n: $n.tar is a valid tar"
	diff -r "$scratch/x" "$L" >/dev/null
	ok $? "$n: $n.tar holds exactly the layout"
	size=$(stat -c %s "$OUT/$n.tar")
	((size <= 1048576)); ok $? "$n: archive is $size bytes (at most 1 MiB)"
	((size <= 204800)) || diag "$n: $size bytes, over the 200 KiB aim"
done
done_testing
