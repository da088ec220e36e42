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
