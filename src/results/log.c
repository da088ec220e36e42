/* runs.jsonl: one JSON record per line, each appended with write + fsync (log.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "results/log.h"
#include "lib/fs.h"
#include "lib/json.h"
#include "lib/util.h"

struct results_log {
	int fd;
	char *path;
};

static int write_all(int fd, const char *s, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

int results_log_append(struct results_log *l, json_t *rec, assay_error_t *err)
{
	cleanup_free char *line = json_dumps(rec, JSON_COMPACT | JSON_REAL_PRECISION(17));
	size_t len;

	if (line == NULL)
		return assay_error_make(err, ENOMEM, "serialise a record of `%s`", l->path);
	len = strlen(line);
	line = xrealloc(line, len + 2);
	line[len++] = '\n';
	line[len] = '\0';
	/* one write: the line is whole or (after a crash) a truncated last line */
	if (write_all(l->fd, line, len) < 0)
		return assay_error_make(err, errno, "write `%s`", l->path);
	if (fsync(l->fd) < 0)
		return assay_error_make(err, errno, "fsync `%s`", l->path);
	return 0;
}

int results_log_create(const char *path, json_t *first, struct results_log **out,
                       assay_error_t *err)
{
	struct results_log *l;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);

	if (fd < 0)
		return assay_error_make(err, errno, "create `%s`", path);
	l = xcalloc(1, sizeof(*l));
	l->fd = fd;
	l->path = xstrdup(path);
	if (results_log_append(l, first, err) < 0) {
		results_log_close(l);
		return -1;
	}
	*out = l;
	return 0;
}

void results_log_close(struct results_log *l)
{
	if (l == NULL)
		return;
	close(l->fd);
	free(l->path);
	free(l);
}

int results_log_read(const char *path, json_t **records, char **warning, assay_error_t *err)
{
	cleanup_file FILE *f = fopen(path, "re");
	cleanup_free char *line = NULL;
	json_t *out;
	size_t cap = 0, lineno = 0;
	ssize_t n;

	*warning = NULL;
	if (f == NULL)
		return assay_error_make(err, errno, "open `%s`", path);
	out = json_array();
	while ((n = getline(&line, &cap, f)) > 0) {
		bool whole = line[n - 1] == '\n';
		json_error_t jerr;
		json_t *rec;

		lineno++;
		rec = json_loadb(line, (size_t)n, 0, &jerr);
		if (rec != NULL && whole && json_is_object(rec)) {
			json_array_append_new(out, rec);
			continue;
		}
		json_decref(rec);
		/* only the last line can have been cut short by a crash */
		if (getc(f) == EOF) {
			*warning =
			    xasprintf("%s: line %zu is incomplete (%zd bytes, %s): ignored (the "
			              "collector stopped while writing it)",
			              path, lineno, n, whole ? jerr.text : "no newline");
			break;
		}
		json_decref(out);
		return assay_error_usage(err, "%s:%zu:%d: %s", path, lineno, jerr.column,
		                         rec ? "not a JSON object" : jerr.text);
	}
	if (ferror(f)) {
		json_decref(out);
		return assay_error_make(err, errno, "read `%s`", path);
	}
	*records = out;
	return 0;
}
