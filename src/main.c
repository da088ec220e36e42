/* build/collector: dispatch to the subcommand (crun-style commands[] table). */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "lib/error.h"
#include "version.h"

static const struct {
	const char *name;
	assay_command_fn fn;
	const char *summary;
} commands[] = {
    {"run", cmd_run, "run a suite of benchmarks across targets and write results"},
    {"list", cmd_list, "list benchmarks (optionally matching globs)"},
    {"validate", cmd_validate, "check a suite file without running it"},
    {"version", cmd_version, "versions of assay, the CRI daemon and the OCI runtimes"},
    {"export-crictl", cmd_export_crictl, "write pod.json/container.json for crictl"},
    {"trace", cmd_trace, "attribute a command's CPU and syscalls to roles (eBPF)"},
    {"report", cmd_report, "draw figures and write index.html for results directories"},
    {"table", cmd_table, "print the TouchStone Table 1 layout of a results directory"},
    {"check", cmd_check, "regression gate: a results directory against a baseline one"},
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: collector COMMAND [OPTION...]\n\n"
	           "assay measures what a container runtime costs and who pays for it.\n\n"
	           "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
	        "\n`collector COMMAND --help` tells more. Exit status: 0 success, 1 a run failed,\n"
	        "2 usage or configuration error.\n");
}

int main(int argc, char **argv)
{
	assay_error_t err = NULL;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("assay %s\n", ASSAY_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		ret = commands[i].fn(argc - 1, argv + 1, &err);
		if (ret < 0)
			return assay_error_print(&err, "collector");
		return ret;
	}
	fprintf(stderr, "collector: unknown command `%s`\n\n", argv[1]);
	usage(stderr);
	return 2;
}
