/* The run engine behind `collector run`, its observer interface (how the tracer plugs in) and the
 * stop-signal plumbing shared by the targets. */
#ifndef ASSAY_RUN_H
#define ASSAY_RUN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"
#include "lib/signals.h"

/* ---- Observer ---------------------------------------------------------------------------------
 *
 * The engine calls an observer around every run and every phase of a run; a NULL observer (or a
 * NULL callback) means nobody is watching. The tracer implements one: it snapshots its kernel
 * maps at phase boundaries and attaches what it measured to the records it is handed.
 *
 * Order for one run:
 *   run_begin(info)
 *     [process/cgroup(...)]*           whenever the target learns a pid or cgroup of the run
 *     phase_begin("RunPodSandbox") ... phase_end("RunPodSandbox", phase_record)
 *     ...                              one pair per phase, never nested, never overlapping
 *   run_end(run_record)                always, also after a failed or interrupted run
 *
 * Phases: native → "run"; oci/<rt> → "run" (`rt run`, the workload inside), "delete";
 * cri/… → "RunPodSandbox", "CreateContainer", "StartContainer", "run" (start → exit seen by
 * ContainerStatus), "StopContainer", "RemoveContainer", "StopPodSandbox", "RemovePodSandbox".
 *
 * phase_record is {"name": "...", "ns": wall} and run_record is the run's JSON object as it
 * will be written to results.json; the observer may add keys to either (the tracer adds
 * "attribution" to run_record). A callback returning <0 is recorded in the run as
 * "observer_error" and the run goes on: tracing never fails a measurement. */
struct run_info {
	const char *target;    /* "cri/containerd/runsc" */
	const char *runtime;   /* "runc", "runsc", "crun" or NULL (native) */
	const char *benchmark; /* "performance.cpu.time" */
	const char *image;     /* workload name ("cpu") */
	int run_index;         /* 1-based, warm-ups included */
	bool warmup;
};

struct run_observer {
	void *ctx;
	int (*run_begin)(void *ctx, const struct run_info *info);
	int (*phase_begin)(void *ctx, const char *phase);
	int (*phase_end)(void *ctx, const char *phase, json_t *phase_record);
	/* role: "workload" (pid of the workload or, for OCI targets, of the runtime CLI whose child
	 * it becomes), "oci-runtime" (a runtime CLI invocation), "shim", "cri-daemon", "sandbox".
	 * The tracer follows descendants of these by lineage. */
	void (*process)(void *ctx, const char *role, pid_t pid);
	/* A cgroup (v1 path relative to the hierarchy root, e.g. "/assay/assay-3f2a-7") holding the
	 * run's container, to check coverage against cgroup accounting. */
	void (*cgroup)(void *ctx, const char *role, const char *path);
	int (*run_end)(void *ctx, json_t *run_record);
};

/* NULL-safe calls; they return the callback's value (0 when absent). */
int run_observer_run_begin(const struct run_observer *o, const struct run_info *info);
int run_observer_phase_begin(const struct run_observer *o, const char *phase);
int run_observer_phase_end(const struct run_observer *o, const char *phase, json_t *rec);
void run_observer_process(const struct run_observer *o, const char *role, pid_t pid);
void run_observer_cgroup(const struct run_observer *o, const char *role, const char *path);
int run_observer_run_end(const struct run_observer *o, json_t *run_record);

/* ---- Engine ---------------------------------------------------------------------------------- */

struct run_options {
	const char *suite_path; /* NULL = suites/default.yaml */
	const char *endpoint;   /* NULL = embedded containerd (or CONTAINER_RUNTIME_ENDPOINT) */
	const char *targets;    /* comma-separated target names overriding the suite's; NULL */
	char **benchmark_globs; /* NULL-terminated, NULL = all of the suite's */
	int runs;               /* >0 overrides the suite's runs per cell */
	bool quick;             /* 1 run, no warm-up, the benchmarks' quick parameters */
	const char *out_dir;    /* NULL = results/<timestamp>-<suite>/ */
	int verbosity;          /* -1 quiet, 0 normal, 1 verbose */
	bool trace;             /* recorded in meta; the observer does the work */
	bool report;            /* draw the figures and index.html at the end (report.c) */
	struct run_observer *observer; /* NULL = no tracing */
	const char *bin_dir;           /* NULL = build/bin */
	const char *image_dir;         /* NULL = build/images */
};

/* Runs the suite. Returns 0 (every run ok), 1 (some run failed), 128+signal when stopped by
 * SIGINT/SIGTERM (results kept), or <0 with *err (usage/config errors carry exit code 2). */
int run_suite(const struct run_options *opts, assay_error_t *err);

#endif
