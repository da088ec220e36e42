/* The regression gate (gate.h). */
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "benchmarks/benchmarks.h"
#include "lib/util.h"
#include "results/gate.h"
#include "results/results.h"

int results_gate_thresholds(const char *path, json_t **out, assay_error_t *err)
{
	cleanup_file FILE *f = fopen(path, "r");
	cleanup_free char *line = NULL;
	size_t cap = 0, lineno = 0;
	json_t *list;

	if (f == NULL)
		return assay_error_usage(err, "check: thresholds file `%s`: %s", path,
		                         strerror(errno));
	list = json_array();
	while (getline(&line, &cap, f) >= 0) {
		char pattern[512], extra[2];
		double pct;
		char *hash = strchr(line, '#');
		int n;

		lineno++;
		if (hash)
			*hash = '\0';
		n = sscanf(line, "%511s %lf %1s", pattern, &pct, extra);
		if (n <= 0)
			continue;
		if (n != 2 || !(pct >= 0)) {
			json_decref(list);
			return assay_error_usage(err,
			                         "%s:%zu: expected `PATTERN PERCENT` (a glob over "
			                         "BENCHMARK/FIGURE and a threshold in %%)",
			                         path, lineno);
		}
		json_array_append_new(list, json_pack("[s, f]", pattern, pct));
	}
	*out = list;
	return 0;
}

static double threshold_of(json_t *thresholds, double def, const char *target,
                           const char *benchmark, const char *figure)
{
	cleanup_free char *bf = xasprintf("%s/%s", benchmark, figure);
	cleanup_free char *tbf = xasprintf("%s:%s/%s", target, benchmark, figure);
	json_t *row;
	size_t i;

	json_array_foreach(thresholds, i, row)
	{
		const char *p = json_string_value(json_array_get(row, 0));

		if (fnmatch(p, bf, 0) == 0 || fnmatch(p, tbf, 0) == 0)
			def = json_real_value(json_array_get(row, 1));
	}
	return def;
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static json_t *find_cell(json_t *root, const char *target, const char *benchmark)
{
	json_t *cell;
	size_t i;

	json_array_foreach(json_object_get(root, "cells"), i, cell)
	{
		if (!strcmp(str(cell, "target"), target) &&
		    !strcmp(str(cell, "benchmark"), benchmark))
			return cell;
	}
	return NULL;
}

/* Beyond the threshold, worse (> 0) or better (< 0), or neither (0): the whole interval. */
static int beyond(const struct results_cmp *c, double limit)
{
	if (c->verdict == RESULTS_SLOWER && c->cost_low > limit)
		return 1;
	if (c->verdict == RESULTS_FASTER && c->cost_high < 1 / limit)
		return -1;
	return 0;
}

/* raw: the same figure compared without native (NULL in the absolute mode). Relative to native
 * a target moves when native moves too: a cost beyond the threshold whose raw figure is not
 * beyond it the same way is native's move ("drift", not gated), not the target's. */
static void judge(struct results_gate_row *row, const struct results_cmp *raw,
                  struct results_gate *g)
{
	const struct results_cmp *c = &row->cmp;
	double limit = 1 + row->threshold / 100;

	if (raw && beyond(c, limit) && beyond(raw, limit) != beyond(c, limit))
		row->drift = row->native_moved = true;
	/* significantly worse by more than the threshold: the whole interval beyond it */
	if (c->verdict == RESULTS_UNKNOWN) {
		row->verdict = "unknown";
		g->nunknown++;
	} else if (beyond(c, limit) > 0) {
		row->verdict = row->drift ? "drift" : "slower";
		row->regression = !row->drift;
		*(row->drift ? &g->ndrift : &g->nslower) += 1;
	} else if (beyond(c, limit) < 0) {
		row->verdict = row->drift ? "drift" : "faster";
		*(row->drift ? &g->ndrift : &g->nfaster) += 1;
	} else {
		row->verdict = "same";
		g->nsame++;
	}
}

void results_gate_run(json_t *baseline, json_t *results, double threshold, json_t *thresholds,
                      bool absolute, bool all_figures, struct results_gate *g)
{
	json_t *bcell, *st;
	const char *figure;
	size_t i;

	memset(g, 0, sizeof(*g));
	g->absolute = absolute;
	json_array_foreach(json_object_get(baseline, "cells"), i, bcell)
	{
		const char *target = str(bcell, "target"), *benchmark = str(bcell, "benchmark");
		json_t *cell = find_cell(results, target, benchmark);
		bool native = !strcmp(target, "native");
		json_t *bref = NULL, *ref = NULL;
		const struct benchmark *def = benchmarks_find(benchmark);

		if (!absolute && !native) {
			bref = find_cell(baseline, "native", benchmark);
			ref = find_cell(results, "native", benchmark);
			if (bref == NULL || ref == NULL)
				bref = ref = NULL;
		}
		json_object_foreach(json_object_get(bcell, "summary"), figure, st)
		{
			struct results_gate_row *row;
			json_t *now = json_object_get(json_object_get(cell, "summary"), figure);
			json_t *r = ref, *br = bref;

			if (results_figure_fixed(bcell, figure) ||
			    (!all_figures && def && !benchmarks_is_headline(def, figure)))
				continue;
			/* relative only where both natives have the figure */
			if (r && (!json_object_get(json_object_get(r, "summary"), figure) ||
			          !json_object_get(json_object_get(br, "summary"), figure)))
				r = br = NULL;
			g->rows = xrealloc(g->rows, (g->n + 1) * sizeof(*g->rows));
			row = &g->rows[g->n++];
			*row = (struct results_gate_row){
			    .target = target,
			    .benchmark = benchmark,
			    .figure = figure,
			    .base_median = json_number_value(json_object_get(st, "median")),
			    .median = json_number_value(json_object_get(now, "median")),
			    .threshold =
			        threshold_of(thresholds, threshold, target, benchmark, figure),
			    .relative = r != NULL,
			    .drift = !absolute && native,
			};
			if (now == NULL || results_compare_rel(cell, r, bcell, br, figure,
			                                       RESULTS_GATE_LEVEL, &row->cmp) < 0) {
				row->median = NAN;
				row->verdict = "missing";
				g->nmissing++;
				continue;
			}
			{
				struct results_cmp raw;
				bool have_raw =
				    r && results_compare_rel(cell, NULL, bcell, NULL, figure,
				                             RESULTS_GATE_LEVEL, &raw) == 0;

				judge(row, have_raw ? &raw : NULL, g);
			}
		}
	}
}

void results_gate_free(struct results_gate *g)
{
	free(g->rows);
	memset(g, 0, sizeof(*g));
}

int results_load_arg(const char *cmd, const char *arg, json_t **out, assay_error_t *err)
{
	cleanup_free char *path = NULL;
	struct stat st;

	if (stat(arg, &st) < 0)
		return assay_error_usage(err, "%s: `%s`: %s (expected a results directory)", cmd,
		                         arg, strerror(errno));
	if (S_ISDIR(st.st_mode))
		path = xasprintf("%s/%s", arg, RESULTS_JSON);
	else
		path = xstrdup(arg);
	if (stat(path, &st) < 0)
		return assay_error_usage(err, "%s: `%s`: no %s in it (run `collector run` first)",
		                         cmd, arg, RESULTS_JSON);
	return results_load(path, out, err);
}

void results_noise_of(json_t *root, struct results_noise *out)
{
	json_t *cell, *run;
	size_t i, j;
	double sum = 0;

	memset(out, 0, sizeof(*out));
	json_array_foreach(json_object_get(root, "cells"), i, cell)
	{
		json_array_foreach(json_object_get(cell, "runs"), j, run)
		{
			json_t *n = json_object_get(run, "host_noise");

			if (!json_is_object(n))
				continue;
			out->runs++;
			out->disturbed += json_is_true(json_object_get(n, "disturbed"));
			sum += json_number_value(json_object_get(n, "load1"));
		}
	}
	out->load1 = out->runs ? sum / (double)out->runs : NAN;
}
