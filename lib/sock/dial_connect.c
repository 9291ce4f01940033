/*
 * Asynchronous connect helpers: sockshim_connect_start(),
 * sockshim_connect_finish(), sockshim_connect_wait() and
 * sockshim_connect_timeout().
 *
 * The recipe is the one connect(3SOCKET) documents on illumos and that
 * works everywhere: a non-blocking connect() that says EINPROGRESS, a
 * wait for the socket to poll writable, then getsockopt(SO_ERROR).  Two
 * rules from the connect reference shape the code:
 *  - after EINTR the attempt goes on in the background, so connect() is
 *    never called a second time to learn the outcome (BSDs lose the
 *    error, Linux reports ECONNABORTED);
 *  - any of POLLOUT, POLLERR, POLLHUP or POLLIN means "finished", and
 *    only SO_ERROR decides how.
 * We call plain connect(): libsocket's own connect() wrapper, where it is
 * linked, keeps these outcomes (EINPROGRESS, EALREADY, EISCONN, errors).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <port.h>
#include <time.h>
#include <unistd.h>

#include "dial.h"
#include "sock_internal.h"

int64_t
sks__dial_now_ns(void)
{
	struct timespec ts;

	(void) clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

/* Rounded up, so that a wait never ends before its deadline. */
int
sks__dial_poll_ms(int64_t ns)
{
	int64_t ms;

	if (ns <= 0)
		return (0);
	ms = (ns + 999999) / 1000000;
	return (ms > INT32_MAX ? INT32_MAX : (int)ms);
}

struct timespec
sks__dial_ts(int64_t ns)
{
	struct timespec ts;

	if (ns < 0)
		ns = 0;
	ts.tv_sec = (time_t)(ns / 1000000000);
	ts.tv_nsec = (long)(ns % 1000000000);
	return (ts);
}

int
sks__dial_start(int fd, const struct sockaddr *sa, socklen_t len)
{
	int fl, err;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return (errno);
	/*
	 * A blocking socket is made non-blocking for the one call only: the
	 * attempt then runs in the background whatever the caller's mode,
	 * and poll(2) and SO_ERROR work the same in both modes afterwards.
	 */
	if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return (errno);
	err = connect(fd, sa, len) == 0 ? 0 : errno;
	if (!(fl & O_NONBLOCK))
		(void) fcntl(fd, F_SETFL, fl);

	switch (err) {
	case EINTR:
		/* connect(3SOCKET): "established asynchronously". */
		return (EINPROGRESS);
	case EAGAIN:
		/*
		 * Linux says EAGAIN when an AF_UNIX listener's backlog is
		 * full, and nothing is in progress.  illumos and the BSDs
		 * refuse such a connection, and so do we.
		 */
		if (sa != NULL && len >= sizeof (sa_family_t) &&
		    sa->sa_family == AF_UNIX)
			return (ECONNREFUSED);
		return (EAGAIN);
	default:
		return (err);
	}
}

int
sks__dial_finish(int fd, int *so_errorp)
{
	struct pollfd pfd;
	int err, val, n;

	if (so_errorp != NULL)
		*so_errorp = -1;
	/*
	 * Connected, the common answer, costs one call when nobody wants
	 * the SO_ERROR value: a socket that has a peer is connected (one
	 * whose connection failed since has none any more).
	 */
	if (so_errorp == NULL && (err = sks__peer_known(fd)) != ENOTCONN)
		return (err);
	if ((err = sks__so_error(fd, &val)) != 0)
		return (err);
	if (so_errorp != NULL)
		*so_errorp = val;
	if (val != 0)
		return (val);
	/* SO_ERROR is 0 both while pending and once connected. */
	if (so_errorp != NULL && (err = sks__peer_known(fd)) != ENOTCONN)
		return (err);
	pfd.fd = fd;
	pfd.events = POLLOUT;
	pfd.revents = 0;
	if ((n = poll(&pfd, 1, 0)) == -1)
		return (errno);
	if (n == 0)
		return (EINPROGRESS);
	/*
	 * Finished between our looks, or there is nothing to finish (never
	 * connected, or someone else read the error first).
	 */
	if ((err = sks__so_error(fd, &val)) != 0)
		return (err);
	if (val != 0) {
		if (so_errorp != NULL)
			*so_errorp = val;
		return (val);
	}
	return (sks__peer_known(fd));
}

/* Our association's cookie: no caller can pass this address. */
static const char wait_cookie;

static int
wait_port(int fd, int port, int64_t deadline)
{
	port_event_t pe;
	struct timespec ts;
	uint_t n = 0;
	int err;

	/*
	 * The port must be the caller's for the duration: an event for
	 * someone else cannot be put back.  Refuse a port that already
	 * holds one rather than consume it.
	 */
	if (port_getn(port, NULL, 0, &n, NULL) != 0)
		return (errno);
	if (n != 0)
		return (EBUSY);
	for (;;) {
		if (port_associate(port, PORT_SOURCE_FD, (uintptr_t)fd, POLLOUT,
		    (void *)&wait_cookie) != 0)
			return (errno == EBADFD ? EBADF : errno);
		for (;;) {
			if (deadline >= 0)
				ts = sks__dial_ts(deadline -
				    sks__dial_now_ns());
			if (port_get(port, &pe, deadline >= 0 ? &ts : NULL)
			    == 0)
				break;
			err = errno;
			if (err == EINTR)
				continue;
			(void) port_dissociate(port, PORT_SOURCE_FD,
			    (uintptr_t)fd);
			return (err == ETIME ? ETIMEDOUT : err);
		}
		if (pe.portev_source != PORT_SOURCE_FD ||
		    pe.portev_object != (uintptr_t)fd ||
		    pe.portev_user != (void *)&wait_cookie) {
			(void) port_dissociate(port, PORT_SOURCE_FD,
			    (uintptr_t)fd);
			return (EBUSY);
		}
		if ((err = sks__dial_finish(fd, NULL)) != EINPROGRESS)
			return (err);
		/* One-shot: re-arm and wait again. */
	}
}

static int
wait_poll(int fd, int64_t deadline)
{
	struct pollfd pfd;
	int err, n;

	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		n = poll(&pfd, 1, deadline < 0 ? -1 :
		    sks__dial_poll_ms(deadline - sks__dial_now_ns()));
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return (errno);
		}
		if (n == 0)
			return (ETIMEDOUT);
		if (pfd.revents & POLLNVAL)
			return (EBADF);
		if ((err = sks__dial_finish(fd, NULL)) != EINPROGRESS)
			return (err);
	}
}

int
sks__dial_wait(int fd, int port, int timeout_ms)
{
	int64_t deadline = -1;

	if (timeout_ms < -1 || port < -1)
		return (EINVAL);
	/* poll(2) would skip a negative fd and simply time out. */
	if (fd < 0)
		return (EBADF);
	if (timeout_ms >= 0)
		deadline = sks__dial_now_ns() + (int64_t)timeout_ms * 1000000;
	return (port == -1 ? wait_poll(fd, deadline) :
	    wait_port(fd, port, deadline));
}

/* The exported API: -1 and errno on failure, errno kept on success. */

static int
api_result(int err, int saved)
{
	errno = err != 0 ? err : saved;
	return (err != 0 ? -1 : 0);
}

int
sockshim_connect_start(int fd, const struct sockaddr *sa, socklen_t len)
{
	int saved = errno;

	return (api_result(sks__dial_start(fd, sa, len), saved));
}

int
sockshim_connect_finish(int fd)
{
	int saved = errno;

	return (api_result(sks__dial_finish(fd, NULL), saved));
}

int
sockshim_connect_wait(int fd, int port, int timeout_ms)
{
	int saved = errno;

	return (api_result(sks__dial_wait(fd, port, timeout_ms), saved));
}

int
sockshim_connect_timeout(int fd, const struct sockaddr *sa, socklen_t len,
    int timeout_ms)
{
	int saved = errno;
	int err;

	if (timeout_ms < -1)
		return (api_result(EINVAL, saved));
	err = sks__dial_start(fd, sa, len);
	if (err == EINPROGRESS || err == EALREADY)
		err = sks__dial_wait(fd, -1, timeout_ms);
	return (api_result(err, saved));
}
