/* The tracer as the run engine's observer (src/observer/observer.h): a snapshot of the kernel's
 * aggregates at every phase boundary, and `attribution` {roles, phases, coverage, …} in every run
 * record.
 *
 * Lineage: the collector marks itself, so everything it starts (embedded containerd, shims,
 * runtimes, containers) is the run's and other users' containers on the host are not. Processes
 * the engine reports (an external CRI daemon) join the lineage too.
 *
 * Coverage: the attributed CPU of the lineage over an independent figure from cgroup cpuacct: a
 * cgroup of its own holding the collector and everything it starts (the shims stay there), plus
 * the cgroups the engine reports for the run's containers (for CRI targets the pod's cgroup,
 * which includes the pause container). Both sides are exact runtime counters; they differ by
 * what the tracer missed or misfiled. An OCI runtime removes the container's cgroup as soon as
 * the container exits, before the phase ends: those are polled every few ms by a thread, so
 * their last few ms may be missing from the independent side. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "observer/observer.h"
#include "tracer/tracer.h"
#include "lib/util.h"

#define CPUACCT      "/sys/fs/cgroup/cpuacct"
#define MAX_CGROUPS  16
#define LOW_COVERAGE 0.95

struct cg_watch {
	char *path;    /* cpuacct.usage file */
	uint64_t last; /* last value read: the cgroup disappears with the run's teardown */
	uint64_t base; /* a daemon's cgroup that existed before the run: its value then */
};

struct trace_observer {
	struct observer ops;
	struct tracer *t;
	struct tracer_stats *run0, *ph0, *now;
	json_t *phases;
	char *own_cg;     /* our cpuacct cgroup directory, NULL if we could not make one */
	char *orig_cg;    /* where the collector was before */
	uint64_t own_cg0; /* its usage at run_begin */
	struct cg_watch cg[MAX_CGROUPS];
	int ncg;
	bool failed;          /* a snapshot failed in this run */
	bool calibrated;      /* tracer_calibrate tried */
	pthread_mutex_t lock; /* cg[] against the poller */
	pthread_t poller;
	bool polling;
	volatile bool stop_polling;
};

#define POLL_NS 5000000

static int read_u64(const char *path, uint64_t *v)
{
	char buf[64];
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	*v = strtoull(buf, NULL, 10);
	return 0;
}

static int write_str(const char *path, const char *s)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	return write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
}

static void cgroups_poll(struct trace_observer *o)
{
	pthread_mutex_lock(&o->lock);
	for (int i = 0; i < o->ncg; i++) {
		uint64_t v;

		if (read_u64(o->cg[i].path, &v) == 0 && v > o->cg[i].last)
			o->cg[i].last = v;
	}
	pthread_mutex_unlock(&o->lock);
}

static void *poller_main(void *arg)
{
	struct trace_observer *o = arg;
	struct timespec ts = {0, POLL_NS};

	while (!o->stop_polling) {
		cgroups_poll(o);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void poller_start(struct trace_observer *o)
{
	sigset_t all, old;

	if (o->polling)
		return;
	o->stop_polling = false;
	/* Stop signals stay with the main thread, which the engine's self-pipe relies on. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	o->polling = pthread_create(&o->poller, NULL, poller_main, o) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void poller_stop(struct trace_observer *o)
{
	if (!o->polling)
		return;
	o->stop_polling = true;
	pthread_join(o->poller, NULL);
	o->polling = false;
}

static void cgroups_forget(struct trace_observer *o)
{
	poller_stop(o);
	for (int i = 0; i < o->ncg; i++)
		free(o->cg[i].path);
	o->ncg = 0;
}

static uint64_t own_usage(struct trace_observer *o)
{
	cleanup_free char *p = NULL;
	uint64_t v = 0;

	if (o->own_cg == NULL)
		return 0;
	p = xasprintf("%s/cpuacct.usage", o->own_cg);
	read_u64(p, &v);
	return v;
}

/* Our cpuacct cgroup from /proc/self/cgroup ("2:cpuacct:/x"). */
static char *current_cpuacct(void)
{
	cleanup_file FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];

	if (f == NULL)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
		char *nl;

		if (b == NULL)
			continue;
		*b = 0;
		if (strcmp(a + 1, "cpuacct") && strcmp(a + 1, "cpu,cpuacct") &&
		    strcmp(a + 1, "cpuacct,cpu"))
			continue;
		if ((nl = strchr(b + 1, '\n')))
			*nl = 0;
		return xstrdup(b + 1);
	}
	return NULL;
}

/* Directories of collectors that died without cleaning up (SIGKILL) are removed when empty. */
static void remove_stale_cgroups(void)
{
	DIR *d = opendir(CPUACCT);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d))) {
		int pid;

		if (sscanf(de->d_name, "assay-trace-%d", &pid) != 1)
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		cleanup_free char *dir = xasprintf(CPUACCT "/%s", de->d_name);

		rmdir(dir);
	}
	closedir(d);
}

static void own_cgroup_enter(struct trace_observer *o)
{
	cleanup_free char *dir = xasprintf(CPUACCT "/assay-trace-%d", (int)getpid());
	cleanup_free char *procs = xasprintf("%s/cgroup.procs", dir);
	char pid[32];

	remove_stale_cgroups();
	o->orig_cg = current_cpuacct();
	if (o->orig_cg == NULL || (mkdir(dir, 0755) < 0 && errno != EEXIST))
		return;
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	if (write_str(procs, pid) < 0) {
		rmdir(dir);
		return;
	}
	o->own_cg = steal_pointer(&dir);
}

static void own_cgroup_leave(struct trace_observer *o)
{
	cleanup_free char *procs = NULL;
	char pid[32];

	if (o->own_cg == NULL)
		return;
	procs = xasprintf(CPUACCT "%s/cgroup.procs", strcmp(o->orig_cg, "/") ? o->orig_cg : "");
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	write_str(procs, pid);
	/* Fails while a descendant still runs in it; a later collector removes it. */
	rmdir(o->own_cg);
}

/* The run directories' copies of the runtimes' helpers (the embedded containerd's shims run
 * them from /run/assay/<id>/): oci-runtime, like the originals. */
static void add_helper_copy(const char *exe, unsigned int role, void *ctx)
{
	struct tracer *t = ctx;
	cleanup_free char *pattern = NULL;
	assay_error_t err = NULL;
	glob_t g;

	if (role != ATTR_ROLE_OCI_RUNTIME)
		return;
	pattern = xasprintf("/run/assay/*/%s", exe);
	if (glob(pattern, 0, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (tracer_add_exe(t, g.gl_pathv[i], role, &err) < 0)
			assay_error_release(&err);
	globfree(&g);
}

/* Executables the engine uses that the tracer's table cannot know in advance: native targets
 * exec <collector's dir>/bin/<image>; the embedded containerd runs copies of the runtimes'
 * helpers from its run directory. */
static void add_run_exes(struct trace_observer *o, const struct observer_run *info)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	assay_error_t err = NULL;

	if (n > 0 && info->image) {
		cleanup_free char *bin = NULL;
		char *slash;

		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash)
			*slash = 0;
		bin = xasprintf("%s/bin/%s", self, info->image);
		if (access(bin, X_OK) == 0 &&
		    tracer_add_exe(o->t, bin, ATTR_ROLE_WORKLOAD, &err) < 0)
			assay_error_release(&err);
	}
	tracer_role_exes(add_helper_copy, o->t);
}

static volatile sig_atomic_t noted_stop;

static void note_stop(int sig)
{
	if (noted_stop == 0)
		noted_stop = sig;
}

static int obs_run_begin(void *ctx, const struct observer_run *info)
{
	struct trace_observer *o = ctx;
	assay_error_t err = NULL;

	if (noted_stop) {
		/* The engine's handler is in place now: it stops the suite after this run. */
		int sig = noted_stop;

		noted_stop = 0;
		raise(sig);
	}

	if (!o->calibrated) {
		/* Here, not at start: ~0.1 s the engine's stop signals can interrupt cleanly. */
		o->calibrated = true;
		if (tracer_calibrate(o->t, ATTR_ROLE_COLLECTOR, true, &err) < 0)
			assay_error_release(&err); /* the runs just lack tracer_cost */
	}
	if (tracer_set_latency(o->t, info->syscall_latency, &err) < 0)
		assay_error_release(&err); /* the runs just lack the histograms */
	cgroups_forget(o);
	json_decref(o->phases);
	o->phases = json_object();
	o->failed = false;
	add_run_exes(o, info);
	o->own_cg0 = own_usage(o);
	if (tracer_snapshot(o->t, o->run0, &err) < 0) {
		assay_error_release(&err);
		o->failed = true;
		return -1;
	}
	return 0;
}

static int obs_phase_begin(void *ctx, const char *phase)
{
	struct trace_observer *o = ctx;
	assay_error_t err = NULL;

	(void)phase;
	cgroups_poll(o);
	if (tracer_snapshot(o->t, o->ph0, &err) < 0) {
		assay_error_release(&err);
		o->failed = true;
		return -1;
	}
	return 0;
}

static int obs_phase_end(void *ctx, const char *phase, json_t *rec)
{
	struct trace_observer *o = ctx;
	assay_error_t err = NULL;
	json_t *p, *ns;

	cgroups_poll(o);
	if (tracer_snapshot(o->t, o->now, &err) < 0) {
		assay_error_release(&err);
		o->failed = true;
		return -1;
	}
	tracer_stats_diff(o->now, o->now, o->ph0);
	ns = rec ? json_object_get(rec, "ns") : NULL;
	p = json_object();
	json_object_set_new(p, "wall_ns",
	                    json_integer(json_is_integer(ns) ? json_integer_value(ns) : 0));
	json_object_set_new(p, "roles", tracer_roles_json(o->now));
	json_object_set_new(o->phases, phase, p);
	return 0;
}

/* role: a name of the roles table (roles.c); anything else is `other`. */
static void obs_process(void *ctx, const char *role, pid_t pid)
{
	struct trace_observer *o = ctx;
	int r = tracer_role_from_name(role);
	assay_error_t err = NULL;

	if (tracer_adopt(o->t, pid, r < 0 ? ATTR_ROLE_OTHER : (unsigned int)r, &err) < 0)
		assay_error_release(&err); /* it may have exited already */
}

static void obs_cgroup(void *ctx, const char *role, const char *path)
{
	struct trace_observer *o = ctx;
	cleanup_free char *usage = xasprintf(CPUACCT "%s/cpuacct.usage", path);
	/* a pod's cgroup lives until the run's teardown; a container's may go as soon as it
	 * exits (an OCI runtime removes it), so those are polled; a daemon's (one assay did not
	 * start) outlives the run and counts from now */
	bool daemon = !strcmp(role, "daemon"), pod = daemon || !strcmp(role, "pod");

	pthread_mutex_lock(&o->lock);
	for (int i = 0; i < o->ncg; i++) {
		if (!strcmp(o->cg[i].path, usage)) {
			pthread_mutex_unlock(&o->lock);
			return;
		}
	}
	if (o->ncg < MAX_CGROUPS) {
		o->cg[o->ncg].last = o->cg[o->ncg].base = 0;
		if (daemon && read_u64(usage, &o->cg[o->ncg].base) == 0)
			o->cg[o->ncg].last = o->cg[o->ncg].base;
		o->cg[o->ncg].path = steal_pointer(&usage);
		o->ncg++;
	}
	pthread_mutex_unlock(&o->lock);
	cgroups_poll(o);
	if (!pod)
		poller_start(o);
}

static int obs_run_end(void *ctx, json_t *rec)
{
	struct trace_observer *o = ctx;
	const struct tracer_cost *cost = tracer_cost(o->t);
	json_t *a, *cov, *src;
	assay_error_t err = NULL;
	uint64_t attributed, indep = 0, own;
	double ratio;

	poller_stop(o);
	cgroups_poll(o);
	if (o->failed || tracer_snapshot(o->t, o->now, &err) < 0) {
		assay_error_release(&err);
		return -1;
	}
	own = own_usage(o);
	tracer_stats_diff(o->now, o->now, o->run0);
	attributed = tracer_lineage_cpu_ns(o->now);
	src = json_object();
	if (o->own_cg) {
		indep += own - o->own_cg0;
		json_object_set_new(src, o->own_cg + strlen(CPUACCT),
		                    json_integer((json_int_t)(own - o->own_cg0)));
	}
	for (int i = 0; i < o->ncg; i++) {
		cleanup_free char *name = xstrdup(o->cg[i].path + strlen(CPUACCT));

		*strrchr(name, '/') = 0;
		indep += o->cg[i].last - o->cg[i].base;
		json_object_set_new(src, name,
		                    json_integer((json_int_t)(o->cg[i].last - o->cg[i].base)));
	}
	ratio = indep ? (double)attributed / (double)indep : 0;

	a = json_object();
	json_object_set_new(a, "roles", tracer_roles_json(o->now));
	json_object_set_new(a, "outside", tracer_outside_json(o->now));
	json_object_set_new(a, "phases", json_incref(o->phases));
	json_object_set_new(a, "coverage", o->own_cg ? json_real(ratio) : json_null());
	cov = json_object();
	json_object_set_new(cov, "attributed_ns", json_integer((json_int_t)attributed));
	json_object_set_new(cov, "independent_ns", json_integer((json_int_t)indep));
	json_object_set_new(cov, "method",
	                    json_string("cpuacct.usage of the collector's cgroup and "
	                                "of the run's container/pod cgroups"));
	json_object_set_new(cov, "cgroups", src);
	json_object_set_new(cov, "low", json_boolean(o->own_cg && ratio < LOW_COVERAGE));
	json_object_set_new(a, "coverage_detail", cov);
	if (cost) {
		json_t *c = json_object();

		json_object_set_new(c, "getppid_ns", json_real(cost->base_ns));
		json_object_set_new(c, "added_ns_per_traced_syscall",
		                    json_real(cost->tracked_ns - cost->base_ns));
		json_object_set_new(c, "added_ns_per_untracked_syscall",
		                    json_real(cost->untracked_ns - cost->base_ns));
		json_object_set_new(a, "tracer_cost", c);
	}
	json_object_set_new(rec, "attribution", a);
	json_decref(o->phases);
	o->phases = NULL;
	cgroups_forget(o);
	return 0;
}

int trace_observer_new(struct observer **out, assay_error_t *err)
{
	static const int stops[] = {SIGINT, SIGTERM, SIGHUP};
	struct tracer_options topts = {.calibrate = true};
	struct trace_observer *o = xcalloc(1, sizeof(*o));
	struct sigaction sa = {.sa_handler = note_stop}, old[3];
	int ret;

	/* The engine handles stop signals once run_suite starts, not yet: one arriving while the
	 * tracer loads (~50 ms; calibration is deferred) is noted and raised again at the first
	 * run, where the engine stops cleanly, rather than killing a half-started collector. */
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(stops[i], &sa, &old[i]);
	ret = tracer_open(&topts, &o->t, err);
	if (ret < 0) {
		assay_error_wrap(err, "tracing (--no-trace runs without)");
	} else {
		own_cgroup_enter(o);
		ret = tracer_adopt(o->t, getpid(), ATTR_ROLE_COLLECTOR, err);
		if (ret < 0) {
			own_cgroup_leave(o);
			tracer_close(o->t);
		}
	}
	for (int i = 0; i < 3; i++)
		sigaction(stops[i], &old[i], NULL);
	if (ret < 0) {
		free(o->orig_cg);
		free(o->own_cg);
		free(o);
		if (noted_stop)
			raise(noted_stop);
		return -1;
	}
	pthread_mutex_init(&o->lock, NULL);
	o->run0 = xcalloc(1, sizeof(*o->run0));
	o->ph0 = xcalloc(1, sizeof(*o->ph0));
	o->now = xcalloc(1, sizeof(*o->now));
	o->ops.ctx = o;
	o->ops.run_begin = obs_run_begin;
	o->ops.phase_begin = obs_phase_begin;
	o->ops.phase_end = obs_phase_end;
	o->ops.process = obs_process;
	o->ops.cgroup = obs_cgroup;
	o->ops.run_end = obs_run_end;
	*out = &o->ops;
	return 0;
}

void trace_observer_free(struct observer *ops)
{
	struct trace_observer *o;

	if (ops == NULL)
		return;
	o = ops->ctx;
	cgroups_forget(o);
	tracer_close(o->t);
	own_cgroup_leave(o);
	pthread_mutex_destroy(&o->lock);
	json_decref(o->phases);
	free(o->run0);
	free(o->ph0);
	free(o->now);
	free(o->own_cg);
	free(o->orig_cg);
	free(o);
	if (noted_stop) /* no run came: deliver it now, as it would have been */
		raise(noted_stop);
}
