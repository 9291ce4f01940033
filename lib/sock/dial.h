/*
 * Internals of the async-connect helpers and the Happy Eyeballs dialer
 * (<sockshim/connect.h>).
 *
 * Internal functions return 0 or an errno value; the exported sockshim_*
 * wrappers turn that into -1/errno.  Names carry the sks__ prefix.
 */
#ifndef SKS_DIAL_H
#define	SKS_DIAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netdb.h>

#include <sockshim/connect.h>

/* dial_connect.c: one attempt on a caller's socket. */

/*
 * 0: connected; EINPROGRESS (also after EINTR) or EALREADY: under way;
 * anything else: failed.  Never blocks; the fd's O_NONBLOCK is kept.
 */
int	sks__dial_start(int, const struct sockaddr *, socklen_t);

/*
 * 0: connected; EINPROGRESS: still under way; ENOTCONN: no attempt and
 * no error pending; else the SO_ERROR value or getsockopt's errno.  With
 * so_error non-NULL, SO_ERROR is always read and its value stored there
 * (-1 if it could not be read); with NULL, a connected socket is
 * recognised by getpeername() alone.
 */
int	sks__dial_finish(int, int *);

/* Wait up to timeout_ms (-1: forever) via poll(2) or the port given. */
int	sks__dial_wait(int, int, int);

/* Monotonic clock in nanoseconds, and the conversions the waits need. */
int64_t	sks__dial_now_ns(void);
int	sks__dial_poll_ms(int64_t);
struct timespec sks__dial_ts(int64_t);

/* dial_resolve.c: getaddrinfo(3SOCKET) on worker threads. */

struct sks__dial_resolver;

/*
 * Look host/service up once per family in families[0..n-1] (AF_INET6,
 * AF_INET), each on its own detached thread.  When a lookup finishes the
 * thread sends a PORT_SOURCE_USER event to port, unless the resolver was
 * abandoned first.  The port is only a wake-up: sks__dial_resolve_take() tells
 * what has finished.
 */
int	sks__dial_resolve_start(struct sks__dial_resolver **, const char *,
	    const char *, const int *, int, int);

/*
 * Take the result of family's lookup: EINPROGRESS while it runs, else 0
 * with *res (the caller frees it) or the lookup's errno (see
 * sks__dial_gai_errno).  A result is handed out once; later calls say EALREADY.
 */
int	sks__dial_resolve_take(struct sks__dial_resolver *, int,
	    struct addrinfo **);

/*
 * Give up on the lookups: no more events are sent to the port after this
 * returns, and the last thread to finish frees everything.
 */
void	sks__dial_resolve_abandon(struct sks__dial_resolver *);

/* getaddrinfo's EAI_* code (and errno for EAI_SYSTEM) as an errno value. */
int	sks__dial_gai_errno(int, int);

/* dial_he.c */
int	sks__dial(const char *, const char *,
	    const struct sockshim_dial_opts *, int *);

#endif /* SKS_DIAL_H */
