/* pause: the pod sandbox's process. It is PID 1 in the pod's namespace, where signals without a
 * handler are ignored, so SIGINT/SIGTERM are taken explicitly (exit 0), and as every orphan of
 * the namespace is re-parented to it, it reaps children. With --json it first prints one line,
 * {"workload":"pause","version":...,"start_ns":...}, so start-up can be measured like the other
 * workloads. It does not use the harness's run loop: there is nothing to time. */
#include "harness/harness.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static void pause_usage(FILE *out)
{
	fprintf(out, "Usage: pause [--json[=on|off]] [--help] [--version]\n"
	             "Pod sandbox process: sleeps until SIGINT or SIGTERM (then exits 0), reaping "
	             "children.\n\n"
	             "  --json=[on|off]  print {\"workload\":\"pause\",\"version\":...,"
	             "\"start_ns\":...} on one line first [off]\n"
	             "  --help           print this help and exit\n"
	             "  --version        print the version and exit\n");
}

/* 0 to run, 1 to exit 0 (help/version printed), 2 for bad usage (message printed). */
static int pause_parse(int argc, char **argv, bool *json)
{
	*json = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help")) {
			pause_usage(stdout);
			return 1;
		}
		if (!strcmp(a, "--version")) {
			printf("pause (assay %s)\n", ASSAY_VERSION);
			return 1;
		}
		if (!strcmp(a, "--json")) {
			if (i + 1 < argc && wl_parse_bool(argv[i + 1], json) == 0)
				i++;
			else
				*json = true;
			continue;
		}
		if (!strncmp(a, "--json=", 7)) {
			if (wl_parse_bool(a + 7, json) < 0) {
				fprintf(stderr,
				        "pause: %s: accepted values: on|off|true|false|1|0\n", a);
				return 2;
			}
			continue;
		}
		fprintf(stderr,
		        "pause: unknown option '%s'; accepted options: --json --help "
		        "--version\n",
		        a);
		return 2;
	}
	return 0;
}

static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

int pause_main(int argc, char **argv, uint64_t start_ns);

int pause_main(int argc, char **argv, uint64_t start_ns)
{
	sigset_t set;
	bool json;
	int rc = pause_parse(argc, argv, &json);

	if (rc)
		return rc == 1 ? 0 : 2;
	/* Blocked and taken with sigwaitinfo: no handler races, and PID 1 gets them too. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (json) {
		printf("{\"workload\":\"pause\",\"version\":\"%s\",\"start_ns\":%" PRIu64 "}\n",
		       ASSAY_VERSION, start_ns);
		fflush(stdout);
	}
	for (;;) {
		int sig = sigwaitinfo(&set, NULL);
		if (sig < 0) {
			if (errno == EINTR)
				continue;
			perror("pause: sigwaitinfo");
			return 1;
		}
		if (sig == SIGCHLD) {
			reap();
			continue;
		}
		reap();
		return 0;
	}
}

#ifndef WORKLOAD_NO_MAIN
int main(int argc, char **argv)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return pause_main(argc, argv, (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
}
#endif
