/* assay-runsc's per-pod mode (runsc-pod.h): the waiter that stands for a sub-container's init. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "adapter/runsc-pod.h"

#define WAITER_POLL_MS 1000

int adapter_sandbox_mode(const char *value, enum adapter_sandbox_mode *out)
{
	if (value == NULL || *value == '\0' || !strcmp(value, "per-pod")) {
		*out = ADAPTER_PER_POD;
		return 0;
	}
	if (!strcmp(value, "per-container")) {
		*out = ADAPTER_PER_CONTAINER;
		return 0;
	}
	return -1;
}

int adapter_bundle_info(const char *bundle, char **type, char **sandbox_id, char *errbuf,
                        size_t errlen)
{
	char path[4096];
	json_t *spec, *ann;
	const char *t, *s;

	*type = *sandbox_id = NULL;
	spec = adapter_load_bundle(bundle, path, sizeof(path), errbuf, errlen);
	if (spec == NULL)
		return -1;
	ann = json_object_get(spec, "annotations");
	t = json_string_value(json_object_get(ann, ADAPTER_CONTAINER_TYPE));
	s = json_string_value(json_object_get(ann, ADAPTER_SANDBOX_ID));
	*type = t ? strdup(t) : NULL;
	*sandbox_id = s ? strdup(s) : NULL;
	json_decref(spec);
	return 0;
}

char *adapter_bundle_resources(const char *bundle, char *errbuf, size_t errlen)
{
	char path[4096];
	json_t *spec, *res, *cpu;
	char *out;

	spec = adapter_load_bundle(bundle, path, sizeof(path), errbuf, errlen);
	if (spec == NULL)
		return NULL;
	res = json_object_get(json_object_get(spec, "linux"), "resources");
	res = json_is_object(res) ? json_deep_copy(res) : json_object();
	cpu = json_object_get(res, "cpu");
	if (!json_is_object(cpu)) {
		cpu = json_object();
		json_object_set_new(res, "cpu", cpu);
	}
	if (!json_is_integer(json_object_get(cpu, "shares")))
		json_object_set_new(cpu, "shares", json_integer(1024));
	if (!json_is_integer(json_object_get(cpu, "quota")))
		json_object_set_new(cpu, "quota", json_integer(-1));
	out = json_dumps(res, JSON_COMPACT);
	json_decref(res);
	json_decref(spec);
	if (out == NULL)
		adapter_errf(errbuf, errlen, "%s: cannot encode linux.resources", path);
	return out;
}

socklen_t adapter_waiter_addr(const char *root, const char *id, struct sockaddr_un *sa)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a: the root path is too long for the name */
	int n;

	for (const char *p = root; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	n = snprintf(sa->sun_path + 1, sizeof(sa->sun_path) - 1, "assay-runsc/%016llx/%s",
	             (unsigned long long)h, id);
	if (n < 0 || (size_t)n >= sizeof(sa->sun_path) - 1)
		return 0;
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

int adapter_wait_status(const char *text)
{
	json_t *j = json_loads(text, JSON_DISABLE_EOF_CHECK, NULL);
	json_t *st = json_object_get(j, "exitStatus");
	int ret = json_is_integer(st) && json_integer_value(st) >= 0 && json_integer_value(st) < 256
	              ? (int)json_integer_value(st)
	              : -1;

	json_decref(j);
	return ret;
}

int adapter_signal_number(const char *sig)
{
	static const struct {
		const char *name;
		int num;
	} names[] = {{"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"KILL", SIGKILL},
	             {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"TERM", SIGTERM}, {"STOP", SIGSTOP}};
	char *end;
	long n;

	if (sig == NULL)
		return SIGTERM;
	n = strtol(sig, &end, 10);
	if (end != sig && *end == '\0')
		return n > 0 && n < 65 ? (int)n : SIGTERM;
	if (!strncmp(sig, "SIG", 3))
		sig += 3;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(sig, names[i].name))
			return names[i].num;
	return SIGTERM;
}

int adapter_write_pid(const char *path, long pid, char *errbuf, size_t errlen)
{
	char tmp[4096], text[32];
	int fd, len = snprintf(text, sizeof(text), "%ld", pid);

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.assay-runsc", path) >= sizeof(tmp)) {
		adapter_errf(errbuf, errlen, "pid file path too long: %s", path);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, (size_t)len) != len || close(fd) < 0 ||
	    rename(tmp, path) < 0) {
		adapter_errf(errbuf, errlen, "write pid file `%s`: %s", path, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		return -1;
	}
	return 0;
}

char *adapter_state_file(const char *root, const char *id, const char *sid)
{
	size_t len = strlen(root) + strlen(id) + strlen(sid) + 32;
	char *p = malloc(len);

	if (p == NULL)
		abort();
	snprintf(p, len, "%s/%s_sandbox:%s.state", root, id, sid);
	return p;
}

static const char *root_of(const struct adapter_cmd *cmd)
{
	return cmd->root ? cmd->root : ADAPTER_DEFAULT_ROOT;
}

static void answer(int fd, int status)
{
	char text[16];
	int len = snprintf(text, sizeof(text), "%d", status);

	if (send(fd, text, (size_t)len, MSG_NOSIGNAL) < 0) {
		/* the asking adapter is gone: nobody to tell */
	}
	close(fd);
}

/* The waiter: stands for the container's init until it is started, then waits for it. Never
 * returns. */
static void waiter(int lfd, const struct adapter_cmd *cmd, const char *runsc, char *const *extra,
                   const char *state_file)
{
	char **start = adapter_sub_argv(cmd, runsc, extra, "start");
	char **wait = adapter_sub_argv(cmd, runsc, extra, "wait");
	char out[4096];
	struct stat st;
	int status, devnull;

	for (;;) {
		struct pollfd p = {.fd = lfd, .events = POLLIN};
		char req[64];
		ssize_t n;
		int fd, r = poll(&p, 1, WAITER_POLL_MS);

		if (r < 0 && errno != EINTR)
			_exit(137);
		if (r <= 0) {
			/* the container (or its whole sandbox) was removed without us */
			if (stat(state_file, &st) < 0 && errno == ENOENT)
				_exit(137);
			continue;
		}
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		n = recv(fd, req, sizeof(req) - 1, 0);
		if (n <= 0) {
			close(fd);
			continue;
		}
		req[n] = '\0';
		if (!strcmp(req, "start")) {
			/* with the container's stdio, which runsc hands to the sub-container */
			status = adapter_run(start, NULL, 0);
			answer(fd, status < 0 ? 1 : status);
			if (status == 0)
				break;
			continue;
		}
		if (!strncmp(req, "kill ", 5)) {
			answer(fd, 0);
			/* a created container's init dies of the signal (runc's behaviour) */
			_exit(128 + adapter_signal_number(req + 5));
		}
		answer(fd, 0); /* delete */
		_exit(137);
	}
	close(lfd);
	/* the sandbox holds the container's stdio now: the shim sees EOF when it exits */
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		close(devnull);
	}
	status = adapter_run(wait, out, sizeof(out)) == 0 ? adapter_wait_status(out) : -1;
	/* no status (the sandbox went away): as if the container was killed */
	_exit(status < 0 ? 128 + SIGKILL : status);
}

/* A sub-container whose waiter could not be set up: runsc forgets it again. */
static void undo_create(const struct adapter_cmd *cmd, const char *runsc, char *const *extra)
{
	char **del = adapter_sub_argv(cmd, runsc, extra, "delete");

	adapter_run(del, NULL, 0);
	free(del);
}

int adapter_pod_create(const struct adapter_cmd *cmd, const char *runsc, char *const *extra,
                       const char *sandbox_id)
{
	char **create = adapter_runsc_argv(cmd, runsc, extra);
	char *state_file = NULL, *resources = NULL;
	struct sockaddr_un sa;
	socklen_t len = adapter_waiter_addr(root_of(cmd), cmd->id ? cmd->id : "", &sa);
	char errbuf[1024];
	int lfd = -1, ret = 1;
	pid_t pid;

	if (len == 0 || cmd->id == NULL) {
		fprintf(stderr, "assay-runsc: create: container id missing or too long\n");
		goto out;
	}
	/* listening before runsc create: a `start` right after create finds the waiter */
	lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, len) < 0 || listen(lfd, 4) < 0) {
		fprintf(stderr, "assay-runsc: create %s: the waiter's socket: %s\n", cmd->id,
		        strerror(errno));
		goto out;
	}
	ret = adapter_run(create, NULL, 0);
	if (ret != 0) {
		ret = ret < 0 ? 1 : ret;
		goto out;
	}
	state_file = adapter_state_file(root_of(cmd), cmd->id, sandbox_id);
	resources = adapter_bundle_resources(cmd->bundle, errbuf, sizeof(errbuf));
	if (resources == NULL ||
	    adapter_limit_sandbox(cmd, runsc, extra, resources, errbuf, sizeof(errbuf)) < 0) {
		fprintf(stderr, "assay-runsc: create %s: the pod sandbox's limits: %s\n", cmd->id,
		        errbuf);
		ret = 1;
		goto undo;
	}
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "assay-runsc: create %s: fork: %s\n", cmd->id, strerror(errno));
		ret = 1;
		goto undo;
	}
	if (pid == 0)
		waiter(lfd, cmd, runsc, extra, state_file);
	/* the shim takes the waiter's pid for the container's init */
	if (cmd->pid_file && adapter_write_pid(cmd->pid_file, pid, errbuf, sizeof(errbuf)) < 0) {
		fprintf(stderr, "assay-runsc: create %s: %s\n", cmd->id, errbuf);
		kill(pid, SIGKILL);
		ret = 1;
		goto undo;
	}
	ret = 0;
	goto out;
undo:
	undo_create(cmd, runsc, extra);
out:
	if (lfd >= 0)
		close(lfd);
	free(state_file);
	free(resources);
	free(create);
	return ret;
}

int adapter_pod_request(const struct adapter_cmd *cmd, const char *request)
{
	struct sockaddr_un sa;
	socklen_t len = adapter_waiter_addr(root_of(cmd), cmd->id ? cmd->id : "", &sa);
	char reply[16];
	ssize_t n;
	int fd;

	if (len == 0 || cmd->id == NULL)
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, len) < 0) {
		close(fd);
		return -1;
	}
	if (send(fd, request, strlen(request), MSG_NOSIGNAL) < 0) {
		close(fd);
		return 1;
	}
	n = recv(fd, reply, sizeof(reply) - 1, 0);
	close(fd);
	if (n <= 0)
		return 1;
	reply[n] = '\0';
	return atoi(reply);
}
