/* CPU limits through the CRI: limits.cpu.time (the cpu workload under a CFS hard quota, the
 * quota in the container's LinuxContainerResources) and limits.cpu.scaling (the quota raised
 * step by step with UpdateContainerResources, TouchStone's ScalingLimit).
 *
 * The study only timed the workload. A limit that is not enforced would look like a fast
 * runtime, so here the CPU the pod's cgroup was charged (cpuacct.usage of the pod's cgroup
 * parent, which holds every container of the pod and keeps the charge of removed children) is
 * divided by the container's wall time (ContainerStatus started_at → finished_at): that share
 * must be within `tolerance` % of quota/period, and a run where it is not is flagged
 * ("limit_flag" in the run record). Under runsc the Sentry and the Gofer do work for the
 * workload; whether their CPU is charged inside the pod's cgroup (and so limited) or outside it
 * (free CPU the quota does not see) is reported from their /proc/PID/stat, sampled every 100 ms
 * while the container runs. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds/kinds.h"
#include "lib/fs.h"
#include "lib/proc.h"
#include "lib/layout.h"
#include "tracer/roles.h"
#include "lib/util.h"

#define POLL_NS 100000000ull

/* ---- processes of the pod and the CPU they used ------------------------------------------- */

enum proc_role { PR_SENTRY, PR_GOFER, PR_SHIM, PR_WORKLOAD, N_PR };
static const char *const pr_names[] = {"sentry", "gofer", "shim", "workload"};

struct proc {
	pid_t pid;
	unsigned long long start; /* starttime: a reused pid is another process */
	enum proc_role role;
	bool in_pod;       /* its cpuacct cgroup is inside the pod's */
	bool in_container; /* ... and inside the container's, the one with the quota */
	uint64_t cpu_ns;   /* utime + stime, last sample */
};

struct procs {
	const struct cri_pod *pod;
	struct proc *v;
	size_t n;
};

/* utime + stime (ns) and starttime of a process, from /proc/PID/stat. */
static bool proc_stat(pid_t pid, uint64_t *cpu_ns, unsigned long long *start)
{
	char path[64];
	cleanup_free char *text = NULL;
	const char *p;
	unsigned long long ut, st;
	long tck = sysconf(_SC_CLK_TCK);

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	text = fs_read(path, 4096, NULL);
	/* fields after the command name (which may hold spaces): state is field 3 */
	if (text == NULL || (p = strrchr(text, ')')) == NULL)
		return false;
	if (sscanf(p + 2,
	           "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d "
	           "%*d %llu",
	           &ut, &st, start) != 3)
		return false;
	*cpu_ns = (ut + st) * (1000000000ull / (unsigned long long)(tck > 0 ? tck : 100));
	return true;
}

/* Buckets from the roles table's classifier (runsc's argv[0] tells the Sentry from the Gofer);
 * the rest of the pod is the workload's. */
static enum proc_role proc_role(const char *cmdline)
{
	switch (tracer_role_of_process("", cmdline)) {
	case ATTR_ROLE_SENTRY:
		return PR_SENTRY;
	case ATTR_ROLE_GOFER:
		return PR_GOFER;
	case ATTR_ROLE_SHIM:
		return PR_SHIM;
	default:
		return PR_WORKLOAD;
	}
}

/* One process of the host: if it is the pod's (in its cgroups, or naming its pod or container
 * id), its CPU so far. */
static int sample_one(const struct proc_info *pi, void *ctx)
{
	struct procs *ps = ctx;
	cleanup_free char *cgprefix = xasprintf("%s/", ps->pod->cgparent);
	const char *acct = strstr(pi->cgroup, ":cpuacct:");
	const char *cmd = pi->cmdline;
	bool in_pod, in_container = false, named;
	unsigned long long start;
	uint64_t cpu;
	size_t i;

	if (acct == NULL)
		acct = strstr(pi->cgroup, "cpuacct:");
	in_pod = acct && strstr(acct, cgprefix) && strstr(acct, cgprefix) < strchrnul(acct, '\n');
	if (in_pod && ps->pod->ctr_id) {
		cleanup_free char *ctr = xasprintf("%s%s", cgprefix, ps->pod->ctr_id);
		const char *hit = strstr(acct, ctr);

		in_container = hit && hit < strchrnul(acct, '\n');
	}
	named = (ps->pod->pod_id && strstr(cmd, ps->pod->pod_id)) ||
	        (ps->pod->ctr_id && strstr(cmd, ps->pod->ctr_id));
	if ((!in_pod && !named) || !proc_stat(pi->pid, &cpu, &start))
		return 0;
	for (i = 0; i < ps->n; i++)
		if (ps->v[i].pid == pi->pid && ps->v[i].start == start)
			break;
	if (i == ps->n) {
		ps->v = xrealloc(ps->v, (ps->n + 1) * sizeof(*ps->v));
		ps->v[i] = (struct proc){.pid = pi->pid, .start = start};
		ps->v[i].role = proc_role(cmd);
		ps->n++;
	}
	ps->v[i].in_pod = in_pod;
	ps->v[i].in_container = in_container;
	ps->v[i].cpu_ns = cpu;
	return 0;
}

/* Scans /proc for the pod's processes and updates their CPU. */
static void procs_sample(struct procs *ps)
{
	proc_each(sample_one, ps);
}

static json_t *procs_json(const struct procs *ps, double *sandbox_in, double *sandbox_out)
{
	json_t *o = json_object();
	double in[N_PR] = {0}, out[N_PR] = {0}, ctr[N_PR] = {0};
	unsigned n[N_PR] = {0};

	for (size_t i = 0; i < ps->n; i++) {
		const struct proc *p = &ps->v[i];

		n[p->role]++;
		if (p->in_container)
			ctr[p->role] += (double)p->cpu_ns / 1e9;
		if (p->in_pod)
			in[p->role] += (double)p->cpu_ns / 1e9;
		else
			out[p->role] += (double)p->cpu_ns / 1e9;
	}
	for (int r = 0; r < N_PR; r++)
		json_object_set_new(o, pr_names[r],
		                    json_pack("{s:i, s:f, s:f, s:f}", "procs", n[r], "cpu_in_pod_s",
		                              in[r], "cpu_in_container_s", ctr[r],
		                              "cpu_outside_pod_s", out[r]));
	*sandbox_in = in[PR_SENTRY] + in[PR_GOFER];
	*sandbox_out = out[PR_SENTRY] + out[PR_GOFER];
	return o;
}

static int read_usage(const char *rel, uint64_t *ns, assay_error_t *err)
{
	cleanup_free char *path = xasprintf("/sys/fs/cgroup/cpuacct%s/cpuacct.usage", rel);
	cleanup_free char *text = fs_read(path, 64, NULL);

	if (text == NULL)
		return assay_error_make(err, errno, "read `%s` (cgroup v1 cpuacct)", path);
	*ns = strtoull(text, NULL, 10);
	return 0;
}

/* CPU (ns) charged to the pod's cgroup parent (every container of the pod, also removed ones)
 * and to its sandbox's own cgroup (the pause container: under runsc here a whole gVisor sandbox
 * of its own, outside the container's quota). The container's charge is their difference. */
static int pod_usage(const struct cri_pod *p, uint64_t *pod, uint64_t *sandbox, assay_error_t *err)
{
	cleanup_free char *sb = xasprintf("%s/%s", p->cgparent, p->pod_id ? p->pod_id : "");
	assay_error_t e = NULL;

	if (read_usage(p->cgparent, pod, err) < 0)
		return -1;
	*sandbox = 0;
	/* a runtime may not give the sandbox a cgroup of its own */
	if (read_usage(sb, sandbox, &e) < 0)
		assay_error_release(&e);
	return 0;
}

/* Whether the target runs a pod's containers in its sandbox's cgroup (runsc per pod): the
 * container's charge is then the pod's, not the pod's minus the sandbox's. */
static bool pod_sandbox(struct target *t)
{
	json_t *m = t->ops->meta ? t->ops->meta(t) : NULL;
	const char *mode = json_string_value(json_object_get(m, "runsc_sandbox"));
	bool ret = mode && !strcmp(mode, "per-pod");

	json_decref(m);
	return ret;
}

/* ---- one limited run ------------------------------------------------------------------------
 */

struct limited {
	struct target *t;
	struct cri_client *c;
	struct cri_pod p;
	struct procs procs;
	char **argv;
	char *ref;
	struct target_result *res;
	const struct observer *obs;
	uint64_t deadline;
	bool daemon_gone;
	/* the container's own cgroup (the one with the quota), sampled while it runs: it is gone
	 * once the container exited, so the share is taken up to the last sample */
	uint64_t ctr_usage0, ctr_usage, ctr_usage_rt;
	uint64_t ctr_first, ctr_first_rt; /* the first sample after StartContainer */
	unsigned ctr_samples;
	bool ctr_sampled;
};

static void sample_container(struct limited *l)
{
	cleanup_free char *rel = xasprintf("%s/%s", l->p.cgparent, l->p.ctr_id);
	assay_error_t e = NULL;
	uint64_t v;

	if (read_usage(rel, &v, &e) < 0) {
		assay_error_release(&e);
		return;
	}
	l->ctr_usage = v;
	l->ctr_usage_rt = assay_now_ns(CLOCK_REALTIME);
	l->ctr_sampled = true;
	if (l->ctr_samples++ == 0) {
		l->ctr_first = v;
		l->ctr_first_rt = l->ctr_usage_rt;
	}
}

/* A failed CRI call fails the run (or, with the daemon gone, the target). */
static void call_failed(struct limited *l, const char *what, assay_error_t *e)
{
	char *text;

	if (kinds_daemon_gone(l->c))
		l->daemon_gone = true;
	text = assay_error_text(*e);
	assay_error_release(e);
	if (l->res->failure == NULL)
		l->res->failure = xasprintf("%s: %s", what, text);
	free(text);
}

/* cpu --json --cpu-max-prime=.. --events=.. --time=0: the workload's own 10 s default would cut
 * a throttled run short. */
static char **cpu_argv(json_t *params)
{
	char **v = xcalloc(5, sizeof(char *));

	v[0] = xstrdup("--json");
	v[1] = xasprintf("--cpu-max-prime=%s",
	                 json_string_value(json_object_get(params, "cpu-max-prime")) ?: "20000");
	v[2] = xasprintf("--events=%s",
	                 json_string_value(json_object_get(params, "events")) ?: "1000");
	v[3] = xstrdup("--time=0");
	return v;
}

static int limited_start(struct limited *l, const struct benchmark *b, json_t *params,
                         const struct target_run_spec *spec, const struct cri_resources *r,
                         uint64_t *usage0, uint64_t *sandbox0, assay_error_t *err)
{
	assay_error_t e = NULL;

	l->res->exit_status = -1;
	if (layout_ref(l->t->cfg.image_dir, b->image, &l->ref, err) < 0)
		return -1;
	if (kinds_connect(l->t, &l->c, err) < 0)
		return -1;
	l->argv = cpu_argv(params);
	l->t->seq++;
	if (kinds_pod_init(&l->p, l->t, "q", l->t->seq, b, spec->run_index, l->ref, l->argv, err) <
	    0)
		return -1;
	l->p.ctr.resources = *r;
	l->procs.pod = &l->p;
	l->deadline =
	    assay_now_ns(CLOCK_MONOTONIC) + (spec->timeout_ns ? spec->timeout_ns : 900000000000ull);

	for (enum cri_pod_step s = CRI_POD_RUN; s <= CRI_POD_CREATE; s++)
		if (target_cri_step(l->c, &l->p, s, 0, l->obs, l->res, NULL, &e) < 0) {
			call_failed(l, cri_pod_step_name(s), &e);
			return 0;
		}
	observer_cgroup(l->obs, "pod", l->p.cgparent);
	/* the pause container's start-up is charged before this, the workload's after */
	if (pod_usage(&l->p, usage0, sandbox0, &e) < 0) {
		call_failed(l, "cpuacct", &e);
		return 0;
	}
	sample_container(l);
	l->ctr_usage0 = l->ctr_sampled ? l->ctr_usage : 0;
	l->ctr_sampled = false;
	l->ctr_samples = 0;
	if (target_cri_step(l->c, &l->p, CRI_POD_START, 0, l->obs, l->res, NULL, &e) < 0)
		call_failed(l, "StartContainer", &e);
	return 0;
}

/* How limited_wait ended. */
enum limited_wait {
	LIMITED_EXITED,    /* the container exited */
	LIMITED_UNTIL,     /* `until` passed */
	LIMITED_STOPPED,   /* a stop signal arrived */
	LIMITED_TIMED_OUT, /* the run's timeout passed */
};

/* Waits until the container exited, `until` (CLOCK_MONOTONIC, 0: none) passed, a stop signal or
 * the run's timeout: an enum limited_wait, or <0 on a CRI error (run failed). Samples
 * processes. */
static int limited_wait(struct limited *l, uint64_t until, struct cri_container_status *st)
{
	for (;;) {
		assay_error_t e = NULL;
		uint64_t now;

		procs_sample(&l->procs);
		sample_container(l);
		cri_container_status_release(st);
		if (cri_container_status(l->c, l->p.ctr_id, st, &e) < 0) {
			call_failed(l, "ContainerStatus", &e);
			return -1;
		}
		if (st->state == CRI_CONTAINER_EXITED)
			return LIMITED_EXITED;
		now = assay_now_ns(CLOCK_MONOTONIC);
		if (now >= l->deadline)
			return LIMITED_TIMED_OUT;
		if (until && now >= until)
			return LIMITED_UNTIL;
		if (signals_sleep(until && until - now < POLL_NS ? until - now : POLL_NS))
			return LIMITED_STOPPED;
	}
}

/* After the exit: the workload's JSON, checked. */
static json_t *limited_result(struct limited *l, const struct cri_container_status *st)
{
	cleanup_free char *why = NULL;
	json_t *w = kinds_log_result(l->p.log_path, &why);

	l->res->exit_status = st->exit_code;
	if (st->exit_code != 0 && l->res->failure == NULL)
		l->res->failure = xasprintf("exited with status %d%s%s", st->exit_code,
		                            st->reason ? ": " : "", st->reason ? st->reason : "");
	else if (w == NULL && l->res->failure == NULL)
		l->res->failure = steal_pointer(&why);
	return w;
}

static int limited_end(struct limited *l, const struct target *t, assay_error_t *err)
{
	assay_error_t e = NULL;
	uint64_t t0;

	target_phase_begin(l->obs, "destroy", &t0);
	cri_pod_destroy(l->c, &l->p, &e);
	target_phase_end(l->obs, "destroy", t0, l->res);
	if (e && kinds_daemon_gone(l->c))
		l->daemon_gone = true;
	assay_error_release(&e);
	cri_pod_release(&l->p);
	if (l->c)
		cri_close(l->c);
	benchmarks_argv_free(l->argv);
	free(l->procs.v);
	free(l->ref);
	if (l->daemon_gone)
		return assay_error_make(err, 0, "%s: the CRI daemon is gone", t->name);
	return 0;
}

static void wait_outcome(struct limited *l, int w)
{
	if (l->res->failure)
		return;
	if (w == LIMITED_STOPPED) {
		l->res->interrupted = true;
		l->res->failure = xstrdup("interrupted");
	} else if (w == LIMITED_TIMED_OUT) {
		l->res->timed_out = true;
		l->res->failure = xstrdup("timed out");
	}
}

/* ---- limits.cpu.time ------------------------------------------------------------------------
 */

int kinds_cpu_limit_run(struct target *t, const struct benchmark *b, json_t *params,
                        const struct target_run_spec *spec, const struct observer *obs,
                        struct target_result *res, assay_error_t *err)
{
	struct limited l = {.t = t, .res = res, .obs = obs};
	struct cri_container_status st = {0};
	struct cri_resources r = {
	    .cpu_quota = (int64_t)kinds_param(params, "quota"),
	    .cpu_period = (int64_t)kinds_param(params, "period"),
	};
	double tolerance = kinds_param(params, "tolerance");
	uint64_t usage0 = 0, usage1 = 0, sb0 = 0, sb1 = 0, t0;
	json_t *w = NULL;
	int wr = -1;

	if (r.cpu_quota <= 0 || r.cpu_period <= 0)
		return assay_error_usage(err, "%s: `quota` and `period` must be > 0", b->name);
	if (limited_start(&l, b, params, spec, &r, &usage0, &sb0, err) < 0) {
		limited_end(&l, t, NULL);
		return -1;
	}
	if (res->failure == NULL) {
		target_phase_begin(obs, "run", &t0);
		wr = limited_wait(&l, 0, &st);
		target_phase_end(obs, "run", t0, res);
		wait_outcome(&l, wr);
	}
	if (wr == LIMITED_EXITED) {
		assay_error_t e = NULL;

		if (pod_usage(&l.p, &usage1, &sb1, &e) < 0)
			call_failed(&l, "cpuacct", &e);
		w = limited_result(&l, &st);
	}
	if (res->failure == NULL && w) {
		double wall = (double)(st.finished_at - st.started_at) / 1e9;
		double expected = (double)r.cpu_quota / (double)r.cpu_period;
		double pod_cpu = (double)(usage1 - usage0) / 1e9;
		double sandbox_cpu = (double)(sb1 - sb0) / 1e9;
		double share = wall > 0 ? (pod_cpu - sandbox_cpu) / wall : 0;
		const char *share_from =
		    "pod cgroup minus the pod sandbox's, over started_at..finished_at";
		double error_pct, sb_in, sb_out;
		json_t *procs = procs_json(&l.procs, &sb_in, &sb_out);
		json_t *tt = json_object_get(w, "total_time_s");

		/* from the workload's first instruction (start_ns): the runtime's started_at is
		 * recorded after the process already ran, which would inflate the share */
		json_t *sn = json_object_get(w, "start_ns");
		uint64_t from = json_is_integer(sn) ? (uint64_t)json_integer_value(sn)
		                                    : (uint64_t)st.started_at;

		if (pod_sandbox(t)) {
			/* one gVisor sandbox per pod: its Sentry, in the pod sandbox's cgroup, runs
			 * the container (whose own cgroup stays empty) */
			share = wall > 0 ? pod_cpu / wall : 0;
			share_from = "pod cgroup over started_at..finished_at (one gVisor sandbox "
			             "per pod runs the container)";
		} else if (l.ctr_samples >= 2 && l.ctr_usage_rt - l.ctr_first_rt >= 1000000000ull) {
			/* steady state: between the first and the last sample while it ran, so
			 * the start (runc init, the first period's full quota) does not weigh in */
			share = (double)(l.ctr_usage - l.ctr_first) /
			        (double)(l.ctr_usage_rt - l.ctr_first_rt);
			share_from = "container cgroup, first..last sample while running";
		} else if (l.ctr_sampled && l.ctr_usage_rt > from) {
			share =
			    (double)(l.ctr_usage - l.ctr_usage0) / (double)(l.ctr_usage_rt - from);
			share_from = json_is_integer(sn)
			                 ? "container cgroup, start_ns..last sample"
			                 : "container cgroup, started_at..last sample";
		}
		error_pct = fabs(share - expected) / expected * 100;

		res->output = json_pack(
		    "{s:f, s:f, s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:b, s:o, s:O}",
		    "total_time_s", json_number_value(tt), "share", share, "share_from", share_from,
		    "expected_share", expected, "share_error_pct", error_pct, "pod_cpu_s", pod_cpu,
		    "pod_sandbox_cpu_s", sandbox_cpu, "container_wall_s", wall,
		    "sandbox_cpu_in_pod_s", sb_in, "sandbox_cpu_outside_pod_s", sb_out,
		    "within_tolerance", error_pct <= tolerance, "processes", procs, "workload", w);
		if (error_pct > tolerance) {
			char *flag =
			    xasprintf("measured CPU share %.4f differs from quota/period "
			              "%.4f by %.1f %% (> %.0f %%): limit not enforced as set",
			              share, expected, error_pct, tolerance);

			res->extra = json_pack("{s:s}", "limit_flag", flag);
			free(flag);
		}
	}
	json_decref(w);
	cri_container_status_release(&st);
	return limited_end(&l, t, err);
}

/* ---- limits.cpu.scaling ---------------------------------------------------------------------
 */

static json_t *percent_json(double p)
{
	return p == floor(p) ? json_integer((json_int_t)p) : json_real(p);
}

int kinds_cpu_scaling_run(struct target *t, const struct benchmark *b, json_t *params,
                          const struct target_run_spec *spec, const struct observer *obs,
                          struct target_result *res, assay_error_t *err)
{
	struct limited l = {.t = t, .res = res, .obs = obs};
	struct cri_container_status st = {0};
	double period = kinds_param(params, "period"), pct = kinds_param(params, "start-percent");
	double step = kinds_param(params, "step-percent"), end = kinds_param(params, "end-percent");
	uint64_t step_ns = (uint64_t)(kinds_param(params, "step-time") * 1e9);
	struct cri_resources r = {.cpu_period = (int64_t)period,
	                          .cpu_quota = (int64_t)(period * pct / 100)};
	uint64_t usage0 = 0, sb0 = 0, t0;
	json_t *steps = json_array(), *w = NULL;
	bool shared;
	int wr = -1;

	if (period <= 0 || pct <= 0 || step_ns == 0 || end < pct) {
		json_decref(steps);
		return assay_error_usage(err,
		                         "%s: need period > 0, 0 < start-percent <= end-percent, "
		                         "step-time > 0",
		                         b->name);
	}
	if (limited_start(&l, b, params, spec, &r, &usage0, &sb0, err) < 0) {
		json_decref(steps);
		limited_end(&l, t, NULL);
		return -1;
	}
	shared = pod_sandbox(t);
	target_phase_begin(obs, "run", &t0);
	for (uint64_t u0 = usage0 - (shared ? 0 : sb0), m0 = assay_now_ns(CLOCK_MONOTONIC);
	     res->failure == NULL;) {
		uint64_t u1 = 0, s1 = 0, m1;
		assay_error_t e = NULL;

		/* the last step of the schedule lasts until the workload ends */
		bool last = pct + step > end + 1e-9;

		wr = limited_wait(&l, last ? 0 : m0 + step_ns, &st);
		m1 = assay_now_ns(CLOCK_MONOTONIC);
		if (wr < 0 || pod_usage(&l.p, &u1, &s1, &e) < 0) {
			if (e)
				call_failed(&l, "cpuacct", &e);
			break;
		}
		if (!shared)
			u1 -= s1; /* the container's charge, without the pod sandbox's */
		/* a step the workload ended right at the start of says nothing about its quota */
		if (m1 - m0 >= POLL_NS)
			json_array_append_new(
			    steps, json_pack("{s:o, s:f, s:f}", "percent", percent_json(pct),
			                     "seconds", (double)(m1 - m0) / 1e9, "share",
			                     (double)(u1 - u0) / (double)(m1 - m0)));
		if (wr != LIMITED_UNTIL || last)
			break;
		{
			pct += step;
			r.cpu_quota = (int64_t)(period * pct / 100);
			if (cri_update_resources(l.c, l.p.ctr_id, &r, &e) < 0) {
				char *text = assay_error_text(e);

				assay_error_release(&e);
				if (kinds_daemon_gone(l.c))
					l.daemon_gone = true;
				/* the workload may have ended just now: then there was nothing left
				 * to update (TouchStone checked the state first, racing the same)
				 */
				if (!l.daemon_gone &&
				    limited_wait(&l, assay_now_ns(CLOCK_MONOTONIC) + 1000000000ull,
				                 &st) == LIMITED_EXITED) {
					free(text);
					wr = LIMITED_EXITED;
					break;
				}
				/* a runtime that cannot change a running container's quota */
				/* the reason keeps the first line (a runtime may print its whole
				 * usage); cri_error has all of it */
				res->failure =
				    xasprintf("unsupported: UpdateContainerResources to %g "
				              "%% rejected: %.*s%s",
				              pct, (int)strcspn(text, "\n"), text,
				              strchr(text, '\n') ? " [...]" : "");
				res->extra =
				    json_pack("{s:b, s:s}", "unsupported", 1, "cri_error", text);
				free(text);
				break;
			}
		}
		u0 = u1;
		m0 = m1;
	}
	target_phase_end(obs, "run", t0, res);
	wait_outcome(&l, wr);
	if (wr == LIMITED_EXITED && res->failure == NULL)
		w = limited_result(&l, &st);
	if (res->failure == NULL && w)
		res->output = json_pack("{s:f, s:O, s:O}", "total_time_s",
		                        json_number_value(json_object_get(w, "total_time_s")),
		                        "steps", steps, "workload", w);
	json_decref(steps);
	json_decref(w);
	cri_container_status_release(&st);
	return limited_end(&l, t, err);
}
