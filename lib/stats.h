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

/* ---- Ratios of medians with a confidence interval ------------------------------------------
 *
 * The ratio median(a) / median(b) of two independent samples, and a percentile-bootstrap
 * interval of it: STATS_BOOTSTRAP_RESAMPLES times, a and b are each resampled with replacement
 * (their own sizes) and the ratio of the resamples' medians taken; the interval is the
 * (1 - level)/2 and (1 + level)/2 quantiles (type 7) of those ratios. The generator is
 * splitmix64 from a fixed seed, so the same values always give the same interval. With 2 or 3
 * runs a side the resampled medians can only be the runs themselves (or, n = 2, their mean), and
 * the interval is the envelope [min(a)/max(b), max(a)/min(b)]: wide, as it should be. With a
 * single run on either side there is no interval (NaN) and no verdict. */
#define STATS_BOOTSTRAP_RESAMPLES 2000
#define STATS_BOOTSTRAP_SEED      0x5eed5eed5eed5eedULL

struct stats_ratio {
	double ratio;     /* median(a) / median(b) */
	double low, high; /* its interval; NaN when either side has fewer than 2 values */
	double level;     /* the level asked */
	int sign;         /* 1: the interval lies above 1, -1: below 1, 0: it holds 1 (or none) */
};

/* Fills *out from a[0..na) and b[0..nb) (not modified). Errors: na or nb 0, a NaN value, a
 * median of b equal to 0. */
int stats_ratio_ci(const double *a, size_t na, const double *b, size_t nb, double level,
                   struct stats_ratio *out, assay_error_t *err);

/* The same for a ratio of ratios, (median(a) / median(ra)) / (median(b) / median(rb)), each of
 * the four resampled alike: a figure relative to its reference measured in the same run (e.g.
 * a target's against native), compared between two runs. ra or rb NULL: 1 in its place. */
int stats_rel_ratio_ci(const double *a, size_t na, const double *ra, size_t nra, const double *b,
                       size_t nb, const double *rb, size_t nrb, double level,
                       struct stats_ratio *out, assay_error_t *err);

/* The verdict of an interval [low, high] of a ratio against 1: 1 above, -1 below, 0 holding it
 * (or NaN). */
int stats_ratio_sign(double low, double high);

#endif
