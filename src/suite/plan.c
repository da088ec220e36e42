/* The plan of a loaded suite: its steps in execution order, its size, and a time estimate. */
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "suite/suite.h"

struct suite_step *suite_plan(const struct suite *s, size_t *n)
{
	struct suite_step *steps = xcalloc(suite_runs(s) + 1, sizeof(*steps));
	size_t k = 0;

	for (size_t b = 0; b < s->n_benches; b++) {
		unsigned rounds = s->benches[b].warmup + s->benches[b].runs;

		if (s->order == SUITE_ORDER_INTERLEAVED) {
			for (unsigned r = 0; r < rounds; r++)
				for (size_t t = 0; t < s->n_targets; t++)
					steps[k++] =
					    (struct suite_step){t, b, r, r < s->benches[b].warmup};
		} else {
			for (size_t t = 0; t < s->n_targets; t++)
				for (unsigned r = 0; r < rounds; r++)
					steps[k++] =
					    (struct suite_step){t, b, r, r < s->benches[b].warmup};
		}
	}
	*n = k;
	return steps;
}

size_t suite_cells(const struct suite *s)
{
	return s->n_targets * s->n_benches;
}

size_t suite_runs(const struct suite *s)
{
	size_t n = 0;

	for (size_t b = 0; b < s->n_benches; b++)
		n += (size_t)(s->benches[b].warmup + s->benches[b].runs) * s->n_targets;
	return n;
}

/* A parameter's value as a number: the suite's, else the benchmark's default, else 0. */
static double param_num(const struct suite_bench *b, const char *name)
{
	const char *v = json_string_value(json_object_get(b->params, name));
	const struct benchmark_param *p = v ? NULL : benchmarks_param(b->def, name);
	char *end;
	double d;

	if (v == NULL && p)
		v = p->def;
	if (v == NULL)
		return 0;
	d = strtod(v, &end);
	switch (*end) {
	case 'K':
	case 'k':
		d *= 1024;
		break;
	case 'M':
	case 'm':
		d *= 1024 * 1024;
		break;
	case 'G':
	case 'g':
		d *= 1024.0 * 1024 * 1024;
		break;
	case 'T':
	case 't':
		d *= 1024.0 * 1024 * 1024 * 1024;
		break;
	}
	return d;
}

static double list_len(const struct suite_bench *b, const char *name)
{
	const char *v = json_string_value(json_object_get(b->params, name));
	double n = v && *v ? 1 : 0;

	for (; v && *v; v++)
		n += *v == ',';
	return n;
}

/* Seconds a launch costs on top of the work, from the targets table (measured by hand here,
 * see docs/cri.md); unknown runtimes are taken as runc-like. */
static double launch_s(const struct suite_target *t)
{
	bool gvisor = t->runtime && !strcmp(t->runtime, "runsc");

	return gvisor ? t->type->gvisor_launch_s : t->type->launch_s;
}

double suite_estimate_s(const struct suite *s)
{
	double total = 0;

	for (size_t b = 0; b < s->n_benches; b++) {
		const struct suite_bench *sb = &s->benches[b];
		double time = param_num(sb, "time"), work;

		work = time > 0 ? time : param_num(sb, "events") * sb->def->event_s;
		if (sb->def->est_list)
			work +=
			    list_len(sb, sb->def->est_list) * param_num(sb, sb->def->est_item_time);
		work += param_num(sb, "warmup-time");
		if (sb->def->scratch) /* prepare: write the files at ~500 MiB/s */
			work += param_num(sb, "file-total-size") / (500.0 * 1024 * 1024);
		/* a CFS quota stretches the work by period/quota */
		if (param_num(sb, "quota") > 0 && param_num(sb, "period") > 0)
			work *= param_num(sb, "period") / param_num(sb, "quota");
		if (work == 0) /* memory tests bounded by size: ~30 GiB/s */
			work = param_num(sb, "memory-total-size") / (30.0 * 1024 * 1024 * 1024);
		for (size_t t = 0; t < s->n_targets; t++) {
			double launch = launch_s(&s->targets[t]);

			/* the CRI-only kinds are skipped at once on other targets */
			if (benchmarks_kind_needs_cri(sb->def->kind) &&
			    s->targets[t].type->ops->cri_endpoint == NULL)
				continue;

			/* scalability: every pod is started and destroyed (measured here:
			 * about 0.6 launches per pod, all told) */
			total += (sb->warmup + sb->runs) *
			         (work + launch * (1 + 0.6 * param_num(sb, "pods")));
		}
	}
	return total;
}
