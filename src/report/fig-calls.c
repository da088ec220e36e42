/* calls (calls.gp): who pays for each lifecycle call, from the tracer's attribution.phases of
 * every measured run: a panel per target, a stacked bar per call, CPU of each role during it. */
#include <string.h>

#include "lib/json.h"
#include "report/internal.h"

/* The accumulated calls: target → call → {"": runs, ROLE: [cpu_ns of each run]}, the calls in
 * order of first appearance and the roles seen (an ordered set). */
struct calls {
	json_t *acc, *calls, *seen;
};

static void calls_add_phase(struct calls *a, const char *target, const char *pn, json_t *roles)
{
	json_t *t, *c, *v, *rv;
	const char *role;
	bool known = false;
	size_t k;

	if (!(t = json_object_get(a->acc, target)))
		json_object_set_new(a->acc, target, t = json_object());
	if (!(c = json_object_get(t, pn))) {
		json_object_set_new(t, pn, c = json_object());
		json_object_set_new(c, "", json_integer(0)); /* runs */
	}
	json_object_set_new(c, "", json_integer(json_integer_value(json_object_get(c, "")) + 1));
	json_array_foreach(a->calls, k, v)
	{
		known = known || !strcmp(json_string_value(v), pn);
	}
	if (!known)
		json_array_append_new(a->calls, json_string(pn));
	json_object_foreach(roles, role, rv)
	{
		json_t *list = json_object_get(c, role);

		if (!*role || strchr(role, ' ') || !json_is_number(json_object_get(rv, "cpu_ns")))
			continue;
		if (list == NULL)
			json_object_set_new(c, role, list = json_array());
		json_array_append(list, json_object_get(rv, "cpu_ns"));
		json_object_set_new(a->seen, role, json_true());
	}
}

static void calls_add_cell(struct calls *a, const struct rcell *cell)
{
	size_t ri;
	json_t *run;

	json_array_foreach(json_object_get(cell->cell, "runs"), ri, run)
	{
		json_t *phases = json_object_get(json_object_get(run, "attribution"), "phases");
		const char *pn;
		json_t *ph;

		if (!report_measured_run(run) || !json_is_object(phases))
			continue;
		json_object_foreach(phases, pn, ph)
		{
			json_t *roles = json_object_get(ph, "roles");

			if (!strcmp(pn, "run") || strchr(pn, ' ') || !json_is_object(roles))
				continue;
			calls_add_phase(a, cell->name, pn, roles);
		}
	}
}

/* A data row: the call, then ms of CPU per role (the median over its runs, 0 in a run without
 * the role). */
static void calls_row(FILE *data, const char *call, json_t *c, json_t *roles)
{
	size_t nruns = (size_t)json_integer_value(json_object_get(c, "")), k;
	json_t *v;

	fputs(call, data);
	json_array_foreach(roles, k, v)
	{
		json_t *list = json_object_get(c, json_string_value(v)), *x;
		double vals[nruns ? nruns : 1];
		size_t nv = 0, li;

		json_array_foreach(list, li, x)
		{
			if (nv < nruns)
				vals[nv++] = json_number_value(x);
		}
		while (nv < nruns)
			vals[nv++] = 0;
		report_tsv_num(data, report_median(vals, nv) / 1e6);
	}
	fputc('\n', data);
}

int report_fig_calls(struct report *r, FILE *page, assay_error_t *err)
{
	const char *name = "calls";
	cleanup_json json_t *acc = json_object(), *seen = json_object(), *calls = json_array();
	cleanup_json json_t *roles = NULL;
	struct calls a = {.acc = acc, .calls = calls, .seen = seen};
	cleanup_membuf struct membuf data = {0}, vars = {0}, tl = {0}, rl = {0};
	bool ft = true, fr = true;
	const char *tname;
	json_t *tv, *v;
	size_t k;

	for (size_t bi = 0; bi < r->nbenches; bi++)
		for (size_t i = 0; i < r->benches[bi].ncells; i++)
			calls_add_cell(&a, &r->benches[bi].cells[i]);
	if (json_object_size(acc) == 0) {
		report_absent_html(
		    page, "No per-call attribution: needs CRI targets traced by eBPF (runs' "
		          "attribution.phases).");
		return 0;
	}
	roles = report_roles_ordered(seen);
	report_membuf_open(&data);
	report_membuf_open(&tl);
	report_membuf_open(&rl);
	fputs("# one block per target: call, then ms of CPU per role:", data.f);
	json_array_foreach(roles, k, v)
	{
		report_words_add(rl.f, &fr, json_string_value(v));
		fprintf(data.f, " %s", json_string_value(v));
	}
	fputc('\n', data.f);
	json_object_foreach(acc, tname, tv)
	{
		json_t *call;

		if (!ft)
			fputs("\n\n", data.f);
		report_words_add(tl.f, &ft, tname);
		json_array_foreach(calls, k, call)
		{
			json_t *c = json_object_get(tv, json_string_value(call));

			if (c)
				calls_row(data.f, json_string_value(call), c, roles);
		}
	}
	report_membuf_open(&vars);
	report_gp_var(vars.f, "targets", report_membuf_text(&tl));
	report_gp_var(vars.f, "roles", report_membuf_text(&rl));
	return report_draw(
	    r, "calls", name, &data, &vars, page, "CPU per lifecycle call by role",
	    "Who pays for each lifecycle call: CPU time of every role during the call (eBPF, "
	    "median over the measured runs of all benchmarks), one panel per target.",
	    err);
}
