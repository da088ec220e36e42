/* Name filters: exact names, globs over the whole name, list splitting, unused patterns. */
#include <stdlib.h>

#include "lib/error.h"
#include "lib/filter.h"
#include "tap.h"

int main(void)
{
	assay_error_t err = NULL;
	char **v = NULL;
	size_t n = 0;
	const char *names[] = {"scalability.runtime.5", "scalability.runtime.50",
	                       "performance.cpu.time"};
	char *pats[] = {"scalability.runtime.5"};
	char *globs[] = {"performance.*", "nothing.*"};

	ok(filter_match("scalability.runtime.5", "scalability.runtime.5"), "exact name matches");
	ok(!filter_match("scalability.runtime.5", "scalability.runtime.50"),
	   "scalability.runtime.5 does not select .50");
	ok(!filter_match("scalability.runtime.50", "scalability.runtime.5"),
	   ".50 does not select .5");
	ok(filter_match("scalability.runtime.5*", "scalability.runtime.50"),
	   "an explicit glob does");
	ok(filter_match("performance.*", "performance.disk.rndrd"), "* crosses dots");
	ok(filter_match("oci/*", "oci/runsc"), "* crosses slashes");
	ok(!filter_match("performance.cpu", "performance.cpu.time"), "no prefix matching");
	ok(!filter_match("cpu", "performance.cpu.time"), "no substring matching");
	ok(filter_match("performance.disk.[rs]*rd", "performance.disk.seqrd"),
	   "bracket expressions");
	ok(!filter_match("performance.disk.?", "performance.disk.rndrd"), "? is one character");
	ok(filter_match("*", ".hidden"), "a leading dot is not special");
	ok(filter_is_glob("a*") && filter_is_glob("a?") && filter_is_glob("a[b]") &&
	       !filter_is_glob("a.b"),
	   "glob detection");
	ok(filter_match_any(NULL, 0, "anything"), "no patterns select everything");
	ok(filter_match_any(pats, 1, "scalability.runtime.5") &&
	       !filter_match_any(pats, 1, "scalability.runtime.50"),
	   "match_any keeps exactness");

	is_int(filter_split("native,oci/*,cri/containerd/runc", &v, &n, &err), 0, "split a list");
	is_int(n, 3, "three items");
	is_str(v[1], "oci/*", "second item");
	ok(v[3] == NULL, "NULL-terminated");
	filter_free(v);
	is_int(filter_split("a,,b", &v, &n, &err), -1, "an empty item is an error");
	is_str(err ? err->msg : NULL, "empty item in list `a,,b`", "message names the list");
	is_int(err ? err->exit_code : 0, 2, "usage error");
	assay_error_release(&err);
	is_int(filter_split("", &v, &n, &err), -1, "an empty list is an error");
	assay_error_release(&err);

	is_int(filter_check_used(pats, 1, names, 3, "benchmark", &err), 0, "used pattern passes");
	is_int(filter_check_used(globs, 2, names, 3, "benchmark", &err), -1,
	       "a pattern matching nothing fails");
	is_str(err ? err->msg : NULL, "no benchmark matches `nothing.*`", "and says which");
	assay_error_release(&err);
	return tap_done();
}
