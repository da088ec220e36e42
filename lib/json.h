/* jansson, the house way: a cleanup attribute for json_t references and small helpers. */
#ifndef ASSAY_JSON_H
#define ASSAY_JSON_H

#include <stdlib.h>

#include <jansson.h>

static inline void assay_json_decrefp(json_t **j)
{
	json_decref(*j);
}

/* json_t *x released when it goes out of scope; hand it over with steal_pointer(&x). */
#define cleanup_json __attribute__((cleanup(assay_json_decrefp)))

/* A JSON string of a malloc'd C string, which it frees. */
static inline json_t *json_string_take(char *s)
{
	json_t *j = json_string(s);

	free(s);
	return j;
}

#endif
