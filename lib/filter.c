#include <fnmatch.h>
#include <string.h>

#include "lib/filter.h"
#include "lib/util.h"

bool filter_is_glob(const char *pattern)
{
	return strpbrk(pattern, "*?[") != NULL;
}

bool filter_match(const char *pattern, const char *name)
{
	/* No FNM_PATHNAME/FNM_PERIOD: `*` crosses `.` and `/`. fnmatch anchors at both ends, which
	 * is what keeps `scalability.runtime.5` from selecting `.50`. */
	if (!filter_is_glob(pattern))
		return strcmp(pattern, name) == 0;
	return fnmatch(pattern, name, 0) == 0;
}

bool filter_match_any(char *const *patterns, size_t n, const char *name)
{
	if (n == 0)
		return true;
	for (size_t i = 0; i < n; i++)
		if (filter_match(patterns[i], name))
			return true;
	return false;
}

int filter_split(const char *list, char ***out, size_t *n, assay_error_t *err)
{
	cleanup_free char *copy = xstrdup(list);
	char **v = xcalloc(strlen(list) + 2, sizeof(char *));
	size_t count = 0;
	char *p = copy, *comma;

	for (;;) {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (*p == '\0') {
			filter_free(v);
			return assay_error_usage(err, "empty item in list `%s`", list);
		}
		v[count++] = xstrdup(p);
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = v;
	*n = count;
	return 0;
}

void filter_free(char **patterns)
{
	if (patterns == NULL)
		return;
	for (char **p = patterns; *p; p++)
		free(*p);
	free(patterns);
}

int filter_check_used(char *const *patterns, size_t n, const char *const *names, size_t n_names,
                      const char *what, assay_error_t *err)
{
	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < n_names; j++)
			if (filter_match(patterns[i], names[j]))
				break;
		if (j == n_names)
			return assay_error_usage(err, "no %s matches `%s`", what, patterns[i]);
	}
	return 0;
}
