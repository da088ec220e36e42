/* The harness's errors: the first one of a run is recorded (from any thread) for wl_main to
 * print; the functions return the negative value the caller passes up. */
#include "harness/internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>

static char errmsg[512];
static int errcode;
static pthread_mutex_t errlock = PTHREAD_MUTEX_INITIALIZER;

void harness_error_reset(void)
{
	memset(errmsg, 0, sizeof(errmsg));
	errcode = 0;
	pthread_mutex_init(&errlock, NULL);
}

void harness_error_fini(void)
{
	pthread_mutex_destroy(&errlock);
}

int harness_error_code(void)
{
	return errcode;
}

const char *harness_error_msg(void)
{
	return errmsg;
}

static int record_error(int code, int with_errno, const char *fmt, va_list ap)
{
	int saved = errno;

	pthread_mutex_lock(&errlock);
	if (!errcode) {
		int n = vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
		if (with_errno && n >= 0 && (size_t)n < sizeof(errmsg))
			snprintf(errmsg + n, sizeof(errmsg) - n, ": %s", strerror(saved));
		errcode = code;
	}
	pthread_mutex_unlock(&errlock);
	errno = saved;
	return code == 2 ? -2 : -1;
}

int wl_error(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = record_error(1, 0, fmt, ap);
	va_end(ap);
	return r;
}

int wl_error_errno(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = record_error(1, 1, fmt, ap);
	va_end(ap);
	return r;
}

int wl_usage_error(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = record_error(2, 0, fmt, ap);
	va_end(ap);
	return r;
}
