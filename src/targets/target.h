/* Targets: where a workload runs — natively, under an OCI runtime, or through a CRI daemon.
 *
 * Every target produces the same record for one run (struct target_result), so the engine (run.c)
 * treats them alike. Life cycle, driven by the engine:
 *
 *   target_new("cri/containerd/runsc", &cfg) → probe (can it run here? else "skipped: reason")
 *   → prepare (bundles, daemon, image imports: once per suite, not per run)
 *   → run × N (one workload invocation each, phases timed and reported to the observer)
 *   → cleanup (always, also after errors and signals; idempotent).
 *
 * A target never prints: failures of a run go into target_result.failure, errors that make the
 * whole target unusable come back through assay_error_t. */
#ifndef ASSAY_TARGET_H
#define ASSAY_TARGET_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"
#include "cri/pod.h"
#include "lib/proc.h"
#include "lib/signals.h"
#include "observer/observer.h"

/* What every target of one suite shares. Strings are borrowed for the target's lifetime. */
struct target_config {
	const char *run_dir;   /* private 0700 directory of this invocation (/run/assay/<id>) */
	const char *run_id;    /* short id used in container/pod names and labels */
	const char *suite;     /* suite name, for CRI labels */
	const char *bin_dir;   /* static workload binaries (build/bin) */
	const char *image_dir; /* OCI layouts (<name>/) and archives (<name>.tar): the run's copy */
	const char *image_src_dir; /* where they were copied from (build/images), for messages */
	const char *scratch_dir;   /* on a real disk (not tmpfs): per-run scratch dirs for fileio */
	const char *endpoint;      /* CRI endpoint given by the user; NULL = embedded daemon */
	/* gVisor under the embedded containerd: "per-pod" (one sandbox per pod, NULL too) or
	 * "per-container" (the suite's runsc-sandbox) */
	const char *runsc_sandbox;
	bool tracing; /* recorded in meta only */
};

/* One workload invocation. */
struct target_run_spec {
	const char *benchmark; /* registry name, e.g. "performance.cpu.time" (labels, ids) */
	const char *image;     /* workload/image name: build/bin/<image>, build/images/<image> */
	char *const *argv;     /* arguments after the program name (NULL-terminated) */
	int run_index;         /* 1-based, warm-ups included */
	uint64_t timeout_ns;   /* 0 = none */
	bool scratch;          /* mount a fresh writable scratch dir as the working directory */
	uint64_t memory_limit; /* bytes, CRI targets: the container's memory limit; 0 none */
};

/* The record of one run. Owned by the caller; release with target_result_release. */
struct target_result {
	int exit_status;  /* exit code, or 128 + signal; -1 if it never ran */
	bool timed_out;   /* killed after spec.timeout_ns */
	bool interrupted; /* stopped because SIGINT/SIGTERM arrived (see signals_pending) */
	char *failure;    /* why the run failed (NULL when it succeeded) */
	json_t *output;   /* the workload's one-line JSON result, or NULL */
	json_t *phases;   /* [{"name": "RunPodSandbox", "ns": 67000000}, ...] in order */
	uint64_t wall_ns; /* sum of the phases */
	json_t *extra;    /* more keys for the run record (e.g. "container" status), or NULL */
};

struct target;

/* What probe and prepare answer besides errors (<0). */
enum target_ready {
	TARGET_READY = 0, /* usable */
	TARGET_SKIP = 1,  /* cannot run here: *reason says why (malloc'd) */
};

struct target_ops {
	/* Targets sharing a daemon (the CRI targets' embedded containerd) are torn down after the
	 * others: the last of them stops it. */
	bool shared_daemon;
	/* The key in results' meta.versions for the version of its daemon ("cri_daemon"), or NULL
	 * (the version then goes to target_info only). */
	const char *version_key;
	/* Non-NULL for targets that speak the CRI: the endpoint of their daemon, malloc'd (the CRI
	 * kinds of src/kinds/ run on these only). */
	char *(*cri_endpoint)(const struct target *t);
	/* An enum target_ready, or <0 on errors. */
	int (*probe)(struct target *t, char **reason, assay_error_t *err);
	/* images: NULL-terminated names the suite will run on this target. As probe. */
	int (*prepare)(struct target *t, char *const *images, char **reason, assay_error_t *err);
	/* <0 only when the target itself broke (the engine then marks its remaining cells failed);
	 * a run that failed is 0 with res->failure set. */
	int (*run)(struct target *t, const struct target_run_spec *spec, const struct observer *obs,
	           struct target_result *res, assay_error_t *err);
	/* After run returned <0 (the target broke: a CRI daemon gone): brings it back so that the
	 * failure costs that one run. 0 with *cause (malloc'd: what happened, for the run's
	 * failure), <0 when it cannot (the engine then closes the target's remaining cells with
	 * both errors). NULL: targets that cannot break that way. */
	int (*recover)(struct target *t, char **cause, assay_error_t *err);
	/* The runtime's / daemon's version line for meta ("not installed" when absent). */
	char *(*version)(struct target *t);
	/* What results' meta says about this target after prepare (version, sandbox mode, ...);
	 * a new object, or NULL. */
	json_t *(*meta)(struct target *t);
	void (*cleanup)(struct target *t);
};

struct target {
	const struct target_ops *ops;
	char *name;    /* "native", "oci/runc", "cri/containerd/runsc" */
	char *runtime; /* "runc", "runsc", "crun"; NULL for native */
	char *daemon;  /* "containerd" for CRI targets */
	struct target_config cfg;
	char *dir; /* this target's own directory under the run dir */
	void *priv;
	int seq; /* containers started so far, for unique names */
};

/* A row of the table of target types (types.c). */
struct target_type {
	const char *prefix; /* a name of this type starts with it: "native", "oci/", "cri/" */
	/* The name's shape, its words in capitals: "oci/RUNTIME", "cri/DAEMON/HANDLER"
	 * (RUNTIME and HANDLER become target.runtime; DAEMON and ENGINE target.daemon). */
	const char *syntax;
	const struct target_ops *ops;
	/* Estimates (suite_estimate_s): seconds one launch costs on top of the work, with a
	 * runc-like runtime and with gVisor (runsc), measured on this kind of machine. */
	double launch_s, gvisor_launch_s;
};

const struct target_type *target_types(size_t *n);
/* The row a name belongs to, or NULL when it is no target name. */
const struct target_type *target_type_of(const char *name);
/* Its row, runtime and daemon (malloc'd, NULL when the shape has none); -1 when not a name. */
int target_parse_name(const char *name, const struct target_type **type, char **runtime,
                      char **daemon);
/* "native, oci/RUNTIME or cri/DAEMON/HANDLER": every row's syntax, malloc'd. */
char *target_syntaxes(void);

/* Parses a target name; unknown names are usage errors (exit 2). */
int target_new(const char *name, const struct target_config *cfg, struct target **out,
               assay_error_t *err);
/* Runs cleanup (idempotent) and frees. */
void target_free(struct target *t);
/* Checks a target name without building anything (for suite validation). */
bool target_name_valid(const char *name);

void target_result_release(struct target_result *res);

/* Shared by the targets (target.c). */

/* Calls the observer and appends {"name", "ns"} to res->phases. The end call returns the
 * observer's phase output (attached to the phase record as "trace" when not NULL). */
void target_phase_begin(const struct observer *obs, const char *phase, uint64_t *t0);
void target_phase_end(const struct observer *obs, const char *phase, uint64_t t0,
                      struct target_result *res);
/* The last line of text that parses as a JSON object (the workload's --json line), or NULL;
 * text is cut into lines in place. */
json_t *target_json_line(char *text);
/* Last line of a file that parses as a JSON object (the workload's --json line); NULL if none. */
json_t *target_parse_output(const char *path, char **why);
/* Fills res after a workload ran: wait_ret is target_spawn_wait's (enum proc_wait), status the exit
 * status, out/errf the files holding its stdout/stderr (errf may be NULL). */
void target_finish(struct target_result *res, int wait_ret, int status, const char *out,
                   const char *errf, uint64_t timeout_ns);
/* A fresh empty scratch directory for run seq (scratch_dir/<target>-<seq>), malloc'd. */
char *target_scratch_new(struct target *t, assay_error_t *err);
/* Last non-empty line of a text file (a runtime's error message), malloc'd, or NULL. */
char *target_last_line(const char *path);
/* A child process of a run: argv with stdout/stderr to files (NULL = /dev/null), in its own
 * process group (a terminal's ^C reaches only the collector, which tears down in order). */
struct target_spawn {
	char *const *argv;
	const char *cwd;
	const char *out, *errf;
	uint64_t timeout_ns;        /* 0 = no limit */
	const struct observer *obs; /* told the pid as `role` right after the fork */
	const char *role;
	void (*on_stop)(void *arg); /* before the child is killed (timeout or stop signal) */
	void *arg;
};
/* Runs and waits; returns early when a stop signal arrives. *status: exit code or 128+signal.
 * Returns an enum proc_wait (lib/proc.h): PROC_EXITED, or PROC_TIMED_OUT / PROC_STOPPED after
 * the child was killed; <0 on errors. */
int target_spawn_wait(const struct target_spawn *s, int *status, assay_error_t *err);
/* The program that runs t->runtime's containers on this host: the runtime from PATH, or assay's
 * helper for it where the host needs one (crun: assay-crun). malloc'd; NULL with *reason
 * (malloc'd) when it is not there. */
char *target_runtime_program(const struct target *t, char **reason);
/* Extracts the first layer of the OCI layout dir into rootfs (created). */
int target_extract_image(const char *layout, const char *rootfs, assay_error_t *err);

/* CRI helpers of targets/cri.c, shared with the CRI kinds (src/kinds/). */

/* One call of pod p's life, timed as the phase of its name (cri_pod_step_name): the observer
 * is told, the phase recorded in res, its wall time in *ns (may be NULL). */
int target_cri_step(struct cri_client *c, struct cri_pod *p, enum cri_pod_step step,
                    int64_t stop_timeout, const struct observer *obs, struct target_result *res,
                    uint64_t *ns, assay_error_t *err);
/* A failed CRI call of a run: <0 when the daemon is gone (the target's end; *e stays), else 0
 * with res->failure "what: error" (a first one is kept) and *e consumed. */
int target_cri_failed(struct cri_client *c, struct target_result *res, const char *what,
                      assay_error_t *e);
/* The CRI endpoint of a cri/… target's daemon: the user's, or the embedded one's. malloc'd. */
char *target_cri_endpoint(const struct target *t);

extern const struct target_ops target_native_ops;
extern const struct target_ops target_oci_ops;
extern const struct target_ops target_cri_ops;
extern const struct target_ops target_engine_ops;
extern const struct target_ops target_lxc_ops;

#endif
