/* cgroup directories assay made (v1 hierarchies and, on hybrid hosts, the unified one). */
#ifndef ASSAY_CGROUP_H
#define ASSAY_CGROUP_H

/* rmdir of a cgroup path (relative to the hierarchy roots, "/assay/x") in every mounted
 * hierarchy; only empty ones go, errors are ignored (another run may still use a shared
 * parent). Returns how many are left. */
int cgroup_remove(const char *rel);
/* Same, retrying for up to timeout_ms while the cgroup's last tasks exit. 0 when all gone. */
int cgroup_remove_wait(const char *rel, unsigned timeout_ms);

/* cgroup_remove_wait of rel after its sub-cgroups (a run's own parent: the engine's container
 * cgroup and Podman's conmon, LXC's lxc.pivot below it). */
int cgroup_remove_tree(const char *rel, unsigned timeout_ms);

#endif
