/* Order statistics of a cell's measured runs (warm-ups are excluded by the caller).
 *
 * Quantiles (median, p5, p95) interpolate linearly between order statistics (R's type 7, numpy's
 * default): q(p) = x[h] + (h - floor h)(x[h+1] - x[h]) with h = (n - 1) p, 0-based, x sorted.
 * The confidence interval of the median is distribution-free, from order statistics: the
 * narrowest symmetric [x(j), x(n+1-j)] (1-based) whose coverage under Binomial(n, 1/2) is at
 * least the level asked (0.95). With fewer than 6 runs no such pair exists: the interval is then
 * [min, max] and ci_level tells its true coverage (n = 3: 0.75), so a reader is never misled. */
#ifndef ASSAY_STATS_H
#define ASSAY_STATS_H

#include <stddef.h>

#include "lib/error.h"

struct stats {
	size_t n;
	double median, min, max, p5, p95, mean;
	double ci_low, ci_high; /* confidence interval of the median */
	double ci_level;        /* its actual coverage (>= the level asked when n allows it) */
};

/* Quantile p in [0, 1] of sorted[0..n), n >= 1. */
double stats_quantile(const double *sorted, size_t n, double p);

/* Ranks (1-based) of the order statistics bounding the median's CI at `level`; returns the
 * coverage of [x(*lo), x(*hi)]. n >= 1. */
double stats_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi);

/* Fills *out from values[0..n) (not modified; NaN values are an error). n == 0 is an error
 * (exit code 1). */
int stats_compute(const double *values, size_t n, struct stats *out, assay_error_t *err);

#endif
