/* The registry: one row per benchmark. Parameter names are the workloads' own options
 * (docs/workloads.md), so a suite's `params:` reads like the workload's command line. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "benchmarks/benchmarks.h"
#include "lib/json.h"
#include "lib/util.h"

/* Shared parameter rows. Runs are short by default (the default suite must finish in minutes on
 * two cores); a suite asks for longer ones. */
#define P_TIME(d, q)                                                                               \
	{                                                                                          \
		"time", BENCHMARK_PARAM_DOUBLE, d, q, "seconds of measured run (0: no limit)"      \
	}
#define P_EVENTS(d, q)                                                                             \
	{                                                                                          \
		"events", BENCHMARK_PARAM_INT, d, q, "events to run (0: no limit)"                 \
	}
#define P_THREADS                                                                                  \
	{                                                                                          \
		"threads", BENCHMARK_PARAM_INT, "1", NULL, "worker threads"                        \
	}
#define P_WARMUP                                                                                   \
	{                                                                                          \
		"warmup-time", BENCHMARK_PARAM_DOUBLE, NULL, NULL, "unmeasured seconds first"      \
	}
#define P_PERCENTILE                                                                               \
	{                                                                                          \
		"percentile", BENCHMARK_PARAM_DOUBLE, NULL, NULL, "latency percentile"             \
	}
#define P_SEED                                                                                     \
	{                                                                                          \
		"rand-seed", BENCHMARK_PARAM_INT, NULL, NULL, "random seed (0: clock)"             \
	}
/* The workloads' buffers' huge pages, madvised alike on every target (harness.h). */
#define P_HUGE                                                                                     \
	{                                                                                          \
		"huge-pages", BENCHMARK_PARAM_CHOICE, NULL, NULL,                                  \
		    "transparent huge pages for the working buffers (off: MADV_NOHUGEPAGE)",       \
		    "off|on"                                                                       \
	}
/* CPU pinning, by the workload itself (sched_setaffinity), so alike on every target. */
#define P_CPUS                                                                                     \
	{                                                                                          \
		"cpus", BENCHMARK_PARAM_STRING, NULL, NULL,                                        \
		    "pin the workload's threads to this CPU list (0, 0-1,3)"                       \
	}
#define P_COMMON P_THREADS, P_WARMUP, P_PERCENTILE, P_SEED, P_HUGE, P_CPUS
/* For workloads timed per event (cpu, memory, fileio): events per pair of clock reads. */
#define P_BATCH                                                                                    \
	{                                                                                          \
		"time-batch", BENCHMARK_PARAM_INT, NULL, NULL,                                     \
		    "events per pair of clock reads (1: each event, as sysbench)"                  \
	}

#define F_HI(n, p, u)                                                                              \
	{                                                                                          \
		n, p, u, BENCHMARK_HIGHER_BETTER                                                   \
	}
#define F_LO(n, p, u)                                                                              \
	{                                                                                          \
		n, p, u, BENCHMARK_LOWER_BETTER                                                    \
	}
#define F_LAT_MS                                                                                   \
	F_LO("latency_avg_ms", "latency_ms.avg", "ms"),                                            \
	    F_LO("latency_p95_ms", "latency_ms.p95", "ms")
#define F_LAT_NS                                                                                   \
	F_LO("latency_avg_ns", "latency_ns.avg", "ns"),                                            \
	    F_LO("latency_p95_ns", "latency_ns.p95", "ns")

#define MEMORY(facet, oper, mode, what)                                                            \
	{                                                                                          \
		.name = "performance.memory." facet, .kind = BENCHMARK_WORKLOAD,                   \
		.image = "memory",                                                                 \
		.description = "memory bandwidth: " what " over a 1 KiB block, 8 bytes each",      \
		.params = {P_TIME("2", "0.5"),                                                     \
		           {"memory-block-size", BENCHMARK_PARAM_SIZE, "1K", NULL,                 \
		            "bytes of the block one event walks"},                                 \
		           {"memory-total-size", BENCHMARK_PARAM_SIZE, "100G", NULL,               \
		            "bytes to transfer in all (the time limit usually ends it first)"},    \
		           {"memory-scope", BENCHMARK_PARAM_CHOICE, "global", NULL,                \
		            "one block shared by the threads, or one each", "global|local"},       \
		           P_COMMON,                                                               \
		           P_BATCH},                                                               \
		.fixed = {"--memory-oper=" oper, "--memory-access-mode=" mode},                    \
		.figures = {F_HI("mib_per_sec", "mib_per_sec", "MiB/s"),                           \
		            F_HI("ops_per_sec", "ops_per_sec", "ops/s"), F_LAT_NS},                \
		.timeout_s = 120,                                                                  \
	}

#define DISK(facet, what, figs)                                                                    \
	{                                                                                          \
		.name = "performance.disk." facet, .kind = BENCHMARK_WORKLOAD, .image = "fileio",  \
		.description = "file I/O: " what,                                                  \
		.params = {P_TIME("2", "0.5"),                                                     \
		           {"file-num", BENCHMARK_PARAM_INT, "16", NULL, "files"},                 \
		           {"file-total-size", BENCHMARK_PARAM_SIZE, "256M", "16M",                \
		            "bytes in all the files"},                                             \
		           {"file-block-size", BENCHMARK_PARAM_SIZE, "16K", NULL,                  \
		            "bytes per request"},                                                  \
		           {"file-extra-flags", BENCHMARK_PARAM_FLAGS, NULL, NULL, "open flags",   \
		            "sync|dsync|direct"},                                                  \
		           {"file-fsync-freq", BENCHMARK_PARAM_INT, "100", NULL,                   \
		            "fsync every N requests (0: never)"},                                  \
		           {"file-fsync-end", BENCHMARK_PARAM_BOOL, "on", NULL,                    \
		            "fsync at the end"},                                                   \
		           {"file-fsync-mode", BENCHMARK_PARAM_CHOICE, "fsync", NULL,              \
		            "how to sync", "fsync|fdatasync"},                                     \
		           P_COMMON,                                                               \
		           P_BATCH},                                                               \
		.fixed = {"--file-test-mode=" facet},                                              \
		.figures = {figs, F_LAT_MS, F_LO("prepare_s", "prepare_s", "s")}, .scratch = true, \
		.timeout_s = 300,                                                                  \
	}
#define F_READ                                                                                     \
	F_HI("read_mib_per_sec", "read_mib_per_sec", "MiB/s"),                                     \
	    F_HI("reads_per_sec", "reads_per_sec", "ops/s")
#define F_WRITE                                                                                    \
	F_HI("written_mib_per_sec", "written_mib_per_sec", "MiB/s"),                               \
	    F_HI("writes_per_sec", "writes_per_sec", "ops/s"),                                     \
	    F_HI("fsyncs_per_sec", "fsyncs_per_sec", "ops/s")

/* Issue 6's kinds (src/kinds.h measures them; figures come from the object it returns). */
#define P_CPU_PRIME(d, q)                                                                          \
	{                                                                                          \
		"cpu-max-prime", BENCHMARK_PARAM_INT, d, q,                                        \
		    "upper limit of the prime search in one event"                                 \
	}
#define SCALE(n)                                                                                   \
	{                                                                                          \
		.name = "scalability.runtime." #n, .kind = BENCHMARK_SCALABILITY,                  \
		.image = "pause",                                                                  \
		.description = "CRI: start " #n " long-running pods; total time, per-pod start "   \
		               "latency and memory",                                               \
		.params = {{"pods", BENCHMARK_PARAM_INT, #n, NULL,                                 \
		            "pods to start (the name's N; smaller only for tests)"},               \
		           {"mode", BENCHMARK_PARAM_CHOICE, "sequential", NULL,                    \
		            "one pod after the other, or `clients` CRI clients at once",           \
		            "sequential|concurrent"},                                              \
		           {"clients", BENCHMARK_PARAM_INT, "4", NULL,                             \
		            "parallel CRI clients in concurrent mode"}},                           \
		.figures = {F_LO("total_s", "total_s", "s"),                                       \
		            F_LO("start_median_ms", "start_median_ms", "ms"),                      \
		            F_LO("start_p95_ms", "start_p95_ms", "ms"),                            \
		            F_LO("start_max_ms", "start_max_ms", "ms"),                            \
		            F_LO("pss_per_pod_mib", "pss_per_pod_mib", "MiB"),                     \
		            F_LO("rss_per_pod_mib", "rss_per_pod_mib", "MiB"),                     \
		            F_LO("destroy_s", "destroy_s", "s")},                                  \
		.timeout_s = 120 + 5 * (n),                                                        \
	}

/* Sorted by name (benchmarks_all promises it; a unit test checks it). */
static const struct benchmark registry[] = {
    {
        .name = "limits.cpu.scaling",
        .description = "CRI: cpu events while the CFS quota rises step by step "
                       "(UpdateContainerResources)",
        .kind = BENCHMARK_CPU_SCALING,
        .image = "cpu",
        .params = {P_CPU_PRIME("20000", "10000"),
                   P_EVENTS("2000", "300"),
                   {"period", BENCHMARK_PARAM_INT, "100000", NULL, "CFS period, us"},
                   {"start-percent", BENCHMARK_PARAM_DOUBLE, "55", NULL,
                    "first quota, % of one CPU"},
                   {"step-percent", BENCHMARK_PARAM_DOUBLE, "5", NULL, "raise per step, %"},
                   {"end-percent", BENCHMARK_PARAM_DOUBLE, "100", NULL, "last quota, %"},
                   {"step-time", BENCHMARK_PARAM_DOUBLE, "1", NULL, "seconds per step"}},
        .figures = {F_LO("total_time_s", "total_time_s", "s"),
                    F_HI("share_at_{percent}", "steps[].share", "share")},
        .headline = "share_at_{percent}",
        .timeout_s = 600,
        .event_s = 0.00075,
    },
    {
        .name = "limits.cpu.time",
        .description = "CRI: cpu events under a CFS hard quota; measured CPU share checked",
        .kind = BENCHMARK_CPU_LIMIT,
        .image = "cpu",
        .params = {P_CPU_PRIME("20000", "10000"),
                   P_EVENTS("400", "50"),
                   {"quota", BENCHMARK_PARAM_INT, "10000", NULL, "CFS quota, us per period"},
                   {"period", BENCHMARK_PARAM_INT, "100000", NULL, "CFS period, us"},
                   {"tolerance", BENCHMARK_PARAM_DOUBLE, "10", NULL,
                    "% of quota/period the measured share may differ by"}},
        .figures = {F_LO("total_time_s", "total_time_s", "s"), F_LO("share", "share", "share"),
                    F_LO("share_error_pct", "share_error_pct", "%"),
                    F_LO("pod_cpu_s", "pod_cpu_s", "s"),
                    F_LO("sandbox_cpu_in_pod_s", "sandbox_cpu_in_pod_s", "s"),
                    F_LO("sandbox_cpu_outside_pod_s", "sandbox_cpu_outside_pod_s", "s")},
        .headline = "share",
        .timeout_s = 900,
        .event_s = 0.00075, /* max-prime 20000; the estimate scales it by period/quota */
    },
    {
        .name = "operations.container.lifecycle",
        .description = "CRI: create, run (to the workload's first instruction) and destroy a "
                       "long-running container",
        .kind = BENCHMARK_LIFECYCLE,
        .image = "pause",
        .params = {{"stop-timeout", BENCHMARK_PARAM_INT, "10", NULL,
                    "StopContainer grace period, s (SIGKILL after it)"}},
        .figures = {F_LO("create_and_run_ms", "create_and_run_ms", "ms"),
                    F_LO("create_ms", "create_ms", "ms"), F_LO("run_ms", "run_ms", "ms"),
                    F_LO("destroy_ms", "destroy_ms", "ms"),
                    F_LO("run_pod_sandbox_ms", "run_pod_sandbox_ms", "ms"),
                    F_LO("create_container_ms", "create_container_ms", "ms"),
                    F_LO("start_container_ms", "start_container_ms", "ms"),
                    F_LO("stop_container_ms", "stop_container_ms", "ms"),
                    F_LO("remove_container_ms", "remove_container_ms", "ms"),
                    F_LO("stop_pod_sandbox_ms", "stop_pod_sandbox_ms", "ms"),
                    F_LO("remove_pod_sandbox_ms", "remove_pod_sandbox_ms", "ms")},
        .timeout_s = 120,
    },
    {
        .name = "operations.container.startup",
        .description = "launch to the workload's first instruction and to its exit (cpu, "
                       "1 event)",
        .kind = BENCHMARK_STARTUP,
        .image = "cpu",
        .params = {P_CPU_PRIME("20000", NULL), P_EVENTS("1", NULL)},
        .figures = {F_LO("to_exit_ms", "to_exit_ms", "ms"),
                    F_LO("to_first_instruction_ms", "to_first_instruction_ms", "ms")},
        .headline = "to_first_instruction_ms",
        .timeout_s = 60,
    },
    {
        .name = "performance.cpu.time",
        .description = "CPU: time for a fixed number of prime-search events (sysbench cpu)",
        .kind = BENCHMARK_WORKLOAD,
        .image = "cpu",
        .params = {{"cpu-max-prime", BENCHMARK_PARAM_INT, "20000", "10000",
                    "upper limit of the prime search in one event"},
                   P_EVENTS("2000", "200"),
                   P_TIME("0", NULL),
                   P_COMMON,
                   P_BATCH},
        .figures = {F_LO("total_time_s", "total_time_s", "s"),
                    F_HI("events_per_sec", "events_per_sec", "events/s"), F_LAT_MS},
        .headline = "events_per_sec",
        .timeout_s = 300,
        .event_s = 0.00075, /* max-prime 20000 on this machine */
    },
    DISK("rndrd", "random 16 KiB reads of prepared files", F_READ),
    DISK("rndwr", "random 16 KiB writes, fsync every 100 requests", F_WRITE),
    DISK("seqrd", "sequential 16 KiB reads of prepared files", F_READ),
    DISK("seqrewr", "sequential 16 KiB rewrites of prepared files", F_WRITE),
    DISK("seqwr", "sequential 16 KiB writes creating the files", F_WRITE),
    {
        .name = "performance.memlat",
        .description = "memory latency: dependent loads chasing pointers, per working set",
        .kind = BENCHMARK_WORKLOAD,
        .image = "memlat",
        .params = {{"sizes", BENCHMARK_PARAM_STRING, "16K,256K,4M,64M", "16K,4M",
                    "working-set sizes, one figure each"},
                   {"size-time", BENCHMARK_PARAM_DOUBLE, "0.3", "0.05", "seconds per size"},
                   {"line-size", BENCHMARK_PARAM_SIZE, NULL, NULL, "bytes between pointers"},
                   {"loads", BENCHMARK_PARAM_INT, NULL, NULL,
                    "dependent loads per event (0: as many as take event-time)"},
                   {"event-time", BENCHMARK_PARAM_DOUBLE, NULL, NULL,
                    "seconds an event should last (default 0.01)"},
                   P_COMMON},
        .figures = {F_LO("ns_per_load_{size}", "sizes[].ns_per_load", "ns")},
        .est_list = "sizes",
        .est_item_time = "size-time",
        .timeout_s = 300,
    },
    {
        .name = "performance.memory.latency",
        .description = "memory: time and per-event latency to write a fixed total "
                       "(TouchStone's MemTime, Mem*Latency)",
        .kind = BENCHMARK_WORKLOAD,
        .image = "memory",
        .params = {P_TIME("0", NULL),
                   {"memory-block-size", BENCHMARK_PARAM_SIZE, "1M", NULL,
                    "bytes of the block one event walks"},
                   {"memory-total-size", BENCHMARK_PARAM_SIZE, "100G", "1G",
                    "bytes to transfer in all"},
                   P_COMMON,
                   P_BATCH},
        .fixed = {"--memory-oper=write", "--memory-access-mode=seq"},
        .figures = {F_LO("total_time_s", "total_time_s", "s"),
                    F_LO("latency_min_ns", "latency_ns.min", "ns"),
                    F_LO("latency_avg_ns", "latency_ns.avg", "ns"),
                    F_LO("latency_max_ns", "latency_ns.max", "ns"),
                    F_HI("mib_per_sec", "mib_per_sec", "MiB/s")},
        .headline = "latency_avg_ns",
        .timeout_s = 300,
    },
    MEMORY("rndrd", "read", "rnd", "random reads"),
    MEMORY("rndwr", "write", "rnd", "random writes"),
    MEMORY("seqrd", "read", "seq", "sequential reads"),
    MEMORY("seqwr", "write", "seq", "sequential writes"),
    {
        .name = "performance.syscall",
        .description = "system call cost: ns per getppid, clock_gettime, open+close, stat, ...",
        .kind = BENCHMARK_WORKLOAD,
        .image = "syscall",
        .params = {{"ops", BENCHMARK_PARAM_FLAGS,
                    "getppid,clock_gettime,open-close,stat,read,mmap-munmap", NULL,
                    "calls to measure", "getppid|clock_gettime|open-close|stat|read|mmap-munmap"},
                   {"op-time", BENCHMARK_PARAM_DOUBLE, "0.3", "0.05", "seconds per call kind"},
                   {"calls", BENCHMARK_PARAM_INT, NULL, NULL, "calls per event"},
                   P_COMMON},
        .figures = {F_LO("ns_per_call_{op}", "ops[].ns_per_call", "ns")},
        /* Its open/stat/read file goes in the working directory: the scratch dir keeps that
         * on the same file system for every target. */
        .scratch = true,
        .est_list = "ops",
        .est_item_time = "op-time",
        .timeout_s = 120,
    },
    SCALE(10),
    SCALE(100),
    SCALE(200),
    SCALE(5),
    SCALE(50),
};

#define N_REGISTRY (sizeof(registry) / sizeof(registry[0]))

const struct benchmark *benchmarks_all(size_t *n)
{
	*n = N_REGISTRY;
	return registry;
}

const struct benchmark *benchmarks_find(const char *name)
{
	for (size_t i = 0; i < N_REGISTRY; i++)
		if (!strcmp(registry[i].name, name))
			return &registry[i];
	return NULL;
}

const char *benchmarks_headline(const struct benchmark *b)
{
	return b->headline ? b->headline : b->figures[0].name;
}

static bool template_matches(const char *tmpl, const char *name)
{
	const char *open = strchr(tmpl, '{'), *close = open ? strchr(open, '}') : NULL;
	size_t pre, suf, len = strlen(name);

	if (!close)
		return false;
	pre = (size_t)(open - tmpl);
	suf = strlen(close + 1);
	return len > pre + suf && !strncmp(tmpl, name, pre) && !strcmp(name + len - suf, close + 1);
}

bool benchmarks_is_headline(const struct benchmark *b, const char *figure)
{
	const char *h = benchmarks_headline(b);

	return !strcmp(h, figure) || template_matches(h, figure);
}

const struct benchmark_param *benchmarks_param(const struct benchmark *b, const char *name)
{
	for (const struct benchmark_param *p = b->params; p->name; p++)
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

/* Whether name is an instance of template "prefix{KEY}suffix" (the instance is not empty). */

const struct benchmark_figure *benchmarks_figure(const struct benchmark *b, const char *name)
{
	for (const struct benchmark_figure *f = b->figures; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	for (const struct benchmark_figure *f = b->figures; f->name; f++)
		if (template_matches(f->name, name))
			return f;
	return NULL;
}

/* What each kind is called and what it needs of a target (kinds.c runs them). */
static const struct {
	enum benchmark_kind kind;
	const char *name;
	bool needs_cri;
} kinds[] = {
    {BENCHMARK_WORKLOAD, "workload", false},  {BENCHMARK_LIFECYCLE, "lifecycle", true},
    {BENCHMARK_STARTUP, "startup", false},    {BENCHMARK_SCALABILITY, "scalability", true},
    {BENCHMARK_CPU_LIMIT, "cpu-limit", true}, {BENCHMARK_CPU_SCALING, "cpu-scaling", true},
};

const char *benchmarks_kind_name(enum benchmark_kind kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == kind)
			return kinds[i].name;
	return "unknown";
}

bool benchmarks_kind_needs_cri(enum benchmark_kind kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == kind)
			return kinds[i].needs_cri;
	return false;
}

const char *benchmarks_better_name(enum benchmark_better better)
{
	return better == BENCHMARK_HIGHER_BETTER ? "higher" : "lower";
}

/* Whether word is one of the `|`-separated choices. */
static bool is_choice(const char *choices, const char *word, size_t len)
{
	const char *p = choices;

	while (*p) {
		size_t n = strcspn(p, "|");

		if (n == len && !strncmp(p, word, len))
			return true;
		p += n;
		if (*p == '|')
			p++;
	}
	return false;
}

static bool parse_number(const char *s, bool integer, bool size)
{
	char *end;

	if (*s == '\0' || isspace((unsigned char)*s) || *s == '-' || *s == '+')
		return false;
	errno = 0;
	if (integer) {
		(void)strtoull(s, &end, 10);
	} else {
		double d = strtod(s, &end);

		if (!isfinite(d))
			return false;
	}
	if (errno || end == s)
		return false;
	if (size && *end && strchr("KMGTkmgt", *end))
		end++;
	return *end == '\0';
}

int benchmarks_check_param(const struct benchmark_param *p, const char *value, assay_error_t *err)
{
	const char *expected = NULL;

	switch (p->type) {
	case BENCHMARK_PARAM_INT:
		if (!parse_number(value, true, false))
			expected = "an integer >= 0";
		break;
	case BENCHMARK_PARAM_SIZE:
		if (!parse_number(value, true, true))
			expected =
			    "a size in bytes (an integer >= 0, optional suffix K, M, G or T)";
		break;
	case BENCHMARK_PARAM_DOUBLE:
		if (!parse_number(value, false, false))
			expected = "a number >= 0";
		break;
	case BENCHMARK_PARAM_BOOL:
		if (strcmp(value, "on") && strcmp(value, "off") && strcmp(value, "true") &&
		    strcmp(value, "false"))
			expected = "on, off, true or false";
		break;
	case BENCHMARK_PARAM_CHOICE:
		if (!is_choice(p->choices, value, strlen(value)))
			return assay_error_usage(err, "`%s`: expected one of %s, got `%s`", p->name,
			                         p->choices, value);
		break;
	case BENCHMARK_PARAM_FLAGS:
		for (const char *w = value; *w;) {
			size_t n = strcspn(w, ",");

			if (!is_choice(p->choices, w, n))
				return assay_error_usage(
				    err, "`%s`: expected a comma-separated list of %s, got `%s`",
				    p->name, p->choices, value);
			w += n;
			if (*w == ',')
				w++;
		}
		break;
	case BENCHMARK_PARAM_STRING:
		for (const char *c = value; *c; c++)
			if (isspace((unsigned char)*c))
				expected = "a word without spaces";
		if (*value == '\0')
			expected = "a non-empty word";
		break;
	}
	if (expected)
		return assay_error_usage(err, "`%s`: expected %s, got `%s`", p->name, expected,
		                         value);
	return 0;
}

static int unknown_param(const struct benchmark *b, const char *name, assay_error_t *err)
{
	cleanup_free char *names = NULL;
	size_t len = 0;

	for (const struct benchmark_param *p = b->params; p->name; p++)
		len += strlen(p->name) + 2;
	names = xcalloc(len + 1, 1);
	for (const struct benchmark_param *p = b->params; p->name; p++) {
		if (*names)
			strcat(names, ", ");
		strcat(names, p->name);
	}
	return assay_error_usage(err, "unknown parameter `%s` of %s (expected one of: %s)", name,
	                         b->name, names);
}

int benchmarks_resolve_params(const struct benchmark *b, json_t *overrides, bool quick,
                              json_t **out, assay_error_t *err)
{
	cleanup_json json_t *params = json_object();
	const char *key;
	json_t *value;

	if (overrides) {
		json_object_foreach(overrides, key, value)
		{
			const struct benchmark_param *p = benchmarks_param(b, key);

			if (p == NULL)
				return unknown_param(b, key, err);
			if (!json_is_string(value))
				return assay_error_usage(err, "`%s`: expected a string value", key);
			if (benchmarks_check_param(p, json_string_value(value), err) < 0)
				return -1;
		}
	}
	for (const struct benchmark_param *p = b->params; p->name; p++) {
		const char *v = p->def;
		json_t *o = overrides ? json_object_get(overrides, p->name) : NULL;

		if (o)
			v = json_string_value(o);
		if (quick && p->quick)
			v = p->quick;
		if (v)
			json_object_set_new(params, p->name, json_string(v));
	}
	*out = steal_pointer(&params);
	return 0;
}

int benchmarks_argv(const struct benchmark *b, json_t *params, char ***argv, assay_error_t *err)
{
	size_t n = 0, i = 0;
	char **v;
	const char *key;
	json_t *value;

	json_object_foreach(params, key, value)
	{
		if (benchmarks_param(b, key) == NULL)
			return unknown_param(b, key, err);
		if (!json_is_string(value))
			return assay_error_usage(err, "`%s`: expected a string value", key);
	}
	for (const char *const *f = b->fixed; *f; f++)
		n++;
	n += json_object_size(params) + 2;
	v = xcalloc(n, sizeof(char *));
	v[i++] = xstrdup("--json");
	for (const char *const *f = b->fixed; *f; f++)
		v[i++] = xstrdup(*f);
	for (const struct benchmark_param *p = b->params; p->name; p++) {
		json_t *o = json_object_get(params, p->name);

		if (o)
			v[i++] = xasprintf("--%s=%s", p->name, json_string_value(o));
	}
	v[i] = NULL;
	*argv = v;
	return 0;
}

void benchmarks_argv_free(char **argv)
{
	if (argv == NULL)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

/* `[key=value]` against one array element: compared as text so numbers and strings both work. */
static bool element_matches(json_t *elem, const char *key, size_t klen, const char *want,
                            size_t wlen)
{
	cleanup_free char *k = strndup(key, klen);
	json_t *v;
	char buf[64];
	const char *text = NULL;

	if (!json_is_object(elem) || k == NULL)
		return false;
	v = json_object_get(elem, k);
	if (json_is_string(v)) {
		text = json_string_value(v);
	} else if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		text = buf;
	} else if (json_is_real(v) && json_real_value(v) == floor(json_real_value(v)) &&
	           fabs(json_real_value(v)) < 1e18) {
		snprintf(buf, sizeof(buf), "%.0f", json_real_value(v));
		text = buf;
	}
	return text && strlen(text) == wlen && !strncmp(text, want, wlen);
}

json_t *benchmarks_json_path(json_t *root, const char *path)
{
	json_t *cur = root;
	const char *p = path;

	while (cur && *p) {
		size_t n = strcspn(p, ".[");

		if (n > 0) {
			char key[128];

			if (n >= sizeof(key))
				return NULL;
			memcpy(key, p, n);
			key[n] = '\0';
			if (json_is_object(cur)) {
				cur = json_object_get(cur, key);
			} else if (json_is_array(cur) && parse_number(key, true, false)) {
				cur = json_array_get(cur, strtoul(key, NULL, 10));
			} else {
				return NULL;
			}
			p += n;
		}
		if (*p == '[') {
			const char *close = strchr(p, ']'), *eq = strchr(p, '=');
			size_t i;
			json_t *elem, *found = NULL;

			if (!close || !eq || eq > close || !json_is_array(cur))
				return NULL;
			json_array_foreach(cur, i, elem)
			{
				if (element_matches(elem, p + 1, (size_t)(eq - p - 1), eq + 1,
				                    (size_t)(close - eq - 1))) {
					found = elem;
					break;
				}
			}
			cur = found;
			p = close + 1;
		}
		if (*p == '.')
			p++;
		else if (*p && *p != '[')
			return NULL;
	}
	return cur;
}

/* Text of a scalar for a family's figure name ("16384", "getppid"); NULL if not a scalar. */
static char *scalar_text(json_t *v)
{
	if (json_is_string(v))
		return xstrdup(json_string_value(v));
	if (json_is_integer(v))
		return xasprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
	if (json_is_real(v))
		return xasprintf("%g", json_real_value(v));
	return NULL;
}

/* A family over an object's members: `{KEY}` is the member's name. */
static int object_family(const struct benchmark *b, const struct benchmark_figure *f,
                         json_t *object, const char *rest, json_t *figures, assay_error_t *err)
{
	const char *open = strchr(f->name, '{'), *close = strchr(open, '}'), *member;
	json_t *elem;
	size_t found = 0;

	json_object_foreach(object, member, elem)
	{
		json_t *v = *rest ? benchmarks_json_path(elem, rest) : elem;
		char *name;

		if (json_is_null(v))
			continue;
		if (!json_is_number(v))
			return assay_error_make(
			    err, 0, "%s: figure `%s`: member `%s` has no number at `%s`", b->name,
			    f->name, member, rest);
		name = xasprintf("%.*s%s%s", (int)(open - f->name), f->name, member, close + 1);
		json_object_set_new(figures, name, json_real(json_number_value(v)));
		free(name);
		found++;
	}
	if (found == 0)
		return assay_error_make(err, 0,
		                        "%s: figure `%s`: no values in the workload's output",
		                        b->name, f->name);
	return 0;
}

/* One family: "NAME{KEY}SUFFIX" over the array (or object) at the path's part before `[]`. */
static int family_figures(const struct benchmark *b, const struct benchmark_figure *f,
                          json_t *workload, json_t *figures, assay_error_t *err)
{
	const char *brackets = strstr(f->path, "[]"), *open = strchr(f->name, '{');
	const char *close = open ? strchr(open, '}') : NULL;
	const char *rest = brackets ? brackets + 2 : NULL;
	cleanup_free char *array_path = NULL, *key = NULL;
	json_t *array, *elem;
	size_t i, found = 0;

	if (!brackets || !close)
		return assay_error_make(err, 0,
		                        "%s: figure `%s`: a family needs `{KEY}` in its name "
		                        "and `[]` in its path `%s`",
		                        b->name, f->name, f->path);
	array_path = strndup(f->path, (size_t)(brackets - f->path));
	key = strndup(open + 1, (size_t)(close - open - 1));
	if (!array_path || !key)
		abort();
	if (*rest == '.')
		rest++;
	array = benchmarks_json_path(workload, array_path);
	if (json_is_object(array))
		return object_family(b, f, array, rest, figures, err);
	json_array_foreach(array, i, elem)
	{
		cleanup_free char *id = scalar_text(json_object_get(elem, key));
		char *name;
		json_t *v = *rest ? benchmarks_json_path(elem, rest) : elem;

		/* null: the workload had no time left for this element. */
		if (json_is_null(v))
			continue;
		if (id == NULL || !json_is_number(v))
			return assay_error_make(err, 0,
			                        "%s: figure `%s`: element %zu of `%s` lacks a "
			                        "scalar `%s` or a number at `%s`",
			                        b->name, f->name, i, array_path, key, rest);
		name = xasprintf("%.*s%s%s", (int)(open - f->name), f->name, id, close + 1);
		json_object_set_new(figures, name, json_real(json_number_value(v)));
		free(name);
		found++;
	}
	if (found == 0)
		return assay_error_make(err, 0,
		                        "%s: figure `%s`: no elements at `%s` in the "
		                        "workload's output",
		                        b->name, f->name, array_path);
	return 0;
}

int benchmarks_figures(const struct benchmark *b, json_t *workload, json_t **out,
                       assay_error_t *err)
{
	cleanup_json json_t *figures = json_object();

	for (const struct benchmark_figure *f = b->figures; f->name; f++) {
		json_t *v;

		if (strchr(f->name, '{')) {
			if (family_figures(b, f, workload, figures, err) < 0)
				return -1;
			continue;
		}
		v = benchmarks_json_path(workload, f->path);
		if (!json_is_number(v)) {
			return assay_error_make(
			    err, 0, "%s: figure `%s`: %s `%s` in the workload's output", b->name,
			    f->name, v ? "not a number at" : "no", f->path);
		}
		json_object_set_new(figures, f->name, json_real(json_number_value(v)));
	}
	*out = steal_pointer(&figures);
	return 0;
}
