/* assay-runsc: see runsc-adapter.h and runsc-pod.h. Every command but kill, update and a per-pod
 * sub-container's create and start ends in an exec of runsc, so the shim sees runsc's own exit
 * status, output and pid-file. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runsc-adapter.h"
#include "runsc-pod.h"

/* runc's `update --resources FILE|- ID`, which runsc lacks: the limits go into the sandbox's
 * cgroups (with one sandbox per container, the container's; per pod, the pod's Sentry's). */
static int update(const struct adapter_cmd *cmd, const char *runsc, char *const *extra)
{
	char errbuf[1024];
	char *res = NULL;
	int fd, ret = 1;

	if (cmd->resources == NULL || strcmp(cmd->resources, "-") == 0) {
		res = adapter_read_all(STDIN_FILENO);
	} else if ((fd = open(cmd->resources, O_RDONLY | O_CLOEXEC)) >= 0) {
		res = adapter_read_all(fd);
		close(fd);
	}
	if (res == NULL) {
		fprintf(stderr, "assay-runsc: update %s: cannot read the resources: %s\n", cmd->id,
		        strerror(errno));
		return 1;
	}
	if (adapter_limit_sandbox(cmd, runsc, extra, res, errbuf, sizeof(errbuf)) < 0)
		fprintf(stderr, "assay-runsc: update %s: %s\n", cmd->id, errbuf);
	else
		ret = 0;
	free(res);
	return ret;
}

/* The argument after the container id (kill's signal), or NULL. */
static const char *after_id(const struct adapter_cmd *cmd)
{
	for (int i = cmd->cmd_index + 1; i + 1 < cmd->argc; i++)
		if (cmd->argv[i] == cmd->id)
			return cmd->argv[i + 1];
	return NULL;
}

static bool is(const struct adapter_cmd *cmd, const char *command)
{
	return cmd->command && cmd->id && !strcmp(cmd->command, command);
}

/* create: per container, the bundle turns into a sandbox of its own; per pod, a sub-container
 * gets its waiter (runsc-pod.h). -1: go on to exec runsc create as it is. */
static int create(const struct adapter_cmd *cmd, enum adapter_sandbox_mode mode, const char *runsc,
                  char *const *extra)
{
	char errbuf[1024];
	char *type = NULL, *sandbox_id = NULL;
	int ret = -1;

	if (mode == ADAPTER_PER_CONTAINER) {
		if (adapter_rewrite_bundle(cmd->bundle, errbuf, sizeof(errbuf)) < 0) {
			fprintf(stderr, "assay-runsc: create %s: %s\n", cmd->id, errbuf);
			return 1;
		}
		return -1;
	}
	if (adapter_bundle_info(cmd->bundle, &type, &sandbox_id, errbuf, sizeof(errbuf)) < 0) {
		fprintf(stderr, "assay-runsc: create %s: %s\n", cmd->id, errbuf);
		return 1;
	}
	if (type && sandbox_id && !strcmp(type, "container"))
		ret = adapter_pod_create(cmd, runsc, extra, sandbox_id);
	free(type);
	free(sandbox_id);
	return ret;
}

/* kill: a created sub-container's waiter dies of the signal; a sandbox that already stopped is
 * killed successfully (the shim kills on every stop, runsc refuses a stopped one, runc does
 * not). */
static int kill_container(const struct adapter_cmd *cmd, const char *runsc, char *const *extra)
{
	const char *sig = after_id(cmd);
	char req[64], state[16384];
	char **rargv, **sargv;
	int ret;

	snprintf(req, sizeof(req), "kill %d", adapter_signal_number(sig ? sig : "TERM"));
	if ((ret = adapter_pod_request(cmd, req)) >= 0)
		return ret;
	rargv = adapter_runsc_argv(cmd, runsc, extra);
	ret = adapter_run(rargv, NULL, 0);
	free(rargv);
	if (ret != 0) {
		sargv = adapter_sub_argv(cmd, runsc, extra, "state");
		if (adapter_run(sargv, state, sizeof(state)) == 0 &&
		    adapter_state_stopped(state) == 1)
			ret = 0;
		free(sargv);
	}
	return ret < 0 ? 1 : ret;
}

static int run_command(const struct adapter_cmd *cmd, const char *runsc, char *const *extra)
{
	enum adapter_sandbox_mode mode;
	char **rargv;
	int ret;

	if (adapter_sandbox_mode(getenv(ADAPTER_SANDBOX_ENV), &mode) < 0) {
		fprintf(stderr, "assay-runsc: $%s: expected per-pod or per-container, got `%s`\n",
		        ADAPTER_SANDBOX_ENV, getenv(ADAPTER_SANDBOX_ENV));
		return 2;
	}
	if (is(cmd, "create") && (ret = create(cmd, mode, runsc, extra)) >= 0)
		return ret;
	if (is(cmd, "update"))
		return update(cmd, runsc, extra);
	if (is(cmd, "kill"))
		return kill_container(cmd, runsc, extra);
	/* a sub-container waiting for its start: its waiter starts it with the container's stdio */
	if (is(cmd, "start") && (ret = adapter_pod_request(cmd, "start")) >= 0)
		return ret;
	if (is(cmd, "delete"))
		adapter_pod_request(cmd, "delete");
	rargv = adapter_runsc_argv(cmd, runsc, extra);
	execvp(rargv[0], rargv);
	fprintf(stderr, "assay-runsc: exec `%s`: %s\n", rargv[0], strerror(errno));
	free(rargv);
	return 127;
}

int main(int argc, char **argv)
{
	const char *runsc = getenv("ASSAY_RUNSC");
	char *extra_s = getenv("ASSAY_RUNSC_FLAGS");
	struct adapter_cmd cmd;
	char errbuf[1024];
	char **extra;
	int ret;

	if (runsc == NULL || *runsc == '\0')
		runsc = "runsc";
	if (adapter_parse(argc, argv, &cmd, errbuf, sizeof(errbuf)) < 0) {
		fprintf(stderr, "assay-runsc: %s\n", errbuf);
		return 2;
	}
	extra_s = extra_s ? strdup(extra_s) : NULL;
	extra = adapter_split_flags(extra_s);
	ret = run_command(&cmd, runsc, extra);
	free(extra);
	free(extra_s);
	return ret;
}
