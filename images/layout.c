/* One image: a layer (the static binary and /tmp), its config, manifest and index, written as
 * an OCI image layout and as an oci-archive (a tar of that layout). Everything is built in
 * memory, written into a temporary directory next to the destination and renamed into place. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "image.h"
#include "lib/util.h"

#define MT_INDEX    "application/vnd.oci.image.index.v1+json"
#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_CONFIG   "application/vnd.oci.image.config.v1+json"
#define MT_LAYER    "application/vnd.oci.image.layer.v1.tar+gzip"
#define ANN         "org.opencontainers.image."

struct blob {
	char digest[IMAGE_DIGEST_LEN + 1];
	struct image_buf buf;
};

/* jansson >= 2.9 provides json_decrefp for its json_auto_t. */
#define cleanup_json __attribute__((cleanup(json_decrefp)))

static void tar_freep(struct image_tar **t)
{
	image_tar_free(*t);
}

static void buf_releasep(struct image_buf *b)
{
	image_buf_release(b);
}
#define cleanup_buf __attribute__((cleanup(buf_releasep)))

/* The image must hold nothing but the binary, so it has to be a static ELF executable; its
 * machine gives the image's architecture (Go's GOARCH names, as OCI uses them). */
static int elf_arch(const char *path, const struct image_buf *b, const char **arch,
                    assay_error_t *err)
{
	static const struct {
		unsigned machine;
		const char *arch;
	} archs[] = {{EM_X86_64, "amd64"}, {EM_AARCH64, "arm64"}, {EM_386, "386"},
	             {EM_ARM, "arm"},      {EM_RISCV, "riscv64"}, {EM_S390, "s390x"},
	             {EM_PPC64, "ppc64le"}};
	const unsigned char *d = b->data;
	uint64_t phoff;
	unsigned phnum, phentsize, machine;
	int is64;

	if (b->len < EI_NIDENT || memcmp(d, ELFMAG, SELFMAG))
		return assay_error_make(err, ENOEXEC, "`%s` is not an ELF executable", path);
	is64 = d[EI_CLASS] == ELFCLASS64;
	if (d[EI_DATA] != ELFDATA2LSB || (!is64 && d[EI_CLASS] != ELFCLASS32) ||
	    b->len < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return assay_error_make(err, ENOEXEC, "`%s`: unsupported ELF class or byte order",
		                        path);
	if (is64) {
		const Elf64_Ehdr *eh = (const void *)d;

		phoff = eh->e_phoff, phnum = eh->e_phnum, phentsize = eh->e_phentsize;
		machine = eh->e_machine;
	} else {
		const Elf32_Ehdr *eh = (const void *)d;

		phoff = eh->e_phoff, phnum = eh->e_phnum, phentsize = eh->e_phentsize;
		machine = eh->e_machine;
	}
	if (phentsize < (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) || phoff > b->len ||
	    (uint64_t)phnum * phentsize > b->len - phoff)
		return assay_error_make(err, ENOEXEC, "`%s`: truncated ELF program headers", path);
	for (unsigned i = 0; i < phnum; i++) {
		const unsigned char *ph = d + phoff + (uint64_t)i * phentsize;
		uint32_t type;

		memcpy(&type, ph, sizeof(type)); /* p_type comes first in both classes */
		if (type == PT_INTERP)
			return assay_error_make(err, ENOEXEC,
			                        "`%s` is dynamically linked: an image holds only "
			                        "the binary, build it static",
			                        path);
	}
	for (size_t i = 0; i < sizeof(archs) / sizeof(archs[0]); i++)
		if (archs[i].machine == machine) {
			*arch = archs[i].arch;
			return 0;
		}
	return assay_error_make(err, ENOEXEC, "`%s`: unknown ELF machine %u", path, machine);
}

static int layer(const struct image_def *def, const struct image_params *p,
                 const struct image_buf *bin, struct image_buf *tar, assay_error_t *err)
{
	__attribute__((cleanup(tar_freep))) struct image_tar *t = image_tar_new(p->epoch);
	const char *rel = def->path + 1;

	if (image_tar_add_dir(t, "tmp", 01777, err) < 0)
		return -1;
	/* A binary below / needs its parent directories in the layer. */
	for (const char *s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
		cleanup_free char *dir = xasprintf("%.*s", (int)(s - rel), rel);

		if (strcmp(dir, "tmp") && image_tar_add_dir(t, dir, 0755, err) < 0)
			return -1;
	}
	if (image_tar_add_file(t, rel, 0755, bin->data, bin->len, err) < 0)
		return -1;
	return image_tar_finish(t, tar, err);
}

static json_t *strv(char **v)
{
	json_t *a = json_array();

	for (; v && *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

static json_t *descriptor(const char *media_type, const struct blob *b)
{
	return json_pack("{s:s, s:s, s:I}", "mediaType", media_type, "digest", b->digest, "size",
	                 (json_int_t)b->buf.len);
}

static int to_blob(json_t *j, const char *what, struct blob *b, assay_error_t *err)
{
	cleanup_free char *s = NULL;

	if (j == NULL)
		return assay_error_make(err, ENOMEM, "building the %s JSON", what);
	/* Sorted keys: the digest must not depend on insertion order. */
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	if (s == NULL)
		return assay_error_make(err, ENOMEM, "serializing the %s JSON", what);
	image_buf_append(&b->buf, s, strlen(s));
	return image_sha256(b->buf.data, b->buf.len, b->digest, err);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

static void rm_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void tmpdir_removep(char **path)
{
	if (*path) {
		rm_tree(*path);
		free(*path);
	}
}

static int mkdir_in(const char *path, assay_error_t *err)
{
	if (mkdir(path, 0755) < 0)
		return assay_error_make(err, errno, "mkdir `%s`", path);
	return 0;
}

/* Swaps the new layout into place; the old one (if any) ends up at `src`, which is inside the
 * temporary directory and goes with it. */
static int replace_dir(const char *src, const char *dst, int *swapped, assay_error_t *err)
{
	*swapped = 0;
	if (renameat2(AT_FDCWD, src, AT_FDCWD, dst, RENAME_EXCHANGE) == 0) {
		*swapped = 1;
		return 0;
	}
	if (errno == ENOENT && rename(src, dst) == 0)
		return 0;
	if (errno == EINVAL) {
		/* No RENAME_EXCHANGE on this file system: move the old one aside first. */
		cleanup_free char *old = xasprintf("%s.old", src);

		if (rename(dst, old) == 0) {
			if (rename(src, dst) == 0)
				return 0;
			rename(old, dst);
		}
	}
	return assay_error_make(err, errno, "rename `%s` to `%s`", src, dst);
}

int image_build(const struct image_def *def, const struct image_params *p, struct image_result *res,
                assay_error_t *err)
{
	cleanup_buf struct image_buf bin = {0}, tar = {0}, archive = {0};
	__attribute__((cleanup(tmpdir_removep))) char *tmp = NULL;
	cleanup_free char *bin_path = NULL, *layout = NULL, *tar_tmp = NULL, *dst = NULL,
	                  *dst_tar = NULL, *index_s = NULL, *pathdir = NULL, *env_path = NULL;
	cleanup_json json_t *labels = NULL, *config = NULL, *manifest = NULL, *index = NULL;
	__attribute__((cleanup(tar_freep))) struct image_tar *at = NULL;
	struct blob blobs[3] = {0}; /* layer, config, manifest */
	char diff_id[IMAGE_DIGEST_LEN + 1], created[32];
	const char *arch = NULL, *source;
	struct tm tm;
	time_t epoch = (time_t)p->epoch;
	int swapped, ret = -1;

	if (!image_valid_tag(p->version))
		return assay_error_usage(err, "version `%s` is not a valid image tag", p->version);
	if (*p->repo == '\0' || (size_t)snprintf(res->ref, sizeof(res->ref), "%s/%s:%s", p->repo,
	                                         def->name, p->version) >= sizeof(res->ref))
		return assay_error_usage(err, "reference `%s/%s:%s` is empty or too long", p->repo,
		                         def->name, p->version);
	if (gmtime_r(&epoch, &tm) == NULL)
		return assay_error_make(err, EOVERFLOW, "timestamp %llu",
		                        (unsigned long long)p->epoch);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);

	bin_path = def->binary[0] == '/' ? xstrdup(def->binary)
	                                 : xasprintf("%s/%s", p->bin_dir, def->binary);
	if (image_read_file(bin_path, &bin, err) < 0 || elf_arch(bin_path, &bin, &arch, err) < 0)
		goto out;

	if (layer(def, p, &bin, &tar, err) < 0 ||
	    image_sha256(tar.data, tar.len, diff_id, err) < 0 ||
	    image_gzip(tar.data, tar.len, &blobs[0].buf, err) < 0 ||
	    image_sha256(blobs[0].buf.data, blobs[0].buf.len, blobs[0].digest, err) < 0)
		goto out;

	source = def->source ? def->source : p->source;
	labels = json_pack("{s:s, s:s, s:s}", ANN "title", def->title, ANN "version", p->version,
	                   ANN "created", created);
	if (def->description)
		json_object_set_new(labels, ANN "description", json_string(def->description));
	if (source && *source)
		json_object_set_new(labels, ANN "source", json_string(source));

	pathdir = xasprintf("%.*s", (int)(strrchr(def->path, '/') - def->path), def->path);
	env_path = xasprintf("PATH=%s", *pathdir ? pathdir : "/");
	config =
	    json_pack("{s:s, s:s, s:s, s:{s:o, s:[s], s:s, s:O}, s:{s:s, s:[s]}, s:[{s:s, s:s}]}",
	              "created", created, "architecture", arch, "os", "linux", "config",
	              "Entrypoint", strv(def->entrypoint), "Env", env_path, "WorkingDir", "/tmp",
	              "Labels", labels, "rootfs", "type", "layers", "diff_ids", diff_id, "history",
	              "created", created, "created_by", "assay image-builder");
	if (config && def->cmd)
		json_object_set_new(json_object_get(config, "config"), "Cmd", strv(def->cmd));
	if (to_blob(config, "config", &blobs[1], err) < 0)
		goto out;

	manifest = json_pack("{s:i, s:s, s:o, s:[o], s:O}", "schemaVersion", 2, "mediaType",
	                     MT_MANIFEST, "config", descriptor(MT_CONFIG, &blobs[1]), "layers",
	                     descriptor(MT_LAYER, &blobs[0]), "annotations", labels);
	if (to_blob(manifest, "manifest", &blobs[2], err) < 0)
		goto out;
	memcpy(res->manifest, blobs[2].digest, sizeof(res->manifest));

	index = json_pack("{s:i, s:s, s:[o]}", "schemaVersion", 2, "mediaType", MT_INDEX,
	                  "manifests", descriptor(MT_MANIFEST, &blobs[2]));
	if (index) {
		json_t *m = json_array_get(json_object_get(index, "manifests"), 0);

		json_object_set_new(m, "annotations", json_pack("{s:s}", ANN "ref.name", res->ref));
		json_object_set_new(m, "platform",
		                    json_pack("{s:s, s:s}", "architecture", arch, "os", "linux"));
	}
	index_s = index ? json_dumps(index, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (index_s == NULL) {
		assay_error_make(err, ENOMEM, "building the index JSON");
		goto out;
	}

	/* The same files as an oci-archive, built from memory rather than read back. */
	static const char oci_layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	at = image_tar_new(p->epoch);
	if (image_tar_add_dir(at, "blobs", 0755, err) < 0 ||
	    image_tar_add_dir(at, "blobs/sha256", 0755, err) < 0 ||
	    image_tar_add_file(at, "oci-layout", 0644, oci_layout, strlen(oci_layout), err) < 0 ||
	    image_tar_add_file(at, "index.json", 0644, index_s, strlen(index_s), err) < 0)
		goto out;
	for (int i = 0; i < 3; i++) {
		cleanup_free char *name = xasprintf("blobs/sha256/%s", blobs[i].digest + 7);

		/* Two equal blobs are one file (cannot happen with these media types, but the
		 * layout would be valid). */
		if (image_tar_add_file(at, name, 0644, blobs[i].buf.data, blobs[i].buf.len, err) <
		    0)
			goto out;
	}
	if (image_tar_finish(at, &archive, err) < 0)
		goto out;
	res->archive_size = archive.len;

	tmp = xasprintf("%s/.%s.tmp-XXXXXX", p->out_dir, def->name);
	if (mkdtemp(tmp) == NULL) {
		assay_error_make(err, errno, "create a temporary directory in `%s`", p->out_dir);
		free(tmp);
		tmp = NULL;
		goto out;
	}
	layout = xasprintf("%s/%s", tmp, def->name);
	{
		cleanup_free char *b1 = xasprintf("%s/blobs", layout);
		cleanup_free char *b2 = xasprintf("%s/blobs/sha256", layout);
		cleanup_free char *f1 = xasprintf("%s/oci-layout", layout);
		cleanup_free char *f2 = xasprintf("%s/index.json", layout);

		if (mkdir_in(layout, err) < 0 || mkdir_in(b1, err) < 0 || mkdir_in(b2, err) < 0 ||
		    image_write_file(f1, oci_layout, strlen(oci_layout), err) < 0 ||
		    image_write_file(f2, index_s, strlen(index_s), err) < 0)
			goto out;
		for (int i = 0; i < 3; i++) {
			cleanup_free char *f = xasprintf("%s/%s", b2, blobs[i].digest + 7);

			if (image_write_file(f, blobs[i].buf.data, blobs[i].buf.len, err) < 0)
				goto out;
		}
	}
	tar_tmp = xasprintf("%s/%s.tar", tmp, def->name);
	if (image_write_file(tar_tmp, archive.data, archive.len, err) < 0)
		goto out;
	if (image_interrupted) {
		assay_error_make(err, EINTR, "building `%s`", res->ref);
		goto out;
	}

	dst = xasprintf("%s/%s", p->out_dir, def->name);
	dst_tar = xasprintf("%s/%s.tar", p->out_dir, def->name);
	if (replace_dir(layout, dst, &swapped, err) < 0)
		goto out;
	if (rename(tar_tmp, dst_tar) < 0) {
		assay_error_make(err, errno, "rename `%s` to `%s`", tar_tmp, dst_tar);
		/* Put the old layout back, so layout and archive keep matching. */
		if (swapped)
			renameat2(AT_FDCWD, layout, AT_FDCWD, dst, RENAME_EXCHANGE);
		else
			rename(dst, layout);
		goto out;
	}
	ret = 0;
out:
	for (int i = 0; i < 3; i++)
		image_buf_release(&blobs[i].buf);
	if (ret < 0)
		assay_error_wrap(err, "image %s", def->name);
	return ret;
}
