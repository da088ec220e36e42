# A containerd of the test's own (not assay's embedded one): tests that play "the user's
# daemon" or check images with ctr source this. Not a test itself (the runner takes *.sh).
#   containerd_start CONFIG SOCK LOG   starts it, sets ctd_pid, waits until ctr answers on SOCK
#   containerd_stop                    SIGTERM, SIGKILL after 5 s, reaped
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
