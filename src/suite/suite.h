/* Suites: a YAML file (schema in docs/suites.md) → a validated plan in memory.
 *
 *   name: default
 *   description: all targets × the performance benchmarks
 *   targets: [native, oci/runc, cri/containerd/runsc]
 *   runs: 3            # measured runs per cell, or auto: 3, then more until clear (below)
 *   warmup: 1          # runs before them, recorded but not summarised
 *   order: interleaved # or sequential
 *   timeout: 120       # per-run timeout, seconds (default: each benchmark's own)
 *   output: results/x  # directory for results (default: results/<timestamp>-<name>/)
 *   options: {pod-network: node, cri-timeout: 30, runsc-sandbox: per-pod,
 *             auto-target: 3, auto-max-runs: 12, auto-budget: 9m, syscall-latency: false}
 *   benchmarks:
 *     - performance.syscall                     # name or glob, defaults
 *     - name: performance.cpu.time
 *       params: {cpu-max-prime: 20000, events: 1500}
 *       runs: 5
 *       timeout: 60
 *
 * A cell is target × benchmark; the plan runs each cell's warm-ups then its runs. Every error
 * (YAML syntax, unknown key, wrong type, bad value) is a usage error (exit 2) reading
 * "FILE:LINE:COLUMN: what is wrong (expected ...)". */
#ifndef ASSAY_SUITE_H
#define ASSAY_SUITE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "benchmarks/benchmarks.h"
#include "lib/error.h"
#include "targets/target.h"

enum suite_order {
	SUITE_ORDER_INTERLEAVED, /* per benchmark, round by round: A B C A B C ... */
	SUITE_ORDER_SEQUENTIAL,  /* per benchmark, target by target: A A A B B B ... */
};

struct suite_target {
	char *name;                     /* "native", "oci/runc", "cri/containerd/runsc" */
	const struct target_type *type; /* its row of the targets table (targets/target.h) */
	char *runtime; /* "runc" (oci/runc, cri/containerd/runc); NULL for native */
	char *daemon;  /* "containerd" for CRI targets; NULL otherwise */
};

struct suite_bench {
	const struct benchmark *def; /* registry entry */
	json_t *params;              /* resolved (benchmarks_resolve_params): name → string */
	json_t *overrides;           /* what the suite set itself: name → string (may be empty) */
	unsigned runs, warmup;       /* per cell */
	unsigned timeout_s;          /* per run */
	uint64_t memory_limit; /* bytes, the container's memory limit on CRI targets; 0 none */
};

struct suite {
	char *path; /* as given */
	char *text; /* the file's contents (for results' meta) */
	char *name;
	char *description;
	struct suite_target *targets;
	size_t n_targets;
	struct suite_bench *benches;
	size_t n_benches;
	unsigned runs, warmup; /* suite-wide defaults */
	enum suite_order order;
	unsigned timeout_s;     /* 0: each benchmark's default */
	char *output;           /* NULL: default directory */
	char *pod_network;      /* "node" (default) or "cni" */
	unsigned cri_timeout_s; /* deadline of one CRI call (default 60) */
	char *runsc_sandbox; /* "per-pod" (default) or "per-container": gVisor under containerd */
	/* runs: auto. After the planned rounds, interleaved extra rounds for the cells whose
	 * headline 95% interval of the median is wider than ±auto_target_pct, until it is met, the
	 * cell has auto_max_runs measured runs, or the suite has run auto_budget_s (run/auto.c). */
	bool runs_auto;
	unsigned auto_target_pct; /* default 3 */
	unsigned auto_max_runs;   /* default 12 */
	unsigned auto_budget_s;   /* default 540: the default suite within 10 minutes here */
	bool syscall_latency;     /* the tracer's per-syscall latency histograms (default off) */
};

/* One step of the plan: run number `round` (0-based, warm-ups first) of cell target × bench. */
struct suite_step {
	size_t target, bench;
	unsigned round;
	bool warmup;
};

/* Reads and validates path. */
int suite_load(const char *path, struct suite **out, assay_error_t *err);
/* Same from memory; `path` only names the text in messages. */
int suite_parse(const char *path, const char *text, size_t len, struct suite **out,
                assay_error_t *err);
void suite_free(struct suite *s);

/* Command-line overrides of `collector run`, applied after loading:
 *  targets: comma-separated names/globs; a name not in the suite is added (NULL: keep);
 *  bench_globs/n_globs: keep only matching benchmarks (n_globs 0: keep all); a glob matching
 *  nothing is a usage error;
 *  runs > 0: runs per cell for every benchmark;
 *  quick: 1 run, no warm-up, each parameter's quick value (see benchmark_param.quick). */
int suite_restrict(struct suite *s, const char *targets, char *const *bench_globs, size_t n_globs,
                   int runs, bool quick, assay_error_t *err);

/* The plan: every step in execution order (see enum suite_order); malloc'd, *n the count. */
struct suite_step *suite_plan(const struct suite *s, size_t *n);

/* Rough wall time of the plan in seconds: each run's expected duration (its `time` or fixed
 * amount of work, plus fileio's prepare) plus a per-target launch cost measured on this kind of
 * machine (native ~0, runc ~0.2 s, runsc ~1 s, CRI adds ~0.3 s). */
double suite_estimate_s(const struct suite *s);

/* The plan's cells (target × benchmark) and runs (warm-ups included). */
size_t suite_cells(const struct suite *s);
size_t suite_runs(const struct suite *s);

#endif
