/* See layout.h. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lib/json.h"
#include "lib/layout.h"
#include "lib/util.h"

static int load_index(const char *dir, const char *what, json_t **out, assay_error_t *err)
{
	cleanup_free char *path = xasprintf("%s/index.json", dir);
	json_error_t jerr;

	*out = json_load_file(path, 0, &jerr);
	if (*out == NULL && access(path, R_OK) < 0)
		return assay_error_make(
		    err, errno, "image `%s`: read `%s` (run `make images` first)", what, path);
	if (*out == NULL)
		return assay_error_make(err, 0, "image `%s`: %s:%d: %s", what, path, jerr.line,
		                        jerr.text);
	return 0;
}

int layout_ref(const char *image_dir, const char *name, char **ref, assay_error_t *err)
{
	cleanup_free char *dir = xasprintf("%s/%s", image_dir, name);
	cleanup_json json_t *index = NULL;
	const char *r = NULL;

	if (load_index(dir, name, &index, err) < 0)
		return -1;
	json_unpack(index, "{s:[{s:{s:s}}]}", "manifests", "annotations",
	            "org.opencontainers.image.ref.name", &r);
	if (r == NULL)
		return assay_error_make(err, 0,
		                        "`%s/index.json`: no org.opencontainers.image.ref.name "
		                        "annotation in its first manifest",
		                        dir);
	/* The OCI spec allows a bare tag there; our builder writes the full reference. */
	*ref = strchr(r, '/') ? xstrdup(r) : xasprintf("localhost/assay/%s:%s", name, r);
	return 0;
}

char *layout_blob_path(const char *dir, const char *digest, assay_error_t *err)
{
	if (digest == NULL || strncmp(digest, "sha256:", 7) || strchr(digest, '/')) {
		assay_error_make(err, 0, "%s: bad digest `%s`", dir, digest ? digest : "(none)");
		return NULL;
	}
	return xasprintf("%s/blobs/sha256/%s", dir, digest + 7);
}

int layout_blob_json(const char *dir, const char *digest, json_t **out, assay_error_t *err)
{
	cleanup_free char *path = layout_blob_path(dir, digest, err);
	json_error_t jerr;

	if (path == NULL)
		return -1;
	*out = json_load_file(path, 0, &jerr);
	if (*out == NULL)
		return assay_error_make(err, 0, "%s: %s", path, jerr.text);
	return 0;
}

int layout_manifest(const char *dir, json_t **manifest, assay_error_t *err)
{
	cleanup_json json_t *index = NULL;
	const char *md = NULL;

	if (load_index(dir, dir, &index, err) < 0)
		return -1;
	json_unpack(index, "{s:[{s:s}]}", "manifests", "digest", &md);
	return layout_blob_json(dir, md, manifest, err);
}
