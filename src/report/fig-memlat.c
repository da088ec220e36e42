/* memlat (memlat.gp): the ns_per_load_<bytes> figures of every cell, as one line per target
 * against the working-set size. */
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"

/* One block of data for a cell: its ns_per_load_<bytes> medians; how many rows it wrote. */
static size_t memlat_block(FILE *data, const struct rbench *b, const struct rcell *c, bool first)
{
	size_t rows = 0;

	for (size_t j = 0; j < b->nfigs; j++) {
		const char *fig = b->figs[j].name;
		double med = cstat(c->cell, fig, "median");
		char *end;
		unsigned long long bytes;

		if (strncmp(fig, "ns_per_load_", 12) || !isfinite(med))
			continue;
		bytes = strtoull(fig + 12, &end, 10);
		if (*end || bytes == 0)
			continue;
		if (rows == 0 && !first)
			fputs("\n\n", data);
		fprintf(data, "%llu", bytes);
		report_tsv_num(data, med);
		report_tsv_num(data, cstat(c->cell, fig, "p5"));
		report_tsv_num(data, cstat(c->cell, fig, "p95"));
		fputc('\n', data);
		rows++;
	}
	return rows;
}

int report_fig_memlat(struct report *r, FILE *page, assay_error_t *err)
{
	const char *name = "memlat";
	cleanup_membuf struct membuf data = {0}, targets = {0}, vars = {0};
	bool first = true;
	size_t blocks = 0;

	report_membuf_open(&data);
	report_membuf_open(&targets);
	fputs("# one block per target: working-set bytes, median, p5, p95 (ns per load)\n", data.f);
	for (size_t bi = 0; bi < r->nbenches; bi++) {
		struct rbench *b = &r->benches[bi];

		for (size_t i = 0; i < b->ncells; i++) {
			if (memlat_block(data.f, b, &b->cells[i], blocks == 0) == 0)
				continue;
			blocks++;
			report_words_add(targets.f, &first, b->cells[i].name);
		}
	}
	if (blocks == 0) {
		report_absent_html(page,
		                   "No memory-latency figure: no performance.memlat results here.");
		return 0;
	}
	report_membuf_open(&vars);
	report_gp_var(vars.f, "targets", report_membuf_text(&targets));
	return report_draw(
	    r, "memlat", name, &data, &vars, page, "memory latency vs working-set size",
	    "Nanoseconds per dependent load against working-set size (log–log), "
	    "median and p5–p95 per target: the steps are the caches and main memory.",
	    err);
}
