/* What assay asks a CRI daemon besides the CRI: the pid serving an endpoint (the tracer's
 * cri-daemon when assay did not start it), and CRI-O's own inspect endpoints (GET /info and
 * /config on its CRI socket, what `crio status` reads): where its containers-storage is, so
 * that images can be put there (skopeo copy ... containers-storage:[DRIVER@ROOT+RUNROOT]REF). */
#ifndef ASSAY_CRI_CRIO_H
#define ASSAY_CRI_CRIO_H

#include <sys/types.h>

#include "lib/error.h"

/* The pid of the process serving unix:// endpoint (SO_PEERCRED of a fresh connection), or 0. */
pid_t cri_endpoint_pid(const char *endpoint);

struct cri_crio_storage {
	char *driver;        /* storage_driver ("overlay", "vfs") */
	char *root;          /* root: containers-storage's graph root */
	char *runroot;       /* runroot */
	char *cgroup_driver; /* "cgroupfs" or "systemd" (/info) */
};

/* Asks CRI-O at endpoint (unix://) for its storage (GET /config, TOML) and cgroup driver
 * (GET /info, JSON). */
int cri_crio_storage(const char *endpoint, struct cri_crio_storage *out, assay_error_t *err);
void cri_crio_storage_release(struct cri_crio_storage *s);

/* The value of `key = "..."` in TOML text (the first such line, any table), malloc'd, or NULL
 * (exposed for tests). */
char *cri_toml_string(const char *toml, const char *key);

#endif
