/* The kinds' table (which needs what of a target, and who runs it) and what the kinds share:
 * parameters, their pods, waiting for a workload's first instruction, their CRI clients. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kinds/kinds.h"
#include "lib/util.h"

typedef int (*kinds_run_fn)(struct target *t, const struct benchmark *b, json_t *params,
                            const struct target_run_spec *spec, const struct observer *obs,
                            struct target_result *res, assay_error_t *err);

/* Who runs each kind of benchmarks.h other than BENCHMARK_WORKLOAD (benchmarks.c says what
 * each needs of a target). */
static const struct kind {
	enum benchmark_kind kind;
	kinds_run_fn run;
} kinds[] = {
    {BENCHMARK_LIFECYCLE, kinds_lifecycle_run},     {BENCHMARK_STARTUP, kinds_startup_run},
    {BENCHMARK_SCALABILITY, kinds_scale_run},       {BENCHMARK_CPU_LIMIT, kinds_cpu_limit_run},
    {BENCHMARK_CPU_SCALING, kinds_cpu_scaling_run},
};

static const struct kind *kind_of(enum benchmark_kind k)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == k)
			return &kinds[i];
	return NULL;
}

bool kinds_supported(const struct benchmark *b, const struct target *t, char **reason)
{
	const struct kind *k = kind_of(b->kind);

	if (k && (!benchmarks_kind_needs_cri(b->kind) || t->ops->cri_endpoint))
		return true;
	*reason = xasprintf("%s measures CRI calls: it needs a cri/DAEMON/HANDLER target", b->name);
	return false;
}

int kinds_run(struct target *t, const struct benchmark *b, json_t *params,
              const struct target_run_spec *spec, const struct observer *obs,
              struct target_result *res, assay_error_t *err)
{
	const struct kind *k = kind_of(b->kind);

	if (k == NULL)
		return assay_error_make(err, 0, "%s: kind `%s` is not run by kinds_run", b->name,
		                        benchmarks_kind_name(b->kind));
	return k->run(t, b, params, spec, obs, res, err);
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

int kinds_pod_init(struct cri_pod *p, struct target *t, const char *tag, int seq,
                   const struct benchmark *b, int run_index, const char *ref, char *const *args,
                   assay_error_t *err)
{
	struct cri_pod_opts o = {.dir = t->dir,
	                         .run_id = t->cfg.run_id,
	                         .suite = t->cfg.suite,
	                         .runtime = t->runtime,
	                         .tag = tag,
	                         .seq = seq,
	                         .benchmark = b->name,
	                         .run_index = run_index,
	                         .image = b->image,
	                         .image_ref = ref,
	                         .args = args,
	                         .own_cgroup = true};

	return cri_pod_init(p, &o, err);
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

int kinds_wait_start(struct cri_client *c, const struct cri_pod *p, uint64_t timeout_ns,
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
				return KINDS_START_SEEN;
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
				return KINDS_START_EXITED;
		}
		if (timeout_ns && assay_now_ns(CLOCK_MONOTONIC) - t0 >= timeout_ns)
			return KINDS_START_TIMED_OUT;
		if (signals_sleep(5000000ull))
			return KINDS_START_STOPPED;
	}
}

int kinds_connect(const struct target *t, struct cri_client **out, assay_error_t *err)
{
	cleanup_free char *ep = target_cri_endpoint(t);

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
	json_t *found;

	if (text == NULL) {
		*why = assay_error_text(e);
		assay_error_release(&e);
		return NULL;
	}
	found = target_json_line(text);
	if (found == NULL)
		*why = xstrdup("the workload printed no JSON result line");
	return found;
}
