/* Stop signals: SIGINT/SIGTERM/SIGHUP set a flag and write to a self-pipe: long waits poll
 * signals_fd() so they return at once, stop what they started, and the engine tears everything
 * down before exiting with 128+signal. */
#ifndef ASSAY_SIGNALS_H
#define ASSAY_SIGNALS_H

#include <stdint.h>

#include "lib/error.h"

int signals_install(assay_error_t *err);
void signals_restore(void);
/* 0, or the first stop signal received. */
int signals_pending(void);
/* Readable once a stop signal arrived (-1 before signals_install). */
int signals_fd(void);
/* Sleeps up to ns; returns early (1) when a stop signal is pending, else 0. */
int signals_sleep(uint64_t ns);

#endif
