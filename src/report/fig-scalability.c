/* scalability.FAMILY (scalability.gp): benchmarks scalability.FAMILY.N as one figure, a panel
 * per figure against the number of pods N, a line per target. */
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/util.h"
#include "report/internal.h"

/* Trailing integer of a dotted name ("scalability.runtime.50" → 50), -1 when none. */
static long trailing_number(const char *s, size_t *prefix_len)
{
	const char *dot = strrchr(s, '.');
	char *end;
	long v;

	if (dot == NULL || !dot[1])
		return -1;
	v = strtol(dot + 1, &end, 10);
	if (*end || v < 0)
		return -1;
	*prefix_len = (size_t)(dot - s);
	return v;
}

/* The points of every benchmark family.N: a series per figure × target. */
static void family_series(struct report *r, const char *family, struct series **s, size_t *ns)
{
	for (size_t bi = 0; bi < r->nbenches; bi++) {
		struct rbench *b = &r->benches[bi];
		size_t plen;
		long nn = trailing_number(b->name, &plen);

		if (nn < 0 || plen != strlen(family) || strncmp(b->name, family, plen))
			continue;
		for (size_t j = 0; j < b->nfigs; j++) {
			for (size_t i = 0; i < b->ncells; i++) {
				const char *fig = b->figs[j].name;
				double m = cstat(b->cells[i].cell, fig, "median");

				if (isfinite(m))
					report_series_add(
					    report_series_get(s, ns, fig, b->cells[i].name),
					    (double)nn, m, cstat(b->cells[i].cell, fig, "p5"),
					    cstat(b->cells[i].cell, fig, "p95"));
			}
		}
	}
}

/* The unit of each panel, in panel order: that of the first benchmark of the family having the
 * figure. */
static void family_units(struct report *r, const char *family, struct series *s, size_t ns,
                         FILE *units)
{
	bool first = true;

	for (size_t i = 0; i < ns; i++) {
		bool again = false;

		for (size_t j = 0; j < i; j++)
			again = again || !strcmp(s[j].panel, s[i].panel);
		if (again)
			continue;
		for (size_t bi = 0; bi < r->nbenches && !again; bi++)
			for (size_t j = 0; j < r->benches[bi].nfigs && !again; j++)
				if (!strcmp(r->benches[bi].figs[j].name, s[i].panel) &&
				    !strncmp(r->benches[bi].name, family, strlen(family))) {
					report_words_add(units, &first,
					                 r->benches[bi].figs[j].unit);
					again = true;
				}
	}
}

static int fig_family(struct report *r, const char *family, FILE *page, assay_error_t *err)
{
	struct series *s = NULL;
	size_t ns = 0;
	cleanup_membuf struct membuf data = {0}, vars = {0}, units = {0};

	family_series(r, family, &s, &ns);
	if (ns == 0)
		return 0;
	report_membuf_open(&data);
	report_membuf_open(&vars);
	report_membuf_open(&units);
	fputs("# one block per figure x target (see pfirst/pcount): N, median, p5, p95\n", data.f);
	report_series_write(s, ns, 4, data.f, vars.f, "figs");
	family_units(r, family, s, ns, units.f);
	report_gp_var(vars.f, "units", report_membuf_text(&units));
	report_gp_var(vars.f, "title", family);
	report_series_free(s, ns);
	return report_draw(r, "scalability", family, &data, &vars, page, family,
	                   "Each figure against the number of pods N, median and p5–p95 per "
	                   "target.",
	                   err);
}

int report_fig_scalability(struct report *r, FILE *page, assay_error_t *err)
{
	cleanup_json json_t *families = json_array();
	size_t k;
	json_t *fam;

	for (size_t bi = 0; bi < r->nbenches; bi++) {
		size_t plen;
		bool seen = false;

		if (strncmp(r->benches[bi].name, "scalability.", 12) ||
		    trailing_number(r->benches[bi].name, &plen) < 0)
			continue;
		json_array_foreach(families, k, fam)
		{
			seen =
			    seen || (strlen(json_string_value(fam)) == plen &&
			             !strncmp(json_string_value(fam), r->benches[bi].name, plen));
		}
		if (!seen)
			json_array_append_new(families, json_stringn(r->benches[bi].name, plen));
	}
	json_array_foreach(families, k, fam)
	{
		if (fig_family(r, json_string_value(fam), page, err) < 0)
			return -1;
	}
	if (json_array_size(families) == 0)
		report_absent_html(page, "No scalability results here (benchmarks scalability.*.N, "
		                         "e.g. suites/scalability.yaml).");
	return 0;
}
