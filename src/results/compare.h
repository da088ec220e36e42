/* Comparisons of two cells' figures with a confidence interval: the ratio of their medians and
 * its bootstrap interval (lib/stats.h, stats_ratio_ci, over the measured runs), the cost it
 * means (how many times costlier, whatever the figure's direction) and a verdict. Used for
 * every target against native (results.json's summary.FIGURE.vs_native, summary.tsv), between
 * targets and results directories (the report's ★ and ×, `collector table`) and by the
 * regression gate (`collector check`).
 *
 * Results without their runs (summaries only) are compared through the summaries' intervals of
 * the medians: [ci_low(a)/ci_high(b), ci_high(a)/ci_low(b)], wider than the bootstrap's. */
#ifndef ASSAY_RESULTS_COMPARE_H
#define ASSAY_RESULTS_COMPARE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define RESULTS_CMP_LEVEL 0.95

enum results_verdict {
	RESULTS_SAME,    /* the interval holds 1: shown "≈" */
	RESULTS_FASTER,  /* a significantly better than b (higher where higher is better) */
	RESULTS_SLOWER,  /* a significantly worse */
	RESULTS_UNKNOWN, /* fewer than 2 runs on a side: no interval; shown "≈" too */
};

struct results_cmp {
	double ratio, low, high;          /* median(a) / median(b) and its interval */
	double cost, cost_low, cost_high; /* times costlier a is than b (> 1: a is worse) */
	size_t na, nb;                    /* the runs each side had */
	bool from_runs;                   /* false: from the summaries' intervals */
	enum results_verdict verdict;
};

/* Compares figure of cell a with the same figure of cell b (cells as in results.json: "runs",
 * "summary"). -1 when either has no median of it (or b's is 0) or the figure is fixed. */
/* Whether a cell's figure is one its suite fixed (total_time_s of a run of `time` seconds):
 * nothing to compare. */
bool results_figure_fixed(json_t *cell, const char *figure);
/* The same with each side relative to a reference cell of its own results (ra for a, rb for b;
 * either NULL: none): (a / ra) / (b / rb), e.g. a target's cost over native compared between two
 * runs, so what moved the whole host (native included) cancels; the interval at level (0.95:
 * RESULTS_CMP_LEVEL). */
int results_compare_rel(json_t *a, json_t *ra, json_t *b, json_t *rb, const char *figure,
                        double level, struct results_cmp *out);
int results_compare_cells(json_t *a, json_t *b, const char *figure, struct results_cmp *out);

/* "faster", "slower", "same", "unknown". */
const char *results_verdict_name(enum results_verdict v);
/* What a reader sees: "≈" for same and unknown, "" otherwise. */
bool results_verdict_clear(enum results_verdict v);

/* {"ratio", "ci_low", "ci_high", "ci_level", "overhead", "overhead_low", "overhead_high",
 *  "verdict", "n", "baseline_n", "method"} */
json_t *results_cmp_json(const struct results_cmp *c);

/* Sets summary.FIGURE.vs_native of every non-native cell that has a native cell of its
 * benchmark (recomputed only when either side's run count changed since). */
void results_compare_annotate(json_t *root);

/* The native cell of benchmark in cells, or NULL. */
json_t *results_native_cell(json_t *cells, const char *benchmark);

#endif
