/* Blobs: growable byte buffers, their SHA-256 (OpenSSL EVP), gzip (zlib), and file I/O that
 * reports every failure with the path. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "image.h"
#include "lib/util.h"

volatile int image_interrupted;

void image_buf_append(struct image_buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + len)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
}

void image_buf_release(struct image_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

int image_sha256(const void *data, size_t len, char digest[IMAGE_DIGEST_LEN + 1],
                 assay_error_t *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		return assay_error_make(err, 0, "SHA-256 of %zu bytes: OpenSSL EVP_Digest failed",
		                        len);
	memcpy(digest, "sha256:", 7);
	for (unsigned int i = 0; i < mdlen; i++) {
		digest[7 + 2 * i] = hex[md[i] >> 4];
		digest[7 + 2 * i + 1] = hex[md[i] & 15];
	}
	digest[IMAGE_DIGEST_LEN] = '\0';
	return 0;
}

int image_gzip(const void *data, size_t len, struct image_buf *out, assay_error_t *err)
{
	/* zlib's own header carries the build's OS code; pin it so digests do not depend on it. */
	gz_header hdr = {.os = 3};
	z_stream zs = {0};
	size_t bound;
	int ret;

	if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return assay_error_make(err, ENOMEM, "gzip: deflateInit2 failed");
	if (deflateSetHeader(&zs, &hdr) != Z_OK) {
		deflateEnd(&zs);
		return assay_error_make(err, 0, "gzip: deflateSetHeader failed");
	}
	bound = deflateBound(&zs, len) + 64;
	if (out->cap - out->len < bound) {
		out->data = xrealloc(out->data, out->len + bound);
		out->cap = out->len + bound;
	}
	zs.next_in = (unsigned char *)data;
	zs.avail_in = len;
	zs.next_out = out->data + out->len;
	zs.avail_out = bound;
	ret = deflate(&zs, Z_FINISH);
	if (ret != Z_STREAM_END) {
		deflateEnd(&zs);
		return assay_error_make(err, 0, "gzip of %zu bytes: deflate returned %d", len, ret);
	}
	out->len += zs.total_out;
	deflateEnd(&zs);
	return 0;
}

int image_read_file(const char *path, struct image_buf *out, assay_error_t *err)
{
	cleanup_close int fd = -1;
	struct stat st;
	char chunk[65536];
	ssize_t n;

	/* O_NONBLOCK: a FIFO in place of a binary must fail below, not block the build. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return assay_error_make(err, errno, "open `%s`", path);
	if (fstat(fd, &st) < 0)
		return assay_error_make(err, errno, "stat `%s`", path);
	if (!S_ISREG(st.st_mode))
		return assay_error_make(err, EINVAL, "`%s` is not a regular file", path);
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR && !image_interrupted)
				continue;
			return assay_error_make(err, errno, "read `%s`", path);
		}
		image_buf_append(out, chunk, (size_t)n);
	}
	return 0;
}

int image_write_file(const char *path, const void *data, size_t len, assay_error_t *err)
{
	const unsigned char *p = data;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return assay_error_make(err, errno, "create `%s`", path);
	while (len > 0) {
		ssize_t n;

		if (image_interrupted) {
			close(fd);
			return assay_error_make(err, EINTR, "write `%s`", path);
		}
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : ENOSPC;

			close(fd);
			return assay_error_make(err, e, "write `%s`", path);
		}
		p += n;
		len -= (size_t)n;
	}
	/* NFS and some FUSE file systems only report a full disk here. */
	if (close(fd) < 0)
		return assay_error_make(err, errno, "close `%s`", path);
	return 0;
}
