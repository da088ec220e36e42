/* The run engine behind `collector run`: suite → plan → targets → runs → results, with a
 * teardown that also runs after errors and stop signals. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/proc.h"
#include "benchmarks/benchmarks.h"
#include "kinds/kinds.h"
#include "report/report.h"
#include "results/results.h"
#include "run/auto.h"
#include "run/progress.h"
#include "run/run.h"
#include "lib/footprint.h"
#include "lib/fs.h"
#include "lib/json.h"
#include "suite/suite.h"
#include "targets/target.h"
#include "lib/noise.h"
#include "lib/util.h"

/* ---- Engine ---------------------------------------------------------------------------------- */

#define RUN_BASE     "/run/assay"
#define SCRATCH_BASE "/var/tmp"

struct cell_state {
	size_t index; /* in results */
	unsigned done, failed, planned;
	bool closed;      /* skipped or given up: its steps are passed over */
	uint64_t step_ns; /* wall time of its last step, for runs: auto's budget */
};

struct engine {
	const struct run_options *opts;
	struct suite *suite;
	struct results *results;
	struct target **targets;  /* per suite target */
	struct cell_state *cells; /* t * n_benches + b */
	char *run_id, *run_dir, *scratch_dir, *out_dir;
	bool any_failed;
	struct run_progress progress;
	struct footprint footprint; /* the host's paths our tools may make, before the run */
};

/* One line for a finished cell: status, and the first figure's median. */
static void report_cell(struct engine *e, size_t ti, size_t bi)
{
	struct cell_state *c = &e->cells[ti * e->suite->n_benches + bi];
	json_t *cell = json_array_get(json_object_get(results_root(e->results), "cells"), c->index);
	const char *status = json_string_value(json_object_get(cell, "status"));
	const char *reason = json_string_value(json_object_get(cell, "reason"));
	json_t *summary = json_object_get(cell, "summary");
	const char *fig;
	json_t *st;
	char figure[160] = "";

	fig = benchmarks_headline(e->suite->benches[bi].def);
	st = fig ? json_object_get(summary, fig) : NULL;
	if (st == NULL && fig) {
		/* a family ("ns_per_call_{op}"): its first member */
		size_t plen = strcspn(fig, "{");
		const char *k;
		json_t *v;

		json_object_foreach(summary, k, v)
		{
			if (!strncmp(k, fig, plen)) {
				fig = k;
				st = v;
				break;
			}
		}
	}
	if (st)
		snprintf(figure, sizeof(figure), "  %s median %.6g %s (n=%lld)", fig,
		         json_real_value(json_object_get(st, "median")),
		         json_string_value(json_object_get(st, "unit")) ?: "",
		         json_integer_value(json_object_get(st, "n")));
	run_progress_say(&e->progress, 0, "%-7s %-22s %-26s%s%s%s", status ? status : "?",
	                 e->suite->targets[ti].name, e->suite->benches[bi].def->name, figure,
	                 reason ? "  " : "", reason ? reason : "");
}

/* ---- cells ---- */

static struct cell_state *cell_of(struct engine *e, size_t ti, size_t bi)
{
	return &e->cells[ti * e->suite->n_benches + bi];
}

static int close_target_cells(struct engine *e, size_t ti, const char *status, const char *reason,
                              assay_error_t *err)
{
	size_t n = 0;

	for (size_t bi = 0; bi < e->suite->n_benches; bi++) {
		struct cell_state *c = cell_of(e, ti, bi);

		if (c->closed)
			continue;
		c->closed = true;
		if (results_set_status(e->results, c->index, status, reason, err) < 0)
			return -1;
		n++;
	}
	/* one line for the target, not one per cell: the reason is the same */
	if (n)
		run_progress_say(&e->progress, 0, "%-7s %-22s %zu cell%s: %s", status,
		                 e->suite->targets[ti].name, n, n == 1 ? "" : "s",
		                 reason ? reason : "");
	return 0;
}

/* Images the suite needs on every target, NULL-terminated, each once. */
static char **suite_images(const struct suite *s)
{
	char **v = xcalloc(s->n_benches + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < s->n_benches; i++) {
		const char *img = s->benches[i].def->image;
		bool seen = false;

		for (size_t j = 0; j < n; j++)
			seen = seen || !strcmp(v[j], img);
		if (!seen)
			v[n++] = (char *)img;
	}
	return v;
}

/* ---- one run ---- */

/* After a run returned <0 with *err: when the target can be brought back (a CRI daemon that
 * died is restarted), the run becomes a failed one saying what happened and 0 is returned;
 * else <0 with *err saying why the target is done. */
static int recover_target(struct engine *e, struct target *t, struct target_result *res,
                          assay_error_t *err)
{
	cleanup_free char *text = NULL, *cause = NULL;
	assay_error_t rerr = NULL;

	if (t->ops->recover == NULL || signals_pending())
		return -1;
	text = assay_error_text(*err);
	run_progress_say(&e->progress, 0, "%s: %s: bringing it back", t->name, text);
	if (t->ops->recover(t, &cause, &rerr) < 0) {
		assay_error_release(err);
		*err = rerr;
		return assay_error_wrap(err, "%s", text);
	}
	assay_error_release(err);
	run_progress_say(&e->progress, 0, "%s: %s", t->name, cause);
	free(res->failure);
	res->failure = xasprintf("%s (%s)", text, cause);
	res->exit_status = -1;
	return 0;
}

static int do_step(struct engine *e, const struct suite_step *st, assay_error_t *err)
{
	const struct suite_bench *b = &e->suite->benches[st->bench];
	struct target *t = e->targets[st->target];
	struct cell_state *c = cell_of(e, st->target, st->bench);
	struct target_result res = {0};
	struct target_run_spec spec = {0};
	struct observer_run info = {0};
	char **argv = NULL;
	json_t *run = NULL, *figs = NULL;
	cleanup_free char *started = run_rfc3339_now();
	struct noise_sample noise0, noise1;
	bool observer_failed;
	int ret;

	if (benchmarks_argv(b->def, b->params, &argv, err) < 0)
		return -1;
	spec.benchmark = b->def->name;
	spec.image = b->def->image;
	spec.argv = argv;
	spec.run_index = (int)st->round + 1;
	spec.timeout_ns =
	    (uint64_t)(b->timeout_s ? b->timeout_s : b->def->timeout_s) * 1000000000ull;
	spec.scratch = b->def->scratch;
	spec.memory_limit = b->memory_limit;
	info.target = t->name;
	info.runtime = t->runtime;
	info.benchmark = b->def->name;
	info.image = b->def->image;
	info.run_index = spec.run_index;
	info.warmup = st->warmup;
	info.syscall_latency = e->opts->syscall_latency || e->suite->syscall_latency;

	run_progress_step(&e->progress, "%s  %s  run %u/%u%s", t->name, b->def->name, st->round + 1,
	                  b->warmup + b->runs, st->warmup ? " (warm-up)" : "");
	noise_sample(&noise0);
	observer_failed = observer_run_begin(e->opts->observer, &info) < 0;
	/* operations, scalability and limits measure more than one workload run (kinds.h) */
	ret = b->def->kind == BENCHMARK_WORKLOAD
	          ? t->ops->run(t, &spec, e->opts->observer, &res, err)
	          : kinds_run(t, b->def, b->params, &spec, e->opts->observer, &res, err);
	benchmarks_argv_free(argv);
	noise_sample(&noise1);
	if (ret < 0 && recover_target(e, t, &res, err) < 0) {
		/* the target itself broke beyond repair: its remaining cells cannot run */
		char *text = assay_error_text(*err);
		cleanup_json json_t *rec = json_object();

		observer_run_end(e->opts->observer, rec);
		assay_error_release(err);
		e->any_failed = true;
		ret = close_target_cells(e, st->target, "failed", text, err);
		free(text);
		target_result_release(&res);
		return ret;
	}
	if (res.interrupted) {
		cleanup_json json_t *rec = json_object();

		observer_run_end(e->opts->observer, rec);
		target_result_release(&res);
		return 0;
	}

	run = json_pack("{s:i, s:b, s:s, s:i, s:I}", "index", spec.run_index, "warmup", st->warmup,
	                "started", started, "exit_status", res.exit_status, "wall_ns",
	                (json_int_t)res.wall_ns);
	json_object_set_new(run, "host_noise", noise_between(&noise0, &noise1));
	if (res.phases)
		json_object_set(run, "phases", res.phases);
	if (res.extra)
		json_object_update(run, res.extra);
	if (res.output) {
		json_object_set(run, "workload", res.output);
		if (res.failure == NULL) {
			assay_error_t ferr = NULL;

			if (benchmarks_figures(b->def, res.output, &figs, &ferr) < 0) {
				res.failure = assay_error_text(ferr);
				assay_error_release(&ferr);
			}
		}
	}
	if (figs)
		json_object_set_new(run, "figures", figs);
	json_object_set_new(run, "failure", res.failure ? json_string(res.failure) : json_null());
	if (res.timed_out)
		json_object_set_new(run, "timed_out", json_true());
	if (observer_run_end(e->opts->observer, run) < 0 || observer_failed)
		json_object_set_new(run, "observer_error", json_true());

	ret = results_add_run(e->results, c->index, run, err);
	json_decref(run);
	if (ret < 0)
		goto out;
	c->done++;
	if (res.failure) {
		cleanup_free char *reason = NULL;

		c->failed++;
		e->any_failed = true;
		reason = xasprintf("run %d: %s", spec.run_index, res.failure);
		if (c->failed == 1 &&
		    results_set_status(e->results, c->index, "failed", reason, err) < 0) {
			ret = -1;
			goto out;
		}
		run_progress_say(&e->progress, 1, "  run %s %s %d: failed: %s", t->name,
		                 b->def->name, spec.run_index, res.failure);
	} else {
		run_progress_say(&e->progress, 1, "  run %s %s %d%s: ok in %.3f s", t->name,
		                 b->def->name, spec.run_index, st->warmup ? " (warm-up)" : "",
		                 (double)res.wall_ns / 1e9);
	}
	if (c->done == c->planned)
		report_cell(e, st->target, st->bench);
	ret = 0;
out:
	target_result_release(&res);
	return ret;
}

/* ---- runs: auto ---- */

static json_t *cell_json(struct engine *e, struct cell_state *c)
{
	return json_array_get(json_object_get(results_root(e->results), "cells"), c->index);
}

/* Measured runs of a cell so far. */
static unsigned measured(struct engine *e, struct cell_state *c, size_t bi)
{
	unsigned w = e->suite->benches[bi].warmup;

	return c->done > w ? c->done - w : 0;
}

static int timed_step(struct engine *e, const struct suite_step *st, assay_error_t *err)
{
	uint64_t t0 = assay_now_ns(CLOCK_MONOTONIC);
	int ret = do_step(e, st, err);

	cell_of(e, st->target, st->bench)->step_ns = assay_now_ns(CLOCK_MONOTONIC) - t0;
	return ret;
}

/* Whether cell ti × bi takes part in another round: open, no failure, under the maximum, and
 * (but for native, which runs alongside any other cell of its benchmark) not met yet. */
static bool auto_wants(struct engine *e, size_t ti, size_t bi)
{
	const struct suite *s = e->suite;
	struct cell_state *c = cell_of(e, ti, bi);

	return !c->closed && c->failed == 0 && measured(e, c, bi) < s->auto_max_runs &&
	       !run_auto_met(cell_json(e, c), s->benches[bi].def, s->auto_target_pct);
}

/* Extra interleaved rounds, benchmark by benchmark (the least clear first), until every cell is met
 * or at its maximum, or the suite's budget (counted from t_start) would be exceeded by the next
 * step. */
static int auto_rounds(struct engine *e, uint64_t t_start, bool *budget_hit, assay_error_t *err)
{
	const struct suite *s = e->suite;
	uint64_t budget = (uint64_t)s->auto_budget_s * 1000000000ull;
	bool added = true;

	*budget_hit = false;
	while (added && !signals_pending() && !*budget_hit) {
		double width[s->n_benches];
		size_t order[s->n_benches];

		/* each round visits benchmarks widest first: its widest wanting cell, native aside
		 */
		for (size_t bi = 0; bi < s->n_benches; bi++) {
			width[bi] = -1;
			for (size_t ti = 0; ti < s->n_targets; ti++) {
				bool level_ok;
				double w;

				if (!strcmp(s->targets[ti].name, "native") ||
				    !auto_wants(e, ti, bi))
					continue;
				w = run_auto_half_width(cell_json(e, cell_of(e, ti, bi)),
				                        s->benches[bi].def, &level_ok);
				if (isnan(w) || w > width[bi])
					width[bi] = w;
				if (isnan(w))
					break;
			}
		}
		run_auto_rank(width, s->n_benches, order);
		added = false;
		for (size_t k = 0; k < s->n_benches && !*budget_hit; k++) {
			size_t bi = order[k];
			bool want[s->n_targets], others = false;

			for (size_t ti = 0; ti < s->n_targets; ti++) {
				want[ti] = auto_wants(e, ti, bi);
				others =
				    others || (want[ti] && strcmp(s->targets[ti].name, "native"));
			}
			for (size_t ti = 0; ti < s->n_targets && others; ti++) {
				struct cell_state *c = cell_of(e, ti, bi);
				struct suite_step st = {ti, bi, c->done, false};

				if (!strcmp(s->targets[ti].name, "native"))
					want[ti] = !c->closed && c->failed == 0 &&
					           measured(e, c, bi) < s->auto_max_runs;
				if (!want[ti] || signals_pending())
					continue;
				if (assay_now_ns(CLOCK_MONOTONIC) - t_start + c->step_ns > budget) {
					*budget_hit = true;
					break;
				}
				c->planned++;
				e->progress.steps_total++;
				if (timed_step(e, &st, err) < 0)
					return -1;
				run_progress_done(&e->progress);
				added = true;
			}
		}
	}
	return 0;
}

/* Why each cell stopped, into results (cells that ran at all). */
static int auto_record(struct engine *e, bool budget_hit, assay_error_t *err)
{
	const struct suite *s = e->suite;

	for (size_t ti = 0; ti < s->n_targets; ti++)
		for (size_t bi = 0; bi < s->n_benches; bi++) {
			struct cell_state *c = cell_of(e, ti, bi);
			const struct benchmark *def = s->benches[bi].def;
			json_t *cell = cell_json(e, c);
			const char *why;
			cleanup_json json_t *rec = NULL;

			if (c->done == 0)
				continue;
			if (c->failed || c->closed)
				why = "failed";
			else if (run_auto_met(cell, def, s->auto_target_pct))
				why = "met";
			else if (measured(e, c, bi) >= s->auto_max_runs)
				why = "max-runs";
			else
				why = budget_hit ? "budget" : "met";
			rec = run_auto_record(cell, def, why, s->auto_target_pct);
			if (results_set_cell_key(e->results, c->index, "runs_auto", rec, err) < 0)
				return -1;
		}
	return 0;
}

/* ---- set-up and teardown ---- */

static int make_dirs(struct engine *e, assay_error_t *err)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	/* short: it goes into container ids, cgroup paths and socket paths */
	e->run_id = xasprintf("%04x%02x", (unsigned)getpid() & 0xffff, (unsigned)(now & 0xff));
	if (e->opts->out_dir)
		e->out_dir = xstrdup(e->opts->out_dir);
	else if (e->suite->output)
		e->out_dir = xstrdup(e->suite->output);
	else
		e->out_dir = xasprintf("results/%s-%s", stamp, e->suite->name);
	if (mkdir(RUN_BASE, 0755) < 0 && errno != EEXIST)
		return assay_error_make(err, errno, "mkdir `%s`", RUN_BASE);
	e->run_dir = xasprintf("%s/%s", RUN_BASE, e->run_id);
	if (mkdir(e->run_dir, 0700) < 0) {
		int saved = errno;
		char *d = steal_pointer(&e->run_dir);

		assay_error_make(err, saved, "mkdir `%s`", d);
		free(d);
		return -1;
	}
	/* the scratch dirs hold fileio's files: a real disk, not /run's tmpfs */
	e->scratch_dir = xasprintf("%s/assay-%s", SCRATCH_BASE, e->run_id);
	if (mkdir(e->scratch_dir, 0700) < 0) {
		int saved = errno;
		char *d = steal_pointer(&e->scratch_dir);

		assay_error_make(err, saved, "mkdir `%s`", d);
		free(d);
		return -1;
	}
	return 0;
}

static void teardown(struct engine *e)
{
	assay_error_t err = NULL;

	/* targets sharing a daemon last: it is stopped with the last of them */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; e->targets && i < e->suite->n_targets; i++) {
			struct target *t = e->targets[i];

			if (t == NULL || t->ops->shared_daemon != (pass == 1))
				continue;
			target_free(t);
			e->targets[i] = NULL;
		}
	if (e->scratch_dir) {
		fs_remove_tree(e->scratch_dir, &err);
		assay_error_release(&err);
	}
	if (e->run_dir) {
		fs_remove_tree(e->run_dir, &err);
		assay_error_release(&err);
		rmdir(RUN_BASE); /* only when no other run uses it */
	}
	footprint_clean(&e->footprint);
}

static void engine_free(struct engine *e)
{
	teardown(e);
	results_free(e->results);
	suite_free(e->suite);
	free(e->targets);
	free(e->cells);
	free(e->run_id);
	free(e->run_dir);
	free(e->scratch_dir);
	free(e->out_dir);
}

/* A private copy of the images the run uses (archive, and the layout unpacked from that very
 * archive): a `make images` running meanwhile must not give the run's targets different images,
 * or a reference that no longer matches what was imported. Missing images are left missing:
 * the targets that need them say so. */
static int snapshot_images(const char *from, const char *to, char *const *images,
                           assay_error_t *err)
{
	if (mkdir(to, 0700) < 0)
		return assay_error_make(err, errno, "mkdir `%s`", to);
	for (size_t i = 0; images[i]; i++) {
		cleanup_free char *src = xasprintf("%s/%s.tar", from, images[i]);
		cleanup_free char *dst = xasprintf("%s/%s.tar", to, images[i]);
		cleanup_free char *dir = xasprintf("%s/%s", to, images[i]);
		cleanup_free char *why = NULL;
		char *cp[] = {"cp", src, dst, NULL};
		char *tar[] = {"tar", "-xf", dst, "-C", dir, "--no-same-owner", NULL};
		int ret;

		if (access(src, R_OK) < 0)
			continue;
		ret = proc_command(cp, PROC_HELPER_TIMEOUT_NS, NULL, &why, err);
		if (ret == 0 && mkdir(dir, 0755) < 0)
			return assay_error_make(err, errno, "mkdir `%s`", dir);
		if (ret == 0)
			ret = proc_command(tar, PROC_HELPER_TIMEOUT_NS, NULL, &why, err);
		if (ret < 0)
			return ret;
		if (ret > 0)
			return assay_error_make(err, 0, "copy image %s: %s", src,
			                        why ? why : "failed");
	}
	return 0;
}

static int prepare_targets(struct engine *e, assay_error_t *err)
{
	cleanup_free char **images = suite_images(e->suite);
	json_t *info =
	    json_object_get(json_object_get(results_root(e->results), "meta"), "target_info");

	for (size_t i = 0; i < e->suite->n_targets; i++) {
		struct target *t = e->targets[i];
		cleanup_free char *reason = NULL;
		int ret;

		if (signals_pending())
			return 0;
		ret = t->ops->probe(t, &reason, err);
		if (ret == TARGET_READY) {
			run_progress_status(&e->progress, "preparing %s...", t->name);
			ret = t->ops->prepare(t, images, &reason, err);
		}
		if (ret < 0) {
			/* this target cannot be used; the others still can */
			char *text = assay_error_text(*err);

			assay_error_release(err);
			e->any_failed = true;
			ret = close_target_cells(e, i, "failed", text, err);
			free(text);
			if (ret < 0)
				return ret;
			continue;
		}
		if (ret == TARGET_SKIP) {
			if (close_target_cells(e, i, "skipped", reason, err) < 0)
				return -1;
			continue;
		}
		if (t->ops->meta) {
			json_t *m = t->ops->meta(t);

			if (m)
				json_object_set_new(info, t->name, m);
		}
		if (t->ops->version_key) {
			json_t *versions = json_object_get(
			    json_object_get(results_root(e->results), "meta"), "versions");

			json_object_set_new(versions, t->ops->version_key,
			                    json_string_take(t->ops->version(t)));
		}
	}
	return 0;
}

/* The page of this run (src/report/); a figure that cannot be drawn does not fail the run. */
static void write_report(struct engine *e)
{
	const char *dir = results_dir(e->results);
	cleanup_free char *index = NULL;
	assay_error_t rerr = NULL;

	if (report_write(&dir, 1, dir, &index, &rerr) < 0) {
		cleanup_free char *text = assay_error_text(rerr);

		run_progress_say(&e->progress, -1,
		                 "report: %s (collector report %s draws it again)", text, dir);
		assay_error_release(&rerr);
		return;
	}
	run_progress_say(&e->progress, 0, "report: %s", index);
}

int run_suite(const struct run_options *opts, assay_error_t *err)
{
	struct engine e = {.opts = opts};
	cleanup_free struct suite_step *plan = NULL;
	size_t n_plan = 0, n_globs = 0;
	cleanup_free char *bin_dir = NULL;
	cleanup_free char *image_dir = NULL;
	cleanup_free char *default_suite = NULL;
	cleanup_free char *snap_dir = NULL;
	json_t *meta = NULL;
	uint64_t t_start = assay_now_ns(CLOCK_MONOTONIC);
	int ret = -1, sig;

	if (opts->suite_path == NULL)
		default_suite = fs_tree_path("suites/default.yaml", "../suites/default.yaml");
	if (suite_load(opts->suite_path ? opts->suite_path : default_suite, &e.suite, err) < 0)
		return -1;
	while (opts->benchmark_globs && opts->benchmark_globs[n_globs])
		n_globs++;
	if (suite_restrict(e.suite, opts->targets, opts->benchmark_globs, n_globs, opts->runs,
	                   opts->quick, err) < 0)
		goto out;
	if (geteuid() != 0) {
		assay_error_usage(err, "run: needs root (containers, cgroups, mounts)");
		goto out;
	}
	if (signals_install(err) < 0)
		goto out;
	run_progress_init(&e.progress, opts->verbosity, suite_estimate_s(e.suite));
	footprint_note(&e.footprint);
	if (make_dirs(&e, err) < 0)
		goto out;

	image_dir = opts->image_dir ? realpath(opts->image_dir, NULL)
	                            : fs_tree_path("build/images", "images");
	{
		cleanup_free char **images = suite_images(e.suite);
		size_t n = 0;

		bool has_pause = false;

		for (; images[n]; n++)
			if (!strcmp(images[n], "pause"))
				has_pause = true;
		/* the sandbox image, unless a benchmark runs pause itself (lifecycle, scalability)
		 */
		images = xrealloc(images, (n + 2) * sizeof(*images));
		images[n] = has_pause ? NULL : "pause";
		images[n + 1] = NULL;
		snap_dir = xasprintf("%s/images", e.run_dir);
		if (snapshot_images(image_dir ? image_dir : "build/images", snap_dir, images, err) <
		    0)
			goto out;
	}
	/* absolute: workloads run with the scratch dir as their working directory */
	bin_dir = opts->bin_dir ? realpath(opts->bin_dir, NULL) : fs_tree_path("build/bin", "bin");
	{
		struct target_config cfg = {
		    .run_dir = e.run_dir,
		    .run_id = e.run_id,
		    .suite = e.suite->name,
		    .bin_dir = bin_dir ? bin_dir : "build/bin",
		    .image_dir = snap_dir,
		    .image_src_dir = image_dir ? image_dir : "build/images",
		    .scratch_dir = e.scratch_dir,
		    .endpoint = opts->endpoint,
		    .runsc_sandbox = e.suite->runsc_sandbox,
		    .tracing = opts->observer != NULL,
		};

		e.targets = xcalloc(e.suite->n_targets, sizeof(*e.targets));
		for (size_t i = 0; i < e.suite->n_targets; i++)
			if (target_new(e.suite->targets[i].name, &cfg, &e.targets[i], err) < 0)
				goto out;
	}

	meta = run_meta(e.suite, opts, e.run_id);
	ret = results_open(e.out_dir, meta, &e.results, err);
	json_decref(meta);
	if (ret < 0)
		goto out;
	ret = -1;
	run_progress_say(&e.progress, 0,
	                 "assay run %s: suite %s, %zu targets x %zu benchmarks, %zu runs, "
	                 "about %.0f s; results in %s/",
	                 e.run_id, e.suite->name, e.suite->n_targets, e.suite->n_benches,
	                 suite_runs(e.suite), e.progress.estimate_s, e.out_dir);

	e.cells = xcalloc(e.suite->n_targets * e.suite->n_benches, sizeof(*e.cells));
	for (size_t ti = 0; ti < e.suite->n_targets; ti++)
		for (size_t bi = 0; bi < e.suite->n_benches; bi++) {
			struct cell_state *c = cell_of(&e, ti, bi);
			const struct suite_bench *b = &e.suite->benches[bi];

			c->planned = b->runs + b->warmup;
			if (results_add_cell(e.results, e.suite->targets[ti].name, b->def->name,
			                     b->params, &c->index, err) < 0)
				goto out;
			if (b->def->kind != BENCHMARK_WORKLOAD) {
				cleanup_free char *why = NULL;

				if (kinds_supported(b->def, e.targets[ti], &why))
					continue;
				c->closed = true;
				if (results_set_status(e.results, c->index, "skipped", why, err) <
				    0)
					goto out;
			}
		}

	if (prepare_targets(&e, err) < 0 || results_save_meta(e.results, err) < 0)
		goto out;

	plan = suite_plan(e.suite, &n_plan);
	for (size_t i = 0; i < n_plan; i++)
		if (!cell_of(&e, plan[i].target, plan[i].bench)->closed)
			e.progress.steps_total++;
	run_progress_start(&e.progress);
	for (size_t i = 0; i < n_plan && !signals_pending(); i++) {
		if (cell_of(&e, plan[i].target, plan[i].bench)->closed)
			continue;
		if (timed_step(&e, &plan[i], err) < 0)
			goto out;
		run_progress_done(&e.progress);
	}
	if (e.suite->runs_auto && !signals_pending()) {
		bool budget_hit;

		if (auto_rounds(&e, t_start, &budget_hit, err) < 0 ||
		    auto_record(&e, budget_hit, err) < 0)
			goto out;
	}
	run_progress_clear(&e.progress);

	sig = signals_pending();
	if (sig) {
		cleanup_free char *why = xasprintf("interrupted by SIG%s", sigabbrev_np(sig));

		run_progress_say(&e.progress, 0, "SIG%s: stopping, cleaning up", sigabbrev_np(sig));
		for (size_t ti = 0; ti < e.suite->n_targets; ti++)
			for (size_t bi = 0; bi < e.suite->n_benches; bi++) {
				struct cell_state *c = cell_of(&e, ti, bi);
				json_t *cell = json_array_get(
				    json_object_get(results_root(e.results), "cells"), c->index);
				const char *status =
				    json_string_value(json_object_get(cell, "status"));

				if (c->closed || c->done == c->planned)
					continue;
				if (results_set_status(e.results, c->index,
				                       c->done == 0 ? "skipped" : status, why,
				                       err) < 0)
					goto out;
			}
	}
	ret = sig ? 128 + sig : e.any_failed ? 1 : 0;
out:
	run_progress_stop(&e.progress);
	teardown(&e);
	if (e.results) {
		assay_error_t ferr = NULL;

		if (results_finish(e.results, &ferr) < 0 && ret >= 0) {
			*err = ferr;
			ret = -1;
		}
		assay_error_release(&ferr);
		if (ret >= 0 && opts->verbosity >= 0)
			printf("%s\n", results_dir(e.results));
		if ((ret == 0 || ret == 1) && opts->report)
			write_report(&e);
		else if (ret > 1 && opts->report)
			run_progress_say(&e.progress, 0,
			                 "report: not drawn for a stopped run; collector report %s",
			                 results_dir(e.results));
	}
	sig = signals_pending();
	signals_restore();
	engine_free(&e);
	run_progress_destroy(&e.progress);
	/* a signal during set-up or teardown still ends with its status */
	if (ret < 0 && sig) {
		assay_error_release(err);
		return 128 + sig;
	}
	return ret;
}
