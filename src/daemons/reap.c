/* The embedded containerd's teardown, and the sweep that leaves nothing behind: every pod and
 * container through the CRI, containerd itself, then whatever still mentions the run directory
 * (shims, runtimes, sandboxes) with all their descendants, their cgroups and shim sockets, the
 * mounts below the run directory and the directory itself. Also for a run directory whose
 * collector died (daemon_reclaim). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/sha.h>

#include "daemons/daemon.h"
#include "daemons/internal.h"
#include "daemons/dockerd.h"
#include "lib/fs.h"
#include "lib/util.h"

static int remove_all_pods(struct daemon *d, assay_error_t *err)
{
	char **ids = NULL;
	int ret = 0;

	cri_set_timeout(d->client, TEARDOWN_CALL_TIMEOUT_MS);
	if (cri_list_containers(d->client, NULL, NULL, &ids, err) < 0)
		return -1;
	for (size_t i = 0; ids[i]; i++) {
		if (cri_stop_container(d->client, ids[i], 0, err) < 0 ||
		    cri_remove_container(d->client, ids[i], err) < 0)
			ret = -1;
	}
	cri_strv_free(ids);
	if (cri_list_pods(d->client, NULL, &ids, err) < 0)
		return -1;
	for (size_t i = 0; ids[i]; i++) {
		if (cri_stop_pod(d->client, ids[i], err) < 0 ||
		    cri_remove_pod(d->client, ids[i], err) < 0)
			ret = -1;
	}
	cri_strv_free(ids);
	return ret;
}

static bool wait_gone(struct daemon *d, unsigned ms)
{
	const struct timespec tick = {0, 20 * 1000000L};

	for (unsigned t = 0; t < ms; t += 20) {
		if (daemon_containerd_gone(d))
			return true;
		nanosleep(&tick, NULL);
	}
	return daemon_containerd_gone(d);
}

/* Whether pid's command line mentions the run directory (shims get it through -address, runsc and
 * runc through --root). */
static bool mentions(pid_t pid, const char *run_dir)
{
	cleanup_free char *path = xasprintf("/proc/%d/cmdline", (int)pid);
	cleanup_free char *cmd = NULL;
	size_t len = 0, rlen = strlen(run_dir);

	cmd = fs_read(path, 8191, &len);
	if (cmd == NULL)
		return false;
	for (size_t i = 0; i + rlen <= len; i++) {
		if (memcmp(cmd + i, run_dir, rlen) == 0 &&
		    (cmd[i + rlen] == '/' || cmd[i + rlen] == '\0'))
			return true;
	}
	return false;
}

static pid_t ppid_of(pid_t pid)
{
	cleanup_free char *path = xasprintf("/proc/%d/stat", (int)pid);
	cleanup_free char *st = NULL;
	size_t len;
	char *p;
	int ppid;

	st = fs_read(path, 8191, &len);
	if (st == NULL || (p = strrchr(st, ')')) == NULL || sscanf(p + 2, "%*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

/* Where the shim of (address, namespace, id) has its socket: SHIM_SOCKET_DIR/
 * sha256(address/namespace/id) (containerd 1.6 pkg/shim). A shim that was killed leaves it. */
static char *shim_socket_path(const char *sock_path, const char *ns, const char *id)
{
	cleanup_free char *key = xasprintf("%s/%s/%s", sock_path, ns, id);
	unsigned char md[SHA256_DIGEST_LENGTH];
	char hex[2 * SHA256_DIGEST_LENGTH + 1];

	SHA256((const unsigned char *)key, strlen(key), md);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	return xasprintf("%s/%s", SHIM_SOCKET_DIR, hex);
}

static void unlink_shim_socket(const char *sock_path, const char *ns, const char *id)
{
	cleanup_free char *sock = shim_socket_path(sock_path, ns, id);

	unlink(sock);
}

void daemon_forget_pod(const struct daemon *d, const char *pod_id)
{
	cleanup_free char *sock = NULL;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (d == NULL || pod_id == NULL || d->sock_path == NULL)
		return;
	sock = shim_socket_path(d->sock_path, "k8s.io", pod_id);
	if (strlen(sock) >= sizeof(sa.sun_path) || access(sock, F_OK) < 0)
		return;
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* a live shim answers: its socket is its own to remove */
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno == ECONNREFUSED)
		unlink(sock);
	if (fd >= 0)
		close(fd);
}

static void remove_shim_socket(pid_t pid, const char *sock_path)
{
	cleanup_free char *path = xasprintf("/proc/%d/cmdline", (int)pid);
	cleanup_free char *cmd = NULL;
	const char *ns = NULL, *id = NULL;
	size_t len = 0;

	cmd = fs_read(path, 8191, &len);
	if (cmd == NULL)
		return;
	for (char *a = cmd; a < cmd + len; a += strlen(a) + 1) {
		char *next = a + strlen(a) + 1;

		if (next >= cmd + len)
			break;
		if (!strcmp(a, "-namespace"))
			ns = next;
		else if (!strcmp(a, "-id"))
			id = next;
	}
	if (ns && id)
		unlink_shim_socket(sock_path, ns, id);
}

/* Cgroup directories of killed processes, removed once they are gone (a runtime killed before
 * its delete leaves its container's cgroups behind). */
struct cgroups {
	char **dirs;
	size_t n, cap;
};

static void cgroups_add(struct cgroups *cg, char *dir)
{
	for (size_t i = 0; i < cg->n; i++) {
		if (strcmp(cg->dirs[i], dir) == 0) {
			free(dir);
			return;
		}
	}
	if (cg->n == cg->cap) {
		cg->cap = cg->cap ? cg->cap * 2 : 16;
		cg->dirs = xrealloc(cg->dirs, cg->cap * sizeof(*cg->dirs));
	}
	cg->dirs[cg->n++] = dir;
}

/* /proc/PID/cgroup lines "ID:CONTROLLERS:/PATH" → /sys/fs/cgroup/<hierarchy>/PATH, for paths
 * other than the root and other than our own (which holds us and cannot be removed anyway). */
static void collect_cgroups(pid_t pid, struct cgroups *cg)
{
	cleanup_free char *path = xasprintf("/proc/%d/cgroup", (int)pid);
	cleanup_free char *text = NULL, *self = NULL;
	size_t len = 0, slen = 0;
	char *save = NULL;

	text = fs_read(path, 8191, &len);
	self = fs_read("/proc/self/cgroup", 8191, &slen);
	if (text == NULL)
		return;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		const char *ctrl, *cpath;
		char *dir;

		if (c2 == NULL || c2[1] != '/' || c2[2] == '\0')
			continue;
		if (self && strstr(self, line))
			continue;
		*c2 = '\0';
		ctrl = c1 + 1;
		cpath = c2 + 1;
		if (*ctrl == '\0')
			dir = xasprintf("/sys/fs/cgroup/unified%s", cpath);
		else if (strncmp(ctrl, "name=", 5) == 0)
			dir = xasprintf("/sys/fs/cgroup/%s%s", ctrl + 5, cpath);
		else
			dir = xasprintf("/sys/fs/cgroup/%s%s", ctrl, cpath);
		cgroups_add(cg, dir);
	}
}

static int depth_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int dx = 0, dy = 0;

	for (; *x; x++)
		dx += *x == '/';
	for (; *y; y++)
		dy += *y == '/';
	return dy - dx;
}

static void cgroups_remove(struct cgroups *cg)
{
	const struct timespec tick = {0, 50 * 1000000L};

	if (cg->n)
		qsort(cg->dirs, cg->n, sizeof(*cg->dirs), depth_cmp);
	for (size_t i = 0; i < cg->n; i++) {
		/* The killed tasks leave their cgroup shortly after the signal. */
		for (int t = 0; t < 40 && rmdir(cg->dirs[i]) < 0 && errno == EBUSY; t++)
			nanosleep(&tick, NULL);
		free(cg->dirs[i]);
	}
	free(cg->dirs);
	memset(cg, 0, sizeof(*cg));
}

/* SIGKILLs every process whose command line mentions the run directory, with all of its
 * descendants (containers a shim started do not mention it). Returns how many it killed. */
static int kill_leftovers(const struct daemon *d, struct cgroups *cg)
{
	cleanup_free pid_t *pids = NULL, *ppids = NULL;
	cleanup_free bool *doomed = NULL, *keep = NULL;
	size_t n = 0, cap = 0;
	DIR *proc = opendir("/proc");
	struct dirent *de;
	bool changed;
	int killed = 0;

	if (proc == NULL)
		return 0;
	while ((de = readdir(proc))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || pid == getpid())
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 512;
			pids = xrealloc(pids, cap * sizeof(*pids));
			ppids = xrealloc(ppids, cap * sizeof(*ppids));
		}
		pids[n] = (pid_t)pid;
		ppids[n] = ppid_of((pid_t)pid);
		n++;
	}
	closedir(proc);
	doomed = xcalloc(n ? n : 1, sizeof(*doomed));
	for (size_t i = 0; i < n; i++)
		doomed[i] = mentions(pids[i], d->run_dir);
	/* Never an ancestor of ours: a caller's command line may name the run directory. */
	keep = xcalloc(n ? n : 1, sizeof(*keep));
	for (pid_t a = getppid(), steps = 0; a > 1 && steps < 64; steps++) {
		pid_t next = 0;

		for (size_t i = 0; i < n; i++) {
			if (pids[i] == a) {
				keep[i] = true;
				doomed[i] = false;
				next = ppids[i];
			}
		}
		a = next;
	}
	do {
		changed = false;
		for (size_t i = 0; i < n; i++) {
			for (size_t j = 0; j < n && !doomed[i] && !keep[i]; j++) {
				if (doomed[j] && ppids[i] == pids[j])
					doomed[i] = changed = true;
			}
		}
	} while (changed);
	/* All cgroups first: a container whose shim is killed may die on its own before its turn,
	 * and a dead process no longer tells its cgroup. */
	for (size_t i = 0; i < n; i++) {
		if (doomed[i])
			collect_cgroups(pids[i], cg);
	}
	for (size_t i = 0; i < n; i++) {
		if (!doomed[i])
			continue;
		remove_shim_socket(pids[i], d->sock_path);
		if (kill(pids[i], SIGKILL) == 0)
			killed++;
	}
	return killed;
}

/* For every container whose bundle is still in the state directory (containers the CRI could not
 * delete): its cgroups, from the bundle's linux.cgroupsPath, in every hierarchy, and the socket
 * its shim would have (gone already if the shim died some other way). */
static void collect_bundles(const struct daemon *d, struct cgroups *cg)
{
	cleanup_free char *tasks = xasprintf("%s/state/io.containerd.runtime.v2.task", d->run_dir);
	DIR *nsdir = opendir(tasks), *hier = NULL;
	struct dirent *ns, *b, *h;

	while (nsdir && (ns = readdir(nsdir))) {
		cleanup_free char *nspath = xasprintf("%s/%s", tasks, ns->d_name);
		DIR *bdir = ns->d_name[0] != '.' ? opendir(nspath) : NULL;

		while (bdir && (b = readdir(bdir))) {
			cleanup_free char *cfg = xasprintf("%s/%s/config.json", nspath, b->d_name);
			json_t *spec = b->d_name[0] != '.' ? json_load_file(cfg, 0, NULL) : NULL;

			if (b->d_name[0] != '.')
				unlink_shim_socket(d->sock_path, ns->d_name, b->d_name);
			const char *path = json_string_value(
			    json_object_get(json_object_get(spec, "linux"), "cgroupsPath"));

			/* cgroupfs paths only; "slice:prefix:name" is systemd's business. */
			if (path && path[0] == '/' && path[1] && !strchr(path, ':')) {
				hier = opendir("/sys/fs/cgroup");
				while (hier && (h = readdir(hier))) {
					if (h->d_name[0] != '.' && h->d_type == DT_DIR)
						cgroups_add(cg, xasprintf("/sys/fs/cgroup/%s%s",
						                          h->d_name, path));
				}
				if (hier)
					closedir(hier);
			}
			json_decref(spec);
		}
		if (bdir)
			closedir(bdir);
	}
	if (nsdir)
		closedir(nsdir);
}

struct mnt {
	char *path;
	int depth;
};

static int mnt_cmp(const void *a, const void *b)
{
	const struct mnt *x = a, *y = b;

	return y->depth - x->depth;
}

/* mountinfo escapes blanks and backslashes as \ooo. */
static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] && r[3]) {
			*w++ = (char)(((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* Unmounts everything at or below dir, deepest first, lazily when busy. */
static int unmount_below(const char *dir, assay_error_t *err)
{
	cleanup_file FILE *f = fopen("/proc/self/mountinfo", "re");
	cleanup_free char *line = NULL;
	struct mnt *m = NULL;
	size_t n = 0, cap = 0, llen = 0, dlen = strlen(dir);
	int ret = 0;

	if (f == NULL)
		return assay_error_make(err, errno, "open /proc/self/mountinfo");
	while (getline(&line, &llen, f) > 0) {
		char mp[PATH_MAX];

		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
			continue;
		unescape(mp);
		if (strncmp(mp, dir, dlen) != 0 || (mp[dlen] != '/' && mp[dlen] != '\0'))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			m = xrealloc(m, cap * sizeof(*m));
		}
		m[n].path = xstrdup(mp);
		m[n].depth = 0;
		for (char *p = mp; *p; p++)
			m[n].depth += *p == '/';
		n++;
	}
	if (n)
		qsort(m, n, sizeof(*m), mnt_cmp);
	for (size_t i = 0; i < n; i++) {
		if (umount2(m[i].path, 0) < 0 && errno != EINVAL && errno != ENOENT &&
		    umount2(m[i].path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT &&
		    ret == 0)
			ret = assay_error_make(err, errno, "umount `%s`", m[i].path);
		free(m[i].path);
	}
	free(m);
	return ret;
}

int daemon_reap_run_dir(struct daemon *d, assay_error_t *err)
{
	struct cgroups cg = {0};
	int ret = 0;

	collect_bundles(d, &cg);
	/* Again while it finds some: a killed shim's children may have been re-parented since. */
	for (int round = 0; round < 3 && kill_leftovers(d, &cg) > 0; round++) {
		const struct timespec tick = {0, 100 * 1000000L};

		nanosleep(&tick, NULL);
	}
	cgroups_remove(&cg);
	/* The runc shim's default cgroup parent is /<namespace>: gone with its last container. */
	if (d->made_k8s_cgroup) {
		DIR *dir = opendir("/sys/fs/cgroup");
		struct dirent *de;

		while (dir && (de = readdir(dir))) {
			cleanup_free char *p = xasprintf("/sys/fs/cgroup/%s/k8s.io", de->d_name);

			if (de->d_name[0] != '.')
				rmdir(p);
		}
		if (dir)
			closedir(dir);
	}
	if (d->run_dir) {
		if (unmount_below(d->run_dir, err) < 0)
			ret = -1;
		if (fs_remove_tree(d->run_dir, ret == 0 ? err : NULL) < 0)
			ret = -1;
	}
	return ret;
}

int daemon_stop(struct daemon *d, assay_error_t *err)
{
	sigset_t block, old;
	int ret = 0;

	if (d == NULL || d->stopped)
		return 0;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);

	if (d->client && !daemon_containerd_gone(d)) {
		assay_error_t e = NULL;

		/* A daemon that died (UNAVAILABLE) cannot remove its pods: the leftover sweep below
		 * does it, so that is no failure of the teardown. */
		if (remove_all_pods(d, &e) < 0 &&
		    cri_last_code(d->client) != CRI_CODE_UNAVAILABLE) {
			assay_error_wrap(&e, "removing the pods of the embedded containerd");
			if (err && *err == NULL)
				*err = e;
			else
				assay_error_release(&e);
			ret = -1;
		} else {
			assay_error_release(&e);
		}
	}
	if (d->client) {
		cri_close(d->client);
		d->client = NULL;
	}
	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		if (!wait_gone(d, STOP_TIMEOUT_MS)) {
			kill(d->pid, SIGKILL);
			wait_gone(d, STOP_TIMEOUT_MS);
		}
	}
	if (daemon_reap_run_dir(d, err) < 0)
		ret = -1;
	if (d->made_shim_dir)
		rmdir(SHIM_SOCKET_DIR);
	if (d->made_run_containerd)
		rmdir("/run/containerd");
	d->stopped = true;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

/* Reads RUN_DIR/made (write_made): what the dead collector's daemon had created. */
static void read_made(struct daemon *d)
{
	cleanup_free char *path = xasprintf("%s/" DAEMON_MADE_FILE, d->run_dir);
	cleanup_free char *text = fs_read(path, 4096, NULL);

	for (char *save = NULL, *w = text ? strtok_r(text, "\n", &save) : NULL; w;
	     w = strtok_r(NULL, "\n", &save)) {
		d->made_run_containerd |= strcmp(w, "run-containerd") == 0;
		d->made_shim_dir |= strcmp(w, "shim-dir") == 0;
		d->made_k8s_cgroup |= strcmp(w, "k8s-cgroup") == 0;
	}
}

int daemon_reclaim(const char *run_dir, assay_error_t *err)
{
	struct daemon d = {0};
	cleanup_free char *real = realpath(run_dir, NULL);
	cleanup_free char *config = NULL;
	DIR *proc;
	struct dirent *de;
	struct stat st;
	int ret;

	if (real == NULL)
		return assay_error_make(err, errno, "reclaim `%s`", run_dir);
	config = xasprintf("%s/config.toml", real);
	if (stat(config, &st) < 0)
		return assay_error_make(
		    err, errno, "reclaim `%s`: not a run directory of the embedded containerd",
		    real);
	proc = opendir("/proc");
	while (proc && (de = readdir(proc))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		cleanup_free char *path = NULL, *cmd = NULL;
		size_t len = 0;

		if (*end || pid <= 0)
			continue;
		path = xasprintf("/proc/%ld/cmdline", pid);
		cmd = fs_read(path, 8191, &len);
		/* containerd's argv: containerd --config RUN_DIR/config.toml */
		for (size_t i = 0; cmd && i < len; i += strlen(cmd + i) + 1) {
			if (strcmp(cmd + i, config) == 0) {
				closedir(proc);
				return 0;
			}
		}
	}
	if (proc)
		closedir(proc);
	d.run_dir = real;
	d.sock_path = xasprintf("%s/containerd.sock", real);
	read_made(&d);
	ret = daemon_stop(&d, err);
	free(d.sock_path);
	return ret < 0 ? ret : 1;
}

int daemon_sweep(const char *dir, const char *containerd_sock, assay_error_t *err)
{
	struct daemon d = {0};
	cleanup_free char *real = realpath(dir, NULL);
	int ret;

	if (real == NULL)
		return errno == ENOENT ? 0 : assay_error_make(err, errno, "sweep `%s`", dir);
	d.run_dir = real;
	d.sock_path =
	    containerd_sock ? xstrdup(containerd_sock) : xasprintf("%s/containerd.sock", real);
	ret = daemon_stop(&d, err);
	free(d.sock_path);
	return ret;
}
