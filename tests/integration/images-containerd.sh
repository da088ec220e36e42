#!/usr/bin/env bash
# A private containerd (own root, state, sockets, in a scratch directory) imports every image's
# oci-archive with `ctr images import` into the k8s.io namespace, names it by the archive's
# org.opencontainers.image.ref.name, and `ctr run` starts `cpu --json --time=1` under runc
# (io.containerd.runc.v2). Everything is stopped, unmounted and removed afterwards.
set -u
cleanup() {
	if [[ -n ${ctd_pid:-} ]] && kill -0 "$ctd_pid" 2>/dev/null; then
		# A container left by a failed step: stop it through the daemon first.
		if [[ -n ${cid:-} ]]; then
			ctr_ task kill -s KILL "$cid" >/dev/null 2>&1
			sleep 0.2
			ctr_ task delete -f "$cid" >/dev/null 2>&1
			ctr_ container delete "$cid" >/dev/null 2>&1
		fi
		containerd_stop
	fi
	# Shims outlive the daemon by design; ours are the ones talking to our socket.
	local p
	for p in $(pgrep -f "containerd-shim.*-address $scratch/" 2>/dev/null); do kill -KILL "$p"; done
	awk -v d="$scratch/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m"; done
	rmdir /sys/fs/cgroup/*/"$cgparent" /sys/fs/cgroup/unified/"$cgparent" 2>/dev/null
	# containerd 1.6 shims put their sockets in /run/containerd/s whatever the state dir; if
	# that directory was created for us, it goes too (rmdir: only when empty).
	((had_run_containerd)) || rmdir /run/containerd/s /run/containerd 2>/dev/null
}
cgparent=assay-images-test-$$
had_run_containerd=0
[[ -d /run/containerd ]] && had_run_containerd=1
. "$(dirname "$0")/../images/lib.sh"
. "$(dirname "$0")/containerd.bash"
need_root
need_images
command -v containerd >/dev/null && command -v ctr >/dev/null || skip_all "containerd not installed"

d=$scratch/ctd
mkdir -p "$d"
sock=$d/containerd.sock
ctr_() { ctr -a "$sock" -n k8s.io "$@"; }
# No CRI plugin: only the image and task services are needed, and CRI wants a network setup.
cat >"$d/config.toml" <<TOML
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"
TOML
containerd_start "$d/config.toml" "$sock" "$d/containerd.log"
ok $? "private containerd answers on $sock" || { tail -5 "$d/containerd.log" | sed 's/^/# /'; done_testing; }

for n in "${IMAGES[@]}"; do
	ref=$(image_ref "$OUT/$n")
	ctr_ images import "$OUT/$n.tar" >"$d/import.out" 2>&1
	ok $? "ctr images import $OUT/$n.tar" || sed 's/^/# /' "$d/import.out"
	want=$(jq -r '.manifests[0].digest' "$OUT/$n/index.json")
	got=$(ctr_ images ls | awk -v r="$ref" '$1 == r {print $3}')
	[[ $got == "$want" ]]
	ok $? "$n: imported as $ref with the archive's manifest digest"
	ctr_ images check "name==$ref" | grep -q complete
	ok $? "$n: all its content is present (ctr images check)"
done

ref=$(image_ref "$OUT/cpu")
cid=assay-images-cpu-$$
timeout 60 ctr -a "$sock" -n k8s.io run --rm --runtime io.containerd.runc.v2 \
	--cgroup "/$cgparent/$cid" --fifo-dir "$d/fifo" --runc-root "$d/runc" \
	"$ref" "$cid" /cpu --json --time=1 >"$d/cpu.out" 2>"$d/cpu.err"
ok $? "ctr run $ref: cpu --json --time=1 under runc" || sed 's/^/# /' "$d/cpu.err"
jq -e '.workload == "cpu" and .events > 0' "$d/cpu.out" >/dev/null
ok $? "cpu's JSON result has events > 0 ($(jq -c '{events}' "$d/cpu.out" 2>&1))"
[[ -z $(ctr_ containers ls -q) ]]
ok $? "the container was removed (--rm)"
cid=

for n in "${IMAGES[@]}"; do ctr_ images rm "$(image_ref "$OUT/$n")" >/dev/null; done
[[ -z $(ctr_ images ls -q) ]]
ok $? "images removed from the private containerd"

cleanup
ctd_pid=
[[ -z $(awk -v d="$scratch/" 'index($5, d) == 1' /proc/self/mountinfo) ]]
ok $? "no mount left under the private containerd's root"
! pgrep -f "$scratch/" >/dev/null
ok $? "no containerd or shim process of ours left"
((had_run_containerd)) || [[ ! -e /run/containerd ]]
ok $? "no /run/containerd left behind (it did not exist before)"
done_testing
