/*
 * <sockshim/connect.h> - asynchronous connect helpers and a Happy Eyeballs
 * dialer.  This is sockshim's own API, not an illumos one; the names carry
 * the sockshim_ prefix so that they can never collide with a system's.
 *
 * Every function returns -1 and sets errno on failure, and leaves errno
 * alone on success.  See sockshim_connect_start(3SOCKET),
 * sockshim_connect_wait(3SOCKET) and sockshim_dial(3SOCKET).
 */
#ifndef _SOCKSHIM_CONNECT_H
#define	_SOCKSHIM_CONNECT_H

#include <sys/types.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef _SOCKSHIM_API
#if defined(__GNUC__) && !defined(__sun)
#define	_SOCKSHIM_API	__attribute__((visibility("default")))
#else
#define	_SOCKSHIM_API
#endif
#endif

/*
 * Starting and finishing one connection attempt on a socket the caller
 * made.  sockshim_connect_start() never blocks: it returns 0 when the
 * connection is complete at once, -1 with errno EINPROGRESS (or EALREADY
 * for an earlier attempt) while it is under way, or -1 with the error.
 * sockshim_connect_finish() collects the outcome (SO_ERROR) once the
 * socket polls writable; EINPROGRESS means "not yet".
 */
_SOCKSHIM_API int sockshim_connect_start(int, const struct sockaddr *,
    socklen_t);
_SOCKSHIM_API int sockshim_connect_finish(int);

/*
 * Wait up to timeout_ms (-1: no limit) for an attempt to finish, through
 * poll(2) when port is -1, else through the event port given.  -1 with
 * errno ETIMEDOUT when the time ran out with the attempt still pending.
 */
_SOCKSHIM_API int sockshim_connect_wait(int, int, int);

/* start + wait with poll(2), for blocking and non-blocking sockets. */
_SOCKSHIM_API int sockshim_connect_timeout(int, const struct sockaddr *,
    socklen_t, int);

/*
 * sockshim_dial(): resolve host and service, race TCP connection attempts
 * as RFC 8305 (Happy Eyeballs v2) describes and return the connected
 * socket of the first attempt that succeeds.
 */

/* sdo_flags */
#define	SOCKSHIM_DIAL_NONBLOCK	0x01	/* return the socket non-blocking */

/* Defaults and limits of sdo_attempt_delay_ms (RFC 8305 section 8). */
#define	SOCKSHIM_DIAL_DELAY_DEFAULT	250
#define	SOCKSHIM_DIAL_DELAY_MIN		10
#define	SOCKSHIM_DIAL_DELAY_MAX		2000

/* What a trace callback is told about (sde_step). */
#define	SOCKSHIM_DS_RESOLVED	1	/* sde_addr resolved, or sde_error */
#define	SOCKSHIM_DS_SOCKET	2	/* socket() gave sde_fd or sde_error */
#define	SOCKSHIM_DS_CONNECT	3	/* connect(): sde_result, sde_error */
#define	SOCKSHIM_DS_ASSOCIATE	4	/* port_associate() for sde_events */
#define	SOCKSHIM_DS_EVENT	5	/* the port delivered sde_events */
#define	SOCKSHIM_DS_SO_ERROR	6	/* SO_ERROR read: sde_error */
#define	SOCKSHIM_DS_CLOSE	7	/* sde_fd closed: failed or lost */
#define	SOCKSHIM_DS_TIMEOUT	8	/* the overall timeout expired */
#define	SOCKSHIM_DS_CONNECTED	9	/* sde_fd won */

struct sockshim_dial_event {
	int			sde_step;	/* SOCKSHIM_DS_* */
	int			sde_fd;		/* the attempt's socket or -1 */
	int			sde_family;	/* AF_INET6, AF_INET or 0 */
	int			sde_result;	/* the call's return value */
	int			sde_error;	/* errno or SO_ERROR; 0: none */
	int			sde_events;	/* poll(2) bits */
	const struct sockaddr	*sde_addr;	/* the peer, or NULL */
	socklen_t		sde_addrlen;
};

typedef void sockshim_dial_trace_t(void *, const struct sockshim_dial_event *);

/*
 * All zero (or a NULL pointer) means: both families, IPv6 first, a 250 ms
 * connection attempt delay, no overall timeout, a blocking socket.
 */
struct sockshim_dial_opts {
	int			sdo_family;	/* AF_UNSPEC, AF_INET(6) */
	int			sdo_flags;	/* SOCKSHIM_DIAL_* */
	int			sdo_attempt_delay_ms; /* 0: default */
	int			sdo_timeout_ms;	/* 0: none */
	sockshim_dial_trace_t	*sdo_trace;	/* NULL: no tracing */
	void			*sdo_trace_arg;
	void			*sdo_reserved[4]; /* must be zero */
};

_SOCKSHIM_API int sockshim_dial(const char *, const char *,
    const struct sockshim_dial_opts *);

#ifdef __cplusplus
}
#endif

#endif /* _SOCKSHIM_CONNECT_H */
