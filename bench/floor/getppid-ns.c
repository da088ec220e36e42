/* `getppid-ns [SECONDS]`: ns per getppid() of this thread, as "FASTEST MEDIAN" over rounds of 2000
 * calls timed in thread CPU time (preemption by other tasks on a shared host stays out, unlike
 * wall time). The null system call: its cost differences are what a tracer adds. bench/tracer. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { CALLS = 2000, MAX_ROUNDS = 1 << 16 };

static double now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static double v[MAX_ROUNDS];
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	double end = now(CLOCK_MONOTONIC) + secs * 1e9;
	int n = 0;

	while (n < MAX_ROUNDS && (n == 0 || now(CLOCK_MONOTONIC) < end)) {
		double t0 = now(CLOCK_THREAD_CPUTIME_ID);

		for (int i = 0; i < CALLS; i++)
			syscall(SYS_getppid);
		v[n++] = (now(CLOCK_THREAD_CPUTIME_ID) - t0) / CALLS;
	}
	qsort(v, (size_t)n, sizeof(v[0]), cmp);
	printf("%.2f %.2f\n", v[0], n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
	return 0;
}
