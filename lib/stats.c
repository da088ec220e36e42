#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/stats.h"
#include "lib/util.h"

double stats_quantile(const double *sorted, size_t n, double p)
{
	double h, lo;
	size_t i;

	if (n == 1 || p <= 0)
		return sorted[0];
	if (p >= 1)
		return sorted[n - 1];
	h = (double)(n - 1) * p;
	lo = floor(h);
	i = (size_t)lo;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] + (h - lo) * (sorted[i + 1] - sorted[i]);
}

/* P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so large n does not underflow. */
static double binom_half_cdf(size_t n, size_t k)
{
	double sum = 0, ln_half_n = (double)n * log(0.5);

	for (size_t i = 0; i <= k && i <= n; i++)
		sum += exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
		           lgamma((double)(n - i) + 1) + ln_half_n);
	return sum > 1 ? 1 : sum;
}

double stats_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi)
{
	/* [x(j), x(n+1-j)] covers the median with probability 1 - 2 P(X <= j-1); take the largest
	 * j (narrowest interval) that still reaches the level. */
	size_t best = 1;

	for (size_t j = 1; j <= (n + 1) / 2; j++) {
		if (1 - 2 * binom_half_cdf(n, j - 1) >= level)
			best = j;
		else
			break;
	}
	*lo = best;
	*hi = n + 1 - best;
	if (*hi < *lo)
		*hi = *lo;
	return n == 1 ? 0 : 1 - 2 * binom_half_cdf(n, best - 1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int stats_compute(const double *values, size_t n, struct stats *out, assay_error_t *err)
{
	cleanup_free double *v = NULL;
	double sum = 0;
	size_t lo, hi;

	if (n == 0)
		return assay_error_make(err, 0, "statistics of no values");
	v = xmalloc(n * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		if (isnan(values[i]))
			return assay_error_make(err, 0, "statistics: value %zu is not a number", i);
		v[i] = values[i];
		sum += v[i];
	}
	qsort(v, n, sizeof(*v), cmp_double);
	memset(out, 0, sizeof(*out));
	out->n = n;
	out->min = v[0];
	out->max = v[n - 1];
	out->mean = sum / (double)n;
	out->median = stats_quantile(v, n, 0.5);
	out->p5 = stats_quantile(v, n, 0.05);
	out->p95 = stats_quantile(v, n, 0.95);
	out->ci_level = stats_median_ci_ranks(n, 0.95, &lo, &hi);
	out->ci_low = v[lo - 1];
	out->ci_high = v[hi - 1];
	return 0;
}

/* ---- Ratios of medians: the bootstrap ------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Median of n values drawn with replacement from v[0..n) into tmp[0..n). */
static double resampled_median(const double *v, size_t n, double *tmp, uint64_t *state)
{
	for (size_t i = 0; i < n; i++)
		tmp[i] = v[splitmix64(state) % n];
	qsort(tmp, n, sizeof(*tmp), cmp_double);
	return stats_quantile(tmp, n, 0.5);
}

int stats_ratio_sign(double low, double high)
{
	if (isnan(low) || isnan(high))
		return 0;
	return low > 1 ? 1 : high < 1 ? -1 : 0;
}

/* The median of a resample of v, or 1 when v is NULL (no normaliser). */
static double resampled_or_one(const double *v, size_t n, double *tmp, uint64_t *state)
{
	return v ? resampled_median(v, n, tmp, state) : 1;
}

int stats_rel_ratio_ci(const double *a, size_t na, const double *ra, size_t nra, const double *b,
                       size_t nb, const double *rb, size_t nrb, double level,
                       struct stats_ratio *out, assay_error_t *err)
{
	cleanup_free double *ratios = NULL, *tmp = NULL;
	struct stats sa, sb, sra = {.median = 1}, srb = {.median = 1};
	uint64_t state = STATS_BOOTSTRAP_SEED;
	size_t k = 0, most = na;

	if (stats_compute(a, na, &sa, err) < 0 || stats_compute(b, nb, &sb, err) < 0 ||
	    (ra && stats_compute(ra, nra, &sra, err) < 0) ||
	    (rb && stats_compute(rb, nrb, &srb, err) < 0))
		return -1;
	if (sb.median == 0 || sra.median == 0)
		return assay_error_make(err, 0, "ratio of medians: a reference median is 0");
	*out = (struct stats_ratio){.ratio = sa.median / sra.median / (sb.median / srb.median),
	                            .low = NAN,
	                            .high = NAN,
	                            .level = level};
	if (na < 2 || nb < 2 || (ra && nra < 2) || (rb && nrb < 2))
		return 0;
	most = nb > most ? nb : most;
	most = ra && nra > most ? nra : most;
	most = rb && nrb > most ? nrb : most;
	ratios = xmalloc(STATS_BOOTSTRAP_RESAMPLES * sizeof(*ratios));
	tmp = xmalloc(most * sizeof(*tmp));
	for (size_t i = 0; i < STATS_BOOTSTRAP_RESAMPLES; i++) {
		double ma = resampled_median(a, na, tmp, &state);
		double mb = resampled_median(b, nb, tmp, &state);
		double mra = resampled_or_one(ra, nra, tmp, &state);
		double mrb = resampled_or_one(rb, nrb, tmp, &state);

		if (mb != 0 && mra != 0)
			ratios[k++] = ma / mra / (mb / mrb);
	}
	if (k == 0)
		return 0;
	qsort(ratios, k, sizeof(*ratios), cmp_double);
	out->low = stats_quantile(ratios, k, (1 - level) / 2);
	out->high = stats_quantile(ratios, k, (1 + level) / 2);
	out->sign = stats_ratio_sign(out->low, out->high);
	return 0;
}

int stats_ratio_ci(const double *a, size_t na, const double *b, size_t nb, double level,
                   struct stats_ratio *out, assay_error_t *err)
{
	return stats_rel_ratio_ci(a, na, NULL, 0, b, nb, NULL, 0, level, out, err);
}
