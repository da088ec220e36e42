/* What results' meta says about a suite run: host, kernel, CPU, versions of assay and of every
 * runtime, the suite and its text, how targets are set up. Targets add target_info once
 * prepared. */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "lib/json.h"
#include "lib/proc.h"
#include "lib/util.h"
#include "run/run.h"
#include "runtimes/runtimes.h"
#include "suite/suite.h"
#include "version.h"

char *run_rfc3339_now(void)
{
	char buf[64];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

static char *cpu_model(void)
{
	cleanup_file FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) || colon == NULL)
			continue;
		colon++;
		while (*colon == ' ' || *colon == '\t')
			colon++;
		colon[strcspn(colon, "\n")] = '\0';
		return xstrdup(colon);
	}
	return xstrdup("unknown");
}

json_t *run_meta(const struct suite *suite, const struct run_options *opts, const char *run_id)
{
	size_t nrt;
	const struct runtime *rt = runtimes(&nrt);
	struct utsname u;
	json_t *runtimes_v = json_object(), *targets = json_array(), *meta;

	uname(&u);
	for (size_t i = 0; i < nrt; i++)
		json_object_set_new(runtimes_v, rt[i].name,
		                    json_string_take(proc_tool_version(runtime_program(&rt[i]))));
	for (size_t i = 0; i < suite->n_targets; i++)
		json_array_append_new(targets, json_string(suite->targets[i].name));
	meta = json_pack(
	    "{s:s, s:o, s:s, s:s, s:o, s:I, s:s, s:{s:s, s:o, s:n},"
	    " s:s, s:s, s:s, s:o, s:s, s:s, s:b, s:b, s:b, s:s, s:s}",
	    "run_id", run_id, "started", json_string_take(run_rfc3339_now()), "host", u.nodename,
	    "kernel", u.release, "cpu", json_string_take(cpu_model()), "ncpu",
	    (json_int_t)sysconf(_SC_NPROCESSORS_ONLN), "arch", u.machine, "versions", "assay",
	    ASSAY_VERSION, "runtimes", runtimes_v, "cri_daemon", "suite", suite->name, "suite_path",
	    suite->path, "suite_text", suite->text ? suite->text : "", "targets", targets,
	    "network",
	    "oci/*: host network namespace (runsc --network=none); cri/*: pods in the "
	    "node's network namespace (NamespaceOption NODE), no CNI",
	    "order", suite->order == SUITE_ORDER_INTERLEAVED ? "interleaved" : "sequential",
	    "quick", opts->quick, "tracing", opts->observer != NULL, "syscall_latency",
	    opts->observer != NULL && (opts->syscall_latency || suite->syscall_latency), "endpoint",
	    opts->endpoint ? opts->endpoint : "embedded containerd", "runsc_sandbox",
	    "oci/runsc: one sandbox per container (runsc run); cri/*/runsc: see "
	    "target_info");
	json_object_set_new(meta, "target_info", json_object());
	return meta;
}
