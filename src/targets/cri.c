/* cri/<daemon>/<handler>: the workload as a Kubernetes node runs it, through the CRI.
 *
 * All CRI targets of a suite share one daemon connection: the embedded containerd (started by the
 * first CRI target's prepare, stopped with the last one's cleanup, its run directory inside the
 * run's) or the user's --endpoint (never stopped). Images are imported once per daemon.
 *
 * One run: RunPodSandbox (labels assay/suite/benchmark/run, log dir under the run dir, node
 * network) → CreateContainer (the benchmark's args, scratch dir mount, no extra capabilities)
 * → StartContainer → ContainerStatus until exited (≥ 10 ms apart) → JSON from the CRI log →
 * StopContainer, RemoveContainer, StopPodSandbox, RemovePodSandbox. A guard removes the pod
 * whenever a later step fails or a stop signal arrives. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/proc.h"
#include "lib/cgroup.h"
#include "cri/cri.h"
#include "daemons/daemon.h"
#include "targets/target.h"
#include "lib/fs.h"
#include "lib/layout.h"
#include "runtimes/runtimes.h"
#include "lib/util.h"

struct cri_shared {
	int refs;
	struct daemon *daemon;     /* embedded, or NULL with --endpoint */
	struct cri_client *client; /* owned by daemon, or ours with --endpoint */
	char *name, *version;      /* CRI Version */
	char **imported;           /* "name", "ref" pairs: imported or found present */
	size_t n_imported;
	char *init_error; /* why the daemon could not be reached/started: every CRI target fails */
};

static struct cri_shared shared;

struct cri_priv {
	bool opened; /* holds a reference on shared */
	char **refs; /* per image name: "name", "ref" pairs */
	size_t n_refs;
	const char *sandbox_mode;
	const char *note; /* the handler's, e.g. how crun had to run here */
};

/* The run's own copies of the runtimes' helpers the shim execs (runtimes.h), in the run
 * directory: a rebuild during the suite must not pull them away. One missing from the build is
 * left out (its handler then says so). */
static void copy_helpers(const struct target *t)
{
	size_t n;
	const struct runtime *rt = runtimes(&n);

	for (size_t i = 0; i < n; i++) {
		cleanup_free char *src = rt[i].helper ? assay_libexec_path(rt[i].helper) : NULL;
		cleanup_free char *dst = NULL;
		char *cp[] = {"cp", src, NULL, NULL};
		assay_error_t err = NULL;

		if (src == NULL)
			continue;
		dst = xasprintf("%s/%s", t->cfg.run_dir, rt[i].helper);
		cp[2] = dst;
		if (access(dst, X_OK) < 0 &&
		    proc_command(cp, PROC_HELPER_TIMEOUT_NS, NULL, NULL, &err) != 0)
			unlink(dst);
		assay_error_release(&err);
	}
}

static int shared_open(struct target *t, assay_error_t *err)
{
	if (shared.refs++ > 0)
		return shared.init_error ? assay_error_make(err, 0, "%s", shared.init_error) : 0;
	if (t->cfg.endpoint) {
		if (cri_connect(t->cfg.endpoint, &shared.client, err) < 0)
			goto fail;
	} else {
		cleanup_free char *dir = xasprintf("%s/containerd", t->cfg.run_dir);
		cleanup_free char *pause_archive = xasprintf("%s/pause.tar", t->cfg.image_dir);
		cleanup_free char *pause_ref = NULL;
		struct daemon_opts o = {
		    .run_dir = dir, .pause_archive = pause_archive, .helper_dir = t->cfg.run_dir};

		copy_helpers(t);
		if (layout_ref(t->cfg.image_dir, "pause", &pause_ref, err) < 0)
			goto fail;
		o.pause_ref = pause_ref;
		if (daemon_start(&o, &shared.daemon, err) < 0)
			goto fail;
		shared.client = daemon_client(shared.daemon);
	}
	if (cri_version(shared.client, &shared.name, &shared.version, err) < 0)
		goto fail;
	return 0;
fail:
	shared.init_error = assay_error_text(*err);
	return -1;
}

static void shared_close(void)
{
	assay_error_t err = NULL;

	if (shared.refs == 0 || --shared.refs > 0)
		return;
	if (shared.daemon) {
		daemon_stop(shared.daemon, &err);
		assay_error_release(&err);
		daemon_free(shared.daemon);
	} else if (shared.client) {
		cri_close(shared.client);
	}
	for (size_t i = 0; i < 2 * shared.n_imported; i++)
		free(shared.imported[i]);
	free(shared.imported);
	free(shared.name);
	free(shared.version);
	free(shared.init_error);
	memset(&shared, 0, sizeof(shared));
}

static const char *ref_of(struct cri_priv *p, const char *image)
{
	for (size_t i = 0; i < p->n_refs; i++)
		if (!strcmp(p->refs[2 * i], image))
			return p->refs[2 * i + 1];
	return NULL;
}

static int cri_t_probe(struct target *t, char **reason, assay_error_t *err)
{
	(void)err;
	if (strcmp(t->daemon, "containerd")) {
		*reason =
		    xasprintf("CRI daemon `%s` not supported (only containerd is, or any daemon "
		              "through --endpoint as cri/containerd/HANDLER)",
		              t->daemon);
		return TARGET_SKIP;
	}
	if (t->cfg.endpoint == NULL && !proc_which("containerd", NULL)) {
		*reason = xstrdup("containerd not installed (not in PATH)");
		return TARGET_SKIP;
	}
	t->priv = xcalloc(1, sizeof(struct cri_priv));
	return 0;
}

/* Makes one image available on the daemon: imported into the embedded one, or checked on the
 * user's. 1 with *reason when it is missing there. */
static int ensure_image(struct target *t, const char *name, char **ref, char **reason,
                        assay_error_t *err)
{
	cleanup_free char *archive = xasprintf("%s/%s.tar", t->cfg.image_dir, name);
	cleanup_free char *src = xasprintf(
	    "%s/%s.tar", t->cfg.image_src_dir ? t->cfg.image_src_dir : t->cfg.image_dir, name);
	bool present = false;

	/* the first target's reference wins: `make images` may rewrite index.json meanwhile */
	for (size_t i = 0; i < shared.n_imported; i++)
		if (!strcmp(shared.imported[2 * i], name)) {
			free(*ref);
			*ref = xstrdup(shared.imported[2 * i + 1]);
			return 0;
		}
	if (shared.daemon) {
		if (daemon_import(shared.daemon, archive, err) < 0)
			return assay_error_wrap(err, "import %s", archive);
	} else {
		if (cri_image_status(shared.client, *ref, &present, NULL, err) < 0)
			return -1;
		if (!present) {
			*reason = xasprintf(
			    "image %s is not on %s: import it with `ctr -a %s -n k8s.io images "
			    "import %s` (after `make images`)",
			    *ref, t->cfg.endpoint,
			    strncmp(t->cfg.endpoint, "unix://", 7) ? t->cfg.endpoint
			                                           : t->cfg.endpoint + 7,
			    src);
			return TARGET_SKIP;
		}
	}
	shared.imported = xrealloc(shared.imported, 2 * (shared.n_imported + 1) * sizeof(char *));
	shared.imported[2 * shared.n_imported] = xstrdup(name);
	shared.imported[2 * shared.n_imported + 1] = xstrdup(*ref);
	shared.n_imported++;
	return 0;
}

static int cri_t_prepare(struct target *t, char *const *images, char **reason, assay_error_t *err)
{
	struct cri_priv *p = t->priv;
	size_t n = 0;
	int ret;

	if (mkdir(t->dir, 0700) < 0 && errno != EEXIST)
		return assay_error_make(err, errno, "mkdir `%s`", t->dir);
	p->opened = true;
	if (shared_open(t, err) < 0)
		return assay_error_wrap(err, "%s", t->name);
	if (shared.daemon) {
		const struct daemon_handler *h = daemon_handler(shared.daemon, t->runtime);

		if (h == NULL) {
			cleanup_free char *names = runtime_names();

			*reason = xasprintf("the embedded containerd has no runtime handler `%s` "
			                    "(it has %s)",
			                    t->runtime, names);
			return TARGET_SKIP;
		}
		p->sandbox_mode = h->sandbox_mode;
		p->note = h->note;
		ret = daemon_probe_handler(shared.daemon, t->runtime, err);
		if (ret < 0)
			return assay_error_wrap(err, "%s", t->name);
		if (ret == 0) {
			*reason = xasprintf("runtime handler `%s` cannot run a pod here: %s",
			                    t->runtime, h->reason ? h->reason : "unknown reason");
			return TARGET_SKIP;
		}
	}
	while (images[n])
		n++;
	p->refs = xcalloc(2 * n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		cleanup_free char *layout = xasprintf("%s/%s", t->cfg.image_dir, images[i]);
		char *ref;

		if (access(layout, F_OK) < 0) {
			*reason = xasprintf("image %s/%s.tar not built (run `make images`)",
			                    t->cfg.image_src_dir ? t->cfg.image_src_dir
			                                         : t->cfg.image_dir,
			                    images[i]);
			return TARGET_SKIP;
		}
		if (layout_ref(t->cfg.image_dir, images[i], &ref, err) < 0)
			return -1;
		p->refs[2 * i] = xstrdup(images[i]);
		p->refs[2 * i + 1] = ref;
		p->n_refs++;
		ret = ensure_image(t, images[i], &p->refs[2 * i + 1], reason, err);
		if (ret != 0)
			return ret;
	}
	return 0;
}

int target_cri_failed(struct cri_client *c, struct target_result *res, const char *what,
                      assay_error_t *e)
{
	cleanup_free char *text = NULL;

	if (cri_last_code(c) == CRI_CODE_UNAVAILABLE)
		return -1;
	text = assay_error_text(*e);
	assay_error_release(e);
	if (res->failure == NULL)
		res->failure = xasprintf("%s: %s", what, text);
	return 0;
}

int target_cri_step(struct cri_client *c, struct cri_pod *p, enum cri_pod_step step,
                    int64_t stop_timeout, const struct observer *obs, struct target_result *res,
                    uint64_t *ns, assay_error_t *err)
{
	const char *name = cri_pod_step_name(step);
	uint64_t t0;
	int ret;

	target_phase_begin(obs, name, &t0);
	ret = cri_pod_call(c, p, step, stop_timeout, err);
	if (ns)
		*ns = assay_now_ns(CLOCK_MONOTONIC) - t0;
	target_phase_end(obs, name, t0, res);
	return ret;
}

char *target_cri_endpoint(const struct target *t)
{
	if (t->cfg.endpoint)
		return xstrdup(t->cfg.endpoint);
	if (shared.daemon)
		return xstrdup(daemon_endpoint(shared.daemon));
	/* before prepare: where the embedded daemon's socket will be (daemon.h) */
	return xasprintf("unix://%s/containerd/containerd.sock", t->cfg.run_dir);
}

/* Writes a CRI log's streams to the files target_finish reads. */
static void split_log(const char *log, const char *out, const char *errf)
{
	assay_error_t err = NULL;
	cleanup_free char *so = NULL;
	cleanup_free char *se = NULL;
	FILE *f;

	if (cri_log_read(log, &so, &se, &err) < 0) {
		assay_error_release(&err);
		return;
	}
	if ((f = fopen(out, "w"))) {
		fputs(so ? so : "", f);
		fclose(f);
	}
	if ((f = fopen(errf, "w"))) {
		fputs(se ? se : "", f);
		fclose(f);
	}
}

/* Waits for the container to exit: an enum proc_wait (PROC_EXITED, PROC_TIMED_OUT, PROC_STOPPED),
 * or <0 on a CRI error. Polls at 10 ms while a short run may end, then every 50 ms not to load the
 * daemon (and the CPU the workload measures) during long runs. */
static int wait_exit(const char *id, uint64_t timeout_ns, struct cri_container_status *st,
                     assay_error_t *err)
{
	uint64_t t0 = assay_now_ns(CLOCK_MONOTONIC);

	for (;;) {
		uint64_t el;

		cri_container_status_release(st);
		if (cri_container_status(shared.client, id, st, err) < 0)
			return -1;
		if (st->state == CRI_CONTAINER_EXITED)
			return PROC_EXITED;
		el = assay_now_ns(CLOCK_MONOTONIC) - t0;
		if (timeout_ns && el >= timeout_ns)
			return PROC_TIMED_OUT;
		if (signals_sleep(el < 500000000ull ? 10000000ull : 50000000ull))
			return PROC_STOPPED;
	}
}

/* One teardown call of a run: its time is the runtime's cost too, so it is a phase. A failure
 * counts only when the run had none before (the first cause is the one to report). */
static int teardown(struct cri_pod *p, enum cri_pod_step step, const struct observer *obs,
                    struct target_result *res, bool count, int ret, assay_error_t *err)
{
	assay_error_t e2 = NULL;

	if (target_cri_step(shared.client, p, step, 0, obs, res, NULL, &e2) < 0 && count &&
	    ret == 0 && target_cri_failed(shared.client, res, cri_pod_step_name(step), &e2) < 0) {
		/* the daemon is gone: that is the target's end */
		*err = steal_pointer(&e2);
		return -1;
	}
	assay_error_release(&e2);
	return ret;
}

static int cri_t_run(struct target *t, const struct target_run_spec *spec,
                     const struct observer *obs, struct target_result *res, assay_error_t *err)
{
	struct cri_priv *p = t->priv;
	const char *ref = ref_of(p, spec->image);
	cleanup_free char *out = NULL;
	cleanup_free char *errf = NULL;
	cleanup_free char *scratch = NULL;
	struct cri_container_status st = {0};
	struct cri_pod pod;
	uint64_t t0;
	int ret = 0, wret = -1;

	if (ref == NULL)
		return assay_error_make(err, 0, "%s: image `%s` was not prepared", t->name,
		                        spec->image);
	t->seq++;
	out = xasprintf("%s/%d.out", t->dir, t->seq);
	errf = xasprintf("%s/%d.err", t->dir, t->seq);
	res->exit_status = -1;
	if (spec->scratch && (scratch = target_scratch_new(t, err)) == NULL)
		return -1;
	{
		struct cri_pod_opts o = {.dir = t->dir,
		                         .run_id = t->cfg.run_id,
		                         .suite = t->cfg.suite,
		                         .runtime = t->runtime,
		                         .tag = "",
		                         .seq = t->seq,
		                         .benchmark = spec->benchmark,
		                         .run_index = spec->run_index,
		                         .image = spec->image,
		                         .image_ref = ref,
		                         .args = spec->argv,
		                         .scratch = scratch,
		                         .own_cgroup = shared.daemon != NULL};

		if (cri_pod_init(&pod, &o, err) < 0) {
			cri_pod_release(&pod);
			goto out;
		}
	}
	if (shared.daemon)
		observer_process(obs, "cri-daemon", daemon_pid(shared.daemon));

	if (target_cri_step(shared.client, &pod, CRI_POD_RUN, 0, obs, res, NULL, err) < 0) {
		ret = target_cri_failed(shared.client, res, "RunPodSandbox", err);
		goto guard;
	}
	/* the runc v2 shim serving this pod, for the tracer's coverage (it daemonizes: not our
	 * descendant). Only looked for when someone listens. */
	if (obs && obs->process) {
		pid_t shim = proc_find("containerd-shim", pod.pod_id);

		if (shim > 0)
			observer_process(obs, "shim", shim);
	}
	/* from here on, the guard below removes the pod whatever happens */
	if (target_cri_step(shared.client, &pod, CRI_POD_CREATE, 0, obs, res, NULL, err) < 0) {
		ret = target_cri_failed(shared.client, res, "CreateContainer", err);
		goto guard;
	}
	if (pod.cgparent)
		observer_cgroup(obs, "pod", pod.cgparent);
	if (signals_pending()) {
		wret = PROC_STOPPED;
		goto stop;
	}
	if (target_cri_step(shared.client, &pod, CRI_POD_START, 0, obs, res, NULL, err) < 0) {
		ret = target_cri_failed(shared.client, res, "StartContainer", err);
		goto stop;
	}
	target_phase_begin(obs, "run", &t0);
	wret = wait_exit(pod.ctr_id, spec->timeout_ns, &st, err);
	target_phase_end(obs, "run", t0, res);
	if (wret < 0) {
		ret = target_cri_failed(shared.client, res, "ContainerStatus", err);
		goto stop;
	}
	if (wret == PROC_EXITED) {
		res->extra =
		    json_pack("{s:{s:s, s:i, s:s?, s:I, s:I, s:I}}", "container", "id", pod.ctr_id,
		              "exit_code", st.exit_code, "reason", st.reason, "created_at",
		              (json_int_t)st.created_at, "started_at", (json_int_t)st.started_at,
		              "finished_at", (json_int_t)st.finished_at);
		if (st.log_path)
			split_log(st.log_path, out, errf);
	}
stop:
	ret = teardown(&pod, CRI_POD_STOP, obs, res, wret == PROC_EXITED, ret, err);
	ret = teardown(&pod, CRI_POD_REMOVE, obs, res, wret == PROC_EXITED, ret, err);
guard:
	if (pod.pod_id) {
		ret = teardown(&pod, CRI_POD_STOP_POD, obs, res, true, ret, err);
		ret = teardown(&pod, CRI_POD_REMOVE_POD, obs, res, true, ret, err);
	}
	{
		/* whatever a failed step left (the daemon errors then are the run's cause's) */
		assay_error_t e2 = NULL;

		cri_pod_destroy(shared.client, &pod, &e2);
		assay_error_release(&e2);
		cri_pod_release(&pod);
	}
out:
	cri_container_status_release(&st);
	if (scratch) {
		assay_error_t e2 = NULL;

		fs_remove_tree(scratch, &e2);
		assay_error_release(&e2);
	}
	if (ret < 0 || *err)
		return -1;
	if (res->failure) {
		res->exit_status = wret == PROC_EXITED ? st.exit_code : -1;
		return 0;
	}
	target_finish(res, wret < 0 ? PROC_EXITED : wret, wret == PROC_EXITED ? st.exit_code : -1,
	              out, errf, spec->timeout_ns);
	return 0;
}

static char *cri_t_version(struct target *t)
{
	(void)t;
	if (shared.name)
		return xasprintf("%s %s", shared.name, shared.version ? shared.version : "");
	return xstrdup("unknown (daemon not reached)");
}

static json_t *cri_t_meta(struct target *t)
{
	struct cri_priv *p = t->priv;
	cleanup_free char *v = cri_t_version(t);

	return json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s*}", "daemon", v, "endpoint",
	                 t->cfg.endpoint ? t->cfg.endpoint : "embedded containerd", "handler",
	                 t->runtime, "sandbox_mode", p ? p->sandbox_mode : NULL, "network",
	                 "pods in the node's network namespace (NamespaceOption NODE), no CNI",
	                 "cgroups", p ? p->note : NULL);
}

static void cri_t_cleanup(struct target *t)
{
	struct cri_priv *p = t->priv;

	if (p == NULL)
		return;
	if (p->opened)
		shared_close();
	cgroup_remove("/assay");
	for (size_t i = 0; i < 2 * p->n_refs; i++)
		free(p->refs[i]);
	free(p->refs);
	free(p);
	t->priv = NULL;
	{
		assay_error_t err = NULL;

		fs_remove_tree(t->dir, &err);
		assay_error_release(&err);
	}
}

const struct target_ops target_cri_ops = {
    .shared_daemon = true,
    .version_key = "cri_daemon",
    .cri_endpoint = target_cri_endpoint,
    .probe = cri_t_probe,
    .prepare = cri_t_prepare,
    .run = cri_t_run,
    .version = cri_t_version,
    .meta = cri_t_meta,
    .cleanup = cri_t_cleanup,
};
