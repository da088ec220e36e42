/* assay-runsc's logic, kept apart from its main() so tests/unit/test-cri-adapter.c can link it. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "runsc-adapter.h"

/* runc's global flags that take a value (go-runc passes --root, --log, --log-format). */
static const char *const value_flags[] = {"root", "log", "log-format", "criu", NULL};

static void errf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void errf(char *buf, size_t len, const char *fmt, ...)
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
		if (!attached &&
		    (takes_value(name, len) || (len == 7 && !strncmp(name, "network", 7)))) {
			if (i + 1 >= argc) {
				errf(errbuf, errlen, "global flag %s needs a value", argv[i]);
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
		if (!strcmp(a, "--pid-file") || !strcmp(a, "--console-socket") ||
		    !strcmp(a, "--process") || !strcmp(a, "-p") || !strcmp(a, "--format") ||
		    !strcmp(a, "-f") || !strcmp(a, "--preserve-fds") || !strcmp(a, "--resources") ||
		    !strcmp(a, "-r") || !strcmp(a, "--image-path") || !strcmp(a, "--work-path") ||
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

char **adapter_state_argv(const struct adapter_cmd *cmd, const char *runsc, char *const *extra)
{
	size_t n;
	char **v = head(cmd, runsc, extra, 2, &n);

	v[n++] = "state";
	v[n++] = (char *)(cmd->id ? cmd->id : "");
	v[n] = NULL;
	return v;
}

int adapter_rewrite_bundle(const char *bundle, char *errbuf, size_t errlen)
{
	char path[4096], tmp[4096];
	json_error_t jerr;
	json_t *spec, *ann, *type;
	struct stat st;
	int ret = -1;

	if ((size_t)snprintf(path, sizeof(path), "%s/config.json", bundle) >= sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.config.json.assay-runsc", bundle) >=
	        sizeof(tmp)) {
		errf(errbuf, errlen, "bundle path too long: %s", bundle);
		return -1;
	}
	if (stat(path, &st) < 0) {
		errf(errbuf, errlen, "stat `%s`: %s", path, strerror(errno));
		return -1;
	}
	spec = json_load_file(path, 0, &jerr);
	if (spec == NULL) {
		errf(errbuf, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
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
		errf(errbuf, errlen, "write `%s`: %s", tmp, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (chmod(tmp, st.st_mode & 07777) < 0 || rename(tmp, path) < 0) {
		errf(errbuf, errlen, "replace `%s`: %s", path, strerror(errno));
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
