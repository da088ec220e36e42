/* The host's noise around a run: the record of two samples, on made-up and on real ones. */
#include <math.h>
#include <string.h>

#include "lib/json.h"
#include "lib/noise.h"
#include "tap.h"

static double num(json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

static bool has_why(json_t *rec, const char *w)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(rec, "why"), i, v)
	{
		if (!strcmp(json_string_value(v), w))
			return true;
	}
	return false;
}

int main(void)
{
	struct noise_sample a = {.total = 1000,
	                         .idle = 500,
	                         .steal = 10,
	                         .load1 = 0.5,
	                         .mhz = 2400,
	                         .ncpu = 2,
	                         .have_stat = true};
	struct noise_sample b = a, real0, real1;
	json_t *rec;

	b.total = 2000;
	b.idle = 900;
	b.steal = 30;
	rec = noise_between(&a, &b);
	ok(fabs(num(rec, "steal_pct") - 2) < 1e-9 && fabs(num(rec, "busy_pct") - 60) < 1e-9,
	   "steal 20 of 1000 jiffies: 2%%; busy 60%%");
	ok(json_is_false(json_object_get(rec, "disturbed")) &&
	       json_array_size(json_object_get(rec, "why")) == 0,
	   "a quiet host: not disturbed");
	json_decref(rec);

	b.steal = 80;
	rec = noise_between(&a, &b);
	ok(json_is_true(json_object_get(rec, "disturbed")) && has_why(rec, "steal"),
	   "7%% stolen: disturbed, by steal");
	json_decref(rec);

	b.steal = 30;
	a.load1 = 3.2;
	b.mhz = 1800;
	rec = noise_between(&a, &b);
	ok(has_why(rec, "load") && has_why(rec, "frequency") && !has_why(rec, "steal"),
	   "load 3.2 on 2 CPUs and the clock down 25%%: disturbed by load and frequency");
	json_decref(rec);

	a.have_stat = false;
	rec = noise_between(&a, &b);
	ok(json_is_null(json_object_get(rec, "steal_pct")), "no /proc/stat: steal unknown (null)");
	json_decref(rec);

	noise_sample(&real0);
	noise_sample(&real1);
	ok(real0.have_stat && real0.ncpu >= 1 && real0.load1 >= 0,
	   "this host: /proc/stat, CPUs, load");
	rec = noise_between(&real0, &real1);
	ok(json_is_boolean(json_object_get(rec, "disturbed")), "a real record has a verdict");
	json_decref(rec);
	return tap_done();
}
