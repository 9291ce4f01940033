/*
 * connect(3SOCKET), the Linux side of the platform contract
 * (sock_internal.h): what Linux answers where illumos answers otherwise,
 * each measured on Linux 6.x (the connect reference, section 1).
 *
 *	Linux				illumos		where
 *	EAGAIN, AF_UNIX backlog full	ECONNREFUSED	unix_connect()
 *	(blocking: waits for room)	(at once)
 *	ECONNREFUSED or EACCES, the	ENOTSOCK	not_a_socket()
 *	path is not a socket
 *	ECONNABORTED, a failed attempt	a new attempt	os_connect()
 *	whose error was read
 *	EISCONN, a listening socket	EOPNOTSUPP	os_connect()
 *	EINVAL, the address family is	EAFNOSUPPORT	os_connect()
 *	not the socket's
 *	EADDRNOTAVAIL, the 4-tuple of a	EADDRINUSE	os_connect()
 *	bound stream socket is in use
 *	ENETUNREACH, IPv4-mapped	EADDRNOTAVAIL	os_connect()
 *	address on an IPV6_V6ONLY socket
 */
#include "config.h"

#define	connect	sks__system_connect_decl
#include <sys/socket.h>
#undef	connect

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "sock_internal.h"

int	connect(int, const struct sockaddr *, socklen_t);

typedef int (*connect_fn_t)(int, const struct sockaddr *, socklen_t);

static _Atomic(connect_fn_t) system_connect;

/*
 * The C library's connect(), found once: it is a cancellation point and
 * what sanitizers intercept, which a bare system call is not.  If the
 * lookup fails (or finds us), the system call is made directly.
 */
static int
raw_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	return ((int)syscall(SYS_connect, fd, sa, len));
}

__attribute__((constructor))
static void
connect_linux_init(void)
{
	connect_fn_t fn = (connect_fn_t)dlsym(RTLD_NEXT, "connect");

	if (fn == NULL || fn == connect)
		fn = raw_connect;
	atomic_store(&system_connect, fn);
}

int
sks__connect_native(int fd, const struct sockaddr *sa, socklen_t len)
{
	connect_fn_t fn = atomic_load(&system_connect);

	if (fn == NULL)		/* called before our constructor ran */
		fn = raw_connect;
	return (fn(fd, sa, len) == 0 ? 0 : errno);
}

/*
 * Linux makes a blocking AF_UNIX stream connect() wait while the
 * listener's backlog is full, and a non-blocking one fail with EAGAIN
 * with nothing in progress.  illumos refuses at once.  So the attempt is
 * made non-blocking, for this call only; the socket is not connected yet,
 * so no other call on it can see the flag in between.
 */
static int
unix_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	int err, fl, type;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return (errno);
	if (fl & O_NONBLOCK)
		return (sks__connect_native(fd, sa, len));
	if ((err = sks__int_opt(fd, SOL_SOCKET, SO_TYPE, &type)) != 0)
		return (err);
	if (type != SOCK_STREAM && type != SOCK_SEQPACKET)
		return (sks__connect_native(fd, sa, len));
	if (fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1)
		return (errno);
	err = sks__connect_native(fd, sa, len);
	(void) fcntl(fd, F_SETFL, fl);
	return (err);
}

/* For an AF_UNIX path that exists but is no socket, illumos: ENOTSOCK. */
static int
not_a_socket(const struct sockaddr *sa, socklen_t len, int err)
{
	const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;
	char path[sizeof (sun->sun_path) + 1];
	size_t n;
	struct stat st;

	if (len <= offsetof(struct sockaddr_un, sun_path) ||
	    sun->sun_path[0] == '\0')		/* abstract: no file */
		return (err);
	n = len - offsetof(struct sockaddr_un, sun_path);
	if (n > sizeof (sun->sun_path))
		n = sizeof (sun->sun_path);
	(void) memcpy(path, sun->sun_path, n);
	path[n] = '\0';
	if (stat(path, &st) == 0 && !S_ISSOCK(st.st_mode))
		return (ENOTSOCK);
	return (err);
}

static bool
sock_is(int fd, int level, int name)
{
	int v;

	return (sks__int_opt(fd, level, name, &v) == 0 && v != 0);
}

static int
sock_domain(int fd)
{
	int v;

	return (sks__int_opt(fd, SOL_SOCKET, SO_DOMAIN, &v) == 0 ? v : -1);
}

/* A stream socket the application bound to a port of its own. */
static bool
bound_stream(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof (ss);
	int type;

	if (sks__int_opt(fd, SOL_SOCKET, SO_TYPE, &type) != 0 ||
	    type != SOCK_STREAM ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		return (false);
	if (ss.ss_family == AF_INET)
		return (((struct sockaddr_in *)&ss)->sin_port != 0);
	if (ss.ss_family == AF_INET6)
		return (((struct sockaddr_in6 *)&ss)->sin6_port != 0);
	return (false);
}

static bool
v4mapped_on_v6only(int fd, const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

	return (sa->sa_family == AF_INET6 && len >= sizeof (*sin6) &&
	    IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr) &&
	    sock_is(fd, IPPROTO_IPV6, IPV6_V6ONLY));
}

int
sks__connect_os(int fd, const struct sockaddr *sa, socklen_t len)
{
	int dom, fam, err;

	fam = (sa != NULL && len >= sizeof (sa_family_t)) ?
	    sa->sa_family : AF_UNSPEC;
	if (fam == AF_UNIX)
		err = unix_connect(fd, sa, len);
	else
		err = sks__connect_native(fd, sa, len);

	switch (err) {
	case ECONNABORTED:
		/*
		 * The last attempt failed and its error was read (SO_ERROR)
		 * before this call; Linux has now forgotten the attempt.
		 * illumos starts a new one (tcp_clean_death()), and so does
		 * a second call here.
		 */
		return (sks__connect_native(fd, sa, len));
	case EAGAIN:
		return (fam == AF_UNIX ? ECONNREFUSED : err);
	case ECONNREFUSED:
	case EACCES:
		return (fam == AF_UNIX ? not_a_socket(sa, len, err) : err);
	case EISCONN:
		return (sock_is(fd, SOL_SOCKET, SO_ACCEPTCONN) ?
		    EOPNOTSUPP : err);
	case EINVAL:
		dom = sock_domain(fd);
		return (fam != AF_UNSPEC && dom != -1 && dom != fam ?
		    EAFNOSUPPORT : err);
	case EADDRNOTAVAIL:
		/*
		 * A bound port means no ephemeral port was wanted, so the
		 * only cause left is a connection with the same four
		 * addresses (illumos ipcl_conn_insert(): EADDRINUSE).
		 */
		return (bound_stream(fd) ? EADDRINUSE : err);
	case ENETUNREACH:
		/* illumos udp_do_connect()/tcp: EADDRNOTAVAIL. */
		return (v4mapped_on_v6only(fd, sa, len) ? EADDRNOTAVAIL : err);
	default:
		return (err);
	}
}

static int
connect_unspec(int fd)
{
	struct sockaddr sa;

	(void) memset(&sa, 0, sizeof (sa));
	sa.sa_family = AF_UNSPEC;
	return (sks__connect_native(fd, &sa, sizeof (sa)));
}

/* Linux dissolves with an AF_UNSPEC address (it rejects a null one). */
int
sks__connect_dissolve(int fd)
{
	return (connect_unspec(fd));
}

/*
 * Linux connects a socket again after a failure, once the failed
 * attempt is forgotten: an AF_UNSPEC connect does that.  When it aborts
 * an attempt that was still in SYN-SENT (an ICMP error leaves it there),
 * Linux posts ECONNRESET as the socket error, which belongs to the old
 * attempt and is dropped here.
 */
int
sks__connect_reset(int fd)
{
	int err, val;

	err = connect_unspec(fd);
	(void) sks__so_error(fd, &val);
	return (err);
}
