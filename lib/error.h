/* Errors the crun way: a fallible function takes `assay_error_t *err` last, fills it with errno
 * and a message carrying context, and returns a negative value. Callers add context by wrapping
 * (assay_error_wrap) and pass it up; only main() prints it and picks the exit code. */
#ifndef ASSAY_ERROR_H
#define ASSAY_ERROR_H

struct assay_error_s {
	int status;    /* errno, or 0 */
	int exit_code; /* what main() exits with: 1 failure, 2 usage/config */
	char *msg;
};
typedef struct assay_error_s *assay_error_t;

/* Fills *err (which must be NULL) and returns -1. status is an errno value or 0. */
int assay_error_make(assay_error_t *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same, for bad input from the user: exit code 2. */
int assay_error_usage(assay_error_t *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prepends "context: " to the message in *err; returns -1. */
int assay_error_wrap(assay_error_t *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "msg: strerror(status)" into a malloc'd string (NULL when err is NULL). */
char *assay_error_text(const assay_error_t err);
/* Prints "PROG: msg[: strerror]" on stderr, frees *err, returns its exit code. */
int assay_error_print(assay_error_t *err, const char *prog);
void assay_error_release(assay_error_t *err);

#endif
