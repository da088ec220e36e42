/* The host's noise around one run: CPU time stolen by the hypervisor (/proc/stat's steal), the
 * load average, the CPU clock (/proc/cpuinfo's "cpu MHz"), sampled before and after, and
 * whether the run was taken while the host was disturbed:
 *   steal      more than NOISE_STEAL_PCT of the host's CPU time went to other guests,
 *   load       the 1-minute load average at the start exceeded the CPU count (more runnable
 *              tasks than CPUs before our own run began),
 *   frequency  the mean CPU clock moved by more than NOISE_MHZ_PCT between start and end.
 * A run's record: {"steal_pct", "busy_pct", "load1", "mhz_start", "mhz_end", "disturbed",
 * "why": [...]} (docs/results.md). */
#ifndef ASSAY_NOISE_H
#define ASSAY_NOISE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define NOISE_STEAL_PCT 5.0
#define NOISE_MHZ_PCT   10.0

struct noise_sample {
	uint64_t total, idle, steal; /* jiffies, all CPUs */
	double load1, mhz;           /* NaN when unknown */
	long ncpu;
	bool have_stat;
};

void noise_sample(struct noise_sample *s);
/* The record of the interval between two samples (a new object). */
json_t *noise_between(const struct noise_sample *before, const struct noise_sample *after);

#endif
