/*
 * connect(3SOCKET) with illumos semantics: the exported connect() and the
 * rules that are the same on every platform.  What one kernel gets wrong
 * is mapped in connect_<os>.c (see sock_internal.h).
 *
 * The rules (connect(3SOCKET); the connect reference, section 1):
 *  - a datagram socket dissolves its association when connected to a null
 *    address (NULL or length 0) or to an AF_UNSPEC address; not connected,
 *    that is EINVAL;
 *  - once connect() has returned EINPROGRESS or EINTR, a later connect()
 *    on the socket reports EISCONN once the connection is up; else the
 *    pending socket error (once: the socket can then be connected again);
 *    else EALREADY while the attempt goes on, or a new attempt when it
 *    failed and its error was read.  It never waits for, or restarts, an
 *    attempt that is under way;
 *  - the address is checked as illumos checks it: a family that is not the
 *    socket's is EAFNOSUPPORT, a length shorter than the family's sockaddr
 *    is EINVAL, and port 0 is EADDRNOTAVAIL.
 */
#include "config.h"

/*
 * glibc declares connect() with a transparent union for the address when
 * _GNU_SOURCE is defined; ours has the plain POSIX prototype, which is
 * the same ABI.  Keep the system's declaration out of the way.
 */
#define	connect	sks__system_connect_decl
#include <sys/socket.h>
#undef	connect

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "../ports/hook.h"
#include "sock_internal.h"

__attribute__((visibility("default")))
int	connect(int, const struct sockaddr *, socklen_t);

static bool connect_native_mode;

/*
 * SOCKSHIM_CONNECT_NATIVE is read once, when the library is loaded, so
 * that connect() never calls getenv() (not async-signal-safe).
 */
__attribute__((constructor))
static void
connect_init(void)
{
	const char *v = getenv("SOCKSHIM_CONNECT_NATIVE");

	connect_native_mode = v != NULL && *v != '\0' && strcmp(v, "0") != 0;
	/* Event ports report a refused connect as illumos does. */
	if (!connect_native_mode)
		evp__set_pollerr_hook(sks__connect_poll_revents);
}

bool
sks__connect_is_native(void)
{
	return (connect_native_mode);
}

/* The socket's address family (getsockname works even when unbound). */
static int
sock_family(int fd, int *fam)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof (ss);

	*fam = AF_UNSPEC;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		return (errno);
	*fam = ss.ss_family;
	return (0);
}

/*
 * connect() to a null address (NULL, or length 0) or to an AF_UNSPEC
 * address.  illumos dissolves the association of a datagram socket
 * (udp_connect() with no address); a socket that is not connected gives
 * EINVAL, as does a stream socket.  A pending socket error comes first,
 * as in illumos' so_connect().  AF_UNSPEC is not an illumos spelling
 * (illumos says EAFNOSUPPORT and keeps the association) but Linux and
 * BSD programs use it, so for datagram sockets it means the same here.
 */
static int
null_address(int fd, bool unspec)
{
	int err, type, val;

	if ((err = sks__int_opt(fd, SOL_SOCKET, SO_TYPE, &type)) != 0)
		return (err);
	if (type != SOCK_DGRAM)
		return (unspec ? EAFNOSUPPORT : EINVAL);
	if ((err = sks__so_error(fd, &val)) != 0)
		return (err);
	if (val != 0)
		return (val);
	if ((err = sks__peer_known(fd)) != 0)
		return (err == ENOTCONN ? EINVAL : err);
	return (sks__connect_dissolve(fd));
}

/*
 * The address checks illumos makes before it looks at the network
 * (proto_verify_ip_addr(), udp_do_connect(): port 0 is TBADADDR, that is
 * EADDRNOTAVAIL).  Linux accepts short AF_INET6 lengths, the wrong family
 * on an AF_INET6 socket (EINVAL there) and port 0.  Only an address that
 * looks wrong costs system calls.
 */
static int
check_address(int fd, const struct sockaddr *sa, socklen_t len)
{
	socklen_t need;
	in_port_t port;
	int err, fam, type;

	if (sa == NULL || len < sizeof (sa_family_t))
		return (0);
	switch (sa->sa_family) {
	case AF_INET:
		need = sizeof (struct sockaddr_in);
		port = len >= need ?
		    ((const struct sockaddr_in *)sa)->sin_port : 0;
		break;
	case AF_INET6:
		need = sizeof (struct sockaddr_in6);
		port = len >= need ?
		    ((const struct sockaddr_in6 *)sa)->sin6_port : 0;
		break;
	default:
		return (0);
	}
	if (len >= need && port != 0)
		return (0);
	if ((err = sks__int_opt(fd, SOL_SOCKET, SO_TYPE, &type)) != 0 ||
	    (err = sock_family(fd, &fam)) != 0)
		return (err);
	if (fam != sa->sa_family)
		return (EAFNOSUPPORT);
	if (len < need)
		return (EINVAL);
	if (type == SOCK_STREAM || type == SOCK_DGRAM)
		return (EADDRNOTAVAIL);
	return (0);
}

/*
 * The attempt has ended without a connection: report its error if
 * nobody has read it yet (once), make the socket connectable again, and
 * else ask for a new attempt, as illumos makes one.
 */
static int
failed(int fd, bool *again)
{
	int err, val;

	if ((err = sks__so_error(fd, &val)) != 0)
		return (err);
	(void) sks__connect_reset(fd);
	sks__cfd_set(fd, SKS_CFD_KNOWN);
	if (val != 0)
		return (val);
	*again = true;
	return (0);
}

/*
 * connect() on a socket whose last attempt returned EINPROGRESS or EINTR
 * and whose outcome connect() has not reported yet.  Returns the answer,
 * or sets *again when a new attempt is to be made.
 */
static int
pending(int fd, const struct sockaddr *sa, socklen_t len, bool *again)
{
	struct pollfd pfd;
	int err, val;

	*again = false;
	if (sks__peer_known(fd) != 0) {
		/*
		 * Not connected.  A pending error first, as in illumos'
		 * so_connect().  (Asked first, Linux would also hand out a
		 * soft error of a live connection.)
		 */
		if ((err = sks__so_error(fd, &val)) != 0)
			return (err);
		if (val != 0) {
			(void) sks__connect_reset(fd);
			sks__cfd_set(fd, SKS_CFD_KNOWN);
			return (val);
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		if (poll(&pfd, 1, 0) == -1)
			return (errno);
		/* Nothing yet: the attempt goes on (illumos: SYN_SENT). */
		if ((pfd.revents & (POLLOUT | POLLERR | POLLHUP)) == 0)
			return (EALREADY);
		/*
		 * Finished (any of the three; only the socket tells how).
		 * Still no peer: it failed, and whoever read SO_ERROR had
		 * the error, unless it arrived after we looked.
		 */
		if (sks__peer_known(fd) != 0)
			return (failed(fd, again));
	}
	/*
	 * Connected.  Let the kernel finish its own bookkeeping (Linux
	 * answers 0 to this call, once) and say what illumos says.
	 */
	err = sks__connect_native(fd, sa, len);
	if (err == 0 || err == EISCONN)
		sks__cfd_set(fd, SKS_CFD_KNOWN);
	return (EISCONN);
}

static int
sks__connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	bool again;
	int err, flags;

	if (len == 0)
		return (null_address(fd, false));
	if (sa != NULL && len >= sizeof (sa_family_t) &&
	    sa->sa_family == AF_UNSPEC)
		return (null_address(fd, true));
	flags = sks__cfd_get(fd);
	if (flags & SKS_CFD_PENDING) {
		err = pending(fd, sa, len, &again);
		if (!again)
			return (err);
	}
	if ((err = check_address(fd, sa, len)) != 0)
		return (err);
	err = sks__connect_os(fd, sa, len);
	if (err == EINPROGRESS || err == EINTR)
		sks__cfd_set(fd, SKS_CFD_KNOWN | SKS_CFD_PENDING);
	return (err);
}

int
connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	int saved = errno;
	int err;

	if (connect_native_mode)
		err = sks__connect_native(fd, sa, len);
	else
		err = sks__connect(fd, sa, len);
	errno = (err != 0) ? err : saved;
	return (err != 0 ? -1 : 0);
}

int
sks__connect_poll_revents(int fd, int events, int revents)
{
	int want = events & (POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);

	if (!(revents & POLLERR) || want == 0 || connect_native_mode)
		return (revents);
	/*
	 * illumos so_poll(): "In sockets the errors are represented as
	 * input/output events".  Linux adds POLLERR (and POLLHUP once the
	 * attempt is over); only SO_ERROR tells the outcome either way.
	 */
	if (!(sks__cfd_get(fd) & SKS_CFD_KNOWN))
		return (revents);
	return (want);
}
