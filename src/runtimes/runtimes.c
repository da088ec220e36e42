/* The runtimes table (runtimes.h). */
#include <stdlib.h>
#include <string.h>

#include "adapter/cgroup-view.h"
#include "adapter/runsc-pod.h"
#include "lib/util.h"
#include "runtimes/runtimes.h"

#define RUNC_V2 "io.containerd.runc.v2"

static const struct runtime rows[] = {
    {.name = "runc",
     .binary = "runc",
     .runtime_type = RUNC_V2,
     .sandbox_mode = "containers share the pod's namespaces"},
    {.name = "runsc",
     .binary = "runsc",
     .gvisor = true,
     .runtime_type = RUNC_V2,
     /* the runc v2 shim waits on the pid runsc writes, which is the sandbox's for every
      * container of a pod: the adapter gives it a waiter's (one sandbox per pod), or makes
      * each container a sandbox of its own */
     .helper = "assay-runsc",
     .sandbox_mode = "one sandbox per pod (assay-runsc adapter)",
     .sandbox_env = ADAPTER_SANDBOX_ENV,
     .per_container_mode = "one sandbox per container (assay-runsc adapter)",
     .own_shim = "containerd-shim-runsc-v1",
     .own_runtime_type = "io.containerd.runsc.v1",
     .own_sandbox_mode = "pod-shared sandbox (containerd-shim-runsc-v1)"},
    {.name = "crun",
     .binary = "crun",
     .runtime_type = RUNC_V2,
     .helper = "assay-crun",
     .helper_oci = true,
     .sandbox_mode = "containers share the pod's namespaces",
     .note = cgview_crun_note},
    /* a shim of its own, no OCI runtime for oci/ targets: one VM per pod */
    {.name = "kata",
     .runtime_type = "io.containerd.kata.v2",
     .shim = "containerd-shim-kata-v2",
     .sandbox_mode = "one VM per pod (Kata Containers)"},
};

#define N_ROWS (sizeof(rows) / sizeof(rows[0]))

const struct runtime *runtimes(size_t *n)
{
	*n = N_ROWS;
	return rows;
}

const struct runtime *runtime_find(const char *name)
{
	for (size_t i = 0; i < N_ROWS; i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	return NULL;
}

const char *runtime_program(const struct runtime *r)
{
	return r->binary ? r->binary : r->shim;
}

bool runtime_needs_helper(const struct runtime *r)
{
	return r->helper && (r->note == NULL || r->note() != NULL);
}

static const char *row_name(size_t i, const void *ctx)
{
	(void)ctx;
	return rows[i].name;
}

char *runtime_names(void)
{
	return assay_join(N_ROWS, row_name, NULL, " and ");
}
