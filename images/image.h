/* The OCI image builder's modules: byte buffers with their digests and gzip (blob.c), a
 * deterministic ustar writer (tar.c), image definitions read from `images/NAME.image` (def.c),
 * and the image layout/archive writer (layout.c). Not part of libassay.a: only the builder
 * (images/main.c) and its unit tests link them. */
#ifndef ASSAY_IMAGE_H
#define ASSAY_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "lib/error.h"

/* ---- blob.c ---- */

struct image_buf {
	unsigned char *data;
	size_t len, cap;
};

void image_buf_append(struct image_buf *b, const void *data, size_t len);
void image_buf_release(struct image_buf *b);

/* "sha256:" followed by 64 lowercase hex digits, NUL-terminated. */
#define IMAGE_DIGEST_LEN (7 + 64)
int image_sha256(const void *data, size_t len, char digest[IMAGE_DIGEST_LEN + 1],
                 assay_error_t *err);

/* gzip (RFC 1952) of data: no file name, mtime 0, OS byte fixed to 3 (Unix), so the same input
 * gives the same bytes on every host with the same zlib. */
int image_gzip(const void *data, size_t len, struct image_buf *out, assay_error_t *err);

/* Reads a whole file (a regular file) into out. */
int image_read_file(const char *path, struct image_buf *out, assay_error_t *err);

/* Set by the builder's SIGINT/SIGTERM/SIGHUP handler: writes stop with EINTR so the temporary
 * directory is removed on the normal error path. */
extern volatile int image_interrupted;

/* Creates path (O_EXCL) and writes data to it; any short write, ENOSPC/EFBIG or close error
 * is reported with the path. */
int image_write_file(const char *path, const void *data, size_t len, assay_error_t *err);

/* ---- tar.c ---- */

struct image_tar;

/* Entries are collected and written sorted by name at image_tar_finish(); all carry uid/gid 0,
 * no user/group names, and the same mtime. */
struct image_tar *image_tar_new(uint64_t mtime);
void image_tar_free(struct image_tar *t);
int image_tar_add_file(struct image_tar *t, const char *name, unsigned mode, const void *data,
                       size_t len, assay_error_t *err);
int image_tar_add_dir(struct image_tar *t, const char *name, unsigned mode, assay_error_t *err);
/* Appends the archive (headers, data, two zero blocks) to out. */
int image_tar_finish(struct image_tar *t, struct image_buf *out, assay_error_t *err);

/* ---- def.c ---- */

/* One image definition: `key = value` lines, `#` comments. */
struct image_def {
	char *file;        /* the definition's path, for messages */
	char *name;        /* image name; default: the file's base name without `.image` */
	char *binary;      /* path of the binary, relative to the builder's --bin-dir */
	char *path;        /* where the binary goes in the image; default `/NAME` */
	char **entrypoint; /* NULL-terminated; default { path } */
	char **cmd;        /* NULL-terminated, may be NULL */
	char *title;       /* default: name */
	char *description;
	char *source;
};

int image_def_load(const char *file, struct image_def *def, assay_error_t *err);
void image_def_release(struct image_def *def);
/* Repository/tag grammar checks (distribution reference rules, lower-case repository). */
int image_valid_name(const char *s);
int image_valid_tag(const char *s);

/* ---- layout.c ---- */

struct image_params {
	const char *bin_dir; /* where definitions' binaries are */
	const char *out_dir; /* gets NAME/ (an OCI layout) and NAME.tar (oci-archive) */
	const char *repo;    /* reference prefix, e.g. "localhost/assay" */
	const char *version; /* the reference's tag and org.opencontainers.image.version */
	const char *source;  /* org.opencontainers.image.source unless the definition has one */
	uint64_t epoch;      /* every timestamp (tar mtimes, `created`) */
};

struct image_result {
	char ref[512];                       /* REPO/NAME:VERSION */
	char manifest[IMAGE_DIGEST_LEN + 1]; /* digest of the manifest */
	uint64_t archive_size;               /* bytes of NAME.tar */
};

/* Builds the image into a temporary directory next to out_dir/NAME and renames it into place;
 * on failure nothing of it is left and an existing image is untouched. */
int image_build(const struct image_def *def, const struct image_params *p, struct image_result *res,
                assay_error_t *err);

#endif
