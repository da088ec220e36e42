#include "lib/footprint.h"

#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

enum kind {
	DIR_EMPTY,  /* removed when empty */
	FILE_EMPTY, /* a lock file: removed when empty */
	FILE_OURS,  /* a cache that did not exist before the run: ours, whatever it holds */
};

/* Children before their parents. */
static const struct {
	const char *path;
	enum kind kind;
} paths[] = {
    {"/run/containerd/s", DIR_EMPTY},
    {"/run/containerd", DIR_EMPTY},
    {"/run/runc", DIR_EMPTY},
    {"/run/crun", DIR_EMPTY},
    {"/run/runsc", DIR_EMPTY},
    {"/var/lib/containers/cache/blob-info-cache-v1.boltdb", FILE_OURS},
    {"/var/lib/containers/cache", DIR_EMPTY},
    {"/var/lib/containers", DIR_EMPTY},
    {"/etc/cni/net.d/cni.lock", FILE_EMPTY},
    {"/run/docker/plugins", DIR_EMPTY}, /* dockerd's, whatever its exec-root */
    {"/run/docker", DIR_EMPTY},
    {"/run/lxc/lock", DIR_EMPTY}, /* LXC's lock directories' top (lxc.c empties it) */
    {"/run/lxc", DIR_EMPTY},
};

#define N_PATHS (sizeof(paths) / sizeof(paths[0]))
_Static_assert(N_PATHS <= FOOTPRINT_MAX, "FOOTPRINT_MAX too small");

void footprint_note(struct footprint *f)
{
	for (size_t i = 0; i < N_PATHS; i++)
		f->absent[i] = access(paths[i].path, F_OK) < 0;
}

void footprint_clean(const struct footprint *f)
{
	for (size_t i = 0; i < N_PATHS; i++) {
		struct stat st;

		if (!f->absent[i] || lstat(paths[i].path, &st) < 0)
			continue;
		if (paths[i].kind == DIR_EMPTY)
			rmdir(paths[i].path);
		else if (S_ISREG(st.st_mode) && (paths[i].kind == FILE_OURS || st.st_size == 0))
			unlink(paths[i].path);
	}
}
