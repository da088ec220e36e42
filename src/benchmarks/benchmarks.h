/* The benchmark registry: every benchmark assay knows, as data.
 *
 * A benchmark is named `context.component.facet` (performance.cpu.time, performance.disk.rndrd).
 * An entry says which image's binary runs (kind "workload": run /<image> with --json and the
 * arguments below, parse its one-line JSON), which parameters a suite may set (each maps to the
 * workload's `--name=value` option), which arguments are fixed by the benchmark itself (e.g.
 * `--file-test-mode=rndrd` is what makes it rndrd), and which figures to read from the
 * workload's JSON. Adding a workload benchmark is one row in benchmarks.c, no new code.
 *
 * The same argument vector is used for every target (native, oci/..., cri/...): the run engine puts
 * the program (build/bin/<image>, or the image's /<image> entrypoint) in front of it. */
#ifndef ASSAY_BENCHMARKS_H
#define ASSAY_BENCHMARKS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/error.h"

enum benchmark_kind {
	BENCHMARK_WORKLOAD, /* run the image's binary with args, parse its one-line JSON */
	/* Kinds measured by src/ops.c, scale.c, limits.c (src/kinds.h): the engine hands their
	 * runs to kinds_run; their figures still come from the object it returns. */
	BENCHMARK_LIFECYCLE,   /* CRI: create, start, first instruction, destroy of one pod */
	BENCHMARK_STARTUP,     /* any target: launch to first instruction and to exit */
	BENCHMARK_SCALABILITY, /* CRI: N long-running pods, start latency and footprint */
	BENCHMARK_CPU_LIMIT,   /* CRI: cpu workload under a CFS quota, share verified */
	BENCHMARK_CPU_SCALING, /* CRI: quota raised step by step (UpdateContainerResources) */
};

enum benchmark_better {
	BENCHMARK_HIGHER_BETTER,
	BENCHMARK_LOWER_BETTER,
};

enum benchmark_param_type {
	BENCHMARK_PARAM_INT,    /* integer >= 0 */
	BENCHMARK_PARAM_SIZE,   /* bytes >= 0 with an optional K/M/G/T suffix (powers of 1024) */
	BENCHMARK_PARAM_DOUBLE, /* number >= 0 */
	BENCHMARK_PARAM_BOOL,   /* on|off|true|false */
	BENCHMARK_PARAM_CHOICE, /* one word of `choices` ("seq|rnd") */
	BENCHMARK_PARAM_FLAGS,  /* comma-separated words of `choices`, possibly none */
	BENCHMARK_PARAM_STRING, /* anything without whitespace; the workload checks it */
};

#define BENCHMARK_MAX_PARAMS  16
#define BENCHMARK_MAX_FIXED   8
#define BENCHMARK_MAX_FIGURES 16

struct benchmark_param {
	const char *name; /* suite key == workload option without "--" ("cpu-max-prime") */
	enum benchmark_param_type type;
	const char *def;   /* default passed to the workload; NULL: passed only when set */
	const char *quick; /* value under `run --quick` (overrides the suite); NULL: none */
	const char *help;
	const char *choices; /* CHOICE/FLAGS: "a|b|c"; otherwise NULL */
};

struct benchmark_figure {
	/* Figure name in results ("events_per_sec"). A family of figures, one per element of an
	 * array, has a name with `{KEY}` and a path with `[]`: "ns_per_load_{size}" with
	 * "sizes[].ns_per_load" gives ns_per_load_16384, ns_per_load_65536, ... from
	 * {"sizes": [{"size": 16384, "ns_per_load": 1.2}, ...]}. Over an object, `{KEY}` is each
	 * member's name ("ns_per_call_{op}", "ops[].ns_per_call" → ns_per_call_getppid). Elements
	 * whose value is null are left out. */
	const char *name;
	/* Where it is in the workload's JSON: object keys separated by dots, a number for an array
	 * index, `[key=value]` for the first array element whose `key` equals value (compared
	 * as text), e.g. "sizes[bytes=65536].ns_per_load", or `[]` for a family (above). */
	const char *path;
	const char *unit; /* "events/s", "MiB/s", "ns", "s" (no spaces: TSV/gnuplot friendly) */
	enum benchmark_better better;
};

struct benchmark {
	const char *name;        /* context.component.facet */
	const char *description; /* one line */
	enum benchmark_kind kind;
	const char *image; /* cpu, memory, memlat, fileio, syscall, pause */
	struct benchmark_param params[BENCHMARK_MAX_PARAMS];    /* until name == NULL */
	const char *fixed[BENCHMARK_MAX_FIXED];                 /* fixed args, until NULL */
	struct benchmark_figure figures[BENCHMARK_MAX_FIGURES]; /* until name == NULL */
	/* The figure that answers the benchmark, shown in the line printed when a cell finishes
	 * (events/s of a fixed-events cpu run, not its total time); NULL: figures[0]. A family's
	 * template ("ns_per_call_{op}") stands for its first member. */
	const char *headline;
	bool scratch;   /* needs a writable scratch dir as its working directory (fileio) */
	double event_s; /* rough seconds per event, for estimates of runs bounded by `events` */
	/* For estimates of workloads that measure each item of a list for a fixed time (memlat:
	 * `sizes` × `size-time`): the list parameter and the per-item seconds parameter. */
	const char *est_list, *est_item_time;
	unsigned timeout_s; /* default per-run timeout */
};

/* The whole registry, sorted by name; *n gets the count. */
const struct benchmark *benchmarks_all(size_t *n);
/* Entry by exact name, or NULL. */
const struct benchmark *benchmarks_find(const char *name);
/* The headline figure's name (benchmark.headline, else the first figure's). */
const char *benchmarks_headline(const struct benchmark *b);
/* Whether figure (a results' figure name) is the headline or a member of its family. */
bool benchmarks_is_headline(const struct benchmark *b, const char *figure);
/* Parameter / figure of an entry by name, or NULL. A figure of a family matches its template
 * ("ns_per_load_16384" finds "ns_per_load_{bytes}"). */
const struct benchmark_param *benchmarks_param(const struct benchmark *b, const char *name);
const struct benchmark_figure *benchmarks_figure(const struct benchmark *b, const char *name);
/* "workload" (names used in list output and results). */
const char *benchmarks_kind_name(enum benchmark_kind kind);
/* Whether a kind talks to the target's CRI daemon itself (it runs on cri/… targets only). */
bool benchmarks_kind_needs_cri(enum benchmark_kind kind);
/* "higher" / "lower". */
const char *benchmarks_better_name(enum benchmark_better better);

/* Checks one value against its parameter's type; usage error (exit 2) naming the parameter and
 * what was expected, e.g. "`cpu-max-prime`: expected an integer >= 0, got `abc`". */
int benchmarks_check_param(const struct benchmark_param *p, const char *value, assay_error_t *err);

/* Resolves a suite's parameters for b: overrides (a JSON object of name → string, NULL for
 * none) checked by name and value, merged over the defaults, then (quick) each parameter's
 * quick value over both. *out is a new object of
 * name → string holding every parameter that will be passed (params with a NULL default that
 * were not set are absent). Usage error on an unknown name or a bad value. */
int benchmarks_resolve_params(const struct benchmark *b, json_t *overrides, bool quick,
                              json_t **out, assay_error_t *err);

/* The arguments after the program name, NULL-terminated, malloc'd (free with
 * benchmarks_argv_free): "--json", the fixed arguments, then "--NAME=VALUE" for every entry of
 * params (as resolved by benchmarks_resolve_params) in registry order. */
int benchmarks_argv(const struct benchmark *b, json_t *params, char ***argv, assay_error_t *err);
void benchmarks_argv_free(char **argv);

/* Looks up a path (syntax of benchmark_figure.path) in a JSON value; borrowed or NULL. */
json_t *benchmarks_json_path(json_t *root, const char *path);

/* Extracts b's figures from the workload's JSON output: *out is a new object of figure name →
 * real (families expanded, in array order). A figure that is missing or not a number, or a
 * family with no element, is an error naming it and its path
 * (exit code 1: the workload's output is not what the registry expects). */
int benchmarks_figures(const struct benchmark *b, json_t *workload, json_t **out,
                       assay_error_t *err);

#endif
