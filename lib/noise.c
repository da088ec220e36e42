/* The host's noise around a run (noise.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/noise.h"

static void read_stat(struct noise_sample *s)
{
	FILE *f = fopen("/proc/stat", "r");
	unsigned long long v[10] = {0};

	s->have_stat = false;
	if (f == NULL)
		return;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
	           &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) >= 8) {
		/* user nice system idle iowait irq softirq steal (guest, guest_nice: in user) */
		s->total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
		s->idle = v[3] + v[4];
		s->steal = v[7];
		s->have_stat = true;
	}
	fclose(f);
}

static double read_mhz(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	double sum = 0, mhz;
	int n = 0;

	if (f == NULL)
		return NAN;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu MHz : %lf", &mhz) == 1) {
			sum += mhz;
			n++;
		}
	fclose(f);
	return n ? sum / n : NAN;
}

void noise_sample(struct noise_sample *s)
{
	FILE *f = fopen("/proc/loadavg", "r");

	memset(s, 0, sizeof(*s));
	read_stat(s);
	s->load1 = NAN;
	if (f) {
		if (fscanf(f, "%lf", &s->load1) != 1)
			s->load1 = NAN;
		fclose(f);
	}
	s->mhz = read_mhz();
	s->ncpu = sysconf(_SC_NPROCESSORS_ONLN);
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(round(v * 100) / 100) : json_null();
}

json_t *noise_between(const struct noise_sample *a, const struct noise_sample *b)
{
	double steal = NAN, busy = NAN;
	json_t *why = json_array();
	uint64_t dt;

	if (a->have_stat && b->have_stat && b->total > a->total) {
		dt = b->total - a->total;
		steal = 100.0 * (double)(b->steal - a->steal) / (double)dt;
		busy = 100.0 * (double)(dt - (b->idle - a->idle)) / (double)dt;
	}
	if (steal > NOISE_STEAL_PCT)
		json_array_append_new(why, json_string("steal"));
	if (a->ncpu > 0 && a->load1 > (double)a->ncpu)
		json_array_append_new(why, json_string("load"));
	if (a->mhz > 0 && b->mhz > 0 && fabs(b->mhz - a->mhz) / a->mhz * 100 > NOISE_MHZ_PCT)
		json_array_append_new(why, json_string("frequency"));
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:b, s:o}", "steal_pct", num(steal), "busy_pct",
	                 num(busy), "load1", num(a->load1), "mhz_start", num(a->mhz), "mhz_end",
	                 num(b->mhz), "disturbed", json_array_size(why) > 0, "why", why);
}
