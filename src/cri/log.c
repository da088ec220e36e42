/* CRI container log files and endpoint resolution.
 *
 * A CRI runtime writes each chunk a container prints as one line
 * "<RFC3339Nano timestamp> <stdout|stderr> <tag> <message>\n", where the tag's first
 * ':'-separated field is "P" when the runtime cut a long line (the message continues in the next
 * line of the same stream) or "F" when the line is full. Reading the workload's JSON back means
 * putting its stdout together again. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cri/cri.h"
#include "lib/util.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "YYYY-MM-DDTHH:MM:SS" then anything up to the space (fraction, zone). */
static bool timestamp_ok(const char *s, size_t n)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";

	if (n < sizeof(shape) - 1)
		return false;
	for (size_t i = 0; i < sizeof(shape) - 1; i++) {
		if (shape[i] == 'd' ? !is_digit(s[i]) : s[i] != shape[i])
			return false;
	}
	return true;
}

int cri_log_parse_line(const char *line, size_t len, struct cri_log_line *out)
{
	const char *end, *p, *sp;
	size_t n;

	if (line == NULL)
		return -1;
	if (len && line[len - 1] == '\n')
		len--;
	end = line + len;

	sp = memchr(line, ' ', len);
	if (sp == NULL || !timestamp_ok(line, (size_t)(sp - line)))
		return -1;
	out->timestamp = line;
	out->timestamp_len = (size_t)(sp - line);

	p = sp + 1;
	sp = memchr(p, ' ', (size_t)(end - p));
	if (sp == NULL)
		return -1;
	n = (size_t)(sp - p);
	if (n == 6 && memcmp(p, "stdout", 6) == 0)
		out->stream = CRI_LOG_STDOUT;
	else if (n == 6 && memcmp(p, "stderr", 6) == 0)
		out->stream = CRI_LOG_STDERR;
	else
		return -1;

	p = sp + 1;
	sp = memchr(p, ' ', (size_t)(end - p));
	n = sp ? (size_t)(sp - p) : (size_t)(end - p);
	if (n == 0 || (p[0] != 'P' && p[0] != 'F') || (n > 1 && p[1] != ':'))
		return -1;
	out->partial = p[0] == 'P';

	/* An empty full line may come without the separating space. */
	out->message = sp ? sp + 1 : end;
	out->message_len = (size_t)(end - out->message);
	return 0;
}

struct text {
	char *s;
	size_t len, cap;
};

static void text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->s = xrealloc(t->s, t->cap);
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

int cri_log_read(const char *path, char **stdout_text, char **stderr_text, assay_error_t *err)
{
	cleanup_file FILE *f = NULL;
	cleanup_free char *line = NULL;
	struct text out[2] = {{0}, {0}};
	size_t cap = 0, lineno = 0;
	ssize_t n;

	f = fopen(path, "re");
	if (f == NULL)
		return assay_error_make(err, errno, "open `%s`", path);
	while ((n = getline(&line, &cap, f)) >= 0) {
		struct cri_log_line l;

		lineno++;
		if (cri_log_parse_line(line, (size_t)n, &l) < 0) {
			free(out[0].s);
			free(out[1].s);
			line[strcspn(line, "\n")] = '\0';
			return assay_error_make(err, 0, "%s:%zu: not a CRI log line: %.80s", path,
			                        lineno, line);
		}
		text_add(&out[l.stream], l.message, l.message_len);
		if (!l.partial)
			text_add(&out[l.stream], "\n", 1);
	}
	if (ferror(f)) {
		free(out[0].s);
		free(out[1].s);
		return assay_error_make(err, EIO, "read `%s`", path);
	}
	for (int i = 0; i < 2; i++) {
		char **dst = i == 0 ? stdout_text : stderr_text;

		if (out[i].s == NULL)
			out[i].s = xstrdup("");
		if (dst)
			*dst = out[i].s;
		else
			free(out[i].s);
	}
	return 0;
}

char *cri_log_read_stdout(const char *path, assay_error_t *err)
{
	char *s = NULL;

	if (cri_log_read(path, &s, NULL, err) < 0)
		return NULL;
	return s;
}

/* --- endpoint -------------------------------------------------------------------------------- */

static int endpoint_check(const char *value, const char *source, char **endpoint,
                          assay_error_t *err)
{
	if (strncmp(value, "unix:///", 8) != 0 && value[0] != '/')
		return assay_error_usage(err,
		                         "CRI endpoint `%s` (from %s): only unix:///path sockets "
		                         "are supported",
		                         value, source);
	*endpoint = value[0] == '/' ? xasprintf("unix://%s", value) : xstrdup(value);
	return 0;
}

/* `runtime-endpoint:` of a crictl.yaml: 1 and *value when present, 0 when not. */
static int crictl_yaml_endpoint(const char *path, char **value, assay_error_t *err)
{
	cleanup_file FILE *f = fopen(path, "re");
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int ret = 0;

	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		return assay_error_make(err, errno, "open `%s`", path);
	}
	if (!yaml_parser_initialize(&parser))
		return assay_error_make(err, ENOMEM, "yaml parser");
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		ret = assay_error_usage(err, "%s:%zu:%zu: %s", path, parser.problem_mark.line + 1,
		                        parser.problem_mark.column + 1,
		                        parser.problem ? parser.problem : "invalid YAML");
		yaml_parser_delete(&parser);
		return ret;
	}
	root = yaml_document_get_root_node(&doc);
	if (root && root->type == YAML_MAPPING_NODE) {
		for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
		     pr < root->data.mapping.pairs.top; pr++) {
			yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
			yaml_node_t *v = yaml_document_get_node(&doc, pr->value);

			if (k == NULL || v == NULL || k->type != YAML_SCALAR_NODE ||
			    strcmp((char *)k->data.scalar.value, "runtime-endpoint") != 0)
				continue;
			if (v->type != YAML_SCALAR_NODE) {
				ret = assay_error_usage(err,
				                        "%s:%zu:%zu: runtime-endpoint must be a "
				                        "string",
				                        path, v->start_mark.line + 1,
				                        v->start_mark.column + 1);
				break;
			}
			if (v->data.scalar.length == 0)
				break;
			*value = xstrdup((char *)v->data.scalar.value);
			ret = 1;
			break;
		}
	} else if (root) {
		ret = assay_error_usage(err, "%s: expected a mapping at the top", path);
	}
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return ret;
}

int cri_endpoint_resolve_from(const char *flag, const char *env_value, const char *crictl_yaml,
                              char **endpoint, const char **source, assay_error_t *err)
{
	cleanup_free char *yaml_value = NULL;
	int ret;

	*endpoint = NULL;
	if (source)
		*source = NULL;
	if (flag && *flag) {
		if (source)
			*source = "--endpoint";
		return endpoint_check(flag, "--endpoint", endpoint, err);
	}
	if (env_value && *env_value) {
		if (source)
			*source = "CONTAINER_RUNTIME_ENDPOINT";
		return endpoint_check(env_value, "CONTAINER_RUNTIME_ENDPOINT", endpoint, err);
	}
	if (crictl_yaml == NULL)
		return 0;
	ret = crictl_yaml_endpoint(crictl_yaml, &yaml_value, err);
	if (ret <= 0)
		return ret;
	if (source)
		*source = crictl_yaml;
	return endpoint_check(yaml_value, crictl_yaml, endpoint, err);
}

int cri_endpoint_resolve(const char *flag, char **endpoint, const char **source, assay_error_t *err)
{
	return cri_endpoint_resolve_from(flag, getenv("CONTAINER_RUNTIME_ENDPOINT"),
	                                 "/etc/crictl.yaml", endpoint, source, err);
}
