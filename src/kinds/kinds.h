/* Benchmarks that are not one workload invocation (benchmarks.h kinds other than
 * BENCHMARK_WORKLOAD): container operations (lifecycle.c, startup.c), scalability (scale.c) and
 * CPU limits (limits.c). The run engine hands each of their runs to kinds_run instead of the
 * target's run; kinds.c holds their table (which kind needs what of a target, and its run).
 *
 * kinds_run fills the same struct target_result as a target: `output` is an object whose keys
 * are the registry figures' paths (plus what a reader needs to check them), `phases` the timed
 * CRI calls, `extra` more keys for the run record, `failure` why a run failed. Like a target it
 * returns <0 only when the target itself broke (the CRI daemon is gone).
 *
 * The CRI kinds talk to the target's daemon with clients of their own (one per thread: a
 * cri_client is not thread-safe), on the endpoint the CRI target uses, and make their pods with
 * src/cri/pod.h as the CRI target does (node network, labels io.assay*, cgroup parent
 * /assay/<pod name>, log directory under the target's directory). Every pod they create is
 * removed before kinds_run returns — after failures and stop signals too. */
#ifndef ASSAY_KINDS_H
#define ASSAY_KINDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "benchmarks/benchmarks.h"
#include "cri/cri.h"
#include "cri/pod.h"
#include "lib/error.h"
#include "observer/observer.h"
#include "targets/target.h"

/* Whether b can run on t; when not, *reason (malloc'd) says why ("needs a CRI target"). */
bool kinds_supported(const struct benchmark *b, const struct target *t, char **reason);

/* One run of b (kind != BENCHMARK_WORKLOAD) on t with its resolved params. */
int kinds_run(struct target *t, const struct benchmark *b, json_t *params,
              const struct target_run_spec *spec, const struct observer *obs,
              struct target_result *res, assay_error_t *err);

/* ---- shared by the kinds ------------------------------------------------------------------- */

static inline double kinds_ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/* A parameter as a number (0 when absent or not a number). */
double kinds_param(json_t *params, const char *name);

/* Fills p for the seq-th pod of tag on target t (cri_pod_init with the target's run, suite,
 * handler and directory, and a cgroup parent of its own); ref and args are borrowed. */
int kinds_pod_init(struct cri_pod *p, struct target *t, const char *tag, int seq,
                   const struct benchmark *b, int run_index, const char *ref, char *const *args,
                   assay_error_t *err);

/* How waiting for a workload's first instruction ended. */
enum kinds_start {
	KINDS_START_SEEN = 0,      /* *start_ns set */
	KINDS_START_TIMED_OUT = 1, /* no start line before the timeout */
	KINDS_START_STOPPED = 2,   /* a stop signal arrived */
	KINDS_START_EXITED = 3,    /* the container exited first */
};
/* Waits until the container's CRI log holds a JSON line with "start_ns" (the workload's first
 * instruction, CLOCK_REALTIME ns); polls every 5 ms. Returns an enum kinds_start. */
int kinds_wait_start(struct cri_client *c, const struct cri_pod *p, uint64_t timeout_ns,
                     uint64_t *start_ns, json_t **line);

/* A client on the target's daemon with its channel warmed up (a gRPC channel connects on its
 * first call, which must not land in a timed one). */
int kinds_connect(const struct target *t, struct cri_client **out, assay_error_t *err);
/* The last JSON object line of a CRI log's stdout (the workload's result), or NULL with *why. */
json_t *kinds_log_result(const char *log_path, char **why);

/* Whether a failed CRI call means the daemon is gone (the target's end, not one run's). */
bool kinds_daemon_gone(struct cri_client *c);

/* Per-run entry points (the kinds table in kinds.c). */
int kinds_lifecycle_run(struct target *t, const struct benchmark *b, json_t *params,
                        const struct target_run_spec *spec, const struct observer *obs,
                        struct target_result *res, assay_error_t *err);
int kinds_startup_run(struct target *t, const struct benchmark *b, json_t *params,
                      const struct target_run_spec *spec, const struct observer *obs,
                      struct target_result *res, assay_error_t *err);
int kinds_scale_run(struct target *t, const struct benchmark *b, json_t *params,
                    const struct target_run_spec *spec, const struct observer *obs,
                    struct target_result *res, assay_error_t *err);
int kinds_cpu_limit_run(struct target *t, const struct benchmark *b, json_t *params,
                        const struct target_run_spec *spec, const struct observer *obs,
                        struct target_result *res, assay_error_t *err);
int kinds_cpu_scaling_run(struct target *t, const struct benchmark *b, json_t *params,
                          const struct target_run_spec *spec, const struct observer *obs,
                          struct target_result *res, assay_error_t *err);

#endif
