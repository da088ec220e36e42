/* The image builder's byte-level pieces: SHA-256, gzip, the ustar writer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "image.h"
#include "tap.h"

static unsigned long field(const unsigned char *h, int off, int len)
{
	char tmp[16] = {0};

	memcpy(tmp, h + off, (size_t)len);
	return strtoul(tmp, NULL, 8);
}

static void test_sha256(void)
{
	char d[IMAGE_DIGEST_LEN + 1];
	assay_error_t err = NULL;

	/* FIPS 180-2 test vectors. */
	is_int(image_sha256("abc", 3, d, &err), 0, "sha256 of \"abc\"");
	is_str(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	       "digest of \"abc\"");
	image_sha256("", 0, d, &err);
	is_str(d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	       "digest of the empty string");
}

static void test_gzip(void)
{
	struct image_buf a = {0}, b = {0};
	assay_error_t err = NULL;
	unsigned char *in = malloc(100000), *back = malloc(100000);
	uLongf backlen = 100000;
	z_stream zs = {0};
	int ret;

	for (int i = 0; i < 100000; i++)
		in[i] = (unsigned char)(i * 7 % 251);
	is_int(image_gzip(in, 100000, &a, &err), 0, "gzip 100000 bytes");
	image_gzip(in, 100000, &b, &err);
	ok(a.len == b.len && !memcmp(a.data, b.data, a.len), "gzip is deterministic");
	ok(a.len > 18 && a.data[0] == 0x1f && a.data[1] == 0x8b && a.data[2] == 8,
	   "gzip magic and deflate method");
	ok(a.data[3] == 0, "no FNAME/FEXTRA/FCOMMENT flags");
	ok(!memcmp(a.data + 4, "\0\0\0\0", 4), "mtime field is zero");
	is_int(a.data[9], 3, "OS byte is fixed to Unix");
	ok(a.len < 100000, "compresses (%zu bytes)", a.len);

	inflateInit2(&zs, 15 + 16);
	zs.next_in = a.data;
	zs.avail_in = a.len;
	zs.next_out = back;
	zs.avail_out = backlen;
	ret = inflate(&zs, Z_FINISH);
	ok(ret == Z_STREAM_END && zs.total_out == 100000 && !memcmp(in, back, 100000),
	   "zlib inflates it back to the input");
	inflateEnd(&zs);
	image_buf_release(&a);
	image_buf_release(&b);
	free(in);
	free(back);
}

static void test_tar(void)
{
	struct image_tar *t = image_tar_new(1700000000);
	struct image_buf out = {0};
	assay_error_t err = NULL;
	char longname[200];
	const unsigned char *h;
	unsigned sum = 0;

	is_int(image_tar_add_file(t, "zz", 0755, "hello", 5, &err), 0, "add a file");
	is_int(image_tar_add_dir(t, "tmp", 01777, &err), 0, "add a directory");
	memset(longname, 'a', sizeof(longname));
	memcpy(longname + 90, "/", 1);
	longname[150] = '\0';
	is_int(image_tar_add_file(t, longname, 0644, "", 0, &err), 0, "add a 150-byte name");

	is_int(image_tar_add_file(t, "/zz", 0644, "x", 1, &err), -1, "a duplicate is refused");
	ok(err && err->status == EEXIST, "... with EEXIST");
	assay_error_release(&err);
	is_int(image_tar_add_dir(t, "zz/", 0755, &err), -1, "a directory of a file's name too");
	assay_error_release(&err);
	is_int(image_tar_add_file(t, "a/../b", 0644, "x", 1, &err), -1, "`..` is refused");
	assay_error_release(&err);
	is_int(image_tar_add_file(t, "a//b", 0644, "x", 1, &err), -1, "empty component is refused");
	assay_error_release(&err);

	is_int(image_tar_finish(t, &out, &err), 0, "finish");
	/* aaa.../aaa (header) + zz (header + 1 block) + tmp/ (header) + 2 zero blocks */
	is_int(out.len, 512 * 6, "archive length");
	h = out.data;
	ok(!memcmp(h + 345, longname, 90) && !memcmp(h, longname + 91, 59),
	   "long name split into prefix and name at a slash");
	h = out.data + 512;
	is_str((const char *)h, "tmp/", "sorted: tmp/ second");
	is_int(h[156], '5', "directory type flag");
	is_int(field(h, 100, 8), 01777, "directory mode 1777");
	h = out.data + 1024;
	is_str((const char *)h, "zz", "sorted: zz last");
	is_int(field(h, 100, 8), 0755, "file mode");
	is_int(field(h, 108, 8), 0, "uid 0");
	is_int(field(h, 116, 8), 0, "gid 0");
	is_int(field(h, 124, 12), 5, "size");
	is_int(field(h, 136, 12), 1700000000, "mtime");
	ok(!memcmp(h + 257,
	           "ustar\0"
	           "00",
	           8),
	   "ustar magic and version");
	ok(h[265] == 0 && h[297] == 0, "no user or group names");
	for (int i = 0; i < 512; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	is_int(field(h, 148, 8), sum, "header checksum");
	ok(!memcmp(h + 512, "hello", 5) && h[512 + 5] == 0, "data follows, zero padded");
	image_buf_release(&out);
	image_tar_free(t);
}

int main(void)
{
	test_sha256();
	test_gzip();
	test_tar();
	return tap_done();
}
