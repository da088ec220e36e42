/* `collector report`: figures (gnuplot scripts of analysis/, fed with TSV files written here) and
 * an offline HTML page for one or more results directories (see report.h, docs/report.md).
 *
 * Nothing is drawn in C: this module only chooses what to draw, writes each figure's data and
 * calls its script, then lays out the page. A figure whose data is absent (no tracer, no CRI
 * target, no scalability benchmark) is not drawn and the page says why.
 *
 * The page: the run's metadata and the cells that did not run cleanly, then the sections of the
 * figures table below in its order, then the files. */
#include <string.h>
#include <unistd.h>

#include "benchmarks/benchmarks.h"
#include "lib/fs.h"
#include "lib/json.h"
#include "lib/util.h"
#include "report/internal.h"
#include "results/results.h"
#include "version.h"

/* The figures, in page order: each row a section of the page and its entry in the nav, or a
 * part of the section above (no id). The rows drawn per benchmark make one section per
 * benchmark. */
static const struct report_fig figures[] = {
    {.id = "overview", .heading = "Overhead at a glance", .draw = report_fig_overview},
    {.id = "who-pays",
     .heading = "Who pays, per target",
     .unlisted = true,
     .draw = report_fig_attribution_targets},
    {.draw_bench = report_fig_bars},
    {.draw_bench = report_fig_attribution},
    {.id = "memlat", .heading = "Memory latency", .draw = report_fig_memlat},
    {.id = "lifecycle", .heading = "Lifecycle calls", .draw = report_fig_lifecycle},
    {.draw = report_fig_calls},
    {.id = "scalability", .heading = "Scalability", .draw = report_fig_scalability},
    {.id = "sandbox",
     .heading = "gVisor: a sandbox per pod or per container",
     .draw = report_fig_sandbox},
    {.id = "limits", .heading = "CPU limits", .draw = report_fig_limits},
};
#define N_FIGURES (sizeof(figures) / sizeof(figures[0]))

static const char *const css =
    "body{font-family:'DejaVu Sans',Helvetica,Arial,sans-serif;margin:1.5em auto;max-width:1280px;"
    "padding:0 1em;color:#222;line-height:1.4}"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;"
    "margin-top:2em}h3{margin-top:1.5em}"
    "table{border-collapse:collapse;font-size:.88em;margin:.6em 0}"
    "th,td{border:1px solid #ddd;padding:.25em .55em;text-align:right;vertical-align:top}"
    "th{background:#f4f4f4}table.meta td,table.meta th{text-align:left}"
    "tr>th:first-child{text-align:left;white-space:nowrap}"
    ".scroll{overflow-x:auto}.unit{font-weight:normal;color:#666;font-size:.85em}"
    ".spread{color:#777;font-size:.82em}.best{background:#e3f4e3;font-weight:bold}"
    ".ov{font-size:.82em;color:#555}.ov.bad{color:#b00}.ov.good{color:#070}.ov.same{color:#999}"
    ".status{color:#b00;font-weight:bold}.na{color:#aaa;text-align:center}"
    ".absent{color:#777;font-style:italic}.warn{background:#fff4d6;padding:.4em .7em;"
    "border-left:4px solid #e6a700}"
    "figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}"
    "figcaption{font-size:.9em;color:#444}.files{color:#888}"
    "nav ul{columns:3;font-size:.92em}pre{background:#f7f7f7;padding:.6em;overflow-x:auto}"
    "code{background:#f3f3f3;padding:0 .2em}";

/* A section's heading, or its entry in the nav (nav): anchor PREFIX+id, text. */
static void section_html(FILE *f, bool nav, const char *prefix, const char *id, const char *text)
{
	fprintf(f, nav ? "<li><a href=\"#%s" : "<h2 id=\"%s", prefix);
	report_html_escape(f, id);
	fputs("\">", f);
	report_html_escape(f, text);
	fputs(nav ? "</a></li>" : "</h2>\n", f);
}

static void page_meta(struct report *r, FILE *f)
{
	section_html(f, false, "", "meta", "Run");
	report_meta_tables(r, f);
	for (size_t d = 0; d < r->ndirs; d++) {
		json_t *meta = json_object_get(r->dirs[d].root, "meta");
		const char *text = jstr(meta, "suite_text");

		if (json_is_true(json_object_get(meta, "quick")))
			fprintf(
			    f,
			    "<p class=\"warn\">%s%s%sa <code>--quick</code> run: one tiny run per "
			    "cell, a check of the set-up, not a measurement.</p>\n",
			    r->ndirs > 1 ? "<b>" : "", r->ndirs > 1 ? r->dirs[d].label : "",
			    r->ndirs > 1 ? "</b>: " : "");
		if (json_object_get(meta, "finished") == NULL) {
			fputs("<p class=\"warn\">", f);
			report_html_escape(f, r->dirs[d].label);
			fputs(": the suite did not finish (interrupted): the results hold what was "
			      "measured "
			      "until then.</p>\n",
			      f);
		}
		if (text) {
			fputs("<details><summary>suite file", f);
			if (r->ndirs > 1) {
				fputs(" of ", f);
				report_html_escape(f, r->dirs[d].label);
			}
			fputs("</summary><pre>", f);
			report_html_escape(f, text);
			fputs("</pre></details>\n", f);
		}
	}
}

/* Cells that did not run as they should: one line per target × status × reason, listing the
 * benchmarks (a runtime that cannot run here is skipped in every cell for the same reason). */
static void page_problems(struct report *r, FILE *f)
{
	cleanup_json json_t *groups = json_object(); /* "name\tstatus\treason" → [benchmarks] */
	const char *key;
	json_t *list;

	for (size_t bi = 0; bi < r->nbenches; bi++) {
		struct rbench *b = &r->benches[bi];

		for (size_t i = 0; i < b->ncells; i++) {
			const char *st = jstr(b->cells[i].cell, "status"),
			           *why = jstr(b->cells[i].cell, "reason");
			cleanup_free char *k = NULL;

			if (st && !strcmp(st, "ok"))
				continue;
			k = xasprintf("%s\t%s\t%s", b->cells[i].name, st ? st : "?",
			              why ? why : "");
			if (json_object_get(groups, k) == NULL)
				json_object_set_new(groups, k, json_array());
			json_array_append_new(json_object_get(groups, k), json_string(b->name));
		}
	}
	if (json_object_size(groups) == 0)
		return;
	section_html(f, false, "", "problems", "Cells that did not run cleanly");
	fputs("<ul>\n", f);
	json_object_foreach(groups, key, list)
	{
		cleanup_free char *k = xstrdup(key);
		char *status = strchr(k, '\t') + 1, *reason = strchr(status, '\t') + 1;
		size_t i;
		json_t *bn;

		status[-1] = 0;
		reason[-1] = 0;
		fputs("<li><b>", f);
		report_html_escape(f, k);
		fputs("</b>: <span class=\"status\">", f);
		report_html_escape(f, status);
		fputs("</span> (", f);
		json_array_foreach(list, i, bn)
		{
			fputs(i ? ", " : "", f);
			report_html_escape(f, json_string_value(bn));
		}
		fputs(")", f);
		if (*reason) {
			fputs(" — ", f);
			report_html_escape(f, reason);
		}
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

/* Index of the best cell for a figure (highest or lowest median), -1 when none or when it is not
 * significantly better than every other (report_clearly_best). */
static long best_cell(const struct rbench *b, const struct rfig *fig)
{
	long best = -1;
	double bv = NAN;
	bool higher = !strcmp(fig->better, "higher");

	for (size_t i = 0; i < b->ncells; i++) {
		double v = cstat(b->cells[i].cell, fig->name, "median");

		if (!isfinite(v))
			continue;
		if (best < 0 || (higher ? v > bv : v < bv)) {
			best = (long)i;
			bv = v;
		}
	}
	return best >= 0 && report_clearly_best(b, (size_t)best, fig->name) ? best : -1;
}

/* A comparison as the tables show it: ×cost (≈ when its interval holds 1, coloured only when it
 * does not) and the interval; what prefixes it ("", "vs NAME "). */
static void cmp_html(FILE *f, const char *what, const struct results_cmp *c)
{
	bool clear = results_verdict_clear(c->verdict);

	fprintf(f, " <span class=\"ov%s\" title=\"cost %s, 95%% interval of the ratio of medians",
	        !clear ? " same" : (c->cost >= 1.5 ? " bad" : (c->cost <= 1.05 ? " good" : "")),
	        results_verdict_name(c->verdict));
	fprintf(f, " (%s, %zu vs %zu runs)\">", c->from_runs ? "bootstrap" : "summaries", c->na,
	        c->nb);
	report_html_escape(f, what);
	fprintf(f, "%s×%.2f", clear ? "" : "≈", c->cost);
	if (isfinite(c->cost_low) && isfinite(c->cost_high))
		fprintf(f, " <span class=\"spread\">[%.2f–%.2f]</span>", c->cost_low, c->cost_high);
	fputs("</span>", f);
}

/* A cell's row of its benchmark's summary table. */
static void bench_table_row(const struct rbench *b, size_t i, const long *best, FILE *f)
{
	const struct rcell *c = &b->cells[i];
	const char *st = jstr(c->cell, "status");
	double n = NAN;

	for (size_t j = 0; j < b->nfigs && !isfinite(n); j++)
		n = cstat(c->cell, b->figs[j].name, "n");
	fputs("<tr><th>", f);
	report_html_escape(f, c->name);
	fprintf(f, "</th><td>%s", isfinite(n) ? "" : "0");
	if (isfinite(n))
		fprintf(f, "%.0f", n);
	if (st && strcmp(st, "ok")) {
		fputs(" <span class=\"status\" title=\"", f);
		report_html_escape(f, jstr(c->cell, "reason") ? jstr(c->cell, "reason") : "");
		fputs("\">", f);
		report_html_escape(f, st);
		fputs("</span>", f);
	}
	fputs("</td>", f);
	for (size_t j = 0; j < b->nfigs; j++) {
		const char *fig = b->figs[j].name;
		double med = cstat(c->cell, fig, "median");
		const struct rcell *base = report_baseline_cell(b, c);
		struct results_cmp cmp;

		if (!isfinite(med)) {
			fputs("<td class=\"na\">–</td>", f);
			continue;
		}
		fprintf(f, "<td%s>", best[j] == (long)i ? " class=\"best\" title=\"best\"" : "");
		report_fmt_num(f, med);
		if (best[j] == (long)i)
			fputs(" ★", f);
		fputs("<br><span class=\"spread\">", f);
		report_fmt_num(f, cstat(c->cell, fig, "p5"));
		fputs("–", f);
		report_fmt_num(f, cstat(c->cell, fig, "p95"));
		fputs("</span>", f);
		if (strcmp(c->target, "native") && report_vs_native(b, c, fig, &cmp) == 0)
			cmp_html(f, "", &cmp);
		if (base && results_compare_cells(c->cell, base->cell, fig, &cmp) == 0) {
			fputs("<br>", f);
			cmp_html(f, "", &cmp);
			fputs(" <span class=\"spread\">vs ", f);
			report_html_escape(f, base->name);
			fputs("</span>", f);
		}
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
}

/* The start of a benchmark's section: what it measures, its parameters, its summary table. */
static void page_bench_intro(const struct rbench *b, FILE *f)
{
	const struct benchmark *reg = benchmarks_find(b->name);
	json_t *params = b->ncells ? json_object_get(b->cells[0].cell, "params") : NULL;
	long best[b->nfigs ? b->nfigs : 1];

	if (reg || json_object_size(params)) {
		const char *pk;
		json_t *pv;
		bool first = true;

		fputs("<p>", f);
		if (reg)
			report_html_escape(f, reg->description);
		if (json_object_size(params)) {
			fputs(reg ? ". Parameters: <code>" : "Parameters: <code>", f);
			json_object_foreach(params, pk, pv)
			{
				fprintf(f, "%s", first ? "" : " ");
				first = false;
				fputs("--", f);
				report_html_escape(f, pk);
				fputs("=", f);
				report_html_escape(f, json_string_value(pv) ? json_string_value(pv)
				                                            : "?");
			}
			fputs("</code>", f);
		}
		fputs("</p>\n", f);
	}
	for (size_t j = 0; j < b->nfigs; j++)
		best[j] = best_cell(b, &b->figs[j]);
	fputs("<div class=\"scroll\"><table class=\"summary\">\n<tr><th>target</th><th>runs</th>",
	      f);
	for (size_t j = 0; j < b->nfigs; j++) {
		fputs("<th>", f);
		report_html_escape(f, b->figs[j].name);
		fputs("<br><span class=\"unit\">", f);
		report_html_escape(f, b->figs[j].unit);
		fprintf(f, ", %s</span></th>",
		        !strcmp(b->figs[j].better, "higher") ? "higher is better ↑"
		                                             : "lower is better ↓");
	}
	fputs("</tr>\n", f);
	for (size_t i = 0; i < b->ncells; i++)
		bench_table_row(b, i, best, f);
	fputs("</table></div>\n", f);
}

/* The figures table walked: the nav's entries (nav), or the sections, drawn. */
static int page_figures(struct report *r, FILE *f, bool nav, assay_error_t *err)
{
	for (size_t i = 0; i < N_FIGURES; i++) {
		const struct report_fig *fig = &figures[i];
		size_t end = i;

		if (fig->draw_bench == NULL) {
			if (fig->id && !(nav && fig->unlisted))
				section_html(f, nav, "", fig->id, fig->heading);
			if (!nav && fig->draw(r, f, err) < 0)
				return -1;
			continue;
		}
		/* the rows drawn per benchmark: a section per benchmark holding them all */
		while (end < N_FIGURES && figures[end].draw_bench)
			end++;
		for (size_t bi = 0; bi < r->nbenches; bi++) {
			const struct rbench *b = &r->benches[bi];

			section_html(f, nav, "b-", b->name, b->name);
			if (nav)
				continue;
			page_bench_intro(b, f);
			for (size_t k = i; k < end; k++)
				if (figures[k].draw_bench(r, b, f, err) < 0)
					return -1;
		}
		i = end - 1;
	}
	return 0;
}

static void page_files(struct report *r, FILE *f)
{
	static const char *const names[] = {RESULTS_JSON, RESULTS_SUMMARY, RESULTS_RUNS,
	                                    RESULTS_ATTRIBUTION};

	section_html(f, false, "", "files", "Files");
	fputs("<ul>\n", f);
	for (size_t d = 0; d < r->ndirs; d++) {
		cleanup_free char *rel = report_relpath(r->out, r->dirs[d].path);

		fputs("<li>", f);
		if (r->ndirs > 1) {
			report_html_escape(f, r->dirs[d].label);
			fputs(": ", f);
		}
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			cleanup_free char *p = xasprintf("%s/%s", r->dirs[d].path, names[k]);

			if (k > 0 && access(p, F_OK) < 0)
				continue; /* attribution.tsv: results of older versions lack it */
			fputs(k ? ", <a href=\"" : "<a href=\"", f);
			if (strcmp(rel, ".")) {
				report_html_escape(f, rel);
				fputc('/', f);
			}
			fprintf(f, "%s\">%s</a>", names[k], names[k]);
		}
		fputs("</li>\n", f);
	}
	fputs("<li>figures: <code>" FIG_DIR "/</code> (SVG and PNG), the data each was drawn from: "
	      "<code>" DATA_DIR "/</code>; the gnuplot scripts: <code>analysis/</code> "
	      "(docs/report.md)</li>\n</ul>\n",
	      f);
}

static void page_head(struct report *r, FILE *f)
{
	json_t *meta0 = json_object_get(r->dirs[0].root, "meta");
	const char *suite = jstr(meta0, "suite"), *host = jstr(meta0, "host");

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">\n<title>assay: ",
	      f);
	report_html_escape(f, suite ? suite : "results");
	if (r->ndirs > 1)
		fputs(" (comparison)", f);
	fprintf(f, "</title>\n<style>%s</style></head><body>\n<h1>assay: ", css);
	if (r->ndirs > 1) {
		fputs("comparison of ", f);
		for (size_t d = 0; d < r->ndirs; d++) {
			fputs(d ? (d + 1 == r->ndirs ? " and " : ", ") : "", f);
			report_html_escape(f, r->dirs[d].label);
		}
	} else {
		fputs("suite ", f);
		report_html_escape(f, suite ? suite : "?");
		if (host) {
			fputs(" on ", f);
			report_html_escape(f, host);
		}
	}
	fputs(
	    "</h1>\n<p>What a container runtime costs next to running natively, and who pays for "
	    "it. Medians of the measured runs (warm-ups excluded); spread is p5–p95; ×N is the "
	    "cost relative to native (1.00 = native; above 1 costs more, whether higher or lower "
	    "is better), with the 95% interval of that ratio (a bootstrap of the runs); ≈ marks a "
	    "ratio whose interval holds 1, a difference the runs cannot tell from noise (never "
	    "coloured); ★ marks the best target of a column only when it is significantly better "
	    "than every other.",
	    f);
	if (r->ndirs > 1)
		fputs(" Targets are named TARGET@DIRECTORY; each directory keeps its own native "
		      "baseline.",
		      f);
	fputs("</p>\n", f);
}

static int write_page(struct report *r, char **index_path, assay_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/index.html", r->out);
	cleanup_membuf struct membuf m = {0};

	report_membuf_open(&m);
	page_head(r, m.f);
	fputs("<nav><ul>", m.f);
	section_html(m.f, true, "", "meta", "Run");
	page_figures(r, m.f, true, NULL); /* (the nav draws nothing: cannot fail) */
	section_html(m.f, true, "", "files", "Files");
	fputs("</ul></nav>\n", m.f);
	page_meta(r, m.f);
	page_problems(r, m.f);
	if (page_figures(r, m.f, false, err) < 0)
		return -1;
	page_files(r, m.f);
	fputs("<p class=\"files\">Written by <code>collector report</code> of assay " ASSAY_VERSION
	      ".</p>\n</body></html>\n",
	      m.f);
	report_membuf_text(&m);
	if (fs_write_atomic(path, m.buf, m.len, err) < 0)
		return -1;
	if (index_path)
		*index_path = steal_pointer(&path);
	return 0;
}

int report_write(const char *const *dirs, size_t n, const char *out_dir, char **index_path,
                 assay_error_t *err)
{
	cleanup_report struct report r = {.out = out_dir};
	cleanup_free char *datadir = NULL;

	if (n == 0)
		return assay_error_usage(err, "report: no results directory given");
	if (report_model_load(&r, dirs, n, err) < 0)
		return -1;
	datadir = xasprintf("%s/" DATA_DIR, out_dir);
	if (fs_mkdir_p(datadir, 0755, err) < 0)
		return -1;
	if (report_gnuplot_init(&r, err) < 0)
		return -1;
	report_model_build(&r);
	return write_page(&r, index_path, err);
}
