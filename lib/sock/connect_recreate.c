/*
 * Replace a socket in place, under the same fd number.
 *
 * illumos and Linux let a program connect a socket again after an attempt
 * failed; FreeBSD, macOS and OpenBSD answer EINVAL for ever after (the
 * connect reference, section 1.1).  Where the kernel refuses, the only
 * way to honour the illumos behaviour is a new socket that takes over the
 * old one's fd number (dup2(2) closes the old one in the same step), with
 * what the program set on the old one carried over.  Portable POSIX code;
 * it works on Linux too, where the tests exercise it directly.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "sock_internal.h"

/*
 * The options carried over.  Buffer sizes are copied as getsockopt(2)
 * reports them (Linux reports twice what was set, so a Linux socket would
 * double them: only the BSDs use this path).
 */
static const struct sockopt_copy {
	int	oc_level;
	int	oc_name;
	int	oc_family;	/* AF_UNSPEC: any */
	int	oc_stream;	/* 1: SOCK_STREAM only */
	socklen_t oc_size;
} sockopt_copies[] = {
	{ SOL_SOCKET, SO_REUSEADDR, AF_UNSPEC, 0, sizeof (int) },
#ifdef SO_REUSEPORT
	{ SOL_SOCKET, SO_REUSEPORT, AF_UNSPEC, 0, sizeof (int) },
#endif
	{ SOL_SOCKET, SO_KEEPALIVE, AF_UNSPEC, 0, sizeof (int) },
	{ SOL_SOCKET, SO_BROADCAST, AF_UNSPEC, 0, sizeof (int) },
	{ SOL_SOCKET, SO_OOBINLINE, AF_UNSPEC, 0, sizeof (int) },
	{ SOL_SOCKET, SO_DONTROUTE, AF_UNSPEC, 0, sizeof (int) },
	{ SOL_SOCKET, SO_SNDBUF, AF_UNSPEC, 0, sizeof (int) },
	{ SOL_SOCKET, SO_RCVBUF, AF_UNSPEC, 0, sizeof (int) },
	{ SOL_SOCKET, SO_LINGER, AF_UNSPEC, 0, sizeof (struct linger) },
	{ SOL_SOCKET, SO_RCVTIMEO, AF_UNSPEC, 0, sizeof (struct timeval) },
	{ SOL_SOCKET, SO_SNDTIMEO, AF_UNSPEC, 0, sizeof (struct timeval) },
	{ IPPROTO_TCP, TCP_NODELAY, AF_INET, 1, sizeof (int) },
	{ IPPROTO_TCP, TCP_NODELAY, AF_INET6, 1, sizeof (int) },
	{ IPPROTO_IP, IP_TOS, AF_INET, 0, sizeof (int) },
	{ IPPROTO_IP, IP_TTL, AF_INET, 0, sizeof (int) },
	{ IPPROTO_IPV6, IPV6_V6ONLY, AF_INET6, 0, sizeof (int) },
	{ IPPROTO_IPV6, IPV6_UNICAST_HOPS, AF_INET6, 0, sizeof (int) },
};

#define	NCOPIES	(sizeof (sockopt_copies) / sizeof (sockopt_copies[0]))

/* Copy one option; an option the old socket cannot report is skipped. */
static int
copy_opt(int from, int to, const struct sockopt_copy *oc)
{
	union {
		int		i;
		struct linger	l;
		struct timeval	tv;
	} v;
	socklen_t sl = oc->oc_size;

	if (getsockopt(from, oc->oc_level, oc->oc_name, &v, &sl) != 0)
		return (0);
	if (setsockopt(to, oc->oc_level, oc->oc_name, &v, sl) != 0)
		return (errno);
	return (0);
}

int
sks__sock_recreate(int fd, const struct sockaddr *bound, socklen_t boundlen)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof (ss);
	int type, proto = 0, fl, fdfl, nfd, err = 0;

	sl = sizeof (type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &sl) != 0)
		return (errno);
#ifdef SO_PROTOCOL
	sl = sizeof (proto);
	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &sl) != 0)
		proto = 0;
#endif
	sl = sizeof (ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		return (errno);
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    (fdfl = fcntl(fd, F_GETFD)) == -1)
		return (errno);

	if ((nfd = socket(ss.ss_family, type, proto)) == -1)
		return (errno);
	for (size_t i = 0; i < NCOPIES && err == 0; i++) {
		const struct sockopt_copy *oc = &sockopt_copies[i];

		if ((oc->oc_family != AF_UNSPEC &&
		    oc->oc_family != ss.ss_family) ||
		    (oc->oc_stream && type != SOCK_STREAM))
			continue;
		err = copy_opt(fd, nfd, oc);
	}
	if (err == 0 && fcntl(nfd, F_SETFL, fl) == -1)
		err = errno;
	if (err != 0) {
		(void) close(nfd);
		return (err);
	}
	/*
	 * dup2() closes the old socket and puts the new one in its place
	 * atomically: the fd number never names nothing.  FD_CLOEXEC is not
	 * carried by dup2(), so it is set again at once.
	 */
	while (dup2(nfd, fd) == -1) {
		if (errno != EINTR) {
			err = errno;
			(void) close(nfd);
			return (err);
		}
	}
	(void) close(nfd);
	if (fdfl & FD_CLOEXEC)
		(void) fcntl(fd, F_SETFD, fdfl);
	if (bound != NULL && bind(fd, bound, boundlen) != 0)
		return (errno);
	return (0);
}
