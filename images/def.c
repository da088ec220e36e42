/* Image definitions: `images/NAME.image`, one `key = value` per line, `#` starts a comment.
 * Adding an image is adding such a file; the keys are documented in docs/images.md. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "image.h"
#include "lib/util.h"

int image_valid_name(const char *s)
{
	/* One lower-case path component of a reference: [a-z0-9]+([._-][a-z0-9]+)* (simplified:
	 * separators may not start, end or repeat). */
	size_t n = strlen(s);

	if (n == 0 || n > 128)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int sep = s[i] == '.' || s[i] == '_' || s[i] == '-';

		if (!sep && !(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= '0' && s[i] <= '9'))
			return 0;
		if (sep && (i == 0 || i == n - 1 || s[i + 1] == '.' || s[i + 1] == '-'))
			return 0;
	}
	return 1;
}

int image_valid_tag(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 128 || s[0] == '.' || s[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
			return 0;
	return 1;
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static char **split_words(const char *s)
{
	char **v = xcalloc(1, sizeof(*v));
	size_t n = 0;

	while (*s) {
		size_t l;

		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		for (l = 0; s[l] && !isspace((unsigned char)s[l]); l++)
			;
		v = xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = xasprintf("%.*s", (int)l, s);
		v[n] = NULL;
		s += l;
	}
	return v;
}

static void free_words(char **v)
{
	if (v == NULL)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

void image_def_release(struct image_def *def)
{
	free(def->file);
	free(def->name);
	free(def->binary);
	free(def->path);
	free_words(def->entrypoint);
	free_words(def->cmd);
	free(def->title);
	free(def->description);
	free(def->source);
	memset(def, 0, sizeof(*def));
}

static int set_key(struct image_def *def, const char *key, const char *val, int line,
                   assay_error_t *err)
{
	static const char *const keys[] = {"name", "binary", "path",        "entrypoint",
	                                   "cmd",  "title",  "description", "source"};
	char **strs[] = {&def->name, &def->binary, &def->path,        NULL,
	                 NULL,       &def->title,  &def->description, &def->source};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i]))
			break;
	if (i == sizeof(keys) / sizeof(keys[0]))
		return assay_error_usage(err, "%s:%d: unknown key `%s`", def->file, line, key);
	if (*val == '\0')
		return assay_error_usage(err, "%s:%d: `%s` has no value", def->file, line, key);
	/* Values end up in JSON strings, which must be UTF-8: refuse here, with the line. */
	json_t *utf8 = json_string(val);
	if (utf8 == NULL)
		return assay_error_usage(err, "%s:%d: `%s` is not valid UTF-8", def->file, line,
		                         key);
	json_decref(utf8);
	if (strs[i] == NULL) {
		char ***words = !strcmp(key, "cmd") ? &def->cmd : &def->entrypoint;

		if (*words)
			return assay_error_usage(err, "%s:%d: `%s` given twice", def->file, line,
			                         key);
		*words = split_words(val);
		return 0;
	}
	if (*strs[i])
		return assay_error_usage(err, "%s:%d: `%s` given twice", def->file, line, key);
	*strs[i] = xstrdup(val);
	return 0;
}

static int load(const char *file, struct image_def *def, assay_error_t *err)
{
	cleanup_file FILE *f = NULL;
	cleanup_free char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int lineno = 0;

	def->file = xstrdup(file);
	f = fopen(file, "re");
	if (f == NULL)
		return assay_error_make(err, errno, "open `%s`", file);
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *s, *eq;

		lineno++;
		if ((size_t)n != strlen(line))
			return assay_error_usage(err, "%s:%d: NUL byte", file, lineno);
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL)
			return assay_error_usage(err, "%s:%d: expected `key = value`", file,
			                         lineno);
		*eq = '\0';
		if (set_key(def, trim(s), trim(eq + 1), lineno, err) < 0)
			return -1;
	}
	if (ferror(f))
		return assay_error_make(err, errno, "read `%s`", file);
	return 0;
}

int image_def_load(const char *file, struct image_def *def, assay_error_t *err)
{
	memset(def, 0, sizeof(*def));
	if (load(file, def, err) < 0)
		goto fail;
	if (def->name == NULL) {
		const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
		size_t l = strlen(base);

		if (l > 6 && !strcmp(base + l - 6, ".image"))
			l -= 6;
		def->name = xasprintf("%.*s", (int)l, base);
	}
	if (!image_valid_name(def->name)) {
		assay_error_usage(err,
		                  "%s: image name `%s` is not a valid reference component "
		                  "(lower-case letters, digits, `.`, `_`, `-`)",
		                  file, def->name);
		goto fail;
	}
	if (def->binary == NULL) {
		assay_error_usage(err, "%s: `binary` is missing", file);
		goto fail;
	}
	if (def->path == NULL)
		def->path = xasprintf("/%s", def->name);
	if (def->path[0] != '/' || def->path[1] == '\0' ||
	    def->path[strlen(def->path) - 1] == '/') {
		assay_error_usage(err, "%s: `path` must be an absolute file name, not `%s`", file,
		                  def->path);
		goto fail;
	}
	if (def->entrypoint == NULL) {
		def->entrypoint = xcalloc(2, sizeof(char *));
		def->entrypoint[0] = xstrdup(def->path);
	}
	if (def->entrypoint[0] == NULL) {
		assay_error_usage(err, "%s: `entrypoint` is empty", file);
		goto fail;
	}
	if (def->title == NULL)
		def->title = xstrdup(def->name);
	return 0;
fail:
	image_def_release(def);
	return -1;
}
