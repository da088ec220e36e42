/* results.json + summary.tsv + runs.tsv + attribution.tsv of one suite run, derived from its run
 * log (runs.jsonl, log.c: one line appended per change) at the end, by `collector report` and
 * after a crash, so a run costs the same whatever the suite's size and none finished is lost. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "benchmarks/benchmarks.h"
#include "results/compare.h"
#include "results/log.h"
#include "results/results.h"
#include "lib/fs.h"
#include "lib/json.h"
#include "lib/stats.h"
#include "lib/util.h"

struct results {
	char *dir;
	json_t *root;
	json_t *cells; /* borrowed from root */
	struct results_log *log;
};

/* ---- Summaries ---------------------------------------------------------------------------- */

static json_t *stats_json(const struct stats *s, const char *unit, const char *better)
{
	return json_pack("{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:I, s:s, s:s}", "median",
	                 s->median, "min", s->min, "max", s->max, "p5", s->p5, "p95", s->p95,
	                 "ci_low", s->ci_low, "ci_high", s->ci_high, "ci_level", s->ci_level, "n",
	                 (json_int_t)s->n, "unit", unit, "better", better);
}

json_t *results_summarize(const char *benchmark, json_t *runs)
{
	const struct benchmark *b = benchmark ? benchmarks_find(benchmark) : NULL;
	json_t *values = json_object(), *summary = json_object(), *run, *arr;
	const char *name;
	size_t i;

	/* Figures in the order the runs give them (the registry's order). */
	json_array_foreach(runs, i, run)
	{
		json_t *figures = json_object_get(run, "figures"), *v;

		if (json_is_true(json_object_get(run, "warmup")) || !json_is_object(figures))
			continue;
		json_object_foreach(figures, name, v)
		{
			if (!json_is_number(v))
				continue;
			arr = json_object_get(values, name);
			if (arr == NULL) {
				arr = json_array();
				json_object_set_new(values, name, arr);
			}
			json_array_append_new(arr, json_real(json_number_value(v)));
		}
	}
	json_object_foreach(values, name, arr)
	{
		size_t n = json_array_size(arr);
		cleanup_free double *v = xcalloc(n, sizeof(double));
		const struct benchmark_figure *f = b ? benchmarks_figure(b, name) : NULL;
		struct stats s;
		assay_error_t err = NULL;
		json_t *x;

		json_array_foreach(arr, i, x) v[i] = json_real_value(x);
		if (stats_compute(v, n, &s, &err) < 0) {
			assay_error_release(&err);
			continue;
		}
		json_object_set_new(
		    summary, name,
		    stats_json(&s, f ? f->unit : "", f ? benchmarks_better_name(f->better) : ""));
	}
	json_decref(values);
	return summary;
}

/* ---- TSV exports -------------------------------------------------------------------------- */

struct buf {
	char *s;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (b->s && (size_t)n < b->cap - b->len)
			break;
		b->cap = (b->cap + (size_t)n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	b->len += (size_t)n;
}

/* Writes the buffer to path atomically and frees it. */
static int buf_write(struct buf *b, const char *path, assay_error_t *err)
{
	int ret = fs_write_atomic(path, b->s, b->len, err);

	free(b->s);
	return ret;
}

/* Numbers as gnuplot reads them; NaN marks "no value". */
static void buf_num(struct buf *b, double v)
{
	if (isnan(v))
		buf_printf(b, "\tNaN");
	else
		buf_printf(b, "\t%.9g", v);
}

static double num_or_nan(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *str_or(json_t *o, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : def;
}

static void summary_row(struct buf *b, json_t *cells, json_t *cell, const char *figure, json_t *st,
                        const char *unit, const char *better)
{
	const char *bench = str_or(cell, "benchmark", "-");
	json_t *native = json_object_get(results_native_cell(cells, bench), "summary");
	json_t *vs = json_object_get(st, "vs_native");
	double median = num_or_nan(st, "median");
	double base = native ? num_or_nan(json_object_get(native, figure), "median") : NAN;
	double ratio = NAN, overhead = NAN;
	static const char *const cols[] = {"min",    "max",     "p5",      "p95",
	                                   "ci_low", "ci_high", "ci_level"};

	if (!isnan(base) && !isnan(median) && base != 0 && median != 0) {
		ratio = median / base;
		overhead = strcmp(better, "higher") ? ratio : base / median;
	}
	buf_printf(b, "%s\t%s\t%s\t%s\t%s\t%s\t%d", str_or(cell, "target", "-"), bench, figure,
	           unit, better, str_or(cell, "status", "-"),
	           st ? (int)json_integer_value(json_object_get(st, "n")) : 0);
	buf_num(b, median);
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		buf_num(b, num_or_nan(st, cols[i]));
	buf_num(b, base);
	buf_num(b, ratio);
	buf_num(b, overhead);
	buf_num(b, num_or_nan(vs, "ci_low"));
	buf_num(b, num_or_nan(vs, "ci_high"));
	buf_printf(b, "\t%s\n", str_or(vs, "verdict", "-"));
}

int results_write_summary_tsv(json_t *root, const char *path, assay_error_t *err)
{
	json_t *cells = json_object_get(root, "cells"), *cell;
	struct buf b = {0};
	size_t i;

	buf_printf(&b, "target\tbenchmark\tfigure\tunit\tbetter\tstatus\tn\tmedian\tmin\tmax\tp5\t"
	               "p95\tci_low\tci_high\tci_level\tnative_median\tratio\toverhead\tratio_low\t"
	               "ratio_high\tverdict\n");
	json_array_foreach(cells, i, cell)
	{
		json_t *summary = json_object_get(cell, "summary"), *st;
		const char *figure;

		if (json_object_size(summary) > 0) {
			json_object_foreach(summary, figure, st)
			    summary_row(&b, cells, cell, figure, st, str_or(st, "unit", "-"),
			                str_or(st, "better", "-"));
		} else {
			/* Nothing measured (skipped, failed): rows with NaN keep the cell in
			 * the table so a figure can show it as missing. */
			const struct benchmark *def =
			    benchmarks_find(str_or(cell, "benchmark", ""));

			for (const struct benchmark_figure *f = def ? def->figures : NULL;
			     f && f->name; f++)
				if (!strchr(f->name, '{'))
					summary_row(&b, cells, cell, f->name, NULL, f->unit,
					            benchmarks_better_name(f->better));
		}
	}
	return buf_write(&b, path, err);
}

int results_write_runs_tsv(json_t *root, const char *path, assay_error_t *err)
{
	json_t *cells = json_object_get(root, "cells"), *cell;
	struct buf b = {0};
	size_t i;

	buf_printf(&b, "target\tbenchmark\tfigure\tunit\trun\twarmup\tvalue\n");
	json_array_foreach(cells, i, cell)
	{
		const struct benchmark *def = benchmarks_find(str_or(cell, "benchmark", ""));
		json_t *runs = json_object_get(cell, "runs"), *run, *v;
		size_t j;

		json_array_foreach(runs, j, run)
		{
			json_t *figures = json_object_get(run, "figures");
			json_t *index = json_object_get(run, "index");
			const char *figure;

			json_object_foreach(figures, figure, v)
			{
				const struct benchmark_figure *f =
				    def ? benchmarks_figure(def, figure) : NULL;

				if (!json_is_number(v))
					continue;
				buf_printf(
				    &b, "%s\t%s\t%s\t%s\t%lld\t%d", str_or(cell, "target", "-"),
				    str_or(cell, "benchmark", "-"), figure, f ? f->unit : "-",
				    json_is_integer(index) ? (long long)json_integer_value(index)
				                           : (long long)j + 1,
				    json_is_true(json_object_get(run, "warmup")));
				buf_num(&b, json_number_value(v));
				buf_printf(&b, "\n");
			}
		}
	}
	return buf_write(&b, path, err);
}

/* Median over a cell's measured runs of attribution.roles.ROLE.KEY (KEY "syscalls": .total), or
 * of attribution.coverage when role is NULL; NaN when no run has it. *n gets the run count. */
static double attribution_median(json_t *runs, const char *role, const char *key, size_t *n)
{
	size_t nruns = json_array_size(runs), m = 0, j;
	double *v = xcalloc(nruns ? nruns : 1, sizeof(*v)), med = NAN;
	struct stats st;
	json_t *run;

	json_array_foreach(runs, j, run)
	{
		json_t *a = json_object_get(run, "attribution"), *x;

		if (json_is_true(json_object_get(run, "warmup")) || !json_is_object(a))
			continue;
		if (role == NULL)
			x = json_object_get(a, "coverage");
		else {
			x = json_object_get(json_object_get(json_object_get(a, "roles"), role),
			                    key);
			if (json_is_object(x))
				x = json_object_get(x, "total");
		}
		if (json_is_number(x))
			v[m++] = json_number_value(x);
	}
	if (m > 0 && stats_compute(v, m, &st, NULL) == 0)
		med = st.median;
	free(v);
	*n = m;
	return med;
}

int results_write_attribution_tsv(json_t *root, const char *path, assay_error_t *err)
{
	json_t *cells = json_object_get(root, "cells"), *cell;
	struct buf b = {0};
	size_t i;

	buf_printf(&b, "target\tbenchmark\trole\tn\tcpu_ms\tsys_ms\tuser_ms\tsyscalls\tcoverage\n");
	json_array_foreach(cells, i, cell)
	{
		json_t *runs = json_object_get(cell, "runs"), *run, *roles = json_object(), *rv;
		const char *role;
		size_t j, n, ncov;
		double cov = attribution_median(runs, NULL, NULL, &ncov);

		/* every role any measured run has, in first-seen order */
		json_array_foreach(runs, j, run)
		{
			if (json_is_true(json_object_get(run, "warmup")))
				continue;
			json_object_foreach(
			    json_object_get(json_object_get(run, "attribution"), "roles"), role, rv)
			    json_object_set(roles, role, json_true());
		}
		json_object_foreach(roles, role, rv)
		{
			double cpu = attribution_median(runs, role, "cpu_ns", &n);

			buf_printf(&b, "%s\t%s\t%s\t%zu", str_or(cell, "target", "-"),
			           str_or(cell, "benchmark", "-"), role, n);
			buf_num(&b, cpu / 1e6);
			buf_num(&b, attribution_median(runs, role, "sys_ns", &n) / 1e6);
			buf_num(&b, attribution_median(runs, role, "user_ns", &n) / 1e6);
			buf_num(&b, attribution_median(runs, role, "syscalls", &n));
			buf_num(&b, cov);
			buf_printf(&b, "\n");
		}
		json_decref(roles);
	}
	return buf_write(&b, path, err);
}

/* ---- The results object ------------------------------------------------------------------- */

/* The derived files of a results root: results.json and the three TSVs, each atomically. */
static int write_all(json_t *root, const char *dir, assay_error_t *err)
{
	cleanup_free char *json = NULL, *p = NULL;

	results_compare_annotate(root);
	json = json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
	if (json == NULL)
		return assay_error_make(err, ENOMEM, "serialise results");
	p = xasprintf("%s/%s", dir, RESULTS_JSON);
	if (fs_write_atomic(p, json, strlen(json), err) < 0)
		return -1;
	free(p);
	p = xasprintf("%s/%s", dir, RESULTS_SUMMARY);
	if (results_write_summary_tsv(root, p, err) < 0)
		return -1;
	free(p);
	p = xasprintf("%s/%s", dir, RESULTS_RUNS);
	if (results_write_runs_tsv(root, p, err) < 0)
		return -1;
	free(p);
	p = xasprintf("%s/%s", dir, RESULTS_ATTRIBUTION);
	return results_write_attribution_tsv(root, p, err);
}

/* A record of the log about cell index: its target and benchmark name it (self-describing lines,
 * greppable while the suite runs). */
static int log_cell_record(struct results *r, size_t index, const char *key, json_t *value,
                           const char *reason, assay_error_t *err)
{
	json_t *cell = json_array_get(r->cells, index);
	cleanup_json json_t *rec =
	    json_pack("{s:s, s:s, s:O}", "target", str_or(cell, "target", ""), "benchmark",
	              str_or(cell, "benchmark", ""), key, value);

	if (!strcmp(key, "status"))
		json_object_set_new(rec, "reason", reason ? json_string(reason) : json_null());
	return results_log_append(r->log, rec, err);
}

int results_open(const char *dir, json_t *meta, struct results **out, assay_error_t *err)
{
	struct results *r;
	cleanup_json json_t *m = meta ? json_deep_copy(meta) : json_object();
	cleanup_json json_t *first = NULL;
	cleanup_free char *log = NULL;

	if (!json_is_object(m))
		return assay_error_make(err, EINVAL, "results meta must be a JSON object");
	if (fs_mkdir_p(dir, 0755, err) < 0)
		return -1;
	if (json_object_get(m, "format") == NULL)
		json_object_set_new(m, "format", json_string(RESULTS_FORMAT));
	r = xcalloc(1, sizeof(*r));
	r->dir = xstrdup(dir);
	r->cells = json_array();
	r->root = json_pack("{s:o, s:O}", "meta", steal_pointer(&m), "cells", r->cells);
	json_decref(r->cells);
	log = xasprintf("%s/%s", dir, RESULTS_LOG);
	first = json_pack("{s:s, s:O}", "log", RESULTS_LOG_FORMAT, "meta",
	                  json_object_get(r->root, "meta"));
	/* results.json too, with the meta only, so that the run's id and suite can be read at
	 * once; it is derived again at the end (and by `collector report` after a crash) */
	if (results_log_create(log, first, &r->log, err) < 0 || write_all(r->root, dir, err) < 0) {
		results_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

long results_find_cell(struct results *r, const char *target, const char *benchmark)
{
	json_t *cell;
	size_t i;

	json_array_foreach(r->cells, i, cell)
	{
		if (!strcmp(str_or(cell, "target", ""), target) &&
		    !strcmp(str_or(cell, "benchmark", ""), benchmark))
			return (long)i;
	}
	return -1;
}

/* The cell target × benchmark appended to cells, as results_add_cell makes it. */
static json_t *new_cell(json_t *cells, const char *target, const char *benchmark, json_t *params)
{
	json_t *cell =
	    json_pack("{s:s, s:s, s:s, s:n, s:o, s:[], s:{}}", "target", target, "benchmark",
	              benchmark, "status", "pending", "reason", "params",
	              params ? json_deep_copy(params) : json_object(), "runs", "summary");

	json_array_append_new(cells, cell);
	return cell;
}

int results_add_cell(struct results *r, const char *target, const char *benchmark, json_t *params,
                     size_t *index, assay_error_t *err)
{
	json_t *cell;

	if (results_find_cell(r, target, benchmark) >= 0)
		return assay_error_make(err, EEXIST, "results: cell %s × %s added twice", target,
		                        benchmark);
	cell = new_cell(r->cells, target, benchmark, params);
	*index = json_array_size(r->cells) - 1;
	return log_cell_record(r, *index, "params", json_object_get(cell, "params"), NULL, err);
}

static json_t *get_cell(struct results *r, size_t index, assay_error_t *err)
{
	json_t *cell = json_array_get(r->cells, index);

	if (cell == NULL)
		assay_error_make(err, EINVAL, "results: no cell %zu", index);
	return cell;
}

/* A run into a cell, in memory: a cell still "pending" becomes "ok". */
static void cell_add_run(json_t *cell, json_t *run)
{
	json_array_append(json_object_get(cell, "runs"), run);
	if (!strcmp(str_or(cell, "status", ""), "pending"))
		json_object_set_new(cell, "status", json_string("ok"));
}

int results_add_run(struct results *r, size_t index, json_t *run, assay_error_t *err)
{
	json_t *cell = get_cell(r, index, err);

	if (cell == NULL)
		return -1;
	if (!json_is_object(run))
		return assay_error_make(err, EINVAL, "results: a run must be a JSON object");
	cell_add_run(cell, run);
	/* only this cell's summary: the run engine reports it when the cell is done */
	json_object_set_new(
	    cell, "summary",
	    results_summarize(str_or(cell, "benchmark", NULL), json_object_get(cell, "runs")));
	return log_cell_record(r, index, "run", run, NULL, err);
}

static bool status_valid(const char *status)
{
	return !strcmp(status, "ok") || !strcmp(status, "failed") || !strcmp(status, "skipped") ||
	       !strcmp(status, "pending");
}

int results_set_status(struct results *r, size_t index, const char *status, const char *reason,
                       assay_error_t *err)
{
	json_t *cell = get_cell(r, index, err);
	cleanup_json json_t *st = json_string(status);

	if (cell == NULL)
		return -1;
	if (!status_valid(status))
		return assay_error_make(err, EINVAL, "results: bad cell status `%s`", status);
	json_object_set(cell, "status", st);
	json_object_set_new(cell, "reason", reason ? json_string(reason) : json_null());
	return log_cell_record(r, index, "status", st, reason, err);
}

int results_save_meta(struct results *r, assay_error_t *err)
{
	cleanup_json json_t *rec = json_pack("{s:O}", "meta", json_object_get(r->root, "meta"));

	return results_log_append(r->log, rec, err);
}

int results_set_cell_key(struct results *r, size_t index, const char *key, json_t *value,
                         assay_error_t *err)
{
	json_t *cell = get_cell(r, index, err);

	if (cell == NULL)
		return -1;
	json_object_set(cell, key, value);
	return log_cell_record(r, index, key, value, NULL, err);
}

int results_finish(struct results *r, assay_error_t *err)
{
	char stamp[64];
	time_t now = time(NULL);
	struct tm tm;
	cleanup_free char *warning = NULL;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(json_object_get(r->root, "meta"), "finished", json_string(stamp));
	/* the comparisons once, at the end (results.json gets them from the same runs) */
	results_compare_annotate(r->root);
	if (results_save_meta(r, err) < 0)
		return -1;
	results_log_close(r->log);
	r->log = NULL;
	/* from the log, as after a crash: what it holds is what results.json says */
	return results_derive(r->dir, &warning, err) < 0 ? -1 : 0;
}

/* ---- Deriving results.json from the log ------------------------------------------------------ */

/* Applies one record of the log to root; usage error on a record of no known kind. */
static int replay_one(json_t *root, json_t *index, json_t *rec, size_t n, assay_error_t *err)
{
	json_t *cells = json_object_get(root, "cells"), *cell, *meta = json_object_get(rec, "meta");
	const char *target = str_or(rec, "target", NULL), *bench = str_or(rec, "benchmark", NULL);
	cleanup_free char *key = NULL;

	if (meta) {
		json_object_set(root, "meta", meta);
		return 0;
	}
	if (target == NULL || bench == NULL)
		return assay_error_usage(err, "record %zu: neither meta nor a cell's", n);
	key = xasprintf("%s\t%s", target, bench);
	cell = json_object_get(index, key);
	if (json_object_get(rec, "params")) {
		if (cell)
			return assay_error_usage(err, "record %zu: cell %s × %s added twice", n,
			                         target, bench);
		json_object_set(index, key,
		                new_cell(cells, target, bench, json_object_get(rec, "params")));
		return 0;
	}
	if (cell == NULL)
		return assay_error_usage(err, "record %zu: no cell %s × %s before it", n, target,
		                         bench);
	if (json_is_object(json_object_get(rec, "run"))) {
		cell_add_run(cell, json_object_get(rec, "run"));
		return 0;
	}
	if (json_is_string(json_object_get(rec, "status")) &&
	    status_valid(str_or(rec, "status", ""))) {
		json_object_set(cell, "status", json_object_get(rec, "status"));
		json_object_set(cell, "reason", json_object_get(rec, "reason") ?: json_null());
		return 0;
	}
	if (json_is_object(json_object_get(rec, "runs_auto"))) {
		json_object_set(cell, "runs_auto", json_object_get(rec, "runs_auto"));
		return 0;
	}
	return assay_error_usage(err, "record %zu: of no known kind", n);
}

int results_replay(json_t *records, json_t **out, assay_error_t *err)
{
	cleanup_json json_t *index = json_object();
	json_t *first = json_array_get(records, 0), *root, *rec, *cell;
	size_t i;

	if (!json_is_object(json_object_get(first, "meta")) ||
	    strcmp(str_or(first, "log", ""), RESULTS_LOG_FORMAT))
		return assay_error_usage(err,
		                         "not an assay run log (its first line must be "
		                         "{\"log\": \"" RESULTS_LOG_FORMAT "\", \"meta\": ...})");
	root = json_pack("{s:O, s:[]}", "meta", json_object_get(first, "meta"), "cells");
	json_array_foreach(records, i, rec)
	{
		if (i > 0 && replay_one(root, index, rec, i + 1, err) < 0) {
			json_decref(root);
			return -1;
		}
	}
	/* each summary once, over the cell's runs: O(runs) for the whole log */
	json_array_foreach(json_object_get(root, "cells"), i, cell) json_object_set_new(
	    cell, "summary",
	    results_summarize(str_or(cell, "benchmark", NULL), json_object_get(cell, "runs")));
	*out = root;
	return 0;
}

int results_derive(const char *dir, char **warning, assay_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/%s", dir, RESULTS_LOG);
	cleanup_json json_t *records = NULL, *root = NULL;

	*warning = NULL;
	if (access(path, F_OK) < 0)
		return 0;
	if (results_log_read(path, &records, warning, err) < 0)
		return -1;
	if (results_replay(records, &root, err) < 0)
		return assay_error_wrap(err, "%s", path);
	if (write_all(root, dir, err) < 0)
		return -1;
	return 1;
}

json_t *results_root(struct results *r)
{
	return r->root;
}

const char *results_dir(struct results *r)
{
	return r->dir;
}

void results_free(struct results *r)
{
	if (r == NULL)
		return;
	results_log_close(r->log);
	json_decref(r->root);
	free(r->dir);
	free(r);
}

int results_load(const char *path, json_t **out, assay_error_t *err)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);

	if (root == NULL)
		return assay_error_usage(err, "%s:%d:%d: %s", path, jerr.line, jerr.column,
		                         jerr.text);
	if (!json_is_object(json_object_get(root, "meta")) ||
	    !json_is_array(json_object_get(root, "cells"))) {
		json_decref(root);
		return assay_error_usage(err,
		                         "%s: not an assay results file (expected an object "
		                         "with `meta` and `cells`)",
		                         path);
	}
	*out = root;
	return 0;
}
