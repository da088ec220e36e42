/* The registry: well-formed rows, parameter checks, argv, JSON paths, figure extraction (also
 * from the real workloads in build/bin when they are built). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "benchmarks/benchmarks.h"
#include "lib/error.h"
#include "tap.h"
#include "lib/util.h"

static char *err_msg(assay_error_t *err)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s", *err ? (*err)->msg : "(no error)");
	assay_error_release(err);
	return buf;
}

static void registry_rows(void)
{
	size_t n, bad_sort = 0, bad_rows = 0;
	const struct benchmark *all = benchmarks_all(&n);
	assay_error_t err = NULL;

	ok(n >= 11, "registry has the performance benchmarks (%zu)", n);
	for (size_t i = 0; i < n; i++) {
		const struct benchmark *b = &all[i];
		int dots = 0;

		if (i > 0 && strcmp(all[i - 1].name, b->name) >= 0)
			bad_sort++;
		for (const char *c = b->name; *c; c++)
			dots += *c == '.';
		if (dots < 1 || !b->description || !*b->description || !b->image ||
		    !b->figures[0].name || b->timeout_s == 0 || strchr(b->description, '\n'))
			bad_rows++;
		for (const struct benchmark_param *p = b->params; p->name; p++) {
			if (p->def && benchmarks_check_param(p, p->def, &err) < 0) {
				diag("%s: default: %s", b->name, err_msg(&err));
				bad_rows++;
			}
			if (p->quick && benchmarks_check_param(p, p->quick, &err) < 0) {
				diag("%s: quick: %s", b->name, err_msg(&err));
				bad_rows++;
			}
			if ((p->type == BENCHMARK_PARAM_CHOICE ||
			     p->type == BENCHMARK_PARAM_FLAGS) != (p->choices != NULL))
				bad_rows++;
		}
		for (const struct benchmark_figure *f = b->figures; f->name; f++)
			if (!f->path || !f->unit || strchr(f->unit, ' ') ||
			    benchmarks_figure(b, f->name) != f)
				bad_rows++;
	}
	{
		size_t bad_headline = 0;

		for (size_t i = 0; i < n; i++)
			if (benchmarks_figure(&all[i], benchmarks_headline(&all[i])) == NULL) {
				diag("%s: headline `%s` is none of its figures", all[i].name,
				     benchmarks_headline(&all[i]));
				bad_headline++;
			}
		is_int(bad_headline, 0, "every benchmark's headline is one of its figures");
	}
	is_str(benchmarks_headline(benchmarks_find("performance.cpu.time")), "events_per_sec",
	       "a fixed-events cpu run is answered by events/s, not by its total time");
	is_str(benchmarks_headline(benchmarks_find("performance.disk.rndrd")), "read_mib_per_sec",
	       "without a headline of its own, the first figure answers");
	is_int(bad_sort, 0, "registry sorted by name, names unique");
	is_int(bad_rows, 0, "every row complete, defaults pass their own checks");
	ok(benchmarks_find("performance.cpu.time") != NULL, "find by exact name");
	ok(benchmarks_find("performance.cpu") == NULL, "no prefix lookup");
	ok(benchmarks_find("performance.disk.rndrd")->scratch, "fileio needs a scratch dir");
	is_str(benchmarks_find("performance.memlat")->image, "memlat", "memlat image");
}

static void params(void)
{
	const struct benchmark *cpu = benchmarks_find("performance.cpu.time");
	const struct benchmark *disk = benchmarks_find("performance.disk.rndrd");
	const struct benchmark *mem = benchmarks_find("performance.memory.seqwr");
	assay_error_t err = NULL;
	json_t *out = NULL, *ov;
	char **argv = NULL;

	is_int(benchmarks_check_param(benchmarks_param(cpu, "cpu-max-prime"), "abc", &err), -1,
	       "integer rejects text");
	is_str(err_msg(&err), "`cpu-max-prime`: expected an integer >= 0, got `abc`",
	       "integer message");
	is_int(benchmarks_check_param(benchmarks_param(cpu, "cpu-max-prime"), "-5", &err), -1,
	       "integer rejects negatives");
	assay_error_release(&err);
	is_int(benchmarks_check_param(benchmarks_param(disk, "file-total-size"), "128M", &err), 0,
	       "size accepts a suffix");
	is_int(benchmarks_check_param(benchmarks_param(disk, "file-total-size"), "12X", &err), -1,
	       "size rejects a bad suffix");
	is_str(
	    err_msg(&err),
	    "`file-total-size`: expected a size in bytes (an integer >= 0, optional suffix K, M, "
	    "G or T), got `12X`",
	    "size message");
	is_int(benchmarks_check_param(benchmarks_param(cpu, "time"), "1.5", &err), 0,
	       "number accepts decimals");
	is_int(benchmarks_check_param(benchmarks_param(cpu, "time"), "inf", &err), -1,
	       "number rejects inf");
	assay_error_release(&err);
	is_int(benchmarks_check_param(benchmarks_param(mem, "memory-scope"), "both", &err), -1,
	       "choice rejects other words");
	is_str(err_msg(&err), "`memory-scope`: expected one of global|local, got `both`",
	       "choice message");
	is_int(
	    benchmarks_check_param(benchmarks_param(disk, "file-extra-flags"), "sync,direct", &err),
	    0, "flags accept a list");
	is_int(
	    benchmarks_check_param(benchmarks_param(disk, "file-extra-flags"), "sync,fast", &err),
	    -1, "flags reject an unknown word");
	is_str(err_msg(&err),
	       "`file-extra-flags`: expected a comma-separated list of sync|dsync|direct, got "
	       "`sync,fast`",
	       "flags message");
	is_int(benchmarks_check_param(benchmarks_param(disk, "file-fsync-end"), "maybe", &err), -1,
	       "bool rejects other words");
	assay_error_release(&err);

	ov = json_pack("{s:s}", "cpu-max-prime", "5000");
	is_int(benchmarks_resolve_params(cpu, ov, false, &out, &err), 0, "resolve overrides");
	is_str(json_string_value(json_object_get(out, "cpu-max-prime")), "5000", "override kept");
	is_str(json_string_value(json_object_get(out, "events")), "2000", "default filled in");
	ok(json_object_get(out, "warmup-time") == NULL, "unset optional parameter absent");
	is_int(benchmarks_argv(cpu, out, &argv, &err), 0, "argv");
	is_str(argv[0], "--json", "argv starts with --json");
	is_str(argv[1], "--cpu-max-prime=5000", "then the parameters in registry order");
	is_str(argv[2], "--events=2000", "events");
	is_str(argv[3], "--time=0", "time");
	is_str(argv[4], "--threads=1", "threads");
	ok(argv[5] == NULL, "and nothing else");
	benchmarks_argv_free(argv);
	json_decref(out);
	is_int(benchmarks_resolve_params(cpu, ov, true, &out, &err), 0, "resolve with quick");
	is_str(json_string_value(json_object_get(out, "cpu-max-prime")), "10000",
	       "quick value wins over the suite's");
	json_decref(out);
	json_decref(ov);

	ov = json_pack("{s:s}", "file-test-mode", "seqwr");
	is_int(benchmarks_resolve_params(disk, ov, false, &out, &err), -1,
	       "fixed arguments are not parameters");
	ok(strstr(err_msg(&err), "unknown parameter `file-test-mode` of performance.disk.rndrd "
	                         "(expected one of: time, file-num,") != NULL,
	   "unknown parameter message lists the accepted ones");
	json_decref(ov);
	is_int(benchmarks_resolve_params(disk, NULL, false, &out, &err), 0, "defaults only");
	benchmarks_argv(disk, out, &argv, &err);
	is_str(argv[1], "--file-test-mode=rndrd", "fixed argument right after --json");
	benchmarks_argv_free(argv);
	json_decref(out);
}

static void paths_and_figures(void)
{
	const struct benchmark *cpu = benchmarks_find("performance.cpu.time");
	const struct benchmark *memlat = benchmarks_find("performance.memlat");
	const struct benchmark *sys = benchmarks_find("performance.syscall");
	json_t *w = json_loads("{\"a\": {\"b\": [10, {\"k\": \"x\", \"v\": 1.5}, {\"k\": 7, "
	                       "\"v\": 2}]}, \"total_time_s\": 1.25, \"events_per_sec\": 800, "
	                       "\"latency_ms\": {\"avg\": 1.1, \"p95\": 1.4}}",
	                       0, NULL);
	json_t *m = json_loads("{\"sizes\": [{\"size\": 16384, \"ns_per_load\": 1.05}, {\"size\": "
	                       "4194304, \"ns_per_load\": 12.5}, {\"size\": 67108864, "
	                       "\"ns_per_load\": null}]}",
	                       0, NULL);
	json_t *s = json_loads("{\"params\": {\"ops\": \"getppid\"}, \"ops\": {\"getppid\": "
	                       "{\"ns_per_call\": 75.5}, \"stat\": {\"ns_per_call\": 300}}}",
	                       0, NULL);
	json_t *out = NULL;
	assay_error_t err = NULL;

	ok(json_integer_value(benchmarks_json_path(w, "a.b.0")) == 10, "path: array index");
	ok(json_real_value(benchmarks_json_path(w, "a.b[k=x].v")) == 1.5, "path: [key=value]");
	ok(json_integer_value(benchmarks_json_path(w, "a.b[k=7].v")) == 2,
	   "path: [key=value] compares numbers as text");
	ok(benchmarks_json_path(w, "a.b[k=y].v") == NULL, "path: no such element");
	ok(benchmarks_json_path(w, "a.c") == NULL, "path: no such key");
	ok(benchmarks_json_path(w, "a.b.x") == NULL, "path: key into an array");

	is_int(benchmarks_figures(cpu, w, &out, &err), 0, "figures of cpu");
	ok(json_real_value(json_object_get(out, "total_time_s")) == 1.25 &&
	       json_real_value(json_object_get(out, "latency_p95_ms")) == 1.4 &&
	       json_object_size(out) == 4,
	   "cpu: four figures with their values");
	json_decref(out);

	is_int(benchmarks_figures(memlat, m, &out, &err), 0, "memlat family over an array");
	ok(json_real_value(json_object_get(out, "ns_per_load_16384")) == 1.05 &&
	       json_real_value(json_object_get(out, "ns_per_load_4194304")) == 12.5,
	   "one figure per size, named by it");
	ok(json_object_size(out) == 2, "null values left out");
	ok(benchmarks_figure(memlat, "ns_per_load_16384") == &memlat->figures[0],
	   "a family's instance finds its template");
	ok(benchmarks_figure(memlat, "ns_per_load_") == NULL, "an empty instance does not");
	json_decref(out);

	is_int(benchmarks_figures(sys, s, &out, &err), 0, "syscall family over an object");
	ok(json_real_value(json_object_get(out, "ns_per_call_getppid")) == 75.5 &&
	       json_real_value(json_object_get(out, "ns_per_call_stat")) == 300,
	   "one figure per operation");
	json_decref(out);

	is_int(benchmarks_figures(cpu, m, &out, &err), -1, "missing figure is an error");
	is_str(err_msg(&err),
	       "performance.cpu.time: figure `total_time_s`: no `total_time_s` in the workload's "
	       "output",
	       "missing figure message");
	is_int(benchmarks_figures(memlat, w, &out, &err), -1, "empty family is an error");
	is_str(err_msg(&err),
	       "performance.memlat: figure `ns_per_load_{size}`: no elements at `sizes` in the "
	       "workload's output",
	       "empty family message");
	json_decref(w);
	json_decref(m);
	json_decref(s);
}

/* Every benchmark's argv with quick parameters, run natively: the registry must agree with the
 * workloads' real options and JSON. */
static void real_workloads(void)
{
	size_t n;
	const struct benchmark *all = benchmarks_all(&n);
	char tmpl[] = "/tmp/assay-test-benchmarks-XXXXXX", cwd[4096];
	char *dir;

	if (access("build/bin/cpu", X_OK) != 0) {
		skip("workloads not built (build/bin/cpu)");
		return;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL) {
		ok(0, "getcwd");
		return;
	}
	dir = mkdtemp(tmpl);
	ok(dir != NULL, "scratch dir");
	for (size_t i = 0; dir && i < n; i++) {
		const struct benchmark *b = &all[i];
		assay_error_t err = NULL;
		json_t *params = NULL, *w = NULL, *figs = NULL;
		char **argv = NULL, line[65536];
		cleanup_free char *cmd = NULL;
		FILE *p;

		/* other kinds' figures are measured by the collector (src/kinds.h), not printed */
		if (b->kind != BENCHMARK_WORKLOAD)
			continue;
		/* Tiny runs: enough to produce every figure. */
		benchmarks_resolve_params(b, NULL, true, &params, &err);
		if (benchmarks_param(b, "time"))
			json_object_set_new(params, "time", json_string("0.1"));
		if (benchmarks_param(b, "events") && !strcmp(b->image, "cpu"))
			json_object_set_new(params, "events", json_string("20"));
		benchmarks_argv(b, params, &argv, &err);
		cmd = xasprintf("cd %s && %s/build/bin/%s", dir, cwd, b->image);
		for (char **a = argv; *a; a++) {
			char *next = xasprintf("%s '%s'", cmd, *a);

			free(cmd);
			cmd = next;
		}
		p = popen(cmd, "r");
		line[0] = '\0';
		if (p && !fgets(line, sizeof(line), p))
			line[0] = '\0';
		if (p)
			pclose(p);
		w = json_loads(line, 0, NULL);
		ok(w && benchmarks_figures(b, w, &figs, &err) == 0 && json_object_size(figs) > 0,
		   "%s: build/bin/%s gives every figure", b->name, b->image);
		if (err)
			diag("%s (command: %s)", err_msg(&err), cmd);
		json_decref(params);
		json_decref(w);
		json_decref(figs);
		benchmarks_argv_free(argv);
	}
	if (dir)
		ok(rmdir(dir) == 0, "workloads left nothing in the scratch dir");
}

int main(void)
{
	registry_rows();
	params();
	paths_and_figures();
	real_workloads();
	return tap_done();
}
