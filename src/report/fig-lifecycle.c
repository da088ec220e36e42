/* lifecycle (lifecycle.gp): the CDF of every lifecycle call (run phases other than the
 * workload's own `run`: RunPodSandbox, CreateContainer, ...), a panel per call, a line per
 * target. */
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"

/* Adds every lifecycle call of the cell's non-warm-up runs to its series; returns how many. */
static size_t cell_calls(struct series **s, size_t *ns, const struct rcell *c)
{
	size_t ri, pi, calls = 0;
	json_t *run, *ph;

	json_array_foreach(json_object_get(c->cell, "runs"), ri, run)
	{
		if (json_is_true(json_object_get(run, "warmup")))
			continue;
		json_array_foreach(json_object_get(run, "phases"), pi, ph)
		{
			const char *pn = jstr(ph, "name");
			double v = jnum(ph, "ns");

			if (pn == NULL || !strcmp(pn, "run") || !isfinite(v) || v <= 0 ||
			    strchr(pn, ' '))
				continue;
			report_series_add(report_series_get(s, ns, pn, c->name), v / 1e6, 0, 0, 0);
			calls++;
		}
	}
	return calls;
}

int report_fig_lifecycle(struct report *r, FILE *page, assay_error_t *err)
{
	const char *name = "lifecycle";
	struct series *s = NULL;
	size_t ns = 0, calls = 0;
	cleanup_membuf struct membuf data = {0}, vars = {0};

	for (size_t bi = 0; bi < r->nbenches; bi++)
		for (size_t i = 0; i < r->benches[bi].ncells; i++)
			calls += cell_calls(&s, &ns, &r->benches[bi].cells[i]);
	if (calls == 0) {
		report_absent_html(
		    page, "No lifecycle calls in these results: only CRI targets "
		          "(cri/DAEMON/HANDLER) record their RunPodSandbox, CreateContainer, "
		          "StartContainer… calls.");
		return 0;
	}
	/* cumulative fraction as the second column */
	for (size_t i = 0; i < ns; i++) {
		qsort(s[i].pts, s[i].npts, sizeof(*s[i].pts), report_cmp_double);
		for (size_t p = 0; p < s[i].npts; p++)
			s[i].pts[p][1] = (double)(p + 1) / (double)s[i].npts;
	}
	report_membuf_open(&data);
	report_membuf_open(&vars);
	fputs("# one block per call x target (see pfirst/pcount): ms, fraction of calls <= ms\n",
	      data.f);
	report_series_write(s, ns, 2, data.f, vars.f, "phases");
	report_series_free(s, ns);
	return report_draw(
	    r, "lifecycle", name, &data, &vars, page, "lifecycle call latency CDFs",
	    "Distribution of each container-lifecycle call's wall time over every measured run "
	    "(all benchmarks), per target: further right is slower, a long tail is jitter.",
	    err);
}
