/* crun on a cgroup v1 hybrid host: crun 1.8 refuses a host whose cgroup v2 hierarchy (mounted at
 * /sys/fs/cgroup/unified beside the v1 ones) holds any controller ("cgroups in hybrid mode not
 * supported, drop all controllers from cgroupv2"); this host's holds hugetlb. assay-crun runs crun
 * in a private mount namespace of its own where the v2 hierarchy is not mounted, so crun sees a
 * legacy (v1-only) host and its containers get v1 cgroups only. Nothing changes for anything else
 * on the host: the namespace is a slave copy (mounts reach it from the host, none leave it) and
 * lives as long as that one crun invocation. */
#ifndef ASSAY_CGROUP_VIEW_H
#define ASSAY_CGROUP_VIEW_H

#include <stddef.h>

#define CGVIEW_ROOT    "/sys/fs/cgroup"
#define CGVIEW_UNIFIED "/sys/fs/cgroup/unified"

/* Whether root (CGVIEW_ROOT) is a hybrid hierarchy whose v2 part (root/unified) holds
 * controllers: 1 yes (their names, space-separated, in ctrl), 0 no, -1 cannot tell. */
int cgview_hybrid_controllers(const char *root, char *ctrl, size_t len);

/* What results record for a crun target when cgview_hybrid_controllers says yes: a static
 * sentence, or NULL when crun runs as it is. */
const char *cgview_crun_note(void);

/* Enters a private (slave) mount namespace and detaches CGVIEW_UNIFIED there. 0, or -1 with a
 * message in errbuf. */
int cgview_hide_unified(char *errbuf, size_t errlen);

#endif
