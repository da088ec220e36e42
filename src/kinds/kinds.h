/* Benchmarks that are not one workload invocation (benchmarks.h kinds other than
 * BENCHMARK_WORKLOAD): container operations (ops.c), scalability (scale.c) and CPU limits
 * (limits.c). The run engine hands each of their runs to kinds_run instead of the target's run.
 *
 * kinds_run fills the same struct target_result as a target: `output` is an object whose keys
 * are the registry figures' paths (plus what a reader needs to check them), `phases` the timed
 * CRI calls, `extra` more keys for the run record, `failure` why a run failed. Like a target it
 * returns <0 only when the target itself broke (the CRI daemon is gone).
 *
 * The CRI kinds talk to the target's daemon with clients of their own (one per thread: a
 * cri_client is not thread-safe), on the endpoint the CRI target uses, and create pods the same
 * way the CRI target does (node network, labels io.assay*, cgroup parent /assay/<pod name>, log
 * directory under the target's directory). Every pod they create is removed before kinds_run
 * returns — after failures and stop signals too. */
#ifndef ASSAY_KINDS_H
#define ASSAY_KINDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "benchmarks/benchmarks.h"
#include "cri/cri.h"
#include "lib/error.h"
#include "run/run.h"
#include "targets/target.h"

/* Whether b can run on t: 1 yes, 0 no (*reason malloc'd, e.g. "needs a CRI target"). */
int kinds_supported(const struct benchmark *b, const struct target *t, char **reason);

/* One run of b (kind != BENCHMARK_WORKLOAD) on t with its resolved params. */
int kinds_run(struct target *t, const struct benchmark *b, json_t *params,
              const struct target_run_spec *spec, const struct run_observer *obs,
              struct target_result *res, assay_error_t *err);

/* ---- shared by ops.c, scale.c, limits.c ---------------------------------------------------- */

/* The CRI endpoint of a cri/… target: the user's, or the embedded daemon's socket. malloc'd. */
char *kinds_endpoint(const struct target *t);
/* The image reference of image (as imported from image_dir/<image>/index.json), malloc'd. */
char *kinds_image_ref(const struct target *t, const char *image, assay_error_t *err);
/* A parameter as a number (0 when absent or not a number). */
double kinds_param(json_t *params, const char *name);

/* One pod with one container, as the CRI target makes them. */
struct kinds_pod {
	char *name;     /* assay-<run>-<runtime>-<tag><seq>: pod and uid */
	char *logdir;   /* absolute, created */
	char *cgparent; /* /assay/<name> */
	char *log_path; /* logdir/<container>.log */
	char *pod_id, *ctr_id;
	const char *labels[13];
	char run_s[16];
	struct cri_pod_spec pod;
	struct cri_container_spec ctr;
};

/* Fills p for the seq-th pod of target t (names, dirs, labels, specs with host network);
 * image_ref and args are borrowed until kinds_pod_release. */
int kinds_pod_init(struct kinds_pod *p, struct target *t, const char *tag, int seq,
                   const char *benchmark, int run_index, const char *image, const char *image_ref,
                   char *const *args, assay_error_t *err);
/* Stops and removes the container and pod (if created), removes the cgroup parent and log dir.
 * Errors go into *first_err when it is still NULL (callers decide whether they matter). */
void kinds_pod_destroy(struct cri_client *c, struct kinds_pod *p, assay_error_t *first_err);
void kinds_pod_release(struct kinds_pod *p);

/* Waits until the container's CRI log holds a JSON line with "start_ns" (the workload's first
 * instruction, CLOCK_REALTIME ns); polls every 5 ms. 0 ok (*start_ns set), 1 timeout, 2 stop
 * signal, 3 the container exited first. */
int kinds_wait_start(struct cri_client *c, const struct kinds_pod *p, uint64_t timeout_ns,
                     uint64_t *start_ns, json_t **line);

/* A client on the target's daemon with its channel warmed up (a gRPC channel connects on its
 * first call, which must not land in a timed one). */
int kinds_connect(const struct target *t, struct cri_client **out, assay_error_t *err);
/* The last JSON object line of a CRI log's stdout (the workload's result), or NULL with *why. */
json_t *kinds_log_result(const char *log_path, char **why);

/* Whether a failed CRI call means the daemon is gone (the target's end, not one run's). */
bool kinds_daemon_gone(struct cri_client *c);

/* Per-run entry points (kinds_run dispatches). */
int ops_lifecycle_run(struct target *t, const struct benchmark *b, json_t *params,
                      const struct target_run_spec *spec, const struct run_observer *obs,
                      struct target_result *res, assay_error_t *err);
int ops_startup_run(struct target *t, const struct benchmark *b, json_t *params,
                    const struct target_run_spec *spec, const struct run_observer *obs,
                    struct target_result *res, assay_error_t *err);
int scale_run(struct target *t, const struct benchmark *b, json_t *params,
              const struct target_run_spec *spec, const struct run_observer *obs,
              struct target_result *res, assay_error_t *err);
int limits_cpu_time_run(struct target *t, const struct benchmark *b, json_t *params,
                        const struct target_run_spec *spec, const struct run_observer *obs,
                        struct target_result *res, assay_error_t *err);
int limits_cpu_scaling_run(struct target *t, const struct benchmark *b, json_t *params,
                           const struct target_run_spec *spec, const struct run_observer *obs,
                           struct target_result *res, assay_error_t *err);

#endif
