/* collector run: options → run_suite. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cri/cri.h"
#include "lib/filter.h"
#include "run/run.h"
#include "tracer/tracer.h"
#include "lib/util.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: collector run [-s SUITE.yaml] [--endpoint URI] [--targets LIST]\n"
	    "                     [--benchmarks GLOBS] [--runs N] [--quick] [-o DIR] [-v|-q]\n"
	    "                     [--no-trace] [--syscall-latency] [--no-report]\n\n"
	    "Runs a suite (default suites/default.yaml): every target x benchmark x run, and "
	    "writes\n"
	    "results.json, summary.tsv and runs.tsv into DIR (default "
	    "results/<timestamp>-<suite>/),\n"
	    "then the figures and DIR/index.html (collector report). Prints DIR on stdout.\n\n"
	    "  -s, --suite FILE       suite to run\n"
	    "      --endpoint URI     use this CRI daemon (unix:///path.sock) instead of starting "
	    "an\n"
	    "                         embedded containerd; also $CONTAINER_RUNTIME_ENDPOINT or\n"
	    "                         runtime-endpoint in /etc/crictl.yaml, as crictl does. It is "
	    "never\n"
	    "                         stopped; the images must be imported there beforehand.\n"
	    "      --targets LIST     comma-separated targets replacing the suite's: native,\n"
	    "                         oci/RUNTIME, cri/DAEMON/HANDLER (containerd, crio),\n"
	    "                         engine/ENGINE/RUNTIME (docker, podman), lxc\n"
	    "      --benchmarks GLOBS comma-separated names or globs (performance.disk.*)\n"
	    "      --runs N           measured runs per cell\n"
	    "      --quick            1 run per cell, no warm-up, each benchmark's quick "
	    "parameters\n"
	    "                         (about a second of work each): a check, not a measurement\n"
	    "  -o, --output DIR       results directory\n"
	    "  -v, --verbose          one line per run\n"
	    "  -q, --quiet            only errors\n"
	    "      --no-trace         no eBPF attribution\n"
	    "      --syscall-latency  per-syscall latency histograms in the attribution (two "
	    "clock\n"
	    "                         reads per syscall; also the suite option syscall-latency)\n"
	    "      --no-report        no figures or index.html at the end (collector report DIR\n"
	    "                         draws them later)\n"
	    "  -h, --help             this text\n\n"
	    "Targets that cannot run here are skipped with the reason. SIGINT/SIGTERM stop the "
	    "run,\n"
	    "remove everything it started and keep the results so far. Exit status: 0 every run\n"
	    "succeeded, 1 a run failed, 2 usage or configuration error, 130/143 interrupted.\n");
}

enum {
	OPT_ENDPOINT = 256,
	OPT_TARGETS,
	OPT_BENCHMARKS,
	OPT_RUNS,
	OPT_QUICK,
	OPT_NO_TRACE,
	OPT_SYSCALL_LATENCY,
	OPT_NO_REPORT,
};

int cmd_run(int argc, char **argv, assay_error_t *err)
{
	static const struct option longopts[] = {
	    {"suite", required_argument, NULL, 's'},
	    {"endpoint", required_argument, NULL, OPT_ENDPOINT},
	    {"targets", required_argument, NULL, OPT_TARGETS},
	    {"benchmarks", required_argument, NULL, OPT_BENCHMARKS},
	    {"runs", required_argument, NULL, OPT_RUNS},
	    {"quick", no_argument, NULL, OPT_QUICK},
	    {"output", required_argument, NULL, 'o'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"no-trace", no_argument, NULL, OPT_NO_TRACE},
	    {"syscall-latency", no_argument, NULL, OPT_SYSCALL_LATENCY},
	    {"no-report", no_argument, NULL, OPT_NO_REPORT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct run_options opts = {.trace = true, .report = true};
	cleanup_free char *endpoint = NULL;
	const char *endpoint_flag = NULL, *benchmarks = NULL;
	char **globs = NULL;
	size_t n_globs = 0;
	int c, ret;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:o:vqh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			opts.suite_path = optarg;
			break;
		case OPT_ENDPOINT:
			endpoint_flag = optarg;
			break;
		case OPT_TARGETS:
			opts.targets = optarg;
			break;
		case OPT_BENCHMARKS:
			benchmarks = optarg;
			break;
		case OPT_RUNS: {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*optarg == '\0' || *end || v < 1 || v > 100000)
				return assay_error_usage(
				    err, "run: --runs: expected an integer >= 1, got `%s`", optarg);
			opts.runs = (int)v;
			break;
		}
		case OPT_QUICK:
			opts.quick = true;
			break;
		case 'o':
			opts.out_dir = optarg;
			break;
		case 'v':
			opts.verbosity = 1;
			break;
		case 'q':
			opts.verbosity = -1;
			break;
		case OPT_NO_TRACE:
			opts.trace = false;
			break;
		case OPT_SYSCALL_LATENCY:
			opts.syscall_latency = true;
			break;
		case OPT_NO_REPORT:
			opts.report = false;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			return assay_error_usage(err, "run: option `%s` needs a value (see --help)",
			                         argv[optind - 1]);
		default:
			return assay_error_usage(err, "run: unknown option `%s` (see --help)",
			                         argv[optind - 1]);
		}
	}
	if (optind < argc)
		return assay_error_usage(err, "run: unexpected argument `%s` (see --help)",
		                         argv[optind]);
	if (cri_endpoint_resolve(endpoint_flag, &endpoint, NULL, err) < 0)
		return -1;
	opts.endpoint = endpoint;
	if (benchmarks && filter_split(benchmarks, &globs, &n_globs, err) < 0)
		return -1;
	opts.benchmark_globs = globs;
	/* from here on a ^C is the engine's to handle (loading the tracer takes a while) */
	if (signals_install(err) < 0) {
		filter_free(globs);
		return -1;
	}
	if (opts.trace && trace_observer_new(&opts.observer, err) < 0) {
		signals_restore();
		filter_free(globs);
		return -1;
	}
	ret = run_suite(&opts, err);
	trace_observer_free(opts.observer);
	signals_restore();
	filter_free(globs);
	return ret;
}
