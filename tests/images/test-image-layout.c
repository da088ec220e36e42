/* The image builder's definitions and layout writer, in a scratch directory with a made-up
 * static ELF binary: what it writes is re-read with jansson and re-hashed, failures leave no
 * trace, and the same inputs give the same digests. */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "image.h"
#include "tap.h"
#include "lib/util.h"

static char scratch[] = "/tmp/assay-test-image-XXXXXX";

static void put(const char *name, const void *data, size_t len)
{
	char *p = xasprintf("%s/%s", scratch, name);
	FILE *f = fopen(p, "w");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		abort();
	free(p);
}

static void put_str(const char *name, const char *s)
{
	put(name, s, strlen(s));
}

/* Enough of an ELF header for the builder: x86-64, no program headers (so no PT_INTERP). */
static void put_static_elf(const char *name)
{
	unsigned char b[256] = {0};
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_phoff = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 0;
	put(name, b, sizeof(b));
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static char *path(const char *fmt, const char *a)
{
	char *rel = xasprintf(fmt, a);
	char *p = xasprintf("%s/%s", scratch, rel);

	free(rel);
	return p;
}

/* Checks one descriptor: blob file exists, its sha256 is its name, its size the recorded one;
 * returns the blob parsed as JSON (or NULL for a non-JSON blob / on failure). */
static json_t *check_desc(const char *layout, json_t *desc, const char *want_type, int parse)
{
	const char *digest = json_string_value(json_object_get(desc, "digest"));
	json_int_t size = json_integer_value(json_object_get(desc, "size"));
	const char *mt = json_string_value(json_object_get(desc, "mediaType"));
	char got[IMAGE_DIGEST_LEN + 1];
	struct image_buf b = {0};
	assay_error_t err = NULL;
	json_t *j = NULL;
	char *p;

	is_str(mt, want_type, "media type %s", want_type);
	if (digest == NULL || strncmp(digest, "sha256:", 7)) {
		ok(0, "descriptor has a sha256 digest");
		return NULL;
	}
	p = xasprintf("%s/blobs/sha256/%s", layout, digest + 7);
	ok(image_read_file(p, &b, &err) == 0, "blob %.19s... exists", digest);
	image_sha256(b.data, b.len, got, &err);
	is_str(got, digest, "blob's sha256 is its name");
	is_int(b.len, size, "blob's size is the descriptor's");
	if (parse) {
		json_error_t jerr;

		j = json_loadb((const char *)b.data, b.len, 0, &jerr);
		ok(j != NULL, "blob is valid JSON (%s)", j ? "ok" : jerr.text);
	}
	assay_error_release(&err);
	image_buf_release(&b);
	free(p);
	return j;
}

static void check_layout(const char *name)
{
	char *layout = path("out/%s", name), *idxp = xasprintf("%s/index.json", layout);
	json_t *idx = json_load_file(idxp, 0, NULL), *m, *manifest, *config, *layers;
	const char *ref;

	ok(idx != NULL, "index.json is valid JSON");
	is_int(json_integer_value(json_object_get(idx, "schemaVersion")), 2, "index schemaVersion");
	m = json_array_get(json_object_get(idx, "manifests"), 0);
	ref = json_string_value(json_object_get(json_object_get(m, "annotations"),
	                                        "org.opencontainers.image.ref.name"));
	is_str(ref, "localhost/assay/t1:1.2.3", "ref.name annotation");
	manifest = check_desc(layout, m, "application/vnd.oci.image.manifest.v1+json", 1);
	config = check_desc(layout, json_object_get(manifest, "config"),
	                    "application/vnd.oci.image.config.v1+json", 1);
	layers = json_object_get(manifest, "layers");
	is_int(json_array_size(layers), 1, "one layer");
	check_desc(layout, json_array_get(layers, 0), "application/vnd.oci.image.layer.v1.tar+gzip",
	           0);
	is_str(json_string_value(json_array_get(
	           json_object_get(json_object_get(config, "config"), "Entrypoint"), 0)),
	       "/bin/t1", "Entrypoint from the definition");
	is_str(json_string_value(
	           json_array_get(json_object_get(json_object_get(config, "config"), "Cmd"), 1)),
	       "--time=1", "Cmd from the definition");
	is_str(json_string_value(json_object_get(config, "architecture")), "amd64",
	       "architecture from the ELF header");
	is_str(json_string_value(json_object_get(config, "created")), "2023-11-14T22:13:20Z",
	       "created from the epoch");
	json_decref(config);
	json_decref(manifest);
	json_decref(idx);
	free(idxp);
	free(layout);
}

static void test_defs(void)
{
	struct image_def def;
	assay_error_t err = NULL;
	char *p;

	put_str("t1.image", "# a comment\n\nbinary = t1bin\n  path = /bin/t1  \n"
	                    "cmd = --json   --time=1\ndescription = a test image\n");
	p = path("%s", "t1.image");
	is_int(image_def_load(p, &def, &err), 0, "load a definition");
	is_str(def.name, "t1", "name from the file name");
	is_str(def.path, "/bin/t1", "path, trimmed");
	is_str(def.entrypoint[0], "/bin/t1", "entrypoint defaults to the path");
	ok(def.cmd && !strcmp(def.cmd[0], "--json") && !strcmp(def.cmd[1], "--time=1") &&
	       def.cmd[2] == NULL,
	   "cmd split into words");
	is_str(def.title, "t1", "title defaults to the name");
	image_def_release(&def);
	free(p);

	static const struct {
		const char *text, *msg;
	} bad[] = {
	    {"binary = x\ncolour = red\n", "unknown key `colour`"},
	    {"description = no binary\n", "`binary` is missing"},
	    {"binary = x\nbinary = y\n", "`binary` given twice"},
	    {"binary x\n", "expected `key = value`"},
	    {"binary = x\npath = relative\n", "`path` must be an absolute file name"},
	    {"binary = x\nname = Upper\n", "not a valid reference component"},
	    {"binary = x\ndescription = caf\xe9\n", ":2: `description` is not valid UTF-8"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		put_str("bad.image", bad[i].text);
		p = path("%s", "bad.image");
		is_int(image_def_load(p, &def, &err), -1, "refused: %s", bad[i].msg);
		ok(err && strstr(err->msg, bad[i].msg) && strstr(err->msg, p),
		   "message names the file: %s", err ? err->msg : "(none)");
		ok(err && err->exit_code == 2, "a definition error is a usage error");
		assay_error_release(&err);
		free(p);
	}
	p = path("%s", "missing.image");
	is_int(image_def_load(p, &def, &err), -1, "a missing definition fails");
	ok(err && err->status == ENOENT, "with ENOENT");
	assay_error_release(&err);
	free(p);
}

static int build(const char *out, const char *bin, struct image_result *res, assay_error_t *err)
{
	struct image_def def;
	char *defp = path("%s", "t1.image"), *outp = path("%s", out), *binp = path("%s", "bin");
	struct image_params p = {.bin_dir = binp,
	                         .out_dir = outp,
	                         .repo = "localhost/assay",
	                         .version = "1.2.3",
	                         .epoch = 1700000000};
	int ret;

	mkdir(outp, 0755);
	if (image_def_load(defp, &def, err) < 0)
		abort();
	free(def.binary);
	def.binary = xstrdup(bin);
	ret = image_build(&def, &p, res, err);
	image_def_release(&def);
	free(defp);
	free(outp);
	free(binp);
	return ret;
}

static void test_build(void)
{
	struct image_result r1, r2, r3;
	assay_error_t err = NULL;
	char *bindir = path("%s", "bin"), *out = path("%s", "out"), *out2 = path("%s", "out2");
	char *tarp = path("%s", "out/t1.tar");
	struct stat st;

	mkdir(bindir, 0755);
	put_static_elf("bin/t1bin");
	is_int(build("out", "t1bin", &r1, &err), 0, "build an image");
	is_str(r1.ref, "localhost/assay/t1:1.2.3", "reference");
	ok(stat(tarp, &st) == 0 && (uint64_t)st.st_size == r1.archive_size,
	   "archive written, size reported");
	is_int(count_entries(out), 2, "out holds NAME/ and NAME.tar only");
	check_layout("t1");

	is_int(build("out2", "t1bin", &r2, &err), 0, "build again elsewhere");
	is_str(r2.manifest, r1.manifest, "same inputs, same manifest digest");
	is_int(build("out", "t1bin", &r3, &err), 0, "rebuild over an existing image");
	is_int(count_entries(out), 2, "the old image is replaced, no leftovers");

	is_int(build("out", "nope", &r3, &err), -1, "a missing binary fails");
	ok(err && err->status == ENOENT && strstr(err->msg, "/bin/nope"),
	   "message names the binary, errno ENOENT");
	assay_error_release(&err);
	is_int(count_entries(out), 2, "nothing left behind, old image kept");
	check_layout("t1");

	put_str("bin/script", "#!/bin/sh\n");
	is_int(build("out", "script", &r3, &err), -1, "a non-ELF binary fails");
	ok(err && err->status == ENOEXEC, "with ENOEXEC");
	assay_error_release(&err);

	is_int(build("out", "/proc/self/exe", &r3, &err), -1,
	       "a dynamically linked binary is refused");
	ok(err && strstr(err->msg, "dynamically linked"), "message says why: %s",
	   err ? err->msg : "(none)");
	assay_error_release(&err);

	is_int(build("out/t1.tar/x", "t1bin", &r3, &err), -1, "an unusable output dir fails");
	ok(err && err->status == ENOTDIR, "with ENOTDIR");
	assay_error_release(&err);
	is_int(count_entries(out), 2, "still nothing left behind");
	free(bindir);
	free(out);
	free(out2);
	free(tarp);
}

int main(void)
{
	char *cmd;

	if (mkdtemp(scratch) == NULL)
		return 1;
	test_defs();
	test_build();
	cmd = xasprintf("rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		diag("could not remove %s", scratch);
	free(cmd);
	return tap_done();
}
