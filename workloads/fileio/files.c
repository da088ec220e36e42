/* fileio's test files: what each block holds (with --validate, a payload and a trailer that
 * say which write put it where; see fileio.c) and the files' creation, opening and removal. */
#include "fileio/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRAILER_SIZE 32u
#define BLOCK_MAGIC  0x69466141u /* "AaFi" */

static void file_name(char *buf, size_t len, unsigned i)
{
	snprintf(buf, len, "test_file.%u", i);
}

/* ---- block content ------------------------------------------------------------------------ */

static void fill_payload(unsigned char *p, size_t len, uint64_t seed)
{
	uint64_t s = seed, w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		w = mix64(s += 0x9e3779b97f4a7c15ull);
		memcpy(p + i, &w, 8);
	}
	if (i < len) {
		w = mix64(s += 0x9e3779b97f4a7c15ull);
		memcpy(p + i, &w, len - i);
	}
}

static uint64_t block_seed(unsigned file, uint64_t off, uint64_t stamp)
{
	return mix64(stamp ^ mix64(((uint64_t)file << 40) ^ off));
}

static uint64_t trailer_check(uint32_t file, uint64_t off, uint64_t stamp)
{
	return mix64(BLOCK_MAGIC ^ mix64(file ^ mix64(off ^ mix64(stamp))));
}

/* Blocks shorter than the trailer (a tiny block size, or a file's short tail) carry a payload
 * that depends on the place only: a misplaced block is still caught. */
static void fill_block(unsigned char *p, size_t len, unsigned file, uint64_t off, uint64_t stamp)
{
	uint32_t magic = BLOCK_MAGIC, f = file;
	uint64_t check;
	size_t plen;

	if (len < TRAILER_SIZE) {
		fill_payload(p, len, block_seed(file, off, 0));
		return;
	}
	plen = len - TRAILER_SIZE;
	fill_payload(p, plen, block_seed(file, off, stamp));
	check = trailer_check(f, off, stamp);
	memcpy(p + plen, &magic, 4);
	memcpy(p + plen + 4, &f, 4);
	memcpy(p + plen + 8, &off, 8);
	memcpy(p + plen + 16, &stamp, 8);
	memcpy(p + plen + 24, &check, 8);
}

static int check_block(const unsigned char *p, size_t len, unsigned file, uint64_t off,
                       unsigned char *scratch)
{
	uint32_t magic, f;
	uint64_t o, stamp, check;
	size_t plen;

	if (len < TRAILER_SIZE) {
		fill_payload(scratch, len, block_seed(file, off, 0));
		if (memcmp(p, scratch, len) != 0)
			return wl_error(
			    "validation failed: %s/test_file.%u block at offset %" PRIu64
			    ": content differs from what was written there",
			    fio.dir, file, off);
		return 0;
	}
	plen = len - TRAILER_SIZE;
	memcpy(&magic, p + plen, 4);
	memcpy(&f, p + plen + 4, 4);
	memcpy(&o, p + plen + 8, 8);
	memcpy(&stamp, p + plen + 16, 8);
	memcpy(&check, p + plen + 24, 8);
	if (magic != BLOCK_MAGIC)
		return wl_error("validation failed: %s/test_file.%u block at offset %" PRIu64
		                ": no block trailer (was it prepared with --validate=on and the "
		                "same --file-block-size?)",
		                fio.dir, file, off);
	if (f != file || o != off)
		return wl_error("validation failed: %s/test_file.%u block at offset %" PRIu64
		                ": holds the block of test_file.%u at offset %" PRIu64,
		                fio.dir, file, off, f, o);
	if (check != trailer_check(f, o, stamp))
		return wl_error("validation failed: %s/test_file.%u block at offset %" PRIu64
		                ": corrupt trailer",
		                fio.dir, file, off);
	fill_payload(scratch, plen, block_seed(file, off, stamp));
	if (memcmp(p, scratch, plen) != 0)
		return wl_error("validation failed: %s/test_file.%u block at offset %" PRIu64
		                ": content differs from what was written there",
		                fio.dir, file, off);
	return 0;
}

/* A request is whole blocks from a block-aligned offset, the last one possibly cut by the end
 * of the file; so it is filled and checked block by block. */
void fio_fill_request(unsigned char *buf, const struct fio_req *r, uint64_t stamp)
{
	uint64_t done, len;

	for (done = 0; done < r->size; done += len) {
		len = r->size - done < fio.block ? r->size - done : fio.block;
		fill_block(buf + done, len, r->file, r->pos + done, stamp + done / fio.block);
	}
}

int fio_check_request(const unsigned char *buf, const struct fio_req *r, unsigned char *scratch)
{
	uint64_t done, len;
	int ret = 0;

	for (done = 0; done < r->size && ret == 0; done += len) {
		len = r->size - done < fio.block ? r->size - done : fio.block;
		ret = check_block(buf + done, len, r->file, r->pos + done, scratch);
	}
	return ret;
}

uint64_t fio_next_stamp(uint64_t nblocks)
{
	return __atomic_fetch_add(&fio.stamp_next, nblocks, __ATOMIC_RELAXED);
}

/* ---- files -------------------------------------------------------------------------------- */

/* Removes test_file.0 .. n-1; a file already gone is fine. Keeps going after a failure so as
 * much as possible goes; `report` false when an earlier error is the one to tell. */
int fio_remove_files(unsigned n, bool report)
{
	char name[32];
	int ret = 0;

	for (unsigned i = 0; i < n; i++) {
		file_name(name, sizeof(name), i);
		if (unlinkat(fio.dirfd, name, 0) == 0)
			fio.removed++;
		else if (errno != ENOENT && report && ret == 0)
			ret = wl_error_errno("remove %s/%s", fio.dir, name);
	}
	return ret;
}

/* Clears the way for a new file. A read-only filesystem is left for the create to report. */
static int remove_old(const char *name)
{
	if (unlinkat(fio.dirfd, name, 0) < 0 && errno != ENOENT && errno != EROFS)
		return wl_error_errno("remove %s/%s", fio.dir, name);
	return 0;
}

static int direct_refused(const char *what, const char *name)
{
	return wl_error_errno("%s %s/%s with O_DIRECT (the filesystem may not support direct I/O)",
	                      what, fio.dir, name);
}

static int create_one(unsigned i, unsigned char *buf)
{
	char name[32];
	uint64_t off, len;
	int fd, ret = 0;

	file_name(name, sizeof(name), i);
	if (remove_old(name) < 0)
		return -1;
	fd =
	    openat(fio.dirfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | fio.open_flags, 0600);
	if (fd < 0) {
		if (errno == EINVAL && (fio.extra & XF_DIRECT))
			return direct_refused("create", name);
		return wl_error_errno("create %s/%s", fio.dir, name);
	}
	for (off = 0; off < fio.file_size; off += len) {
		len = fio.file_size - off < fio.block ? fio.file_size - off : fio.block;
		/* The caller sees the signal, removes what was made and lets the harness exit
		 * 128+N. */
		if (wl_stop_requested())
			break;
		if (fio.validate) {
			struct fio_req r = {OP_WRITE, i, off, len};
			fio_fill_request(buf, &r, fio_next_stamp(1));
		}
		ssize_t n = pwrite(fd, buf, len, (off_t)off);
		if (n != (ssize_t)len) {
			if (n >= 0)
				errno = ENOSPC;
			ret = wl_error_errno("write %s/%s at offset %" PRIu64, fio.dir, name, off);
			break;
		}
		fio.prepare_bytes += len;
	}
	if (ret == 0 && fsync(fd) < 0)
		ret = wl_error_errno("fsync %s/%s", fio.dir, name);
	close(fd);
	return ret;
}

int fio_prepare_files(unsigned char *buf)
{
	uint64_t t0 = wl_now_ns();
	int ret = 0;

	/* seqwr's run creates the files; its prepare only clears the way (as sysbench). */
	if (fio.mode == SEQWR)
		ret = fio_remove_files(fio.nfiles, true);
	else
		for (unsigned i = 0; i < fio.nfiles && ret == 0 && !wl_stop_requested(); i++)
			ret = create_one(i, buf);
	fio.prepare_s = (double)(wl_now_ns() - t0) / 1e9;
	return ret;
}

int fio_open_files(void)
{
	char name[32];
	struct stat st;
	int flags = O_RDWR | O_CLOEXEC | fio.open_flags;

	if (fio.mode == SEQWR)
		flags |= O_CREAT | O_EXCL;
	for (unsigned i = 0; i < fio.nfiles; i++) {
		file_name(name, sizeof(name), i);
		/* seqwr writes new files, as sysbench does: truncating old ones instead leaves
		 * ext4 their block frees to journal during the run. */
		if (fio.mode == SEQWR && remove_old(name) < 0)
			return -1;
		fio.fds[i] = openat(fio.dirfd, name, flags, 0600);
		if (fio.fds[i] < 0) {
			if (errno == EINVAL && (fio.extra & XF_DIRECT))
				return direct_refused("open", name);
			if (errno == ENOENT)
				return wl_error_errno("open %s/%s (did you run --phase prepare?)",
				                      fio.dir, name);
			return wl_error_errno("open %s/%s", fio.dir, name);
		}
		if (fio.mode == SEQWR)
			continue;
		if (fstat(fio.fds[i], &st) < 0)
			return wl_error_errno("stat %s/%s", fio.dir, name);
		if ((uint64_t)st.st_size < fio.file_size)
			return wl_error("%s/%s is %lld bytes, at least %" PRIu64
			                " expected (prepared with other --file-total-size or "
			                "--file-num?)",
			                fio.dir, name, (long long)st.st_size, fio.file_size);
	}
	return 0;
}

void fio_close_files(void)
{
	if (fio.fds == NULL)
		return;
	for (unsigned i = 0; i < fio.nfiles; i++)
		if (fio.fds[i] >= 0)
			close(fio.fds[i]);
	free(fio.fds);
	fio.fds = NULL;
}
