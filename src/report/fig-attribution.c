/* Who pays (attribution.gp): CPU time per run stacked by role, from the tracer's
 * attribution.roles of the measured runs. attribution-BENCHMARK has a bar per target;
 * attribution-target-TARGET a bar per performance benchmark. */
#include <string.h>

#include "lib/json.h"
#include "lib/util.h"
#include "report/internal.h"

/* Adds to `seen` (object used as an ordered set) every role of the cell's measured runs. */
static void roles_of_cell(json_t *seen, json_t *cell)
{
	size_t ri;
	json_t *run, *rv;
	const char *role;

	json_array_foreach(json_object_get(cell, "runs"), ri, run)
	{
		json_t *roles = json_object_get(json_object_get(run, "attribution"), "roles");

		if (!report_measured_run(run))
			continue;
		json_object_foreach(roles, role, rv)
		{
			if (!strchr(role, ' '))
				json_object_set(seen, role, json_true());
		}
	}
}

/* Measured runs of a cell carrying attribution; their median coverage into *cov (NaN: none). */
static size_t attributed_runs(json_t *cell, double *cov)
{
	json_t *runs = json_object_get(cell, "runs"), *run;
	size_t nruns = json_array_size(runs), ri, m = 0, ncov = 0;
	double covs[nruns ? nruns : 1];

	json_array_foreach(runs, ri, run)
	{
		json_t *a = json_object_get(run, "attribution");

		if (report_measured_run(run) && json_is_object(json_object_get(a, "roles"))) {
			m++;
			if (json_is_number(json_object_get(a, "coverage")))
				covs[ncov++] = jnum(a, "coverage");
		}
	}
	*cov = ncov ? report_median(covs, ncov) : NAN;
	return m;
}

/* One data row: label, then the median ms of CPU per run of each role (0 in a run without it). */
static void attribution_row(FILE *f, const char *label, json_t *cell, json_t *roles)
{
	json_t *runs = json_object_get(cell, "runs"), *run, *v;
	size_t nruns = json_array_size(runs), ri, k;
	double vals[nruns ? nruns : 1];

	fputs(label, f);
	json_array_foreach(roles, k, v)
	{
		size_t nv = 0;

		json_array_foreach(runs, ri, run)
		{
			json_t *rr = json_object_get(json_object_get(run, "attribution"), "roles");
			double x;

			if (!report_measured_run(run) || !json_is_object(rr))
				continue;
			x = jnum(json_object_get(rr, json_string_value(v)), "cpu_ns");
			vals[nv++] = isfinite(x) ? x : 0; /* a role with nothing is left out */
		}
		report_tsv_num(f, report_median(vals, nv) / 1e6);
	}
	fputc('\n', f);
}

/* Draws one attribution.gp figure: rows[i] labelled labels[i], columns the roles seen in them.
 * Returns 1 when drawn, 0 when no row has attribution, <0 on error. *cov gets "label NN %, ..."
 * of the rows' median coverage, malloc'd (NULL: none measured). */
static int draw_attribution(struct report *r, const char *name, const char *title,
                            const char *rowname, json_t **rows, const char *const *labels,
                            size_t nrows, char **cov, assay_error_t *err)
{
	cleanup_json json_t *seen = json_object(), *roles = NULL;
	cleanup_membuf struct membuf data = {0}, vars = {0}, rl = {0}, cv = {0};
	json_t *v;
	bool first = true;
	size_t k, drawn = 0;

	for (size_t i = 0; i < nrows; i++)
		roles_of_cell(seen, rows[i]);
	roles = report_roles_ordered(seen);
	if (json_array_size(roles) == 0)
		return 0;
	report_membuf_open(&data);
	report_membuf_open(&rl);
	report_membuf_open(&cv);
	fprintf(data.f, "# %s", rowname);
	json_array_foreach(roles, k, v)
	{
		fprintf(data.f, "\t%s", json_string_value(v));
		report_words_add(rl.f, &first, json_string_value(v));
	}
	fputc('\n', data.f);
	for (size_t i = 0; i < nrows; i++) {
		double c;

		if (attributed_runs(rows[i], &c) == 0)
			continue;
		drawn++;
		attribution_row(data.f, labels[i], rows[i], roles);
		if (isfinite(c))
			fprintf(cv.f, "%s%s %.0f %%", ftell(cv.f) ? ", " : "", labels[i], 100 * c);
	}
	report_membuf_open(&vars);
	report_gp_var(vars.f, "title", title);
	report_gp_var(vars.f, "roles", report_membuf_text(&rl));
	if (*report_membuf_text(&cv))
		*cov = steal_pointer(&cv.buf);
	/* (no row with attribution: the data is still written, nothing is drawn) */
	if ((drawn ? report_plot(r, "attribution", name, &data, &vars, err)
	           : report_write_data(r, name, &data, err)) < 0)
		return -1;
	return drawn > 0;
}

int report_fig_attribution(struct report *r, const struct rbench *b, FILE *page, assay_error_t *err)
{
	cleanup_free char *name = xasprintf("attribution-%s", b->name), *cov = NULL, *cap = NULL;
	json_t *rows[b->ncells ? b->ncells : 1];
	const char *labels[b->ncells ? b->ncells : 1];
	int ret;

	for (size_t i = 0; i < b->ncells; i++) {
		rows[i] = b->cells[i].cell;
		labels[i] = b->cells[i].name;
	}
	ret = draw_attribution(r, name, b->name, "target", rows, labels, b->ncells, &cov, err);
	if (ret < 0)
		return ret;
	if (ret == 0) {
		report_absent_html(page,
		                   "No attribution for this benchmark: the tracer did not run "
		                   "(`collector run --no-trace`, or eBPF unavailable).");
		return 0;
	}
	cap = xasprintf("Who pays: CPU time per run by role (eBPF, median per role over the "
	                "measured runs). Coverage, attributed CPU over cgroup cpuacct: %s.",
	                cov ? cov : "not measured");
	report_figure_html(page, name, "CPU time by role", cap);
	return 0;
}

/* Who pays under one target: a stacked bar per benchmark (attribution-target-TARGET, '/' → '_'),
 * over the performance benchmarks (labelled without their PERF prefix). Returns as
 * draw_attribution. */
#define PERF "performance."
static int attribution_target(struct report *r, const char *target, FILE *page, assay_error_t *err)
{
	json_t *rows[r->nbenches ? r->nbenches : 1];
	const char *labels[r->nbenches ? r->nbenches : 1];
	size_t n = 0;
	cleanup_free char *name = xasprintf("attribution-target-%s", target), *cov = NULL;
	cleanup_free char *title = xasprintf("%s: CPU per run by role", target), *cap = NULL;
	int ret;

	report_safe_name(name);
	for (size_t bi = 0; bi < r->nbenches; bi++)
		for (size_t i = 0; i < r->benches[bi].ncells; i++)
			if (!strcmp(r->benches[bi].cells[i].name, target) &&
			    !strncmp(r->benches[bi].name, PERF, strlen(PERF))) {
				rows[n] = r->benches[bi].cells[i].cell;
				labels[n++] = r->benches[bi].name + strlen(PERF);
			}
	ret = draw_attribution(r, name, title, "benchmark", rows, labels, n, &cov, err);
	if (ret <= 0)
		return ret;
	cap = xasprintf("Who pays under %s: CPU time per run of each performance benchmark, by "
	                "role (median per role). Coverage: %s.",
	                target, cov ? cov : "not measured");
	report_figure_html(page, name, "CPU time by role per benchmark", cap);
	return 1;
}

int report_fig_attribution_targets(struct report *r, FILE *page, assay_error_t *err)
{
	cleanup_json json_t *names = report_cell_names(r, true);
	json_t *v;
	size_t k;
	bool any = false;

	json_array_foreach(names, k, v)
	{
		int ret = attribution_target(r, json_string_value(v), page, err);

		if (ret < 0)
			return ret;
		any = any || ret > 0;
	}
	if (!any)
		report_absent_html(page, "No attribution: the tracer did not run (`collector run "
		                         "--no-trace`, or eBPF unavailable).");
	return 0;
}
