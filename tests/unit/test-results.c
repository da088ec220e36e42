/* Results: write, read back and compare; the run log and what a crash leaves of it; summaries;
 * TSV exports; atomic rewrites. */
#include <dirent.h>
#include <stdbool.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/error.h"
#include "results/results.h"
#include "tap.h"
#include "lib/fs.h"
#include "lib/util.h"

static char *slurp(const char *path)
{
	cleanup_file FILE *f = fopen(path, "re");
	char *s = xcalloc(1, 1 << 16);

	if (f)
		s[fread(s, 1, (1 << 16) - 1, f)] = '\0';
	return s;
}

static json_t *run(int index, bool warmup, double eps)
{
	json_t *r =
	    json_pack("{s:i, s:b, s:i, s:n, s:{s:f, s:f}, s:[{s:s, s:I}], s:{s:f}}", "index", index,
	              "warmup", warmup, "exit_status", 0, "failure", "figures", "events_per_sec",
	              eps, "total_time_s", 1000.0 / eps, "phases", "name", "run", "ns",
	              (json_int_t)123456789, "workload", "events_per_sec", eps);
	return r;
}

/* results_add_run takes its own reference: drop ours. */
static int add(struct results *r, size_t cell, json_t *run, assay_error_t *err)
{
	int ret = results_add_run(r, cell, run, err);

	json_decref(run);
	return ret;
}

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")))
			n++;
	if (d)
		closedir(d);
	return n;
}

int main(void)
{
	char tmpl[] = "/tmp/assay-test-results-XXXXXX";
	char *dir = mkdtemp(tmpl);
	cleanup_free char *sub = xasprintf("%s/a/b", dir), *json_path = NULL, *tsv = NULL;
	cleanup_free char *runs_tsv = NULL, *attr_tsv = NULL;
	assay_error_t err = NULL;
	struct results *r = NULL;
	json_t *meta = json_pack("{s:s, s:{s:s}}", "suite", "t", "versions", "runc", "1.1.5");
	json_t *back = NULL, *cell, *sum, *params = json_pack("{s:s}", "events", "10");
	size_t native = 9, runc = 9, gone = 9;
	long found;

	ok(dir != NULL, "temp dir");
	is_int(results_open(sub, meta, &r, &err), 0, "open creates missing parents");
	json_path = xasprintf("%s/results.json", sub);
	tsv = xasprintf("%s/summary.tsv", sub);
	runs_tsv = xasprintf("%s/runs.tsv", sub);
	attr_tsv = xasprintf("%s/attribution.tsv", sub);
	ok(access(json_path, R_OK) == 0 && access(tsv, R_OK) == 0 && access(runs_tsv, R_OK) == 0 &&
	       access(attr_tsv, R_OK) == 0,
	   "the four files exist from the start");
	is_str(
	    json_string_value(json_object_get(json_object_get(results_root(r), "meta"), "format")),
	    RESULTS_FORMAT, "meta gets the format");
	ok(json_object_get(meta, "format") == NULL, "caller's meta untouched");

	is_int(results_add_cell(r, "native", "performance.cpu.time", params, &native, &err), 0,
	       "add native cell");
	is_int(results_add_cell(r, "oci/runc", "performance.cpu.time", params, &runc, &err), 0,
	       "add runc cell");
	is_int(results_add_cell(r, "oci/gone", "performance.cpu.time", NULL, &gone, &err), 0,
	       "add a cell to skip");
	ok(native == 0 && runc == 1 && gone == 2, "indexes in order");
	is_int(results_add_cell(r, "native", "performance.cpu.time", NULL, &native, &err), -1,
	       "a cell twice is an error");
	assay_error_release(&err);
	found = results_find_cell(r, "oci/runc", "performance.cpu.time");
	is_int(found, 1, "find cell");
	is_int(results_find_cell(r, "oci/runc", "performance.memlat"), -1, "find missing cell");

	add(r, native, run(1, true, 50), &err);
	add(r, native, run(2, false, 1000), &err);
	add(r, native, run(3, false, 1200), &err);
	is_int(add(r, native, run(4, false, 800), &err), 0, "add runs");
	add(r, runc, run(1, false, 500), &err);
	add(r, runc, run(2, false, 400), &err);
	add(r, runc,
	    json_pack("{s:i, s:b, s:i, s:s, s:n}", "index", 3, "warmup", false, "exit_status", 1,
	              "failure", "timed out", "figures"),
	    &err);
	is_int(results_set_status(r, runc, "failed", "1 of 3 runs failed", &err), 0, "set status");
	is_int(results_set_status(r, gone, "skipped", "runtime `gone` not installed", &err), 0,
	       "skip a cell");
	is_int(results_set_status(r, gone, "weird", NULL, &err), -1, "bad status");
	assay_error_release(&err);
	is_int(add(r, 7, run(1, false, 1), &err), -1, "run of a missing cell");
	assay_error_release(&err);

	cell = json_array_get(json_object_get(results_root(r), "cells"), native);
	sum = json_object_get(json_object_get(cell, "summary"), "events_per_sec");
	is_str(json_string_value(json_object_get(cell, "status")), "ok", "first run makes it ok");
	is_int(json_integer_value(json_object_get(sum, "n")), 3, "warm-up not summarised");
	ok(json_real_value(json_object_get(sum, "median")) == 1000 &&
	       json_real_value(json_object_get(sum, "min")) == 800 &&
	       json_real_value(json_object_get(sum, "max")) == 1200,
	   "median, min, max of the measured runs");
	is_str(json_string_value(json_object_get(sum, "unit")), "events/s", "unit from registry");
	is_str(json_string_value(json_object_get(sum, "better")), "higher", "better from registry");
	ok(json_real_value(json_object_get(sum, "ci_low")) == 800 &&
	       json_real_value(json_object_get(sum, "ci_high")) == 1200,
	   "CI bounds");
	cell = json_array_get(json_object_get(results_root(r), "cells"), runc);
	is_int(json_integer_value(json_object_get(
	           json_object_get(json_object_get(cell, "summary"), "total_time_s"), "n")),
	       2, "failed run not summarised");
	is_int(json_array_size(json_object_get(cell, "runs")), 3, "but kept");
	is_int(results_finish(r, &err), 0, "finish");
	is_int(results_load(json_path, &back, &err), 0, "read back");
	ok(back && json_equal(back, results_root(r)), "round trip: identical JSON");
	{
		json_t *bc = json_array_get(json_object_get(back, "cells"), runc);
		json_t *vs = json_object_get(
		    json_object_get(json_object_get(bc, "summary"), "events_per_sec"), "vs_native");

		is_str(json_string_value(json_object_get(vs, "verdict")), "slower",
		       "results.json: vs_native's verdict (at finish)");
		ok(fabs(json_real_value(json_object_get(vs, "ci_high")) - 0.625) < 1e-9 &&
		       fabs(json_real_value(json_object_get(vs, "overhead_low")) - 1.6) < 1e-9,
		   "vs_native: ratio interval and overhead interval (1/0.625 = 1.6)");
	}

	ok(json_object_get(json_object_get(back, "meta"), "finished") != NULL, "finished stamp");
	is_str(json_string_value(json_object_get(json_object_get(back, "meta"), "suite")), "t",
	       "meta kept");
	json_decref(back);

	{
		cleanup_free char *t = slurp(tsv);
		cleanup_free char *rt = slurp(runs_tsv);

		ok(!strncmp(t,
		            "target\tbenchmark\tfigure\tunit\tbetter\tstatus\tn\tmedian\tmin\tmax\t"
		            "p5\tp95\tci_low\tci_high\tci_level\tnative_median\tratio\toverhead\n",
		            strlen("target\tbenchmark")),
		   "summary.tsv header");
		ok(strstr(
		       t,
		       "native\tperformance.cpu.time\tevents_per_sec\tevents/s\thigher\tok\t3\t"
		       "1000\t800\t1200\t820\t1180\t800\t1200\t0.75\t1000\t1\t1\tNaN\tNaN\t-\n") !=
		       NULL,
		   "native row: ratio and overhead 1, no interval against itself");
		ok(strstr(t,
		          "oci/runc\tperformance.cpu.time\tevents_per_sec\tevents/s\thigher\tfailed"
		          "\t2\t450\t400\t500\t405\t495\t400\t500\t0.5\t1000\t0.45\t2.22222222\t"
		          "0.333333333\t0.625\tslower\n") != NULL,
		   "runc row: ratio 0.45, overhead 1/0.45 for higher-is-better; interval "
		   "[400/1200, 500/800] (2 runs vs 3: the envelope), below 1: slower");
		ok(strstr(t,
		          "oci/runc\tperformance.cpu.time\ttotal_time_s\ts\tlower\tfailed\t2\t2.25"
		          "\t2\t2.5\t2.025\t2.475\t2\t2.5\t0.5\t1\t2.25\t2.25\t") != NULL,
		   "lower-is-better: overhead = ratio");
		ok(strstr(t,
		          "oci/gone\tperformance.cpu.time\ttotal_time_s\ts\tlower\tskipped\t0\tNaN"
		          "\tNaN") != NULL,
		   "skipped cell: rows with NaN");
		ok(!strncmp(rt, "target\tbenchmark\tfigure\tunit\trun\twarmup\tvalue\n", 40),
		   "runs.tsv header");
		ok(strstr(rt,
		          "native\tperformance.cpu.time\tevents_per_sec\tevents/s\t1\t1\t50\n") !=
		       NULL,
		   "runs.tsv keeps warm-ups, flagged");
		ok(strstr(rt, "oci/runc\tperformance.cpu.time\ttotal_time_s\ts\t2\t0\t2.5\n") !=
		       NULL,
		   "runs.tsv measured run");
	}
	{
		cleanup_free char *at = slurp(attr_tsv);

		is_str(at,
		       "target\tbenchmark\trole\tn\tcpu_ms\tsys_ms\tuser_ms\tsyscalls\tcoverage\n",
		       "attribution.tsv: only its header without the tracer");
	}
	is_int(count_entries(sub), 5, "no temp files left beside the four files and the log");
	{
		/* a collector killed -9 while writing a line: what the log holds up to it is kept
		 */
		cleanup_free char *log = xasprintf("%s/runs.jsonl", sub);
		cleanup_free char *text = slurp(log);
		cleanup_free char *warning = NULL;
		char *last = strrchr(text, '{');
		size_t nlines = 0;
		FILE *f;

		for (char *c = text; *c; c++)
			nlines += *c == '\n';
		/* open, meta + 3 cells + 7 runs + 2 statuses, meta at finish */
		is_int(nlines, 1 + 3 + 7 + 2 + 1, "one line per change, no more");
		f = fopen(log, "w");
		/* cut before the last meta (the finish) and in the middle of a run record */
		*last = '\0';
		last = strrchr(text, '\n');
		fprintf(f, "%.*s{\"target\":\"native\",\"benchmark\":\"perf",
		        (int)(last - text + 1), text);
		fclose(f);
		is_int(results_derive(sub, &warning, &err), 1, "derived from a truncated log");
		ok(warning && strstr(warning, "line 14 is incomplete"), "with a warning: %s",
		   warning ? warning : "none");
		is_int(results_load(json_path, &back, &err), 0, "read back");
		cell = json_array_get(json_object_get(back, "cells"), runc);
		is_int(json_array_size(json_object_get(cell, "runs")), 3,
		       "every finished run kept");
		is_str(json_string_value(json_object_get(cell, "status")), "failed",
		       "and statuses");
		ok(json_equal(json_object_get(cell, "summary"),
		              json_object_get(
		                  json_array_get(json_object_get(results_root(r), "cells"), runc),
		                  "summary")),
		   "summary as the live one");
		ok(json_object_get(json_object_get(back, "meta"), "finished") == NULL,
		   "no finished stamp: it crashed");
		json_decref(back);
		f = fopen(log, "w");
		fprintf(f, "%.*s{oops}\n{\"meta\":{}}\n", (int)(last - text + 1), text);
		fclose(f);
		free(warning);
		warning = NULL;
		is_int(results_derive(sub, &warning, &err), -1, "a broken line inside is an error");
		ok(err && strstr(err->msg, "runs.jsonl:14:"), "named by line: %s",
		   err ? err->msg : "");
		assay_error_release(&err);
		f = fopen(log, "w");
		fputs("{\"meta\":{}}\n", f);
		fclose(f);
		is_int(results_derive(sub, &warning, &err), -1, "a log needs its first line");
		assay_error_release(&err);
	}

	results_free(r);
	json_decref(meta);
	json_decref(params);

	is_int(fs_write_atomic(json_path, "{\"x\": 1}", 8, &err), 0, "atomic rewrite");
	is_int(results_load(json_path, &back, &err), -1, "shape is checked on load");
	{
		cleanup_free char *want = xasprintf("%s: not an assay results file (expected an "
		                                    "object with `meta` and `cells`)",
		                                    json_path);

		is_str(err ? err->msg : NULL, want, "message");
	}
	assay_error_release(&err);
	is_int(fs_write_atomic(json_path, "{", 1, &err), 0, "write broken JSON");
	is_int(results_load(json_path, &back, &err), -1, "broken JSON is an error");
	ok(err && strstr(err->msg, "results.json:1:1: ") != NULL, "with line and column");
	assay_error_release(&err);
	is_int(fs_write_atomic("/nonexistent/dir/x", "a", 1, &err), -1, "unwritable dir");
	is_str(err ? err->msg : NULL, "create a temporary file in `/nonexistent/dir`",
	       "names the dir");
	assay_error_release(&err);

	{
		json_t *runs = json_pack("[{s:{s:f}}, {s:{s:f}}]", "figures", "mystery", 2.0,
		                         "figures", "mystery", 4.0);
		json_t *s = results_summarize("not.a.benchmark", runs);

		ok(json_real_value(json_object_get(json_object_get(s, "mystery"), "median")) == 3 &&
		       !strcmp(json_string_value(
		                   json_object_get(json_object_get(s, "mystery"), "unit")),
		               ""),
		   "unknown benchmark: summary without unit");
		json_decref(s);
		json_decref(runs);
	}

	unlink(json_path);
	unlink(tsv);
	unlink(runs_tsv);
	{
		/* attribution.tsv: medians over measured runs per role, warm-ups left out */
		json_t *root = json_pack(
		    "{s:[{s:s, s:s, s:[{s:b, s:{s:f, s:{s:{s:I, s:I, s:I, s:{s:I}}}}},"
		    "{s:b, s:{s:f, s:{s:{s:I, s:I, s:I, s:{s:I}}, s:{s:I, s:I, s:I}}}},"
		    "{s:b, s:{s:f, s:{s:{s:I, s:I, s:I, s:{s:I}}, s:{s:I, s:I, s:I}}}}]}]}",
		    "cells", "target", "cri/containerd/runsc", "benchmark", "performance.cpu.time",
		    "runs", "warmup", true, "attribution", "coverage", 0.5, "roles", "workload",
		    "cpu_ns", (json_int_t)900000000, "sys_ns", (json_int_t)0, "user_ns",
		    (json_int_t)0, "syscalls", "total", (json_int_t)1, "warmup", false,
		    "attribution", "coverage", 0.99, "roles", "workload", "cpu_ns",
		    (json_int_t)100000000, "sys_ns", (json_int_t)10000000, "user_ns",
		    (json_int_t)90000000, "syscalls", "total", (json_int_t)10, "sentry", "cpu_ns",
		    (json_int_t)4000000, "sys_ns", (json_int_t)3000000, "user_ns",
		    (json_int_t)1000000, "warmup", false, "attribution", "coverage", 1.01, "roles",
		    "workload", "cpu_ns", (json_int_t)200000000, "sys_ns", (json_int_t)20000000,
		    "user_ns", (json_int_t)180000000, "syscalls", "total", (json_int_t)30, "sentry",
		    "cpu_ns", (json_int_t)6000000, "sys_ns", (json_int_t)5000000, "user_ns",
		    (json_int_t)1000000);
		cleanup_free char *at = NULL;

		ok(root != NULL, "attribution fixture");
		is_int(results_write_attribution_tsv(root, attr_tsv, &err), 0,
		       "write attribution.tsv");
		at = slurp(attr_tsv);
		is_str(at,
		       "target\tbenchmark\trole\tn\tcpu_ms\tsys_ms\tuser_ms\tsyscalls\tcoverage\n"
		       "cri/containerd/runsc\tperformance.cpu.time\tworkload\t2\t150\t15\t135\t20"
		       "\t1\n"
		       "cri/containerd/runsc\tperformance.cpu.time\tsentry\t2\t5\t4\t1\tNaN\t1\n",
		       "attribution.tsv: median per role, no syscalls where none were counted");
		json_decref(root);
	}
	unlink(attr_tsv);
	{
		cleanup_free char *log = xasprintf("%s/runs.jsonl", sub);

		unlink(log);
	}
	rmdir(sub);
	{
		cleanup_free char *a = xasprintf("%s/a", dir);

		rmdir(a);
	}
	ok(rmdir(dir) == 0, "temp dir removed");
	return tap_done();
}
