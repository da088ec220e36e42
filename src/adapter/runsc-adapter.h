/* assay-runsc: the runtime binary the containerd runc v2 shim runs for CRI handler "runsc" on
 * hosts without containerd-shim-runsc-v1. It speaks runc's command line to the shim and forwards
 * to runsc, with three changes that make the runc shim work with gVisor:
 *   - every runsc invocation gets --network=none (pods use the node's network namespace, which
 *     runsc's own network stack cannot take over) and $ASSAY_RUNSC_FLAGS;
 *   - `create` turns the bundle's io.kubernetes.cri.container-type "container" into "sandbox",
 *     so each CRI container is its own gVisor sandbox whose pid the shim can wait for (the runc
 *     shim would otherwise wait on the pod sandbox's pid and never see the container exit);
 *   - `kill` of a sandbox that has already stopped succeeds (the shim kills on every stop).
 * runsc is $ASSAY_RUNSC, or `runsc` from PATH. */
#ifndef ASSAY_RUNSC_ADAPTER_H
#define ASSAY_RUNSC_ADAPTER_H

#include <stddef.h>

#define ADAPTER_CONTAINER_TYPE "io.kubernetes.cri.container-type"

struct adapter_cmd {
	int argc;
	char **argv;
	int cmd_index;       /* argv index of the subcommand; 0 when there is none */
	const char *command; /* argv[cmd_index] or NULL */
	const char *id;      /* the container id operand, when the command takes one */
	const char *bundle;  /* create/run: --bundle/-b value, "." by default */
	int has_network;     /* a --network flag was given already */
};

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

/* The same global part followed by `state ID` (for the kill fallback). */
char **adapter_state_argv(const struct adapter_cmd *cmd, const char *runsc, char *const *extra);

/* Rewrites BUNDLE/config.json's container-type annotation from "container" to "sandbox"
 * (atomically, keeping the file's mode). Returns 1 rewritten, 0 nothing to rewrite, -1 error
 * with a message in errbuf. */
int adapter_rewrite_bundle(const char *bundle, char *errbuf, size_t errlen);

/* Whether `runsc state` JSON output says the container has stopped: 1 yes, 0 no, -1 unreadable. */
int adapter_state_stopped(const char *state_json);

#endif
