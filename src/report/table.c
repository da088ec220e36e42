/* TouchStone's Table 1 (table.h): the study's rows and their rendering as text or TSV.
 *
 * TouchStone (Espe et al., CLOSER 2020; github.com/lnsp/touchstone) reported one mean per
 * metric and runtime. Here every cell is the median of the cell's measured runs, the rows keep
 * the study's names, and the registry says per figure whether lower or higher is better, so the
 * best target of each row can be marked. Rows whose benchmark was not run show "-". */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "benchmarks/benchmarks.h"
#include "lib/json.h"
#include "lib/util.h"
#include "report/table.h"
#include "results/compare.h"

static const struct table_row rows[] = {
    {"CPUTime", "performance.cpu.time", "total_time_s"},
    {"HardLimit", "limits.cpu.time", "total_time_s"},
    {"ScalingLimit", "limits.cpu.scaling", "total_time_s"},
    {"MemTime", "performance.memory.latency", "total_time_s"},
    {"MemMinLatency", "performance.memory.latency", "latency_min_ns"},
    {"MemAvgLatency", "performance.memory.latency", "latency_avg_ns"},
    {"MemMaxLatency", "performance.memory.latency", "latency_max_ns"},
    {"FileRndRead", "performance.disk.rndrd", "read_mib_per_sec"},
    {"FileSeqRead", "performance.disk.seqrd", "read_mib_per_sec"},
    {"FileRndWrite", "performance.disk.rndwr", "written_mib_per_sec"},
    {"FileSeqRewrite", "performance.disk.seqrewr", "written_mib_per_sec"},
    {"FileSeqWrite", "performance.disk.seqwr", "written_mib_per_sec"},
    {"OpCreate", "operations.container.lifecycle", "create_ms"},
    {"OpRun", "operations.container.lifecycle", "run_ms"},
    {"OpCreateAndRun", "operations.container.lifecycle", "create_and_run_ms"},
    {"OpDestroy", "operations.container.lifecycle", "destroy_ms"},
    {"Scalability5", "scalability.runtime.5", "total_s"},
    {"Scalability10", "scalability.runtime.10", "total_s"},
    {"Scalability50", "scalability.runtime.50", "total_s"},
};

#define N_ROWS (sizeof(rows) / sizeof(rows[0]))

const struct table_row *report_table_rows(size_t *n)
{
	*n = N_ROWS;
	return rows;
}

/* Target names in the results' order: meta.targets, then any other target of a cell. */
static json_t *targets_of(json_t *root)
{
	json_t *out = json_array(), *v, *cell;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(root, "meta"), "targets"), i, v)
	{
		if (json_is_string(v))
			json_array_append(out, v);
	}
	json_array_foreach(json_object_get(root, "cells"), i, cell)
	{
		json_t *t = json_object_get(cell, "target"), *o;
		size_t j;
		bool seen = false;

		if (!json_is_string(t))
			continue;
		json_array_foreach(out, j, o)
		{
			seen = seen || json_equal(o, t);
		}
		if (!seen)
			json_array_append(out, t);
	}
	return out;
}

/* Summary statistics of one figure of target × benchmark, or NULL; *cellp (may be NULL) gets
 * its cell. */
static json_t *stat_cell_of(json_t *root, const char *target, const struct table_row *r,
                            json_t **cellp)
{
	json_t *cell;
	size_t i;

	json_array_foreach(json_object_get(root, "cells"), i, cell)
	{
		json_t *s;

		if (strcmp(json_string_value(json_object_get(cell, "target")) ?: "", target) ||
		    strcmp(json_string_value(json_object_get(cell, "benchmark")) ?: "",
		           r->benchmark))
			continue;
		s = json_object_get(json_object_get(cell, "summary"), r->figure);
		if (json_is_number(json_object_get(s, "median")) &&
		    json_integer_value(json_object_get(s, "n")) > 0) {
			if (cellp)
				*cellp = cell;
			return s;
		}
	}
	return NULL;
}

static json_t *stat_of(json_t *root, const char *target, const struct table_row *r)
{
	return stat_cell_of(root, target, r, NULL);
}

/* Width-friendly text of a median: about four significant digits, never exponents. */
static void fmt_value(char *buf, size_t n, double v)
{
	double a = fabs(v);

	snprintf(buf, n, a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f", v);
}

#define MAX_TARGETS 64

static const char *target_at(json_t *targets, size_t j)
{
	return json_string_value(json_array_get(targets, j));
}

static double median_of(json_t *stats)
{
	return json_number_value(json_object_get(stats, "median"));
}

/* The registry's figure of a row, NULL when it has none. */
static const struct benchmark_figure *row_figure(const struct table_row *row)
{
	const struct benchmark *b = benchmarks_find(row->benchmark);

	return b ? benchmarks_figure(b, row->figure) : NULL;
}

/* What a row shows: each target's statistics (NULL: no data) and cell, the unit and direction,
 * the best median, how many targets have one, which target is clearly the best (significantly
 * better than every other) and each target against native. */
struct row_values {
	json_t *stats[MAX_TARGETS], *cells[MAX_TARGETS];
	const char *unit, *better;
	double best;
	size_t have;
	bool clear_best[MAX_TARGETS], has_vs[MAX_TARGETS];
	struct results_cmp vs[MAX_TARGETS];
};

/* Whether target j is the best of the row and significantly better than every other. */
static bool row_clearly_best(const struct row_values *v, size_t nt, size_t j, const char *fig)
{
	if (v->stats[j] == NULL || v->have < 2 || median_of(v->stats[j]) != v->best)
		return false;
	for (size_t k = 0; k < nt; k++) {
		struct results_cmp c;

		if (k == j || v->stats[k] == NULL)
			continue;
		if (results_compare_cells(v->cells[j], v->cells[k], fig, &c) < 0 ||
		    c.verdict != RESULTS_FASTER)
			return false;
	}
	return true;
}

static void row_values(json_t *root, json_t *targets, size_t nt, const struct table_row *row,
                       struct row_values *v)
{
	const struct benchmark_figure *fig;

	*v = (struct row_values){.best = NAN};
	for (size_t j = 0; j < nt; j++) {
		v->stats[j] = stat_cell_of(root, target_at(targets, j), row, &v->cells[j]);
		if (v->stats[j] == NULL)
			continue;
		v->unit = v->unit ?: json_string_value(json_object_get(v->stats[j], "unit"));
		v->better = v->better ?: json_string_value(json_object_get(v->stats[j], "better"));
	}
	/* a row without data still says what it would measure */
	fig = v->unit == NULL || v->better == NULL ? row_figure(row) : NULL;
	if (fig) {
		v->unit = v->unit ?: fig->unit;
		v->better = v->better ?: benchmarks_better_name(fig->better);
	}
	/* the best median of the row (only where there is something to compare) */
	for (size_t j = 0; j < nt; j++) {
		double m;

		if (v->stats[j] == NULL)
			continue;
		v->have++;
		m = median_of(v->stats[j]);
		if (isnan(v->best) ||
		    (v->better && !strcmp(v->better, "higher") ? m > v->best : m < v->best))
			v->best = m;
	}
	for (size_t j = 0; j < nt; j++) {
		v->clear_best[j] = row_clearly_best(v, nt, j, row->figure);
		if (v->stats[j] == NULL || !strcmp(target_at(targets, j), "native"))
			continue;
		for (size_t k = 0; k < nt; k++)
			if (v->stats[k] && !strcmp(target_at(targets, k), "native"))
				v->has_vs[j] = results_compare_cells(v->cells[j], v->cells[k],
				                                     row->figure, &v->vs[j]) == 0;
	}
}

/* Column widths of the text form, from the headers and every value. */
struct widths {
	size_t metric, unit, target[MAX_TARGETS], tname;
};

static void text_widths(json_t *root, json_t *targets, size_t nt, struct widths *w)
{
	w->metric = strlen("metric");
	w->unit = strlen("unit");
	w->tname = 0;
	for (size_t j = 0; j < nt; j++) {
		w->target[j] = strlen(target_at(targets, j));
		w->tname = w->target[j] > w->tname ? w->target[j] : w->tname;
	}
	for (size_t i = 0; i < N_ROWS; i++) {
		const struct benchmark_figure *fig = row_figure(&rows[i]);

		if (strlen(rows[i].metric) > w->metric)
			w->metric = strlen(rows[i].metric);
		if (fig && strlen(fig->unit) > w->unit)
			w->unit = strlen(fig->unit);
		for (size_t j = 0; j < nt; j++) {
			json_t *s = stat_of(root, target_at(targets, j), &rows[i]);
			const char *unit = json_string_value(json_object_get(s, "unit"));
			char v[64];

			if (s == NULL)
				continue;
			fmt_value(v, sizeof(v), median_of(s));
			if (strlen(v) + 1 > w->target[j])
				w->target[j] = strlen(v) + 1;
			if (unit && strlen(unit) > w->unit)
				w->unit = strlen(unit);
		}
	}
}

/* metric, unit, better, the median per target, best: the best targets, comma-separated. */
static void tsv_row(FILE *f, const struct table_row *row, const struct row_values *v,
                    json_t *targets, size_t nt)
{
	cleanup_free char *best_t = NULL;

	fprintf(f, "%s\t%s\t%s", row->metric, v->unit ?: "-", v->better ?: "-");
	for (size_t j = 0; j < nt; j++) {
		double m;

		if (v->stats[j] == NULL) {
			fprintf(f, "\t-");
			continue;
		}
		m = median_of(v->stats[j]);
		fprintf(f, "\t%.10g", m);
		if (!v->clear_best[j])
			continue;
		if (best_t == NULL) {
			best_t = xstrdup(target_at(targets, j));
		} else {
			char *b2 = xasprintf("%s,%s", best_t, target_at(targets, j));

			free(best_t);
			best_t = b2;
		}
	}
	fprintf(f, "\t%s", best_t ?: (v->have >= 2 ? "≈" : "-"));
	for (size_t j = 0; j < nt; j++) {
		const struct results_cmp *c = &v->vs[j];

		if (!strcmp(target_at(targets, j), "native"))
			continue;
		if (!v->has_vs[j]) {
			fprintf(f, "\t-\t-\t-\t-");
			continue;
		}
		fprintf(f, "\t%.4g\t%.4g\t%.4g\t%s", c->cost, c->cost_low, c->cost_high,
		        results_verdict_name(c->verdict));
	}
	fputc('\n', f);
}

/* The text form's second block: every target against native, with its interval. */
static void text_vs_native(FILE *f, json_t *root, json_t *targets, size_t nt,
                           const struct widths *w)
{
	bool any = false;

	for (size_t i = 0; i < N_ROWS; i++) {
		struct row_values v;

		row_values(root, targets, nt, &rows[i], &v);
		for (size_t j = 0; j < nt; j++) {
			const struct results_cmp *c = &v.vs[j];

			if (!v.has_vs[j])
				continue;
			if (!any)
				fprintf(f,
				        "\ncost against native (× native, 95%% interval of the "
				        "ratio of medians; ≈: the interval holds 1, no finding)\n");
			any = true;
			fprintf(f, "%-*s  %-*s  %s×%.3g", (int)w->metric, rows[i].metric,
			        (int)w->tname, target_at(targets, j),
			        results_verdict_clear(c->verdict) ? " " : "≈", c->cost);
			if (isfinite(c->cost_low) && isfinite(c->cost_high))
				fprintf(f, "  [%.3g–%.3g]", c->cost_low, c->cost_high);
			fprintf(f, "  %s\n", results_verdict_name(c->verdict));
		}
	}
}

static void text_row(FILE *f, const struct table_row *row, const struct row_values *v,
                     const struct widths *w, size_t nt)
{
	fprintf(f, "%-*s  %-*s", (int)w->metric, row->metric, (int)w->unit, v->unit ?: "-");
	for (size_t j = 0; j < nt; j++) {
		char text[64];
		double m;

		if (v->stats[j] == NULL) {
			fprintf(f, "  %*s", (int)w->target[j], "-");
			continue;
		}
		m = median_of(v->stats[j]);
		fmt_value(text, sizeof(text) - 1, m);
		strcat(text, v->clear_best[j] ? "*" : " ");
		fprintf(f, "  %*s", (int)w->target[j], text);
	}
	fprintf(f, "\n");
}

int report_table_render(json_t *root, bool tsv, char **out, assay_error_t *err)
{
	cleanup_free char *buf = NULL;
	size_t len = 0, nt;
	cleanup_json json_t *all = targets_of(root), *targets = json_array(),
	                    *hidden = json_array();
	json_t *t;
	struct widths w;
	FILE *f;

	/* a target without any row's data (skipped here, e.g. crun on cgroup v1) gets no column */
	json_array_foreach(all, nt, t)
	{
		bool any = false;

		for (size_t i = 0; i < N_ROWS && !any; i++)
			any = stat_of(root, json_string_value(t), &rows[i]) != NULL;
		json_array_append(any ? targets : hidden, t);
	}
	f = open_memstream(&buf, &len);
	if (f == NULL)
		return assay_error_make(err, errno, "open_memstream");
	nt = json_array_size(targets);
	if (nt > MAX_TARGETS)
		nt = MAX_TARGETS;
	text_widths(root, targets, nt, &w);
	if (tsv) {
		fprintf(f, "metric\tunit\tbetter");
		for (size_t j = 0; j < nt; j++)
			fprintf(f, "\t%s", target_at(targets, j));
		fprintf(f, "\tbest");
		for (size_t j = 0; j < nt; j++)
			if (strcmp(target_at(targets, j), "native"))
				fprintf(f, "\t%s:overhead\t%s:low\t%s:high\t%s:verdict",
				        target_at(targets, j), target_at(targets, j),
				        target_at(targets, j), target_at(targets, j));
		fprintf(f, "\n");
	} else {
		fprintf(f, "%-*s  %-*s", (int)w.metric, "metric", (int)w.unit, "unit");
		for (size_t j = 0; j < nt; j++)
			fprintf(f, "  %*s", (int)w.target[j], target_at(targets, j));
		fprintf(f, "\n");
	}
	for (size_t i = 0; i < N_ROWS; i++) {
		struct row_values v;

		row_values(root, targets, nt, &rows[i], &v);
		if (tsv)
			tsv_row(f, &rows[i], &v, targets, nt);
		else
			text_row(f, &rows[i], &v, &w, nt);
	}
	if (!tsv) {
		text_vs_native(f, root, targets, nt, &w);
		fprintf(f, "\nmedians of the measured runs; * best of the row, significantly "
		           "(lower is better, except MiB/s); - no data\n");
		for (size_t j = 0; j < json_array_size(hidden); j++)
			fprintf(f, "%s%s%s",
			        j ? ", " : "no data at all (no column): ", target_at(hidden, j),
			        j + 1 == json_array_size(hidden) ? "\n" : "");
	}
	if (fclose(f) != 0)
		return assay_error_make(err, errno, "write table");
	*out = steal_pointer(&buf);
	return 0;
}
