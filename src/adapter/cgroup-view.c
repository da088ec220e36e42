/* See cgroup-view.h. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "cgroup-view.h"

int cgview_hybrid_controllers(const char *root, char *ctrl, size_t len)
{
	char unified[4096], path[4200];
	struct statfs sf;
	ssize_t n;
	int fd;

	if (len)
		ctrl[0] = '\0';
	if (statfs(root, &sf) < 0)
		return -1;
	if (sf.f_type != TMPFS_MAGIC)
		return 0; /* pure v2 (cgroup2 at the root) or something else: not hybrid */
	snprintf(unified, sizeof(unified), "%s/unified", root);
	if (statfs(unified, &sf) < 0)
		return errno == ENOENT ? 0 : -1;
	if (sf.f_type != CGROUP2_SUPER_MAGIC)
		return 0; /* legacy: v1 only */
	snprintf(path, sizeof(path), "%s/cgroup.controllers", unified);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, ctrl, len ? len - 1 : 0);
	close(fd);
	if (n < 0)
		return -1;
	while (n > 0 && (ctrl[n - 1] == '\n' || ctrl[n - 1] == ' '))
		n--;
	ctrl[n] = '\0';
	return n > 0;
}

const char *cgview_crun_note(void)
{
	char ctrl[256];

	if (cgview_hybrid_controllers(CGVIEW_ROOT, ctrl, sizeof(ctrl)) != 1)
		return NULL;
	return "crun runs in a private mount namespace without /sys/fs/cgroup/unified "
	       "(assay-crun): this hybrid host's cgroup v2 hierarchy holds controllers, which "
	       "crun 1.8 refuses; its containers get cgroup v1 hierarchies only";
}

int cgview_hide_unified(char *errbuf, size_t errlen)
{
	if (unshare(CLONE_NEWNS) < 0) {
		snprintf(errbuf, errlen, "unshare(CLONE_NEWNS): %s", strerror(errno));
		return -1;
	}
	/* A slave copy: the detach below must not propagate to the host's namespace, while the
	 * host's mounts (the shim's rootfs mounts) still reach this one, and rslave bind mounts of
	 * a container stay possible. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) {
		snprintf(errbuf, errlen, "make / a recursive slave: %s", strerror(errno));
		return -1;
	}
	if (umount2(CGVIEW_UNIFIED, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT) {
		snprintf(errbuf, errlen, "detach %s: %s", CGVIEW_UNIFIED, strerror(errno));
		return -1;
	}
	return 0;
}
