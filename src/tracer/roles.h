/* The components the tracer attributes to ("roles"): one table holding each role's name, what it
 * stands for, its colour in the figures, the programs that take it at exec, in drawing order
 * (the workload at the bottom, then what a runtime adds from the inside out). The tracer's exe
 * table, the report's stacks and colours, and the kinds that classify processes from /proc
 * (scalability's footprint, limits' CPU shares) all read it, and it takes the programs of the
 * runtimes table (runtimes.h) as theirs. A new component (a daemon, a shim) is a role in
 * bpf/attribution.h plus one row in roles.c; a new runtime's programs need no row here. */
#ifndef ASSAY_TRACER_ROLES_H
#define ASSAY_TRACER_ROLES_H

#include <stddef.h>

#include <linux/types.h> /* attribution.h uses __u32/__u64 */

#include "attribution.h"

#define TRACER_ROLE_MAX_EXES 8

struct tracer_role {
	unsigned int id;    /* enum attr_role */
	const char *name;   /* its key in results ("cri-daemon") */
	const char *what;   /* one line: what it stands for */
	unsigned int color; /* 0xRRGGBB, the same in every figure */
	/* Programs that take this role when exec'd, by base name (see tracer_role_exes): found in
	 * the usual bin directories and in this build's libexec/. NULL-terminated. */
	const char *exes[TRACER_ROLE_MAX_EXES];
};

/* Every role, in drawing order; *n gets the count (ATTR_NR_ROLES). */
const struct tracer_role *tracer_roles(size_t *n);
/* The row of a role id or name; NULL when there is none. */
const struct tracer_role *tracer_role(unsigned int id);
const struct tracer_role *tracer_role_by_name(const char *name);

/* "?" when unknown. */
const char *tracer_role_name(unsigned int role);
/* -1 when unknown. */
int tracer_role_from_name(const char *name);

/* Every program that takes a role when exec'd: the table's exes, and the runtimes table's
 * (runtimes.h): each runtime's program and assay's helper for it as oci-runtime (gVisor's as
 * ATTR_EXE_RUNSC), its shims as shim. */
void tracer_role_exes(void (*visit)(const char *exe, unsigned int role, void *ctx), void *ctx);

/* runsc is one executable for several roles: the CLI (oci-runtime), and its re-execs as the
 * Sentry ("runsc-sandbox") and the Gofer ("runsc-gofer"), told apart by argv[0]. */
#define TRACER_RUNSC_EXE "runsc"
/* The role of a runsc process from its argv[0]. */
unsigned int tracer_runsc_role(const char *arg0);

/* The role of a running process from what /proc says of it: comm, and its command line with
 * the NULs turned into spaces. By the executable's base name (argv[0] or comm) as the exe
 * table does, runsc by argv[0] (and the CLI's `boot`/`gofer` subcommands); ATTR_ROLE_OTHER
 * when nothing matches. */
unsigned int tracer_role_of_process(const char *comm, const char *cmdline);

#endif
