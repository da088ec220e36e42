/* Files and directories: the few operations every part of assay needs, once. */
#ifndef ASSAY_FS_H
#define ASSAY_FS_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/error.h"

/* mkdir -p: path and its missing parents, each with mode (0755 usually). */
int fs_mkdir_p(const char *path, mode_t mode, assay_error_t *err);

/* The contents of a (small) file, NUL-terminated, at most max bytes read; *len (may be NULL)
 * gets the length. NULL with errno set when it cannot be opened or read. */
char *fs_read(const char *path, size_t max, size_t *len);

/* The same from an open descriptor, from its current offset to EOF (or max bytes). Never NULL:
 * a read error ends the text where it happened. */
char *fs_read_fd(int fd, size_t max, size_t *len);

/* rm -rf that does not cross mount points; a missing path is fine. */
int fs_remove_tree(const char *path, assay_error_t *err);

/* Writes contents to path atomically: a temp file in the same directory, fsync, rename over
 * path, fsync of the directory. A crash leaves the old or the new file, never a torn one. */
int fs_write_atomic(const char *path, const char *contents, size_t len, assay_error_t *err);

/* A path of the source tree, absolute: from_cwd when it exists (run from the top of the tree),
 * else rel_to_exe next to the running executable (build/collector -> build/REL); from_cwd as
 * given when neither exists. malloc'd. */
char *fs_tree_path(const char *from_cwd, const char *rel_to_exe);

#endif
