/* What `collector run` tells its user while it works, all through one sink on stderr: a live
 * progress line on a terminal (target, benchmark, run i/N, elapsed, ETA; a ticker thread redraws
 * it every second so the elapsed time moves during long runs too), and message lines printed
 * above it at the verbosity they belong to. */
#ifndef ASSAY_RUN_PROGRESS_H
#define ASSAY_RUN_PROGRESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct run_progress {
	bool tty;          /* stderr is a terminal: the live line is drawn */
	int verbosity;     /* -1 quiet, 0 normal, 1 verbose */
	uint64_t t_start;  /* CLOCK_MONOTONIC */
	double estimate_s; /* the suite's own estimate, until a few runs tell the real pace */
	size_t steps_total, steps_done;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t ticker;
	bool ticker_on, ticker_stop, line_on;
	char line[320];
};

void run_progress_init(struct run_progress *p, int verbosity, double estimate_s);
/* The ticker thread (on a terminal only). */
void run_progress_start(struct run_progress *p);
void run_progress_stop(struct run_progress *p);
void run_progress_destroy(struct run_progress *p);

/* The live line for the next step ("[i/N] TEXT  elapsed .. ETA .."). */
void run_progress_step(struct run_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* One step done (the ETA's pace). */
void run_progress_done(struct run_progress *p);
/* Removes the live line. */
void run_progress_clear(struct run_progress *p);
/* A message line above the live line, printed when the verbosity is at least `level` (0: normal
 * output, 1: -v). */
void run_progress_say(struct run_progress *p, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A transient status in place of the live line ("preparing X..."): on a terminal drawn and
 * cleared again at the next line, otherwise printed with -v only. */
void run_progress_status(struct run_progress *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
