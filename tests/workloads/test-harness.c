/* The workloads' harness on its own: value parsers, sysbench's histogram and percentile rule
 * against the formula and known data, and wl_main driven through a fake workload (every
 * option type, every rejection, limits, warm-up, intermediate reports, JSON parsed back). */
#include "harness/harness.h"
#include "tap.h"
#include "wl_capture.h"

#include <math.h>
#include <signal.h>

/* ---- a fake workload that records what the harness did ---------------------------------- */

static const struct wl_option fake_options[] = {
    {"fake-int", WL_OPT_INT, "7", NULL, "an int", 1, 100},
    {"fake-size", WL_OPT_SIZE, "16K", NULL, "a size", 0, 0},
    {"fake-dbl", WL_OPT_DOUBLE, "1.5", NULL, "a double", 0, 10},
    {"fake-bool", WL_OPT_BOOL, "off", NULL, "a bool", 0, 0},
    {"fake-str", WL_OPT_STRING, "hello", NULL, "a string", 0, 0},
    {"fake-choice", WL_OPT_CHOICE, "a", "a|b|c", "a choice", 0, 0},
    {"fake-flags", WL_OPT_FLAGS, "", "x|y|z", "flags", 0, 0},
    {"fake-spin-ns", WL_OPT_INT, "0", NULL, "busy time per event", 0, 0},
    {"fake-quota", WL_OPT_INT, "0", NULL, "events per thread (0: none)", 0, 0},
    {"fake-fail-at", WL_OPT_INT, "0", NULL, "fail at this event (0: never)", 0, 0},
    {"fake-signal-at", WL_OPT_INT, "0", NULL, "SIGTERM at this event (0: never)", 0, 0},
    {"percentile", WL_OPT_DOUBLE, "95", NULL, "redeclared common option", 0, 100},
    {NULL, 0, NULL, NULL, NULL, 0, 0},
};

static struct {
	int64_t i;
	uint64_t size;
	double d;
	bool b;
	const char *s;
	unsigned choice, flags;
	int inits, thread_inits, thread_dones, dones;
	uint64_t executed; /* events run, warm-up included */
} seen;
static int64_t spin_ns, quota, fail_at, signal_at;

static int fake_init(void)
{
	seen.inits++;
	seen.i = wl_opt_int("fake-int");
	seen.size = wl_opt_size("fake-size");
	seen.d = wl_opt_double("fake-dbl");
	seen.b = wl_opt_bool("fake-bool");
	seen.s = wl_opt_str("fake-str");
	seen.choice = wl_opt_choice("fake-choice");
	seen.flags = wl_opt_choice("fake-flags");
	spin_ns = wl_opt_int("fake-spin-ns");
	quota = wl_opt_int("fake-quota");
	fail_at = wl_opt_int("fake-fail-at");
	signal_at = wl_opt_int("fake-signal-at");
	return 0;
}

static int fake_thread_init(struct wl_thread *t)
{
	__atomic_fetch_add(&seen.thread_inits, 1, __ATOMIC_RELAXED);
	t->priv = calloc(1, sizeof(int64_t));
	return t->priv ? 0 : wl_error("out of memory");
}

static int fake_next(struct wl_thread *t)
{
	int64_t *n = t->priv;

	if (quota && *n >= quota)
		return 1;
	(*n)++;
	return 0;
}

static int fake_event(struct wl_thread *t)
{
	uint64_t n = __atomic_add_fetch(&seen.executed, 1, __ATOMIC_RELAXED);
	uint64_t until = wl_now_ns() + (uint64_t)spin_ns;

	(void)t;
	while (spin_ns && wl_now_ns() < until)
		;
	if (fail_at && n == (uint64_t)fail_at)
		return wl_error("boom at %llu", (unsigned long long)n);
	if (signal_at && n == (uint64_t)signal_at)
		kill(getpid(), SIGTERM);
	return 0;
}

static int fake_thread_done(struct wl_thread *t)
{
	__atomic_fetch_add(&seen.thread_dones, 1, __ATOMIC_RELAXED);
	free(t->priv);
	t->priv = NULL;
	return 0;
}

static void fake_done(void)
{
	seen.dones++;
}

static void fake_report_json(struct wl_json *j, const struct wl_result *r)
{
	wl_json_uint(j, "fake_events", r->events);
	wl_json_begin_array(j, "fake_list");
	wl_json_int(j, NULL, -1);
	wl_json_str(j, NULL, "q\"uote\\");
	wl_json_bool(j, NULL, true);
	wl_json_null(j, NULL);
	wl_json_double(j, NULL, 0.5);
	wl_json_end_array(j);
}

static void fake_report_text(FILE *out, const struct wl_result *r)
{
	fprintf(out, "FAKE SECTION events=%llu\n\n", (unsigned long long)r->events);
}

static const struct wl_workload fake = {
    .name = "fake",
    .summary = "A fake workload for the harness tests.",
    .options = fake_options,
    .init = fake_init,
    .thread_init = fake_thread_init,
    .next = fake_next,
    .event = fake_event,
    .thread_done = fake_thread_done,
    .report_text = fake_report_text,
    .report_json = fake_report_json,
    .done = fake_done,
};

/* A workload with its own loop. */
static int custom_run(struct wl_thread *t)
{
	while (wl_keep_going(t))
		wl_record(t, 500);
	return 0;
}

static const struct wl_workload custom = {
    .name = "custom",
    .summary = "own loop",
    .run = custom_run,
};

/* Two phases through wl_run_for, as memlat's sizes and syscall's operations. */
static uint64_t phase_events[2], phase_ns[2];
static int phase_rc[2];

static int phase_event(struct wl_thread *t, void *arg)
{
	uint64_t until = wl_now_ns() + 2000;

	(void)t;
	(void)arg;
	while (wl_now_ns() < until)
		;
	return 0;
}

static int phases_run(struct wl_thread *t)
{
	phase_rc[0] = wl_run_for(t, 50000000, phase_event, NULL, &phase_events[0], &phase_ns[0]);
	if (phase_rc[0] != 0)
		return phase_rc[0] < 0 ? phase_rc[0] : 0;
	phase_rc[1] = wl_run_for(t, 50000000, phase_event, NULL, &phase_events[1], &phase_ns[1]);
	return phase_rc[1] < 0 ? phase_rc[1] : 0;
}

static const struct wl_workload phases = {
    .name = "phases",
    .summary = "two timed phases",
    .run = phases_run,
};

/* ---- parsers ---------------------------------------------------------------------------- */

static void test_parsers(void)
{
	static const struct {
		const char *in;
		int rc;
		uint64_t v;
	} sizes[] = {
	    {"0", 0, 0},
	    {"5", 0, 5},
	    {"1K", 0, 1024},
	    {"16K", 0, 16384},
	    {"16k", 0, 16384},
	    {"16KB", 0, 16384},
	    {"16KiB", 0, 16384},
	    {"1M", 0, 1048576},
	    {"2G", 0, 2147483648ull},
	    {"100G", 0, 107374182400ull},
	    {"1T", 0, 1099511627776ull},
	    {"", -1, 0},
	    {"K", -1, 0},
	    {"-1", -1, 0},
	    {"1.5K", -1, 0},
	    {"1X", -1, 0},
	    {"1KK", -1, 0},
	    {"99999999999T", -1, 0},
	};
	static const struct {
		const char *in;
		int rc;
		bool v;
	} bools[] = {
	    {"on", 0, true}, {"off", 0, false}, {"true", 0, true}, {"false", 0, false},
	    {"1", 0, true},  {"0", 0, false},   {"ON", 0, true},   {"maybe", -1, false},
	    {"", -1, false}, {"2", -1, false},
	};
	uint64_t v;
	bool b;
	double d;
	int64_t i;

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		int rc = wl_parse_size(sizes[k].in, &v);
		ok(rc == sizes[k].rc && (rc < 0 || v == sizes[k].v), "wl_parse_size(\"%s\") %s",
		   sizes[k].in, sizes[k].rc ? "rejected" : "parsed");
	}
	for (size_t k = 0; k < sizeof(bools) / sizeof(bools[0]); k++) {
		int rc = wl_parse_bool(bools[k].in, &b);
		ok(rc == bools[k].rc && (rc < 0 || b == bools[k].v), "wl_parse_bool(\"%s\")",
		   bools[k].in);
	}
	ok(wl_parse_double("1.25", &d) == 0 && d == 1.25, "wl_parse_double 1.25");
	ok(wl_parse_double("abc", &d) < 0, "wl_parse_double rejects abc");
	ok(wl_parse_double("inf", &d) < 0, "wl_parse_double rejects inf");
	ok(wl_parse_double("1.5x", &d) < 0, "wl_parse_double rejects 1.5x");
	ok(wl_parse_int("-12", &i) == 0 && i == -12, "wl_parse_int -12");
	ok(wl_parse_int("12x", &i) < 0, "wl_parse_int rejects 12x");
	ok(wl_parse_int("", &i) < 0, "wl_parse_int rejects empty");
}

/* ---- histogram -------------------------------------------------------------------------- */

/* sysbench's sb_histogram_update, written out independently. */
static unsigned formula_bucket(uint64_t ns)
{
	double mult = 1023 / (log(100000.0) - log(0.001));
	double i = floor((log(ns / 1e6) - log(0.001)) * mult + 0.5);

	if (ns == 0 || i < 0)
		return 0;
	return i > 1023 ? 1023 : (unsigned)i;
}

static void test_histogram(void)
{
	struct wl_hist *h = calloc(1, sizeof(*h));
	uint64_t x = 88172645463325252ull;
	int mismatches = 0, checked = 0;

	/* Log-spread values from 1 ns to 1000 s, plus the neighbours of every bucket boundary. */
	for (int k = 0; k < 200000; k++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t ns = (uint64_t)exp((double)(x % 1000000) / 1000000.0 * log(1e12));
		mismatches += wl_hist_bucket(ns) != formula_bucket(ns);
		checked++;
	}
	for (unsigned b = 1; b < WL_HIST_SIZE; b++) {
		uint64_t edge =
		    (uint64_t)(exp((b - 0.5) / (1023 / (log(1e5) - log(1e-3))) + log(0.001)) * 1e6);
		for (uint64_t ns = edge > 3 ? edge - 3 : 0; ns <= edge + 3; ns++, checked++)
			mismatches += wl_hist_bucket(ns) != formula_bucket(ns);
	}
	ok(mismatches == 0, "bucket of %d latencies equals sysbench's formula (%d mismatches)",
	   checked, mismatches);
	is_int(wl_hist_bucket(1000000), 384, "1 ms is bucket 384");
	is_int(wl_hist_bucket(100), 0, "100 ns is bucket 0");
	is_int(wl_hist_bucket(UINT64_MAX / 2), 1023, "huge latencies clamp to the last bucket");
	ok(fabs(wl_hist_bucket_ms(0) - 0.001) < 1e-12, "bucket 0 stands for 0.001 ms");
	ok(fabs(wl_hist_bucket_ms(1023) - 100000) < 1e-6, "bucket 1023 stands for 100000 ms");

	ok(wl_hist_percentile_ms(h, 95) == 0, "empty histogram: percentile 0");
	/* 1..100 ms: the 95th percentile is the 95th value's bucket (target floor(95+0.5)). */
	for (int ms = 1; ms <= 100; ms++)
		wl_hist_add(h, (uint64_t)ms * 1000000);
	ok(wl_hist_percentile_ms(h, 95) == wl_hist_bucket_ms(wl_hist_bucket(95000000)),
	   "p95 of 1..100 ms is 95 ms's bucket (%.4f)", wl_hist_percentile_ms(h, 95));
	ok(wl_hist_percentile_ms(h, 50) == wl_hist_bucket_ms(wl_hist_bucket(50000000)),
	   "p50 of 1..100 ms is 50 ms's bucket");
	ok(wl_hist_percentile_ms(h, 100) == wl_hist_bucket_ms(wl_hist_bucket(100000000)),
	   "p100 is the largest value's bucket");
	ok(fabs(wl_hist_percentile_ms(h, 95) - 95) / 95 < 0.0182, "p95 within one bucket of 95");

	/* 4 events: p50 target = floor(2 + 0.5) = 2 -> the second smallest. */
	memset(h, 0, sizeof(*h));
	wl_hist_add(h, 1000000);
	wl_hist_add(h, 2000000);
	wl_hist_add(h, 3000000);
	wl_hist_add(h, 4000000);
	ok(wl_hist_percentile_ms(h, 50) == wl_hist_bucket_ms(wl_hist_bucket(2000000)),
	   "p50 of {1,2,3,4} ms is 2 ms's bucket");
	ok(wl_hist_percentile_ms(h, 62.5) == wl_hist_bucket_ms(wl_hist_bucket(3000000)),
	   "p62.5 of {1,2,3,4} ms: target floor(2.5+0.5) = 3 -> 3 ms's bucket");

	/* Sub-microsecond: resolved to the nanosecond instead of sysbench's 0.001 ms. */
	memset(h, 0, sizeof(*h));
	for (int k = 0; k < 90; k++)
		wl_hist_add(h, 40);
	for (int k = 0; k < 10; k++)
		wl_hist_add(h, 60);
	ok(fabs(wl_hist_percentile_ms(h, 95) - 60e-6) < 1e-12, "p95 of 90x40 ns + 10x60 ns: 60 ns");
	ok(fabs(wl_hist_percentile_ms(h, 50) - 40e-6) < 1e-12, "p50 of the same: 40 ns");

	struct wl_hist *h2 = calloc(1, sizeof(*h2));
	wl_hist_add(h2, 5000000);
	wl_hist_merge(h, h2);
	is_int(h->total, 101, "merge adds totals");
	is_int(h->count[wl_hist_bucket(5000000)], 1, "merge adds buckets");
	free(h2);
	free(h);
}

/* ---- wl_main ---------------------------------------------------------------------------- */

static bool one_line(const char *s)
{
	const char *nl = strchr(s, '\n');
	return nl && nl[1] == '\0';
}

static void test_options(void)
{
	struct wl_capture c;

	memset(&seen, 0, sizeof(seen));
	wl_capture(&c, &fake, "--events=1", NULL);
	is_int(c.status, 0, "defaults: exit 0");
	ok(seen.i == 7 && seen.size == 16384 && seen.d == 1.5 && !seen.b &&
	       !strcmp(seen.s, "hello") && seen.choice == 0 && seen.flags == 0,
	   "defaults reach the workload");
	wl_capture_free(&c);

	memset(&seen, 0, sizeof(seen));
	wl_capture(&c, &fake, "--events=1", "--fake-int=42", "--fake-size", "2G", "--fake-dbl=2.5",
	           "--fake-bool", "--fake-str", "--weird", "--fake-choice=c", "--fake-flags=z,x",
	           NULL);
	is_int(c.status, 0, "--name=value and --name value: exit 0");
	ok(seen.i == 42, "--fake-int=42");
	ok(seen.size == 2147483648ull, "--fake-size 2G");
	ok(seen.d == 2.5, "--fake-dbl=2.5");
	ok(seen.b, "bare --fake-bool means on");
	is_str(seen.s, "--weird", "a string value may start with --");
	is_int(seen.choice, 2, "--fake-choice=c is index 2");
	is_int(seen.flags, 5, "--fake-flags=z,x is bits 0 and 2");
	wl_capture_free(&c);

	memset(&seen, 0, sizeof(seen));
	wl_capture(&c, &fake, "--events=1", "--fake-bool", "off", "--fake-flags=", NULL);
	ok(c.status == 0 && !seen.b && seen.flags == 0, "--fake-bool off, empty --fake-flags");
	wl_capture_free(&c);

	static const struct {
		const char *arg, *needle;
	} bad[] = {
	    {"--fake-int=0", "--fake-int=0: accepted values: an integer from 1 to 100"},
	    {"--fake-int=101", "--fake-int=101: accepted values"},
	    {"--fake-int=abc", "--fake-int=abc: accepted values"},
	    {"--fake-size=12Q", "--fake-size=12Q: accepted values: a size"},
	    {"--fake-dbl=11", "--fake-dbl=11: accepted values: a number from 0 to 10"},
	    {"--fake-bool=maybe", "--fake-bool=maybe: accepted values: on|off|true|false|1|0"},
	    {"--fake-choice=d", "--fake-choice=d: accepted values: a|b|c"},
	    {"--fake-flags=x,w", "--fake-flags=x,w: accepted values: a comma-separated list of "
	                         "x|y|z"},
	    {"--threads=0", "--threads=0: accepted values: an integer from 1 to 1024"},
	    {"--time=-1", "--time=-1: accepted values: a number >= 0"},
	    {"--events=-5", "--events=-5: accepted values: an integer >= 0"},
	    {"--percentile=101", "--percentile=101: accepted values: a number from 0 to 100"},
	    {"--json=perhaps", "--json=perhaps: accepted values"},
	    {"--nope=1", "unknown option '--nope'; accepted options: --threads"},
	    {"stray", "unexpected argument 'stray'"},
	    {"--", "unexpected argument '--'"},
	    {"--fake-int", "--fake-int needs a value: accepted values: an integer from 1 to 100"},
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		memset(&seen, 0, sizeof(seen));
		wl_capture(&c, &fake, bad[k].arg, NULL);
		ok(c.status == 2 && strstr(c.err, bad[k].needle) && one_line(c.err) &&
		       !strncmp(c.err, "fake: ", 6) && c.out[0] == '\0' && seen.inits == 0,
		   "%s: exit 2, one line on stderr naming it and what is accepted", bad[k].arg);
		if (c.status != 2 || !strstr(c.err, bad[k].needle))
			diag("status %d, stderr: %s", c.status, c.err);
		wl_capture_free(&c);
	}

	wl_capture(&c, &fake, "--help", NULL);
	ok(c.status == 0 && strstr(c.out, "Usage: fake") && strstr(c.out, "--fake-choice=a|b|c") &&
	       strstr(c.out, "--threads=N") && strstr(c.out, "--warmup-time") &&
	       strstr(c.out, "redeclared common option [95]"),
	   "--help: usage, workload and common options, redeclared help");
	wl_capture_free(&c);
	wl_capture(&c, &fake, "--version", NULL);
	ok(c.status == 0 && !strncmp(c.out, "fake (assay ", 12), "--version");
	wl_capture_free(&c);
}

static void test_runs(void)
{
	struct wl_capture c;
	json_t *j;

	memset(&seen, 0, sizeof(seen));
	wl_capture(&c, &fake, "--json", "--events=1000", "--threads=4", "--fake-spin-ns=2000",
	           NULL);
	j = c.json;
	ok(c.status == 0 && j, "--json: exit 0, stdout is one JSON line");
	if (!j)
		diag("stdout: %s\nstderr: %s", c.out, c.err);
	is_int(wl_json_num(j, "events"), 1000, "--events=1000 with 4 threads: exactly 1000");
	is_int(wl_json_num(j, "threads"), 4, "threads in JSON");
	ok(seen.inits == 1 && seen.thread_inits == 4 && seen.thread_dones == 4 && seen.dones == 1,
	   "init once, thread_init/thread_done per thread, done once");
	is_str(json_string_value(json_object_get(j, "workload")), "fake", "workload name");
	ok(json_is_string(json_object_get(j, "version")), "version is a string");
	is_int(wl_json_num(j, "start_ns"), 12345, "start_ns is main's");
	is_int(wl_json_num(j, "params.fake-int"), 7, "params carry workload options");
	is_int(wl_json_num(j, "params.events"), 1000, "params carry common options");
	ok(json_is_string(json_object_get(json_object_get(j, "params"), "fake-choice")),
	   "choices print as strings");
	ok(!json_object_get(json_object_get(j, "params"), "json"), "params omit --json");
	double ev = wl_json_num(j, "events"), tt = wl_json_num(j, "total_time_s");
	ok(fabs(wl_json_num(j, "events_per_sec") - ev / tt) < 1e-6 * ev / tt,
	   "events_per_sec = events / total_time_s");
	double mn = wl_json_num(j, "latency_ns.min"), av = wl_json_num(j, "latency_ns.avg"),
	       mx = wl_json_num(j, "latency_ns.max"), p = wl_json_num(j, "latency_ns.p95"),
	       sum = wl_json_num(j, "latency_ns.sum");
	ok(mn >= 2000 && mn <= av && av <= mx && p >= mn && p <= mx,
	   "2 us events: 2000 <= min <= avg <= max, min <= p95 <= max (%.0f %.0f %.0f %.0f)", mn,
	   av, mx, p);
	ok(fabs(sum / ev - av) < 1e-6 * av, "avg = sum / events");
	ok(fabs(wl_json_num(j, "latency_ms.avg") * 1e6 - av) < 1e-3 * av, "latency_ms = ns / 1e6");
	ok(wl_json_num(j, "fake_events") == ev, "workload's report_json fields follow");
	json_t *list = json_object_get(j, "fake_list");
	ok(json_array_size(list) == 5 &&
	       !strcmp(json_string_value(json_array_get(list, 1)), "q\"uote\\") &&
	       json_is_null(json_array_get(list, 3)),
	   "JSON writer: arrays, escaping, null");
	wl_capture_free(&c);

	memset(&seen, 0, sizeof(seen));
	wl_capture(&c, &fake, "--json", "--threads=3", "--fake-quota=10", NULL);
	is_int(wl_json_num(c.json, "events"), 30,
	       "next() returning 1 ends a thread: 3 x 10 events");
	wl_capture_free(&c);

	wl_capture(&c, &fake, "--json", "--time=0.3", "--fake-spin-ns=1000", NULL);
	tt = wl_json_num(c.json, "total_time_s");
	/* Upper bound generous: the machine is shared and the timer thread may wake late. */
	ok(tt >= 0.3 && tt < 1.0, "--time=0.3: total time %.3f s", tt);
	wl_capture_free(&c);

	memset(&seen, 0, sizeof(seen));
	wl_capture(&c, &fake, "--json", "--time=0.2", "--warmup-time=0.6", "--fake-spin-ns=1000",
	           NULL);
	tt = wl_json_num(c.json, "total_time_s");
	ev = wl_json_num(c.json, "events");
	ok(tt >= 0.2 && tt < 0.7, "--warmup-time=0.6 is not in the total time (%.3f s)", tt);
	ok(ev > 0 && seen.executed > ev * 1.5,
	   "warm-up events run but are not counted (%llu run, %.0f counted)",
	   (unsigned long long)seen.executed, ev);
	wl_capture_free(&c);

	wl_capture(&c, &fake, "--json", "--events=200", "--percentile=99", "--histogram=on", NULL);
	j = c.json;
	ok(!isnan(wl_json_num(j, "latency_ms.p99")) && isnan(wl_json_num(j, "latency_ms.p95")),
	   "--percentile=99 reports p99");
	uint64_t hsum = 0;
	size_t k;
	json_t *row;
	json_array_foreach(json_object_get(j, "histogram"), k, row) hsum +=
	    json_integer_value(json_array_get(row, 1));
	is_int(hsum, 200, "--histogram: JSON buckets add up to the events");
	wl_capture_free(&c);

	wl_capture(&c, &fake, "--json", "--events=10", "--percentile=0", NULL);
	ok(c.json && isnan(wl_json_num(c.json, "latency_ms.p0")) &&
	       isnan(wl_json_num(c.json, "latency_ms.p95")),
	   "--percentile=0: no percentile");
	wl_capture_free(&c);

	wl_capture(&c, &fake, "--json", "--time=0.35", "--report-interval=0.1",
	           "--fake-spin-ns=1000", NULL);
	ok(c.json && c.lines == 1, "--report-interval with --json: stdout still one line");
	int nrep = 0;
	for (const char *q = c.err; (q = strstr(q, "] thds: ")); q++)
		nrep++;
	ok(nrep >= 2 && nrep <= 4, "--report-interval=0.1 over 0.35 s: %d lines on stderr", nrep);
	wl_capture_free(&c);

	wl_capture(&c, &fake, "--events=25", "--report-interval=0", NULL);
	ok(c.status == 0 && !c.json && strstr(c.out, "FAKE SECTION events=25") &&
	       strstr(c.out, "General statistics:") &&
	       strstr(c.out, "total number of events:              25") &&
	       strstr(c.out, "95th percentile:") && strstr(c.out, "Latency (ns):") &&
	       strstr(c.out, "Threads fairness:"),
	   "text report: workload section then sysbench's blocks");
	ok(strstr(c.out, "FAKE SECTION") < strstr(c.out, "General statistics:"),
	   "workload section comes first");
	wl_capture_free(&c);

	memset(&seen, 0, sizeof(seen));
	wl_capture(&c, &fake, "--json", "--threads=2", "--fake-fail-at=50", NULL);
	ok(c.status == 1 && strstr(c.err, "fake: boom at 50") && one_line(c.err) &&
	       c.out[0] == '\0' && seen.dones == 1,
	   "a failing event: exit 1, its message, no JSON, done() ran");
	wl_capture_free(&c);

	memset(&seen, 0, sizeof(seen));
	wl_capture(&c, &fake, "--json", "--threads=2", "--fake-signal-at=100", NULL);
	ok(c.status == 128 + SIGTERM && c.out[0] == '\0' && seen.dones == 1 &&
	       seen.thread_dones == 2,
	   "SIGTERM mid-run: exit 143 after thread_done and done, no JSON (status %d)", c.status);
	wl_capture_free(&c);

	memset(phase_events, 0, sizeof(phase_events));
	memset(phase_ns, 0, sizeof(phase_ns));
	wl_capture(&c, &phases, "--json", "--time=0", NULL);
	tt = wl_json_num(c.json, "total_time_s");
	ok(c.status == 0 && phase_rc[0] == 0 && phase_rc[1] == 0 && tt >= 0.1 && tt < 1,
	   "wl_run_for: two 50 ms phases, %.3f s in all", tt);
	ok(phase_events[0] > 0 && phase_events[1] > 0 &&
	       phase_events[0] + phase_events[1] == wl_json_num(c.json, "events") &&
	       phase_ns[0] + phase_ns[1] == wl_json_num(c.json, "latency_ns.sum"),
	   "wl_run_for: per-phase events and ns add up to the run's");
	/* The events' own time: the budget less the gaps between events. */
	ok(phase_ns[0] >= 40000000 && phase_ns[0] < 100000000,
	   "wl_run_for: phase 1 ran for its 50 ms budget (%.1f ms in events)", phase_ns[0] / 1e6);
	wl_capture_free(&c);

	memset(phase_events, 0, sizeof(phase_events));
	phase_rc[1] = -9;
	wl_capture(&c, &phases, "--json", "--events=30", NULL);
	ok(c.status == 0 && phase_rc[0] == 1 && phase_rc[1] == -9 && phase_events[0] == 30 &&
	       wl_json_num(c.json, "events") == 30,
	   "wl_run_for: returns 1 when --events ends the run (phase 2 never starts)");
	wl_capture_free(&c);

	wl_capture(&c, &custom, "--json", "--events=50", "--threads=2", NULL);
	ok(c.status == 0 && wl_json_num(c.json, "events") == 50 &&
	       wl_json_num(c.json, "latency_ns.max") == 500,
	   "ops.run with wl_keep_going/wl_record honours --events");
	wl_capture_free(&c);
}

/* --time-batch: N events between two clock reads; counts stay exact, latency is per-batch
 * averages, a workload that ends mid-batch (next() > 0) keeps what it did, an error stops it. */
static void test_time_batch(void)
{
	struct wl_capture c;
	json_t *j;

	memset(&seen, 0, sizeof(seen));
	wl_capture(&c, &fake, "--json", "--events=1003", "--threads=2", "--time-batch=100",
	           "--fake-spin-ns=2000", "--time=0", NULL);
	j = c.json;
	ok(c.status == 0 && j, "--time-batch=100: exit 0, JSON");
	is_int(wl_json_num(j, "events"), 1003, "--events=1003 in batches of 100: exactly 1003");
	is_int(seen.executed, 1003, "and exactly 1003 executed");
	is_int(wl_json_num(j, "params.time-batch"), 100, "time-batch in params");
	{
		double ev = wl_json_num(j, "events"), av = wl_json_num(j, "latency_ns.avg"),
		       mn = wl_json_num(j, "latency_ns.min"), mx = wl_json_num(j, "latency_ns.max"),
		       sum = wl_json_num(j, "latency_ns.sum");

		ok(mn >= 2000 && mn <= av && av <= mx && fabs(sum / ev - av) < 1e-6 * av,
		   "per-event latency = batch time / batch size (min %.0f avg %.0f max %.0f)", mn,
		   av, mx);
	}
	wl_capture_free(&c);

	memset(&seen, 0, sizeof(seen));
	wl_capture(&c, &fake, "--json", "--fake-quota=250", "--time-batch=100", "--time=0", NULL);
	is_int(c.json ? wl_json_num(c.json, "events") : -1, 250,
	       "a workload ending mid-batch (next() > 0) keeps its 250 events");
	wl_capture_free(&c);

	memset(&seen, 0, sizeof(seen));
	wl_capture(&c, &fake, "--events=1000", "--time-batch=64", "--fake-fail-at=130", NULL);
	ok(c.status == 1 && strstr(c.err, "boom at 130") && seen.executed == 130,
	   "an event's error stops the batch and the run (exit %d, %llu executed)", c.status,
	   (unsigned long long)seen.executed);
	wl_capture_free(&c);

	wl_capture(&c, &fake, "--time-batch=0", NULL);
	ok(c.status == 2 && strstr(c.err, "--time-batch=0"), "--time-batch=0 is a usage error");
	wl_capture_free(&c);
}

int main(void)
{
	test_parsers();
	test_histogram();
	test_options();
	test_runs();
	test_time_batch();
	return tap_done();
}
