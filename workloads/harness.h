/* The workloads' shared harness: sysbench 1.0.20's model in one small static library.
 *
 * A workload is one file (workloads/NAME.c) holding an ops table, `struct wl_workload`, and
 * the line `WL_MAIN(NAME_workload)`. The harness does everything else: option parsing (common
 * options plus the workload's table), threads, the timed run loop, warm-up, the latency
 * histogram, --report-interval lines, the sysbench-like text summary and the one-line JSON.
 *
 * Life of a run (wl_main):
 *   parse options (usage error: one line on stderr, exit 2)
 *   ops.init()                         main thread, untimed (allocate, prepare files...)
 *   per thread: ops.thread_init(t)     untimed, before the clock starts
 *   clock starts (after --warmup-time, if any)
 *   per thread, until --time / --events / ops.next() says stop / SIGINT / SIGTERM:
 *       ops.next(t)                    untimed: build the next request; 1 = no more work
 *       ops.event(t)                   timed (CLOCK_MONOTONIC): one event
 *     or, instead of next/event, ops.run(t): the workload's own loop (see below)
 *   per thread: ops.thread_done(t)     inside the total time (e.g. fsync at end); runs for
 *                                      every thread whose thread_init succeeded, also after
 *                                      a failure or a signal (its result is then ignored;
 *                                      wl_stop_requested() tells a signal); a thread_init
 *                                      that fails cleans up after itself
 *   clock stops; ops.report_text() or ops.report_json() with the merged wl_result (only
 *                                      when the run succeeded and no signal came); they may
 *                                      read t->priv, so per-thread results must live until
 *                                      done() (allocate them in init, free them in done)
 *   ops.done()                         always, on every exit path after init succeeded
 *
 * Every callback is optional. Callbacks returning int: 0 success, <0 failure made with
 * wl_error()/wl_error_errno() (exit 1) or wl_usage_error() (exit 2). Only wl_main prints errors.
 *
 * Exit status: 0 success, 1 failure, 2 bad usage, 128+N after signal N (once done() ran).
 *
 * Common options (sysbench 1.0.20 names and defaults): --threads=1 --time=10 --events=0
 * --warmup-time=0 --percentile=95 --histogram=off --report-interval=0 --rand-seed=0 (0: from
 * the clock) --json=off, plus --help and --version. A workload may list a common option in its
 * own table to change its default and help text (type must stay the same).
 *
 * Option syntax: --name=value or --name value; a bare --name means "on" for a boolean.
 * Sizes take K/M/G/T suffixes in powers of 1024 (as sysbench); booleans on/off/true/false/1/0.
 */
#ifndef ASSAY_WORKLOAD_HARNESS_H
#define ASSAY_WORKLOAD_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#ifndef ASSAY_VERSION
#define ASSAY_VERSION "unknown"
#endif

/* ---- options ---------------------------------------------------------------------------- */

enum wl_opt_type {
	WL_OPT_INT,    /* signed 64-bit integer */
	WL_OPT_SIZE,   /* bytes, with K/M/G/T suffixes (powers of 1024) */
	WL_OPT_DOUBLE, /* floating point */
	WL_OPT_BOOL,   /* on/off/true/false/1/0 */
	WL_OPT_STRING, /* free text (the workload validates it in init) */
	WL_OPT_CHOICE, /* exactly one of `choices` ("seq|rnd"); value = its index */
	WL_OPT_FLAGS,  /* comma-separated subset of `choices` (may be empty); value = bit mask,
	                  bit i set when choice i was given */
};

struct wl_option {
	const char *name; /* without the leading "--" */
	enum wl_opt_type type;
	const char *def;     /* default, written as a user would (NULL: empty string / 0) */
	const char *choices; /* CHOICE and FLAGS: "a|b|c"; otherwise NULL */
	const char *help;
	double min, max; /* INT, SIZE, DOUBLE: accepted range; both 0 means any value >= 0 */
};

/* Values after parsing, looked up by name (abort()s on a name that no table declares, which
 * is a programming error). Call them from init or later, cache what the hot path needs. */
int64_t wl_opt_int(const char *name);
uint64_t wl_opt_size(const char *name);
double wl_opt_double(const char *name);
bool wl_opt_bool(const char *name);
const char *wl_opt_str(const char *name); /* STRING as given; CHOICE: the chosen word;
                                             FLAGS: the text as given */
unsigned wl_opt_choice(const char *name); /* CHOICE: index; FLAGS: bit mask */

/* The parsers the harness uses, for workloads that take lists (e.g. memlat's --sizes). 0 on
 * success, -1 on bad input (nothing printed). */
int wl_parse_size(const char *s, uint64_t *out);
int wl_parse_bool(const char *s, bool *out);
int wl_parse_double(const char *s, double *out);
int wl_parse_int(const char *s, int64_t *out);

/* ---- errors ----------------------------------------------------------------------------- */

/* Each records the message for wl_main to print ("NAME: message") and returns a negative
 * value to pass up: -1 (exit 1) for failures, -2 (exit 2) for bad usage. wl_error_errno
 * appends ": strerror(errno)". Use in usage errors the option's name and accepted values:
 *   return wl_usage_error("--memory-block-size: must be a power of two >= 8, got %s", s); */
int wl_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int wl_error_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int wl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- histogram (sysbench's sb_histogram: 1024 log buckets, 0.001 ms .. 100000 ms) ------- */

#define WL_HIST_SIZE 1024
#define WL_HIST_FINE 1024 /* 1-ns bins under bucket 0's upper bound (~1009 ns) */

struct wl_hist {
	uint64_t count[WL_HIST_SIZE];
	uint64_t total;
	/* sysbench reports every sub-microsecond percentile as bucket 0 (0.001 ms); these 1-ns
	 * bins resolve a percentile that falls in bucket 0 to the real figure. */
	uint64_t fine[WL_HIST_FINE];
};

/* Bucket of a latency: round((ln(ms) - ln(0.001)) * 1023 / (ln(100000) - ln(0.001))), clamped
 * to [0, 1023]; sub-microsecond values land in bucket 0. */
unsigned wl_hist_bucket(uint64_t ns);
/* The value a bucket stands for, as sysbench prints it: exp(i / mult + ln(0.001)) ms. */
double wl_hist_bucket_ms(unsigned i);
void wl_hist_add(struct wl_hist *h, uint64_t ns);
void wl_hist_merge(struct wl_hist *dst, const struct wl_hist *src);
/* sysbench's rule: target = floor(total * pct / 100 + 0.5); value of the first bucket whose
 * running count reaches it; 0 when empty. Exception: when that is bucket 0, the value is the
 * 1-ns bin that reaches the target (sysbench would say 0.001 ms for a 40 ns event). */
double wl_hist_percentile_ms(const struct wl_hist *h, double pct);

/* ---- threads, events, time -------------------------------------------------------------- */

struct wl_thread {
	int id;          /* 0 .. threads-1 */
	void *priv;      /* the workload's per-thread state: set it in thread_init, free in
	                    thread_done or done */
	uint64_t rng[2]; /* xoroshiro128+ state, seeded from --rand-seed and id */

	/* Owned by the harness; read them in report callbacks. */
	uint64_t events; /* counted (after warm-up) events */
	uint64_t lat_sum_ns, lat_min_ns, lat_max_ns;
	uint64_t busy_ns; /* this thread's time from clock start to the end of thread_done */
	struct wl_hist hist;
	/* Private to the harness. */
	uint64_t ival_events, ival_sum_ns;
	int status;
} __attribute__((aligned(64))); /* threads sit in one array: keep their hot fields apart */

static inline uint64_t wl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* xoroshiro128+ (as sysbench's sb_rand), per thread so the hot path takes no lock. Hot loops
 * may copy t->rng into a local array, step it with wl_rand_step and store it back: the
 * compiler then keeps the state in registers across volatile stores. */
#define WL_INLINE static inline __attribute__((always_inline))

WL_INLINE uint64_t wl_rand_step(uint64_t s[2])
{
	uint64_t s0 = s[0], s1 = s[1], r = s0 + s1;

	s1 ^= s0;
	s[0] = ((s0 << 24) | (s0 >> 40)) ^ s1 ^ (s1 << 16);
	s[1] = (s1 << 37) | (s1 >> 27);
	return r;
}

/* Uniform in [0, 1) from 53 bits, as sysbench's sb_rand_uniform_double. */
WL_INLINE double wl_rand_unit_step(uint64_t s[2])
{
	/* Through int64_t: the value fits, and the signed conversion is one instruction. */
	return (double)(int64_t)(wl_rand_step(s) >> 11) * 0x1.0p-53;
}

WL_INLINE uint64_t wl_rand(struct wl_thread *t)
{
	return wl_rand_step(t->rng);
}

WL_INLINE double wl_rand_unit(struct wl_thread *t)
{
	return wl_rand_unit_step(t->rng);
}

/* For ops.run: the workload's own measurement loop, still bound by the common options.
 * wl_keep_going(t) returns true while this thread may start another event (time and --events
 * left, no signal); it claims the event against --events. wl_record(t, ns) counts one event of
 * ns nanoseconds (dropped while warming up). wl_measuring() tells warm-up (false) from the
 * measured run (true). wl_stop_requested() is true once SIGINT/SIGTERM arrived (init-time
 * loops, e.g. a long prepare, should poll it and return wl_error("interrupted")). */
bool wl_keep_going(struct wl_thread *t);
void wl_record(struct wl_thread *t, uint64_t ns);
/* The usual ops.run loop, for workloads that measure several things in turn (memlat's sizes,
 * syscall's operations): runs event(t, arg) as timed events for `ns` nanoseconds (0: until the
 * common limits end the run), recording each; measured (post-warm-up) events are also added to
 * *events and *sum_ns. Returns the first negative value event() returns, 1 once the common
 * limits (--time, --events, a signal) have ended the run, 0 when `ns` ran out. */
int wl_run_for(struct wl_thread *t, uint64_t ns, int (*event)(struct wl_thread *t, void *arg),
               void *arg, uint64_t *events, uint64_t *sum_ns);
bool wl_measuring(void);
bool wl_stop_requested(void);

/* ---- results and printing --------------------------------------------------------------- */

struct wl_result {
	const struct wl_thread *threads;
	int nthreads;
	uint64_t events;
	double total_time_s; /* clock start .. last thread's thread_done; rates divide by it */
	uint64_t lat_min_ns, lat_max_ns, lat_sum_ns;
	double lat_avg_ns;
	double percentile;   /* --percentile */
	double lat_pct_ns;   /* that percentile from the merged histogram, clamped to [min, max] */
	struct wl_hist hist; /* merged */
};

/* Streaming JSON writer for report_json. Inside an object pass the key; inside an array pass
 * key NULL. Doubles print with %.10g (non-finite values print as null). The harness opens the
 * top-level object and closes it. */
struct wl_json {
	FILE *out;
	int depth;
	bool need_comma[16];
};
void wl_json_int(struct wl_json *j, const char *key, int64_t v);
void wl_json_uint(struct wl_json *j, const char *key, uint64_t v);
void wl_json_double(struct wl_json *j, const char *key, double v);
void wl_json_bool(struct wl_json *j, const char *key, bool v);
void wl_json_str(struct wl_json *j, const char *key, const char *s);
void wl_json_null(struct wl_json *j, const char *key);
void wl_json_begin_object(struct wl_json *j, const char *key);
void wl_json_end_object(struct wl_json *j);
void wl_json_begin_array(struct wl_json *j, const char *key);
void wl_json_end_array(struct wl_json *j);

/* ---- the ops table ---------------------------------------------------------------------- */

struct wl_workload {
	const char *name;                /* "cpu": binary name, JSON "workload", message prefix */
	const char *summary;             /* one line for --help */
	const struct wl_option *options; /* terminated by an entry with name NULL; may be NULL */

	int (*init)(void);
	int (*thread_init)(struct wl_thread *t);
	int (*next)(struct wl_thread *t); /* 0: do an event, 1: this thread is finished */
	int (*event)(struct wl_thread *t);
	int (*run)(struct wl_thread *t); /* instead of next/event */
	int (*thread_done)(struct wl_thread *t);
	/* Text: the workload's section, printed before the common "General statistics" block
	 * (sysbench prints e.g. "CPU speed:\n    events per second: ..." there). */
	void (*report_text)(FILE *out, const struct wl_result *r);
	/* JSON: extra top-level fields, after the common ones. */
	void (*report_json)(struct wl_json *j, const struct wl_result *r);
	void (*done)(void);
};

/* Runs a workload; returns the process exit status. start_ns is CLOCK_REALTIME taken as the
 * first thing in main. Output goes to stdout (JSON: exactly one line and nothing else; progress
 * lines then go to stderr). Re-entrant across calls (unit tests call it several times). */
int wl_main(const struct wl_workload *w, int argc, char **argv, uint64_t start_ns);

/* Each workload ends with WL_MAIN(its_table). Unit tests build the workload's file with
 * -DWORKLOAD_NO_MAIN to call its functions and wl_main() themselves. */
#ifdef WORKLOAD_NO_MAIN
#define WL_MAIN(w)
#else
#define WL_MAIN(w)                                                                                 \
	int main(int argc, char **argv)                                                            \
	{                                                                                          \
		struct timespec wl_ts_;                                                            \
		clock_gettime(CLOCK_REALTIME, &wl_ts_);                                            \
		return wl_main(&(w), argc, argv,                                                   \
		               (uint64_t)wl_ts_.tv_sec * 1000000000ull +                           \
		                   (uint64_t)wl_ts_.tv_nsec);                                      \
	}
#endif

#endif
