/* Stop signals: a flag plus a self-pipe, so that a wait in poll() wakes up at once instead of
 * after its timeout, and nothing is torn down from inside a signal handler. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "lib/signals.h"

static volatile sig_atomic_t stop_signal;
static int depth; /* nested install/restore pairs: the outermost one counts */
static int pipe_fds[2] = {-1, -1};
static struct sigaction saved[3];
static const int stop_signals[3] = {SIGINT, SIGTERM, SIGHUP};

static void on_stop(int sig)
{
	int saved_errno = errno;
	ssize_t r;

	if (stop_signal == 0)
		stop_signal = sig;
	r = write(pipe_fds[1], "x", 1);
	(void)r;
	errno = saved_errno;
}

int signals_install(assay_error_t *err)
{
	struct sigaction sa;

	/* an inner install keeps what an outer one caught already */
	if (depth++ > 0)
		return 0;
	stop_signal = 0;
	if (pipe_fds[0] < 0 && pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		depth--;
		return assay_error_make(err, errno, "pipe2");
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	/* no SA_RESTART: blocking calls return EINTR and the caller looks at the flag */
	for (int i = 0; i < 3; i++)
		if (sigaction(stop_signals[i], &sa, &saved[i]) < 0) {
			depth--;
			return assay_error_make(err, errno, "sigaction");
		}
	return 0;
}

void signals_restore(void)
{
	if (depth == 0 || --depth > 0)
		return;
	if (pipe_fds[0] < 0)
		return;
	for (int i = 0; i < 3; i++)
		sigaction(stop_signals[i], &saved[i], NULL);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	pipe_fds[0] = pipe_fds[1] = -1;
}

int signals_pending(void)
{
	return stop_signal;
}

int signals_fd(void)
{
	return pipe_fds[0];
}

int signals_sleep(uint64_t ns)
{
	struct pollfd p = {.fd = pipe_fds[0], .events = POLLIN};
	int ms = (int)((ns + 999999) / 1000000);

	if (stop_signal)
		return 1;
	if (pipe_fds[0] < 0) {
		usleep((useconds_t)(ns / 1000));
		return 0;
	}
	poll(&p, 1, ms);
	return stop_signal ? 1 : 0;
}
