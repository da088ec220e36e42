/* assay-runsc: the runtime binary the containerd runc v2 shim runs for CRI handler "runsc" on
 * hosts without containerd-shim-runsc-v1. It speaks runc's command line to the shim and forwards
 * to runsc, with these changes that make the runc shim work with gVisor:
 *   - every runsc invocation gets --network=none (pods use the node's network namespace, which
 *     runsc's own network stack cannot take over) and $ASSAY_RUNSC_FLAGS;
 *   - per pod ($ASSAY_RUNSC_SANDBOX unset or "per-pod"): a sub-container's create leaves a
 *     waiter of ours for the shim to wait on (runsc-pod.h);
 *   - per container ("per-container"): `create` turns the bundle's
 *     io.kubernetes.cri.container-type "container" into "sandbox", so each CRI container is its
 *     own gVisor sandbox whose pid the shim can wait for;
 *   - `kill` of a sandbox that has already stopped succeeds (the shim kills on every stop);
 *   - `update` (which runsc lacks) writes the new CPU/memory limits into the cgroups the sandbox
 *     runs in, so UpdateContainerResources works on a running container: with one sandbox per
 *     container, the sandbox's cgroup is the container's; per pod, the pod's Sentry's.
 * runsc is $ASSAY_RUNSC, or `runsc` from PATH. */
#ifndef ASSAY_RUNSC_ADAPTER_H
#define ASSAY_RUNSC_ADAPTER_H

#include <stddef.h>

#include <jansson.h>

#define ADAPTER_CONTAINER_TYPE "io.kubernetes.cri.container-type"

struct adapter_cmd {
	int argc;
	char **argv;
	int cmd_index;         /* argv index of the subcommand; 0 when there is none */
	const char *command;   /* argv[cmd_index] or NULL */
	const char *id;        /* the container id operand, when the command takes one */
	const char *bundle;    /* create/run: --bundle/-b value, "." by default */
	const char *resources; /* update: --resources/-r value ("-": stdin) */
	const char *pid_file;  /* create: --pid-file value, or NULL */
	const char *root;      /* the global --root value, or NULL (runsc's default) */
	int has_network;       /* a --network flag was given already */
};

/* Formats an error message into buf (len bytes). */
void adapter_errf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Splits runc's command line (argv[0] is the adapter itself). Returns 0, or -1 with a message in
 * errbuf when a global flag lacks its value. */
int adapter_parse(int argc, char **argv, struct adapter_cmd *out, char *errbuf, size_t errlen);

/* Splits a space-separated flag list (e.g. $ASSAY_RUNSC_FLAGS) in place into a NULL-terminated
 * array (malloc'd; its strings point into s). s may be NULL. */
char **adapter_split_flags(char *s);

/* The runsc command line for cmd: runsc, the shim's global flags, --network=none unless given,
 * the extra flags (NULL-terminated, may be NULL), then the subcommand and its arguments. The
 * array is malloc'd and NULL-terminated; its strings point into argv and extra. */
char **adapter_runsc_argv(const struct adapter_cmd *cmd, const char *runsc, char *const *extra);

/* The same global part followed by `SUBCOMMAND ID` (state for the kill fallback; start and wait
 * for the per-pod waiter). */
char **adapter_sub_argv(const struct adapter_cmd *cmd, const char *runsc, char *const *extra,
                        const char *subcommand);

/* Runs argv (execvp) and waits; with out != NULL its stdout is captured there (NUL-terminated,
 * truncated to len). Returns the exit status, or -1 if it could not run or died of a signal. */
int adapter_run(char **argv, char *out, size_t len);

/* BUNDLE/config.json parsed (its path in path), or NULL with errbuf naming the file and what is
 * wrong. */
json_t *adapter_load_bundle(const char *bundle, char *path, size_t pathlen, char *errbuf,
                            size_t errlen);

/* Rewrites BUNDLE/config.json's container-type annotation from "container" to "sandbox"
 * (atomically, keeping the file's mode). Returns 1 rewritten, 0 nothing to rewrite, -1 error
 * with a message in errbuf. */
int adapter_rewrite_bundle(const char *bundle, char *errbuf, size_t errlen);

/* Whether `runsc state` JSON output says the container has stopped: 1 yes, 0 no, -1 unreadable. */
int adapter_state_stopped(const char *state_json);
/* The sandbox's pid from `runsc state` JSON, or -1. */
int adapter_state_pid(const char *state_json);

struct adapter_write {
	char path[4096];
	char value[64];
};

/* The cgroup file writes that apply an OCI LinuxResources JSON (what `runc update --resources`
 * reads) to a process whose /proc/PID/cgroup is proc_cgroup, with cgroupfs mounted at
 * cgroup_root ("/sys/fs/cgroup"): cgroup v1 cpu/memory/cpuset hierarchies, or the v2 group when
 * the process has one of its own. Returns how many (at most max), or -1 with errbuf set. */
int adapter_update_plan(const char *resources_json, const char *proc_cgroup,
                        const char *cgroup_root, struct adapter_write *out, size_t max,
                        char *errbuf, size_t errlen);
/* All of fd's contents, NUL-terminated and malloc'd, or NULL (errno set). */
char *adapter_read_all(int fd);

/* Applies resources (OCI LinuxResources JSON) to the cgroups of the sandbox that runs container
 * cmd->id (its pid from `runsc state`). 0, or -1 with errbuf set. */
int adapter_limit_sandbox(const struct adapter_cmd *cmd, const char *runsc, char *const *extra,
                          const char *resources, char *errbuf, size_t errlen);

/* Performs the writes in order. Returns 0, or -1 with errbuf naming the file and the error. */
int adapter_apply(const struct adapter_write *w, size_t n, char *errbuf, size_t errlen);

#endif
