/* The private Docker daemon (dockerd.h): its config, start, readiness and teardown. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "daemons/dockerd.h"
#include "lib/fs.h"
#include "lib/json.h"
#include "lib/proc.h"
#include "lib/util.h"

#define DOCKERD_START_TIMEOUT_MS 30000u
#define DOCKERD_STOP_TIMEOUT_MS  15000u

struct dockerd {
	char *run_dir;
	char *sock;      /* RUN_DIR/docker.sock */
	char *host;      /* unix://RUN_DIR/docker.sock */
	char *log;       /* RUN_DIR/dockerd.log */
	char *ctrd_sock; /* its managed containerd's socket */
	char *cli;
	pid_t pid;
	bool stopped;
};

static int write_config(const struct dockerd_opts *o, const struct dockerd *d, const char *path,
                        assay_error_t *err)
{
	cleanup_json json_t *cfg = json_object();
	cleanup_free char *text = NULL;
	cleanup_free char *key = xasprintf("%s/key.json", d->run_dir);

	/* else dockerd 20.10 writes its identity to /etc/docker/key.json */
	json_object_set_new(cfg, "deprecated-key-path", json_string(key));

	/* runsc in its own network namespace would still want an interface: none at all */
	if (o->runsc)
		json_object_set_new(cfg, "runtimes",
		                    json_pack("{s:{s:s, s:[s]}}", "runsc", "path", o->runsc,
		                              "runtimeArgs", "--network=none"));
	text = json_dumps(cfg, JSON_INDENT(1));
	return fs_write_atomic(path, text, strlen(text), err);
}

static bool gone(struct dockerd *d)
{
	int st;

	if (d->pid <= 0)
		return true;
	if (waitpid(d->pid, &st, WNOHANG) == d->pid) {
		d->pid = 0;
		return true;
	}
	return false;
}

/* GET /_ping on the socket answers "OK" once the API serves. */
static bool ping(const struct dockerd *d)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	cleanup_close int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	static const char req[] = "GET /_ping HTTP/1.0\r\n\r\n";
	char buf[512];
	ssize_t n;

	if (fd < 0)
		return false;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", d->sock);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    write(fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1))
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = 0;
	return strstr(buf, " 200 ") != NULL;
}

static char *log_tail(const char *path)
{
	cleanup_free char *text = fs_read(path, 1 << 20, NULL);
	char *last = NULL;

	if (text == NULL)
		return xstrdup("(no log)");
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
		if (strstr(l, "level=error") || strstr(l, "level=fatal") || !strstr(l, "level="))
			last = l;
	return xstrdup(last ? last : "(nothing logged as an error)");
}

static int wait_ready(struct dockerd *d, unsigned timeout_ms, assay_error_t *err)
{
	uint64_t end = assay_now_ns(CLOCK_MONOTONIC) + (uint64_t)timeout_ms * 1000000ull;
	const struct timespec tick = {0, 50 * 1000000L};

	while (!ping(d)) {
		if (gone(d) || assay_now_ns(CLOCK_MONOTONIC) >= end) {
			cleanup_free char *said = log_tail(d->log);

			return assay_error_make(err, 0, "dockerd %s; its log (%s): %s",
			                        d->pid ? "did not answer in time"
			                               : "exited during start-up",
			                        d->log, said);
		}
		nanosleep(&tick, NULL);
	}
	return 0;
}

int daemon_dockerd_start(const struct dockerd_opts *o, struct dockerd **out, assay_error_t *err)
{
	struct dockerd *d = xcalloc(1, sizeof(*d));
	cleanup_free char *config = NULL, *data = NULL, *exec = NULL, *pidf = NULL;
	cleanup_close int logfd = -1;
	int ret;

	if (mkdir(o->run_dir, 0700) < 0 && errno != EEXIST) {
		free(d);
		return assay_error_make(err, errno, "mkdir `%s`", o->run_dir);
	}
	d->run_dir = realpath(o->run_dir, NULL);
	if (d->run_dir == NULL) {
		free(d);
		return assay_error_make(err, errno, "realpath `%s`", o->run_dir);
	}
	d->sock = xasprintf("%s/docker.sock", d->run_dir);
	d->host = xasprintf("unix://%s", d->sock);
	d->log = xasprintf("%s/dockerd.log", d->run_dir);
	d->ctrd_sock = xasprintf("%s/exec/containerd/containerd.sock", d->run_dir);
	d->cli = xstrdup(o->cli);
	config = xasprintf("%s/daemon.json", d->run_dir);
	data = xasprintf("--data-root=%s/data", d->run_dir);
	exec = xasprintf("--exec-root=%s/exec", d->run_dir);
	pidf = xasprintf("--pidfile=%s/dockerd.pid", d->run_dir);
	if (strlen(d->ctrd_sock) + strlen(".ttrpc") >=
	    sizeof(((struct sockaddr_un *)0)->sun_path)) {
		ret = assay_error_usage(err, "run directory `%s` is too long for dockerd's sockets",
		                        d->run_dir);
		goto fail;
	}
	if (write_config(o, d, config, err) < 0)
		goto fail_ret;
	logfd = open(d->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (logfd < 0) {
		ret = assay_error_make(err, errno, "create `%s`", d->log);
		goto fail;
	}
	{
		cleanup_free char *host = xasprintf("--host=%s", d->host);
		cleanup_free char *cfg = xasprintf("--config-file=%s", config);
		char *argv[] = {(char *)o->dockerd,
		                data,
		                exec,
		                pidf,
		                host,
		                cfg,
		                "--bridge=none",
		                "--iptables=false",
		                "--ip6tables=false",
		                "--ip-forward=false",
		                "--ip-masq=false",
		                "--userland-proxy=false",
		                "--exec-opt=native.cgroupdriver=cgroupfs",
		                NULL};
		struct proc_opts po = {
		    .argv = argv, .out_fd = logfd, .err_fd = logfd, .pdeathsig = true};

		if (proc_spawn(&po, &d->pid, err) < 0)
			goto fail_ret;
	}
	if (wait_ready(d, o->start_timeout_ms ? o->start_timeout_ms : DOCKERD_START_TIMEOUT_MS,
	               err) < 0)
		goto fail_ret;
	*out = d;
	return 0;
fail_ret:
	ret = -1;
fail:
	assay_error_wrap(err, "private dockerd in %s", d->run_dir);
	daemon_dockerd_free(d);
	return ret;
}

const char *daemon_dockerd_host(const struct dockerd *d)
{
	return d->host;
}

pid_t daemon_dockerd_pid(const struct dockerd *d)
{
	return d->pid;
}

pid_t daemon_dockerd_containerd(const struct dockerd *d)
{
	return proc_find("containerd --config", d->run_dir);
}

/* docker rm -f of every container the daemon still has. */
static void remove_all(struct dockerd *d)
{
	char *ps[] = {d->cli, "-H", d->host, "ps", "-aq", NULL};
	cleanup_free char *ids = NULL;
	assay_error_t e = NULL;
	char *save = NULL;

	if (proc_command(ps, PROC_HELPER_TIMEOUT_NS, &ids, NULL, &e) != 0 || ids == NULL) {
		assay_error_release(&e);
		return;
	}
	for (char *id = strtok_r(ids, "\n", &save); id; id = strtok_r(NULL, "\n", &save)) {
		char *rm[] = {d->cli, "-H", d->host, "rm", "-f", id, NULL};

		proc_command(rm, PROC_HELPER_TIMEOUT_NS, NULL, NULL, &e);
		assay_error_release(&e);
	}
}

int daemon_dockerd_stop(struct dockerd *d, assay_error_t *err)
{
	const struct timespec tick = {0, 50 * 1000000L};

	if (d == NULL || d->stopped)
		return 0;
	d->stopped = true;
	if (!gone(d)) {
		uint64_t end;

		remove_all(d);
		kill(d->pid, SIGTERM);
		end = assay_now_ns(CLOCK_MONOTONIC) + DOCKERD_STOP_TIMEOUT_MS * 1000000ull;
		while (!gone(d) && assay_now_ns(CLOCK_MONOTONIC) < end)
			nanosleep(&tick, NULL);
		if (!gone(d)) {
			int st;

			proc_kill_reap(d->pid, &st);
			d->pid = 0;
		}
	}
	return daemon_sweep(d->run_dir, d->ctrd_sock, err);
}

void daemon_dockerd_free(struct dockerd *d)
{
	assay_error_t e = NULL;

	if (d == NULL)
		return;
	daemon_dockerd_stop(d, &e);
	assay_error_release(&e);
	free(d->run_dir);
	free(d->sock);
	free(d->host);
	free(d->log);
	free(d->ctrd_sock);
	free(d->cli);
	free(d);
}
