/* See cgroup.h. */
#include <dirent.h>
#include <errno.h>
#include <unistd.h>

#include "lib/cgroup.h"
#include "lib/util.h"

int cgroup_remove(const char *rel)
{
	DIR *d = opendir("/sys/fs/cgroup");
	struct dirent *de;
	int left = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d))) {
		cleanup_free char *p = NULL;

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("/sys/fs/cgroup/%s%s", de->d_name, rel);
		if (rmdir(p) < 0 && errno != ENOENT && errno != ENOTDIR)
			left++;
	}
	closedir(d);
	return left;
}

int cgroup_remove_wait(const char *rel, unsigned timeout_ms)
{
	for (unsigned waited = 0;; waited += 20) {
		int left = cgroup_remove(rel);

		if (left == 0 || waited >= timeout_ms)
			return left;
		usleep(20000);
	}
}

/* rmdir of dir's sub-directories (deepest first), then of dir. */
static void remove_below(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		cleanup_free char *p = NULL;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		remove_below(p);
		rmdir(p);
	}
	if (d)
		closedir(d);
}

int cgroup_remove_tree(const char *rel, unsigned timeout_ms)
{
	DIR *d = opendir("/sys/fs/cgroup");
	struct dirent *de;

	while (d && (de = readdir(d))) {
		cleanup_free char *p = NULL;

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("/sys/fs/cgroup/%s%s", de->d_name, rel);
		remove_below(p);
	}
	if (d)
		closedir(d);
	return cgroup_remove_wait(rel, timeout_ms);
}
