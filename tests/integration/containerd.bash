# A containerd of the test's own (not assay's embedded one): tests that play "the user's
# daemon" or check images with ctr source this. Not a test itself (the runner takes *.sh).
#   containerd_start CONFIG SOCK LOG   starts it, sets ctd_pid, waits until ctr answers on SOCK
#   containerd_stop                    SIGTERM, SIGKILL after 5 s, reaped
#   containerd_user_config DIR SOCK PAUSE_REF   writes DIR/config.toml: "a user's containerd"
#                                      (root, state, runc's root in DIR; handler runc; no CNI)
#   containerd_user_dirs NAME          tmp=/tmp/assay-test-NAME.XXXXXX, d=$tmp/ctd, sock in it,
#                                      had_run_containerd; the skip when containerd is missing
#   containerd_user_cleanup DIR TMP HAD_RUN_CONTAINERD   stops it, kills its containers (root
#                                      file system under TMP) and shims, their pod cgroups, unmounts
#                                      below TMP, removes TMP (and /run/containerd unless it was)
. tests/integration/shim.bash
ctd_pid=${ctd_pid:-}

containerd_start() { # config sock log
	containerd --config "$1" >"$3" 2>&1 &
	ctd_pid=$!
	for _ in $(seq 100); do
		ctr -a "$2" version >/dev/null 2>&1 && return 0
		kill -0 "$ctd_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

containerd_stop() {
	[[ -n $ctd_pid ]] && kill -0 "$ctd_pid" 2>/dev/null || return 0
	kill "$ctd_pid"
	for _ in $(seq 50); do kill -0 "$ctd_pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$ctd_pid" 2>/dev/null
	wait "$ctd_pid" 2>/dev/null
	return 0
}

containerd_user_config() { # dir sock pause_ref
	local d=$1 sock=$2
	mkdir -p "$d"
	cat >"$d/config.toml" <<-TOML
	version = 2
	root = "$d/root"
	state = "$d/state"
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
	[plugins."io.containerd.grpc.v1.cri"]
	  sandbox_image = "$3"
	  restrict_oom_score_adj = true
	  stream_server_address = "127.0.0.1"
	  stream_server_port = "0"
	[plugins."io.containerd.grpc.v1.cri".cni]
	  bin_dir = "$d/cni/bin"
	  conf_dir = "$d/cni/conf.d"
	[plugins."io.containerd.grpc.v1.cri".containerd]
	  default_runtime_name = "runc"
	[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
	  runtime_type = "io.containerd.runc.v2"
	[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
	  Root = "$d/runc"
	TOML
}

containerd_user_cleanup() { # dir tmp had_run_containerd
	local p m c cgs=()
	containerd_stop
	# its containers first (a killed shim leaves them running, re-parented to init): every
	# process whose root file system lies under TMP, and then the cgroups they were in
	for p in /proc/[0-9]*; do
		head -1 "$p/mountinfo" 2>/dev/null | grep -q -F "=$2/" || continue
		while IFS=: read -r _ _ c; do cgs+=("$c"); done <"$p/cgroup"
		kill -KILL "${p#/proc/}" 2>/dev/null
	done
	for p in $(pgrep -f "containerd-shim.*-address $1/" 2>/dev/null); do
		rm -f "$(shim_socket_of "$p")"
		kill -KILL "$p"
	done
	sleep 0.2
	for c in $(printf '%s\n' "${cgs[@]}" | sort -u); do
		[[ $c == /k8s.io/* ]] && rmdir /sys/fs/cgroup/*"$c" 2>/dev/null
	done
	# pod cgroups this daemon made and left empty (runc's, under the k8s.io namespace's parent)
	for c in /sys/fs/cgroup/*/k8s.io/*/; do
		[[ -d $c && ${k8s_cgroups_before:-} != *" $(basename "$c") "* ]] && rmdir "$c" 2>/dev/null
	done
	# runc's default parent of the k8s.io namespace's pods, if the test made it
	((${had_k8s_cgroup:-1})) || rmdir /sys/fs/cgroup/*/k8s.io 2>/dev/null
	awk -v d="$2/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m"; done
	rmdir /sys/fs/cgroup/*/assay 2>/dev/null
	(($3)) || rmdir /run/containerd/s /run/containerd 2>/dev/null
	rm -rf "$2"
}

containerd_user_dirs() { # name
	command -v containerd >/dev/null && command -v ctr >/dev/null ||
		skip_all "containerd not installed"
	tmp=$(mktemp -d "/tmp/assay-test-$1.XXXXXX")
	d=$tmp/ctd
	sock=$d/containerd.sock
	ctd_pid=
	had_run_containerd=0
	[[ -d /run/containerd ]] && had_run_containerd=1
	had_k8s_cgroup=0
	[[ -d /sys/fs/cgroup/memory/k8s.io ]] && had_k8s_cgroup=1
	k8s_cgroups_before=" $(ls /sys/fs/cgroup/memory/k8s.io 2>/dev/null | tr '\n' ' ') "
	return 0
}
