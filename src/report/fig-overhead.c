/* Overhead at a glance: the overhead figure (overhead.gp: per headline figure of every benchmark,
 * how many times costlier than native each target is), a table per target of those overheads'
 * geometric mean, worst and best, and the warning where reading the clock is dear. */
#include <string.h>

#include "lib/json.h"
#include "lib/util.h"
#include "report/internal.h"

/* Columns of the overhead figure: every non-native shown target with an overhead somewhere. */
static size_t overhead_columns(struct report *r, const char ***cols)
{
	size_t ncols = 0;

	for (size_t bi = 0; bi < r->nbenches; bi++) {
		struct rbench *b = &r->benches[bi];

		for (size_t i = 0; i < b->ncells; i++) {
			size_t k;
			bool any = false;

			if (!strcmp(b->cells[i].target, "native"))
				continue;
			for (size_t j = 0; j < b->nfigs; j++)
				any =
				    any || isfinite(report_overhead(b, &b->cells[i], &b->figs[j]));
			for (k = 0; k < ncols && strcmp((*cols)[k], b->cells[i].name); k++)
				;
			if (any && k == ncols) {
				*cols = xrealloc(*cols, (ncols + 1) * sizeof(**cols));
				(*cols)[ncols++] = b->cells[i].name;
			}
		}
	}
	return ncols;
}

static int fig_overhead(struct report *r, FILE *page, assay_error_t *err)
{
	const char *name = "overhead";
	cleanup_free const char **cols = NULL;
	size_t ncols = overhead_columns(r, &cols), nrows = 0;
	cleanup_membuf struct membuf data = {0}, targets = {0}, vars = {0};
	bool first = true;

	if (ncols == 0) {
		report_absent_html(
		    page, "No overhead figure: the results hold no native baseline next to "
		          "another target (add `native` to the suite's targets).");
		return 0;
	}
	report_membuf_open(&data);
	report_membuf_open(&targets);
	fputs("# figure", data.f);
	for (size_t k = 0; k < ncols; k++) {
		fprintf(data.f, "\t%s", cols[k]);
		report_words_add(targets.f, &first, cols[k]);
	}
	for (size_t k = 0; k < ncols; k++)
		fprintf(data.f, "\t%s:low\t%s:high", cols[k], cols[k]);
	fputc('\n', data.f);
	for (size_t bi = 0; bi < r->nbenches; bi++) {
		struct rbench *b = &r->benches[bi];
		const char *shortname = strchr(b->name, '.') ? strchr(b->name, '.') + 1 : b->name;

		for (size_t j = 0; j < b->nfigs; j++) {
			if (!b->figs[j].headline)
				continue;
			double lo[ncols], hi[ncols];

			fprintf(data.f, "%s %s", shortname, b->figs[j].name);
			for (size_t k = 0; k < ncols; k++) {
				double v = NAN;

				lo[k] = hi[k] = NAN;
				for (size_t i = 0; i < b->ncells; i++) {
					struct results_cmp cmp;

					if (strcmp(b->cells[i].name, cols[k]))
						continue;
					v = report_overhead(b, &b->cells[i], &b->figs[j]);
					if (report_vs_native(b, &b->cells[i], b->figs[j].name,
					                     &cmp) == 0) {
						lo[k] = cmp.cost_low;
						hi[k] = cmp.cost_high;
					}
				}
				report_tsv_num(data.f, v);
			}
			for (size_t k = 0; k < ncols; k++) {
				report_tsv_num(data.f, lo[k]);
				report_tsv_num(data.f, hi[k]);
			}
			fputc('\n', data.f);
			nrows++;
		}
	}
	report_membuf_open(&vars);
	report_gp_var(vars.f, "targets", report_membuf_text(&targets));
	/* (no headline row: the data is still written, nothing is drawn) */
	if ((nrows ? report_plot(r, "overhead", name, &data, &vars, err)
	           : report_write_data(r, name, &data, err)) < 0)
		return -1;
	report_figure_html(page, name, "overhead vs native",
	                   "How many times costlier than native each target is for every "
	                   "benchmark's headline figures (log scale; 1 = native speed, whatever "
	                   "the unit); whiskers: the 95% interval of that ratio (bootstrap of the "
	                   "runs); a bar whose whisker crosses 1 is no finding.");
	return 0;
}

/* The overheads of one shown target over every headline figure. */
struct glance {
	double logsum, worst, best;
	const char *wb, *wf, *bb, *bf; /* benchmark and figure of the worst and the best */
	size_t count, total;
};

static void glance_of(struct report *r, const char *n, struct glance *g)
{
	*g = (struct glance){.worst = NAN, .best = NAN};
	for (size_t bi = 0; bi < r->nbenches; bi++) {
		struct rbench *b = &r->benches[bi];

		for (size_t i = 0; i < b->ncells; i++) {
			if (strcmp(b->cells[i].name, n))
				continue;
			for (size_t j = 0; j < b->nfigs; j++) {
				double ov;

				if (!b->figs[j].headline)
					continue;
				g->total++;
				ov = report_overhead(b, &b->cells[i], &b->figs[j]);
				if (!isfinite(ov))
					continue;
				g->count++;
				g->logsum += log(ov);
				if (!(ov <= g->worst)) {
					g->worst = ov;
					g->wb = b->name;
					g->wf = b->figs[j].name;
				}
				if (!(ov >= g->best)) {
					g->best = ov;
					g->bb = b->name;
					g->bf = b->figs[j].name;
				}
			}
		}
	}
}

/* One line per non-native target over every headline figure: the geometric mean of its
 * overheads (the fair average of ratios), the worst figure and how many were measured. */
static void page_glance(struct report *r, FILE *f)
{
	cleanup_json json_t *names = report_cell_names(r, false);
	json_t *v;
	size_t k;

	fputs(
	    "<div class=\"scroll\"><table class=\"summary\">\n<tr><th>target</th><th>geometric "
	    "mean overhead<br><span class=\"unit\">headline figures, × native</span></th><th>worst"
	    "</th><th>best</th><th>figures measured</th></tr>\n",
	    f);
	json_array_foreach(names, k, v)
	{
		struct glance g;

		glance_of(r, json_string_value(v), &g);
		fputs("<tr><th>", f);
		report_html_escape(f, json_string_value(v));
		fputs("</th>", f);
		if (g.count == 0) {
			fprintf(f,
			        "<td class=\"na\">–</td><td class=\"na\">–</td><td "
			        "class=\"na\">–</td><td>0 of %zu</td></tr>\n",
			        g.total);
			continue;
		}
		fprintf(f, "<td><b>×%.2f</b></td><td>×%.2f <span class=\"spread\">",
		        exp(g.logsum / (double)g.count), g.worst);
		report_html_escape(f, g.wb);
		fputs(" ", f);
		report_html_escape(f, g.wf);
		fprintf(f, "</span></td><td>×%.2f <span class=\"spread\">", g.best);
		report_html_escape(f, g.bb);
		fputs(" ", f);
		report_html_escape(f, g.bf);
		fprintf(f, "</span></td><td>%zu of %zu</td></tr>\n", g.count, g.total);
	}
	fputs("</table></div>\n", f);
}

/* Targets where reading the clock is dear (the syscall benchmark's clock_gettime above 1 µs:
 * the vDSO falling back to a trapped system call, as gVisor's does here): every figure timed per
 * event pays two clock reads per event, which the page says next to the overview. */
static void page_clock_caveat(struct report *r, FILE *f)
{
	for (size_t bi = 0; bi < r->nbenches; bi++) {
		struct rbench *b = &r->benches[bi];

		if (strcmp(b->name, "performance.syscall"))
			continue;
		for (size_t i = 0; i < b->ncells; i++) {
			double ns = cstat(b->cells[i].cell, "ns_per_call_clock_gettime", "median");
			double nat =
			    report_native_median(b, &b->cells[i], "ns_per_call_clock_gettime");

			if (!isfinite(ns) || ns < 1000)
				continue;
			fputs("<p class=\"warn\">On <b>", f);
			report_html_escape(f, b->cells[i].name);
			fprintf(f, "</b> reading the clock costs %.1f µs (clock_gettime, median",
			        ns / 1000);
			if (isfinite(nat))
				fprintf(f, "; native %.0f ns", nat);
			fputs(
			    "): the vDSO falls back to a trapped system call. Benchmarks that time "
			    "every event (<code>time-batch</code> 1, as sysbench) pay two clock "
			    "reads "
			    "per event there, so their memory figures (one event per 1 KiB block) "
			    "measure mostly clock reads, not memory; batched events (the default "
			    "suite's memory, disk and cpu) and memlat's 10 ms events are barely "
			    "touched.</p>\n",
			    f);
		}
	}
}

int report_fig_overview(struct report *r, FILE *page, assay_error_t *err)
{
	if (fig_overhead(r, page, err) < 0)
		return -1;
	page_glance(r, page);
	page_clock_caveat(r, page);
	return 0;
}
