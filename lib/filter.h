/* Name filters: exact names or shell globs (fnmatch), always matched against the whole name.
 * `*` also crosses dots and slashes, so `performance.*` selects every performance benchmark and
 * `oci/?*` every OCI target, while `scalability.runtime.5` selects exactly that name and never
 * `scalability.runtime.50`. */
#ifndef ASSAY_FILTER_H
#define ASSAY_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/error.h"

/* Whether pattern (exact name or glob) matches the whole of name. */
bool filter_match(const char *pattern, const char *name);
/* Whether any of patterns[0..n) matches; true when n == 0 (no filter selects everything). */
bool filter_match_any(char *const *patterns, size_t n, const char *name);
/* Whether a pattern has glob characters (`*`, `?`, `[`). */
bool filter_is_glob(const char *pattern);
/* Splits a comma-separated list ("native,oci/runc") into a NULL-terminated malloc'd vector of
 * non-empty items (free with filter_free); *n gets the count. Usage error on an empty item. */
int filter_split(const char *list, char ***out, size_t *n, assay_error_t *err);
void filter_free(char **patterns);
/* Usage error unless every pattern matches at least one of names[0..n_names): a typo in
 * --benchmarks must not silently select nothing. what: "benchmark", "target". */
int filter_check_used(char *const *patterns, size_t n, const char *const *names, size_t n_names,
                      const char *what, assay_error_t *err);

#endif
