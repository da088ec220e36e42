/* Working buffers placed alike on every target (wl_buffer_alloc in harness.h): a start aligned to
 * 2 MiB (a huge page, so a buffer's offset in a page, its cache sets under huge pages and its
 * TLB reach never depend on where the allocator happened to put it), the huge-page policy of
 * --huge-pages applied explicitly with madvise (the host's THP default, `madvise` here, and a
 * runtime's differ; an explicit advice means the same on each), and what the kernel actually
 * gave (AnonHugePages of /proc/self/smaps_rollup, where there is one: gVisor has none) kept for
 * the JSON line. */
#include "harness/internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define ALIGN (2u << 20)

static int64_t huge_kb_max = -1; /* -1: never read */

/* AnonHugePages of this process in KiB, -1 when the kernel does not say. */
static int64_t anon_huge_kb(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[256];
	long long kb = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

void *wl_buffer_alloc(size_t size)
{
	size_t len = (size + ALIGN - 1) / ALIGN * ALIGN;
	char *raw, *p;
	int advice;

	raw = mmap(NULL, len + ALIGN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	p = (char *)(((uintptr_t)raw + ALIGN - 1) / ALIGN * ALIGN);
	if (p > raw)
		munmap(raw, (size_t)(p - raw));
	if (raw + len + ALIGN > p + len)
		munmap(p + len, (size_t)(raw + len + ALIGN - (p + len)));
	advice = wl_opt_choice("huge-pages") == 0 ? MADV_NOHUGEPAGE : MADV_HUGEPAGE;
	/* an advice a kernel does not know (gVisor may not) leaves its default: recorded below */
	(void)madvise(p, len, advice);
	memset(p, 0, size);
	return p;
}

void wl_buffer_free(void *p, size_t size)
{
	int64_t kb = anon_huge_kb();

	if (kb > huge_kb_max)
		huge_kb_max = kb;
	if (p)
		munmap(p, (size + ALIGN - 1) / ALIGN * ALIGN);
}

void harness_buffer_json(struct wl_json *j)
{
	int64_t kb = huge_kb_max >= 0 ? huge_kb_max : anon_huge_kb();

	wl_json_begin_object(j, "memory");
	wl_json_str(j, "huge_pages", wl_opt_str("huge-pages"));
	wl_json_uint(j, "buffer_align", ALIGN);
	if (kb >= 0)
		wl_json_int(j, "anon_huge_kb", kb);
	else
		wl_json_null(j, "anon_huge_kb");
	wl_json_end_object(j);
}
