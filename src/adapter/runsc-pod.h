/* assay-runsc's per-pod mode: one gVisor sandbox (one Sentry) for every container of a pod, under
 * containerd's runc v2 shim.
 *
 * The runc v2 shim waits on the pid it finds in the pid file after `create`; runsc writes the
 * sandbox's pid there for a sub-container, so the shim never sees the container exit. And runsc
 * gives a sub-container the stdio of `runsc start` (not of `create`), which the shim runs with
 * its output captured. So at `create` of a sub-container the adapter runs `runsc create`, then
 * forks a waiter that keeps create's stdio (the container's log pipes) and listens on an abstract
 * unix socket named after (runsc root, container id); the waiter's pid replaces the sandbox's in
 * the pid file, and when the adapter exits the waiter is re-parented to the shim (a child
 * subreaper). The adapter's `start` asks the waiter, which runs `runsc start` with the
 * container's stdio, answers with its exit status, stops listening, `runsc wait`s for the
 * container and exits with its status: the shim sees the container's exit as its init's.
 * The Sentry runs in the cgroup of the pod's first container (pause), with pause's limits
 * (containerd: 2 CPU shares); so create writes the sub-container's limits (its own, or a
 * container cgroup's defaults) into the sandbox's cgroups, as update does: the pod's sandbox
 * gets its workload's limits (with several sub-containers, the last created one's). A
 * `kill` of a container that was created but never started ends the waiter with 128+signal (as
 * runc's init would die), `delete` ends it too. While it waits for `start`, the waiter checks
 * every second that runsc still has the container's state file, so a sandbox removed under it
 * does not leave it behind. */
#ifndef ASSAY_RUNSC_POD_H
#define ASSAY_RUNSC_POD_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "adapter/runsc-adapter.h"

#define ADAPTER_SANDBOX_ID   "io.kubernetes.cri.sandbox-id"
#define ADAPTER_SANDBOX_ENV  "ASSAY_RUNSC_SANDBOX"
#define ADAPTER_DEFAULT_ROOT "/var/run/runsc"

enum adapter_sandbox_mode {
	ADAPTER_PER_POD,       /* one sandbox per pod: sub-containers join the pause's (default) */
	ADAPTER_PER_CONTAINER, /* every container its own sandbox (the bundle rewritten) */
};

/* $ASSAY_RUNSC_SANDBOX: "per-pod" (also when unset or empty) or "per-container"; -1 otherwise. */
int adapter_sandbox_mode(const char *value, enum adapter_sandbox_mode *out);

/* What BUNDLE/config.json's CRI annotations say: *type "sandbox", "container" or NULL, and the
 * pod's sandbox id (both malloc'd, NULL when absent). Returns 0, or -1 with errbuf set. */
int adapter_bundle_info(const char *bundle, char **type, char **sandbox_id, char *errbuf,
                        size_t errlen);

/* The limits a sub-container brings to its pod's sandbox: BUNDLE/config.json's linux.resources
 * (OCI LinuxResources, what `runc update` reads), with the cgroup defaults a container's own
 * cgroup would have where it sets none (cpu.shares 1024, no CFS quota): the Sentry runs in the
 * pause container's cgroup, which containerd gives 2 CPU shares. malloc'd JSON, or NULL with
 * errbuf set. */
char *adapter_bundle_resources(const char *bundle, char *errbuf, size_t errlen);

/* The waiter's abstract socket address for (root, id): "\0assay-runsc/<hash of root>/<id>".
 * Returns the address length, or 0 when the id is too long for it. */
socklen_t adapter_waiter_addr(const char *root, const char *id, struct sockaddr_un *sa);

/* The exit status in `runsc wait`'s JSON ({"id":..,"exitStatus":N}), or -1. */
int adapter_wait_status(const char *json);

/* kill's signal argument as runc takes it ("9", "KILL", "SIGKILL"), as a number; SIGTERM when
 * unknown. */
int adapter_signal_number(const char *sig);

/* Replaces path's content with pid (a temp file renamed over it). 0, or -1 with errbuf set. */
int adapter_write_pid(const char *path, long pid, char *errbuf, size_t errlen);

/* runsc's state file of container id in sandbox sid under root (runsc 2022's layout:
 * ROOT/ID_sandbox:SID.state), malloc'd. */
char *adapter_state_file(const char *root, const char *id, const char *sid);

/* `create` of a sub-container in per-pod mode: runsc create, then the waiter (above). Returns the
 * adapter's exit status. */
int adapter_pod_create(const struct adapter_cmd *cmd, const char *runsc, char *const *extra,
                       const char *sandbox_id);

/* Sends request ("start", "kill SIG", "delete") to the container's waiter. Returns the waiter's
 * answer (an exit status >= 0), or -1 when no waiter listens (not a sub-container waiting for its
 * start: the command then goes to runsc as it is). */
int adapter_pod_request(const struct adapter_cmd *cmd, const char *request);

#endif
