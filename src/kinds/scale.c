/* scalability.runtime.N: N long-running containers (pause), each in its own pod, started one
 * after the other (mode `sequential`, as TouchStone did) or by K concurrent CRI clients (mode
 * `concurrent`, each with its own connection: a kubelet starts pods in parallel).
 *
 * Figures: total time from the first RunPodSandbox until every workload has run its first
 * instruction (the study stopped at the last StartContainer's return, which says nothing about
 * gVisor still loading the workload), each pod's start latency (RunPodSandbox called → the
 * workload's start_ns) as median/p95/max, the time to destroy them all, and the host memory the
 * runtime keeps per pod: RSS and PSS of every process that exists because of these pods (shims,
 * runsc's Sentry and Gofer, pause and ptrace stub processes) divided by N, the density question.
 * PSS splits shared pages between their users, so summing it does not count shared code N
 * times; RSS does. */
#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds/kinds.h"
#include "lib/fs.h"
#include "lib/proc.h"
#include "lib/layout.h"
#include "lib/stats.h"
#include "tracer/roles.h"
#include "lib/util.h"

struct scale {
	struct target *t;
	const struct benchmark *b;
	const char *ref;
	char *tag; /* pod names: assay-<run>-<runtime>-<tag><i> */
	int run_index;
	size_t n;
	struct cri_pod *pods;
	bool *inited;
	uint64_t *latency_ns; /* per pod; 0 until its start was seen */
	char **failure;       /* per pod */
	bool daemon_gone, interrupted, timed_out;
	uint64_t deadline; /* CLOCK_MONOTONIC */
	atomic_size_t next;
	atomic_bool stop;
};

static const char *const pause_args[] = {"--json", NULL};

/* Starts pod i and waits for its workload's first instruction. */
static void start_one(struct scale *s, struct cri_client *c, size_t i)
{
	struct cri_pod *p = &s->pods[i];
	assay_error_t e = NULL;
	uint64_t rt0, start_ns = 0, now;
	const char *what = NULL;
	int w;

	if (kinds_pod_init(p, s->t, s->tag, (int)i + 1, s->b, s->run_index, s->ref,
	                   (char *const *)pause_args, &e) < 0) {
		what = "set-up";
		goto fail;
	}
	s->inited[i] = true;
	rt0 = assay_now_ns(CLOCK_REALTIME);
	if (cri_run_pod(c, &p->pod, s->t->runtime, &p->pod_id, &e) < 0) {
		what = "RunPodSandbox";
		goto fail;
	}
	if (cri_create_container(c, p->pod_id, &p->ctr, &p->pod, &p->ctr_id, &e) < 0) {
		what = "CreateContainer";
		goto fail;
	}
	if (cri_start_container(c, p->ctr_id, &e) < 0) {
		what = "StartContainer";
		goto fail;
	}
	now = assay_now_ns(CLOCK_MONOTONIC);
	w = kinds_wait_start(c, p, s->deadline > now ? s->deadline - now : 1, &start_ns, NULL);
	if (w == KINDS_START_SEEN && start_ns > rt0) {
		s->latency_ns[i] = start_ns - rt0;
		return;
	}
	if (w == KINDS_START_TIMED_OUT)
		s->timed_out = true;
	if (w == KINDS_START_STOPPED)
		s->interrupted = true;
	s->failure[i] =
	    xasprintf("pod %zu: %s", i + 1,
	              w == KINDS_START_SEEN        ? "start_ns before RunPodSandbox (clocks differ)"
	              : w == KINDS_START_TIMED_OUT ? "no start line before the timeout"
	              : w == KINDS_START_STOPPED   ? "interrupted"
	                                         : "the workload exited before printing its start");
	atomic_store(&s->stop, true);
	return;
fail:
	if (what && strcmp(what, "set-up") && kinds_daemon_gone(c))
		s->daemon_gone = true;
	{
		cleanup_free char *text = assay_error_text(e);

		s->failure[i] = xasprintf("pod %zu: %s: %s", i + 1, what, text);
	}
	assay_error_release(&e);
	atomic_store(&s->stop, true);
}

static void destroy_one(struct scale *s, struct cri_client *c, size_t i)
{
	assay_error_t e = NULL;

	if (!s->inited[i])
		return;
	cri_pod_destroy(c, &s->pods[i], &e);
	if (e && kinds_daemon_gone(c))
		s->daemon_gone = true;
	assay_error_release(&e);
}

struct worker {
	struct scale *s;
	struct cri_client *c;
	bool destroy;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	for (;;) {
		size_t i = atomic_fetch_add(&w->s->next, 1);

		if (i >= w->s->n)
			break;
		if (w->destroy) {
			destroy_one(w->s, w->c, i);
			continue;
		}
		if (atomic_load(&w->s->stop) || signals_pending())
			break;
		start_one(w->s, w->c, i);
	}
	return NULL;
}

/* Runs the start (or destroy) pass with k clients (k == 1: in this thread). */
static int pass(struct scale *s, struct cri_client **clients, size_t k, bool destroy,
                assay_error_t *err)
{
	pthread_t th[64];
	struct worker w[64];
	size_t started = 0;

	atomic_store(&s->next, 0);
	if (k == 1) {
		w[0] = (struct worker){s, clients[0], destroy};
		worker_main(&w[0]);
		return 0;
	}
	for (size_t j = 0; j < k; j++) {
		w[j] = (struct worker){s, clients[j], destroy};
		if (pthread_create(&th[j], NULL, worker_main, &w[j]) != 0)
			break;
		started++;
	}
	for (size_t j = 0; j < started; j++)
		pthread_join(th[j], NULL);
	/* threads that could not start: this thread does their share */
	if (started < k)
		worker_main(&w[started]);
	(void)err;
	return 0;
}

/* ---- footprint ------------------------------------------------------------------------------
 */

enum role { ROLE_SHIM, ROLE_SENTRY, ROLE_GOFER, ROLE_PAUSE, N_ROLES };
static const char *const role_names[] = {"shim", "sentry", "gofer", "pause"};

struct footprint {
	unsigned procs[N_ROLES];
	uint64_t rss_kib[N_ROLES], pss_kib[N_ROLES];
};

/* Whether a process belongs to these pods: in one of their cgroups, or naming one of their pod
 * or container ids on its command line (shims: `-id POD`; runsc: container ids in paths). */
static bool ours(const struct scale *s, const char *cgroups, const char *cmdline)
{
	cleanup_free char *prefix =
	    xasprintf("/assay/assay-%s-%s-%s", s->t->cfg.run_id, s->t->runtime, s->tag);

	if (cgroups && strstr(cgroups, prefix))
		return true;
	for (size_t i = 0; cmdline && *cmdline && i < s->n; i++) {
		const struct cri_pod *p = &s->pods[i];

		if ((p->pod_id && strstr(cmdline, p->pod_id)) ||
		    (p->ctr_id && strstr(cmdline, p->ctr_id)))
			return true;
	}
	return false;
}

/* Footprint buckets from the roles table's classifier: the Sentry's ptrace stubs (the
 * workload's address spaces) and anything else of the pods count as the workload's (pause). */
static enum role classify(const char *comm, const char *cmdline)
{
	switch (tracer_role_of_process(comm, cmdline)) {
	case ATTR_ROLE_SHIM:
		return ROLE_SHIM;
	case ATTR_ROLE_GOFER:
		return ROLE_GOFER;
	case ATTR_ROLE_SENTRY:
		return ROLE_SENTRY;
	default:
		return ROLE_PAUSE;
	}
}

static void smaps_rollup(pid_t pid, uint64_t *rss, uint64_t *pss)
{
	cleanup_free char *path = xasprintf("/proc/%d/smaps_rollup", (int)pid);
	cleanup_free char *text = fs_read(path, 8192, NULL);
	const char *r, *p;

	*rss = *pss = 0;
	if (text == NULL)
		return;
	if ((r = strstr(text, "\nRss:")))
		*rss = strtoull(r + 5, NULL, 10);
	if ((p = strstr(text, "\nPss:")))
		*pss = strtoull(p + 5, NULL, 10);
}

struct measuring {
	const struct scale *s;
	struct footprint *fp;
};

static int measure_one(const struct proc_info *pi, void *ctx)
{
	struct measuring *m = ctx;
	cleanup_free char *comm = NULL;
	char path[64];
	uint64_t rss, pss;
	enum role r;

	if (!ours(m->s, pi->cgroup, pi->cmdline))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pi->pid);
	comm = fs_read(path, 64, NULL);
	r = classify(comm ? comm : "", pi->cmdline);
	smaps_rollup(pi->pid, &rss, &pss);
	m->fp->procs[r]++;
	m->fp->rss_kib[r] += rss;
	m->fp->pss_kib[r] += pss;
	return 0;
}

static void measure(const struct scale *s, struct footprint *fp)
{
	struct measuring m = {s, fp};

	memset(fp, 0, sizeof(*fp));
	proc_each(measure_one, &m);
}

/* ---- the run --------------------------------------------------------------------------------
 */

static void scale_free(struct scale *s)
{
	for (size_t i = 0; s->pods && i < s->n; i++) {
		cri_pod_release(&s->pods[i]);
		free(s->failure[i]);
	}
	free(s->pods);
	free(s->inited);
	free(s->latency_ns);
	free(s->failure);
	free(s->tag);
}

int kinds_scale_run(struct target *t, const struct benchmark *b, json_t *params,
                    const struct target_run_spec *spec, const struct observer *obs,
                    struct target_result *res, assay_error_t *err)
{
	struct scale s = {.t = t, .b = b, .run_index = spec->run_index};
	cleanup_free char *ref = NULL;
	cleanup_free char *ep = NULL;
	const char *mode = json_string_value(json_object_get(params, "mode"));
	bool concurrent = mode && !strcmp(mode, "concurrent");
	size_t k = concurrent ? (size_t)kinds_param(params, "clients") : 1;
	struct cri_client *clients[64] = {0};
	struct footprint fp;
	uint64_t t0, t_start, t_destroy = 0;
	cleanup_free double *lat_ms = NULL;
	struct stats st = {0};
	json_t *roles;
	int ret = 0;

	res->exit_status = -1;
	s.n = (size_t)kinds_param(params, "pods");
	if (s.n == 0)
		return assay_error_usage(err, "%s: `pods` must be at least 1", b->name);
	if (k < 1)
		k = 1;
	if (k > 64)
		k = 64;
	if (k > s.n)
		k = s.n;
	if (layout_ref(t->cfg.image_dir, b->image, &ref, err) < 0)
		return -1;
	s.ref = ref;
	ep = target_cri_endpoint(t);
	for (size_t j = 0; j < k; j++) {
		/* warmed up: a channel's first call connects, which must not count */
		if (cri_connect(ep, &clients[j], err) < 0 ||
		    cri_version(clients[j], NULL, NULL, err) < 0) {
			ret = -1;
			goto out_clients;
		}
	}
	t->seq++;
	s.tag = xasprintf("s%d-", t->seq);
	s.pods = xcalloc(s.n, sizeof(*s.pods));
	s.inited = xcalloc(s.n, sizeof(*s.inited));
	s.latency_ns = xcalloc(s.n, sizeof(*s.latency_ns));
	s.failure = xcalloc(s.n, sizeof(*s.failure));
	s.deadline =
	    assay_now_ns(CLOCK_MONOTONIC) + (spec->timeout_ns ? spec->timeout_ns : 600000000000ull);

	target_phase_begin(obs, "start", &t0);
	pass(&s, clients, k, false, err);
	t_start = assay_now_ns(CLOCK_MONOTONIC) - t0;
	target_phase_end(obs, "start", t0, res);

	if (!atomic_load(&s.stop) && !signals_pending()) {
		uint64_t t1;

		target_phase_begin(obs, "footprint", &t1);
		measure(&s, &fp);
		target_phase_end(obs, "footprint", t1, res);
	}

	{
		uint64_t t2;

		/* always: every pod that was begun goes, whatever happened */
		target_phase_begin(obs, "destroy", &t2);
		pass(&s, clients, k, true, err);
		t_destroy = assay_now_ns(CLOCK_MONOTONIC) - t2;
		target_phase_end(obs, "destroy", t2, res);
	}
	if (s.daemon_gone) {
		ret = assay_error_make(err, 0, "%s: the CRI daemon is gone", t->name);
		goto out;
	}
	for (size_t i = 0; i < s.n && res->failure == NULL; i++)
		if (s.failure[i])
			res->failure = xstrdup(s.failure[i]);
	if (res->failure == NULL && signals_pending()) {
		s.interrupted = true;
		res->failure = xstrdup("interrupted");
	}
	res->interrupted = s.interrupted;
	res->timed_out = s.timed_out;
	if (res->failure)
		goto out;

	lat_ms = xcalloc(s.n, sizeof(double));
	for (size_t i = 0; i < s.n; i++)
		lat_ms[i] = (double)s.latency_ns[i] / 1e6;
	if (stats_compute(lat_ms, s.n, &st, err) < 0) {
		ret = -1;
		goto out;
	}
	roles = json_object();
	for (int r = 0; r < N_ROLES; r++)
		json_object_set_new(roles, role_names[r],
		                    json_pack("{s:i, s:I, s:I}", "procs", fp.procs[r], "rss_kib",
		                              (json_int_t)fp.rss_kib[r], "pss_kib",
		                              (json_int_t)fp.pss_kib[r]));
	{
		uint64_t rss = 0, pss = 0;
		json_t *lat = json_array();

		for (int r = 0; r < N_ROLES; r++) {
			rss += fp.rss_kib[r];
			pss += fp.pss_kib[r];
		}
		for (size_t i = 0; i < s.n; i++)
			json_array_append_new(lat, json_real(lat_ms[i]));
		res->output = json_pack(
		    "{s:I, s:s, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:o, s:o}", "pods",
		    (json_int_t)s.n, "mode", concurrent ? "concurrent" : "sequential", "clients",
		    (json_int_t)k, "total_s", (double)t_start / 1e9, "start_median_ms", st.median,
		    "start_p95_ms", st.p95, "start_max_ms", st.max, "start_min_ms", st.min,
		    "pss_per_pod_mib", (double)pss / 1024.0 / (double)s.n, "rss_per_pod_mib",
		    (double)rss / 1024.0 / (double)s.n, "destroy_s", (double)t_destroy / 1e9,
		    "roles", roles, "start_ms", lat);
	}
	res->exit_status = 0;
out:
	scale_free(&s);
out_clients:
	for (size_t j = 0; j < k; j++)
		if (clients[j])
			cri_close(clients[j]);
	return ret;
}
