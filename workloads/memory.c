/* memory: sysbench 1.0.20's memory test. One event is one pass over a block of
 * --memory-block-size bytes, one 8-byte word at a time: seq touches every word in order, rnd
 * touches block/8 words at uniformly random offsets inside the block (never outside it). The
 * block is shared by all threads (global) or one per thread (local); each thread does
 * total / block / threads events. Loads and stores go through volatile pointers, as sysbench's
 * ck_pr_load_64/ck_pr_store_64, so the compiler neither drops nor vectorises them. */
#include "harness/harness.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum { SCOPE_GLOBAL, SCOPE_LOCAL };
enum { OPER_READ, OPER_WRITE, OPER_NONE };
enum { MODE_SEQ, MODE_RND };

static const struct wl_option memory_options[] = {
    {"memory-block-size", WL_OPT_SIZE, "1K", NULL,
     "size of memory block for test (a power of two >= 8)", 8, 1099511627776.0},
    {"memory-total-size", WL_OPT_SIZE, "100G", NULL, "total size of data to transfer", 0, 0},
    {"memory-scope", WL_OPT_CHOICE, "global", "global|local", "memory access scope", 0, 0},
    {"memory-oper", WL_OPT_CHOICE, "write", "read|write|none", "type of memory operations", 0, 0},
    {"memory-access-mode", WL_OPT_CHOICE, "seq", "seq|rnd", "memory access mode", 0, 0},
    {NULL, 0, NULL, NULL, NULL, 0, 0},
};

static size_t block_size, words;
static uint64_t total_size;
static unsigned scope, oper, mode;
static uint64_t *global_buf;

struct memory_thread {
	uint64_t *buf;
	uint64_t ops_left;
};

static int (*memory_event_fn)(struct wl_thread *t);

static inline uint64_t *tbuf(struct wl_thread *t)
{
	return ((struct memory_thread *)t->priv)->buf;
}

static int event_seq_write(struct wl_thread *t)
{
	volatile uint64_t *p = tbuf(t), *end = p + words;

	for (; p < end; p++)
		*p = (uint64_t)(end - p);
	return 0;
}

static int event_seq_read(struct wl_thread *t)
{
	volatile uint64_t *p = tbuf(t), *end = p + words;

	for (; p < end; p++)
		(void)*p;
	return 0;
}

static int event_seq_none(struct wl_thread *t)
{
	uint64_t *p = tbuf(t), *end = p + words;

	for (; p < end; p++)
		__asm__ __volatile__("" ::: "memory");
	return 0;
}

/* floor(u * words) like sysbench; signed conversions because they are single instructions and
 * every value fits. */
#define RND_LOOP(body)                                                                             \
	do {                                                                                       \
		uint64_t s[2] = {t->rng[0], t->rng[1]};                                            \
		const int64_t n = (int64_t)words;                                                  \
		const double dn = (double)n;                                                       \
		for (int64_t i = 0; i < n; i++) {                                                  \
			int64_t off = (int64_t)(wl_rand_unit_step(s) * dn);                        \
			body;                                                                      \
		}                                                                                  \
		t->rng[0] = s[0];                                                                  \
		t->rng[1] = s[1];                                                                  \
	} while (0)

static int event_rnd_write(struct wl_thread *t)
{
	volatile uint64_t *buf = tbuf(t);

	RND_LOOP(buf[off] = (uint64_t)i);
	return 0;
}

static int event_rnd_read(struct wl_thread *t)
{
	volatile uint64_t *buf = tbuf(t);

	RND_LOOP((void)buf[off]);
	return 0;
}

static int event_rnd_none(struct wl_thread *t)
{
	RND_LOOP(__asm__ __volatile__("" ::"r"(off)));
	return 0;
}

static uint64_t *alloc_block(void)
{
	/* Zeroed, as sysbench's sb_memalign + memset; aligned to 2 MiB rather than a page and
	 * advised per --huge-pages, the same on every target (wl_buffer_alloc). */
	return wl_buffer_alloc(block_size);
}

static int memory_init(void)
{
	static int (*const fns[2][3])(struct wl_thread *) = {
	    {event_seq_read, event_seq_write, event_seq_none},
	    {event_rnd_read, event_rnd_write, event_rnd_none},
	};

	block_size = wl_opt_size("memory-block-size");
	total_size = wl_opt_size("memory-total-size");
	scope = wl_opt_choice("memory-scope");
	oper = wl_opt_choice("memory-oper");
	mode = wl_opt_choice("memory-access-mode");
	if (block_size & (block_size - 1))
		return wl_usage_error("--memory-block-size=%s: accepted values: a power of two "
		                      ">= 8 (e.g. 1K, 16K, 1M)",
		                      wl_opt_str("memory-block-size"));
	words = block_size / sizeof(uint64_t);
	memory_event_fn = fns[mode][oper];
	global_buf = NULL;
	if (scope == SCOPE_GLOBAL && !(global_buf = alloc_block()))
		return wl_error("allocating a %zu-byte block: out of memory", block_size);
	return 0;
}

static int memory_thread_init(struct wl_thread *t)
{
	struct memory_thread *m = calloc(1, sizeof(*m));

	if (!m)
		return wl_error("allocating thread state: out of memory");
	t->priv = m;
	m->ops_left = total_size / block_size / (uint64_t)wl_opt_int("threads");
	m->buf = scope == SCOPE_GLOBAL ? global_buf : alloc_block();
	if (!m->buf)
		return wl_error("allocating a %zu-byte block: out of memory", block_size);
	return 0;
}

static int memory_next(struct wl_thread *t)
{
	struct memory_thread *m = t->priv;

	/* Total size 0 means no size limit (time or events end the run). */
	if (total_size > 0) {
		if (!m->ops_left)
			return 1;
		m->ops_left--;
	}
	return 0;
}

static int memory_event(struct wl_thread *t)
{
	return memory_event_fn(t);
}

static double mib(const struct wl_result *r)
{
	return (double)r->events * block_size / (1024.0 * 1024.0);
}

static void memory_report_text(FILE *out, const struct wl_result *r)
{
	double secs = r->total_time_s > 0 ? r->total_time_s : 1;
	static const char *const opers[] = {"read", "write", "none"};

	fprintf(out,
	        "Memory: block size %zuKiB, total size %" PRIu64 "MiB, operation %s, "
	        "scope %s, access %s\n\n",
	        block_size / 1024, total_size / 1024 / 1024, opers[oper],
	        scope == SCOPE_GLOBAL ? "global" : "local", mode == MODE_SEQ ? "seq" : "rnd");
	fprintf(out, "Total operations: %" PRIu64 " (%8.2f per second)\n\n", r->events,
	        r->events / secs);
	if (oper != OPER_NONE)
		fprintf(out, "%4.2f MiB transferred (%4.2f MiB/sec)\n\n", mib(r), mib(r) / secs);
}

static void memory_report_json(struct wl_json *j, const struct wl_result *r)
{
	double secs = r->total_time_s > 0 ? r->total_time_s : 1;

	wl_json_uint(j, "ops", r->events);
	wl_json_double(j, "ops_per_sec", r->events / secs);
	wl_json_double(j, "mib_transferred", oper == OPER_NONE ? 0 : mib(r));
	wl_json_double(j, "mib_per_sec", oper == OPER_NONE ? 0 : mib(r) / secs);
}

static void memory_done(void)
{
	/* Threads' private blocks are freed here: the harness frees the thread array after. */
	wl_buffer_free(global_buf, block_size);
	global_buf = NULL;
}

static int memory_thread_done(struct wl_thread *t)
{
	struct memory_thread *m = t->priv;

	if (m) {
		if (scope == SCOPE_LOCAL)
			wl_buffer_free(m->buf, block_size);
		free(m);
		t->priv = NULL;
	}
	return 0;
}

const struct wl_workload memory_workload = {
    .name = "memory",
    .summary = "Memory: sequential or random 8-byte reads/writes over one block per event "
               "(sysbench memory).",
    .options = memory_options,
    .init = memory_init,
    .thread_init = memory_thread_init,
    .next = memory_next,
    .event = memory_event,
    .thread_done = memory_thread_done,
    .report_text = memory_report_text,
    .report_json = memory_report_json,
    .done = memory_done,
};

WL_MAIN(memory_workload)
