/* Loader and reader for bpf/attribution.bpf.c (see tracer.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attribution.skel.h"
#include "tracer/roles.h"
#include "tracer/tracer.h"
#include "lib/util.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

struct tracer {
	struct attribution *skel;
	struct tracer_cost cost;
	bool have_base;
	bool calibrated;
	struct ring_buffer *rb;
	struct bpf_link *enter_link; /* attr_sys_enter, with syscall latency on */
	FILE *events_out;
	int ncpus;
	struct attr_stats *percpu; /* lookup buffer: ncpus values */
};

static const char *const syscall_names[ATTR_NR_SYSCALLS] = {
#include "syscall-names.h"
};

static const char *const exe_dirs[] = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
                                       "/usr/bin",        "/sbin",          "/bin"};

const char *tracer_syscall_name(unsigned int nr)
{
	return nr < ATTR_NR_SYSCALLS ? syscall_names[nr] : NULL;
}

int tracer_syscall_nr(const char *name)
{
	for (unsigned int i = 0; i < ATTR_NR_SYSCALLS; i++)
		if (syscall_names[i] && !strcmp(syscall_names[i], name))
			return (int)i;
	return -1;
}

/* libbpf talks on stderr by default; keep its last warning for our error message instead. */
static char libbpf_last[512];

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	size_t n;

	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(libbpf_last, sizeof(libbpf_last), fmt, ap);
	n = strlen(libbpf_last);
	while (n && libbpf_last[n - 1] == '\n')
		libbpf_last[--n] = 0;
	return 0;
}

static int bpf_error(assay_error_t *err, int status, const char *what)
{
	if (libbpf_last[0])
		return assay_error_make(err, status, "%s (libbpf: %s)", what, libbpf_last);
	return assay_error_make(err, status, "%s", what);
}

/* The kernel's s_dev encoding (major << 20 | minor), which is what the BPF side reads. */
static int exe_key(const char *path, struct attr_exe_key *key)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	memset(key, 0, sizeof(*key));
	key->dev = (major(st.st_dev) << 20) | minor(st.st_dev);
	key->ino = st.st_ino;
	return 0;
}

int tracer_add_exe(struct tracer *t, const char *path, unsigned int role, assay_error_t *err)
{
	struct attr_exe_key key;

	if (role >= ATTR_NR_ROLES && role != ATTR_EXE_RUNSC)
		return assay_error_usage(err, "tracer: no role %u for `%s`", role, path);
	if (exe_key(path, &key) < 0)
		return assay_error_make(err, errno, "tracer: stat `%s`", path);
	if (bpf_map__update_elem(t->skel->maps.attr_exes, &key, sizeof(key), &role, sizeof(role),
	                         BPF_ANY) < 0)
		return assay_error_make(err, errno, "tracer: add `%s` to the exe table", path);
	return 0;
}

struct exe_adder {
	struct tracer *t;
	assay_error_t *err;
	int ret;
};

/* One program of the roles table (tracer_role_exes): every copy of it in the usual directories
 * and in this build's libexec/ (assay's helpers). */
static void add_exe(const char *exe, unsigned int role, void *ctx)
{
	struct exe_adder *a = ctx;
	cleanup_free char *lib = NULL;

	if (a->ret < 0)
		return;
	lib = assay_libexec_path(exe);
	if (lib && tracer_add_exe(a->t, lib, role, a->err) < 0) {
		a->ret = -1;
		return;
	}
	for (size_t d = 0; d < sizeof(exe_dirs) / sizeof(exe_dirs[0]); d++) {
		cleanup_free char *p = xasprintf("%s/%s", exe_dirs[d], exe);

		if (access(p, X_OK) == 0 && tracer_add_exe(a->t, p, role, a->err) < 0) {
			a->ret = -1;
			return;
		}
	}
}

/* Every program of the roles table, and the collector itself. */
static int add_known_exes(struct tracer *t, assay_error_t *err)
{
	struct exe_adder a = {t, err, 0};

	tracer_role_exes(add_exe, &a);
	if (a.ret < 0)
		return -1;
	return tracer_add_exe(t, "/proc/self/exe", ATTR_ROLE_COLLECTOR, err);
}

static int pidfd_open_tid(pid_t tid)
{
	int fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);

	if (fd < 0 && errno == EINVAL) /* before Linux 6.9: thread-group leaders only */
		fd = (int)syscall(SYS_pidfd_open, tid, 0);
	return fd;
}

/* flags NOEXIST keeps what the kernel side already decided (an exec since attach). */
static int set_task(struct tracer *t, pid_t tid, unsigned int role, bool lineage, __u64 flags)
{
	struct attr_task v = {.role = role, .flags = ATTR_TASK_NO_BASE}, cur;
	cleanup_close int fd = pidfd_open_tid(tid);

	if (fd < 0)
		return -1;
	if (lineage)
		v.flags |= ATTR_TASK_LINEAGE;
	/* Already so: leave it. Rewriting resets its on-CPU base (the running slice is lost) and
	 * its syscall state, and the engine reports the same daemon for every run. */
	if (bpf_map__lookup_elem(t->skel->maps.attr_tasks, &fd, sizeof(fd), &cur, sizeof(cur), 0) ==
	        0 &&
	    cur.role == role && (cur.flags & ATTR_TASK_LINEAGE) == (v.flags & ATTR_TASK_LINEAGE)) {
		if (flags == BPF_NOEXIST) {
			errno = EEXIST;
			return -1;
		}
		return 0;
	}
	return bpf_map__update_elem(t->skel->maps.attr_tasks, &fd, sizeof(fd), &v, sizeof(v),
	                            flags);
}

int tracer_set_task(struct tracer *t, pid_t tid, unsigned int role, bool lineage,
                    assay_error_t *err)
{
	if (role >= ATTR_NR_ROLES)
		return assay_error_usage(err, "tracer: no role %u", role);
	if (set_task(t, tid, role, lineage, BPF_ANY) < 0)
		return assay_error_make(err, errno, "tracer: set role of task %d", (int)tid);
	return 0;
}

static int for_each_thread(struct tracer *t, pid_t pid, unsigned int role, bool lineage,
                           __u64 flags)
{
	cleanup_free char *dir = xasprintf("/proc/%d/task", (int)pid);
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d))) {
		pid_t tid = (pid_t)atoi(de->d_name);

		if (tid <= 0)
			continue;
		/* Threads exit while we walk: only the first failure of a live one matters. */
		if (set_task(t, tid, role, lineage, flags) < 0 && errno != ESRCH &&
		    errno != EEXIST && ret == 0)
			ret = -errno;
	}
	closedir(d);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return 0;
}

int tracer_set_process(struct tracer *t, pid_t pid, unsigned int role, bool lineage,
                       assay_error_t *err)
{
	if (role >= ATTR_NR_ROLES)
		return assay_error_usage(err, "tracer: no role %u", role);
	if (for_each_thread(t, pid, role, lineage, BPF_ANY) < 0)
		return assay_error_make(err, errno, "tracer: set role of process %d", (int)pid);
	return 0;
}

/* argv[0] of a runsc process decides its role; the ptrace platform's stubs (forked by the
 * Sentry) never had a command line. */
static unsigned int runsc_role(pid_t pid)
{
	cleanup_free char *path = xasprintf("/proc/%d/cmdline", (int)pid);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	char arg0[32] = "";
	ssize_t n;

	if (fd < 0)
		return ATTR_ROLE_OCI_RUNTIME;
	n = read(fd, arg0, sizeof(arg0) - 1);
	if (n <= 0)
		return ATTR_ROLE_STUB;
	arg0[n] = 0;
	return tracer_runsc_role(arg0);
}

/* The exe table's role for a running process: ATTR_NR_ROLES when it has none. */
static unsigned int exe_role(struct tracer *t, pid_t pid)
{
	struct attr_exe_key key;
	char path[64];
	__u32 role;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if (exe_key(path, &key) < 0)
		return ATTR_NR_ROLES; /* kernel thread, or gone */
	if (bpf_map__lookup_elem(t->skel->maps.attr_exes, &key, sizeof(key), &role, sizeof(role),
	                         0) < 0)
		return ATTR_NR_ROLES;
	return role == ATTR_EXE_RUNSC ? runsc_role(pid) : role;
}

/* Tasks that run already: the exe table applies to them as if they had just exec'd. Kernel
 * threads need nothing (the BPF side classifies them at their next switch-in). */
static int seed_running(struct tracer *t, assay_error_t *err)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (d == NULL)
		return assay_error_make(err, errno, "tracer: open /proc");
	while ((de = readdir(d))) {
		pid_t pid = (pid_t)atoi(de->d_name);
		unsigned int role;

		if (pid <= 0 || (role = exe_role(t, pid)) >= ATTR_NR_ROLES)
			continue;
		/* Best effort: a process that exits meanwhile has nothing left to attribute. */
		for_each_thread(t, pid, role, false, BPF_NOEXIST);
	}
	closedir(d);
	return 0;
}

int tracer_adopt(struct tracer *t, pid_t pid, unsigned int fallback, assay_error_t *err)
{
	unsigned int role = exe_role(t, pid);

	return tracer_set_process(t, pid, role < ATTR_NR_ROLES ? role : fallback, true, err);
}

const struct tracer_cost *tracer_cost(const struct tracer *t)
{
	return t->calibrated ? &t->cost : NULL;
}

static double getppid_ns(void);

int tracer_calibrate(struct tracer *t, unsigned int role, bool lineage, assay_error_t *err)
{
	pid_t tid = (pid_t)syscall(SYS_gettid);
	struct timespec ts = {0, 1000};
	cleanup_close int fd = -1;

	if (!t->have_base)
		return assay_error_make(err, 0,
		                        "tracer: calibration needs the base measured at open");
	fd = pidfd_open_tid(tid);
	if (fd < 0)
		return assay_error_make(err, errno, "tracer: pidfd of thread %d", (int)tid);
	/* Untracked: no task storage, and a switch so that the CPU's cached state forgets us. */
	if (bpf_map__delete_elem(t->skel->maps.attr_tasks, &fd, sizeof(fd), 0) < 0 &&
	    errno != ENOENT)
		return assay_error_make(err, errno, "tracer: untrack thread %d", (int)tid);
	nanosleep(&ts, NULL);
	t->cost.untracked_ns = getppid_ns();
	if (tracer_set_task(t, tid, role, lineage, err) < 0)
		return -1;
	nanosleep(&ts, NULL);
	t->cost.tracked_ns = getppid_ns();
	t->calibrated = true;
	return 0;
}

/* Fastest of a few rounds of a getppid loop, in thread CPU time so that preemption by other
 * tasks on a busy host stays out: the null syscall, so differences are the tracer's. */
static double getppid_ns(void)
{
	enum { ROUNDS = 7, CALLS = 10000 };
	double best = 0;

	for (int r = 0; r < ROUNDS; r++) {
		uint64_t t0 = assay_now_ns(CLOCK_THREAD_CPUTIME_ID);
		double v;

		for (int i = 0; i < CALLS; i++)
			syscall(SYS_getppid);
		v = (double)(assay_now_ns(CLOCK_THREAD_CPUTIME_ID) - t0) / CALLS;
		if (r == 0 || v < best)
			best = v;
	}
	return best;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;
	const struct attr_event *e = data;

	if (size < sizeof(*e) || t->events_out == NULL)
		return 0;
	if (e->type == ATTR_EV_EXEC)
		fprintf(t->events_out,
		        "exec %d/%d %s -> %s (comm %.16s, file %.64s, argv0 %.32s)\n", (int)e->tgid,
		        (int)e->pid,
		        e->old_role < ATTR_NR_ROLES ? tracer_role_name(e->old_role) : "-",
		        tracer_role_name(e->role), e->comm, e->file, e->arg0);
	else if (e->type == ATTR_EV_STUB)
		fprintf(t->events_out, "stub %d forked by the Sentry\n", (int)e->pid);
	return 0;
}

int tracer_events_fd(struct tracer *t)
{
	return t->rb ? ring_buffer__epoll_fd(t->rb) : -1;
}

int tracer_poll_events(struct tracer *t, FILE *out)
{
	if (t->rb == NULL)
		return 0;
	t->events_out = out;
	return ring_buffer__consume(t->rb);
}

int tracer_open(const struct tracer_options *opts, struct tracer **out, assay_error_t *err)
{
	int ret, ncpus = libbpf_num_possible_cpus();
	struct tracer *t;

	libbpf_set_print(libbpf_print);
	libbpf_last[0] = 0;
	if (ncpus <= 0)
		return assay_error_make(err, -ncpus, "tracer: count possible CPUs");
	t = xcalloc(1, sizeof(*t));
	t->ncpus = ncpus;
	if (opts && opts->calibrate) {
		t->cost.base_ns = getppid_ns();
		t->have_base = true;
	}
	t->percpu = xcalloc((size_t)t->ncpus, sizeof(struct attr_stats));
	t->skel = attribution__open();
	if (t->skel == NULL) {
		ret = bpf_error(err, errno, "tracer: open the BPF object");
		goto fail;
	}
	t->skel->rodata->emit_events = opts && opts->events;
	/* sys_enter only for latency (tracer_set_latency): counting needs sys_exit alone */
	bpf_program__set_autoattach(t->skel->progs.attr_sys_enter, false);
	if (attribution__load(t->skel) < 0) {
		ret = bpf_error(err, errno, "tracer: load the BPF programs (root? BTF?)");
		goto fail;
	}
	/* The exe table first, so execs racing with attach are classified already. */
	if (add_known_exes(t, err) < 0) {
		ret = -1;
		goto fail;
	}
	if (attribution__attach(t->skel) < 0) {
		ret = bpf_error(err, errno, "tracer: attach the BPF programs");
		goto fail;
	}
	if (opts && opts->syscall_latency && tracer_set_latency(t, true, err) < 0) {
		ret = -1;
		goto fail;
	}
	if (opts && opts->events) {
		t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.attr_events), on_event, t, NULL);
		if (t->rb == NULL) {
			ret = bpf_error(err, errno, "tracer: open the event ring buffer");
			goto fail;
		}
	}
	if (seed_running(t, err) < 0) {
		ret = -1;
		goto fail;
	}
	*out = t;
	return 0;
fail:
	tracer_close(t);
	return ret;
}

int tracer_set_latency(struct tracer *t, bool on, assay_error_t *err)
{
	if (on && t->enter_link == NULL) {
		t->enter_link = bpf_program__attach(t->skel->progs.attr_sys_enter);
		if (t->enter_link == NULL) {
			int e = errno;

			return bpf_error(err, e, "tracer: attach the sys_enter program (latency)");
		}
	} else if (!on && t->enter_link) {
		bpf_link__destroy(t->enter_link);
		t->enter_link = NULL;
	}
	return 0;
}

void tracer_close(struct tracer *t)
{
	if (t == NULL)
		return;
	bpf_link__destroy(t->enter_link);
	ring_buffer__free(t->rb);
	attribution__destroy(t->skel);
	free(t->percpu);
	free(t);
}

int tracer_snapshot(struct tracer *t, struct tracer_stats *out, assay_error_t *err)
{
	const size_t words = sizeof(struct attr_stats) / sizeof(__u64);

	/* Sleep briefly so that the calling thread is switched out and its running slice lands
	 * on this side of the snapshot, as the cgroup counters it is compared with would have it.
	 */
	struct timespec ts = {0, 1000};

	nanosleep(&ts, NULL);
	memset(out, 0, sizeof(*out));
	for (__u32 i = 0; i < ATTR_NR_SLOTS; i++) {
		__u64 *sum = (__u64 *)&out->slot[i];

		if (bpf_map__lookup_elem(t->skel->maps.attr_stats, &i, sizeof(i), t->percpu,
		                         (size_t)t->ncpus * sizeof(struct attr_stats), 0) < 0)
			return assay_error_make(err, errno, "tracer: read stats slot %u", i);
		for (int c = 0; c < t->ncpus; c++) {
			const __u64 *v = (const __u64 *)&t->percpu[c];

			for (size_t w = 0; w < words; w++)
				sum[w] += v[w];
		}
	}
	return 0;
}

void tracer_stats_diff(struct tracer_stats *out, const struct tracer_stats *after,
                       const struct tracer_stats *before)
{
	const size_t words = sizeof(struct tracer_stats) / sizeof(__u64);
	const __u64 *a = (const __u64 *)after, *b = (const __u64 *)before;
	__u64 *o = (__u64 *)out;

	/* Counters only grow; a wrapped difference would mean a reset map, so clamp at zero. */
	for (size_t w = 0; w < words; w++)
		o[w] = a[w] >= b[w] ? a[w] - b[w] : 0;
}

uint64_t tracer_syscall_total(const struct attr_stats *s)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < ATTR_NR_SYSCALLS; i++)
		n += s->sc[i];
	return n;
}

uint64_t tracer_lineage_cpu_ns(const struct tracer_stats *d)
{
	uint64_t n = 0;

	for (unsigned int r = 0; r < ATTR_NR_ROLES; r++)
		n += d->slot[ATTR_NR_ROLES + r].cpu_ns;
	return n;
}

uint64_t tracer_sys_ns(const struct attr_stats *s)
{
	unsigned __int128 ticks = (unsigned __int128)s->utime_ns + s->stime_ns;

	if (ticks == 0)
		return 0;
	return (uint64_t)((unsigned __int128)s->cpu_ns * s->stime_ns / ticks);
}

static bool stats_empty(const struct attr_stats *s)
{
	return s->cpu_ns == 0 && s->nvcsw == 0 && s->nivcsw == 0 && tracer_syscall_total(s) == 0;
}

static json_t *stats_json(const struct attr_stats *s)
{
	json_t *o = json_object(), *sc = json_object(), *lat = json_array();
	uint64_t sys = tracer_sys_ns(s);
	int last = -1;

	json_object_set_new(o, "cpu_ns", json_integer((json_int_t)s->cpu_ns));
	json_object_set_new(o, "sys_ns", json_integer((json_int_t)sys));
	json_object_set_new(o, "user_ns", json_integer((json_int_t)(s->cpu_ns - sys)));
	json_object_set_new(o, "nvcsw", json_integer((json_int_t)s->nvcsw));
	json_object_set_new(o, "nivcsw", json_integer((json_int_t)s->nivcsw));
	json_object_set_new(o, "faults", json_integer((json_int_t)s->faults));
	json_object_set_new(sc, "total", json_integer((json_int_t)tracer_syscall_total(s)));
	for (unsigned int i = 0; i < ATTR_NR_SYSCALLS; i++) {
		const char *name = syscall_names[i];
		char buf[32];

		if (s->sc[i] == 0)
			continue;
		if (i == ATTR_SC_IA32)
			name = "ia32";
		if (name == NULL) {
			snprintf(buf, sizeof(buf), i == ATTR_NR_SYSCALLS - 1 ? "nr_%u+" : "nr_%u",
			         i);
			name = buf;
		}
		json_object_set_new(sc, name, json_integer((json_int_t)s->sc[i]));
	}
	json_object_set_new(o, "syscalls", sc);
	for (int i = 0; i < ATTR_LAT_BUCKETS; i++)
		if (s->lat[i])
			last = i;
	for (int i = 0; i <= last; i++)
		json_array_append_new(lat, json_integer((json_int_t)s->lat[i]));
	json_object_set_new(o, "syscall_latency_log2_ns", lat);
	return o;
}

json_t *tracer_roles_json(const struct tracer_stats *d)
{
	json_t *roles = json_object();

	for (unsigned int r = 0; r < ATTR_NR_ROLES; r++) {
		/* Kernel threads are nobody's descendants: theirs is the host-wide figure. */
		const struct attr_stats *s =
		    &d->slot[r == ATTR_ROLE_KERNEL ? r : ATTR_NR_ROLES + r];

		if (!stats_empty(s))
			json_object_set_new(roles, tracer_role_name(r), stats_json(s));
	}
	return roles;
}

json_t *tracer_outside_json(const struct tracer_stats *d)
{
	json_t *o = json_object();

	for (unsigned int r = 0; r < ATTR_NR_ROLES; r++)
		if (r != ATTR_ROLE_KERNEL && d->slot[r].cpu_ns)
			json_object_set_new(o, tracer_role_name(r),
			                    json_integer((json_int_t)d->slot[r].cpu_ns));
	return o;
}
