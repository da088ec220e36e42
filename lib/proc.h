/* Child processes and the host's process table: the one way assay forks, execs, waits (with a
 * timeout, and returning at once on a stop signal) and runs short helper commands. */
#ifndef ASSAY_PROC_H
#define ASSAY_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/error.h"

/* How a wait ended (proc_wait). */
enum proc_wait {
	PROC_EXITED = 0,    /* *status holds its exit code, or 128 + signal */
	PROC_TIMED_OUT = 1, /* the timeout passed first: it still runs */
	PROC_STOPPED = 2,   /* a stop signal arrived (signals.h): it still runs */
};

struct proc_opts {
	char *const *argv;  /* argv[0] is looked up in PATH unless it has a '/' */
	char *const *envp;  /* NULL: the collector's environment */
	const char *cwd;    /* NULL: the collector's */
	int out_fd, err_fd; /* stdout and stderr; -1: /dev/null. stdin is /dev/null */
	bool pdeathsig;     /* SIGTERM when the collector dies (daemons it starts) */
	/* The collector's own stdin, stdout and stderr, and its process group (`collector trace`
	 * runs a command as the user's shell would); out_fd/err_fd are then not used. */
	bool interactive;
	/* > 0: the read end of a pipe the child waits on before it execs (until a byte comes or
	 * the pipe closes), so the caller can hand its pid to the tracer first. */
	int gate;
};

/* Forks and execs o->argv in a process group of its own (a terminal's ^C reaches only the
 * collector, which tears down in order), with the default signal mask and dispositions. Only
 * async-signal-safe calls run between fork and exec (gRPC threads may run). An exec failure
 * comes back as an error naming the program; with a gate it cannot (the pid is returned before
 * the exec): the child then says so on its stderr and exits 127. */
int proc_spawn(const struct proc_opts *o, pid_t *pid, assay_error_t *err);

/* Waits for pid with a timeout (0: none); with stoppable, a pending stop signal ends the wait
 * too. The child is not killed. Returns an enum proc_wait, or <0 on errors. */
int proc_wait(pid_t pid, uint64_t timeout_ns, bool stoppable, int *status, assay_error_t *err);

/* SIGKILL to pid's process group and to pid, then reaps it; *status as proc_wait's. */
void proc_kill_reap(pid_t pid, int *status);

/* The time a helper command (tar, cp, a runtime's delete) gets. */
#define PROC_HELPER_TIMEOUT_NS (60ull * 1000000000)

/* Runs a short helper command to its end (a stop signal does not cut it: helpers are part of
 * tearing down), killing it after timeout_ns. *out (may be NULL: discarded) gets its stdout,
 * *errline (may be NULL) the last line of its stderr when it failed, or a sentence saying how.
 * Returns its exit status (124 after the timeout), or <0 when it could not run. */
int proc_command(char *const *argv, uint64_t timeout_ns, char **out, char **errline,
                 assay_error_t *err);

/* "runc version 1.1.5" style first line of `BIN --version`, or "not installed". */
char *proc_tool_version(const char *bin);
/* Whether an executable named bin is in PATH (a path with '/' is checked as it is); its full
 * path, malloc'd, into *path when path is not NULL. */
bool proc_which(const char *bin, char **path);
/* What /proc says of one process (proc_each). */
struct proc_info {
	pid_t pid;
	const char *cmdline; /* its arguments, the NULs as spaces; "" when it has none */
	const char *cgroup;  /* /proc/PID/cgroup as it reads, "" when gone */
};
/* Calls fn for every process of the host until fn returns non-zero, which proc_each then
 * returns (0 after the last). */
int proc_each(int (*fn)(const struct proc_info *p, void *ctx), void *ctx);
/* The first process whose command line (NULs as spaces) contains a and, unless NULL, b; 0 when
 * none does. */
pid_t proc_find(const char *a, const char *b);
/* Whether pid exists and is no zombie (one that died but is not reaped yet is not alive). */
bool proc_alive(pid_t pid);

#endif
