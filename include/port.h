/*
 * <port.h> - illumos event ports on Linux and other POSIX systems.
 *
 * The functions keep the illumos prototypes (usr/src/head/port.h), including
 * the non-const timeout of port_get() and port_getn().  See port_create(3C).
 */
#ifndef _PORT_H
#define	_PORT_H

#include <sys/types.h>
#include <sys/port.h>
#include <errno.h>
#include <poll.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * errno values that illumos has and some systems lack.  The fallbacks stay
 * clear of every errno the host defines, so the library and its callers agree.
 */
#ifndef ETIME
#define	ETIME		10062
#endif
#ifndef EBADFD
#define	EBADFD		10081
#endif

/*
 * sigev_notify for timer_create(3C) with event-port notification.  illumos'
 * value, 4, is SIGEV_THREAD_ID on Linux and FreeBSD; this private value is
 * none of the host's SIGEV_* and the kernel refuses it, so only
 * libsocket's timer_create() honours it.
 */
#ifndef SIGEV_PORT
#define	SIGEV_PORT	0x504f
#endif

/*
 * The illumos <netinet/in.h> macros for IPv4-mapped addresses: the
 * connect(3SOCKET) example uses IN6_INADDR_TO_V4MAPPED beside <port.h>.
 */
#include <sockshim/in6_map.h>

#if defined(__GNUC__) && !defined(__sun)
#define	_SOCKSHIM_API	__attribute__((visibility("default")))
#else
#define	_SOCKSHIM_API
#endif

_SOCKSHIM_API int port_create(void);
_SOCKSHIM_API int port_associate(int, int, uintptr_t, int, void *);
_SOCKSHIM_API int port_dissociate(int, int, uintptr_t);
_SOCKSHIM_API int port_send(int, int, void *);
_SOCKSHIM_API int port_sendn(int [], int [], uint_t, int, void *);
_SOCKSHIM_API int port_get(int, port_event_t *, struct timespec *);
_SOCKSHIM_API int port_getn(int, port_event_t [], uint_t, uint_t *,
    struct timespec *);
_SOCKSHIM_API int port_alert(int, int, int, void *);

#ifdef __cplusplus
}
#endif

#endif /* _PORT_H */
