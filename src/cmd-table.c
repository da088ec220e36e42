/* `collector table RESULTS_DIR [--tsv]`: the study's Table 1 layout of a results directory.
 *
 * TouchStone (Espe et al., CLOSER 2020; github.com/lnsp/touchstone) reported one mean per
 * metric and runtime. Here every cell is the median of the cell's measured runs, the rows keep
 * the study's names, and the registry says per figure whether lower or higher is better, so the
 * best target of each row can be marked. Rows whose benchmark was not run show "-". */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "benchmarks/benchmarks.h"
#include "commands.h"
#include "results/results.h"
#include "report/table.h"
#include "lib/util.h"

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

const struct table_row *table_rows(size_t *n)
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

/* Summary statistics of one figure of target × benchmark, or NULL. */
static json_t *stat_of(json_t *root, const char *target, const struct table_row *r)
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
		    json_integer_value(json_object_get(s, "n")) > 0)
			return s;
	}
	return NULL;
}

/* Width-friendly text of a median: about four significant digits, never exponents. */
static void fmt_value(char *buf, size_t n, double v)
{
	double a = fabs(v);

	snprintf(buf, n, a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f", v);
}

int table_render(json_t *root, bool tsv, char **out, assay_error_t *err)
{
	cleanup_free char *buf = NULL;
	size_t len = 0, nt;
	json_t *all = targets_of(root), *targets = json_array(), *hidden = json_array(), *t;
	FILE *f = open_memstream(&buf, &len);
	size_t widths[64], wmetric = strlen("metric"), wunit = strlen("unit");

	/* a target without any row's data (skipped here, e.g. crun on cgroup v1) gets no column */
	json_array_foreach(all, nt, t)
	{
		bool any = false;

		for (size_t i = 0; i < N_ROWS && !any; i++)
			any = stat_of(root, json_string_value(t), &rows[i]) != NULL;
		json_array_append(any ? targets : hidden, t);
	}
	json_decref(all);
	if (f == NULL) {
		json_decref(targets);
		json_decref(hidden);
		return assay_error_make(err, errno, "open_memstream");
	}
	nt = json_array_size(targets);
	if (nt > sizeof(widths) / sizeof(widths[0]))
		nt = sizeof(widths) / sizeof(widths[0]);
	/* column widths from the headers and every value */
	for (size_t j = 0; j < nt; j++)
		widths[j] = strlen(json_string_value(json_array_get(targets, j)));
	for (size_t i = 0; i < N_ROWS; i++) {
		const struct benchmark *b = benchmarks_find(rows[i].benchmark);
		const struct benchmark_figure *fig =
		    b ? benchmarks_figure(b, rows[i].figure) : NULL;

		if (strlen(rows[i].metric) > wmetric)
			wmetric = strlen(rows[i].metric);
		if (fig && strlen(fig->unit) > wunit)
			wunit = strlen(fig->unit);
		for (size_t j = 0; j < nt; j++) {
			json_t *s =
			    stat_of(root, json_string_value(json_array_get(targets, j)), &rows[i]);
			const char *unit = json_string_value(json_object_get(s, "unit"));
			char v[64];

			if (s == NULL)
				continue;
			fmt_value(v, sizeof(v), json_number_value(json_object_get(s, "median")));
			if (strlen(v) + 1 > widths[j])
				widths[j] = strlen(v) + 1;
			if (unit && strlen(unit) > wunit)
				wunit = strlen(unit);
		}
	}

	if (tsv) {
		fprintf(f, "metric\tunit\tbetter");
		for (size_t j = 0; j < nt; j++)
			fprintf(f, "\t%s", json_string_value(json_array_get(targets, j)));
		fprintf(f, "\tbest\n");
	} else {
		fprintf(f, "%-*s  %-*s", (int)wmetric, "metric", (int)wunit, "unit");
		for (size_t j = 0; j < nt; j++)
			fprintf(f, "  %*s", (int)widths[j],
			        json_string_value(json_array_get(targets, j)));
		fprintf(f, "\n");
	}
	for (size_t i = 0; i < N_ROWS; i++) {
		json_t *stats[64];
		const char *unit = NULL, *better = NULL;
		double best = NAN;
		size_t have = 0;

		for (size_t j = 0; j < nt; j++) {
			stats[j] =
			    stat_of(root, json_string_value(json_array_get(targets, j)), &rows[i]);
			if (stats[j] == NULL)
				continue;
			unit = unit ?: json_string_value(json_object_get(stats[j], "unit"));
			better = better ?: json_string_value(json_object_get(stats[j], "better"));
		}
		/* a row without data still says what it would measure */
		if (unit == NULL || better == NULL) {
			const struct benchmark *b = benchmarks_find(rows[i].benchmark);
			const struct benchmark_figure *fig =
			    b ? benchmarks_figure(b, rows[i].figure) : NULL;

			if (fig) {
				unit = unit ?: fig->unit;
				better = better ?: benchmarks_better_name(fig->better);
			}
		}
		/* the best median of the row (only where there is something to compare) */
		for (size_t j = 0; j < nt; j++) {
			double m;

			if (stats[j] == NULL)
				continue;
			have++;
			m = json_number_value(json_object_get(stats[j], "median"));
			if (isnan(best) ||
			    (better && !strcmp(better, "higher") ? m > best : m < best))
				best = m;
		}
		if (tsv) {
			char *best_t = NULL;

			fprintf(f, "%s\t%s\t%s", rows[i].metric, unit ?: "-", better ?: "-");
			for (size_t j = 0; j < nt; j++) {
				double m;

				if (stats[j] == NULL) {
					fprintf(f, "\t-");
					continue;
				}
				m = json_number_value(json_object_get(stats[j], "median"));
				fprintf(f, "\t%.10g", m);
				if (have < 2 || m != best)
					continue;
				/* ties: every best target, comma-separated */
				if (best_t == NULL)
					best_t =
					    xstrdup(json_string_value(json_array_get(targets, j)));
				else {
					char *b2 = xasprintf(
					    "%s,%s", best_t,
					    json_string_value(json_array_get(targets, j)));
					free(best_t);
					best_t = b2;
				}
			}
			fprintf(f, "\t%s\n", best_t ?: "-");
			free(best_t);
			continue;
		}
		fprintf(f, "%-*s  %-*s", (int)wmetric, rows[i].metric, (int)wunit, unit ?: "-");
		for (size_t j = 0; j < nt; j++) {
			char v[64];
			double m;

			if (stats[j] == NULL) {
				fprintf(f, "  %*s", (int)widths[j], "-");
				continue;
			}
			m = json_number_value(json_object_get(stats[j], "median"));
			fmt_value(v, sizeof(v) - 1, m);
			if (have >= 2 && m == best)
				strcat(v, "*");
			else
				strcat(v, " ");
			fprintf(f, "  %*s", (int)widths[j], v);
		}
		fprintf(f, "\n");
	}
	if (!tsv) {
		fprintf(f, "\nmedians of the measured runs; * best of the row (lower is better, "
		           "except MiB/s); - no data\n");
		for (size_t j = 0; j < json_array_size(hidden); j++)
			fprintf(f, "%s%s%s", j ? ", " : "no data at all (no column): ",
			        json_string_value(json_array_get(hidden, j)),
			        j + 1 == json_array_size(hidden) ? "\n" : "");
	}
	json_decref(targets);
	json_decref(hidden);
	if (fclose(f) != 0)
		return assay_error_make(err, errno, "write table");
	*out = steal_pointer(&buf);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(
	    f, "Usage: collector table [--tsv] RESULTS\n"
	       "\n"
	       "Prints the TouchStone study's Table 1 (rows CPUTime ... Scalability50, one column\n"
	       "per target) from RESULTS, a results directory or its results.json: the median of\n"
	       "each metric's runs, the best of each row marked `*`, `-` where nothing was\n"
	       "measured. suites/touchstone.yaml measures every row (docs/touchstone.md).\n"
	       "\n"
	       "Options:\n"
	       "  --tsv       tab-separated: metric, unit, better, one column per target, best\n"
	       "  -h, --help  this text\n");
}

int cmd_table(int argc, char **argv, assay_error_t *err)
{
	static const struct option options[] = {
	    {"tsv", no_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	cleanup_free char *path = NULL;
	cleanup_free char *text = NULL;
	json_t *root = NULL;
	struct stat st;
	bool tsv = false;
	int c, ret;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 't':
			tsv = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return assay_error_usage(err, "table: unknown option `%s` (see --help)",
			                         argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return assay_error_usage(err, "table: expected one results directory (see --help)");
	if (stat(argv[optind], &st) < 0)
		return assay_error_usage(err, "table: `%s`: %s (expected a results directory)",
		                         argv[optind], strerror(errno));
	if (S_ISDIR(st.st_mode))
		path = xasprintf("%s/%s", argv[optind], RESULTS_JSON);
	else
		path = xstrdup(argv[optind]);
	if (stat(path, &st) < 0)
		return assay_error_usage(err,
		                         "table: `%s`: no %s in it (run `collector run` first)",
		                         argv[optind], RESULTS_JSON);
	if (results_load(path, &root, err) < 0)
		return -1;
	ret = table_render(root, tsv, &text, err);
	json_decref(root);
	if (ret < 0)
		return -1;
	fputs(text, stdout);
	return 0;
}
