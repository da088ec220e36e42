/* The table of target types: a target's name picks its row (prefix and shape), the row gives
 * its ops. The suite parser validates names with it, target_new builds targets with it. A new
 * kind of target is one file with its ops and one row here. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "targets/target.h"

static const struct target_type types[] = {
    {"native", "native", &target_native_ops, 0.01, 0.01},
    {"oci/", "oci/RUNTIME", &target_oci_ops, 0.15, 0.8},
    {"cri/", "cri/DAEMON/HANDLER", &target_cri_ops, 0.3, 1.0},
    {"engine/", "engine/ENGINE/RUNTIME", &target_engine_ops, 0.5, 1.2},
    {"lxc", "lxc", &target_lxc_ops, 0.1, 0.1},
};

#define N_TYPES (sizeof(types) / sizeof(types[0]))

const struct target_type *target_types(size_t *n)
{
	*n = N_TYPES;
	return types;
}

static bool valid_word(const char *s, size_t n)
{
	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

/* Splits what follows the row's prefix into its words (RUNTIME, HANDLER → runtime; DAEMON,
 * ENGINE → daemon). 0, or -1 when the name does not have the row's shape. */
static int parse_words(const struct target_type *ty, const char *rest, char **runtime,
                       char **daemon)
{
	const char *shape = ty->syntax + strlen(ty->prefix);

	while (*shape) {
		size_t wl = strcspn(shape, "/"), nl = strcspn(rest, "/");
		char **slot = !strncmp(shape, "DAEMON", wl) || !strncmp(shape, "ENGINE", wl)
		                  ? daemon
		                  : runtime;

		if (!valid_word(rest, nl))
			return -1;
		free(*slot);
		*slot = strndup(rest, nl);
		if (*slot == NULL)
			abort();
		shape += wl + (shape[wl] == '/');
		rest += nl + (rest[nl] == '/' && *shape);
	}
	return *rest ? -1 : 0;
}

int target_parse_name(const char *name, const struct target_type **type, char **runtime,
                      char **daemon)
{
	*runtime = *daemon = NULL;
	for (size_t i = 0; i < N_TYPES; i++) {
		const struct target_type *ty = &types[i];
		size_t pl = strlen(ty->prefix);

		if (strncmp(name, ty->prefix, pl))
			continue;
		if (parse_words(ty, name + pl, runtime, daemon) < 0)
			continue;
		if (type)
			*type = ty;
		return 0;
	}
	free(steal_pointer(runtime));
	free(steal_pointer(daemon));
	return -1;
}

const struct target_type *target_type_of(const char *name)
{
	const struct target_type *ty = NULL;
	char *rt, *d;

	if (target_parse_name(name, &ty, &rt, &d) < 0)
		return NULL;
	free(rt);
	free(d);
	return ty;
}

bool target_name_valid(const char *name)
{
	return target_type_of(name) != NULL;
}

static const char *type_syntax(size_t i, const void *ctx)
{
	(void)ctx;
	return types[i].syntax;
}

char *target_syntaxes(void)
{
	return assay_join(N_TYPES, type_syntax, NULL, " or ");
}

int target_new(const char *name, const struct target_config *cfg, struct target **out,
               assay_error_t *err)
{
	const struct target_type *ty;
	struct target *t;
	char *rt, *d;

	if (target_parse_name(name, &ty, &rt, &d) < 0) {
		cleanup_free char *syntaxes = target_syntaxes();

		return assay_error_usage(err, "unknown target `%s` (expected %s)", name, syntaxes);
	}
	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	t->runtime = rt;
	t->daemon = d;
	t->cfg = *cfg;
	t->ops = ty->ops;
	t->dir = xasprintf("%s/%s", cfg->run_dir, name);
	for (char *p = t->dir + strlen(cfg->run_dir) + 1; *p; p++)
		if (*p == '/')
			*p = '-';
	*out = t;
	return 0;
}
