/* The harness's run: wl_main, the threads, the timed event loop, warm-up, --report-interval and
 * signals. The per-event path (event_loop, wl_keep_going, wl_record, wl_run_for, account_n)
 * stays in this one file, as nothing is inlined across files (no LTO); of the rest it calls only
 * wl_hist_add_n, which gcc did not inline even when the harness was one file. */
#include "harness/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One run's state; reset at the start of every wl_main (unit tests call it repeatedly). */
static struct {
	const struct wl_workload *w;
	int nthreads;
	struct wl_thread *threads; /* one array: wl_result hands it to report callbacks */
	uint64_t events_limit;
	uint64_t time_batch;     /* --time-batch */
	uint64_t events_claimed; /* atomic */
	uint64_t measure_start;  /* atomic; UINT64_MAX while warming up */
	int stop;                /* atomic: time is up, a signal came or a thread failed */
	int running;             /* atomic: threads not finished yet */
	int wake_pipe[2];        /* threads finishing and signals wake the main thread */
} H;

static volatile sig_atomic_t signal_seen;
static int signal_pipe = -1;

static void on_signal(int sig)
{
	int saved = errno;

	if (!signal_seen)
		signal_seen = sig;
	if (signal_pipe >= 0 && write(signal_pipe, "s", 1) < 0) {
		/* Nothing to do: the main thread polls signal_seen anyway. */
	}
	errno = saved;
}

bool wl_stop_requested(void)
{
	return signal_seen != 0;
}

bool wl_measuring(void)
{
	return __atomic_load_n(&H.measure_start, __ATOMIC_RELAXED) != UINT64_MAX;
}

/* n events that took ns together (n > 1 with --time-batch): each counts as ns / n. */
static inline void account_n(struct wl_thread *t, uint64_t ns, uint64_t n)
{
	uint64_t each = n == 1 ? ns : ns / n; /* no division on the per-event path */

	/* Relaxed stores: the main thread reads events and the sum for --report-interval. */
	__atomic_store_n(&t->events, t->events + n, __ATOMIC_RELAXED);
	__atomic_store_n(&t->lat_sum_ns, t->lat_sum_ns + ns, __ATOMIC_RELAXED);
	if (each < t->lat_min_ns)
		t->lat_min_ns = each;
	if (each > t->lat_max_ns)
		t->lat_max_ns = each;
	wl_hist_add_n(&t->hist, each, n);
}

static inline void account(struct wl_thread *t, uint64_t ns)
{
	account_n(t, ns, 1);
}

bool wl_keep_going(struct wl_thread *t)
{
	(void)t;
	if (__atomic_load_n(&H.stop, __ATOMIC_RELAXED))
		return false;
	if (H.events_limit && wl_measuring() &&
	    __atomic_fetch_add(&H.events_claimed, 1, __ATOMIC_RELAXED) >= H.events_limit)
		return false;
	return true;
}

void wl_record(struct wl_thread *t, uint64_t ns)
{
	if (wl_measuring())
		account(t, ns);
}

int wl_run_for(struct wl_thread *t, uint64_t ns, int (*event)(struct wl_thread *t, void *arg),
               void *arg, uint64_t *events, uint64_t *sum_ns)
{
	const uint64_t end = ns ? wl_now_ns() + ns : UINT64_MAX;

	for (;;) {
		uint64_t t0, t1;
		int rc;

		if (!wl_keep_going(t))
			return 1;
		t0 = wl_now_ns();
		rc = event(t, arg);
		t1 = wl_now_ns();
		if (rc < 0)
			return rc;
		if (wl_measuring()) {
			account(t, t1 - t0);
			*events += 1;
			*sum_ns += t1 - t0;
		}
		if (t1 >= end)
			return 0;
	}
}

static void stop_all(void)
{
	__atomic_store_n(&H.stop, 1, __ATOMIC_RELAXED);
}

/* The event loop of workloads without their own run(): events timed in batches of --time-batch
 * (default 1: each event on its own, as sysbench). Only the first next() of a batch is outside
 * the timing: with batches the point is to read the clock rarely where reading it is dear
 * (under gVisor here a clock read traps into the Sentry). */
static inline __attribute__((always_inline)) int event_loop(struct wl_thread *t,
                                                            const uint64_t batch)
{
	const struct wl_workload *w = H.w;
	int rc = 0;

	for (;;) {
		uint64_t t0 = 0, n = 0;
		bool more = true;

		while (n < batch && (more = wl_keep_going(t))) {
			if (w->next && (rc = w->next(t)) != 0)
				break; /* > 0: the workload is done */
			if (n == 0)
				t0 = wl_now_ns();
			if (w->event && (rc = w->event(t)) < 0)
				break;
			rc = 0;
			n++;
		}
		/* Events begun during warm-up are not counted. */
		if (n && t0 >= __atomic_load_n(&H.measure_start, __ATOMIC_RELAXED))
			account_n(t, wl_now_ns() - t0, n);
		if (rc || !more)
			return rc;
	}
}

/* Compiled twice: with batch 1 (sysbench's per-event timing, the hot path of 60 ns memory
 * events) the inner loop folds away; a runtime batch size there cost 3 % of throughput. */
static int worker_events(struct wl_thread *t)
{
	return H.time_batch == 1 ? event_loop(t, 1) : event_loop(t, H.time_batch);
}

static void *worker(void *arg)
{
	struct wl_thread *t = arg;
	const struct wl_workload *w = H.w;
	int rc = w->run ? w->run(t) : worker_events(t);

	if (rc > 0)
		rc = 0;
	if (w->thread_done) {
		/* Also after a failure: thread_done releases what thread_init took. */
		int r2 = w->thread_done(t);
		if (rc == 0)
			rc = r2;
	}
	if (rc < 0) {
		t->status = rc;
		stop_all();
	}
	t->busy_ns = wl_now_ns() - __atomic_load_n(&H.measure_start, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&H.running, 1, __ATOMIC_RELEASE);
	if (write(H.wake_pipe[1], "t", 1) < 0) {
		/* The main thread also wakes on its timeout. */
	}
	return NULL;
}

static FILE *progress_out(void)
{
	return wl_opt_bool("json") ? stderr : stdout;
}

static void report_interval(double elapsed_s, double interval_s)
{
	uint64_t ev = 0, sum = 0;

	for (int i = 0; i < H.nthreads; i++) {
		struct wl_thread *t = &H.threads[i];
		uint64_t e = __atomic_load_n(&t->events, __ATOMIC_RELAXED);
		uint64_t s = __atomic_load_n(&t->lat_sum_ns, __ATOMIC_RELAXED);
		ev += e - t->ival_events;
		sum += s - t->ival_sum_ns;
		t->ival_events = e;
		t->ival_sum_ns = s;
	}
	fprintf(progress_out(), "[ %.0fs ] thds: %d eps: %.2f lat (ms,avg): %.3f\n", elapsed_s,
	        __atomic_load_n(&H.running, __ATOMIC_RELAXED), ev / interval_s,
	        ev ? sum / 1e6 / ev : 0.0);
	fflush(progress_out());
}

static void drain(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

/* Sleeps until `until_ns` (CLOCK_MONOTONIC) or until a thread finishes or a signal comes. */
static void wait_until(uint64_t until_ns)
{
	struct pollfd p = {.fd = H.wake_pipe[0], .events = POLLIN};
	uint64_t now = wl_now_ns();
	struct timespec ts = {0, 0};

	if (until_ns > now) {
		uint64_t d = until_ns - now;
		ts.tv_sec = (time_t)(d / 1000000000u);
		ts.tv_nsec = (long)(d % 1000000000u);
	}
	if (ppoll(&p, 1, until_ns == UINT64_MAX ? NULL : &ts, NULL) > 0)
		drain(H.wake_pipe[0]);
}

static uint64_t seconds_ns(double s)
{
	return s <= 0 ? 0 : (uint64_t)(s * 1e9 + 0.5);
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Runs the threads; fills *total_ns. Returns <0 when a thread failed or could not start. */
static int run_threads(uint64_t seed, uint64_t *total_ns)
{
	const uint64_t warmup_ns = seconds_ns(wl_opt_double("warmup-time"));
	const uint64_t time_ns = seconds_ns(wl_opt_double("time"));
	const double ival_s = wl_opt_double("report-interval");
	const uint64_t ival_ns = seconds_ns(ival_s);
	pthread_t *tids;
	sigset_t block, old;
	uint64_t t_begin, start, deadline, next_report, end = 0;
	int started = 0, rc = 0;

	tids = calloc(H.nthreads, sizeof(*tids));
	H.threads = aligned_alloc(64, H.nthreads * sizeof(*H.threads));
	if (!tids || !H.threads) {
		free(tids);
		return wl_error_errno("allocating %d threads", H.nthreads);
	}
	memset(H.threads, 0, H.nthreads * sizeof(*H.threads));
	for (int i = 0; i < H.nthreads; i++) {
		struct wl_thread *t = &H.threads[i];
		t->id = i;
		t->lat_min_ns = UINT64_MAX;
		uint64_t x = seed + (uint64_t)i * 0x51ed2701u;
		t->rng[0] = splitmix64(&x);
		t->rng[1] = splitmix64(&x);
	}
	for (int i = 0; i < H.nthreads; i++) {
		if (H.w->thread_init && (rc = H.w->thread_init(&H.threads[i])) < 0) {
			/* The failed one cleaned up after itself; the others had no run. */
			for (int k = 0; k < i && H.w->thread_done; k++)
				H.w->thread_done(&H.threads[k]);
			goto out;
		}
	}

	H.measure_start = warmup_ns ? UINT64_MAX : wl_now_ns();
	H.running = H.nthreads;
	/* Workers leave signals to the main thread, whose ppoll they interrupt. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	t_begin = wl_now_ns();
	for (; started < H.nthreads; started++) {
		int e = pthread_create(&tids[started], NULL, worker, &H.threads[started]);
		if (e) {
			errno = e;
			rc = wl_error_errno("starting thread %d", started);
			stop_all();
			__atomic_fetch_sub(&H.running, H.nthreads - started, __ATOMIC_RELAXED);
			break;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	if (warmup_ns) {
		while (!signal_seen && __atomic_load_n(&H.running, __ATOMIC_ACQUIRE) > 0 &&
		       wl_now_ns() < t_begin + warmup_ns)
			wait_until(t_begin + warmup_ns);
		__atomic_store_n(&H.measure_start, wl_now_ns(), __ATOMIC_RELAXED);
	}
	start = H.measure_start;
	deadline = time_ns ? start + time_ns : UINT64_MAX;
	next_report = ival_ns ? start + ival_ns : UINT64_MAX;
	while (__atomic_load_n(&H.running, __ATOMIC_ACQUIRE) > 0) {
		uint64_t now = wl_now_ns();
		if (signal_seen)
			stop_all();
		if (now >= deadline)
			stop_all();
		if (now >= next_report) {
			report_interval((next_report - start) / 1e9, ival_s);
			next_report += ival_ns;
		}
		wait_until(next_report < deadline ? next_report : deadline);
	}
	for (int i = started; i < H.nthreads && H.w->thread_done; i++)
		H.w->thread_done(&H.threads[i]);
	for (int i = 0; i < started; i++) {
		pthread_join(tids[i], NULL);
		if (H.threads[i].status < 0 && rc == 0)
			rc = H.threads[i].status;
		if (H.threads[i].busy_ns > end)
			end = H.threads[i].busy_ns;
	}
	*total_ns = end;
out:
	free(tids);
	return rc;
}

static void free_threads(void)
{
	free(H.threads);
	H.threads = NULL;
}

int wl_main(const struct wl_workload *w, int argc, char **argv, uint64_t start_ns)
{
	struct sigaction sa, old_int, old_term;
	struct wl_result *res = NULL;
	uint64_t seed, total_ns = 0;
	bool inited = false;
	int rc, status;

	memset(&H, 0, sizeof(H));
	harness_error_reset();
	H.w = w;
	H.wake_pipe[0] = H.wake_pipe[1] = -1;
	signal_seen = 0;
	harness_hist_setup();

	if ((rc = harness_opts_parse(w, argc, argv)) < 0)
		goto finish;
	if (wl_opt_bool("help")) {
		harness_print_help(stdout, w);
		goto finish;
	}
	if (wl_opt_bool("version")) {
		printf("%s (assay %s)\n", w->name, ASSAY_VERSION);
		goto finish;
	}

	H.nthreads = (int)wl_opt_int("threads");
	H.events_limit = (uint64_t)wl_opt_int("events");
	H.time_batch = (uint64_t)wl_opt_int("time-batch");
	seed = (uint64_t)wl_opt_int("rand-seed");
	if (!seed)
		seed = wl_now_ns() ^ ((uint64_t)getpid() << 32);

	if (pipe2(H.wake_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		rc = wl_error_errno("pipe");
		goto finish;
	}
	signal_pipe = H.wake_pipe[1];
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	if ((rc = harness_pin()) < 0)
		goto restore;
	if (w->init && (rc = w->init()) < 0)
		goto restore;
	inited = true;
	if (signal_seen)
		goto restore;
	if (!wl_opt_bool("json"))
		harness_print_header(w, H.nthreads, seed);
	rc = run_threads(seed, &total_ns);
	if (rc < 0 || signal_seen)
		goto restore;
	res = calloc(1, sizeof(*res));
	if (!res) {
		rc = wl_error_errno("allocating the result");
		goto restore;
	}
	harness_merge_results(res, H.threads, H.nthreads, total_ns);
	if (wl_opt_bool("json"))
		harness_print_json(w, res, start_ns, seed);
	else
		harness_print_text(w, res);

restore:
	/* Per-thread state belongs to the workload until done() has run. */
	if (inited && w->done)
		w->done();
	free(res);
	free_threads();
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	signal_pipe = -1;
finish:
	if (H.wake_pipe[0] >= 0) {
		close(H.wake_pipe[0]);
		close(H.wake_pipe[1]);
	}
	fflush(stdout);
	status = 0;
	if (rc < 0 || harness_error_code()) {
		const char *msg = harness_error_msg();
		fprintf(stderr, "%s: %s\n", w->name, msg[0] ? msg : "failed");
		status = harness_error_code() == 2 || rc == -2 ? 2 : 1;
	} else if (signal_seen) {
		status = 128 + signal_seen;
	}
	harness_error_fini();
	return status;
}
