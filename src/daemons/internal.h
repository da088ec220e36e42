/* What containerd.c (start, config, handlers) and reap.c (stop, the leftover sweep) share. */
#ifndef ASSAY_DAEMONS_INTERNAL_H
#define ASSAY_DAEMONS_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "cri/cri.h"
#include "daemons/daemon.h"

#define STOP_TIMEOUT_MS          10000u
#define TEARDOWN_CALL_TIMEOUT_MS 30000u
/* Where containerd 1.6 shims put their sockets, whatever the daemon's own paths are. */
#define SHIM_SOCKET_DIR "/run/containerd/s"
/* In the run directory: what the daemon made outside it (one word a line). */
#define DAEMON_MADE_FILE "made"

struct daemon {
	char *run_dir;
	char *endpoint;
	char *sock_path;
	char *log_path;
	char *pause_ref;
	char *helper_dir; /* where the runtimes' helpers are (NULL: this build's libexec/) */
	char *sandbox;    /* daemon_opts.sandbox: "per-pod" or "per-container" */
	pid_t pid;
	int wait_status; /* containerd's, once reaped (-1: reaped by someone else) */
	/* what a restart needs to start it again as daemon_start did */
	char *containerd, *pause_archive, *log_level;
	unsigned start_timeout_ms;
	unsigned restarts;
	struct cri_client *client;
	struct daemon_handler *handlers; /* one per row of the runtimes table */
	char **programs;                 /* per handler: the runtime's own program, or NULL */
	size_t n_handlers;
	bool stopped;
	bool made_run_containerd, made_shim_dir, made_k8s_cgroup;
};

/* Reaps containerd if it has exited; true when it is gone. */
bool daemon_containerd_gone(struct daemon *d);
/* What daemon_stop does once containerd is gone: kills what still mentions the run directory
 * (shims, runtimes, sandboxes) and their descendants, removes their cgroups and shim sockets,
 * unmounts below the run directory and removes it. */
int daemon_reap_run_dir(struct daemon *d, assay_error_t *err);

#endif
