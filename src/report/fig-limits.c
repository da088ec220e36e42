/* limits.BENCHMARK (limits.gp): the measured CPU share against the requested one, a line per
 * target, the dashed line of a perfectly enforced limit. The figure `share` has x = the cell's
 * quota/period parameters, figures `share_..._N` x = N (limits.cpu.scaling's share_at_55); both
 * in % (a unit other than "%" is a fraction of one CPU). */
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"

/* The requested share of the cell's quota and period parameters, in %; NaN when not given. */
static double requested_share(const struct rcell *c)
{
	double quota = NAN, period = NAN;
	const char *pk;
	json_t *pv;

	json_object_foreach(json_object_get(c->cell, "params"), pk, pv)
	{
		const char *sv = json_string_value(pv);

		if (sv && strstr(pk, "quota"))
			quota = strtod(sv, NULL);
		else if (sv && strstr(pk, "period"))
			period = strtod(sv, NULL);
	}
	return isfinite(quota) && isfinite(period) && period > 0 ? 100 * quota / period : NAN;
}

static void cell_shares(const struct rbench *b, const struct rcell *c, struct series **s,
                        size_t *ns)
{
	double requested = requested_share(c);

	for (size_t j = 0; j < b->nfigs; j++) {
		const char *fig = b->figs[j].name, *us = strrchr(fig, '_');
		double x = requested, scale = strcmp(b->figs[j].unit, "%") ? 100 : 1;
		double m = cstat(c->cell, fig, "median");
		char *end;

		if (strncmp(fig, "share", 5) || !isfinite(m))
			continue;
		if (strcmp(fig, "share")) { /* share_at_55: the step's requested % */
			x = us && us[1] ? strtod(us + 1, &end) : NAN;
			if (!isfinite(x) || *end)
				continue;
		}
		if (!isfinite(x))
			continue;
		report_series_add(report_series_get(s, ns, "share", c->name), x, m * scale,
		                  cstat(c->cell, fig, "p5") * scale,
		                  cstat(c->cell, fig, "p95") * scale);
	}
}

/* Returns 1 when drawn, 0 when the benchmark has no share, <0 on error. */
static int fig_limit(struct report *r, const struct rbench *b, FILE *page, assay_error_t *err)
{
	struct series *s = NULL;
	size_t ns = 0;
	cleanup_membuf struct membuf data = {0}, vars = {0}, targets = {0};
	bool first = true;

	for (size_t i = 0; i < b->ncells; i++)
		cell_shares(b, &b->cells[i], &s, &ns);
	if (ns == 0)
		return 0;
	report_membuf_open(&data);
	report_membuf_open(&targets);
	fputs("# one block per target: requested share %, measured median, p5, p95 (%)\n", data.f);
	for (size_t i = 0; i < ns; i++) {
		report_series_block(data.f, &s[i], 4, i == 0);
		report_words_add(targets.f, &first, s[i].cell);
	}
	report_series_free(s, ns);
	report_membuf_open(&vars);
	report_gp_var(vars.f, "targets", report_membuf_text(&targets));
	report_gp_var(vars.f, "title", b->name);
	if (report_draw(r, "limits", b->name, &data, &vars, page, b->name,
	                "Measured CPU share per requested step (median, p5–p95) against the "
	                "dashed line of a perfectly enforced limit.",
	                err) < 0)
		return -1;
	return 1;
}

int report_fig_limits(struct report *r, FILE *page, assay_error_t *err)
{
	bool any = false;

	for (size_t bi = 0; bi < r->nbenches; bi++) {
		int ret;

		if (strncmp(r->benches[bi].name, "limits.", 7))
			continue;
		ret = fig_limit(r, &r->benches[bi], page, err);
		if (ret < 0)
			return ret;
		any = any || ret > 0;
	}
	if (!any)
		report_absent_html(page,
		                   "No CPU-limit results here (limits.* benchmarks with a measured "
		                   "share, e.g. suites/limits.yaml).");
	return 0;
}
