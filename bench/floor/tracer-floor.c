/* `tracer-floor [--sys-enter] -- CMD [ARG...]`: runs CMD with the floor attached (empty tp_btf
 * programs on the hooks of assay's tracer, floor.bpf.c; --sys-enter adds sys_enter, the hook
 * --syscall-latency adds) and exits with CMD's status. Used by bench/tracer. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "floor.skel.h"

int main(int argc, char **argv)
{
	struct floor *skel;
	int i = 1, status = 0;
	int sys_enter = 0;
	pid_t pid;

	if (i < argc && !strcmp(argv[i], "--sys-enter")) {
		sys_enter = 1;
		i++;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	if (i >= argc) {
		fprintf(stderr, "usage: tracer-floor [--sys-enter] -- CMD [ARG...]\n");
		return 2;
	}
	skel = floor__open();
	if (skel == NULL) {
		fprintf(stderr, "tracer-floor: open: %s\n", strerror(errno));
		return 1;
	}
	bpf_program__set_autoattach(skel->progs.floor_sys_enter, sys_enter);
	if (floor__load(skel) < 0 || floor__attach(skel) < 0) {
		fprintf(stderr, "tracer-floor: load/attach: %s (root?)\n", strerror(errno));
		floor__destroy(skel);
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		execvp(argv[i], argv + i);
		fprintf(stderr, "tracer-floor: exec %s: %s\n", argv[i], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		status = 1 << 8;
	floor__destroy(skel);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
