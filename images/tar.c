/* A deterministic POSIX ustar writer: entries sorted by name, uid/gid 0, no user or group
 * names, one mtime for all, so equal inputs give equal bytes (and equal layer digests). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "image.h"
#include "lib/util.h"

#define BLOCK 512

struct tar_entry {
	char *name; /* directories end with '/' */
	char type;  /* '0' file, '5' directory */
	unsigned mode;
	unsigned char *data;
	size_t len;
};

struct image_tar {
	uint64_t mtime;
	struct tar_entry *v;
	size_t n, cap;
};

struct image_tar *image_tar_new(uint64_t mtime)
{
	struct image_tar *t = xcalloc(1, sizeof(*t));

	t->mtime = mtime;
	return t;
}

void image_tar_free(struct image_tar *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].name);
		free(t->v[i].data);
	}
	free(t->v);
	free(t);
}

/* Relative, no empty, "." or ".." component: what an extracting runtime will not refuse. */
static int plain_path(const char *name, size_t nlen)
{
	size_t i = 0;

	if (nlen == 0)
		return 0;
	while (i < nlen) {
		size_t j = i;

		while (j < nlen && name[j] != '/')
			j++;
		if (j == i || (j - i == 1 && name[i] == '.') ||
		    (j - i == 2 && name[i] == '.' && name[i + 1] == '.'))
			return 0;
		i = j + 1;
	}
	return 1;
}

static int add(struct image_tar *t, const char *name, char type, unsigned mode, const void *data,
               size_t len, assay_error_t *err)
{
	struct tar_entry *e;
	size_t nlen;

	while (name[0] == '/')
		name++;
	nlen = strlen(name);
	while (nlen > 0 && name[nlen - 1] == '/')
		nlen--;
	if (!plain_path(name, nlen))
		return assay_error_make(err, EINVAL, "tar entry `%s`: not a plain relative path",
		                        name);
	if (mode > 07777)
		return assay_error_make(err, EINVAL, "tar entry `%s`: mode %o out of range", name,
		                        mode);
	for (size_t i = 0; i < t->n; i++) {
		size_t l = strlen(t->v[i].name);

		if (t->v[i].name[l - 1] == '/')
			l--;
		if (l == nlen && !strncmp(t->v[i].name, name, nlen))
			return assay_error_make(err, EEXIST, "tar entry `%.*s` added twice",
			                        (int)nlen, name);
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 8;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	e = &t->v[t->n++];
	e->name = xasprintf("%.*s%s", (int)nlen, name, type == '5' ? "/" : "");
	e->type = type;
	e->mode = mode;
	e->len = len;
	e->data = NULL;
	if (len) {
		e->data = xmalloc(len);
		memcpy(e->data, data, len);
	}
	return 0;
}

int image_tar_add_file(struct image_tar *t, const char *name, unsigned mode, const void *data,
                       size_t len, assay_error_t *err)
{
	return add(t, name, '0', mode, data, len, err);
}

int image_tar_add_dir(struct image_tar *t, const char *name, unsigned mode, assay_error_t *err)
{
	return add(t, name, '5', mode, NULL, 0, err);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct tar_entry *)a)->name, ((const struct tar_entry *)b)->name);
}

/* Octal field of width w: w-1 digits and a NUL, as POSIX writes it. */
static int octal(char *field, size_t w, uint64_t v)
{
	char tmp[32];

	if (snprintf(tmp, sizeof(tmp), "%0*llo", (int)(w - 1), (unsigned long long)v) !=
	    (int)(w - 1))
		return -1;
	memcpy(field, tmp, w);
	return 0;
}

static int header(const struct tar_entry *e, uint64_t mtime, unsigned char blk[BLOCK],
                  assay_error_t *err)
{
	char *h = (char *)blk;
	size_t nlen = strlen(e->name);
	unsigned sum = 0;

	memset(blk, 0, BLOCK);
	if (nlen <= 100) {
		memcpy(h, e->name, nlen);
	} else {
		/* ustar splits long names at a '/': prefix (155) + name (100). */
		const char *slash = NULL;

		for (const char *p = e->name; (p = strchr(p, '/')) && p[1]; p++)
			if ((size_t)(p - e->name) <= 155 && nlen - (size_t)(p - e->name) - 1 <= 100)
				slash = p;
		if (slash == NULL || slash == e->name)
			return assay_error_make(err, ENAMETOOLONG, "tar entry `%s`", e->name);
		memcpy(h + 345, e->name, (size_t)(slash - e->name));
		memcpy(h, slash + 1, nlen - (size_t)(slash - e->name) - 1);
	}
	if (octal(h + 100, 8, e->mode) < 0 || octal(h + 108, 8, 0) < 0 ||
	    octal(h + 116, 8, 0) < 0 || octal(h + 124, 12, e->len) < 0 ||
	    octal(h + 136, 12, mtime) < 0)
		return assay_error_make(err, EOVERFLOW, "tar entry `%s`: size or mtime too large",
		                        e->name);
	h[156] = e->type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	octal(h + 329, 8, 0);
	octal(h + 337, 8, 0);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < BLOCK; i++)
		sum += blk[i];
	snprintf(h + 148, 8, "%06o", sum);
	h[155] = ' ';
	return 0;
}

int image_tar_finish(struct image_tar *t, struct image_buf *out, assay_error_t *err)
{
	static const unsigned char zeros[2 * BLOCK];
	unsigned char blk[BLOCK];

	qsort(t->v, t->n, sizeof(*t->v), by_name);
	for (size_t i = 0; i < t->n; i++) {
		const struct tar_entry *e = &t->v[i];

		if (header(e, t->mtime, blk, err) < 0)
			return -1;
		image_buf_append(out, blk, BLOCK);
		image_buf_append(out, e->data, e->len);
		image_buf_append(out, zeros, (BLOCK - e->len % BLOCK) % BLOCK);
	}
	image_buf_append(out, zeros, sizeof(zeros));
	return 0;
}
