/* See proc.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/fs.h"
#include "lib/proc.h"
#include "lib/signals.h"
#include "lib/util.h"

extern char **environ;

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

bool proc_which(const char *bin, char **path)
{
	const char *env = getenv("PATH");
	cleanup_free char *copy = xstrdup(env && *env ? env : DEFAULT_PATH);
	char *dir, *save = NULL;

	if (strchr(bin, '/')) {
		if (access(bin, X_OK) < 0)
			return false;
		if (path)
			*path = xstrdup(bin);
		return true;
	}
	for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		cleanup_free char *p = xasprintf("%s/%s", dir, bin);
		struct stat st;

		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0) {
			if (path)
				*path = steal_pointer(&p);
			return true;
		}
	}
	return false;
}

int proc_spawn(const struct proc_opts *o, pid_t *pid_out, assay_error_t *err)
{
	cleanup_free char *prog = NULL;
	cleanup_free char *failed = NULL;
	char *const *envp = o->envp ? o->envp : environ;
	int p[2], child_errno = 0;
	pid_t pid, parent = getpid();
	ssize_t r;

	/* everything the child needs is ready before the fork */
	if (!proc_which(o->argv[0], &prog))
		return assay_error_make(err, ENOENT, "exec `%s`", o->argv[0]);
	failed = xasprintf("collector: exec `%s` failed\n", o->argv[0]);
	if (pipe2(p, O_CLOEXEC) < 0)
		return assay_error_make(err, errno, "pipe2");
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return assay_error_make(err, errno, "fork `%s`", o->argv[0]);
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
		sigset_t none;
		char c;

		if (!o->interactive)
			setpgid(0, 0);
		if (o->pdeathsig && (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent))
			goto fail;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (!o->interactive &&
		    (nul < 0 || dup2(nul, 0) < 0 || dup2(o->out_fd >= 0 ? o->out_fd : nul, 1) < 0 ||
		     dup2(o->err_fd >= 0 ? o->err_fd : nul, 2) < 0))
			goto fail;
		if (o->cwd && chdir(o->cwd) < 0)
			goto fail;
		while (o->gate > 0 && read(o->gate, &c, 1) < 0 && errno == EINTR)
			;
		execve(prog, o->argv, envp);
	fail:
		child_errno = errno;
		if (o->gate > 0)
			r = write(2, failed, strlen(failed));
		else
			r = write(p[1], &child_errno, sizeof(child_errno));
		(void)r;
		_exit(127);
	}
	if (!o->interactive)
		setpgid(pid, pid);
	close(p[1]);
	if (o->gate > 0) {
		close(p[0]);
		*pid_out = pid;
		return 0;
	}
	do
		r = read(p[0], &child_errno, sizeof(child_errno));
	while (r < 0 && errno == EINTR);
	close(p[0]);
	if (r == (ssize_t)sizeof(child_errno)) {
		waitpid(pid, NULL, 0);
		return assay_error_make(err, child_errno, "exec `%s`", o->argv[0]);
	}
	*pid_out = pid;
	return 0;
}

static int decode_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

int proc_wait(pid_t pid, uint64_t timeout_ns, bool stoppable, int *status, assay_error_t *err)
{
	uint64_t deadline = timeout_ns ? assay_now_ns(CLOCK_MONOTONIC) + timeout_ns : 0;
	cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int st;

	/* without pidfds (old kernels, valgrind) poll the child every 10 ms */
	if (pidfd < 0 && errno != ENOSYS)
		return assay_error_make(err, errno, "pidfd_open %d", (int)pid);
	for (;;) {
		struct pollfd fds[2] = {{.fd = pidfd, .events = POLLIN},
		                        {.fd = stoppable ? signals_fd() : -1, .events = POLLIN}};
		int ms = -1;
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid) {
			*status = decode_status(st);
			return PROC_EXITED;
		}
		if (w < 0 && errno != EINTR)
			return assay_error_make(err, errno, "waitpid %d", (int)pid);
		if (stoppable && signals_pending())
			return PROC_STOPPED;
		if (deadline) {
			uint64_t now = assay_now_ns(CLOCK_MONOTONIC);

			if (now >= deadline)
				return PROC_TIMED_OUT;
			ms = (int)((deadline - now + 999999) / 1000000);
		}
		if (pidfd < 0) {
			fds[0].fd = -1;
			if (ms < 0 || ms > 10)
				ms = 10;
		}
		if (poll(fds, 2, ms) < 0 && errno != EINTR)
			return assay_error_make(err, errno, "poll");
	}
}

void proc_kill_reap(pid_t pid, int *status)
{
	int st = 0;

	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*status = decode_status(st);
}

/* The last non-empty line of text, or NULL. */
static const char *last_line(char *text)
{
	char *end = text + strlen(text), *start;

	while (end > text && isspace((unsigned char)end[-1]))
		*--end = '\0';
	start = end;
	while (start > text && start[-1] != '\n')
		start--;
	return *start ? start : NULL;
}

int proc_command(char *const *argv, uint64_t timeout_ns, char **out, char **errline,
                 assay_error_t *err)
{
	cleanup_close int outfd = out ? memfd_create("assay-out", MFD_CLOEXEC) : -1;
	cleanup_close int errfd = errline ? memfd_create("assay-err", MFD_CLOEXEC) : -1;
	struct proc_opts o = {.argv = argv, .out_fd = outfd, .err_fd = errfd};
	pid_t pid;
	int ret, status = -1;

	if ((out && outfd < 0) || (errline && errfd < 0))
		return assay_error_make(err, errno, "memfd_create");
	if (proc_spawn(&o, &pid, err) < 0)
		return -1;
	ret = proc_wait(pid, timeout_ns, false, &status, err);
	if (ret < 0) {
		proc_kill_reap(pid, &status);
		return -1;
	}
	if (ret == PROC_TIMED_OUT)
		proc_kill_reap(pid, &status);
	if (out) {
		lseek(outfd, 0, SEEK_SET);
		free(*out);
		*out = fs_read_fd(outfd, 16 << 20, NULL);
	}
	if (errline && (ret == PROC_TIMED_OUT || status != 0)) {
		cleanup_free char *text = NULL;
		const char *line;

		lseek(errfd, 0, SEEK_SET);
		text = fs_read_fd(errfd, 1 << 20, NULL);
		line = last_line(text);
		free(*errline);
		if (ret == PROC_TIMED_OUT)
			*errline = xasprintf("`%s` timed out", argv[0]);
		else if (line)
			*errline = xasprintf("%.400s", line);
		else
			*errline = xasprintf("`%s` exited with status %d", argv[0], status);
	}
	return ret == PROC_TIMED_OUT ? 124 : status;
}

char *proc_tool_version(const char *bin)
{
	char *argv[] = {(char *)bin, "--version", NULL};
	assay_error_t err = NULL;
	cleanup_free char *text = NULL;
	int status;
	char *nl;

	if (!proc_which(bin, NULL))
		return xstrdup("not installed");
	status = proc_command(argv, 10ull * 1000000000, &text, NULL, &err);
	if (status < 0 || status == 124) {
		assay_error_release(&err);
		return xstrdup("unknown (--version failed)");
	}
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	if (*text == '\0')
		return xasprintf("unknown (--version exited %d)", status);
	return xstrdup(text);
}

int proc_each(int (*fn)(const struct proc_info *p, void *ctx), void *ctx)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int ret = 0;

	while (ret == 0 && d && (de = readdir(d))) {
		cleanup_free char *cmd = NULL;
		cleanup_free char *cg = NULL;
		char path[64], *end;
		long pid = strtol(de->d_name, &end, 10);
		size_t len = 0;

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
		cmd = fs_read(path, 16384, &len);
		for (size_t i = 0; cmd && i < len; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		snprintf(path, sizeof(path), "/proc/%ld/cgroup", pid);
		cg = fs_read(path, 16384, NULL);
		ret = fn(&(struct proc_info){.pid = (pid_t)pid,
		                             .cmdline = cmd ? cmd : "",
		                             .cgroup = cg ? cg : ""},
		         ctx);
	}
	if (d)
		closedir(d);
	return ret;
}

struct find {
	const char *a, *b;
};

static int find_one(const struct proc_info *p, void *ctx)
{
	const struct find *f = ctx;

	if (strstr(p->cmdline, f->a) && (f->b == NULL || strstr(p->cmdline, f->b)))
		return (int)p->pid;
	return 0;
}

pid_t proc_find(const char *a, const char *b)
{
	struct find f = {a, b};

	return (pid_t)proc_each(find_one, &f);
}

bool proc_alive(pid_t pid)
{
	cleanup_free char *path = xasprintf("/proc/%d/stat", (int)pid);
	cleanup_free char *stat = fs_read(path, 4096, NULL);
	const char *end = stat ? strrchr(stat, ')') : NULL;

	/* "PID (COMM) STATE ...": COMM may hold blanks and parentheses, the last ')' ends it */
	return end && end[1] == ' ' && end[2] != 'Z' && end[2] != 'X';
}
