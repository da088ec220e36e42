/* --cpus=LIST: the workload pins itself (and so every thread it starts) to a CPU set with
 * sched_setaffinity before its init, the same call natively and in every container, so pinning
 * is applied alike to every target; "process" records what was asked and the set obtained.
 * Under gVisor the Sentry emulates the call: the workload's threads see the mask, the host
 * threads that run them are not pinned (docs/workloads.md). */
#include "harness/internal.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "0-1,3" into *set; -1 with a message on anything else. */
static int parse_cpus(const char *list, cpu_set_t *set)
{
	const char *p = list;

	CPU_ZERO(set);
	while (*p) {
		char *end;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;

		if (end == p || *p == '-' || *p == '+')
			return wl_usage_error("--cpus=%s: expected a CPU list such as 0 or 0-1,3",
			                      list);
		if (*end == '-') {
			p = end + 1;
			hi = strtoul(p, &end, 10);
			if (end == p || *p == '-' || *p == '+' || hi < lo)
				return wl_usage_error(
				    "--cpus=%s: expected a CPU list such as 0 or 0-1,3", list);
		}
		if (hi >= CPU_SETSIZE)
			return wl_usage_error("--cpus=%s: CPU %lu is beyond %d", list, hi,
			                      CPU_SETSIZE - 1);
		for (unsigned long c = lo; c <= hi; c++)
			CPU_SET(c, set);
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			return wl_usage_error("--cpus=%s: expected a CPU list such as 0 or 0-1,3",
			                      list);
		p = end;
	}
	return 0;
}

int harness_pin(void)
{
	const char *list = wl_opt_str("cpus");
	cpu_set_t set;

	if (list == NULL || list[0] == '\0')
		return 0;
	if (parse_cpus(list, &set) < 0)
		return -2;
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return wl_error_errno("--cpus=%s: sched_setaffinity (are these CPUs online and "
		                      "allowed here?)",
		                      list);
	return 0;
}

/* The calling thread's CPU set as a list ("0-1,3"), into buf. */
static void affinity_list(char *buf, size_t size)
{
	cpu_set_t set;
	size_t n = 0;

	buf[0] = '\0';
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return;
	for (int c = 0; c < CPU_SETSIZE; c++) {
		int hi = c;

		if (!CPU_ISSET(c, &set))
			continue;
		while (hi + 1 < CPU_SETSIZE && CPU_ISSET(hi + 1, &set))
			hi++;
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0, hi > c ? "%s%d-%d" : "%s%d",
		                      n ? "," : "", c, hi);
		c = hi;
	}
	if (n >= size && size)
		buf[size - 1] = '\0';
}

void harness_affinity_json(struct wl_json *j)
{
	const char *list = wl_opt_str("cpus");
	char got[256];

	affinity_list(got, sizeof(got));
	if (list && list[0])
		wl_json_str(j, "cpus", list);
	else
		wl_json_null(j, "cpus");
	wl_json_str(j, "affinity", got);
}
