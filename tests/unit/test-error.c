/* The error module: first error kept, context prepended, exit codes, errno text. */
#include <errno.h>
#include <stdlib.h>

#include "lib/error.h"
#include "tap.h"

static int fails_with_enoent(assay_error_t *err)
{
	return assay_error_make(err, ENOENT, "open `%s`", "/nonexistent");
}

int main(void)
{
	assay_error_t err = NULL;
	char *text;

	is_int(fails_with_enoent(&err), -1, "fallible function returns -1");
	is_int(err->status, ENOENT, "status is the errno");
	assay_error_wrap(&err, "loading suite %s", "x.yaml");
	text = assay_error_text(err);
	is_str(text, "loading suite x.yaml: open `/nonexistent`: No such file or directory",
	       "context is prepended, errno text appended");
	free(text);
	assay_error_make(&err, EIO, "second");
	is_str(err->msg, "loading suite x.yaml: open `/nonexistent`", "first error is kept");
	is_int(err->exit_code, 1, "a failure exits 1");
	assay_error_release(&err);
	ok(err == NULL, "release resets the pointer");

	assay_error_usage(&err, "unknown option `--%s`", "bogus");
	is_int(err->exit_code, 2, "usage errors exit 2");
	text = assay_error_text(err);
	is_str(text, "unknown option `--bogus`", "no errno text without a status");
	free(text);
	assay_error_release(&err);
	return tap_done();
}
