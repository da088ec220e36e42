/* The run engine behind `collector run`: suite → plan → targets → runs → results → report. */
#ifndef ASSAY_RUN_H
#define ASSAY_RUN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"
#include "lib/signals.h"
#include "observer/observer.h"

/* ---- Engine ---------------------------------------------------------------------------------- */

struct run_options {
	const char *suite_path;    /* NULL = suites/default.yaml */
	const char *endpoint;      /* NULL = embedded containerd (or CONTAINER_RUNTIME_ENDPOINT) */
	const char *targets;       /* comma-separated target names overriding the suite's; NULL */
	char **benchmark_globs;    /* NULL-terminated, NULL = all of the suite's */
	int runs;                  /* >0 overrides the suite's runs per cell */
	bool quick;                /* 1 run, no warm-up, the benchmarks' quick parameters */
	const char *out_dir;       /* NULL = results/<timestamp>-<suite>/ */
	int verbosity;             /* -1 quiet, 0 normal, 1 verbose */
	bool trace;                /* recorded in meta; the observer does the work */
	bool syscall_latency;      /* the tracer's latency histograms (or the suite's option) */
	bool report;               /* draw the figures and index.html at the end (report.c) */
	struct observer *observer; /* NULL = no tracing */
	const char *bin_dir;       /* NULL = build/bin */
	const char *image_dir;     /* NULL = build/images */
};

/* results' meta for a run of suite (meta.c); a new object. */
struct suite;
json_t *run_meta(const struct suite *suite, const struct run_options *opts, const char *run_id);
/* The current time, RFC 3339 UTC, malloc'd. */
char *run_rfc3339_now(void);

/* Runs the suite. Returns 0 (every run ok), 1 (some run failed), 128+signal when stopped by
 * SIGINT/SIGTERM (results kept), or <0 with *err (usage/config errors carry exit code 2). */
int run_suite(const struct run_options *opts, assay_error_t *err);

#endif
