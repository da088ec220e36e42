/* assay-runsc: see runsc-adapter.h. Everything but `kill` ends in an exec of runsc, so the shim
 * sees runsc's own exit status, output and pid-file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runsc-adapter.h"

/* Runs argv; with out != NULL its stdout is captured there (NUL-terminated, truncated to len).
 * Returns the exit status, or -1 if it could not run or died of a signal. */
static int run(char **argv, char *out, size_t len)
{
	int fds[2] = {-1, -1}, status;
	size_t used = 0;
	pid_t pid;

	if (out && pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (out)
			dup2(fds[1], STDOUT_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "assay-runsc: exec `%s`: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (out) {
		ssize_t n;

		close(fds[1]);
		while (used + 1 < len && (n = read(fds[0], out + used, len - 1 - used)) != 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				break;
			used += (size_t)n;
		}
		out[used] = '\0';
		close(fds[0]);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *read_all(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	while (buf) {
		if (len + 1 == cap) {
			char *bigger = realloc(buf, cap *= 2);

			if (bigger == NULL)
				break;
			buf = bigger;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			buf[len] = '\0';
			return n < 0 ? (free(buf), NULL) : buf;
		}
		len += (size_t)n;
	}
	free(buf);
	return NULL;
}

/* runc's `update --resources FILE|- ID`, which runsc lacks: the limits go into the sandbox's
 * cgroups (with one sandbox per container, the container's). */
static int update(const struct adapter_cmd *cmd, const char *runsc, char **extra)
{
	static struct adapter_write writes[32];
	char state[16384], path[64], errbuf[1024];
	char **sargv = adapter_state_argv(cmd, runsc, extra);
	char *res = NULL, *cg = NULL;
	int fd, pid, n, ret = 1;

	if (cmd->resources == NULL || strcmp(cmd->resources, "-") == 0) {
		res = read_all(STDIN_FILENO);
	} else if ((fd = open(cmd->resources, O_RDONLY | O_CLOEXEC)) >= 0) {
		res = read_all(fd);
		close(fd);
	}
	if (res == NULL) {
		fprintf(stderr, "assay-runsc: update %s: cannot read the resources: %s\n", cmd->id,
		        strerror(errno));
		goto out;
	}
	if (run(sargv, state, sizeof(state)) != 0 || (pid = adapter_state_pid(state)) <= 0) {
		fprintf(stderr, "assay-runsc: update %s: no running sandbox\n", cmd->id);
		goto out;
	}
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		cg = read_all(fd);
		close(fd);
	}
	if (cg == NULL) {
		fprintf(stderr, "assay-runsc: update %s: read %s: %s\n", cmd->id, path,
		        strerror(errno));
		goto out;
	}
	n = adapter_update_plan(res, cg, "/sys/fs/cgroup", writes, 32, errbuf, sizeof(errbuf));
	if (n < 0 || adapter_apply(writes, (size_t)n, errbuf, sizeof(errbuf)) < 0) {
		fprintf(stderr, "assay-runsc: update %s: %s\n", cmd->id, errbuf);
		goto out;
	}
	ret = 0;
out:
	free(sargv);
	free(res);
	free(cg);
	return ret;
}

int main(int argc, char **argv)
{
	const char *runsc = getenv("ASSAY_RUNSC");
	char *extra_s = getenv("ASSAY_RUNSC_FLAGS");
	struct adapter_cmd cmd;
	char errbuf[1024];
	char **extra, **rargv;
	int ret;

	if (runsc == NULL || *runsc == '\0')
		runsc = "runsc";
	if (adapter_parse(argc, argv, &cmd, errbuf, sizeof(errbuf)) < 0) {
		fprintf(stderr, "assay-runsc: %s\n", errbuf);
		return 2;
	}
	extra_s = extra_s ? strdup(extra_s) : NULL;
	extra = adapter_split_flags(extra_s);
	if (cmd.command && strcmp(cmd.command, "create") == 0 &&
	    adapter_rewrite_bundle(cmd.bundle, errbuf, sizeof(errbuf)) < 0) {
		fprintf(stderr, "assay-runsc: create %s: %s\n", cmd.id ? cmd.id : "", errbuf);
		return 1;
	}
	if (cmd.command && strcmp(cmd.command, "update") == 0 && cmd.id) {
		ret = update(&cmd, runsc, extra);
		free(extra);
		free(extra_s);
		return ret;
	}
	rargv = adapter_runsc_argv(&cmd, runsc, extra);
	if (cmd.command == NULL || strcmp(cmd.command, "kill") != 0 || cmd.id == NULL) {
		execvp(rargv[0], rargv);
		fprintf(stderr, "assay-runsc: exec `%s`: %s\n", rargv[0], strerror(errno));
		return 127;
	}

	ret = run(rargv, NULL, 0);
	if (ret != 0) {
		/* The shim kills on every stop, also after the sandbox (whose pid it watched) has
		 * exited by itself; runsc refuses that, runc does not. */
		char state[16384];
		char **sargv = adapter_state_argv(&cmd, runsc, extra);

		if (run(sargv, state, sizeof(state)) == 0 && adapter_state_stopped(state) == 1)
			ret = 0;
		free(sargv);
	}
	free(rargv);
	free(extra);
	free(extra_s);
	return ret < 0 ? 1 : ret;
}
