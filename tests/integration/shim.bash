# containerd 1.6 shims' sockets (sourced by run-common.bash and containerd.bash; not a test).
# Every socket in /run/containerd/s when this was sourced, so that a test finds the new ones.
shim_sockets_before=${shim_sockets_before:-" $(echo /run/containerd/s/*) "}

# The socket containerd 1.6's shim PID listens on: /run/containerd/s/sha256(address/ns/id),
# from its -address, -namespace and -id (a killed shim leaves it behind).
shim_socket_of() { # pid
	local key
	key=$(tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | awk '
		prev == "-address" { a = $0 } prev == "-namespace" { n = $0 } prev == "-id" { i = $0 }
		{ prev = $0 } END { if (i != "") printf "%s/%s/%s", a, n, i }')
	[[ -n $key ]] && echo "/run/containerd/s/$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)"
}

# Sockets in /run/containerd/s that were not there at $shim_sockets_before's time and that no
# running shim listens on: what a killed shim left.
stale_shim_sockets() {
	local p s live=" "
	for p in $(pgrep -f containerd-shim 2>/dev/null); do live+="$(shim_socket_of "$p") "; done
	for s in /run/containerd/s/*; do
		[[ -S $s ]] || continue
		[[ ${shim_sockets_before:-} == *" $s "* || $live == *" $s "* ]] && continue
		echo "$s"
	done
}
