/* Points of the line figures (lifecycle CDFs, scalability, limits): one series per panel × cell,
 * written as gnuplot blocks with the lists that tell the scripts which block is which. */
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "report/internal.h"

struct series *report_series_get(struct series **s, size_t *n, const char *panel, const char *cell)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*s)[i].panel, panel) && !strcmp((*s)[i].cell, cell))
			return &(*s)[i];
	*s = xrealloc(*s, (*n + 1) * sizeof(**s));
	(*s)[*n] = (struct series){.panel = xstrdup(panel), .cell = cell};
	return &(*s)[(*n)++];
}

void report_series_add(struct series *s, double x, double m, double p5, double p95)
{
	s->pts = xrealloc(s->pts, (s->npts + 1) * sizeof(*s->pts));
	s->pts[s->npts][0] = x;
	s->pts[s->npts][1] = m;
	s->pts[s->npts][2] = p5;
	s->pts[s->npts][3] = p95;
	s->npts++;
}

void report_series_free(struct series *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].panel);
		free(s[i].pts);
	}
	free(s);
}

void report_series_block(FILE *data, struct series *s, size_t ncol, bool first)
{
	qsort(s->pts, s->npts, sizeof(*s->pts), report_cmp_double);
	if (!first)
		fputs("\n\n", data);
	for (size_t p = 0; p < s->npts; p++) {
		fprintf(data, "%.10g", s->pts[p][0]);
		for (size_t c = 1; c < ncol; c++)
			report_tsv_num(data, s->pts[p][c]);
		fputc('\n', data);
	}
}

void report_series_write(struct series *s, size_t n, size_t ncol, FILE *data, FILE *vars,
                         const char *panels_var)
{
	cleanup_membuf struct membuf panels = {0}, pfirst = {0}, pcount = {0}, bt = {0};
	bool f1 = true, f2 = true, f3 = true, f4 = true;
	bool done[n ? n : 1];
	size_t block = 0;

	memset(done, 0, sizeof(done));
	report_membuf_open(&panels);
	report_membuf_open(&pfirst);
	report_membuf_open(&pcount);
	report_membuf_open(&bt);
	for (size_t i = 0; i < n; i++) {
		size_t count = 0;
		char num[32];

		if (done[i])
			continue;
		snprintf(num, sizeof(num), "%zu", block);
		report_words_add(pfirst.f, &f2, num);
		report_words_add(panels.f, &f1, s[i].panel);
		for (size_t j = i; j < n; j++) {
			if (done[j] || strcmp(s[j].panel, s[i].panel))
				continue;
			done[j] = true;
			report_series_block(data, &s[j], ncol, block == 0);
			report_words_add(bt.f, &f4, s[j].cell);
			block++;
			count++;
		}
		snprintf(num, sizeof(num), "%zu", count);
		report_words_add(pcount.f, &f3, num);
	}
	report_gp_var(vars, panels_var, report_membuf_text(&panels));
	report_gp_var(vars, "pfirst", report_membuf_text(&pfirst));
	report_gp_var(vars, "pcount", report_membuf_text(&pcount));
	report_gp_var(vars, "btargets", report_membuf_text(&bt));
}
