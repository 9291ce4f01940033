/*
 * A wake counter: eventfd where the system has it, a pipe elsewhere.
 * fds[0] is read, fds[1] is written; with eventfd they are the same fd.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>
#ifdef HAVE_SYS_EVENTFD_H
#include <sys/eventfd.h>
#endif

#include "evp.h"

int
evp__wake_open(int fds[2])
{
#if defined(HAVE_SYS_EVENTFD_H) && defined(HAVE_EVENTFD)
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	if (fd == -1)
		return (errno);
	fds[0] = fds[1] = fd;
#else
	if (pipe(fds) == -1)
		return (errno);
	for (int i = 0; i < 2; i++) {
		(void) fcntl(fds[i], F_SETFD, FD_CLOEXEC);
		(void) fcntl(fds[i], F_SETFL, O_NONBLOCK);
	}
#endif
	return (0);
}

void
evp__wake_post(const int fds[2])
{
	uint64_t one = 1;
	ssize_t r;

	/* A full pipe or counter already wakes the reader: ignore EAGAIN. */
	do {
		r = write(fds[1], &one, fds[0] == fds[1] ? sizeof (one) : 1);
	} while (r == -1 && errno == EINTR);
}

void
evp__wake_drain(const int fds[2])
{
	char buf[64];
	int saved = errno;

	while (read(fds[0], buf, sizeof (buf)) > 0 && fds[0] != fds[1])
		;
	errno = saved;
}

void
evp__wake_close(int fds[2])
{
	if (fds[0] >= 0)
		(void) close(fds[0]);
	if (fds[1] >= 0 && fds[1] != fds[0])
		(void) close(fds[1]);
	fds[0] = fds[1] = -1;
}
