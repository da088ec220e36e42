/* gVisor's sandbox per pod or per container (a table): every runsc CRI target whose results say
 * how its pods were sandboxed (meta.target_info.T.runsc_sandbox, the suite's runsc-sandbox),
 * with what that choice costs: StartContainer and RunPodSandbox → first instruction
 * (operations.container.lifecycle), and per pod the Sentries, Gofers and the memory of every
 * process the pods brought (scalability.runtime.*). Compare the two modes with
 * `collector report A B` over a run of each. */
#include <string.h>

#include "report/internal.h"

/* The target's sandbox mode in its directory's meta, or NULL. */
static const char *mode_of(struct report *r, const struct rcell *c)
{
	json_t *info =
	    json_object_get(json_object_get(r->dirs[c->dir].root, "meta"), "target_info");

	return jstr(json_object_get(info, c->target), "runsc_sandbox");
}

/* Median over the measured runs of roles.ROLE.procs / pods (scalability's footprint). */
static double procs_per_pod(json_t *cell, const char *role)
{
	double v[64];
	size_t n = 0;
	size_t i;
	json_t *run;

	json_array_foreach(json_object_get(cell, "runs"), i, run)
	{
		json_t *w = json_object_get(run, "workload");
		double pods = jnum(w, "pods");
		double procs = jnum(json_object_get(json_object_get(w, "roles"), role), "procs");

		if (n < 64 && report_measured_run(run) && isfinite(pods) && pods > 0 &&
		    isfinite(procs))
			v[n++] = procs / pods;
	}
	if (n == 0)
		return NAN;
	qsort(v, n, sizeof(v[0]), report_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The first cell of benchmark `prefix`* for the same target and directory as c, or NULL. */
static json_t *cell_of(struct report *r, const struct rcell *c, const char *prefix)
{
	for (size_t bi = 0; bi < r->nbenches; bi++) {
		const struct rbench *b = &r->benches[bi];

		if (strncmp(b->name, prefix, strlen(prefix)))
			continue;
		for (size_t i = 0; i < b->ncells; i++)
			if (b->cells[i].dir == c->dir && !strcmp(b->cells[i].target, c->target))
				return b->cells[i].cell;
	}
	return NULL;
}

static void num_td(FILE *f, double v)
{
	fputs("<td>", f);
	report_fmt_num(f, v);
	fputs("</td>", f);
}

int report_fig_sandbox(struct report *r, FILE *page, assay_error_t *err)
{
	bool any = false;

	(void)err;
	/* one row per target × directory that recorded a mode: its first benchmark's cell */
	for (size_t bi = 0; bi < r->nbenches; bi++) {
		const struct rbench *b = &r->benches[bi];

		for (size_t i = 0; i < b->ncells; i++) {
			const struct rcell *c = &b->cells[i];
			const char *mode = mode_of(r, c);
			json_t *life = cell_of(r, c, "operations.container.lifecycle");
			json_t *scale = cell_of(r, c, "scalability.runtime.");
			bool seen = false;

			/* a target's row once: at its first benchmark */
			for (size_t bj = 0; bj < bi && !seen; bj++)
				for (size_t j = 0; j < r->benches[bj].ncells && !seen; j++)
					seen = r->benches[bj].cells[j].dir == c->dir &&
					       !strcmp(r->benches[bj].cells[j].target, c->target);
			if (mode == NULL || seen)
				continue;
			if (!any) {
				fputs("<div "
				      "class=\"scroll\"><table><tr><th>target</th><th>sandbox</th>"
				      "<th>StartContainer <span class=\"unit\">ms</span></th>"
				      "<th>RunPodSandbox → first instruction <span "
				      "class=\"unit\">ms</span></th><th>Sentries per pod</th>"
				      "<th>Gofers per pod</th><th>PSS per pod <span "
				      "class=\"unit\">MiB</span></th><th>RSS per pod <span "
				      "class=\"unit\">MiB</span></th></tr>\n",
				      page);
				any = true;
			}
			fputs("<tr><th>", page);
			report_html_escape(page, c->name);
			fputs("</th><td>", page);
			report_html_escape(page, mode);
			fputs("</td>", page);
			num_td(page, life ? cstat(life, "start_container_ms", "median") : NAN);
			num_td(page, life ? cstat(life, "create_and_run_ms", "median") : NAN);
			num_td(page, scale ? procs_per_pod(scale, "sentry") : NAN);
			num_td(page, scale ? procs_per_pod(scale, "gofer") : NAN);
			num_td(page, scale ? cstat(scale, "pss_per_pod_mib", "median") : NAN);
			num_td(page, scale ? cstat(scale, "rss_per_pod_mib", "median") : NAN);
			fputs("</tr>\n", page);
		}
	}
	if (!any) {
		report_absent_html(page, "No runsc target through the embedded containerd here "
		                         "(its results record the sandbox mode, runsc-sandbox).");
		return 0;
	}
	fputs("</table></div>\n<p class=\"ov\">Medians. The suite's <code>runsc-sandbox</code> "
	      "picks the mode; <code>collector report A B</code> over a run of each puts them side "
	      "by side. Per pod, the pod's containers share one Sentry (and the pause container's "
	      "cgroup); per container, every container is a sandbox of its own. Footprints come "
	      "from scalability.runtime.* (every process the pods brought, divided by the pods; "
	      "the per-pod mode's waiter and its <code>runsc wait</code> are in it).</p>\n",
	      page);
	return 0;
}
