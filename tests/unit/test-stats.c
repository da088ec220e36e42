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
	return tap_done();
}
