/* operations.container.lifecycle: each CRI call of one long-running container's life, and `run`
 * up to the workload's first instruction.
 *
 * "First instruction" is the workload's own `start_ns` (CLOCK_REALTIME at main's start, in every
 * workload's JSON; pause prints it at once and sleeps): the CRI calls returning says nothing
 * about when the process really runs (StartContainer returns once the runtime started it, and
 * under gVisor the Sentry still has to load it). TouchStone stopped its clock when
 * StartContainer returned. */
#include <string.h>

#include "kinds/kinds.h"
#include "lib/layout.h"
#include "lib/util.h"

/* The figures, ms, of every step (by enum cri_pod_step) and of the wait for the start line. */
static json_t *figures(const uint64_t *ns, uint64_t wait_ns, uint64_t rt0, uint64_t rt_start,
                       uint64_t start_ns, json_t *line)
{
	return json_pack(
	    "{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:o}", "create_ms",
	    kinds_ms(ns[CRI_POD_RUN] + ns[CRI_POD_CREATE]), "run_ms", kinds_ms(start_ns - rt_start),
	    "create_and_run_ms", kinds_ms(start_ns - rt0), "destroy_ms",
	    kinds_ms(ns[CRI_POD_STOP] + ns[CRI_POD_REMOVE] + ns[CRI_POD_STOP_POD] +
	             ns[CRI_POD_REMOVE_POD]),
	    "run_pod_sandbox_ms", kinds_ms(ns[CRI_POD_RUN]), "create_container_ms",
	    kinds_ms(ns[CRI_POD_CREATE]), "start_container_ms", kinds_ms(ns[CRI_POD_START]),
	    "start_seen_ms", kinds_ms(wait_ns), "stop_container_ms", kinds_ms(ns[CRI_POD_STOP]),
	    "remove_container_ms", kinds_ms(ns[CRI_POD_REMOVE]), "stop_pod_sandbox_ms",
	    kinds_ms(ns[CRI_POD_STOP_POD]), "remove_pod_sandbox_ms",
	    kinds_ms(ns[CRI_POD_REMOVE_POD]), "workload", line ? line : json_null());
}

int kinds_lifecycle_run(struct target *t, const struct benchmark *b, json_t *params,
                        const struct target_run_spec *spec, const struct observer *obs,
                        struct target_result *res, assay_error_t *err)
{
	static const char *const pause_args[] = {"--json", NULL};
	struct cri_client *c = NULL;
	cleanup_free char *ref = NULL;
	struct cri_pod p;
	uint64_t rt0, rt_start = 0, start_ns = 0, wait_ns = 0, ns[CRI_POD_REMOVE_POD + 1] = {0};
	int64_t stop_timeout = (int64_t)kinds_param(params, "stop-timeout");
	json_t *line = NULL;
	assay_error_t e = NULL;
	int ret = 0, w = -1;

	res->exit_status = -1;
	if (layout_ref(t->cfg.image_dir, b->image, &ref, err) < 0)
		return -1;
	if (kinds_connect(t, &c, err) < 0)
		return -1;
	t->seq++;
	if (kinds_pod_init(&p, t, "l", t->seq, b, spec->run_index, ref, (char *const *)pause_args,
	                   err) < 0) {
		cri_close(c);
		cri_pod_release(&p);
		return -1;
	}

	rt0 = assay_now_ns(CLOCK_REALTIME);
	for (enum cri_pod_step s = CRI_POD_RUN; s <= CRI_POD_START; s++) {
		if (s == CRI_POD_START)
			rt_start = assay_now_ns(CLOCK_REALTIME);
		if (target_cri_step(c, &p, s, 0, obs, res, &ns[s], &e) < 0) {
			ret = target_cri_failed(c, res, cri_pod_step_name(s), &e);
			goto destroy;
		}
		if (s == CRI_POD_CREATE)
			observer_cgroup(obs, "pod", p.cgparent);
	}
	{
		uint64_t t0;

		target_phase_begin(obs, "wait-start", &t0);
		w = kinds_wait_start(c, &p, spec->timeout_ns, &start_ns, &line);
		wait_ns = assay_now_ns(CLOCK_MONOTONIC) - t0;
		target_phase_end(obs, "wait-start", t0, res);
	}
	res->timed_out = w == KINDS_START_TIMED_OUT;
	res->interrupted = w == KINDS_START_STOPPED;
	if (w != KINDS_START_SEEN && res->failure == NULL)
		res->failure = xstrdup(w == KINDS_START_TIMED_OUT
		                           ? "no start line from the workload before the timeout"
		                       : w == KINDS_START_STOPPED
		                           ? "interrupted"
		                           : "the workload exited before printing its start");
	if (w == KINDS_START_SEEN && (start_ns < rt0 || start_ns < rt_start))
		/* the container's clock is not the host's: no `run` figure can be trusted */
		res->failure =
		    xasprintf("the workload's start_ns (%llu) is before StartContainer "
		              "was called (%llu): clocks differ",
		              (unsigned long long)start_ns, (unsigned long long)rt_start);
	/* destroy, each call timed (the study's Destroy is their sum) */
	for (enum cri_pod_step s = CRI_POD_STOP; s <= CRI_POD_REMOVE_POD; s++) {
		if (target_cri_step(c, &p, s, stop_timeout, obs, res, &ns[s], &e) < 0 &&
		    target_cri_failed(c, res, cri_pod_step_name(s), &e) < 0)
			ret = -1;
		assay_error_release(&e);
	}

destroy:
	/* whatever is still there (a failed step above) goes; errors then are the guard's */
	cri_pod_destroy(c, &p, &e);
	assay_error_release(&e);
	cri_pod_release(&p);
	cri_close(c);
	if (ret < 0) {
		json_decref(line);
		return assay_error_make(err, 0, "%s: the CRI daemon is gone", t->name);
	}
	if (res->failure == NULL) {
		res->exit_status = 0;
		res->output = figures(ns, wait_ns, rt0, rt_start, start_ns, line);
		line = NULL;
	}
	json_decref(line);
	return 0;
}
