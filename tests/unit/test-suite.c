/* Suite parsing: a full good suite, then each kind of bad input with its exact message. */
#include <stdlib.h>
#include <string.h>

#include "lib/error.h"
#include "suite/suite.h"
#include "tap.h"

static struct suite *parse(const char *text, char **msg)
{
	assay_error_t err = NULL;
	struct suite *s = NULL;

	*msg = NULL;
	if (suite_parse("t.yaml", text, strlen(text), &s, &err) < 0) {
		ok(err && err->exit_code == 2, "error is a usage error (exit 2)");
		*msg = strdup(err ? err->msg : "(none)");
		assay_error_release(&err);
	}
	return s;
}

/* One bad suite: fails with exactly `want`. */
static void bad(const char *text, const char *want, const char *what)
{
	char *msg;
	struct suite *s = parse(text, &msg);

	ok(s == NULL, "%s: rejected", what);
	is_str(msg, want, "%s: message", what);
	suite_free(s);
	free(msg);
}

static const char good[] = "name: mine\n"
                           "description: a test suite\n"
                           "targets: [native, oci/runc, cri/containerd/runsc]\n"
                           "runs: 2\n"
                           "warmup: 1\n"
                           "order: sequential\n"
                           "timeout: 2m\n"
                           "output: /tmp/x\n"
                           "options:\n"
                           "  pod-network: cni\n"
                           "  cri-timeout: 30s\n"
                           "  runsc-sandbox: per-container\n"
                           "  syscall-latency: on\n"
                           "benchmarks:\n"
                           "  - performance.syscall\n"
                           "  - name: performance.cpu.time\n"
                           "    params: {cpu-max-prime: 5000, events: 10}\n"
                           "    runs: 5\n"
                           "    warmup: 0\n"
                           "    timeout: 7\n"
                           "    memory-limit: 48Mi\n"
                           "  - name: performance.disk.*\n"
                           "    params:\n"
                           "      file-total-size: 8M\n";

static void good_suite(void)
{
	char *msg;
	struct suite *s = parse(good, &msg);
	struct suite_step *steps;
	size_t n;

	ok(s != NULL, "good suite parses");
	if (msg)
		diag("%s", msg);
	free(msg);
	if (s == NULL)
		return;
	is_str(s->name, "mine", "name");
	is_str(s->description, "a test suite", "description");
	is_int(s->n_targets, 3, "three targets");
	is_str(s->targets[2].name, "cri/containerd/runsc", "target name");
	ok(s->targets[2].type == target_type_of("cri/x/y") &&
	       !strcmp(s->targets[2].daemon, "containerd") &&
	       !strcmp(s->targets[2].runtime, "runsc"),
	   "cri target split into daemon and runtime");
	ok(s->targets[1].type == target_type_of("oci/x") && !strcmp(s->targets[1].runtime, "runc"),
	   "oci target");
	ok(s->targets[0].type == target_type_of("native") && s->targets[0].runtime == NULL,
	   "native");
	is_int(s->n_benches, 7, "glob expanded: syscall, cpu and five disk benchmarks");
	is_str(s->benches[0].def->name, "performance.syscall", "order kept");
	is_str(s->benches[2].def->name, "performance.disk.rndrd", "glob expands sorted");
	is_int(s->benches[0].runs, 2, "suite-wide runs");
	is_int(s->benches[0].warmup, 1, "suite-wide warmup");
	is_int(s->benches[0].timeout_s, 120, "suite-wide timeout, minutes");
	is_int(s->benches[1].runs, 5, "per-benchmark runs");
	is_int(s->benches[1].warmup, 0, "per-benchmark warmup 0 is kept");
	is_int(s->benches[1].timeout_s, 7, "per-benchmark timeout");
	ok(s->benches[1].memory_limit == 48u << 20 && s->benches[0].memory_limit == 0,
	   "per-benchmark memory limit, none by default");
	is_str(json_string_value(json_object_get(s->benches[1].params, "cpu-max-prime")), "5000",
	       "parameter set");
	is_str(json_string_value(json_object_get(s->benches[1].params, "threads")), "1",
	       "default filled in");
	is_int(json_object_size(s->benches[1].overrides), 2, "overrides kept apart");
	is_str(json_string_value(json_object_get(s->benches[6].params, "file-total-size")), "8M",
	       "glob entries share parameters");
	ok(s->order == SUITE_ORDER_SEQUENTIAL, "order");
	is_str(s->output, "/tmp/x", "output");
	is_str(s->pod_network, "cni", "options.pod-network");
	is_int(s->cri_timeout_s, 30, "options.cri-timeout");
	is_str(s->runsc_sandbox, "per-container", "options.runsc-sandbox");
	ok(s->syscall_latency, "options.syscall-latency");
	ok(strstr(s->text, "name: mine") == s->text, "suite text kept for meta");
	is_int(suite_cells(s), 21, "cells = targets × benchmarks");
	is_int(suite_runs(s), 3 * (3 + 5 + 5 * 3), "runs include warm-ups");
	ok(suite_estimate_s(s) > 0, "estimate is positive");

	steps = suite_plan(s, &n);
	is_int(n, suite_runs(s), "plan has every run");
	ok(steps[0].target == 0 && steps[0].bench == 0 && steps[0].round == 0 && steps[0].warmup &&
	       steps[1].target == 0 && steps[1].round == 1 && !steps[1].warmup &&
	       steps[3].target == 1,
	   "sequential: a target's runs in a row, warm-up first");
	free(steps);

	s->order = SUITE_ORDER_INTERLEAVED;
	steps = suite_plan(s, &n);
	ok(steps[0].target == 0 && steps[1].target == 1 && steps[2].target == 2 &&
	       steps[3].target == 0 && steps[3].round == 1 && steps[0].warmup && !steps[3].warmup,
	   "interleaved: A B C A B C");
	ok(steps[9].bench == 1 && steps[9].round == 0 && !steps[9].warmup,
	   "next benchmark after all rounds of the first");
	free(steps);
	suite_free(s);
}

static void restrict_suite(void)
{
	char *msg;
	struct suite *s = parse(good, &msg);
	assay_error_t err = NULL;
	char *globs[] = {"performance.disk.seq*", "performance.cpu.time"};
	char *none[] = {"performance.memlat"};

	free(msg);
	if (s == NULL) {
		ok(0, "restrict: suite parses");
		return;
	}
	is_int(suite_restrict(s, "oci/*,native,oci/runsc", globs, 2, 4, false, &err), 0,
	       "restrict targets and benchmarks");
	is_int(s->n_targets, 3, "glob picks suite targets, exact names may add new ones");
	is_str(s->targets[0].name, "oci/runc", "order of the list");
	is_str(s->targets[2].name, "oci/runsc", "added target");
	is_int(s->n_benches, 4, "benchmarks kept: cpu, seqrd, seqrewr, seqwr");
	is_int(s->benches[0].runs, 4, "--runs overrides");
	is_int(suite_restrict(s, NULL, NULL, 0, 0, true, &err), 0, "quick");
	ok(s->benches[0].runs == 1 && s->benches[0].warmup == 0, "quick: one run, no warm-up");
	is_str(json_string_value(json_object_get(s->benches[0].params, "cpu-max-prime")), "10000",
	       "quick parameters");
	is_int(suite_restrict(s, NULL, none, 1, 0, false, &err), -1, "glob matching nothing");
	is_str(err ? err->msg : NULL, "no benchmark of the suite matches `performance.memlat`",
	       "its message");
	assay_error_release(&err);
	is_int(suite_restrict(s, "oci/bad name", NULL, 0, 0, false, &err), -1, "bad target name");
	assay_error_release(&err);
	is_int(suite_restrict(s, "cri/*", NULL, 0, 0, false, &err), -1,
	       "target glob matching none");
	is_str(err ? err->msg : NULL, "no target of suite `mine` matches `cri/*`", "its message");
	assay_error_release(&err);
	suite_free(s);
}

#define MIN "targets: [native]\nbenchmarks: [performance.syscall]\n"

static void bad_suites(void)
{
	char *msg;
	struct suite *s = parse(MIN, &msg);

	ok(s != NULL, "minimal suite parses");
	if (s) {
		is_str(s->name, "t", "name defaults to the file's base name");
		ok(s->runs == 3 && s->warmup == 1 && s->order == SUITE_ORDER_INTERLEAVED &&
		       !strcmp(s->pod_network, "node") && !strcmp(s->runsc_sandbox, "per-pod") &&
		       s->benches[0].timeout_s == 120 && !s->syscall_latency,
		   "defaults: 3 runs, 1 warm-up, interleaved, node network, registry timeout, no "
		   "syscall latency");
	}
	suite_free(s);
	free(msg);

	s = parse(MIN "runs: auto\noptions: {auto-target: 2, auto-max-runs: 9, auto-budget: 5m}\n",
	          &msg);
	ok(s && s->runs_auto && s->runs == 3 && s->benches[0].runs == 3,
	   "runs: auto: 3 runs first, then more");
	ok(s && s->auto_target_pct == 2 && s->auto_max_runs == 9 && s->auto_budget_s == 300,
	   "auto-target, auto-max-runs, auto-budget");
	if (s) {
		suite_restrict(s, NULL, NULL, 0, 4, false, NULL);
		ok(!s->runs_auto && s->benches[0].runs == 4,
		   "--runs N: that many, no rounds added");
	}
	suite_free(s);
	free(msg);
	s = parse(MIN, &msg);
	ok(s && !s->runs_auto && s->auto_target_pct == 3 && s->auto_max_runs == 12 &&
	       s->auto_budget_s == 540,
	   "runs: auto is off unless asked; its defaults ±3%%, 12 runs, 540 s");
	suite_free(s);
	free(msg);

	bad("targets: [native\n",
	    "t.yaml:2:1: YAML syntax: did not find expected ',' or ']' while parsing a flow "
	    "sequence",
	    "YAML syntax error");
	bad("", "t.yaml:1:1: empty suite (expected a mapping with `targets` and `benchmarks`)",
	    "empty file");
	bad("- a\n", "t.yaml:1:1: suite: expected a mapping, got a sequence",
	    "top level not a mapping");
	bad(MIN "rnus: 3\n",
	    "t.yaml:3:1: suite: unknown key `rnus` (expected one of: name, description, targets, "
	    "benchmarks, runs, warmup, order, timeout, output, options)",
	    "unknown key");
	bad(MIN "runs: 3\nruns: 4\n", "t.yaml:4:1: suite: duplicate key `runs`", "duplicate key");
	bad("benchmarks: [performance.syscall]\n", "t.yaml:1:1: suite: missing key `targets`",
	    "missing targets");
	bad("targets: [native]\n", "t.yaml:1:1: suite: missing key `benchmarks`",
	    "missing benchmarks");
	bad(MIN "runs: abc\n", "t.yaml:3:7: runs: expected an integer >= 1, got `abc`",
	    "runs not a number");
	bad(MIN "runs: 0\n", "t.yaml:3:7: runs: expected an integer >= 1, got `0`", "runs zero");
	bad(MIN "warmup: -1\n", "t.yaml:3:9: warmup: expected an integer >= 0, got `-1`",
	    "negative warmup");
	bad(MIN "runs: [1]\n", "t.yaml:3:7: runs: expected a scalar, got a sequence",
	    "runs wrong type");
	bad(MIN "order: random\n",
	    "t.yaml:3:8: order: expected one of interleaved|sequential, got `random`", "bad order");
	bad(MIN "timeout: 5x\n",
	    "t.yaml:3:10: timeout: expected a duration of at least 1 s (e.g. 90, 90s, 2m), got "
	    "`5x`",
	    "bad duration");
	bad(MIN "name: ''\n", "t.yaml:3:7: name: expected a non-empty string", "empty name");
	bad(MIN "options: {runsc-sandbox: per-node}\n",
	    "t.yaml:3:26: runsc-sandbox: expected one of per-pod|per-container, got `per-node`",
	    "bad runsc sandbox mode");
	bad(MIN "options: {pod-network: bridge}\n",
	    "t.yaml:3:24: pod-network: expected one of node|cni, got `bridge`", "bad pod network");
	bad(MIN "options: {color: red}\n",
	    "t.yaml:3:11: options: unknown key `color` (expected one of: pod-network, cri-timeout, "
	    "runsc-sandbox, auto-target, auto-max-runs, auto-budget, syscall-latency)",
	    "unknown option");
	bad(MIN "options: {auto-max-runs: 1}\n",
	    "t.yaml:3:26: auto-max-runs: expected an integer >= 2, got `1`", "auto-max-runs >= 2");
	bad(MIN "options: {syscall-latency: maybe}\n",
	    "t.yaml:3:28: syscall-latency: expected one of true|false|on|off, got `maybe`",
	    "bad syscall-latency");
	bad(MIN "options: [x]\n", "t.yaml:3:10: options: expected a mapping, got a sequence",
	    "options wrong type");
	bad("targets: native\nbenchmarks: [performance.syscall]\n",
	    "t.yaml:1:10: targets: expected a sequence, got a scalar", "targets not a list");
	bad("targets: []\nbenchmarks: [performance.syscall]\n",
	    "t.yaml:1:10: targets: expected at least one target", "no targets");
	bad("targets: [native, oci]\nbenchmarks: [performance.syscall]\n",
	    "t.yaml:1:19: targets: expected native, oci/RUNTIME, cri/DAEMON/HANDLER, "
	    "engine/ENGINE/RUNTIME or lxc (e.g. "
	    "oci/runc, cri/containerd/runsc), got `oci`",
	    "bad target name");
	bad("targets: [native, native]\nbenchmarks: [performance.syscall]\n",
	    "t.yaml:1:19: targets: `native` listed twice", "duplicate target");
	bad("targets: [native]\nbenchmarks: [performance.cpu]\n",
	    "t.yaml:2:14: benchmarks: unknown benchmark `performance.cpu` (`collector list` shows "
	    "the names)",
	    "unknown benchmark (no prefix matching)");
	bad("targets: [native]\nbenchmarks: [nothing.*]\n",
	    "t.yaml:2:14: benchmarks: unknown benchmark `nothing.*` (`collector list` shows the "
	    "names)",
	    "glob matching nothing");
	bad("targets: [native]\nbenchmarks: [performance.syscall, performance.sys*]\n",
	    "t.yaml:2:35: benchmarks: performance.syscall listed twice", "benchmark twice");
	bad("targets: [native]\nbenchmarks:\n  - runs: 2\n",
	    "t.yaml:3:5: benchmarks: missing key `name`", "item without name");
	bad("targets: [native]\nbenchmarks:\n  - [a]\n",
	    "t.yaml:3:5: benchmarks: expected a benchmark name or a mapping with `name`, got a "
	    "sequence",
	    "item of the wrong type");
	bad("targets: [native]\nbenchmarks:\n  - name: performance.syscall\n    parms: {}\n",
	    "t.yaml:4:5: benchmarks: unknown key `parms` (expected one of: name, params, runs, "
	    "warmup, timeout, memory-limit)",
	    "unknown benchmark key");
	bad("targets: [native]\nbenchmarks:\n  - name: performance.syscall\n    memory-limit: 1M\n",
	    "t.yaml:4:19: memory-limit: expected a size of at least 4M (e.g. 64M, 1G, "
	    "268435456), got `1M`",
	    "memory limit too small");
	bad("targets: [native]\nbenchmarks:\n  - name: performance.cpu.time\n"
	    "    params: {cpu-max-prime: abc}\n",
	    "t.yaml:4:29: params of performance.cpu.time: `cpu-max-prime`: expected an integer >= "
	    "0, got `abc`",
	    "bad parameter value");
	bad("targets: [native]\nbenchmarks:\n  - name: performance.cpu.time\n"
	    "    params: {max-prime: 5}\n",
	    "t.yaml:4:14: params: unknown parameter `max-prime` of performance.cpu.time (expected "
	    "one of: cpu-max-prime, events, time, threads, warmup-time, percentile, rand-seed, "
	    "huge-pages, cpus, time-batch)",
	    "unknown parameter");
	bad("targets: [native]\nbenchmarks:\n  - name: performance.cpu.time\n"
	    "    params: {events: [1]}\n",
	    "t.yaml:4:22: params: expected a scalar, got a sequence", "parameter not a scalar");
	bad("targets: [native]\nbenchmarks:\n  - name: performance.cpu.time\n    runs: 0\n",
	    "t.yaml:4:11: runs: expected an integer >= 1, got `0`", "bad per-benchmark runs");
	bad("targets: [native]\nbenchmarks: []\n",
	    "t.yaml:2:13: benchmarks: expected at least one benchmark", "no benchmarks");
	bad("targets: [native]\nbenchmarks:\n  - name: performance.*\n"
	    "    params: {cpu-max-prime: 5}\n",
	    "t.yaml:4:14: params: unknown parameter `cpu-max-prime` of performance.disk.rndrd "
	    "(expected one of: time, file-num, file-total-size, file-block-size, file-extra-flags, "
	    "file-fsync-freq, file-fsync-end, file-fsync-mode, threads, warmup-time, percentile, "
	    "rand-seed, huge-pages, cpus, time-batch)",
	    "glob: a parameter must suit every benchmark it selects");
}

static void load_file(void)
{
	assay_error_t err = NULL;
	struct suite *s = NULL;

	is_int(suite_load("/nonexistent/x.yaml", &s, &err), -1, "missing file");
	is_str(err ? err->msg : NULL, "open suite `/nonexistent/x.yaml`: No such file or directory",
	       "missing file message");
	is_int(err ? err->exit_code : 0, 2, "missing file is a usage error");
	assay_error_release(&err);
	if (suite_load("suites/default.yaml", &s, &err) == 0) {
		ok(s->n_targets == 13 && s->n_benches >= 9,
		   "suites/default.yaml: every target, the "
		   "performance benchmarks");
		/* its fixed rounds leave runs: auto's budget time within the 10 minutes */
		ok(suite_estimate_s(s) < s->auto_budget_s,
		   "suites/default.yaml: fixed rounds estimated within auto-budget");
		ok(s->auto_budget_s <= 510, "suites/default.yaml: auto-budget leaves the report "
		                            "within 10 minutes");
		suite_free(s);
	} else {
		ok(0, "suites/default.yaml loads: %s", err->msg);
		assay_error_release(&err);
	}
	if (suite_load("suites/smoke.yaml", &s, &err) == 0) {
		ok(suite_runs(s) == s->n_targets * s->n_benches, "smoke: each cell once");
		ok(suite_estimate_s(s) < 120, "smoke estimated under 2 minutes");
		suite_free(s);
	} else {
		ok(0, "suites/smoke.yaml loads: %s", err->msg);
		assay_error_release(&err);
	}
}

/* The estimate follows what a run costs: defaults count, a quota stretches the work, every pod
 * of a scalability benchmark is started and destroyed, CRI-only kinds cost nothing elsewhere. */
static double estimate(const char *text)
{
	char *msg;
	struct suite *s = parse(text, &msg);
	double e = s ? suite_estimate_s(s) : -1;

	if (s == NULL)
		diag("%s", msg);
	free(msg);
	suite_free(s);
	return e;
}

static void estimates(void)
{
	double cpu =
	    estimate("targets: [cri/containerd/runc]\nruns: 1\nwarmup: 0\nbenchmarks:\n"
	             "  - name: limits.cpu.time\n    params: {events: 1000, quota: 100000, "
	             "period: 100000}\n");
	double cpu10 =
	    estimate("targets: [cri/containerd/runc]\nruns: 1\nwarmup: 0\nbenchmarks:\n"
	             "  - name: limits.cpu.time\n    params: {events: 1000, quota: 10000, "
	             "period: 100000}\n");
	double p5 = estimate("targets: [cri/containerd/runc]\nruns: 1\nwarmup: 0\nbenchmarks:\n"
	                     "  - scalability.runtime.5\n");
	double p50 = estimate("targets: [cri/containerd/runc]\nruns: 1\nwarmup: 0\nbenchmarks:\n"
	                      "  - scalability.runtime.50\n");
	double nat = estimate("targets: [native]\nruns: 1\nwarmup: 0\nbenchmarks:\n"
	                      "  - scalability.runtime.50\n");
	double dflt = estimate("targets: [native]\nruns: 1\nwarmup: 0\nbenchmarks:\n"
	                       "  - performance.cpu.time\n");

	ok(cpu > 0 && cpu10 > 5 * cpu, "a 10 %% quota stretches the estimate (%.2f s vs %.2f s)",
	   cpu10, cpu);
	ok(p5 > 0 && p50 > 5 * p5, "50 pods cost more than 5 (%.2f s vs %.2f s)", p50, p5);
	ok(nat == 0, "a CRI-only benchmark costs nothing on native (%.2f s)", nat);
	ok(dflt > 1, "default parameters count (performance.cpu.time: %.2f s)", dflt);
}

int main(void)
{
	ok(target_name_valid("native") && target_name_valid("oci/crun") &&
	       target_name_valid("cri/containerd/runsc") && target_name_valid("cri/crio/kata-qemu"),
	   "target names");
	ok(!target_name_valid("oci/") && !target_name_valid("cri/containerd") &&
	       !target_name_valid("cri//runc") && !target_name_valid("docker") &&
	       !target_name_valid("oci/run c"),
	   "bad target names");
	good_suite();
	restrict_suite();
	bad_suites();
	load_file();
	estimates();
	return tap_done();
}
