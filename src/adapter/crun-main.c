/* assay-crun: crun, on a cgroup v1 hybrid host whose v2 hierarchy holds controllers, in a mount
 * namespace without that hierarchy (see cgroup-view.h); elsewhere plain crun. Used as the OCI
 * runtime of oci/crun and as the BinaryName of the embedded containerd's crun handler, so every
 * crun invocation of assay's (create, start, state, kill, delete, ...) sees the same host. crun
 * is $ASSAY_CRUN, or `crun` from PATH. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-view.h"

int main(int argc, char **argv)
{
	const char *crun = getenv("ASSAY_CRUN");
	char ctrl[256], errbuf[512];

	(void)argc;
	if (crun == NULL || *crun == '\0')
		crun = "crun";
	if (cgview_hybrid_controllers(CGVIEW_ROOT, ctrl, sizeof(ctrl)) == 1 &&
	    cgview_hide_unified(errbuf, sizeof(errbuf)) < 0) {
		fprintf(stderr, "assay-crun: %s\n", errbuf);
		return 1;
	}
	argv[0] = (char *)crun;
	execvp(crun, argv);
	fprintf(stderr, "assay-crun: exec `%s`: %s\n", crun, strerror(errno));
	return 127;
}
