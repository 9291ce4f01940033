/*
 * connect(3SOCKET), the platform contract (sock_internal.h) for systems
 * other than Linux: the BSDs and macOS.  NOT YET RUN ON ANY OF THEM: it
 * follows the connect reference (section 1), which was read from their
 * sources, and it must be confirmed by the test suite in CI on each
 * before a release claims the platform.
 *
 *	platform			illumos		here
 *	connecting a socket again after	a new attempt	sks__connect_reset():
 *	a failed attempt: EINVAL			a new socket in place
 *	AF_UNSPEC dissolves a datagram	(null address)	dissolve, and drop
 *	association, then reports			the error
 *	EAFNOSUPPORT or EINVAL
 *
 * Known gap: a socket re-created after a failure loses an explicit
 * bind(), which these kernels do not let us tell from the ephemeral port
 * the failed attempt took.
 */
#include "config.h"

#define	connect	sks__system_connect_decl
#include <sys/socket.h>
#undef	connect

#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "sock_internal.h"

int	connect(int, const struct sockaddr *, socklen_t);

typedef int (*connect_fn_t)(int, const struct sockaddr *, socklen_t);

static _Atomic(connect_fn_t) system_connect;

static connect_fn_t
lookup(void)
{
	connect_fn_t fn = (connect_fn_t)dlsym(RTLD_NEXT, "connect");

	if (fn == connect)
		fn = NULL;
	return (fn);
}

__attribute__((constructor))
static void
connect_posix_init(void)
{
	atomic_store(&system_connect, lookup());
}

int
sks__connect_native(int fd, const struct sockaddr *sa, socklen_t len)
{
	connect_fn_t fn = atomic_load(&system_connect);

	if (fn == NULL && (fn = lookup()) == NULL)
		return (ENOSYS);
	return (fn(fd, sa, len) == 0 ? 0 : errno);
}

int
sks__connect_os(int fd, const struct sockaddr *sa, socklen_t len)
{
	return (sks__connect_native(fd, sa, len));
}

int
sks__connect_dissolve(int fd)
{
	struct sockaddr sa;
	int err;

	(void) memset(&sa, 0, sizeof (sa));
	sa.sa_family = AF_UNSPEC;
	err = sks__connect_native(fd, &sa, sizeof (sa));
	/* The association is gone even when these are reported. */
	if (err == EAFNOSUPPORT || err == EINVAL)
		err = 0;
	return (err);
}

int
sks__connect_reset(int fd)
{
	return (sks__sock_recreate(fd, NULL, 0));
}
