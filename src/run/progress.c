/* See progress.h. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "run/progress.h"

void run_progress_init(struct run_progress *p, int verbosity, double estimate_s)
{
	memset(p, 0, sizeof(*p));
	p->tty = isatty(STDERR_FILENO);
	p->verbosity = verbosity;
	p->estimate_s = estimate_s;
	p->t_start = assay_now_ns(CLOCK_MONOTONIC);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
}

static void fmt_dur(char *buf, size_t n, double s)
{
	unsigned v = s < 0 ? 0 : (unsigned)(s + 0.5);

	if (v >= 3600)
		snprintf(buf, n, "%u:%02u:%02u", v / 3600, v / 60 % 60, v % 60);
	else
		snprintf(buf, n, "%u:%02u", v / 60, v % 60);
}

/* Called with p->mu held. */
static void draw_line(struct run_progress *p)
{
	double done = (double)p->steps_done, total = (double)p->steps_total, left;
	double elapsed = (double)(assay_now_ns(CLOCK_MONOTONIC) - p->t_start) / 1e9;
	char el[32], eta[32];

	/* the suite's own estimate until a few runs tell the real pace */
	if (p->steps_done >= 3)
		left = elapsed / done * (total - done);
	else
		left = p->estimate_s * (total - done) / (total > 0 ? total : 1);
	fmt_dur(el, sizeof(el), elapsed);
	fmt_dur(eta, sizeof(eta), left);
	fprintf(stderr, "\r\033[K%s  elapsed %s  ETA %s", p->line, el, eta);
	fflush(stderr);
}

static bool live(const struct run_progress *p)
{
	return p->tty && p->verbosity >= 0;
}

void run_progress_step(struct run_progress *p, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	if (!live(p))
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&p->mu);
	snprintf(p->line, sizeof(p->line), "[%zu/%zu] %s", p->steps_done + 1, p->steps_total, text);
	p->line_on = true;
	draw_line(p);
	pthread_mutex_unlock(&p->mu);
}

void run_progress_done(struct run_progress *p)
{
	pthread_mutex_lock(&p->mu);
	p->steps_done++;
	pthread_mutex_unlock(&p->mu);
}

void run_progress_clear(struct run_progress *p)
{
	if (!live(p))
		return;
	pthread_mutex_lock(&p->mu);
	p->line_on = false;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	pthread_mutex_unlock(&p->mu);
}

void run_progress_say(struct run_progress *p, int level, const char *fmt, ...)
{
	va_list ap;

	if (p->verbosity < level)
		return;
	run_progress_clear(p);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void run_progress_status(struct run_progress *p, const char *fmt, ...)
{
	va_list ap;

	if (p->verbosity <= 0 && !live(p))
		return;
	run_progress_clear(p);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, p->tty ? "\r\033[K" : "\n");
}

static void *ticker_main(void *arg)
{
	struct run_progress *p = arg;
	sigset_t all;

	/* stop signals are the main thread's business */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_mutex_lock(&p->mu);
	while (!p->ticker_stop) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&p->cv, &p->mu, &ts);
		if (!p->ticker_stop && p->line_on)
			draw_line(p);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

void run_progress_start(struct run_progress *p)
{
	if (live(p))
		p->ticker_on = pthread_create(&p->ticker, NULL, ticker_main, p) == 0;
}

void run_progress_stop(struct run_progress *p)
{
	if (!p->ticker_on)
		return;
	pthread_mutex_lock(&p->mu);
	p->ticker_stop = true;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->ticker, NULL);
	p->ticker_on = false;
}

void run_progress_destroy(struct run_progress *p)
{
	run_progress_stop(p);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
}
