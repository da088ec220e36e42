/* The embedded CRI daemon: a private containerd (1.6, config version 2) whose root, state,
 * sockets, logs and runtime state all live under one run directory, with the CRI plugin set up
 * for assay (restrict_oom_score_adj, our pause image as sandbox_image, cgroupfs, no CNI: pods
 * use the node's network namespace) and runtime handlers runc, runsc and crun.
 *
 * runsc: where containerd-shim-runsc-v1 exists, handler runsc uses io.containerd.runsc.v1
 * (one gVisor sandbox per pod). Otherwise (Debian) the runc v2 shim runs our adapter
 * (libexec/assay-runsc) as its runtime binary, which runs one gVisor sandbox per pod, or each
 * container in its own (daemon_opts.sandbox): see daemon_handler()->sandbox_mode, which results
 * must record.
 *
 * Lifecycle: daemon_start → (daemon_import …, CRI calls through daemon_client or a client of
 * your own on daemon_endpoint) → daemon_stop → daemon_free. */
#ifndef ASSAY_DAEMON_H
#define ASSAY_DAEMON_H

#include <stdbool.h>
#include <sys/types.h>

#include "cri/cri.h"
#include "lib/error.h"

struct daemon;

struct daemon_opts {
	/* Run directory, created 0700 (it must not exist, or be an empty directory).
	 * NULL: a fresh mkdtemp /tmp/assay-cri-XXXXXX. daemon_stop removes it either way. */
	const char *run_dir;
	/* Pause image: the archive (oci-archive tar) is imported at start, and ref becomes the
	 * CRI plugin's sandbox_image. Both required. */
	const char *pause_archive;
	const char *pause_ref;
	/* Where assay's runtime helpers are (assay-runsc, assay-crun: runtimes.h), e.g. the run's
	 * own copies; NULL: this build's libexec/. */
	const char *helper_dir;
	/* containerd binary; NULL: "containerd" from PATH. */
	const char *containerd;
	/* How long to wait for the CRI to answer after starting containerd; 0: 20000 ms. */
	unsigned start_timeout_ms;
	/* containerd's log level ("info" when NULL); the log is RUN_DIR/containerd.log. */
	const char *log_level;
	/* How a runtime whose helper can do both (runsc's adapter) runs a pod: "per-pod" (one
	 * sandbox for all its containers; NULL too) or "per-container" (each its own sandbox). */
	const char *sandbox;
};

/* What a runtime handler is and whether it can run here. */
struct daemon_handler {
	const char *name;         /* a runtime's name (runtimes.h): "runc", "runsc", "crun" */
	const char *runtime_type; /* "io.containerd.runc.v2" or "io.containerd.runsc.v1" */
	const char *binary; /* what the shim executes (runc, assay-crun, the adapter), or NULL */
	const char *sandbox_mode; /* "pod-shared sandbox (containerd-shim-runsc-v1)",
	                           * "one sandbox per pod (assay-runsc adapter)", "one sandbox
	                           * per container (assay-runsc adapter)", or "containers share
	                           * the pod's namespaces" (runc, crun) */
	/* "per-pod" or "per-container" for a handler whose helper takes daemon_opts.sandbox (the
	 * runsc adapter), else NULL */
	const char *sandbox;
	const char *note; /* how assay had to run it here (crun: cgview_crun_note()), or NULL */
	/* 0 not probed yet, 1 works, -1 does not (see reason): set up from the runtimes table at
	 * start (a program missing), then by daemon_probe_handler. */
	int available;
	char *reason; /* why not, e.g. crun's own error message; NULL when it works */
};

/* Starts containerd, imports the pause image, waits for the CRI to answer. On failure
 * everything started is torn down again and the error points at RUN_DIR/containerd.log. */
int daemon_start(const struct daemon_opts *opts, struct daemon **out, assay_error_t *err);

/* "unix:///RUN_DIR/containerd.sock" */
const char *daemon_endpoint(const struct daemon *d);
const char *daemon_run_dir(const struct daemon *d);
const char *daemon_log_path(const struct daemon *d);
pid_t daemon_pid(const struct daemon *d);
/* A CRI client connected to the daemon, owned by it (closed by daemon_free). */
struct cri_client *daemon_client(struct daemon *d);

/* Imports an oci-archive into the k8s.io namespace (ctr -a SOCK -n k8s.io images import). */
int daemon_import(struct daemon *d, const char *archive, assay_error_t *err);

/* The handler named name (NULL when the daemon has no such handler configured). */
const struct daemon_handler *daemon_handler(const struct daemon *d, const char *name);
/* Finds out whether handler name really works here by running (and removing) a pause-only pod
 * with it; cached after the first call. Returns 1 works, 0 does not (reason in the handler),
 * <0 on errors that say nothing about the handler (daemon gone, unknown handler). */
int daemon_probe_handler(struct daemon *d, const char *name, assay_error_t *err);

/* Tears down: removes every pod and container the daemon has (CRI), stops containerd (SIGTERM,
 * SIGKILL after a timeout), kills any shim/runc/runsc/crun process still referring to the run
 * directory, unmounts everything under it (deepest first, lazily if busy) and removes it.
 * Idempotent; it goes on after errors and reports the first. Blocks SIGINT/SIGTERM/SIGHUP while
 * it runs, so call it from normal context (e.g. after a signal handler set a flag). */
int daemon_stop(struct daemon *d, assay_error_t *err);
/* Cleans up after an embedded containerd whose collector died without daemon_stop (SIGKILL):
 * containerd itself went with it (it gets SIGTERM when its parent dies), but shims, runtimes,
 * containers, mounts and the run directory stay. If no containerd serves run_dir any more, does
 * what daemon_stop does without the CRI (kill what mentions run_dir and its descendants, remove
 * their cgroups and shim sockets, unmount, remove run_dir). Returns 1 reclaimed, 0 when a
 * containerd still serves run_dir (left alone), <0 on errors. */
int daemon_reclaim(const char *run_dir, assay_error_t *err);

/* NULL while containerd runs (or after daemon_stop); when it died: how, malloc'd
 * ("containerd exited: signal 9 (SIGKILL)"). */
char *daemon_death(struct daemon *d);
/* After containerd died (or stopped answering: it is killed first): reaps what it left as
 * daemon_stop does (shims, runtimes, containers, mounts, its state), then starts a fresh
 * containerd in the same run directory and imports the pause image again; the CRI client
 * (daemon_client) and the pid change. Images other than pause must be imported again. */
int daemon_restart(struct daemon *d, assay_error_t *err);
/* How many times daemon_restart started it again. */
unsigned daemon_restarts(const struct daemon *d);

/* After a pod of this daemon's is gone: removes the socket its containerd shim left in
 * /run/containerd/s if the shim died without removing it (killed: nothing answers there). */
void daemon_forget_pod(const struct daemon *d, const char *pod_id);

/* Frees d (calls daemon_stop first if it was not called; errors are dropped). NULL is fine. */
void daemon_free(struct daemon *d);

#endif
