# Shared by tests/integration/images-*.sh: source it after `set -u`. Puts the shell at the top of
# the tree, loads the TAP helpers, lists the images (one per images/*.image) and gives a scratch
# directory that an EXIT/INT/TERM trap removes, after running the test's own `cleanup` function
# (define it before sourcing to stop containers, unmount, ...).
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
. tests/tap.sh

IMAGES=()
for def in images/*.image; do
	n=${def##*/}
	IMAGES+=("${n%.image}")
done
BUILDER=build/image-builder
OUT=build/images

scratch=$(mktemp -d /tmp/assay-images-test.XXXXXX) || exit 1
images_exit() {
	local rc=$?
	trap - EXIT INT TERM
	if declare -F cleanup >/dev/null; then cleanup; fi
	rm -rf "$scratch"
	exit "$rc"
}
trap images_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

need_root() {
	[[ $(id -u) == 0 ]] || skip_all "needs root (mounts, runc, containerd)"
}

need_images() {
	local n
	for n in "${IMAGES[@]}"; do
		[[ -f $OUT/$n.tar && -f $OUT/$n/index.json ]] || {
			echo "Bail out! $OUT/$n is missing: run make images"
			exit 1
		}
	done
	[[ -x $BUILDER ]] || { echo "Bail out! $BUILDER is missing"; exit 1; }
}

# The reference recorded in an image layout's index.json.
image_ref() {
	jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' "$1/index.json"
}

# Follows index -> manifest -> config in a layout; prints the config blob's path.
image_config() {
	local m
	m=$(jq -r '.manifests[0].digest' "$1/index.json")
	echo "$1/blobs/sha256/$(jq -r '.config.digest' "$1/blobs/sha256/${m#sha256:}" | cut -d: -f2)"
}
