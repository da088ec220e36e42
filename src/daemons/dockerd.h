/* A private Docker daemon: dockerd with its data root, exec root, pid file, trust key, socket and
 * its own managed containerd all under one run directory; no bridge, no iptables or forwarding
 * changes, so a system Docker (if any) and the host's network are never touched. Runtimes: runc
 * (dockerd's default, through containerd's runc v2 shim) and, where given, runsc
 * (`--network=none`: gVisor's netstack cannot attach to the host's).
 *
 * Lifecycle: daemon_dockerd_start → (docker -H daemon_dockerd_host …) → daemon_dockerd_stop. */
#ifndef ASSAY_DOCKERD_H
#define ASSAY_DOCKERD_H

#include <sys/types.h>

#include "lib/error.h"

struct dockerd;

struct dockerd_opts {
	const char *run_dir;       /* created (must not exist or be empty); removed by stop */
	const char *dockerd;       /* its program (found in PATH) */
	const char *cli;           /* the docker CLI, for the readiness check and the teardown */
	const char *runsc;         /* runsc's program for runtime "runsc", or NULL for none */
	unsigned start_timeout_ms; /* 0: 30000 */
};

int daemon_dockerd_start(const struct dockerd_opts *o, struct dockerd **out, assay_error_t *err);
/* "unix:///RUN_DIR/docker.sock", what `docker -H` takes. */
const char *daemon_dockerd_host(const struct dockerd *d);
pid_t daemon_dockerd_pid(const struct dockerd *d);
/* The pid of its managed containerd (0 when not found). */
pid_t daemon_dockerd_containerd(const struct dockerd *d);
/* Removes every container (docker rm -f), stops dockerd (SIGTERM, SIGKILL after a timeout),
 * then sweeps its run directory (daemon_sweep). Idempotent. */
int daemon_dockerd_stop(struct dockerd *d, assay_error_t *err);
/* Stops (errors dropped) and frees; NULL is fine. */
void daemon_dockerd_free(struct dockerd *d);

/* What daemon_stop does after its daemon is gone, for any directory a daemon or engine of
 * assay's kept its state in: kills whatever mentions dir (with descendants), removes their
 * cgroups and the sockets of containerd shims addressed at containerd_sock (may be NULL),
 * unmounts everything below dir and removes it (reap.c). */
int daemon_sweep(const char *dir, const char *containerd_sock, assay_error_t *err);

#endif
