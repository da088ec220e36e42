/* The report's model: the cells of every results directory grouped per benchmark, and what the
 * figures and tables compute from them (medians, overheads against native, roles in order). */
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "report/internal.h"
#include "results/results.h"
#include "tracer/roles.h"

char *report_safe_name(char *s)
{
	for (char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			*p = '_';
	return s;
}

char *report_dir_label(const char *dir)
{
	cleanup_free char *copy = xstrdup(dir);
	size_t len = strlen(copy);
	char *base, *label;

	while (len > 1 && copy[len - 1] == '/')
		copy[--len] = 0;
	base = strrchr(copy, '/');
	base = base && base[1] ? base + 1 : copy;
	label = xstrdup(base);
	return report_safe_name(label);
}

int report_same_family(const char *first, const char *fig)
{
	const char *us = strrchr(first, '_');
	size_t len;

	if (!strcmp(first, fig))
		return 1;
	if (us == NULL)
		return 0;
	len = (size_t)(us - first) + 1;
	return strncmp(first, fig, len) == 0 && strchr(fig + len, '_') == NULL;
}

int report_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double report_median(double *values, size_t n)
{
	if (n == 0)
		return NAN;
	qsort(values, n, sizeof(*values), report_cmp_double);
	return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int report_model_load(struct report *r, const char *const *dirs, size_t n, assay_error_t *err)
{
	struct membuf labels = {0};
	bool first = true;

	r->ndirs = n;
	r->dirs = xcalloc(n, sizeof(*r->dirs));
	for (size_t d = 0; d < n; d++) {
		cleanup_free char *json = xasprintf("%s/" RESULTS_JSON, dirs[d]);

		r->dirs[d].path = xstrdup(dirs[d]);
		r->dirs[d].label = report_dir_label(dirs[d]);
		for (size_t e = 0; e < d; e++) {
			if (!strcmp(r->dirs[e].label, r->dirs[d].label)) {
				char *l = xasprintf("%s-%zu", r->dirs[d].label, d + 1);

				free(r->dirs[d].label);
				r->dirs[d].label = l;
			}
		}
		if (results_load(json, &r->dirs[d].root, err) < 0)
			return -1;
	}
	report_membuf_open(&labels);
	for (size_t d = 0; d < n && n > 1; d++)
		report_words_add(labels.f, &first, r->dirs[d].label);
	report_membuf_text(&labels);
	r->labels = steal_pointer(&labels.buf);
	return 0;
}

static struct rbench *bench_get(struct report *r, const char *name)
{
	for (size_t i = 0; i < r->nbenches; i++)
		if (!strcmp(r->benches[i].name, name))
			return &r->benches[i];
	r->benches = xrealloc(r->benches, (r->nbenches + 1) * sizeof(*r->benches));
	memset(&r->benches[r->nbenches], 0, sizeof(*r->benches));
	r->benches[r->nbenches].name = name;
	return &r->benches[r->nbenches++];
}

static void bench_add_fig(struct rbench *b, const char *name, json_t *stats)
{
	const char *unit = jstr(stats, "unit"), *better = jstr(stats, "better");

	for (size_t i = 0; i < b->nfigs; i++)
		if (!strcmp(b->figs[i].name, name))
			return;
	b->figs = xrealloc(b->figs, (b->nfigs + 1) * sizeof(*b->figs));
	b->figs[b->nfigs].name = name;
	b->figs[b->nfigs].unit = unit && *unit ? unit : "1";
	b->figs[b->nfigs].better = better && *better ? better : "lower";
	b->figs[b->nfigs].headline = b->nfigs == 0 || report_same_family(b->figs[0].name, name);
	b->nfigs++;
}

static bool cell_is(json_t *cell, const char *target, const char *benchmark)
{
	const char *t = jstr(cell, "target"), *b = jstr(cell, "benchmark");

	return !strcmp(t ? t : "", target) && !strcmp(b ? b : "", benchmark);
}

/* The first cell of directory d for target × benchmark b, added to b. */
static void bench_add_cell(struct report *r, struct rbench *b, const char *target, size_t d)
{
	size_t i;
	json_t *cell, *stats;
	const char *fig;
	struct rcell *c;

	json_array_foreach(json_object_get(r->dirs[d].root, "cells"), i, cell)
	{
		if (!cell_is(cell, target, b->name))
			continue;
		b->cells = xrealloc(b->cells, (b->ncells + 1) * sizeof(*b->cells));
		c = &b->cells[b->ncells++];
		c->cell = cell;
		c->dir = d;
		c->target = target;
		c->name =
		    r->ndirs > 1 ? xasprintf("%s@%s", target, r->dirs[d].label) : xstrdup(target);
		json_object_foreach(json_object_get(cell, "summary"), fig, stats)
		{
			bench_add_fig(b, fig, stats);
		}
		return;
	}
}

void report_model_build(struct report *r)
{
	cleanup_free const char **targets = NULL;
	size_t ntargets = 0;

	for (size_t d = 0; d < r->ndirs; d++) {
		size_t i;
		json_t *cell;

		json_array_foreach(json_object_get(r->dirs[d].root, "cells"), i, cell)
		{
			const char *t = jstr(cell, "target"), *b = jstr(cell, "benchmark");
			size_t k;

			if (t == NULL || b == NULL)
				continue;
			bench_get(r, b);
			for (k = 0; k < ntargets && strcmp(targets[k], t); k++)
				;
			if (k == ntargets) {
				targets = xrealloc(targets, (ntargets + 1) * sizeof(*targets));
				targets[ntargets++] = t;
			}
		}
	}
	for (size_t bi = 0; bi < r->nbenches; bi++)
		for (size_t t = 0; t < ntargets; t++)
			for (size_t d = 0; d < r->ndirs; d++)
				bench_add_cell(r, &r->benches[bi], targets[t], d);
}

void report_model_release(struct report *r)
{
	for (size_t bi = 0; bi < r->nbenches; bi++) {
		for (size_t i = 0; i < r->benches[bi].ncells; i++)
			free(r->benches[bi].cells[i].name);
		free(r->benches[bi].cells);
		free(r->benches[bi].figs);
	}
	free(r->benches);
	for (size_t d = 0; d < r->ndirs; d++) {
		free(r->dirs[d].path);
		free(r->dirs[d].label);
		json_decref(r->dirs[d].root);
	}
	free(r->dirs);
	free(r->labels);
	free(r->rcolors);
	free(r->adir);
	free(r->gnuplot);
}

double report_native_median(const struct rbench *b, const struct rcell *c, const char *fig)
{
	for (size_t i = 0; i < b->ncells; i++)
		if (b->cells[i].dir == c->dir && !strcmp(b->cells[i].target, "native"))
			return cstat(b->cells[i].cell, fig, "median");
	return NAN;
}

double report_overhead(const struct rbench *b, const struct rcell *c, const struct rfig *f)
{
	double m = cstat(c->cell, f->name, "median"), nat = report_native_median(b, c, f->name);

	if (!isfinite(m) || !isfinite(nat) || m <= 0 || nat <= 0)
		return NAN;
	return !strcmp(f->better, "higher") ? nat / m : m / nat;
}

int report_vs_native(const struct rbench *b, const struct rcell *c, const char *fig,
                     struct results_cmp *out)
{
	for (size_t i = 0; i < b->ncells; i++)
		if (b->cells[i].dir == c->dir && !strcmp(b->cells[i].target, "native") &&
		    &b->cells[i] != c)
			return results_compare_cells(c->cell, b->cells[i].cell, fig, out);
	return -1;
}

const struct rcell *report_baseline_cell(const struct rbench *b, const struct rcell *c)
{
	if (c->dir == 0)
		return NULL;
	for (size_t i = 0; i < b->ncells; i++)
		if (b->cells[i].dir == 0 && !strcmp(b->cells[i].target, c->target))
			return &b->cells[i];
	return NULL;
}

bool report_clearly_best(const struct rbench *b, size_t i, const char *fig)
{
	size_t others = 0;

	for (size_t k = 0; k < b->ncells; k++) {
		struct results_cmp cmp;

		if (k == i || !isfinite(cstat(b->cells[k].cell, fig, "median")))
			continue;
		others++;
		if (results_compare_cells(b->cells[i].cell, b->cells[k].cell, fig, &cmp) < 0 ||
		    cmp.verdict != RESULTS_FASTER)
			return false;
	}
	return others > 0;
}

bool report_measured_run(json_t *run)
{
	return !json_is_true(json_object_get(run, "warmup")) &&
	       json_is_object(json_object_get(run, "figures"));
}

json_t *report_cell_names(const struct report *r, bool with_native)
{
	json_t *names = json_array(), *v;
	size_t k;

	for (size_t bi = 0; bi < r->nbenches; bi++)
		for (size_t i = 0; i < r->benches[bi].ncells; i++) {
			const char *n = r->benches[bi].cells[i].name;
			bool seen = false;

			json_array_foreach(names, k, v)
			{
				seen = seen || !strcmp(json_string_value(v), n);
			}
			if (!seen &&
			    (with_native || strcmp(r->benches[bi].cells[i].target, "native")))
				json_array_append_new(names, json_string(n));
		}
	return names;
}

json_t *report_roles_ordered(json_t *seen)
{
	size_t n;
	const struct tracer_role *roles = tracer_roles(&n);
	json_t *out = json_array(), *v;
	const char *role;

	for (size_t i = 0; i < n; i++)
		if (json_object_get(seen, roles[i].name))
			json_array_append_new(out, json_string(roles[i].name));
	json_object_foreach(seen, role, v)
	{
		if (tracer_role_by_name(role) == NULL)
			json_array_append_new(out, json_string(role));
	}
	return out;
}
