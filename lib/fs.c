/* See fs.h. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fs.h"
#include "lib/util.h"

int fs_mkdir_p(const char *path, mode_t mode, assay_error_t *err)
{
	cleanup_free char *copy = xstrdup(path);

	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, mode) < 0 && errno != EEXIST)
			return assay_error_make(err, errno, "mkdir `%s`", copy);
		*p = '/';
	}
	if (mkdir(copy, mode) < 0 && errno != EEXIST)
		return assay_error_make(err, errno, "mkdir `%s`", copy);
	return 0;
}

/* Reads fd to EOF or max bytes; -1 (errno set) on a read error. */
static int read_all(int fd, size_t max, char **out, size_t *len)
{
	size_t used = 0, cap = max < 4096 ? max + 1 : 4096;
	char *buf = xmalloc(cap);

	for (;;) {
		ssize_t n;

		if (used + 1 >= cap) {
			if (cap > max)
				break;
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			buf = xrealloc(buf, cap);
		}
		n = read(fd, buf + used, cap - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			buf[used] = '\0';
			*out = buf;
			if (len)
				*len = used;
			return n < 0 ? -1 : 0;
		}
		used += (size_t)n;
	}
	buf[used] = '\0';
	*out = buf;
	if (len)
		*len = used;
	return 0;
}

char *fs_read_fd(int fd, size_t max, size_t *len)
{
	char *buf;

	read_all(fd, max, &buf, len);
	return buf;
}

char *fs_read(const char *path, size_t max, size_t *len)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;

	if (fd < 0)
		return NULL;
	if (read_all(fd, max, &buf, len) < 0) {
		int e = errno;

		free(buf);
		errno = e;
		return NULL;
	}
	return buf;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(p) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(p) < 0 && errno != ENOENT ? -1 : 0;
}

int fs_remove_tree(const char *path, assay_error_t *err)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : assay_error_make(err, errno, "stat `%s`", path);
	if (nftw(path, rm_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
		return assay_error_make(err, errno, "remove `%s`", path);
	return 0;
}

int fs_write_atomic(const char *path, const char *contents, size_t len, assay_error_t *err)
{
	cleanup_free char *dir = xstrdup(path), *tmp = NULL;
	cleanup_close int fd = -1, dfd = -1;
	char *slash = strrchr(dir, '/');
	const char *base = slash ? slash + 1 : path;
	size_t done = 0;

	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	tmp = xasprintf("%s/.%s.XXXXXX", dir, base);
	fd = mkstemp(tmp);
	if (fd < 0)
		return assay_error_make(err, errno, "create a temporary file in `%s`", dir);
	while (done < len) {
		ssize_t n = write(fd, contents + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			unlink(tmp);
			return assay_error_make(err, e, "write `%s`", tmp);
		}
		done += (size_t)n;
	}
	/* The data must be on disk before the rename makes it the file: a crash then leaves either
	 * the old or the new version, never an empty one. */
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0) {
		int e = errno;

		unlink(tmp);
		return assay_error_make(err, e, "fsync `%s`", tmp);
	}
	if (rename(tmp, path) < 0) {
		int e = errno;

		unlink(tmp);
		return assay_error_make(err, e, "rename `%s` to `%s`", tmp, path);
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0)
		return assay_error_make(err, errno, "fsync directory `%s`", dir);
	return 0;
}

char *fs_tree_path(const char *from_cwd, const char *rel_to_exe)
{
	cleanup_free char *exe = realpath("/proc/self/exe", NULL);
	char *p = realpath(from_cwd, NULL), *slash;

	if (p || exe == NULL)
		return p ? p : xstrdup(from_cwd);
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	{
		cleanup_free char *cand = xasprintf("%s/%s", exe, rel_to_exe);

		p = realpath(cand, NULL);
	}
	return p ? p : xstrdup(from_cwd);
}
