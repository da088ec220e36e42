/* The harness's latency histogram: sysbench's sb_histogram (1024 log buckets, 0.001 ms ..
 * 100000 ms) with 1-ns bins under bucket 0, and sysbench's percentile rule. */
#include "harness/internal.h"

#include <math.h>
#include <pthread.h>

static const double hist_min_ms = 0.001, hist_max_ms = 100000.0;
static double hist_deduct, hist_mult;
/* lower[i]: the smallest latency in ns that sysbench's formula puts in bucket >= i. */
static uint64_t hist_lower[WL_HIST_SIZE];
static pthread_once_t hist_once = PTHREAD_ONCE_INIT;

static long exact_bucket(uint64_t ns)
{
	double i;

	if (ns == 0)
		return 0;
	i = floor((log((double)ns / 1e6) - hist_deduct) * hist_mult + 0.5);
	if (i < 0)
		return 0;
	if (i >= WL_HIST_SIZE)
		return WL_HIST_SIZE - 1;
	return (long)i;
}

/* Thresholds computed once, so the hot path compares integers instead of taking a log, while
 * keeping exactly sysbench's bucket boundaries (checked with the formula itself). */
static void hist_init(void)
{
	hist_deduct = log(hist_min_ms);
	hist_mult = (WL_HIST_SIZE - 1) / (log(hist_max_ms) - hist_deduct);
	hist_lower[0] = 0;
	for (int i = 1; i < WL_HIST_SIZE; i++) {
		double est = exp((i - 0.5) / hist_mult + hist_deduct) * 1e6;
		uint64_t ns = (uint64_t)est;
		while (ns > 0 && exact_bucket(ns - 1) >= i)
			ns--;
		while (exact_bucket(ns) < i)
			ns++;
		hist_lower[i] = ns;
	}
}

unsigned wl_hist_bucket(uint64_t ns)
{
	unsigned lo = 0, hi = WL_HIST_SIZE - 1;

	pthread_once(&hist_once, hist_init);
	if (ns < hist_lower[1])
		return 0;
	/* Largest i with hist_lower[i] <= ns. */
	while (lo < hi) {
		unsigned mid = (lo + hi + 1) / 2;
		if (hist_lower[mid] <= ns)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

double wl_hist_bucket_ms(unsigned i)
{
	pthread_once(&hist_once, hist_init);
	return exp(i / hist_mult + hist_deduct);
}

void wl_hist_add(struct wl_hist *h, uint64_t ns)
{
	wl_hist_add_n(h, ns, 1);
}

void wl_hist_add_n(struct wl_hist *h, uint64_t ns, uint64_t n)
{
	unsigned b = wl_hist_bucket(ns);

	h->count[b] += n;
	h->total += n;
	if (b == 0)
		h->fine[ns < WL_HIST_FINE ? ns : WL_HIST_FINE - 1] += n;
}

void wl_hist_merge(struct wl_hist *dst, const struct wl_hist *src)
{
	for (int i = 0; i < WL_HIST_SIZE; i++)
		dst->count[i] += src->count[i];
	for (int i = 0; i < WL_HIST_FINE; i++)
		dst->fine[i] += src->fine[i];
	dst->total += src->total;
}

double wl_hist_percentile_ms(const struct wl_hist *h, double pct)
{
	uint64_t target, cur = 0;
	unsigned i;

	if (h->total == 0)
		return 0;
	target = (uint64_t)floor((double)h->total * pct / 100 + 0.5);
	for (i = 0; i < WL_HIST_SIZE - 1; i++) {
		cur += h->count[i];
		if (cur >= target)
			break;
	}
	if (i == 0 && target > 0) {
		cur = 0;
		for (unsigned ns = 0; ns < WL_HIST_FINE; ns++) {
			cur += h->fine[ns];
			if (cur >= target)
				return ns / 1e6;
		}
	}
	return wl_hist_bucket_ms(i);
}

void harness_hist_setup(void)
{
	pthread_once(&hist_once, hist_init);
}
