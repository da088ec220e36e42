# A containerd of the test's own (not assay's embedded one): tests that play "the user's
# daemon" or check images with ctr source this. Not a test itself (the runner takes *.sh).
#   containerd_start CONFIG SOCK LOG   starts it, sets ctd_pid, waits until ctr answers on SOCK
#   containerd_stop                    SIGTERM, SIGKILL after 5 s, reaped
#   containerd_user_config DIR SOCK PAUSE_REF   writes DIR/config.toml: "a user's containerd"
#                                      (root, state, runc's root in DIR; handler runc; no CNI)
#   containerd_user_dirs NAME          tmp=/tmp/assay-test-NAME.XXXXXX, d=$tmp/ctd, sock in it,
#                                      had_run_containerd; the skip when containerd is missing
#   containerd_user_cleanup DIR TMP HAD_RUN_CONTAINERD   stops it, kills its shims, unmounts
#                                      below TMP, removes TMP (and /run/containerd unless it was)
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
	local p m
	containerd_stop
	for p in $(pgrep -f "containerd-shim.*-address $1/" 2>/dev/null); do kill -KILL "$p"; done
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
	return 0
}
