/* Two cells' figures compared with an interval (compare.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/stats.h"
#include "lib/util.h"
#include "results/compare.h"

static const char *cell_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static double stat_num(json_t *st, const char *key)
{
	json_t *v = json_object_get(st, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The figure's values over a cell's measured runs (warm-ups and failed runs left out). */
static size_t measured_values(json_t *cell, const char *figure, double **out)
{
	json_t *runs = json_object_get(cell, "runs"), *run;
	size_t n = 0, i;

	*out = xcalloc(json_array_size(runs) + 1, sizeof(**out));
	json_array_foreach(runs, i, run)
	{
		json_t *v = json_object_get(json_object_get(run, "figures"), figure);

		if (!json_is_true(json_object_get(run, "warmup")) && json_is_number(v))
			(*out)[n++] = json_number_value(v);
	}
	return n;
}

/* From the summaries alone: the medians' own intervals divided crosswise. */
static int compare_summaries(json_t *sa, json_t *sb, struct results_cmp *out)
{
	double ma = stat_num(sa, "median"), mb = stat_num(sb, "median");
	double la = stat_num(sa, "ci_low"), ha = stat_num(sa, "ci_high");
	double lb = stat_num(sb, "ci_low"), hb = stat_num(sb, "ci_high");

	if (!isfinite(ma) || !isfinite(mb) || mb == 0)
		return -1;
	out->ratio = ma / mb;
	out->low = out->high = NAN;
	out->na = (size_t)stat_num(sa, "n");
	out->nb = (size_t)stat_num(sb, "n");
	if (out->na >= 2 && out->nb >= 2 && isfinite(la) && isfinite(ha) && lb > 0 && hb > 0) {
		out->low = la / hb;
		out->high = ha / lb;
	}
	return 0;
}

bool results_figure_fixed(json_t *cell, const char *figure)
{
	const char *t = json_string_value(json_object_get(json_object_get(cell, "params"), "time"));

	/* a run of `time` seconds lasts what the suite said: its total_time_s answers nothing */
	return !strcmp(figure, "total_time_s") && t && strtod(t, NULL) > 0;
}

/* The median of a cell's figure from its summary (NaN without). */
static double summary_median(json_t *cell, const char *figure)
{
	return stat_num(json_object_get(json_object_get(cell, "summary"), figure), "median");
}

int results_compare_rel(json_t *a, json_t *ra, json_t *b, json_t *rb, const char *figure,
                        double level, struct results_cmp *out)
{
	json_t *sa = json_object_get(json_object_get(a, "summary"), figure);
	json_t *sb = json_object_get(json_object_get(b, "summary"), figure);
	const char *better = cell_str(sa, "better");
	cleanup_free double *va = NULL, *vb = NULL, *vra = NULL, *vrb = NULL;
	size_t na = measured_values(a, figure, &va), nb = measured_values(b, figure, &vb);
	size_t nra = ra ? measured_values(ra, figure, &vra) : 0;
	size_t nrb = rb ? measured_values(rb, figure, &vrb) : 0;
	struct stats_ratio r;
	int sign;

	memset(out, 0, sizeof(*out));
	if (results_figure_fixed(a, figure) || results_figure_fixed(b, figure))
		return -1;
	if (!*better)
		better = cell_str(sb, "better");
	if (na >= 2 && nb >= 2 && (!ra || nra >= 2) && (!rb || nrb >= 2) &&
	    stats_rel_ratio_ci(va, na, ra ? vra : NULL, nra, vb, nb, rb ? vrb : NULL, nrb, level,
	                       &r, NULL) == 0) {
		out->ratio = r.ratio;
		out->low = r.low;
		out->high = r.high;
		out->na = na;
		out->nb = nb;
		out->from_runs = true;
	} else if (compare_summaries(sa, sb, out) < 0) {
		return -1;
	} else if (ra || rb) {
		/* relative without runs: the medians' ratio, no interval */
		double mra = ra ? summary_median(ra, figure) : 1,
		       mrb = rb ? summary_median(rb, figure) : 1;

		if (!(mra > 0) || !(mrb > 0))
			return -1;
		out->ratio = out->ratio / mra * mrb;
		out->low = out->high = NAN;
	}
	sign = stats_ratio_sign(out->low, out->high);
	if (!strcmp(better, "higher")) {
		out->cost = out->ratio > 0 ? 1 / out->ratio : NAN;
		out->cost_low = out->high > 0 ? 1 / out->high : NAN;
		out->cost_high = out->low > 0 ? 1 / out->low : NAN;
	} else {
		out->cost = out->ratio;
		out->cost_low = out->low;
		out->cost_high = out->high;
	}
	if (isnan(out->low) || isnan(out->high))
		out->verdict = RESULTS_UNKNOWN;
	else if (sign == 0)
		out->verdict = RESULTS_SAME;
	else
		out->verdict =
		    (sign > 0) == !strcmp(better, "higher") ? RESULTS_FASTER : RESULTS_SLOWER;
	return 0;
}

int results_compare_cells(json_t *a, json_t *b, const char *figure, struct results_cmp *out)
{
	return results_compare_rel(a, NULL, b, NULL, figure, RESULTS_CMP_LEVEL, out);
}

const char *results_verdict_name(enum results_verdict v)
{
	static const char *const names[] = {"same", "faster", "slower", "unknown"};

	return names[v];
}

bool results_verdict_clear(enum results_verdict v)
{
	return v == RESULTS_FASTER || v == RESULTS_SLOWER;
}

static json_t *num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *results_cmp_json(const struct results_cmp *c)
{
	return json_pack(
	    "{s:o, s:o, s:o, s:f, s:o, s:o, s:o, s:s, s:I, s:I, s:s}", "ratio",
	    num_or_null(c->ratio), "ci_low", num_or_null(c->low), "ci_high", num_or_null(c->high),
	    "ci_level", RESULTS_CMP_LEVEL, "overhead", num_or_null(c->cost), "overhead_low",
	    num_or_null(c->cost_low), "overhead_high", num_or_null(c->cost_high), "verdict",
	    results_verdict_name(c->verdict), "n", (json_int_t)c->na, "baseline_n",
	    (json_int_t)c->nb, "method", c->from_runs ? "bootstrap" : "summary intervals");
}

json_t *results_native_cell(json_t *cells, const char *benchmark)
{
	json_t *cell;
	size_t i;

	json_array_foreach(cells, i, cell)
	{
		if (!strcmp(cell_str(cell, "target"), "native") &&
		    !strcmp(cell_str(cell, "benchmark"), benchmark))
			return cell;
	}
	return NULL;
}

void results_compare_annotate(json_t *root)
{
	json_t *cells = json_object_get(root, "cells"), *cell, *st;
	const char *figure;
	size_t i;

	json_array_foreach(cells, i, cell)
	{
		json_t *native = results_native_cell(cells, cell_str(cell, "benchmark"));
		json_t *nsum = json_object_get(native, "summary");

		if (native == NULL || native == cell)
			continue;
		json_object_foreach(json_object_get(cell, "summary"), figure, st)
		{
			json_t *old = json_object_get(st, "vs_native");
			json_t *nst = json_object_get(nsum, figure);
			struct results_cmp c;

			if (nst == NULL)
				continue;
			if (old && stat_num(old, "n") == stat_num(st, "n") &&
			    stat_num(old, "baseline_n") == stat_num(nst, "n"))
				continue;
			if (results_compare_cells(cell, native, figure, &c) == 0)
				json_object_set_new(st, "vs_native", results_cmp_json(&c));
		}
	}
}
