/* One pod with one container, the way assay makes them on any CRI daemon: its names, labels
 * (io.assay*), log directory, specs (the node's network namespace, the benchmark's arguments, a
 * scratch directory at /scratch), the CRI calls of its life one step at a time, and a destroy
 * that removes whatever of it exists. The CRI targets and the CRI kinds (lifecycle,
 * scalability, limits) all make their pods here. */
#ifndef ASSAY_CRI_POD_H
#define ASSAY_CRI_POD_H

#include <stdbool.h>
#include <stdint.h>

#include "cri/cri.h"
#include "lib/error.h"

#define CRI_POD_NAMESPACE "assay"
#define CRI_POD_SCRATCH   "/scratch"

/* The calls of a pod's life, in order. */
enum cri_pod_step {
	CRI_POD_RUN,        /* RunPodSandbox */
	CRI_POD_CREATE,     /* CreateContainer */
	CRI_POD_START,      /* StartContainer */
	CRI_POD_STOP,       /* StopContainer */
	CRI_POD_REMOVE,     /* RemoveContainer */
	CRI_POD_STOP_POD,   /* StopPodSandbox */
	CRI_POD_REMOVE_POD, /* RemovePodSandbox */
};

struct cri_pod_opts {
	const char *dir;       /* where the log directory goes (the target's directory) */
	const char *run_id;    /* the collector run's short id */
	const char *suite;     /* label io.assay.suite (NULL: "") */
	const char *runtime;   /* the runtime handler, also in the name */
	const char *tag;       /* name part before seq ("" for a target's own runs) */
	int seq;               /* unique per tag within the run */
	const char *benchmark; /* label io.assay.benchmark */
	int run_index;         /* label io.assay.run-index */
	const char *image;     /* the container's name and its log file's */
	const char *image_ref; /* the image reference (borrowed) */
	char *const *args;     /* the container's arguments (borrowed) */
	const char *scratch; /* host directory mounted at CRI_POD_SCRATCH as working dir, or NULL */
	bool own_cgroup;     /* cgroup parent /assay/<name> (cgroupfs); else the daemon's default */
	int64_t memory_limit; /* the container's memory limit, bytes; 0 none */
};

struct cri_pod {
	char *name;     /* assay-<run>-<runtime>-<tag><seq>: the pod's name and uid */
	char *logdir;   /* absolute, created by cri_pod_init */
	char *cgparent; /* /assay/<name>, or NULL without own_cgroup */
	char *log_path; /* logdir/<image>.log */
	char *runtime;
	char *pod_id, *ctr_id; /* set while they exist */
	const char *labels[11];
	char run_s[16];
	struct cri_mount mnt;
	struct cri_pod_spec pod;
	struct cri_container_spec ctr;
};

/* Fills p from o (names, log directory, labels, specs). */
int cri_pod_init(struct cri_pod *p, const struct cri_pod_opts *o, assay_error_t *err);
/* "RunPodSandbox", "CreateContainer", ...: the CRI method of a step, also the name of the phase
 * that times it. */
const char *cri_pod_step_name(enum cri_pod_step step);
/* Makes one call of p's life (stop_timeout: StopContainer's grace period, s). RUN and CREATE
 * set p's ids; REMOVE and REMOVE_POD clear them. */
int cri_pod_call(struct cri_client *c, struct cri_pod *p, enum cri_pod_step step,
                 int64_t stop_timeout, assay_error_t *err);
/* Stops and removes the container and the pod if they exist, removes the cgroup parent and the
 * log directory. Errors go into *first_err when it is still NULL (the caller decides whether
 * they matter). */
void cri_pod_destroy(struct cri_client *c, struct cri_pod *p, assay_error_t *first_err);
void cri_pod_release(struct cri_pod *p);

#endif
