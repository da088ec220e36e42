/* What the tools assay drives leave on the host outside assay's own directories, whatever they
 * are told (a private root, state dir or config): runc, crun and runsc make their default state
 * directories, containerd 1.6's shims /run/containerd/s, skopeo and podman
 * /var/lib/containers/cache and /etc/cni/net.d/cni.lock, dockerd /run/docker/plugins, LXC /run/lxc.
 * footprint_note records which of them exist before a run; footprint_clean removes, after it, those
 * that did not: empty directories (rmdir: one something else fills stays) and empty lock files. One
 * table, in footprint.c. */
#ifndef ASSAY_FOOTPRINT_H
#define ASSAY_FOOTPRINT_H

#include <stdbool.h>

#define FOOTPRINT_MAX 16

struct footprint {
	bool absent[FOOTPRINT_MAX];
};

void footprint_note(struct footprint *f);
void footprint_clean(const struct footprint *f);

#endif
