/* assay-runsc's logic, kept apart from its main() so tests/unit/test-cri-adapter.c can link it. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "runsc-adapter.h"

/* runc's global flags that take a value (go-runc passes --root, --log, --log-format). */
static const char *const value_flags[] = {"root", "log", "log-format", "criu", NULL};

int adapter_run(char **argv, char *out, size_t len)
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

void adapter_errf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* "--name", "-name", "--name=v" → name (without dashes) and whether a value is attached. */
static const char *flag_name(const char *arg, size_t *len, int *attached)
{
	const char *p = arg + (arg[1] == '-' ? 2 : 1);
	const char *eq = strchr(p, '=');

	*len = eq ? (size_t)(eq - p) : strlen(p);
	*attached = eq != NULL;
	return p;
}

static int takes_value(const char *name, size_t len)
{
	for (const char *const *f = value_flags; *f; f++) {
		if (strlen(*f) == len && strncmp(*f, name, len) == 0)
			return 1;
	}
	return 0;
}

int adapter_parse(int argc, char **argv, struct adapter_cmd *out, char *errbuf, size_t errlen)
{
	int i;

	memset(out, 0, sizeof(*out));
	out->argc = argc;
	out->argv = argv;
	for (i = 1; i < argc; i++) {
		const char *name;
		size_t len;
		int attached;

		if (argv[i][0] != '-' || argv[i][1] == '\0')
			break;
		name = flag_name(argv[i], &len, &attached);
		if (len == 7 && strncmp(name, "network", 7) == 0)
			out->has_network = 1;
		if (len == 4 && strncmp(name, "root", 4) == 0)
			out->root = attached ? name + 5 : (i + 1 < argc ? argv[i + 1] : NULL);
		if (!attached &&
		    (takes_value(name, len) || (len == 7 && !strncmp(name, "network", 7)))) {
			if (i + 1 >= argc) {
				adapter_errf(errbuf, errlen, "global flag %s needs a value",
				             argv[i]);
				return -1;
			}
			i++;
		}
	}
	if (i >= argc)
		return 0;
	out->cmd_index = i;
	out->command = argv[i];

	/* The operand: the first argument after the command that is neither a flag nor the value of
	 * one of the few value flags the shim uses with it. */
	for (int j = i + 1; j < argc; j++) {
		const char *a = argv[j];

		if (a[0] != '-') {
			out->id = a;
			break;
		}
		if (!strcmp(a, "--bundle") || !strcmp(a, "-b")) {
			if (j + 1 < argc)
				out->bundle = argv[++j];
			continue;
		}
		if (!strncmp(a, "--bundle=", 9)) {
			out->bundle = a + 9;
			continue;
		}
		if (!strcmp(a, "--resources") || !strcmp(a, "-r")) {
			if (j + 1 < argc)
				out->resources = argv[++j];
			continue;
		}
		if (!strncmp(a, "--resources=", 12)) {
			out->resources = a + 12;
			continue;
		}
		if (!strcmp(a, "--pid-file") && j + 1 < argc) {
			out->pid_file = argv[++j];
			continue;
		}
		if (!strncmp(a, "--pid-file=", 11)) {
			out->pid_file = a + 11;
			continue;
		}
		if (!strcmp(a, "--console-socket") || !strcmp(a, "--process") || !strcmp(a, "-p") ||
		    !strcmp(a, "--format") || !strcmp(a, "-f") || !strcmp(a, "--preserve-fds") ||
		    !strcmp(a, "--image-path") || !strcmp(a, "--work-path") ||
		    !strcmp(a, "--interval"))
			j++;
	}
	if (out->bundle == NULL &&
	    (!strcmp(out->command, "create") || !strcmp(out->command, "run")))
		out->bundle = ".";
	return 0;
}

char **adapter_split_flags(char *s)
{
	size_t n = 0, cap = 4;
	char **v = malloc(cap * sizeof(*v));
	char *save = NULL;

	if (v == NULL)
		abort();
	for (char *tok = s ? strtok_r(s, " \t\n", &save) : NULL; tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		if (n + 2 > cap) {
			cap *= 2;
			v = realloc(v, cap * sizeof(*v));
			if (v == NULL)
				abort();
		}
		v[n++] = tok;
	}
	v[n] = NULL;
	return v;
}

static size_t count(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* runsc + global flags + --network=none + extra; room for `tail` more and the NULL. */
static char **head(const struct adapter_cmd *cmd, const char *runsc, char *const *extra,
                   size_t tail, size_t *n)
{
	int globals_end = cmd->cmd_index ? cmd->cmd_index : cmd->argc;
	char **v = calloc((size_t)globals_end + count(extra) + tail + 3, sizeof(*v));

	if (v == NULL)
		abort();
	*n = 0;
	v[(*n)++] = (char *)runsc;
	for (int i = 1; i < globals_end; i++)
		v[(*n)++] = cmd->argv[i];
	if (!cmd->has_network)
		v[(*n)++] = "--network=none";
	for (size_t i = 0; i < count(extra); i++)
		v[(*n)++] = extra[i];
	return v;
}

char **adapter_runsc_argv(const struct adapter_cmd *cmd, const char *runsc, char *const *extra)
{
	size_t rest = cmd->cmd_index ? (size_t)(cmd->argc - cmd->cmd_index) : 0, n;
	char **v = head(cmd, runsc, extra, rest, &n);

	for (size_t i = 0; i < rest; i++)
		v[n++] = cmd->argv[cmd->cmd_index + (int)i];
	v[n] = NULL;
	return v;
}

char **adapter_sub_argv(const struct adapter_cmd *cmd, const char *runsc, char *const *extra,
                        const char *subcommand)
{
	size_t n;
	char **v = head(cmd, runsc, extra, 2, &n);

	v[n++] = (char *)subcommand;
	v[n++] = (char *)(cmd->id ? cmd->id : "");
	v[n] = NULL;
	return v;
}

json_t *adapter_load_bundle(const char *bundle, char *path, size_t pathlen, char *errbuf,
                            size_t errlen)
{
	json_error_t jerr;
	json_t *spec;

	if ((size_t)snprintf(path, pathlen, "%s/config.json", bundle) >= pathlen) {
		adapter_errf(errbuf, errlen, "bundle path too long: %s", bundle);
		return NULL;
	}
	spec = json_load_file(path, 0, &jerr);
	if (spec == NULL && access(path, F_OK) < 0)
		adapter_errf(errbuf, errlen, "open `%s`: %s", path, strerror(errno));
	else if (spec == NULL)
		adapter_errf(errbuf, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
	return spec;
}

int adapter_rewrite_bundle(const char *bundle, char *errbuf, size_t errlen)
{
	char path[4096], tmp[4096];
	json_t *spec, *ann, *type;
	struct stat st;
	int ret = -1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.config.json.assay-runsc", bundle) >=
	    sizeof(tmp)) {
		adapter_errf(errbuf, errlen, "bundle path too long: %s", bundle);
		return -1;
	}
	spec = adapter_load_bundle(bundle, path, sizeof(path), errbuf, errlen);
	if (spec == NULL)
		return -1;
	if (stat(path, &st) < 0) {
		adapter_errf(errbuf, errlen, "stat `%s`: %s", path, strerror(errno));
		json_decref(spec);
		return -1;
	}
	ann = json_object_get(spec, "annotations");
	type = ann ? json_object_get(ann, ADAPTER_CONTAINER_TYPE) : NULL;
	if (!json_is_string(type) || strcmp(json_string_value(type), "container") != 0) {
		ret = 0;
		goto out;
	}
	json_object_set_new(ann, ADAPTER_CONTAINER_TYPE, json_string("sandbox"));
	if (json_dump_file(spec, tmp, JSON_COMPACT) < 0) {
		adapter_errf(errbuf, errlen, "write `%s`: %s", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (chmod(tmp, st.st_mode & 07777) < 0 || rename(tmp, path) < 0) {
		adapter_errf(errbuf, errlen, "replace `%s`: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	ret = 1;
out:
	json_decref(spec);
	return ret;
}

int adapter_state_stopped(const char *state_json)
{
	json_error_t jerr;
	json_t *st = json_loads(state_json, 0, &jerr);
	const char *status;
	int ret;

	if (st == NULL)
		return -1;
	status = json_string_value(json_object_get(st, "status"));
	ret = status ? strcmp(status, "stopped") == 0 : -1;
	json_decref(st);
	return ret;
}

int adapter_state_pid(const char *state_json)
{
	json_t *st = json_loads(state_json, 0, NULL);
	json_t *pid = st ? json_object_get(st, "pid") : NULL;
	int ret =
	    json_is_integer(pid) && json_integer_value(pid) > 0 ? (int)json_integer_value(pid) : -1;

	json_decref(st);
	return ret;
}

static int plan_add(struct adapter_write *out, size_t max, size_t *n, const char *dir,
                    const char *file, const char *value, char *errbuf, size_t errlen)
{
	if (*n >= max) {
		adapter_errf(errbuf, errlen, "too many cgroup writes");
		return -1;
	}
	if ((size_t)snprintf(out[*n].path, sizeof(out[*n].path), "%s/%s", dir, file) >=
	        sizeof(out[*n].path) ||
	    (size_t)snprintf(out[*n].value, sizeof(out[*n].value), "%s", value) >=
	        sizeof(out[*n].value)) {
		adapter_errf(errbuf, errlen, "cgroup path or value too long: %s/%s", dir, file);
		return -1;
	}
	(*n)++;
	return 0;
}

/* Whether a comma-separated controller list names ctrl. */
static int has_controller(const char *list, size_t len, const char *ctrl)
{
	size_t cl = strlen(ctrl);

	for (const char *p = list; p < list + len;) {
		const char *comma = memchr(p, ',', (size_t)(list + len - p));
		size_t l = comma ? (size_t)(comma - p) : (size_t)(list + len - p);

		if (l == cl && memcmp(p, ctrl, cl) == 0)
			return 1;
		p += l + 1;
	}
	return 0;
}

int adapter_update_plan(const char *resources_json, const char *proc_cgroup,
                        const char *cgroup_root, struct adapter_write *out, size_t max,
                        char *errbuf, size_t errlen)
{
	json_error_t jerr;
	json_t *res = json_loads(resources_json, 0, &jerr);
	json_t *cpu, *mem, *quota, *period, *shares, *limit, *cpus, *mems;
	char v[64], dir[4096];
	size_t n = 0;
	int groups = 0;

	if (!json_is_object(res)) {
		adapter_errf(errbuf, errlen, "resources: %s",
		             res ? "not a JSON object" : jerr.text);
		json_decref(res);
		return -1;
	}
	cpu = json_object_get(res, "cpu");
	mem = json_object_get(res, "memory");
	quota = json_object_get(cpu, "quota");
	period = json_object_get(cpu, "period");
	shares = json_object_get(cpu, "shares");
	cpus = json_object_get(cpu, "cpus");
	mems = json_object_get(cpu, "mems");
	limit = json_object_get(mem, "limit");

	for (const char *line = proc_cgroup; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *c1 = memchr(line, ':', len);
		const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;

		if (c2) {
			const char *ctrl = c1 + 1, *path = c2 + 1;
			size_t clen = (size_t)(c2 - ctrl), plen = len - (size_t)(path - line);
			int v2 = clen == 0;

			if (plen > 1 || (plen == 1 && path[0] != '/')) {
				if (v2) {
					/* Hybrid hosts mount the v2 tree at unified/. */
					struct stat st;

					snprintf(dir, sizeof(dir), "%s/unified", cgroup_root);
					if (stat(dir, &st) == 0)
						snprintf(dir, sizeof(dir), "%s/unified%.*s",
						         cgroup_root, (int)plen, path);
					else
						snprintf(dir, sizeof(dir), "%s%.*s", cgroup_root,
						         (int)plen, path);
				} else {
					snprintf(dir, sizeof(dir), "%s/%.*s%.*s", cgroup_root,
					         (int)clen, ctrl, (int)plen, path);
				}
				groups++;
				if (v2 && (json_is_integer(quota) || json_is_integer(period))) {
					long long q =
					    json_is_integer(quota) ? json_integer_value(quota) : -1;
					long long p = json_is_integer(period)
					                  ? json_integer_value(period)
					                  : 100000;

					if (q < 0)
						snprintf(v, sizeof(v), "max %lld", p);
					else
						snprintf(v, sizeof(v), "%lld %lld", q, p);
					if (plan_add(out, max, &n, dir, "cpu.max", v, errbuf,
					             errlen) < 0)
						goto fail;
				}
				if (v2 && json_is_integer(shares) &&
				    json_integer_value(shares) >= 2) {
					long long sh = json_integer_value(shares);

					/* The conversion runc and the kubelet use. */
					snprintf(v, sizeof(v), "%lld",
					         1 + ((sh - 2) * 9999) / 262142);
					if (plan_add(out, max, &n, dir, "cpu.weight", v, errbuf,
					             errlen) < 0)
						goto fail;
				}
				if (v2 && json_is_integer(limit)) {
					long long l = json_integer_value(limit);

					if (l < 0)
						snprintf(v, sizeof(v), "max");
					else
						snprintf(v, sizeof(v), "%lld", l);
					if (plan_add(out, max, &n, dir, "memory.max", v, errbuf,
					             errlen) < 0)
						goto fail;
				}
				if (!v2 && has_controller(ctrl, clen, "cpu")) {
					/* Period first: the kernel checks the quota against it. */
					if (json_is_integer(period)) {
						snprintf(v, sizeof(v), "%lld",
						         (long long)json_integer_value(period));
						if (plan_add(out, max, &n, dir, "cpu.cfs_period_us",
						             v, errbuf, errlen) < 0)
							goto fail;
					}
					if (json_is_integer(quota)) {
						snprintf(v, sizeof(v), "%lld",
						         (long long)json_integer_value(quota));
						if (plan_add(out, max, &n, dir, "cpu.cfs_quota_us",
						             v, errbuf, errlen) < 0)
							goto fail;
					}
					if (json_is_integer(shares)) {
						snprintf(v, sizeof(v), "%lld",
						         (long long)json_integer_value(shares));
						if (plan_add(out, max, &n, dir, "cpu.shares", v,
						             errbuf, errlen) < 0)
							goto fail;
					}
				}
				if (!v2 && has_controller(ctrl, clen, "memory") &&
				    json_is_integer(limit)) {
					snprintf(v, sizeof(v), "%lld",
					         (long long)json_integer_value(limit));
					if (plan_add(out, max, &n, dir, "memory.limit_in_bytes", v,
					             errbuf, errlen) < 0)
						goto fail;
				}
				if (!v2 && has_controller(ctrl, clen, "cpuset")) {
					if (json_is_string(cpus) && *json_string_value(cpus) &&
					    plan_add(out, max, &n, dir, "cpuset.cpus",
					             json_string_value(cpus), errbuf, errlen) < 0)
						goto fail;
					if (json_is_string(mems) && *json_string_value(mems) &&
					    plan_add(out, max, &n, dir, "cpuset.mems",
					             json_string_value(mems), errbuf, errlen) < 0)
						goto fail;
				}
			}
		}
		line = end ? end + 1 : line + len;
	}
	json_decref(res);
	if (groups == 0) {
		adapter_errf(errbuf, errlen, "the sandbox has no cgroup of its own to update");
		return -1;
	}
	return (int)n;
fail:
	json_decref(res);
	return -1;
}

int adapter_apply(const struct adapter_write *w, size_t n, char *errbuf, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		int fd = open(w[i].path, O_WRONLY | O_CLOEXEC);
		size_t len = strlen(w[i].value);

		if (fd < 0 || write(fd, w[i].value, len) != (ssize_t)len) {
			adapter_errf(errbuf, errlen, "write %s to `%s`: %s", w[i].value, w[i].path,
			             strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

char *adapter_read_all(int fd)
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

int adapter_limit_sandbox(const struct adapter_cmd *cmd, const char *runsc, char *const *extra,
                          const char *resources, char *errbuf, size_t errlen)
{
	static struct adapter_write writes[32];
	char state[16384], path[64];
	char **sargv = adapter_sub_argv(cmd, runsc, extra, "state");
	char *cg = NULL;
	int fd, pid, n, ret = -1;

	if (adapter_run(sargv, state, sizeof(state)) != 0 ||
	    (pid = adapter_state_pid(state)) <= 0) {
		adapter_errf(errbuf, errlen, "no running sandbox");
		goto out;
	}
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		cg = adapter_read_all(fd);
		close(fd);
	}
	if (cg == NULL) {
		adapter_errf(errbuf, errlen, "read %s: %s", path, strerror(errno));
		goto out;
	}
	n = adapter_update_plan(resources, cg, "/sys/fs/cgroup", writes, 32, errbuf, errlen);
	if (n >= 0 && adapter_apply(writes, (size_t)n, errbuf, errlen) == 0)
		ret = 0;
out:
	free(sargv);
	free(cg);
	return ret;
}
