/* bars-BENCHMARK (bars.gp): a panel per figure of the benchmark, a bar per target at the median
 * with p5–p95 whiskers and the native median dashed; its data is summary.tsv's rows. */
#include <string.h>

#include "lib/util.h"
#include "report/internal.h"

#define SUMMARY_HEADER                                                                             \
	"# "                                                                                       \
	"target\tbenchmark\tfigure\tunit\tbetter\tstatus\tn\tmedian\tmin\tmax\tp5\tp95\tci_"       \
	"low\tci_"                                                                                 \
	"high\tci_level\tnative_median\tratio\toverhead\n"

static void summary_row(FILE *f, const struct rbench *b, const struct rcell *c,
                        const struct rfig *fig)
{
	static const char *const stats[] = {"median", "min",    "max",     "p5",
	                                    "p95",    "ci_low", "ci_high", "ci_level"};
	double n = cstat(c->cell, fig->name, "n"), med = cstat(c->cell, fig->name, "median");
	double nat = report_native_median(b, c, fig->name);
	const char *st = jstr(c->cell, "status");

	fprintf(f, "%s\t%s\t%s\t%s\t%s\t%s\t%.0f", c->name, b->name, fig->name, fig->unit,
	        fig->better, st ? st : "pending", isfinite(n) ? n : 0);
	for (size_t k = 0; k < sizeof(stats) / sizeof(stats[0]); k++)
		report_tsv_num(f, cstat(c->cell, fig->name, stats[k]));
	report_tsv_num(f, nat);
	report_tsv_num(f, isfinite(med) && isfinite(nat) && nat != 0 ? med / nat : NAN);
	report_tsv_num(f, report_overhead(b, c, fig));
	fputc('\n', f);
}

int report_fig_bars(struct report *r, const struct rbench *b, FILE *page, assay_error_t *err)
{
	cleanup_free char *name = xasprintf("bars-%s", b->name);
	cleanup_membuf struct membuf data = {0}, vars = {0}, figs = {0}, units = {0}, betters = {0};
	bool f1 = true, f2 = true, f3 = true;
	size_t tlen = 0;

	if (b->nfigs == 0 || b->ncells == 0) {
		report_absent_html(page, "Nothing measured for this benchmark: no figure.");
		return 0;
	}
	report_membuf_open(&data);
	report_membuf_open(&figs);
	report_membuf_open(&units);
	report_membuf_open(&betters);
	fputs(SUMMARY_HEADER, data.f);
	for (size_t j = 0; j < b->nfigs; j++) {
		if (j)
			fputs("\n\n", data.f);
		for (size_t i = 0; i < b->ncells; i++)
			summary_row(data.f, b, &b->cells[i], &b->figs[j]);
		report_words_add(figs.f, &f1, b->figs[j].name);
		report_words_add(units.f, &f2, b->figs[j].unit);
		report_words_add(betters.f, &f3, b->figs[j].better);
	}
	report_membuf_open(&vars);
	for (size_t i = 0; i < b->ncells; i++)
		tlen = strlen(b->cells[i].name) > tlen ? strlen(b->cells[i].name) : tlen;
	fprintf(vars.f, "tlen=%zu; ", tlen);
	report_gp_var(vars.f, "title", b->name);
	report_gp_var(vars.f, "figs", report_membuf_text(&figs));
	report_gp_var(vars.f, "units", report_membuf_text(&units));
	report_gp_var(vars.f, "betters", report_membuf_text(&betters));
	return report_draw(r, "bars", name, &data, &vars, page, b->name,
	                   "Median of the measured runs per target, error bars p5–p95; dashed: the "
	                   "native median.",
	                   err);
}
