/* memlat: memory latency by pointer chasing (sysbench has no such test). For each working set
 * size, the buffer's cache lines are linked in one random cycle (Sattolo's algorithm), so every
 * load depends on the previous one and neither the prefetcher nor out-of-order execution can
 * overlap them; ns/load is then the latency of the level of the memory hierarchy the set fits
 * in. One event is a batch of dependent loads (unrolled by 16): --loads of them, or by default
 * as many as take about --event-time, from a timed calibration pass. Long events matter where
 * reading the clock is dear: under gVisor here a clock read often traps into the Sentry
 * (~50 µs), which 10,000-load events (14 µs at 16 KiB) turned into +6 ns per load. Each size is
 * measured for --size-time seconds after one untimed pass over the chain (page faults, cache
 * warm-up) and the calibration pass. */
#include "harness/harness.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MAX_SIZES 64
#define UNROLL    16

static const struct wl_option memlat_options[] = {
    {"sizes", WL_OPT_STRING, "4K,8K,16K,32K,64K,128K,256K,512K,1M,2M,4M,8M,16M,32M,64M,128M,256M",
     NULL, "comma-separated working set sizes", 0, 0},
    {"line-size", WL_OPT_SIZE, "64", NULL, "distance between chained pointers (cache line)", 8,
     4096},
    {"loads", WL_OPT_INT, "0", NULL,
     "dependent loads per event (rounded up to 16; 0: as many as take --event-time)", 0, 1e9},
    {"event-time", WL_OPT_DOUBLE, "0.01", NULL,
     "seconds an event should last when --loads is 0 (from a calibration pass)", 0.0001, 10},
    {"size-time", WL_OPT_DOUBLE, "0.25", NULL, "seconds of measurement per size", 0.001, 3600},
    {"time", WL_OPT_DOUBLE, "0", NULL,
     "limit for total execution time in seconds (0: none; each size takes --size-time)", 0, 0},
    {NULL, 0, NULL, NULL, NULL, 0, 0},
};

static uint64_t sizes[MAX_SIZES];
static int nsizes;
static size_t line_size;
static uint64_t loads_opt, event_ns, size_time_ns;
static void *volatile sink;

struct memlat_size {
	uint64_t loads, ns;
	uint64_t loads_per_event; /* the last run's */
};

struct memlat_thread {
	struct memlat_size per_size[MAX_SIZES];
};
static struct memlat_thread *per_thread;

/* Parses "4K,64M" into sizes[]; a usage error names --sizes and what it accepts. */
int memlat_parse_sizes(const char *text, uint64_t *out, int max, size_t line);

int memlat_parse_sizes(const char *text, uint64_t *out, int max, size_t line)
{
	char buf[32];
	int n = 0;
	const char *p = text;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		uint64_t v;

		if (len == 0 || len >= sizeof(buf) || n == max)
			goto bad;
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (wl_parse_size(buf, &v) < 0 || v < 2 * line || v > (1ull << 40))
			goto bad;
		out[n++] = v;
		p = comma ? comma + 1 : p + len;
		if (comma && !*p)
			goto bad;
	}
	if (n == 0)
		goto bad;
	return n;
bad:
	return wl_usage_error("--sizes=%s: accepted values: a comma-separated list of at most %d "
	                      "sizes from %zu bytes (two lines) to 1T, e.g. 16K,64M",
	                      text, max, 2 * line);
}

static int memlat_init(void)
{
	int n;

	line_size = wl_opt_size("line-size");
	if (line_size & (line_size - 1))
		return wl_usage_error("--line-size=%s: accepted values: a power of two from 8 to "
		                      "4096",
		                      wl_opt_str("line-size"));
	n = memlat_parse_sizes(wl_opt_str("sizes"), sizes, MAX_SIZES, line_size);
	if (n < 0)
		return n;
	nsizes = n;
	loads_opt = ((uint64_t)wl_opt_int("loads") + UNROLL - 1) / UNROLL * UNROLL;
	event_ns = (uint64_t)(wl_opt_double("event-time") * 1e9);
	/* Here rather than in thread_init: the report reads it after the threads are done. */
	per_thread = calloc((size_t)wl_opt_int("threads"), sizeof(*per_thread));
	if (!per_thread)
		return wl_error("allocating thread state: out of memory");
	size_time_ns = (uint64_t)(wl_opt_double("size-time") * 1e9);
	return 0;
}

static int memlat_thread_init(struct wl_thread *t)
{
	t->priv = &per_thread[t->id];
	return 0;
}

/* Links the n lines of buf into one random cycle. Sattolo's shuffle yields a permutation with a
 * single cycle, so a chase starting anywhere visits every line before repeating. */
static int build_chain(struct wl_thread *t, char *buf, size_t n)
{
	uint32_t *perm = malloc(n * sizeof(*perm));

	if (!perm)
		return wl_error("allocating a %zu-entry permutation: out of memory", n);
	for (size_t i = 0; i < n; i++)
		perm[i] = (uint32_t)i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)(wl_rand(t) % i);
		uint32_t tmp = perm[i];
		perm[i] = perm[j];
		perm[j] = tmp;
	}
	for (size_t i = 0; i < n; i++)
		*(void **)(buf + i * line_size) = buf + (size_t)perm[i] * line_size;
	free(perm);
	return 0;
}

static void *chase(void *p, uint64_t loads)
{
	for (uint64_t i = 0; i < loads; i += UNROLL) {
#define HOP p = *(void **)p;
		HOP HOP HOP HOP HOP HOP HOP HOP HOP HOP HOP HOP HOP HOP HOP HOP
#undef HOP
	}
	return p;
}

struct chase_state {
	void *p;
	uint64_t loads;
};

static int chase_event(struct wl_thread *t, void *arg)
{
	struct chase_state *c = arg;

	(void)t;
	c->p = chase(c->p, c->loads);
	return 0;
}

/* Loads per event: --loads, or as many as a calibration pass says take --event-time. The pass
 * is long enough (>= 200,000 loads) that one slow clock read barely moves the estimate. */
static uint64_t calibrate(void **p, size_t n)
{
	uint64_t loads = n > 200000 ? n : 200000, t0, ns, want;

	if (loads_opt)
		return loads_opt;
	loads = (loads + UNROLL - 1) / UNROLL * UNROLL;
	t0 = wl_now_ns();
	*p = chase(*p, loads);
	ns = wl_now_ns() - t0;
	want = ns ? (uint64_t)((double)event_ns / ((double)ns / (double)loads)) : loads;
	if (want < UNROLL)
		want = UNROLL;
	return (want + UNROLL - 1) / UNROLL * UNROLL;
}

/* <0 on failure, 1 when the run is over, 0 to go on with the next size. */
static int measure_size(struct wl_thread *t, int s)
{
	struct memlat_size *res = &((struct memlat_thread *)t->priv)->per_size[s];
	size_t n = sizes[s] / line_size;
	uint64_t events = 0;
	struct chase_state c;
	char *buf;
	int rc;

	/* 2 MiB-aligned, huge pages per --huge-pages: with 4 KiB pages at random physical addresses
	 * a 4 MiB set's cache-set conflicts change from run to run (55 vs 145 ns here). */
	buf = wl_buffer_alloc(sizes[s]);
	if (buf == NULL)
		return wl_error("allocating %" PRIu64 " bytes: out of memory", sizes[s]);
	rc = build_chain(t, buf, n);
	if (rc < 0)
		goto out;
	c.p = chase(buf, (n + UNROLL - 1) / UNROLL * UNROLL);
	c.loads = calibrate(&c.p, n);
	res->loads_per_event = c.loads;
	rc = wl_run_for(t, size_time_ns, chase_event, &c, &events, &res->ns);
	res->loads += events * c.loads;
	sink = c.p;
out:
	wl_buffer_free(buf, sizes[s]);
	return rc;
}

static int memlat_run(struct wl_thread *t)
{
	int rc = 0;

	for (int s = 0; s < nsizes && rc == 0; s++)
		rc = measure_size(t, s);
	return rc < 0 ? rc : 0;
}

static void size_totals(const struct wl_result *r, int s, uint64_t *loads, uint64_t *ns)
{
	*loads = *ns = 0;
	for (int i = 0; i < r->nthreads; i++) {
		const struct memlat_thread *m = r->threads[i].priv;
		*loads += m->per_size[s].loads;
		*ns += m->per_size[s].ns;
	}
}

/* Loads per event at size s (thread 0's; every thread calibrates alike). */
static uint64_t size_loads_per_event(const struct wl_result *r, int s)
{
	const struct memlat_thread *m = r->nthreads > 0 ? r->threads[0].priv : NULL;

	return m ? m->per_size[s].loads_per_event : 0;
}

static void memlat_report_text(FILE *out, const struct wl_result *r)
{
	fprintf(out, "Memory latency (dependent loads over a random cycle of %zu-byte lines):\n",
	        line_size);
	fprintf(out, "    %14s %12s %14s\n", "size (bytes)", "ns/load", "loads");
	for (int s = 0; s < nsizes; s++) {
		uint64_t loads, ns;
		size_totals(r, s, &loads, &ns);
		if (!loads)
			continue;
		fprintf(out, "    %14" PRIu64 " %12.3f %14" PRIu64 "\n", sizes[s],
		        (double)ns / loads, loads);
	}
	fprintf(out, "\n");
}

static void memlat_report_json(struct wl_json *j, const struct wl_result *r)
{
	(void)r;
	wl_json_uint(j, "line_size", line_size);
	wl_json_uint(j, "loads_per_event", loads_opt); /* 0: per size, from --event-time */
	wl_json_begin_array(j, "sizes");
	for (int s = 0; s < nsizes; s++) {
		uint64_t loads, ns;
		size_totals(r, s, &loads, &ns);
		wl_json_begin_object(j, NULL);
		wl_json_uint(j, "size", sizes[s]);
		if (loads)
			wl_json_double(j, "ns_per_load", (double)ns / loads);
		else
			wl_json_null(j, "ns_per_load");
		wl_json_uint(j, "loads", loads);
		wl_json_uint(j, "loads_per_event", size_loads_per_event(r, s));
		wl_json_end_object(j);
	}
	wl_json_end_array(j);
}

static void memlat_done(void)
{
	free(per_thread);
	per_thread = NULL;
}

const struct wl_workload memlat_workload = {
    .name = "memlat",
    .summary = "Memory latency: ns per dependent load by pointer chasing, per working set "
               "size.",
    .options = memlat_options,
    .init = memlat_init,
    .thread_init = memlat_thread_init,
    .run = memlat_run,
    .report_text = memlat_report_text,
    .report_json = memlat_report_json,
    .done = memlat_done,
};

WL_MAIN(memlat_workload)
