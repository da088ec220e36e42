/* The process image a workload measures in (wl_canonical_start in harness.h). Natively a
 * workload would inherit the collector's environment (tens of variables, a long program path)
 * and in a container the image's and the runtime's (PATH, HOSTNAME): different sizes of the
 * strings at the top of the stack, so a different stack placement for the same binary, an
 * effect no runtime decides. The workload therefore re-executes itself once through
 * /proc/self/exe with argv[0] its bare name and an environment of one fixed-width variable that
 * carries the first start time along: the same bytes natively and in every container. */
#include "harness/internal.h"

#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define START_VAR "ASSAY_WL_START"

extern char **environ;

void wl_canonical_start(char **argv, uint64_t *start_ns)
{
	const char *v = getenv(START_VAR), *base;
	char env0[sizeof(START_VAR) + 24];
	char *envp[] = {env0, NULL};

	if (v) {
		*start_ns = strtoull(v, NULL, 10);
		/* exec'd as /proc/self/exe its comm is "exe": the workload's name again, for ps,
		 * pgrep and the tracer's tables alike */
		if (argv[0])
			prctl(PR_SET_NAME, argv[0], 0, 0, 0);
		return;
	}
	if (argv[0] == NULL)
		return;
	base = strrchr(argv[0], '/');
	argv[0] = (char *)(base ? base + 1 : argv[0]);
	snprintf(env0, sizeof(env0), START_VAR "=%020" PRIu64, *start_ns);
	/* where /proc is missing, go on with the image as it is (the JSON line says so) */
	execve("/proc/self/exe", argv, envp);
}

void harness_process_json(struct wl_json *j)
{
	size_t nenv = 0, env_bytes = 0, nauxv = 0;
	char **e = environ;

	for (; e && *e; e++) {
		nenv++;
		env_bytes += strlen(*e) + 1;
	}
	/* the auxiliary vector follows the environment's NULL on the initial stack */
	if (e)
		for (Elf64_auxv_t *a = (Elf64_auxv_t *)(e + 1); a->a_type != AT_NULL; a++)
			nauxv++;
	wl_json_begin_object(j, "process");
	wl_json_bool(j, "canonical", getenv(START_VAR) != NULL);
	wl_json_uint(j, "env_vars", nenv);
	wl_json_uint(j, "env_bytes", env_bytes);
	wl_json_uint(j, "auxv_entries", nauxv);
	harness_affinity_json(j);
	wl_json_end_object(j);
}
