/* What the targets share: names, child processes with timeouts and stop signals, workload
 * output parsing, phases, image extraction. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "targets/target.h"
#include "lib/fs.h"
#include "lib/util.h"

static bool valid_word(const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

/* native | oci/<runtime> | cri/<daemon>/<handler> */
static int parse_name(const char *name, enum target_kind *kind, char **runtime, char **daemon)
{
	const char *a, *b;

	*runtime = *daemon = NULL;
	if (!strcmp(name, "native")) {
		*kind = TARGET_NATIVE;
		return 0;
	}
	if (!strncmp(name, "oci/", 4)) {
		a = name + 4;
		if (!valid_word(a, strlen(a)))
			return -1;
		*kind = TARGET_OCI;
		*runtime = xstrdup(a);
		return 0;
	}
	if (!strncmp(name, "cri/", 4)) {
		a = name + 4;
		b = strchr(a, '/');
		if (b == NULL || !valid_word(a, (size_t)(b - a)) ||
		    !valid_word(b + 1, strlen(b + 1)))
			return -1;
		*kind = TARGET_CRI;
		*daemon = strndup(a, (size_t)(b - a));
		*runtime = xstrdup(b + 1);
		return 0;
	}
	return -1;
}

bool target_name_valid(const char *name)
{
	enum target_kind kind;
	char *rt, *d;
	int ret = parse_name(name, &kind, &rt, &d);

	free(rt);
	free(d);
	return ret == 0;
}

int target_new(const char *name, const struct target_config *cfg, struct target **out,
               assay_error_t *err)
{
	enum target_kind kind;
	struct target *t;
	char *rt, *d;

	if (parse_name(name, &kind, &rt, &d) < 0)
		return assay_error_usage(err,
		                         "unknown target `%s` (expected native, oci/RUNTIME or "
		                         "cri/DAEMON/HANDLER)",
		                         name);
	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	t->runtime = rt;
	t->daemon = d;
	t->cfg = *cfg;
	t->ops = kind == TARGET_NATIVE ? &target_native_ops
	         : kind == TARGET_OCI  ? &target_oci_ops
	                               : &target_cri_ops;
	t->dir = xasprintf("%s/%s", cfg->run_dir, name);
	for (char *p = t->dir + strlen(cfg->run_dir) + 1; *p; p++)
		if (*p == '/')
			*p = '-';
	*out = t;
	return 0;
}

void target_free(struct target *t)
{
	if (t == NULL)
		return;
	if (t->ops && t->ops->cleanup)
		t->ops->cleanup(t);
	free(t->name);
	free(t->runtime);
	free(t->daemon);
	free(t->dir);
	free(t);
}

void target_result_release(struct target_result *res)
{
	free(res->failure);
	json_decref(res->output);
	json_decref(res->phases);
	json_decref(res->extra);
	memset(res, 0, sizeof(*res));
}

void target_phase_begin(const struct run_observer *obs, const char *phase, uint64_t *t0)
{
	run_observer_phase_begin(obs, phase);
	*t0 = assay_now_ns(CLOCK_MONOTONIC);
}

void target_phase_end(const struct run_observer *obs, const char *phase, uint64_t t0,
                      struct target_result *res)
{
	uint64_t t1 = assay_now_ns(CLOCK_MONOTONIC);
	json_t *rec = json_pack("{s:s, s:I}", "name", phase, "ns", (json_int_t)(t1 - t0));

	if (run_observer_phase_end(obs, phase, rec) < 0)
		json_object_set_new(rec, "observer_error", json_true());
	if (res->phases == NULL)
		res->phases = json_array();
	json_array_append_new(res->phases, rec);
	res->wall_ns += t1 - t0;
}

static char *slurp_len(int fd, size_t max, size_t *lenp)
{
	size_t len = 0, cap = 4096;
	char *buf = xmalloc(cap);
	ssize_t r;

	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= max)
				break;
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	if (lenp)
		*lenp = len;
	return buf;
}

static char *slurp(int fd, size_t max)
{
	return slurp_len(fd, max, NULL);
}

json_t *target_parse_output(const char *path, char **why)
{
	cleanup_free char *text = fs_read(path, 64 << 20, NULL);
	json_t *found = NULL;
	char *line, *save = NULL;

	if (text == NULL) {
		*why = xasprintf("cannot read the workload's output %s: %s", path, strerror(errno));
		return NULL;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *j;

		while (isspace((unsigned char)*line))
			line++;
		if (*line != '{')
			continue;
		j = json_loads(line, 0, NULL);
		if (j && json_is_object(j)) {
			json_decref(found);
			found = j;
		} else {
			json_decref(j);
		}
	}
	if (found == NULL)
		*why = xstrdup("the workload printed no JSON result line");
	return found;
}

char *target_last_line(const char *path)
{
	cleanup_free char *text = fs_read(path, 64 << 20, NULL);
	char *end, *start;

	if (text == NULL)
		return NULL;
	end = text + strlen(text);
	while (end > text && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	start = end;
	while (start > text && start[-1] != '\n')
		start--;
	if (*start == '\0')
		return NULL;
	if (strlen(start) > 400)
		start[400] = '\0';
	return xstrdup(start);
}

static int open_out(const char *path)
{
	if (path == NULL)
		return open("/dev/null", O_WRONLY | O_CLOEXEC);
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
}

/* Forks argv in its own process group with the given fds as stdout/stderr (stdin /dev/null).
 * exec failures come back through a close-on-exec pipe as an errno. */
static int spawn_fds(char *const *argv, const char *cwd, int outfd, int errfd, pid_t *pid_out,
                     assay_error_t *err)
{
	int p[2], child_errno = 0;
	pid_t pid;
	ssize_t r;

	if (pipe2(p, O_CLOEXEC) < 0)
		return assay_error_make(err, errno, "pipe2");
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return assay_error_make(err, errno, "fork `%s`", argv[0]);
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		sigset_t none;

		setpgid(0, 0);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		if (nul < 0 || dup2(nul, 0) < 0 || dup2(outfd, 1) < 0 || dup2(errfd, 2) < 0 ||
		    (cwd && chdir(cwd) < 0))
			goto fail;
		execvp(argv[0], argv);
	fail:
		child_errno = errno;
		r = write(p[1], &child_errno, sizeof(child_errno));
		(void)r;
		_exit(127);
	}
	setpgid(pid, pid);
	close(p[1]);
	do
		r = read(p[0], &child_errno, sizeof(child_errno));
	while (r < 0 && errno == EINTR);
	close(p[0]);
	if (r == (ssize_t)sizeof(child_errno)) {
		waitpid(pid, NULL, 0);
		return assay_error_make(err, child_errno, "exec `%s`", argv[0]);
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

/* Waits for pid; 0 exited, 1 timed out, 2 stop signal. The child is NOT killed here. */
static int wait_child(pid_t pid, uint64_t timeout_ns, int *status, assay_error_t *err)
{
	uint64_t deadline = timeout_ns ? assay_now_ns(CLOCK_MONOTONIC) + timeout_ns : 0;
	cleanup_close int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	int st;

	/* without pidfds (old kernels, valgrind) poll the child every 10 ms */
	if (pidfd < 0 && errno != ENOSYS)
		return assay_error_make(err, errno, "pidfd_open %d", (int)pid);
	for (;;) {
		struct pollfd fds[2] = {{.fd = pidfd, .events = POLLIN},
		                        {.fd = signals_fd(), .events = POLLIN}};
		int ms = -1;
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid) {
			*status = decode_status(st);
			return 0;
		}
		if (w < 0 && errno != EINTR)
			return assay_error_make(err, errno, "waitpid %d", (int)pid);
		if (signals_pending())
			return 2;
		if (deadline) {
			uint64_t now = assay_now_ns(CLOCK_MONOTONIC);

			if (now >= deadline)
				return 1;
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

static void kill_and_reap(pid_t pid, int *status)
{
	int st;

	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*status = decode_status(st);
}

int target_spawn_wait(const struct target_spawn *s, int *status, assay_error_t *err)
{
	cleanup_close int outfd = open_out(s->out);
	cleanup_close int errfd = open_out(s->errf);
	pid_t pid;
	int ret;

	if (outfd < 0 || errfd < 0)
		return assay_error_make(err, errno, "open `%s`", outfd < 0 ? s->out : s->errf);
	ret = spawn_fds(s->argv, s->cwd, outfd, errfd, &pid, err);
	if (ret < 0)
		return ret;
	if (s->role)
		run_observer_process(s->obs, s->role, pid);
	ret = wait_child(pid, s->timeout_ns, status, err);
	if (ret != 0) {
		if (s->on_stop)
			s->on_stop(s->arg);
		kill_and_reap(pid, status);
	}
	return ret;
}

/* Helper commands are short; a stop signal does not cut them (they are part of tearing down). */
static int command_fds(char *const *argv, int outfd, int errfd, uint64_t timeout_ns, int *status,
                       assay_error_t *err)
{
	uint64_t deadline = assay_now_ns(CLOCK_MONOTONIC) + timeout_ns;
	pid_t pid;
	int ret, st;

	ret = spawn_fds(argv, NULL, outfd, errfd, &pid, err);
	if (ret < 0)
		return ret;
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid) {
			*status = decode_status(st);
			return 0;
		}
		if (assay_now_ns(CLOCK_MONOTONIC) >= deadline) {
			kill_and_reap(pid, status);
			return 1;
		}
		usleep(2000);
	}
}

int target_command(char *const *argv, char **why, assay_error_t *err)
{
	cleanup_close int errfd = memfd_create("assay-stderr", MFD_CLOEXEC);
	cleanup_close int nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int ret, status = -1;

	if (errfd < 0 || nul < 0)
		return assay_error_make(err, errno, "memfd_create");
	ret = command_fds(argv, nul, errfd, 60ull * 1000000000, &status, err);
	if (ret < 0)
		return ret;
	if ((ret == 1 || status != 0) && why) {
		cleanup_free char *text = NULL;
		char *end, *start;

		lseek(errfd, 0, SEEK_SET);
		text = slurp(errfd, 1 << 20);
		end = text + strlen(text);
		while (end > text && isspace((unsigned char)end[-1]))
			*--end = '\0';
		start = end;
		while (start > text && start[-1] != '\n')
			start--;
		free(*why);
		if (ret == 1)
			*why = xasprintf("`%s` timed out", argv[0]);
		else if (*start)
			*why = xasprintf("%.400s", start);
		else
			*why = xasprintf("`%s` exited with status %d", argv[0], status);
	}
	return ret == 1 ? 124 : status;
}

char *target_tool_version(const char *bin)
{
	cleanup_close int outfd = memfd_create("assay-version", MFD_CLOEXEC);
	cleanup_close int nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
	char *argv[] = {(char *)bin, "--version", NULL};
	assay_error_t err = NULL;
	cleanup_free char *text = NULL;
	int status = -1;
	char *nl;

	if (!target_which(bin, NULL))
		return xstrdup("not installed");
	if (outfd < 0 || nul < 0 ||
	    command_fds(argv, outfd, nul, 10ull * 1000000000, &status, &err) != 0) {
		assay_error_release(&err);
		return xstrdup("unknown (--version failed)");
	}
	lseek(outfd, 0, SEEK_SET);
	text = slurp(outfd, 1 << 16);
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	if (*text == '\0')
		return xasprintf("unknown (--version exited %d)", status);
	return xstrdup(text);
}

bool target_which(const char *bin, char **path)
{
	const char *env = getenv("PATH");
	cleanup_free char *copy = xstrdup(
	    env && *env ? env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
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

static json_t *load_blob(const char *layout, const char *digest, assay_error_t *err)
{
	cleanup_free char *path = NULL;
	json_error_t jerr;
	json_t *j;

	if (digest == NULL || strncmp(digest, "sha256:", 7) || strchr(digest, '/')) {
		assay_error_make(err, 0, "%s: bad digest `%s`", layout, digest ? digest : "(none)");
		return NULL;
	}
	path = xasprintf("%s/blobs/sha256/%s", layout, digest + 7);
	j = json_load_file(path, 0, &jerr);
	if (j == NULL)
		assay_error_make(err, 0, "%s: %s", path, jerr.text);
	return j;
}

int target_extract_image(const char *layout, const char *rootfs, assay_error_t *err)
{
	cleanup_free char *index_path = xasprintf("%s/index.json", layout);
	cleanup_free char *blob = NULL;
	cleanup_free char *why = NULL;
	json_t *index = NULL, *manifest = NULL;
	const char *mdigest = NULL, *ldigest = NULL;
	json_error_t jerr;
	int ret = -1, status;

	index = json_load_file(index_path, 0, &jerr);
	if (index == NULL)
		return assay_error_make(err, 0, "image `%s`: %s (run `make images`)", index_path,
		                        jerr.text);
	json_unpack(index, "{s:[{s:s}]}", "manifests", "digest", &mdigest);
	manifest = load_blob(layout, mdigest, err);
	if (manifest == NULL)
		goto out;
	json_unpack(manifest, "{s:[{s:s}]}", "layers", "digest", &ldigest);
	if (ldigest == NULL || strncmp(ldigest, "sha256:", 7) || strchr(ldigest, '/')) {
		assay_error_make(err, 0, "%s: manifest has no usable layers[0].digest", layout);
		goto out;
	}
	blob = xasprintf("%s/blobs/sha256/%s", layout, ldigest + 7);
	if (mkdir(rootfs, 0755) < 0 && errno != EEXIST) {
		assay_error_make(err, errno, "mkdir `%s`", rootfs);
		goto out;
	}
	{
		char *argv[] = {"tar", "-xf", blob, "-C", (char *)rootfs, "--no-same-owner", NULL};

		status = target_command(argv, &why, err);
	}
	if (status < 0)
		goto out;
	if (status != 0) {
		assay_error_make(err, 0, "extract %s: %s", blob, why ? why : "tar failed");
		goto out;
	}
	ret = 0;
out:
	json_decref(index);
	json_decref(manifest);
	return ret;
}

void target_finish(struct target_result *res, int wait_ret, int status, const char *out,
                   const char *errf, uint64_t timeout_ns)
{
	cleanup_free char *why = NULL;
	cleanup_free char *last = NULL;

	res->exit_status = status;
	res->timed_out = wait_ret == 1;
	res->interrupted = wait_ret == 2;
	if (res->timed_out) {
		res->failure = xasprintf("timed out after %.1f s", (double)timeout_ns / 1e9);
		return;
	}
	if (res->interrupted) {
		res->failure = xstrdup("interrupted");
		return;
	}
	res->output = target_parse_output(out, &why);
	if (status != 0) {
		last = errf ? target_last_line(errf) : NULL;
		res->failure = last ? xasprintf("exited with status %d: %s", status, last)
		                    : xasprintf("exited with status %d", status);
		return;
	}
	if (res->output == NULL)
		res->failure = steal_pointer(&why);
}

char *target_scratch_new(struct target *t, assay_error_t *err)
{
	cleanup_free char *path = NULL;
	const char *base = strrchr(t->dir, '/');

	path = xasprintf("%s/%s-%d", t->cfg.scratch_dir, base ? base + 1 : t->dir, t->seq);
	if (fs_remove_tree(path, err) < 0)
		return NULL;
	if (mkdir(path, 0777) < 0) {
		assay_error_make(err, errno, "mkdir `%s`", path);
		return NULL;
	}
	/* a workload running as another uid (gVisor's Sentry maps it) must still write there */
	chmod(path, 01777);
	return steal_pointer(&path);
}

int target_command_output(char *const *argv, char **out, assay_error_t *err)
{
	cleanup_close int outfd = memfd_create("assay-out", MFD_CLOEXEC);
	cleanup_close int nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int ret, status = -1;

	if (outfd < 0 || nul < 0)
		return assay_error_make(err, errno, "memfd_create");
	ret = command_fds(argv, outfd, nul, 60ull * 1000000000, &status, err);
	if (ret < 0)
		return ret;
	lseek(outfd, 0, SEEK_SET);
	*out = slurp(outfd, 16 << 20);
	return ret == 1 ? 124 : status;
}

int target_cgroup_remove(const char *rel)
{
	DIR *d = opendir("/sys/fs/cgroup");
	struct dirent *de;
	int left = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d))) {
		cleanup_free char *p = NULL;

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("/sys/fs/cgroup/%s%s", de->d_name, rel);
		if (rmdir(p) < 0 && errno != ENOENT && errno != ENOTDIR)
			left++;
	}
	closedir(d);
	return left;
}

int target_cgroup_remove_wait(const char *rel, unsigned timeout_ms)
{
	for (unsigned waited = 0;; waited += 20) {
		int left = target_cgroup_remove(rel);

		if (left == 0 || waited >= timeout_ms)
			return left;
		usleep(20000);
	}
}

pid_t target_find_process(const char *a, const char *b)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	if (d == NULL)
		return 0;
	while (found == 0 && (de = readdir(d))) {
		cleanup_free char *path = NULL;
		cleanup_free char *cmd = NULL;
		cleanup_close int fd = -1;
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		size_t len;

		if (*end || pid <= 0)
			continue;
		path = xasprintf("/proc/%ld/cmdline", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		cmd = slurp_len(fd, 1 << 16, &len);
		for (size_t i = 0; i < len; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
		if (strstr(cmd, a) && (b == NULL || strstr(cmd, b)))
			found = (pid_t)pid;
	}
	closedir(d);
	return found;
}
