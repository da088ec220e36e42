/* Container operations: operations.container.lifecycle (each CRI call of one long-running
 * container's life, and `run` up to the workload's first instruction) and
 * operations.container.startup (launch to first instruction and to exit on any target), plus
 * the dispatch and CRI helpers the other kinds share (kinds.h).
 *
 * "First instruction" is the workload's own `start_ns` (CLOCK_REALTIME at main's start, in every
 * workload's JSON; pause prints it at once and sleeps): the CRI calls returning says nothing
 * about when the process really runs (StartContainer returns once the runtime started it, and
 * under gVisor the Sentry still has to load it). TouchStone stopped its clock when
 * StartContainer returned. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kinds/kinds.h"
#include "lib/fs.h"
#include "lib/util.h"

/* ---- dispatch ------------------------------------------------------------------------------ */

int kinds_supported(const struct benchmark *b, const struct target *t, char **reason)
{
	if (b->kind == BENCHMARK_STARTUP || t->ops->kind == TARGET_CRI)
		return 1;
	*reason = xasprintf("%s measures CRI calls: it needs a cri/DAEMON/HANDLER target", b->name);
	return 0;
}

int kinds_run(struct target *t, const struct benchmark *b, json_t *params,
              const struct target_run_spec *spec, const struct run_observer *obs,
              struct target_result *res, assay_error_t *err)
{
	switch (b->kind) {
	case BENCHMARK_LIFECYCLE:
		return ops_lifecycle_run(t, b, params, spec, obs, res, err);
	case BENCHMARK_STARTUP:
		return ops_startup_run(t, b, params, spec, obs, res, err);
	case BENCHMARK_SCALABILITY:
		return scale_run(t, b, params, spec, obs, res, err);
	case BENCHMARK_CPU_LIMIT:
		return limits_cpu_time_run(t, b, params, spec, obs, res, err);
	case BENCHMARK_CPU_SCALING:
		return limits_cpu_scaling_run(t, b, params, spec, obs, res, err);
	case BENCHMARK_WORKLOAD:
		break;
	}
	return assay_error_make(err, 0, "%s: kind `%s` is not run by kinds_run", b->name,
	                        benchmarks_kind_name(b->kind));
}

/* ---- shared helpers ------------------------------------------------------------------------ */

char *kinds_endpoint(const struct target *t)
{
	if (t->cfg.endpoint)
		return xstrdup(t->cfg.endpoint);
	/* target-cri.c starts the embedded daemon in RUN_DIR/containerd (daemon.h: its socket) */
	return xasprintf("unix://%s/containerd/containerd.sock", t->cfg.run_dir);
}

char *kinds_image_ref(const struct target *t, const char *image, assay_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/%s/index.json", t->cfg.image_dir, image);
	json_error_t jerr;
	json_t *index = json_load_file(path, 0, &jerr);
	const char *ref = NULL;
	char *out = NULL;

	if (index == NULL) {
		assay_error_make(err, 0, "%s: %s (run `make images`)", path, jerr.text);
		return NULL;
	}
	json_unpack(index, "{s:[{s:{s:s}}]}", "manifests", "annotations",
	            "org.opencontainers.image.ref.name", &ref);
	if (ref == NULL)
		assay_error_make(err, 0, "%s: no org.opencontainers.image.ref.name annotation",
		                 path);
	else
		out = xstrdup(ref);
	json_decref(index);
	return out;
}

double kinds_param(json_t *params, const char *name)
{
	const char *v = json_string_value(json_object_get(params, name));

	return v ? strtod(v, NULL) : 0;
}

bool kinds_daemon_gone(struct cri_client *c)
{
	return cri_last_code(c) == CRI_CODE_UNAVAILABLE;
}

int kinds_pod_init(struct kinds_pod *p, struct target *t, const char *tag, int seq,
                   const char *benchmark, int run_index, const char *image, const char *image_ref,
                   char *const *args, assay_error_t *err)
{
	size_t i = 0;

	memset(p, 0, sizeof(*p));
	p->name = xasprintf("assay-%s-%s-%s%d", t->cfg.run_id, t->runtime, tag, seq);
	p->logdir = xasprintf("%s/%s%d", t->dir, tag, seq);
	p->cgparent = xasprintf("/assay/%s", p->name);
	p->log_path = xasprintf("%s/%s.log", p->logdir, image);
	snprintf(p->run_s, sizeof(p->run_s), "%d", run_index);
	if (mkdir(t->dir, 0700) < 0 && errno != EEXIST)
		return assay_error_make(err, errno, "mkdir `%s`", t->dir);
	if (mkdir(p->logdir, 0700) < 0)
		return assay_error_make(err, errno, "mkdir `%s`", p->logdir);
	p->labels[i++] = "io.assay";
	p->labels[i++] = "1";
	p->labels[i++] = "io.assay.run";
	p->labels[i++] = t->cfg.run_id;
	p->labels[i++] = "io.assay.suite";
	p->labels[i++] = t->cfg.suite ? t->cfg.suite : "";
	p->labels[i++] = "io.assay.benchmark";
	p->labels[i++] = benchmark;
	p->labels[i++] = "io.assay.run-index";
	p->labels[i++] = p->run_s;
	p->labels[i] = NULL;
	p->pod = (struct cri_pod_spec){
	    .name = p->name,
	    .uid = p->name,
	    .namespace_ = "assay",
	    .log_directory = p->logdir,
	    .labels = p->labels,
	    .cgroup_parent = p->cgparent,
	    .host_network = true,
	};
	p->ctr = (struct cri_container_spec){
	    .name = image,
	    .image = image_ref,
	    .args = (const char *const *)args,
	    .log_path = p->log_path + strlen(p->logdir) + 1,
	    .labels = p->labels,
	    .host_network = true,
	};
	return 0;
}

static void keep_first(assay_error_t *first, assay_error_t *e)
{
	if (*first == NULL)
		*first = steal_pointer(e);
	else
		assay_error_release(e);
}

void kinds_pod_destroy(struct cri_client *c, struct kinds_pod *p, assay_error_t *first_err)
{
	assay_error_t e = NULL;

	if (p->ctr_id) {
		if (cri_stop_container(c, p->ctr_id, 0, &e) < 0)
			keep_first(first_err, &e);
		if (cri_remove_container(c, p->ctr_id, &e) < 0)
			keep_first(first_err, &e);
		free(steal_pointer(&p->ctr_id));
	}
	if (p->pod_id) {
		if (cri_stop_pod(c, p->pod_id, &e) < 0)
			keep_first(first_err, &e);
		if (cri_remove_pod(c, p->pod_id, &e) < 0)
			keep_first(first_err, &e);
		free(steal_pointer(&p->pod_id));
	}
	if (p->cgparent)
		target_cgroup_remove(p->cgparent);
	if (p->logdir) {
		fs_remove_tree(p->logdir, &e);
		assay_error_release(&e);
	}
}

void kinds_pod_release(struct kinds_pod *p)
{
	free(p->name);
	free(p->logdir);
	free(p->cgparent);
	free(p->log_path);
	free(p->pod_id);
	free(p->ctr_id);
	memset(p, 0, sizeof(*p));
}

/* The first JSON object line of text with a numeric start_ns. */
static json_t *start_line(const char *text, uint64_t *start_ns)
{
	const char *line = text;

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (len > 0 && *line == '{') {
			json_t *j = json_loadb(line, len, 0, NULL);
			json_t *s = json_object_get(j, "start_ns");

			if (json_is_number(s)) {
				*start_ns = json_is_integer(s) ? (uint64_t)json_integer_value(s)
				                               : (uint64_t)json_real_value(s);
				return j;
			}
			json_decref(j);
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

int kinds_wait_start(struct cri_client *c, const struct kinds_pod *p, uint64_t timeout_ns,
                     uint64_t *start_ns, json_t **line)
{
	uint64_t t0 = assay_now_ns(CLOCK_MONOTONIC);

	for (unsigned i = 0;; i++) {
		assay_error_t e = NULL;
		cleanup_free char *text = cri_log_read_stdout(p->log_path, &e);

		/* the log appears (and grows) when the shim copies the first output */
		assay_error_release(&e);
		if (text) {
			json_t *j = start_line(text, start_ns);

			if (j) {
				if (line)
					*line = j;
				else
					json_decref(j);
				return 0;
			}
		}
		/* every 100 ms: a container that died never prints */
		if (i % 20 == 19) {
			struct cri_container_status st = {0};
			int r = cri_container_status(c, p->ctr_id, &st, &e);
			bool exited = r == 0 && st.state == CRI_CONTAINER_EXITED;

			cri_container_status_release(&st);
			assay_error_release(&e);
			if (exited)
				return 3;
		}
		if (timeout_ns && assay_now_ns(CLOCK_MONOTONIC) - t0 >= timeout_ns)
			return 1;
		if (signals_sleep(5000000ull))
			return 2;
	}
}

int kinds_connect(const struct target *t, struct cri_client **out, assay_error_t *err)
{
	cleanup_free char *ep = kinds_endpoint(t);

	if (cri_connect(ep, out, err) < 0)
		return -1;
	if (cri_version(*out, NULL, NULL, err) < 0) {
		cri_close(*out);
		*out = NULL;
		return assay_error_wrap(err, "%s", t->name);
	}
	return 0;
}

json_t *kinds_log_result(const char *log_path, char **why)
{
	assay_error_t e = NULL;
	cleanup_free char *text = cri_log_read_stdout(log_path, &e);
	json_t *found = NULL;
	char *line, *save = NULL;

	if (text == NULL) {
		*why = assay_error_text(e);
		assay_error_release(&e);
		return NULL;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *j = *line == '{' ? json_loads(line, 0, NULL) : NULL;

		if (json_is_object(j)) {
			json_decref(found);
			found = j;
		} else {
			json_decref(j);
		}
	}
	if (found == NULL)
		*why = xstrdup("the workload printed no JSON result line");
	return found;
}

/* ---- operations.container.lifecycle -------------------------------------------------------- */

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

/* A timed CRI call: phase begin/end around it, *ns its wall time. */
#define TIMED(obs, phase, res, ns, call)                                                           \
	({                                                                                         \
		uint64_t t0_;                                                                      \
		int r_;                                                                            \
		target_phase_begin(obs, phase, &t0_);                                              \
		r_ = (call);                                                                       \
		*(ns) = assay_now_ns(CLOCK_MONOTONIC) - t0_;                                       \
		target_phase_end(obs, phase, t0_, res);                                            \
		r_;                                                                                \
	})

/* A failed CRI call of one run: the run fails, unless the daemon is gone (-1). */
static int run_failed(struct cri_client *c, struct target_result *res, const char *what,
                      assay_error_t *e)
{
	char *text;

	if (kinds_daemon_gone(c))
		return -1;
	text = assay_error_text(*e);
	assay_error_release(e);
	if (res->failure == NULL)
		res->failure = xasprintf("%s: %s", what, text);
	free(text);
	return 0;
}

int ops_lifecycle_run(struct target *t, const struct benchmark *b, json_t *params,
                      const struct target_run_spec *spec, const struct run_observer *obs,
                      struct target_result *res, assay_error_t *err)
{
	static const char *const pause_args[] = {"--json", NULL};
	struct cri_client *c = NULL;
	cleanup_free char *ref = NULL;
	struct kinds_pod p;
	uint64_t rt0, rt_start = 0, start_ns = 0;
	uint64_t ns_runpod = 0, ns_create = 0, ns_start = 0, ns_wait = 0;
	uint64_t ns_stop = 0, ns_rm = 0, ns_stoppod = 0, ns_rmpod = 0;
	int64_t stop_timeout = (int64_t)kinds_param(params, "stop-timeout");
	json_t *line = NULL;
	assay_error_t e = NULL;
	int ret = 0, w = -1;

	res->exit_status = -1;
	ref = kinds_image_ref(t, b->image, err);
	if (ref == NULL)
		return -1;
	if (kinds_connect(t, &c, err) < 0)
		return -1;
	t->seq++;
	if (kinds_pod_init(&p, t, "l", t->seq, b->name, spec->run_index, b->image, ref,
	                   (char *const *)pause_args, err) < 0) {
		cri_close(c);
		kinds_pod_release(&p);
		return -1;
	}

	rt0 = assay_now_ns(CLOCK_REALTIME);
	if (TIMED(obs, "RunPodSandbox", res, &ns_runpod,
	          cri_run_pod(c, &p.pod, t->runtime, &p.pod_id, &e)) < 0) {
		ret = run_failed(c, res, "RunPodSandbox", &e);
		goto destroy;
	}
	if (TIMED(obs, "CreateContainer", res, &ns_create,
	          cri_create_container(c, p.pod_id, &p.ctr, &p.pod, &p.ctr_id, &e)) < 0) {
		ret = run_failed(c, res, "CreateContainer", &e);
		goto destroy;
	}
	{
		cleanup_free char *cg = xasprintf("%s/%s", p.cgparent, p.ctr_id);

		run_observer_cgroup(obs, "container", cg);
	}
	rt_start = assay_now_ns(CLOCK_REALTIME);
	if (TIMED(obs, "StartContainer", res, &ns_start, cri_start_container(c, p.ctr_id, &e)) <
	    0) {
		ret = run_failed(c, res, "StartContainer", &e);
		goto destroy;
	}
	w = TIMED(obs, "wait-start", res, &ns_wait,
	          kinds_wait_start(c, &p, spec->timeout_ns, &start_ns, &line));
	if (w == 1)
		res->timed_out = true;
	if (w == 2)
		res->interrupted = true;
	if (w != 0 && res->failure == NULL)
		res->failure = xstrdup(w == 1 ? "no start line from the workload before the timeout"
		                       : w == 2 ? "interrupted"
		                                : "the workload exited before printing its start");
	if (w == 0 && (start_ns < rt0 || start_ns < rt_start))
		/* the container's clock is not the host's: no `run` figure can be trusted */
		res->failure =
		    xasprintf("the workload's start_ns (%llu) is before StartContainer "
		              "was called (%llu): clocks differ",
		              (unsigned long long)start_ns, (unsigned long long)rt_start);
	/* destroy, each call timed (the study's Destroy is their sum) */
	if (TIMED(obs, "StopContainer", res, &ns_stop,
	          cri_stop_container(c, p.ctr_id, stop_timeout, &e)) < 0 &&
	    run_failed(c, res, "StopContainer", &e) < 0)
		ret = -1;
	assay_error_release(&e);
	if (TIMED(obs, "RemoveContainer", res, &ns_rm, cri_remove_container(c, p.ctr_id, &e)) < 0 &&
	    run_failed(c, res, "RemoveContainer", &e) < 0)
		ret = -1;
	assay_error_release(&e);
	free(steal_pointer(&p.ctr_id));
	if (TIMED(obs, "StopPodSandbox", res, &ns_stoppod, cri_stop_pod(c, p.pod_id, &e)) < 0 &&
	    run_failed(c, res, "StopPodSandbox", &e) < 0)
		ret = -1;
	assay_error_release(&e);
	if (TIMED(obs, "RemovePodSandbox", res, &ns_rmpod, cri_remove_pod(c, p.pod_id, &e)) < 0 &&
	    run_failed(c, res, "RemovePodSandbox", &e) < 0)
		ret = -1;
	assay_error_release(&e);
	free(steal_pointer(&p.pod_id));

destroy:
	/* whatever is still there (a failed step above) goes; errors then are the guard's */
	kinds_pod_destroy(c, &p, &e);
	assay_error_release(&e);
	kinds_pod_release(&p);
	cri_close(c);
	if (ret < 0) {
		json_decref(line);
		return assay_error_make(err, 0, "%s: the CRI daemon is gone", t->name);
	}
	if (res->failure == NULL) {
		res->exit_status = 0;
		res->output = json_pack(
		    "{s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:f, s:o}",
		    "create_ms", ms(ns_runpod + ns_create), "run_ms", ms(start_ns - rt_start),
		    "create_and_run_ms", ms(start_ns - rt0), "destroy_ms",
		    ms(ns_stop + ns_rm + ns_stoppod + ns_rmpod), "run_pod_sandbox_ms",
		    ms(ns_runpod), "create_container_ms", ms(ns_create), "start_container_ms",
		    ms(ns_start), "start_seen_ms", ms(ns_wait), "stop_container_ms", ms(ns_stop),
		    "remove_container_ms", ms(ns_rm), "stop_pod_sandbox_ms", ms(ns_stoppod),
		    "remove_pod_sandbox_ms", ms(ns_rmpod), "workload", line ? line : json_null());
		line = NULL;
	}
	json_decref(line);
	return 0;
}

/* ---- operations.container.startup ---------------------------------------------------------- */

int ops_startup_run(struct target *t, const struct benchmark *b, json_t *params,
                    const struct target_run_spec *spec, const struct run_observer *obs,
                    struct target_result *res, assay_error_t *err)
{
	uint64_t rt0 = assay_now_ns(CLOCK_REALTIME), start_ns, exit_ns = 0;
	json_t *s, *out;
	size_t i;
	json_t *ph;
	int ret;

	(void)b;
	(void)params;
	/* the target's own run: the same launch path every workload benchmark takes */
	ret = t->ops->run(t, spec, obs, res, err);
	if (ret < 0 || res->failure || res->output == NULL)
		return ret;
	s = json_object_get(res->output, "start_ns");
	if (!json_is_number(s)) {
		res->failure = xstrdup("the workload's JSON has no start_ns");
		return 0;
	}
	start_ns =
	    json_is_integer(s) ? (uint64_t)json_integer_value(s) : (uint64_t)json_real_value(s);
	{
		/* CRI: the daemon's record of the exit; else the phases up to the workload's end */
		json_t *fin =
		    json_object_get(json_object_get(res->extra, "container"), "finished_at");
		uint64_t mono = 0;

		if (json_integer_value(fin) > 0) {
			exit_ns = (uint64_t)json_integer_value(fin);
		} else {
			json_array_foreach(res->phases, i, ph)
			{
				mono += (uint64_t)json_integer_value(json_object_get(ph, "ns"));
				if (!strcmp(json_string_value(json_object_get(ph, "name")) ?: "",
				            "run"))
					break;
			}
			exit_ns = rt0 + mono;
		}
	}
	if (start_ns < rt0 || exit_ns < start_ns) {
		res->failure =
		    xasprintf("times out of order: launch %llu, start_ns %llu, exit %llu "
		              "(clocks differ?)",
		              (unsigned long long)rt0, (unsigned long long)start_ns,
		              (unsigned long long)exit_ns);
		return 0;
	}
	out = json_pack("{s:f, s:f, s:O}", "to_first_instruction_ms", ms(start_ns - rt0),
	                "to_exit_ms", ms(exit_ns - rt0), "workload", res->output);
	json_decref(res->output);
	res->output = out;
	return 0;
}
