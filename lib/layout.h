/* Reading the OCI image layouts `make images` writes (IMAGE_DIR/NAME/: index.json and
 * blobs/sha256/), for everything that runs them: the reference the CRI targets import them as,
 * the manifest and its blobs (the OCI targets' rootfs layer and image config). The writer is
 * images/layout.c. */
#ifndef ASSAY_LAYOUT_H
#define ASSAY_LAYOUT_H

#include <jansson.h>

#include "lib/error.h"

/* The reference of image `name` in image_dir: its index's first manifest's
 * org.opencontainers.image.ref.name (a bare tag becomes localhost/assay/NAME:TAG). */
int layout_ref(const char *image_dir, const char *name, char **ref, assay_error_t *err);

/* The path of blob `digest` ("sha256:HEX") of the layout in dir, malloc'd; NULL (error) for a
 * digest that is not a sha256 one. */
char *layout_blob_path(const char *dir, const char *digest, assay_error_t *err);
/* A JSON blob (manifest, config) of the layout in dir. */
int layout_blob_json(const char *dir, const char *digest, json_t **out, assay_error_t *err);
/* The first manifest of the layout's index. */
int layout_manifest(const char *dir, json_t **manifest, assay_error_t *err);

#endif
