/*
 * <nanomsg/nn.h> - the nanomsg API of sockshim's SP layer (libspshim).
 *
 * Programs written for nanomsg 1.x compile against this header unchanged:
 * names, prototypes and constant values are nanomsg's.  Only what libspshim
 * implements is declared, so a missing function fails at compile time, not
 * at link time.  See nn_socket(3) and sp(7) in this package.
 */
#ifndef NN_H_INCLUDED
#define	NN_H_INCLUDED

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(__sun)
#define	_SPSHIM_API	__attribute__((visibility("default")))
#else
#define	_SPSHIM_API
#endif

/* Interface version of the nanomsg ABI this header mirrors. */
#define	NN_VERSION_CURRENT	5
#define	NN_VERSION_REVISION	1
#define	NN_VERSION_AGE		0

/*
 * errno values POSIX names and some systems lack.  nanomsg places them
 * above NN_HAUSNUMERO; the values below are nanomsg's, so an application
 * and the library agree however they were built.
 */
#define	NN_HAUSNUMERO	156384712

#ifndef ENOTSUP
#define	ENOTSUP		(NN_HAUSNUMERO + 1)
#endif
#ifndef EPROTONOSUPPORT
#define	EPROTONOSUPPORT	(NN_HAUSNUMERO + 2)
#endif
#ifndef ENOBUFS
#define	ENOBUFS		(NN_HAUSNUMERO + 3)
#endif
#ifndef ENETDOWN
#define	ENETDOWN	(NN_HAUSNUMERO + 4)
#endif
#ifndef EADDRINUSE
#define	EADDRINUSE	(NN_HAUSNUMERO + 5)
#endif
#ifndef EADDRNOTAVAIL
#define	EADDRNOTAVAIL	(NN_HAUSNUMERO + 6)
#endif
#ifndef ECONNREFUSED
#define	ECONNREFUSED	(NN_HAUSNUMERO + 7)
#endif
#ifndef EINPROGRESS
#define	EINPROGRESS	(NN_HAUSNUMERO + 8)
#endif
#ifndef ENOTSOCK
#define	ENOTSOCK	(NN_HAUSNUMERO + 9)
#endif
#ifndef EAFNOSUPPORT
#define	EAFNOSUPPORT	(NN_HAUSNUMERO + 10)
#endif
#ifndef EPROTO
#define	EPROTO		(NN_HAUSNUMERO + 11)
#endif
#ifndef EAGAIN
#define	EAGAIN		(NN_HAUSNUMERO + 12)
#endif
#ifndef EBADF
#define	EBADF		(NN_HAUSNUMERO + 13)
#endif
#ifndef EINVAL
#define	EINVAL		(NN_HAUSNUMERO + 14)
#endif
#ifndef EMFILE
#define	EMFILE		(NN_HAUSNUMERO + 15)
#endif
#ifndef EFAULT
#define	EFAULT		(NN_HAUSNUMERO + 16)
#endif
#ifndef EACCES
#define	EACCES		(NN_HAUSNUMERO + 17)
#endif
#ifndef EACCESS
#define	EACCESS		(EACCES)
#endif
#ifndef ENETRESET
#define	ENETRESET	(NN_HAUSNUMERO + 18)
#endif
#ifndef ENETUNREACH
#define	ENETUNREACH	(NN_HAUSNUMERO + 19)
#endif
#ifndef EHOSTUNREACH
#define	EHOSTUNREACH	(NN_HAUSNUMERO + 20)
#endif
#ifndef ENOTCONN
#define	ENOTCONN	(NN_HAUSNUMERO + 21)
#endif
#ifndef EMSGSIZE
#define	EMSGSIZE	(NN_HAUSNUMERO + 22)
#endif
#ifndef ETIMEDOUT
#define	ETIMEDOUT	(NN_HAUSNUMERO + 23)
#endif
#ifndef ECONNABORTED
#define	ECONNABORTED	(NN_HAUSNUMERO + 24)
#endif
#ifndef ECONNRESET
#define	ECONNRESET	(NN_HAUSNUMERO + 25)
#endif
#ifndef ENOPROTOOPT
#define	ENOPROTOOPT	(NN_HAUSNUMERO + 26)
#endif
#ifndef EISCONN
#define	EISCONN		(NN_HAUSNUMERO + 27)
#define	NN_EISCONN_DEFINED
#endif
#ifndef ESOCKTNOSUPPORT
#define	ESOCKTNOSUPPORT	(NN_HAUSNUMERO + 28)
#endif
/* Native nanomsg errors: no system defines these. */
#ifndef ETERM
#define	ETERM		(NN_HAUSNUMERO + 53)
#endif
#ifndef EFSM
#define	EFSM		(NN_HAUSNUMERO + 54)
#endif

_SPSHIM_API int nn_errno(void);
_SPSHIM_API const char *nn_strerror(int);
_SPSHIM_API void nn_term(void);

/* Zero-copy messages: pass NN_MSG as the length to nn_send/nn_recv. */
#define	NN_MSG	((size_t)-1)

_SPSHIM_API void *nn_allocmsg(size_t, int);
_SPSHIM_API void *nn_reallocmsg(void *, size_t);
_SPSHIM_API int nn_freemsg(void *);

/* SP address families. */
#define	AF_SP		1
#define	AF_SP_RAW	2

/* Longest address nn_bind/nn_connect accept, including the NUL. */
#define	NN_SOCKADDR_MAX	128

/* Option levels: negative for transports, positive for socket types. */
#define	NN_SOL_SOCKET	0

/* Generic socket options (NN_SOL_SOCKET). */
#define	NN_LINGER		1
#define	NN_SNDBUF		2
#define	NN_RCVBUF		3
#define	NN_SNDTIMEO		4
#define	NN_RCVTIMEO		5
#define	NN_RECONNECT_IVL	6
#define	NN_RECONNECT_IVL_MAX	7
#define	NN_SNDPRIO		8
#define	NN_RCVPRIO		9
#define	NN_SNDFD		10
#define	NN_RCVFD		11
#define	NN_DOMAIN		12
#define	NN_PROTOCOL		13
#define	NN_IPV4ONLY		14
#define	NN_SOCKET_NAME		15
#define	NN_RCVMAXSIZE		16
#define	NN_MAXTTL		17

/* nn_send/nn_recv flags. */
#define	NN_DONTWAIT	1

_SPSHIM_API int nn_socket(int, int);
_SPSHIM_API int nn_close(int);
_SPSHIM_API int nn_setsockopt(int, int, int, const void *, size_t);
_SPSHIM_API int nn_getsockopt(int, int, int, void *, size_t *);
_SPSHIM_API int nn_bind(int, const char *);
_SPSHIM_API int nn_connect(int, const char *);
_SPSHIM_API int nn_shutdown(int, int);
_SPSHIM_API int nn_send(int, const void *, size_t, int);
_SPSHIM_API int nn_recv(int, void *, size_t, int);

/* Scatter/gather messages; control data is not supported (ignored). */
struct nn_iovec {
	void	*iov_base;
	size_t	iov_len;
};

struct nn_msghdr {
	struct nn_iovec	*msg_iov;
	int		msg_iovlen;
	void		*msg_control;
	size_t		msg_controllen;
};

_SPSHIM_API int nn_sendmsg(int, const struct nn_msghdr *, int);
_SPSHIM_API int nn_recvmsg(int, struct nn_msghdr *, int);

/* Waiting on several sockets. */
#define	NN_POLLIN	1
#define	NN_POLLOUT	2

struct nn_pollfd {
	int	fd;
	short	events;
	short	revents;
};

_SPSHIM_API int nn_poll(struct nn_pollfd *, int, int);

#ifdef __cplusplus
}
#endif

#endif /* NN_H_INCLUDED */
