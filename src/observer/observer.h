/* The observer: how the tracer (or anything else) watches the runs without the engine or the
 * targets knowing about it.
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
 * Phases: native → "run"; oci/<rt> → "run" (`rt run`, the workload inside);
 * cri/… → "RunPodSandbox", "CreateContainer", "StartContainer", "run" (start → exit seen by
 * ContainerStatus), "StopContainer", "RemoveContainer", "StopPodSandbox", "RemovePodSandbox".
 *
 * phase_record is {"name": "...", "ns": wall} and run_record is the run's JSON object as it
 * will be written to results.json; the observer may add keys to either (the tracer adds
 * "attribution" to run_record). A callback returning <0 is recorded in the run as
 * "observer_error" and the run goes on: tracing never fails a measurement. */
#ifndef ASSAY_OBSERVER_H
#define ASSAY_OBSERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

struct observer_run {
	const char *target;    /* "cri/containerd/runsc" */
	const char *runtime;   /* "runc", "runsc", "crun" or NULL (native) */
	const char *benchmark; /* "performance.cpu.time" */
	const char *image;     /* workload name ("cpu") */
	int run_index;         /* 1-based, warm-ups included */
	bool warmup;
	bool syscall_latency; /* per-syscall latency histograms wanted (--syscall-latency) */
};

struct observer {
	void *ctx;
	int (*run_begin)(void *ctx, const struct observer_run *info);
	int (*phase_begin)(void *ctx, const char *phase);
	int (*phase_end)(void *ctx, const char *phase, json_t *phase_record);
	/* role: a role name of the tracer's table (src/tracer/roles.c): "workload" (pid of the
	 * workload or, for OCI targets, of the runtime CLI whose child it becomes), "oci-runtime"
	 * (a runtime CLI invocation), "shim", "cri-daemon", ... The tracer follows descendants of
	 * these by lineage. */
	void (*process)(void *ctx, const char *role, pid_t pid);
	/* A cgroup (v1 path relative to the hierarchy root, e.g. "/assay/assay-3f2a-7") holding the
	 * run's container, to check coverage against cgroup accounting. role "pod": a pod's cgroup,
	 * made for the run and there until its teardown (it holds the pause container too);
	 * "container": a container's, which its runtime may remove as soon as it exits;
	 * "daemon": the cgroup of a CRI daemon assay did not start (and of what it execs), older
	 * than the run, counted from when it is reported. */
	void (*cgroup)(void *ctx, const char *role, const char *path);
	int (*run_end)(void *ctx, json_t *run_record);
};

/* NULL-safe calls; they return the callback's value (0 when absent). */
int observer_run_begin(const struct observer *o, const struct observer_run *info);
int observer_phase_begin(const struct observer *o, const char *phase);
int observer_phase_end(const struct observer *o, const char *phase, json_t *rec);
void observer_process(const struct observer *o, const char *role, pid_t pid);
void observer_cgroup(const struct observer *o, const char *role, const char *path);
int observer_run_end(const struct observer *o, json_t *run_record);

#endif
