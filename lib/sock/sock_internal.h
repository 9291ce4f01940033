/*
 * Internals of libsocket's socket calls (lib/sock/), starting with
 * connect(3SOCKET).  Other lib code may include this header.
 *
 * Internal functions return 0 or an errno value; only the exported
 * wrappers set errno.  Names carry the sks__ prefix.
 *
 * connect() is split in two layers:
 *
 *	connect.c		the exported connect() and the illumos rules
 *				that hold on every platform: the null
 *				address, a second connect() while an attempt
 *				is pending or after it ended, address checks.
 *	connect_fd.c		per-fd state: "this socket returned
 *				EINPROGRESS or EINTR", keyed by fd number and
 *				validated against the socket's inode.
 *	connect_<os>.c		what one kernel gets wrong, behind the five
 *				functions of the platform contract below:
 *				connect_linux.c (Linux), connect_posix.c
 *				(others; not yet run on a BSD).
 *	connect_recreate.c	portable: replace a socket in place, under
 *				the same fd number, for kernels that refuse
 *				to connect a socket again after a failure.
 */
#ifndef SKS_SOCK_INTERNAL_H
#define	SKS_SOCK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

/* connect.c */

/* True when SOCKSHIM_CONNECT_NATIVE was set when the library loaded. */
bool	sks__connect_is_native(void);

/* sockopt.c: socket queries; 0 or an errno value. */
int	sks__int_opt(int, int, int, int *);
int	sks__so_error(int, int *);
int	sks__peer_known(int);

/*
 * The event-port hook.  The port core calls it for an FD event whose
 * revents (poll(2) bits, as the kernel reported them) include POLLERR,
 * before it masks them with events | POLLHUP | POLLERR.  For a socket
 * whose connect() returned EINPROGRESS or EINTR (SKS_CFD_KNOWN), it
 * returns what illumos' so_poll() reports while a socket error is
 * pending: the requested subset of POLLIN, POLLRDNORM, POLLOUT and
 * POLLWRNORM, with no POLLERR or POLLHUP.
 * Anything else is returned unchanged.  Never blocks; safe with any lock
 * held; costs one fstat(2) when it applies.
 */
int	sks__connect_poll_revents(int fd, int events, int revents);

/* connect_fd.c: per-fd state, lock-free, async-signal-safe. */

#define	SKS_CFD_KNOWN	0x01	/* connect() said EINPROGRESS/EINTR */
#define	SKS_CFD_PENDING	0x02	/* EINPROGRESS/EINTR, outcome not seen */

/*
 * The flags stored for fd, or 0.  An entry whose socket is no longer the
 * one behind fd (closed, number reused) is cleared and reads as 0.
 */
int	sks__cfd_get(int fd);
/* Store flags for the socket now behind fd (0 forgets it). */
void	sks__cfd_set(int fd, int flags);

/*
 * connect_<os>.c: the platform contract.  Every function returns 0 or an
 * errno value and never changes the fd's O_NONBLOCK flag for longer than
 * the call.
 */

/*
 * The system's connect(), without any normalisation (what
 * SOCKSHIM_CONNECT_NATIVE=1 gives).  For other lib code that needs the
 * kernel's own answers.
 */
int	sks__connect_native(int, const struct sockaddr *, socklen_t);

/*
 * One connect attempt with the kernel's answers mapped to illumos' (see
 * connect(3SOCKET), DIFFERENCES).  EINPROGRESS and EINTR mean an attempt
 * goes on in the background.
 */
int	sks__connect_os(int, const struct sockaddr *, socklen_t);

/* Dissolve the association of a connected datagram socket. */
int	sks__connect_dissolve(int);

/*
 * The attempt on fd has failed and its error has been reported: make the
 * socket connectable again, still unconnected, and with no error pending.
 */
int	sks__connect_reset(int);

/* connect_recreate.c */

/*
 * Replace the socket behind fd by a new unconnected one of the same
 * domain, type and protocol, under the same fd number, keeping FD_CLOEXEC,
 * O_NONBLOCK and the socket options listed in connect_recreate.c.  If
 * bound is not NULL the new socket is bound to it.  On failure fd is left
 * as it was, unless the failure is in the final bind.
 */
int	sks__sock_recreate(int fd, const struct sockaddr *bound,
	    socklen_t boundlen);

#endif /* SKS_SOCK_INTERNAL_H */
