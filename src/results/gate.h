/* The regression gate (`collector check BASELINE RESULTS`): every figure of RESULTS against the
 * same target × benchmark × figure of BASELINE, both results directories (baselines are
 * measurements, not hand-set bounds).
 *
 * Each figure's cost (how many times costlier RESULTS is, whatever the figure's direction) comes
 * with the 99% bootstrap interval of the ratio of medians (compare.h, RESULTS_GATE_LEVEL). By
 * default a target's figure is taken relative to native's in the same results (the cost over
 * native, compared between the two: a host that got slower or faster as a whole, native included,
 * cancels out; one run's figures are never compared with another day's absolutely); native's own
 * figures are then shown, as "drift" when they moved, and gate nothing. absolute: raw figures,
 * native gated too (a kernel or host change, both runs on one quiet host). A figure is slower when
 * its whole interval lies beyond 1 + threshold (significantly worse by more than the threshold): a
 * regression, and the gate fails; faster   when its whole interval lies under 1 / (1 + threshold);
 *   drift    native moving so, in the relative mode (not gated);
 *   same     otherwise: no difference the runs can tell from noise, or none beyond the
 *            threshold (then the statistical verdict says which way);
 *   unknown  fewer than 2 runs on a side;
 *   missing  in BASELINE but not measured in RESULTS (reported; it does not fail the gate).
 * Only each benchmark's headline figures (the ones that answer it: events/s, MiB/s, ns per call
 * or per load) are judged unless all_figures: tails (p95, max), preparation times and the
 * same quantity in other units moved by chance in two runs of one tree.
 * The threshold is 5 % unless a thresholds file says otherwise for the figure: lines
 * "PATTERN PERCENT", PATTERN a glob (fnmatch) over "BENCHMARK/FIGURE" or
 * "TARGET:BENCHMARK/FIGURE", the last matching line winning; '#' starts a comment. */
#ifndef ASSAY_RESULTS_GATE_H
#define ASSAY_RESULTS_GATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/error.h"
#include "results/compare.h"

/* The gate judges hundreds of figures at once: at 95 % one in forty would move by chance, so its
 * intervals are 99 % ones (measured: two runs of one tree, 754 figures, 2 "slower" at 95 %). */
#define RESULTS_GATE_LEVEL 0.99

struct results_gate_row {
	const char *target, *benchmark, *figure; /* borrowed from the results */
	double base_median, median, threshold;   /* threshold in percent */
	struct results_cmp cmp;                  /* RESULTS against BASELINE (when not missing) */
	const char *verdict;                     /* slower, faster, drift, same, unknown, missing */
	bool regression;
	bool relative; /* compared relative to native (each side's own) */
	bool drift;    /* native in the relative mode, or a target's cost that moved with native
	                * only (native_moved): shown, never gating */
	bool native_moved;
};

struct results_gate {
	struct results_gate_row *rows;
	size_t n;
	size_t nslower, nfaster, nsame, nunknown, nmissing, ndrift;
	bool absolute;
};

/* Reads a thresholds file into [[PATTERN, PERCENT]...]; usage error naming the line when bad. */
int results_gate_thresholds(const char *path, json_t **out, assay_error_t *err);

/* Compares results with baseline (loaded roots; thresholds NULL or as above; threshold in %;
 * absolute: raw figures instead of relative to native; all_figures: every figure, not only
 * each benchmark's headline ones, the figures that answer it: benchmarks_is_headline). */
void results_gate_run(json_t *baseline, json_t *results, double threshold, json_t *thresholds,
                      bool absolute, bool all_figures, struct results_gate *out);

void results_gate_free(struct results_gate *g);

/* The host's noise over a results root's runs (their host_noise records): how many runs carry
 * one, how many were disturbed, their mean 1-minute load. A gate whose two sides' hosts were
 * loaded differently says so: a "slower" may then be the host's, not the software's. */
struct results_noise {
	size_t runs, disturbed;
	double load1; /* mean; NaN without records */
};
void results_noise_of(json_t *root, struct results_noise *out);

/* Loads arg, a results directory or its results.json; usage errors start with "cmd: ". */
int results_load_arg(const char *cmd, const char *arg, json_t **out, assay_error_t *err);

#endif
