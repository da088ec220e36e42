/* What the CRI targets (cri.c) share about their daemon, and what cri-faults.c does when
 * something under a run dies: a daemon that died is brought back (the embedded containerd
 * restarted with the run's images, a daemon assay does not own, --endpoint, waited for with a
 * bounded back-off), and a failed run says what died (shim, Sentry, the OOM killer). */
#ifndef ASSAY_TARGETS_CRI_FAULTS_H
#define ASSAY_TARGETS_CRI_FAULTS_H

#include <stdbool.h>
#include <sys/types.h>

#include "cri/cri.h"
#include "daemons/daemon.h"
#include "lib/error.h"
#include "targets/target.h"

/* A CRI daemon a cri/DAEMON/HANDLER target can name (cri.c's table). */
struct cri_daemon_kind {
	const char *name;     /* cri/NAME/...: t->daemon */
	const char *cri_name; /* the runtime_name its CRI Version answers */
	const char *program;  /* its program, to say whether it is installed */
	const char *socket;   /* its own socket, where assay looks without --endpoint; NULL:
	                       * assay starts its own (embedded containerd) */
	bool place_images;    /* images assay lacks there are put into its containers-storage */
};

/* How many times the embedded containerd is started again in one suite before its targets give
 * up (a daemon that dies at every run would otherwise cost the suite's time many times). */
#define TARGET_CRI_MAX_RESTARTS 5u
/* How long a daemon assay did not start may stay away (ASSAY_ENDPOINT_WAIT_S overrides). */
#define TARGET_CRI_ENDPOINT_WAIT_S 60u

/* One per daemon kind: what its targets share. */
struct cri_shared {
	int refs;
	const struct cri_daemon_kind *kind;
	struct daemon *daemon;     /* embedded, or NULL */
	struct cri_client *client; /* owned by daemon, or ours */
	char *endpoint;            /* the daemon's (unix://...) */
	pid_t pid;                 /* the process serving it (tracer: cri-daemon), 0 unknown */
	char *cgroup;     /* a daemon assay did not start: its cpuacct cgroup, unless the root */
	bool own_cgroups; /* pods get cgroup parent /assay/<pod> (cgroupfs driver) */
	char *name, *version; /* CRI Version */
	char **imported;      /* "name", "ref" pairs: imported or found present */
	size_t n_imported;
	char **placed; /* refs assay put into a daemon it did not start: removed at the end */
	size_t n_placed;
	char *init_error;  /* why the daemon could not be reached/started: every target fails */
	char *skip_reason; /* why there is no such daemon here: every target is skipped */
	char *gone;        /* why it could not be brought back (target_cri_revive) */
};

struct cri_priv {
	bool opened; /* holds a reference on its shared */
	struct cri_shared *sh;
	char **refs; /* per image name: "name", "ref" pairs */
	size_t n_refs;
	const char *sandbox_mode;
	const char *sandbox; /* "per-pod" or "per-container" where the handler can do both */
	const char *note;    /* the handler's, e.g. how crun had to run here */
};

/* After a CRI call of t failed because the daemon is gone (UNAVAILABLE) or found it dead:
 * brings it back (embedded: reaps what it left, the pods' cgroups of t's run too, a fresh
 * containerd, the images of t's image_dir imported again; --endpoint: reconnects, waiting with a
 * growing pause up to the limit). 0 with *cause (malloc'd: "containerd exited: signal 9 (SIGKILL);
 * a fresh containerd took over"), or <0 when it cannot (then every later call fails at once with
 * the same reason). */
int target_cri_revive(struct cri_shared *sh, const struct target *t, char **cause,
                      assay_error_t *err);

/* Removes the pod cgroups (/assay/assay-RUNID-*) of run_id's pods still there: a dead daemon's
 * pods could not be removed through it, the sweep removes only the cgroups of the processes it
 * killed, and a failed run's processes may exit after its pod was removed. */
void target_cri_remove_pod_cgroups(const char *run_id);

/* gVisor's Sentry serving pod's container: the pod's sandbox (the pod's id is in its command
 * line), else the container's own (runsc-sandbox per-container); 0 for other runtimes. */
pid_t target_cri_find_sentry(const struct target *t, const struct cri_pod *pod);
/* Puts what died in front of res->failure: the Sentry (sentry > 0: it died during the run; the
 * shim goes with it), else the shim (shim > 0), and says OOM-killed when the daemon's status
 * (st, NULL when the container did not exit) has reason OOMKilled. */
void target_cri_failure_cause(struct target_result *res, const struct cri_container_status *st,
                              const struct target_run_spec *spec, pid_t shim, pid_t sentry);

#endif
