/* `runs: auto`: is a cell's answer clear yet (auto.h). */
#include <math.h>

#include "run/auto.h"

double run_auto_half_width(json_t *cell, const struct benchmark *def, bool *level_ok)
{
	json_t *st;
	const char *figure;
	double worst = NAN;

	*level_ok = true;
	json_object_foreach(json_object_get(cell, "summary"), figure, st)
	{
		double med = json_number_value(json_object_get(st, "median"));
		double lo = json_number_value(json_object_get(st, "ci_low"));
		double hi = json_number_value(json_object_get(st, "ci_high"));
		double level = json_number_value(json_object_get(st, "ci_level"));
		double w;

		if (!benchmarks_is_headline(def, figure))
			continue;
		w = med != 0 ? (hi - lo) / 2 / fabs(med) * 100 : INFINITY;
		if (level < 0.95)
			*level_ok = false;
		if (isnan(worst) || w > worst)
			worst = w;
	}
	if (isnan(worst))
		*level_ok = false;
	return worst;
}

bool run_auto_met(json_t *cell, const struct benchmark *def, double target_pct)
{
	bool level_ok;
	double w = run_auto_half_width(cell, def, &level_ok);

	return level_ok && w <= target_pct;
}

static bool wider(double a, double b)
{
	return isnan(a) ? !isnan(b) : !isnan(b) && a > b;
}

void run_auto_rank(const double *width, size_t n, size_t *order)
{
	/* insertion sort: stable, and n is a suite's benchmarks */
	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		for (; j > 0 && wider(width[i], width[order[j - 1]]); j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
}

json_t *run_auto_record(json_t *cell, const struct benchmark *def, const char *stopped,
                        double target_pct)
{
	bool level_ok;
	double w = run_auto_half_width(cell, def, &level_ok);
	json_t *st, *n = NULL;
	const char *figure;

	json_object_foreach(json_object_get(cell, "summary"), figure, st)
	{
		if (n == NULL && benchmarks_is_headline(def, figure))
			n = json_object_get(st, "n");
	}
	return json_pack("{s:s, s:o, s:b, s:I, s:f}", "stopped", stopped, "half_width_pct",
	                 isfinite(w) ? json_real(round(w * 100) / 100) : json_null(), "level_ok",
	                 level_ok, "n", (json_int_t)json_integer_value(n), "target_pct",
	                 target_pct);
}
