/* The roles table (roles.h). */
#include <string.h>

#include "runtimes/runtimes.h"
#include "tracer/roles.h"

/* Okabe-Ito based colours: distinguishable for the common colour-vision deficiencies. */
static const struct tracer_role roles[] = {
    {ATTR_ROLE_WORKLOAD, "workload", "the benchmark's own process and threads", 0x0072B2, {NULL}},
    {ATTR_ROLE_SENTRY, "sentry", "gVisor's user-space kernel (runsc-sandbox)", 0xD55E00, {NULL}},
    {ATTR_ROLE_GOFER, "gofer", "gVisor's file proxy (runsc-gofer)", 0xE69F00, {NULL}},
    {ATTR_ROLE_STUB,
     "stub",
     "gVisor's ptrace stubs: the workload's address spaces",
     0xF0E442,
     {NULL}},
    /* the runtimes table's programs and helpers too (tracer_role_exes) */
    {ATTR_ROLE_OCI_RUNTIME,
     "oci-runtime",
     "OCI runtime invocations (runc, crun, the runsc CLI, runc init, assay's helpers)",
     0x009E73,
     {NULL}},
    /* the runtimes table's own shims too */
    {ATTR_ROLE_SHIM,
     "shim",
     "the containerd shim (or conmon, or LXC's monitor) that watches the container",
     0x56B4E9,
     {"containerd-shim", "containerd-shim-runc-v1", "containerd-shim-runc-v2", "conmon",
      "lxc-execute", "lxc-start", NULL}},
    {ATTR_ROLE_CRI_DAEMON,
     "cri-daemon",
     "the CRI daemon (containerd, crio; also dockerd's own containerd)",
     0xCC79A7,
     {"containerd", "crio", NULL}},
    {ATTR_ROLE_ENGINE,
     "engine",
     "a container engine: dockerd, the docker and podman CLIs",
     0x44AA99,
     {"dockerd", "docker", "podman", NULL}},
    {ATTR_ROLE_PAUSE, "pause", "the pod's sandbox (pause) container", 0x999933, {NULL}},
    {ATTR_ROLE_KERNEL, "kernel", "kernel threads (host-wide)", 0x555555, {NULL}},
    {ATTR_ROLE_COLLECTOR, "collector", "assay's own collector", 0x882255, {NULL}},
    {ATTR_ROLE_OTHER,
     "other",
     "helpers the daemons or the collector exec (ctr, unpigz)",
     0xBBBBBB,
     {NULL}},
};

#define N_ROLES (sizeof(roles) / sizeof(roles[0]))
_Static_assert(N_ROLES == ATTR_NR_ROLES, "one row per enum attr_role");

const struct tracer_role *tracer_roles(size_t *n)
{
	*n = N_ROLES;
	return roles;
}

const struct tracer_role *tracer_role(unsigned int id)
{
	for (size_t i = 0; i < N_ROLES; i++)
		if (roles[i].id == id)
			return &roles[i];
	return NULL;
}

const struct tracer_role *tracer_role_by_name(const char *name)
{
	for (size_t i = 0; i < N_ROLES; i++)
		if (!strcmp(roles[i].name, name))
			return &roles[i];
	return NULL;
}

const char *tracer_role_name(unsigned int role)
{
	const struct tracer_role *r = tracer_role(role);

	return r ? r->name : "?";
}

int tracer_role_from_name(const char *name)
{
	const struct tracer_role *r = tracer_role_by_name(name);

	return r ? (int)r->id : -1;
}

unsigned int tracer_runsc_role(const char *arg0)
{
	if (!strncmp(arg0, "runsc-sandbox", 13))
		return ATTR_ROLE_SENTRY;
	if (!strncmp(arg0, "runsc-gofer", 11))
		return ATTR_ROLE_GOFER;
	return ATTR_ROLE_OCI_RUNTIME;
}

void tracer_role_exes(void (*visit)(const char *exe, unsigned int role, void *ctx), void *ctx)
{
	size_t n;
	const struct runtime *rt = runtimes(&n);

	for (size_t i = 0; i < N_ROLES; i++)
		for (const char *const *e = roles[i].exes; *e; e++)
			visit(*e, roles[i].id, ctx);
	for (size_t i = 0; i < n; i++) {
		const char *const shims[] = {rt[i].shim, rt[i].own_shim};

		if (rt[i].binary)
			visit(rt[i].binary, rt[i].gvisor ? ATTR_EXE_RUNSC : ATTR_ROLE_OCI_RUNTIME,
			      ctx);
		if (rt[i].helper)
			visit(rt[i].helper, ATTR_ROLE_OCI_RUNTIME, ctx);
		for (size_t j = 0; j < 2; j++)
			if (shims[j])
				visit(shims[j], ATTR_ROLE_SHIM, ctx);
	}
}

struct exe_query {
	const char *name;
	size_t len;
	unsigned int role;
};

static void match_exe(const char *exe, unsigned int role, void *ctx)
{
	struct exe_query *q = ctx;

	if (q->role == ATTR_NR_ROLES && strlen(exe) == q->len && !strncmp(exe, q->name, q->len))
		q->role = role;
}

/* The role of the program with base name `name` (len bytes), or ATTR_NR_ROLES. */
static unsigned int role_of_exe(const char *name, size_t len)
{
	struct exe_query q = {name, len, ATTR_NR_ROLES};

	tracer_role_exes(match_exe, &q);
	return q.role;
}

unsigned int tracer_role_of_process(const char *comm, const char *cmdline)
{
	size_t a0 = strcspn(cmdline, " "), blen;
	const char *base = cmdline;
	unsigned int r;

	for (const char *p = cmdline; p < cmdline + a0; p++)
		if (*p == '/')
			base = p + 1;
	blen = (size_t)(cmdline + a0 - base);
	if (!strncmp(cmdline, "runsc-", 6))
		return tracer_runsc_role(cmdline);
	r = role_of_exe(base, blen);
	if (r == ATTR_EXE_RUNSC) {
		/* the CLI itself running a sandbox's part: `runsc ... boot`, `runsc ... gofer` */
		if (strstr(cmdline, " boot "))
			return ATTR_ROLE_SENTRY;
		if (strstr(cmdline, " gofer "))
			return ATTR_ROLE_GOFER;
		return ATTR_ROLE_OCI_RUNTIME;
	}
	if (r == ATTR_NR_ROLES)
		r = role_of_exe(comm, strcspn(comm, "\n"));
	return r >= ATTR_NR_ROLES ? ATTR_ROLE_OTHER : r;
}
