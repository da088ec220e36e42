/* What fileio.c (the workload: options, requests, events, reports) and files.c (its test
 * files: what each block holds, and creating, opening, checking and removing the files) share:
 * the one state of a run and the request type. Only fileio links these. */
#ifndef ASSAY_WORKLOAD_FILEIO_H
#define ASSAY_WORKLOAD_FILEIO_H

#include "harness/harness.h"

#include <pthread.h>

enum fio_mode { SEQWR, SEQREWR, SEQRD, RNDRD, RNDWR, RNDRW };

/* Same order as the --phase choices. */
enum fio_phase { PH_PREPARE, PH_RUN, PH_CLEANUP, PH_ALL };
/* Bits of --file-extra-flags, same order as its choices. */
enum { XF_SYNC = 1, XF_DSYNC = 2, XF_DIRECT = 4 };

enum fio_op { OP_READ, OP_WRITE, OP_FSYNC };

struct fio_req {
	enum fio_op op;
	unsigned file;
	uint64_t pos, size;
};

struct fio_thread; /* per-thread state, fileio.c */

struct fio_state {
	enum fio_phase phase;
	enum fio_mode mode;
	bool mode_set;
	unsigned nfiles;
	uint64_t file_size, block, req_size, blocks_per_file;
	unsigned extra;
	int open_flags;
	int64_t fsync_freq;
	bool fsync_all, fsync_end, fdatasync, validate;
	double rw_ratio;
	const char *dir;
	int dirfd;
	int *fds;
	int nthreads;
	struct fio_thread *th;
	bool remove_at_done;
	double prepare_s;
	uint64_t prepare_bytes;
	unsigned removed;

	/* Shared request state, as sysbench's: one sequential cursor for all threads and one
	 * periodic-fsync rotation. */
	pthread_mutex_t lock;
	uint64_t seq_pos;
	unsigned seq_file;
	unsigned fsync_file;
	bool dirty;
	uint64_t req_done;
	uint64_t stamp_next;
};
extern struct fio_state fio;

/* splitmix64's finalizer: the blocks' content and the first stamp of a run. */
static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* files.c. Content (--validate): a request is filled and checked block by block; stamps are
 * taken from one counter so that each write differs from the last. */
void fio_fill_request(unsigned char *buf, const struct fio_req *r, uint64_t stamp);
int fio_check_request(const unsigned char *buf, const struct fio_req *r, unsigned char *scratch);
uint64_t fio_next_stamp(uint64_t nblocks);
/* The files: <0 on failure (the error is recorded). prepare_files fills fio.prepare_s and
 * fio.prepare_bytes; its buf holds at least --file-block-size bytes, zeroed. */
int fio_remove_files(unsigned n, bool report);
int fio_prepare_files(unsigned char *buf);
int fio_open_files(void);
void fio_close_files(void);

#endif
