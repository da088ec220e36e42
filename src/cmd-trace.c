/* `collector trace [--json] [-o FILE] [--role=ROLE:PATH]... [--syscall-latency] -- CMD...`: runs
 * CMD under the tracer and attributes its run (CPU, system time, syscalls) to roles.
 *
 * CMD is the root of the lineage: it and everything it starts, even daemons that detach (the
 * collector becomes their subreaper), count as the run's. The independent check is the rusage
 * of every reaped descendant, which the kernel derives from the same exact runtime counter, so
 * coverage near 1 means no task of the run escaped classification. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "commands.h"
#include "lib/proc.h"
#include "tracer/tracer.h"
#include "lib/util.h"

/* How long descendants that outlive CMD (daemons it started) get to exit before the report. */
#define ORPHAN_GRACE_NS (5ull * 1000000000ull)

static int sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	int saved = errno;

	if (stop_signal == 0)
		stop_signal = sig;
	if (write(sig_pipe[1], "x", 1) < 0) {
		/* full pipe: the flag is enough */
	}
	errno = saved;
}

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: collector trace [OPTION...] -- CMD [ARG...]\n\n"
	    "Runs CMD with the eBPF tracer attached and attributes the CPU time and syscalls of\n"
	    "CMD and everything it starts to roles: workload, sentry, gofer, stub, oci-runtime,\n"
	    "shim, cri-daemon, pause, collector, kernel, other.\n\n"
	    "  --json             one JSON object instead of the table\n"
	    "  -o, --output=FILE  write the report to FILE (default: standard output)\n"
	    "  --role=ROLE:PATH   processes exec'ing PATH get ROLE (repeatable)\n"
	    "  --events           print exec and stub classification events on stderr\n"
	    "  --syscall-latency  per-syscall latency histograms (costs two clock reads per call)\n"
	    "  -h, --help         this text\n\n"
	    "CMD starts as `workload` unless its executable has a role. Exit status: CMD's.\n");
}

static uint64_t tv_ns(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000000ull + (uint64_t)tv->tv_usec * 1000ull;
}

/* The reaped descendants' CPU, user and system (the kernel's split, as the tracer's). */
struct child_cpu {
	uint64_t user_ns, sys_ns;
};

static struct child_cpu children_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (struct child_cpu){tv_ns(&ru.ru_utime), tv_ns(&ru.ru_stime)};
}

static int add_role_opt(struct tracer *t, const char *arg, assay_error_t *err)
{
	cleanup_free char *role = xstrdup(arg);
	char *path = strchr(role, ':');
	int r;

	if (path == NULL)
		return assay_error_usage(err, "trace: --role wants ROLE:PATH, got `%s`", arg);
	*path++ = 0;
	if (!strcmp(role, "runsc"))
		return tracer_add_exe(t, path, ATTR_EXE_RUNSC, err);
	r = tracer_role_from_name(role);
	if (r < 0)
		return assay_error_usage(err, "trace: unknown role `%s`", role);
	return tracer_add_exe(t, path, (unsigned int)r, err);
}

static void print_table(FILE *f, const struct tracer_stats *d, uint64_t wall_ns, uint64_t indep)
{
	uint64_t lineage = tracer_lineage_cpu_ns(d);

	fprintf(f, "%-12s %10s %6s %10s %10s %10s %9s %9s  %s\n", "role", "cpu_ms", "cpu%",
	        "sys_ms", "user_ms", "syscalls", "vcsw", "ivcsw", "top syscalls");
	for (unsigned int r = 0; r < ATTR_NR_ROLES; r++) {
		const struct attr_stats *s =
		    &d->slot[r == ATTR_ROLE_KERNEL ? r : ATTR_NR_ROLES + r];
		uint64_t sys = tracer_sys_ns(s);
		unsigned int top[3] = {0, 0, 0};
		uint64_t n = tracer_syscall_total(s);

		if (s->cpu_ns == 0 && n == 0)
			continue;
		for (unsigned int i = 0; i < ATTR_NR_SYSCALLS; i++) {
			if (s->sc[i] > s->sc[top[0]]) {
				top[2] = top[1];
				top[1] = top[0];
				top[0] = i;
			} else if (i != top[0] && s->sc[i] > s->sc[top[1]]) {
				top[2] = top[1];
				top[1] = i;
			} else if (i != top[0] && i != top[1] && s->sc[i] > s->sc[top[2]]) {
				top[2] = i;
			}
		}
		fprintf(f, "%-12s %10.1f %6.1f %10.1f %10.1f %10llu %9llu %9llu ",
		        tracer_role_name(r), s->cpu_ns / 1e6,
		        lineage ? 100.0 * (double)s->cpu_ns / (double)lineage : 0.0, sys / 1e6,
		        (s->cpu_ns - sys) / 1e6, (unsigned long long)n,
		        (unsigned long long)s->nvcsw, (unsigned long long)s->nivcsw);
		for (int k = 0; k < 3; k++) {
			const char *name = tracer_syscall_name(top[k]);

			if (s->sc[top[k]])
				fprintf(f, " %s:%llu", name ? name : "?",
				        (unsigned long long)s->sc[top[k]]);
		}
		fputc('\n', f);
	}
	fprintf(f,
	        "wall %.3f s; run's CPU %.1f ms (kernel threads host-wide, not included); "
	        "independent (rusage) %.1f ms; coverage %.3f\n",
	        wall_ns / 1e9, lineage / 1e6, indep / 1e6,
	        indep ? (double)lineage / (double)indep : 0);
}

static json_t *report_json(char **cmd, int status, const struct tracer_stats *d, uint64_t wall_ns,
                           struct child_cpu ru, int unreaped, bool latency)
{
	uint64_t indep = ru.user_ns + ru.sys_ns;
	json_t *o = json_object(), *argv = json_array(), *cov = json_object();
	uint64_t lineage = tracer_lineage_cpu_ns(d);

	for (char **a = cmd; *a; a++)
		json_array_append_new(argv, json_string(*a));
	json_object_set_new(o, "command", argv);
	if (WIFEXITED(status))
		json_object_set_new(o, "exit_status", json_integer(WEXITSTATUS(status)));
	else
		json_object_set_new(o, "signal", json_integer(WTERMSIG(status)));
	json_object_set_new(o, "wall_ns", json_integer((json_int_t)wall_ns));
	json_object_set_new(o, "roles", tracer_roles_json(d));
	json_object_set_new(o, "outside", tracer_outside_json(d));
	json_object_set_new(cov, "attributed_ns", json_integer((json_int_t)lineage));
	json_object_set_new(cov, "independent_ns", json_integer((json_int_t)indep));
	json_object_set_new(cov, "independent_user_ns", json_integer((json_int_t)ru.user_ns));
	json_object_set_new(cov, "independent_sys_ns", json_integer((json_int_t)ru.sys_ns));
	json_object_set_new(cov, "method", json_string("rusage of reaped descendants"));
	json_object_set_new(o, "coverage", json_real(indep ? (double)lineage / (double)indep : 0));
	json_object_set_new(o, "coverage_detail", cov);
	json_object_set_new(o, "unreaped", json_integer(unreaped));
	json_object_set_new(o, "syscall_latency", json_boolean(latency));
	return o;
}

/* Waits for the root, forwarding stop signals to it and draining events. */
static int wait_root(struct tracer *t, pid_t child, int *status, bool events)
{
	int pidfd = (int)syscall(SYS_pidfd_open, child, 0);
	uint64_t kill_at = 0;

	for (;;) {
		struct pollfd fds[3] = {{.fd = pidfd, .events = POLLIN},
		                        {.fd = sig_pipe[0], .events = POLLIN},
		                        {.fd = tracer_events_fd(t), .events = POLLIN}};
		char buf[16];
		pid_t r;

		r = waitpid(child, status, WNOHANG);
		if (r == child)
			break;
		if (r < 0 && errno != EINTR) {
			close(pidfd);
			return -1;
		}
		if (poll(fds, events ? 3 : 2, pidfd < 0 ? 50 : 500) < 0 && errno != EINTR)
			continue;
		if (fds[1].revents & POLLIN) {
			while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
				;
			kill(child, stop_signal);
			if (kill_at == 0)
				kill_at = assay_now_ns(CLOCK_MONOTONIC) + ORPHAN_GRACE_NS;
		}
		if (kill_at && assay_now_ns(CLOCK_MONOTONIC) > kill_at)
			kill(child, SIGKILL);
		if (events)
			tracer_poll_events(t, stderr);
	}
	if (pidfd >= 0)
		close(pidfd);
	return 0;
}

/* Daemons CMD started were re-parented to us: give them a moment. Returns how many children are
 * still there after it. */
static int reap_orphans(struct tracer *t, bool events)
{
	uint64_t deadline = assay_now_ns(CLOCK_MONOTONIC) + ORPHAN_GRACE_NS;
	cleanup_free char *path =
	    xasprintf("/proc/%d/task/%d/children", (int)getpid(), (int)getpid());
	cleanup_file FILE *f = NULL;
	int left = 0, pid;

	for (;;) {
		pid_t r = waitpid(-1, NULL, WNOHANG);

		if (r > 0)
			continue;
		if (r < 0)
			return 0; /* ECHILD: all gone */
		if (assay_now_ns(CLOCK_MONOTONIC) > deadline || stop_signal)
			break;
		if (events)
			tracer_poll_events(t, stderr);
		usleep(20000);
	}
	/* Our only thread adopted them, so its children list holds them all. */
	f = fopen(path, "re");
	while (f && fscanf(f, "%d", &pid) == 1)
		left++;
	return left ? left : 1;
}

int cmd_trace(int argc, char **argv, assay_error_t *err)
{
	static const struct option longopts[] = {{"json", no_argument, NULL, 'j'},
	                                         {"output", required_argument, NULL, 'o'},
	                                         {"role", required_argument, NULL, 'r'},
	                                         {"events", no_argument, NULL, 'e'},
	                                         {"syscall-latency", no_argument, NULL, 'l'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	struct tracer_options topts = {0};
	const char *output = NULL;
	char **roles = xcalloc((size_t)argc, sizeof(char *));
	cleanup_free char **roles_owner = roles;
	cleanup_free struct tracer_stats *before = NULL, *after = NULL;
	struct sigaction sa = {0}, old_int, old_term;
	struct tracer *t = NULL;
	bool json = false;
	int nroles = 0, opt, status = 0, ret, unreaped = 0, go[2] = {-1, -1};
	uint64_t t0, t1;
	struct child_cpu cpu0, cpu1;
	pid_t child;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'o':
			output = optarg;
			break;
		case 'r':
			roles[nroles++] = optarg;
			break;
		case 'e':
			topts.events = true;
			break;
		case 'l':
			topts.syscall_latency = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return assay_error_usage(
			    err, "trace: bad option (see `collector trace --help`)");
		}
	}
	if (optind >= argc)
		return assay_error_usage(err,
		                         "trace: no command given (collector trace -- CMD...)");

	if (tracer_open(&topts, &t, err) < 0)
		return -1;
	for (int i = 0; i < nroles; i++) {
		if (add_role_opt(t, roles[i], err) < 0) {
			tracer_close(t);
			return -1;
		}
	}
	before = xcalloc(1, sizeof(*before));
	after = xcalloc(1, sizeof(*after));

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0 || pipe2(go, O_CLOEXEC) < 0) {
		tracer_close(t);
		return assay_error_make(err, errno, "trace: pipe");
	}
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	prctl(PR_SET_CHILD_SUBREAPER, 1);

	{
		/* the child waits for its role (the gate) so nothing runs unattributed */
		struct proc_opts o = {.argv = argv + optind, .interactive = true, .gate = go[0]};

		if (proc_spawn(&o, &child, err) < 0) {
			ret = -1;
			goto out;
		}
	}
	close(go[0]);
	go[0] = -1;
	ret = tracer_set_task(t, child, ATTR_ROLE_WORKLOAD, true, err);
	if (ret == 0)
		ret = tracer_snapshot(t, before, err);
	if (ret < 0) {
		kill(child, SIGKILL);
		close(go[1]);
		go[1] = -1;
		waitpid(child, NULL, 0);
		goto out;
	}
	cpu0 = children_cpu();
	t0 = assay_now_ns(CLOCK_MONOTONIC);
	/* a byte opens the gate (the child holds a copy of this end too: no EOF before exec) */
	if (write(go[1], "g", 1) != 1) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		ret = assay_error_make(err, errno, "trace: start `%s`", argv[optind]);
		goto out;
	}
	close(go[1]);
	go[1] = -1;

	if (wait_root(t, child, &status, topts.events) < 0) {
		ret = assay_error_make(err, errno, "trace: wait for `%s`", argv[optind]);
		goto out;
	}
	t1 = assay_now_ns(CLOCK_MONOTONIC);
	unreaped = reap_orphans(t, topts.events);
	if (topts.events)
		tracer_poll_events(t, stderr);
	ret = tracer_snapshot(t, after, err);
	if (ret < 0)
		goto out;
	cpu1 = children_cpu();
	cpu1.user_ns -= cpu0.user_ns;
	cpu1.sys_ns -= cpu0.sys_ns;
	tracer_stats_diff(after, after, before);
	if (unreaped)
		fprintf(stderr, "collector: trace: descendants of `%s` still run after %.0f s\n",
		        argv[optind], ORPHAN_GRACE_NS / 1e9);

	{
		cleanup_file FILE *out_f = NULL;
		FILE *f = stdout;

		if (output) {
			out_f = fopen(output, "we");
			if (out_f == NULL) {
				ret = assay_error_make(err, errno, "trace: open `%s`", output);
				goto out;
			}
			f = out_f;
		}
		if (json) {
			json_t *o = report_json(argv + optind, status, after, t1 - t0, cpu1,
			                        unreaped, topts.syscall_latency);

			json_dumpf(o, f, JSON_INDENT(2) | JSON_SORT_KEYS);
			fputc('\n', f);
			json_decref(o);
		} else {
			print_table(f, after, t1 - t0, cpu1.user_ns + cpu1.sys_ns);
		}
		if (fflush(f) != 0) {
			ret = assay_error_make(err, errno, "trace: write the report");
			goto out;
		}
	}
	if (stop_signal)
		ret = 128 + stop_signal;
	else if (WIFEXITED(status))
		ret = WEXITSTATUS(status);
	else
		ret = 128 + WTERMSIG(status);
out:
	tracer_close(t);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	for (int i = 0; i < 2; i++) {
		if (go[i] >= 0)
			close(go[i]);
		if (sig_pipe[i] >= 0)
			close(sig_pipe[i]);
		sig_pipe[i] = -1;
	}
	return ret;
}
