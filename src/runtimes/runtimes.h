/* The OCI runtimes assay knows, one row each: the program, how a CRI daemon runs it as a runtime
 * handler (containerd's runtime_type, the shim it needs, the helper of assay's the runc v2 shim
 * runs instead of the runtime itself), how its containers share a pod's sandbox, and what assay
 * has to do to run it on this host. oci/NAME and cri/DAEMON/NAME targets, the embedded
 * containerd's handlers, the versions results record and `collector version` all read it. A new
 * runtime (or runtime class, like Kata's shim) is one row. */
#ifndef ASSAY_RUNTIMES_H
#define ASSAY_RUNTIMES_H

#include <stdbool.h>
#include <stddef.h>

struct runtime {
	const char *name;   /* "runc": oci/NAME and the CRI runtime handler's name */
	const char *binary; /* its program in PATH; NULL for a runtime that is only a shim */
	bool gvisor;        /* runs containers in gVisor's Sentry (estimates, notes) */
	/* Under containerd: the handler's runtime_type, and the shim that type needs in PATH (NULL:
	 * containerd's own runc v2 shim, which runs `binary`, or `helper` when there is one). */
	const char *runtime_type;
	const char *shim;
	/* assay's program (build/libexec/) the runc v2 shim runs instead of binary; needed wherever
	 * `note` applies (or always, without a `note`). helper_oci: the OCI target runs it too. */
	const char *helper;
	bool helper_oci;
	const char *sandbox_mode; /* how its containers share a pod's sandbox, as results say */
	/* A helper that runs a pod's containers either in one sandbox or each in its own takes the
	 * choice (daemon_opts.sandbox: "per-pod", "per-container") in this environment variable;
	 * sandbox_mode is then per-pod's text, per_container_mode the other's. */
	const char *sandbox_env, *per_container_mode;
	/* How assay has to run it on this host, a sentence results record; NULL when it runs as
	 * it is. */
	const char *(*note)(void);
	/* Taken instead of runtime_type/sandbox_mode where this shim of its own exists (runsc:
	 * containerd-shim-runsc-v1, gVisor's one sandbox per pod). */
	const char *own_shim, *own_runtime_type, *own_sandbox_mode;
};

/* Every row; *n gets the count. */
const struct runtime *runtimes(size_t *n);
/* The row named name, or NULL. */
const struct runtime *runtime_find(const char *name);
/* The program whose `--version` says which version runs: binary, else the shim. */
const char *runtime_program(const struct runtime *r);
/* Whether it needs its helper on this host. */
bool runtime_needs_helper(const struct runtime *r);
/* "runc, runsc, crun and kata": every row's name, malloc'd. */
char *runtime_names(void);

#endif
