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
#include "cri/crio.h"
#include "daemons/daemon.h"
#include "targets/cri-faults.h"
#include "targets/target.h"
#include "lib/fs.h"
#include "lib/layout.h"
#include "runtimes/runtimes.h"
#include "lib/util.h"

/* The CRI daemons a cri/DAEMON/HANDLER target can name. containerd: the embedded one (or the
 * user's at --endpoint); CRI-O: the user's, at --endpoint or its own socket (crictl's default:
 * CRI-O is not a Debian package, assay never starts it). --endpoint serves the targets whose
 * DAEMON its CRI Version names. */
static const struct cri_daemon_kind daemon_kinds[] = {
    {"containerd", "containerd", "containerd", NULL, false},
    {"crio", "cri-o", "crio", "/var/run/crio/crio.sock", true},
};

#define N_KINDS (sizeof(daemon_kinds) / sizeof(daemon_kinds[0]))

static struct cri_shared shareds[N_KINDS];

static const struct cri_daemon_kind *kind_of(const char *daemon)
{
	for (size_t i = 0; i < N_KINDS; i++)
		if (!strcmp(daemon_kinds[i].name, daemon))
			return &daemon_kinds[i];
	return NULL;
}

static struct cri_shared *shared_of(const struct target *t)
{
	const struct cri_daemon_kind *k = kind_of(t->daemon);

	return k ? &shareds[k - daemon_kinds] : NULL;
}

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

/* pid's cgroup v1 cpuacct path ("/system.slice/crio.service"), malloc'd; NULL for the root
 * cgroup (whose charge is the whole host's) or when unreadable. */
static char *cpuacct_of(pid_t pid)
{
	cleanup_free char *path = xasprintf("/proc/%d/cgroup", (int)pid);
	cleanup_free char *text = fs_read(path, 65536, NULL);
	char *line, *save = NULL;

	if (text == NULL)
		return NULL;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ctrl = strchr(line, ':'), *cg = ctrl ? strchr(ctrl + 1, ':') : NULL,
		     *cs = NULL;

		if (cg == NULL)
			continue;
		*cg++ = '\0';
		for (char *c = strtok_r(ctrl + 1, ",", &cs); c; c = strtok_r(NULL, ",", &cs))
			if (!strcmp(c, "cpuacct"))
				return strcmp(cg, "/") ? xstrdup(cg) : NULL;
	}
	return NULL;
}

static bool is_socket(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* Connects to endpoint and asks its Version; 1 when it is a daemon of kind k, 0 when another. */
static int connect_kind(struct cri_shared *sh, const char *endpoint, assay_error_t *err)
{
	if (cri_connect(endpoint, &sh->client, err) < 0 ||
	    cri_version(sh->client, &sh->name, &sh->version, err) < 0)
		return -1;
	if (sh->name && !strcmp(sh->name, sh->kind->cri_name)) {
		sh->endpoint = xstrdup(endpoint);
		return 1;
	}
	return 0;
}

static int start_embedded(struct cri_shared *sh, struct target *t, assay_error_t *err)
{
	cleanup_free char *dir = xasprintf("%s/containerd", t->cfg.run_dir);
	cleanup_free char *pause_archive = xasprintf("%s/pause.tar", t->cfg.image_dir);
	cleanup_free char *pause_ref = NULL;
	struct daemon_opts o = {.run_dir = dir,
	                        .pause_archive = pause_archive,
	                        .helper_dir = t->cfg.run_dir,
	                        .sandbox = t->cfg.runsc_sandbox};

	copy_helpers(t);
	if (layout_ref(t->cfg.image_dir, "pause", &pause_ref, err) < 0)
		return -1;
	o.pause_ref = pause_ref;
	if (daemon_start(&o, &sh->daemon, err) < 0)
		return -1;
	sh->client = daemon_client(sh->daemon);
	sh->endpoint = xstrdup(daemon_endpoint(sh->daemon));
	sh->pid = daemon_pid(sh->daemon);
	sh->own_cgroups = true;
	return cri_version(sh->client, &sh->name, &sh->version, err);
}

/* The daemon of t's kind: --endpoint when it is one, else the embedded containerd or the
 * daemon's own socket. TARGET_SKIP (sh->skip_reason) when there is none here. */
static int shared_open(struct target *t, assay_error_t *err)
{
	struct cri_shared *sh = shared_of(t);
	const struct cri_daemon_kind *k = kind_of(t->daemon);
	cleanup_free char *other = NULL;
	int ret;

	if (sh->refs++ > 0)
		goto opened;
	sh->kind = k;
	if (t->cfg.endpoint) {
		ret = connect_kind(sh, t->cfg.endpoint, err);
		if (ret < 0)
			goto fail;
		if (ret == 0) {
			/* another daemon's endpoint: this kind is found where it would be without
			 */
			other = xasprintf("%s %s", sh->name ? sh->name : "?",
			                  sh->version ? sh->version : "");
			cri_close(sh->client);
			sh->client = NULL;
			free(sh->name);
			free(sh->version);
			sh->name = sh->version = NULL;
		}
	}
	if (sh->endpoint == NULL && k->socket == NULL) {
		if (start_embedded(sh, t, err) < 0)
			goto fail;
	} else if (sh->endpoint == NULL) {
		cleanup_free char *ep = xasprintf("unix://%s", k->socket);

		if (!is_socket(k->socket)) {
			sh->skip_reason =
			    xasprintf("%s is not running here (no socket %s%s%s; start it and give "
			              "its socket "
			              "with --endpoint)%s",
			              k->program, k->socket, other ? ", and --endpoint is " : "",
			              other ? other : "",
			              proc_which(k->program, NULL)
			                  ? ""
			                  : "; crio is not installed (not in PATH: it "
			                    "is no Debian package)");
			goto opened;
		}
		ret = connect_kind(sh, ep, err);
		if (ret < 0)
			goto fail;
		if (ret == 0) {
			sh->skip_reason = xasprintf("%s answers as `%s`, not %s", k->socket,
			                            sh->name ? sh->name : "?", k->cri_name);
			goto opened;
		}
	}
	if (sh->daemon == NULL) {
		sh->pid = cri_endpoint_pid(sh->endpoint);
		sh->cgroup = sh->pid > 0 ? cpuacct_of(sh->pid) : NULL;
		if (k->place_images) {
			struct cri_crio_storage st;

			if (cri_crio_storage(sh->endpoint, &st, err) < 0)
				goto fail;
			sh->own_cgroups = st.cgroup_driver && !strcmp(st.cgroup_driver, "cgroupfs");
			cri_crio_storage_release(&st);
		}
	}
opened:
	if (sh->init_error)
		return assay_error_make(err, 0, "%s", sh->init_error);
	return sh->skip_reason ? TARGET_SKIP : 0;
fail:
	sh->init_error = assay_error_text(*err);
	return -1;
}

/* Removes the images assay put into a daemon it did not start. */
static void unplace_images(struct cri_shared *sh)
{
	for (size_t i = 0; i < sh->n_placed; i++) {
		assay_error_t err = NULL;

		if (sh->client)
			cri_remove_image(sh->client, sh->placed[i], &err);
		assay_error_release(&err);
		free(sh->placed[i]);
	}
	free(sh->placed);
}

static void shared_close(struct cri_shared *sh)
{
	assay_error_t err = NULL;

	if (sh->refs == 0 || --sh->refs > 0)
		return;
	unplace_images(sh);
	if (sh->daemon) {
		daemon_stop(sh->daemon, &err);
		assay_error_release(&err);
		daemon_free(sh->daemon);
	} else if (sh->client) {
		cri_close(sh->client);
	}
	for (size_t i = 0; i < 2 * sh->n_imported; i++)
		free(sh->imported[i]);
	free(sh->imported);
	free(sh->endpoint);
	free(sh->cgroup);
	free(sh->name);
	free(sh->version);
	free(sh->init_error);
	free(sh->skip_reason);
	free(sh->gone);
	memset(sh, 0, sizeof(*sh));
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
	const struct cri_daemon_kind *k = kind_of(t->daemon);

	(void)err;
	if (k == NULL) {
		*reason = xasprintf("CRI daemon `%s` not supported (containerd, crio; any other "
		                    "through --endpoint as the one it is)",
		                    t->daemon);
		return TARGET_SKIP;
	}
	if (k->socket == NULL && t->cfg.endpoint == NULL && !proc_which(k->program, NULL)) {
		*reason = xasprintf("%s not installed (not in PATH)", k->program);
		return TARGET_SKIP;
	}
	t->priv = xcalloc(1, sizeof(struct cri_priv));
	return 0;
}

/* Puts image `ref` from archive into the containers-storage of CRI-O at sh->endpoint (skopeo; our
 * own archive, so no signature policy applies) and checks that CRI-O sees it. */
static int place_image(struct cri_shared *sh, const char *archive, const char *ref,
                       assay_error_t *err)
{
	struct cri_crio_storage st;
	cleanup_free char *src = xasprintf("oci-archive:%s", archive);
	cleanup_free char *dst = NULL, *why = NULL;
	bool present = false;
	int ret;

	if (cri_crio_storage(sh->endpoint, &st, err) < 0)
		return -1;
	dst = xasprintf("containers-storage:[%s@%s+%s]%s", st.driver, st.root, st.runroot, ref);
	cri_crio_storage_release(&st);
	{
		char *argv[] = {"skopeo", "--insecure-policy", "copy", "-q", src, dst, NULL};

		ret = proc_command(argv, 5 * PROC_HELPER_TIMEOUT_NS, NULL, &why, err);
	}
	if (ret < 0)
		return assay_error_wrap(err, "skopeo copy %s", archive);
	if (ret != 0)
		return assay_error_make(err, 0, "skopeo copy %s %s failed (exit %d): %s", src, dst,
		                        ret, why);
	sh->placed = xrealloc(sh->placed, (sh->n_placed + 1) * sizeof(char *));
	sh->placed[sh->n_placed++] = xstrdup(ref);
	if (cri_image_status(sh->client, ref, &present, NULL, err) < 0)
		return -1;
	if (!present)
		return assay_error_make(err, 0, "%s does not see %s after skopeo copied it to %s",
		                        sh->kind->cri_name, ref, dst);
	return 0;
}

/* Makes one image available on the daemon: imported into the embedded one, put into CRI-O's
 * storage, or checked on the user's containerd. 1 with *reason when it is missing there. */
static int ensure_image(struct target *t, const char *name, char **ref, char **reason,
                        assay_error_t *err)
{
	struct cri_shared *sh = shared_of(t);
	cleanup_free char *archive = xasprintf("%s/%s.tar", t->cfg.image_dir, name);
	cleanup_free char *src = xasprintf(
	    "%s/%s.tar", t->cfg.image_src_dir ? t->cfg.image_src_dir : t->cfg.image_dir, name);
	bool present = false;

	/* the first target's reference wins: `make images` may rewrite index.json meanwhile */
	for (size_t i = 0; i < sh->n_imported; i++)
		if (!strcmp(sh->imported[2 * i], name)) {
			free(*ref);
			*ref = xstrdup(sh->imported[2 * i + 1]);
			return 0;
		}
	if (sh->daemon) {
		if (daemon_import(sh->daemon, archive, err) < 0)
			return assay_error_wrap(err, "import %s", archive);
	} else {
		if (cri_image_status(sh->client, *ref, &present, NULL, err) < 0)
			return -1;
		if (!present && sh->kind->place_images) {
			if (place_image(sh, archive, *ref, err) < 0)
				return assay_error_wrap(err, "%s", t->name);
		} else if (!present) {
			*reason = xasprintf(
			    "image %s is not on %s: import it with `ctr -a %s -n k8s.io images "
			    "import %s` (after `make images`)",
			    *ref, sh->endpoint,
			    strncmp(sh->endpoint, "unix://", 7) ? sh->endpoint : sh->endpoint + 7,
			    src);
			return TARGET_SKIP;
		}
	}
	sh->imported = xrealloc(sh->imported, 2 * (sh->n_imported + 1) * sizeof(char *));
	sh->imported[2 * sh->n_imported] = xstrdup(name);
	sh->imported[2 * sh->n_imported + 1] = xstrdup(*ref);
	sh->n_imported++;
	return 0;
}

static int cri_t_prepare(struct target *t, char *const *images, char **reason, assay_error_t *err)
{
	struct cri_priv *p = t->priv;
	struct cri_shared *sh = shared_of(t);
	size_t n = 0;
	int ret;

	if (mkdir(t->dir, 0700) < 0 && errno != EEXIST)
		return assay_error_make(err, errno, "mkdir `%s`", t->dir);
	p->opened = true;
	p->sh = sh;
	ret = shared_open(t, err);
	if (ret < 0)
		return assay_error_wrap(err, "%s", t->name);
	if (ret == TARGET_SKIP) {
		*reason = xstrdup(sh->skip_reason);
		return TARGET_SKIP;
	}
	if (sh->daemon) {
		const struct daemon_handler *h = daemon_handler(sh->daemon, t->runtime);

		if (h == NULL) {
			cleanup_free char *names = runtime_names();

			*reason = xasprintf("the embedded containerd has no runtime handler `%s` "
			                    "(it has %s)",
			                    t->runtime, names);
			return TARGET_SKIP;
		}
		p->sandbox_mode = h->sandbox_mode;
		p->sandbox = h->sandbox;
		p->note = h->note;
		ret = daemon_probe_handler(sh->daemon, t->runtime, err);
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
	struct cri_shared *sh = shared_of(t);
	const struct cri_daemon_kind *k = kind_of(t->daemon);

	if (sh && sh->endpoint)
		return xstrdup(sh->endpoint);
	/* before prepare: --endpoint, or where the daemon will be (the embedded one: daemon.h) */
	if (t->cfg.endpoint)
		return xstrdup(t->cfg.endpoint);
	if (k && k->socket)
		return xasprintf("unix://%s", k->socket);
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
static int wait_exit(struct cri_client *c, const char *id, uint64_t timeout_ns,
                     struct cri_container_status *st, assay_error_t *err)
{
	uint64_t t0 = assay_now_ns(CLOCK_MONOTONIC);

	for (;;) {
		uint64_t el;

		cri_container_status_release(st);
		if (cri_container_status(c, id, st, err) < 0)
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
static int teardown(struct cri_client *c, struct cri_pod *p, enum cri_pod_step step,
                    const struct observer *obs, struct target_result *res, bool count, int ret,
                    assay_error_t *err)
{
	assay_error_t e2 = NULL;

	if (target_cri_step(c, p, step, 0, obs, res, NULL, &e2) < 0 && count && ret == 0 &&
	    target_cri_failed(c, res, cri_pod_step_name(step), &e2) < 0) {
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
	struct cri_shared *sh = p->sh;
	struct cri_client *c = sh->client;
	const char *ref = ref_of(p, spec->image);
	cleanup_free char *out = NULL;
	cleanup_free char *errf = NULL;
	cleanup_free char *scratch = NULL;
	cleanup_free char *pod_id = NULL; /* kept past the pod's removal, for its shim's socket */
	struct cri_container_status st = {0};
	struct cri_pod pod;
	uint64_t t0;
	int ret = 0, wret = -1;
	pid_t shim = 0, sentry = 0;
	bool shim_died = false, sentry_died = false;

	if (ref == NULL)
		return assay_error_make(err, 0, "%s: image `%s` was not prepared", t->name,
		                        spec->image);
	if (sh->daemon) {
		/* it died between runs: a fresh one before this run, which it then does not cost */
		cleanup_free char *death = daemon_death(sh->daemon), *cause = NULL;

		if (death && target_cri_revive(sh, t, &cause, err) < 0)
			return -1;
		c = sh->client;
		if (cause)
			res->extra = json_pack("{s:s}", "daemon_restarted", cause);
	}
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
		                         .own_cgroup = sh->own_cgroups,
		                         .memory_limit = (int64_t)spec->memory_limit};

		if (cri_pod_init(&pod, &o, err) < 0) {
			cri_pod_release(&pod);
			goto out;
		}
	}
	/* the daemon, also one assay did not start (found by its socket's peer) */
	if (sh->pid > 0)
		observer_process(obs, "cri-daemon", sh->pid);
	/* and its cgroup, where the runtime it execs runs too (the coverage's other side) */
	if (sh->cgroup)
		observer_cgroup(obs, "daemon", sh->cgroup);

	if (target_cri_step(c, &pod, CRI_POD_RUN, 0, obs, res, NULL, err) < 0) {
		ret = target_cri_failed(c, res, "RunPodSandbox", err);
		goto guard;
	}
	/* the runc v2 shim serving this pod, for the tracer's coverage (it daemonizes: not our
	 * descendant), and to say so when it dies during the run */
	shim = proc_find("containerd-shim", pod.pod_id);
	if (shim > 0)
		observer_process(obs, "shim", shim);
	pod_id = pod.pod_id ? xstrdup(pod.pod_id) : NULL;
	/* from here on, the guard below removes the pod whatever happens */
	if (target_cri_step(c, &pod, CRI_POD_CREATE, 0, obs, res, NULL, err) < 0) {
		ret = target_cri_failed(c, res, "CreateContainer", err);
		goto guard;
	}
	if (pod.cgparent)
		observer_cgroup(obs, "pod", pod.cgparent);
	/* CRI-O's monitor of the container, conmon (it daemonizes too) */
	if (obs && obs->process && sh->kind->place_images) {
		pid_t mon = proc_find("conmon", pod.ctr_id);

		if (mon > 0)
			observer_process(obs, "shim", mon);
	}
	if (signals_pending()) {
		wret = PROC_STOPPED;
		goto stop;
	}
	if (target_cri_step(c, &pod, CRI_POD_START, 0, obs, res, NULL, err) < 0) {
		ret = target_cri_failed(c, res, "StartContainer", err);
		goto stop;
	}
	sentry = target_cri_find_sentry(t, &pod);
	target_phase_begin(obs, "run", &t0);
	wret = wait_exit(c, pod.ctr_id, spec->timeout_ns, &st, err);
	target_phase_end(obs, "run", t0, res);
	if (wret < 0) {
		ret = target_cri_failed(c, res, "ContainerStatus", err);
		goto stop;
	}
	/* what served the container, gone when it exited: the run's cause then */
	shim_died = shim > 0 && !proc_alive(shim);
	sentry_died = sentry > 0 && !proc_alive(sentry);
	if (wret == PROC_EXITED) {
		if (res->extra == NULL)
			res->extra = json_object();
		json_object_set_new(res->extra, "container",
		                    json_pack("{s:s, s:i, s:s?, s:I, s:I, s:I}", "id", pod.ctr_id,
		                              "exit_code", st.exit_code, "reason", st.reason,
		                              "created_at", (json_int_t)st.created_at, "started_at",
		                              (json_int_t)st.started_at, "finished_at",
		                              (json_int_t)st.finished_at));
		if (st.log_path)
			split_log(st.log_path, out, errf);
	}
stop:
	ret = teardown(c, &pod, CRI_POD_STOP, obs, res, wret == PROC_EXITED, ret, err);
	ret = teardown(c, &pod, CRI_POD_REMOVE, obs, res, wret == PROC_EXITED, ret, err);
guard:
	if (pod.pod_id) {
		ret = teardown(c, &pod, CRI_POD_STOP_POD, obs, res, true, ret, err);
		ret = teardown(c, &pod, CRI_POD_REMOVE_POD, obs, res, true, ret, err);
	}
	{
		/* whatever a failed step left (the daemon errors then are the run's cause's) */
		assay_error_t e2 = NULL;

		cri_pod_destroy(c, &pod, &e2);
		assay_error_release(&e2);
		if (sh->daemon)
			daemon_forget_pod(sh->daemon, pod_id);
		cri_pod_release(&pod);
	}
out:
	if (scratch) {
		assay_error_t e2 = NULL;

		fs_remove_tree(scratch, &e2);
		assay_error_release(&e2);
	}
	if (ret < 0 || *err) {
		cri_container_status_release(&st);
		return -1;
	}
	if (res->failure)
		res->exit_status = wret == PROC_EXITED ? st.exit_code : -1;
	else
		target_finish(res, wret < 0 ? PROC_EXITED : wret,
		              wret == PROC_EXITED ? st.exit_code : -1, out, errf, spec->timeout_ns);
	if (res->failure)
		target_cri_failure_cause(res, wret == PROC_EXITED ? &st : NULL, spec,
		                         shim_died ? shim : 0, sentry_died ? sentry : 0);
	cri_container_status_release(&st);
	return 0;
}

static int cri_t_recover(struct target *t, char **cause, assay_error_t *err)
{
	struct cri_priv *p = t->priv;

	return target_cri_revive(p->sh, t, cause, err);
}

static char *cri_t_version(struct target *t)
{
	struct cri_shared *sh = shared_of(t);

	if (sh && sh->name && sh->endpoint)
		return xasprintf("%s %s", sh->name, sh->version ? sh->version : "");
	return xstrdup("unknown (daemon not reached)");
}

static json_t *cri_t_meta(struct target *t)
{
	struct cri_priv *p = t->priv;
	struct cri_shared *sh = shared_of(t);
	cleanup_free char *v = cri_t_version(t);
	const char *ep = sh && sh->daemon     ? "embedded containerd"
	                 : sh && sh->endpoint ? sh->endpoint
	                                      : t->cfg.endpoint;

	return json_pack("{s:s, s:s?, s:s, s:s?, s:s*, s:s, s:s*}", "daemon", v, "endpoint", ep,
	                 "handler", t->runtime, "sandbox_mode", p ? p->sandbox_mode : NULL,
	                 "runsc_sandbox", p ? p->sandbox : NULL, "network",
	                 "pods in the node's network namespace (NamespaceOption NODE), no CNI",
	                 "cgroups", p ? p->note : NULL);
}

static void cri_t_cleanup(struct target *t)
{
	struct cri_priv *p = t->priv;

	if (p == NULL)
		return;
	if (p->opened)
		shared_close(p->sh);
	target_cri_remove_pod_cgroups(t->cfg.run_id);
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
    .recover = cri_t_recover,
    .version = cri_t_version,
    .meta = cri_t_meta,
    .cleanup = cri_t_cleanup,
};
