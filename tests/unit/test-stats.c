/* Order statistics against values worked out by hand (and checked with R's quantile(type=7)
 * and the binomial table of the median's confidence interval). */
#include <math.h>

#include "lib/error.h"
#include "lib/stats.h"
#include "tap.h"

static int near(double a, double b)
{
	return fabs(a - b) < 1e-9 * (fabs(b) > 1 ? fabs(b) : 1);
}

/* Ratios of medians and their bootstrap interval, on cases whose answer is known. */
static void ratios(void)
{
	assay_error_t err = NULL;
	struct stats_ratio r, r2;
	const double a3[] = {10, 12, 11}, b3[] = {5, 6, 4}, one[] = {7};
	const double same_a[] = {100, 101, 99, 100.5, 99.5, 100.2, 99.8, 100.1};
	const double same_b[] = {100.3, 99.7, 100.6, 99.4, 100, 100.1, 99.9, 99.6};
	double slow[40], fast[40], noisy_a[30], noisy_b[30];

	ok(stats_ratio_ci(a3, 3, b3, 3, 0.95, &r, &err) == 0, "ratio of 3 vs 3 runs");
	ok(near(r.ratio, 11.0 / 5), "ratio of the medians: 11/5");
	ok(near(r.low, 10.0 / 6) && near(r.high, 12.0 / 4),
	   "3 runs a side: the interval is the envelope [min a/max b, max a/min b] = [1.67, 3]");
	is_int(r.sign, 1, "it lies above 1: a is significantly the larger");
	stats_ratio_ci(a3, 3, b3, 3, 0.95, &r2, &err);
	ok(r.low == r2.low && r.high == r2.high, "seeded: the same values give the same interval");
	stats_ratio_ci(b3, 3, a3, 3, 0.95, &r, &err);
	is_int(r.sign, -1, "swapped: below 1");

	ok(stats_ratio_ci(same_a, 8, same_b, 8, 0.95, &r, &err) == 0 && r.low < 1 && r.high > 1,
	   "two samples of one distribution: the interval holds 1 (%.4f-%.4f)", r.low, r.high);
	is_int(r.sign, 0, "and no verdict");
	ok(r.high - r.low < 0.02, "8 runs within ±1%%: the interval is under 2%% wide");

	for (int i = 0; i < 40; i++) {
		slow[i] = 105 + (i % 5) * 0.2; /* 105.0..105.8 */
		fast[i] = 100 + (i % 5) * 0.2; /* 100.0..100.8 */
	}
	stats_ratio_ci(slow, 40, fast, 40, 0.95, &r, &err);
	ok(near(r.ratio, 105.4 / 100.4) && r.low > 1.04 && r.high < 1.06 && r.sign == 1,
	   "a 5%% shift with 1%% noise: found (%.4f-%.4f)", r.low, r.high);

	/* Bimodal noise (as memlat's huge pages or not): 1 in 2 runs twice as fast. */
	for (int i = 0; i < 30; i++) {
		noisy_a[i] = i % 2 ? 55 : 145;
		noisy_b[i] = i % 3 ? 140 : 60;
	}
	stats_ratio_ci(noisy_a, 30, noisy_b, 30, 0.95, &r, &err);
	ok(r.low < 1 && r.high > 1,
	   "bimodal runs: the medians jump, the interval holds 1 "
	   "(%.3f-%.3f)",
	   r.low, r.high);

	{
		/* ratio of ratios: a host 30% slower as a whole (target and native alike) */
		double ta[8], tb[8], na[8], nb[8];

		for (int i = 0; i < 8; i++) {
			tb[i] = same_a[i] * 2;
			nb[i] = same_b[i];
			ta[i] = tb[i] * 1.3;
			na[i] = nb[i] * 1.3;
		}
		stats_rel_ratio_ci(ta, 8, na, 8, tb, 8, nb, 8, 0.95, &r, &err);
		ok(near(r.ratio, 1) && r.sign == 0,
		   "relative to its reference: a host slower as a whole cancels (%.4f-%.4f)", r.low,
		   r.high);
		stats_ratio_ci(ta, 8, tb, 8, 0.95, &r2, &err);
		ok(r2.sign == 1 && (r.high - r.low) / r.ratio > (r2.high - r2.low) / r2.ratio,
		   "raw it is slower (%.4f-%.4f); the relative interval is the wider", r2.low,
		   r2.high);
		stats_rel_ratio_ci(ta, 8, nb, 8, tb, 8, nb, 8, 0.95, &r, &err);
		ok(near(r.ratio, 1.3) && r.sign == 1, "the target alone 30%% slower: found (%.3f)",
		   r.ratio);
	}

	ok(stats_ratio_ci(one, 1, b3, 3, 0.95, &r, &err) == 0 && isnan(r.low) && isnan(r.high) &&
	       r.sign == 0 && near(r.ratio, 7.0 / 5),
	   "one run: a ratio, no interval, no verdict");
	is_int(stats_ratio_sign(0.9, 1.1), 0, "sign: [0.9, 1.1] holds 1");
	is_int(stats_ratio_sign(1.01, 1.1), 1, "sign: [1.01, 1.1] above");
	is_int(stats_ratio_sign(NAN, NAN), 0, "sign: no interval, no verdict");
	ok(stats_ratio_ci(a3, 0, b3, 3, 0.95, &r, &err) < 0, "no values: an error");
	assay_error_release(&err);
}

int main(void)
{
	assay_error_t err = NULL;
	struct stats s;
	const double one[] = {42};
	const double three[] = {3, 1, 2};
	const double four[] = {4, 1, 3, 2};
	const double ten[] = {10, 1, 9, 2, 8, 3, 7, 4, 6, 5};
	double twenty[20], nan_vals[] = {1, NAN};
	size_t lo, hi;

	is_int(stats_compute(one, 1, &s, &err), 0, "one value");
	ok(s.n == 1 && s.median == 42 && s.min == 42 && s.max == 42 && s.p5 == 42 && s.p95 == 42,
	   "one value: every statistic is that value");
	ok(s.ci_low == 42 && s.ci_high == 42 && s.ci_level == 0, "one value: CI has no coverage");

	stats_compute(three, 3, &s, &err);
	ok(s.median == 2 && s.min == 1 && s.max == 3, "three values: median, min, max");
	ok(near(s.p5, 1.1) && near(s.p95, 2.9), "three values: p5 1.1, p95 2.9 (type 7)");
	ok(s.ci_low == 1 && s.ci_high == 3, "three values: CI is [min, max]");
	ok(near(s.ci_level, 0.75), "three values: its coverage is 0.75, said honestly");
	ok(near(s.mean, 2), "mean");

	stats_compute(four, 4, &s, &err);
	ok(near(s.median, 2.5), "even n: median interpolates (2.5)");
	ok(near(s.p95, 3.85) && near(s.p5, 1.15), "four values: p5 1.15, p95 3.85");

	stats_compute(ten, 10, &s, &err);
	ok(near(s.median, 5.5), "ten values: median 5.5");
	ok(near(s.p95, 9.55) && near(s.p5, 1.45), "ten values: p5 1.45, p95 9.55");
	ok(s.ci_low == 2 && s.ci_high == 9, "ten values: 95%% CI is [x(2), x(9)]");
	ok(near(s.ci_level, 1 - 2 * 11.0 / 1024), "ten values: coverage 1 - 2*11/1024 = 0.9785");
	ok(three[0] == 3 && ten[0] == 10, "input is not modified");

	for (int i = 0; i < 20; i++)
		twenty[i] = 20 - i;
	stats_compute(twenty, 20, &s, &err);
	ok(s.ci_low == 6 && s.ci_high == 15, "twenty values: 95%% CI is [x(6), x(15)]");
	ok(s.ci_level >= 0.95 && s.ci_level < 0.96, "twenty values: coverage 0.9586");

	ok(near(stats_median_ci_ranks(5, 0.95, &lo, &hi), 1 - 2.0 / 32) && lo == 1 && hi == 5,
	   "n=5: no 95%% interval exists, [min, max] covers 0.9375");
	ok(stats_median_ci_ranks(6, 0.95, &lo, &hi) >= 0.95 && lo == 1 && hi == 6,
	   "n=6: [x(1), x(6)] reaches 0.96875");
	stats_median_ci_ranks(100, 0.95, &lo, &hi);
	ok(lo == 40 && hi == 61, "n=100: ranks 40 and 61 (table value)");
	stats_median_ci_ranks(2000, 0.95, &lo, &hi);
	ok(lo > 900 && lo < 1000 && hi == 2001 - lo, "n=2000: no underflow, symmetric ranks");

	is_int(stats_compute(ten, 0, &s, &err), -1, "no values is an error");
	is_str(err ? err->msg : NULL, "statistics of no values", "and says so");
	assay_error_release(&err);
	is_int(stats_compute(nan_vals, 2, &s, &err), -1, "NaN is an error");
	assay_error_release(&err);
	ratios();
	return tap_done();
}
