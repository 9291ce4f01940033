/*
 * connect(3SOCKET): the errno values of the man page that a loopback test
 * can produce, with the value illumos documents; SOCKSHIM_CONNECT_NATIVE;
 * and the in-place re-creation used where a kernel refuses to connect a
 * socket again.
 */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "../../lib/sock/sock_internal.h"

extern char **environ;

static void
assert_connect(int s, const void *sa, socklen_t len, int want)
{
	int rc, err;

	CALL(rc, err, connect(s, (const struct sockaddr *)sa, len));
	ck_assert_int_eq(rc, want == 0 ? 0 : -1);
	ck_assert_int_eq(err, want);
}

static struct sockaddr_in6
v6(const char *addr, in_port_t port)
{
	struct sockaddr_in6 sin6;

	memset(&sin6, 0, sizeof (sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = port;
	ck_assert_int_eq(inet_pton(AF_INET6, addr, &sin6.sin6_addr), 1);
	return (sin6);
}

START_TEST(connect__ebadf)
{
	struct sockaddr_in a = tc_loopback(htons(9));
	int s = tc_tcp(0);

	assert_connect(-1, &a, sizeof (a), EBADF);
	(void) close(s);
	assert_connect(s, &a, sizeof (a), EBADF);
}
END_TEST

START_TEST(connect__enotsock)
{
	struct sockaddr_in a = tc_loopback(htons(9));
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	assert_connect(p[0], &a, sizeof (a), ENOTSOCK);
	/* Also for a null address: the descriptor is checked first. */
	assert_connect(p[0], NULL, 0, ENOTSOCK);
	(void) close(p[0]);
	(void) close(p[1]);
}
END_TEST

/* An AF_INET socket given an IPv6 address: Linux agrees. */
START_TEST(connect__inet_sockaddr_in6_eafnosupport)
{
	struct sockaddr_in6 a = v6("::1", htons(9));
	int s = tc_tcp(0);

	assert_connect(s, &a, sizeof (a), EAFNOSUPPORT);
	(void) close(s);
}
END_TEST

/* An AF_INET6 socket given an IPv4 address: Linux says EINVAL. */
START_TEST(connect__inet6_sockaddr_in_eafnosupport)
{
	struct sockaddr_in a = tc_loopback(htons(9));
	int s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(s, 0);
	assert_connect(s, &a, sizeof (a), EAFNOSUPPORT);
	(void) close(s);
}
END_TEST

/* An AF_UNIX socket given an IPv4 address: Linux says EINVAL. */
START_TEST(connect__unix_sockaddr_in_eafnosupport)
{
	struct sockaddr_in a = tc_loopback(htons(9));
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(s, 0);
	assert_connect(s, &a, sizeof (a), EAFNOSUPPORT);
	(void) close(s);
}
END_TEST

START_TEST(connect__short_sockaddr_in_einval)
{
	struct sockaddr_in a = tc_loopback(htons(9));
	int s = tc_tcp(0);

	assert_connect(s, &a, sizeof (a) - 1, EINVAL);
	(void) close(s);
}
END_TEST

/* Linux accepts the 24-byte RFC 2133 sockaddr_in6; illumos does not. */
START_TEST(connect__short_sockaddr_in6_einval)
{
	struct sockaddr_in6 a = v6("::1", htons(9));
	int s = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(s, 0);
	assert_connect(s, &a, 24, EINVAL);
	(void) close(s);
}
END_TEST

/*
 * A second socket bound to the same address and port (SO_REUSEADDR)
 * connecting to the same peer: the four addresses are in use.  illumos
 * (ipcl_conn_insert()): EADDRINUSE; Linux: EADDRNOTAVAIL.
 */
START_TEST(connect__same_four_tuple_eaddrinuse)
{
	struct sockaddr_in a, src = tc_loopback(0);
	socklen_t sl = sizeof (src);
	int l = tc_listener(SOCK_STREAM, 4, &a), one = 1;
	int s1 = tc_tcp(0), s2 = tc_tcp(0);

	ck_assert_int_eq(setsockopt(s1, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof (one)), 0);
	ck_assert_int_eq(setsockopt(s2, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof (one)), 0);
	ck_assert_int_eq(bind(s1, (struct sockaddr *)&src, sizeof (src)), 0);
	ck_assert_int_eq(getsockname(s1, (struct sockaddr *)&src, &sl), 0);
	assert_connect(s1, &a, sizeof (a), 0);
	ck_assert_int_eq(bind(s2, (struct sockaddr *)&src, sizeof (src)), 0);
	assert_connect(s2, &a, sizeof (a), EADDRINUSE);
	(void) close(s1);
	(void) close(s2);
	(void) close(l);
}
END_TEST

/* Port 0 (illumos: TBADADDR).  Linux sends a SYN to port 0. */
START_TEST(connect__tcp_port0_eaddrnotavail)
{
	struct sockaddr_in a = tc_loopback(0);
	int s = tc_tcp(0);

	assert_connect(s, &a, sizeof (a), EADDRNOTAVAIL);
	(void) close(s);
}
END_TEST

/* Linux "connects" UDP to port 0 and sends nowhere. */
START_TEST(connect__udp_port0_eaddrnotavail)
{
	struct sockaddr_in a = tc_loopback(0);
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(s, 0);
	assert_connect(s, &a, sizeof (a), EADDRNOTAVAIL);
	ck_assert(!tc_connected(s));
	(void) close(s);
}
END_TEST

/*
 * An IPv4-mapped address on an IPV6_V6ONLY socket.  illumos
 * (udp_do_connect(), tcp): EADDRNOTAVAIL; Linux: ENETUNREACH.
 */
static void
v4mapped_v6only(int type)
{
	struct sockaddr_in6 a = v6("::ffff:127.0.0.1", htons(9));
	int s = socket(AF_INET6, type | SOCK_CLOEXEC, 0), one = 1;

	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one,
	    sizeof (one)), 0);
	assert_connect(s, &a, sizeof (a), EADDRNOTAVAIL);
	(void) close(s);
}

START_TEST(connect__tcp_v4mapped_v6only_eaddrnotavail)
{
	v4mapped_v6only(SOCK_STREAM);
}
END_TEST

START_TEST(connect__udp_v4mapped_v6only_eaddrnotavail)
{
	v4mapped_v6only(SOCK_DGRAM);
}
END_TEST

/*
 * SOCKSHIM_CONNECT_NATIVE=1 turns the normalisation off.  The probes run
 * in a new process, as the variable is read when the library loads:
 * "null" dissolves a UDP association with a null address (Linux: EINVAL),
 * "async" connects again after an asynchronous success (Linux: 0).  Each
 * exits with 0 or the errno connect() set.
 */
/* Plain calls only: Check's assertions work only inside a test. */
static int
probe_listener(int type, struct sockaddr_in *a)
{
	socklen_t sl = sizeof (*a);
	int l = socket(AF_INET, type, 0);

	*a = tc_loopback(0);
	if (l < 0 || bind(l, (struct sockaddr *)a, sizeof (*a)) != 0 ||
	    getsockname(l, (struct sockaddr *)a, &sl) != 0 ||
	    (type == SOCK_STREAM && listen(l, 4) != 0))
		exit(100);
	return (l);
}

int
connect_probe(const char *name)
{
	struct sockaddr_in a;
	struct pollfd p;
	int l, s, rc, err, v;
	socklen_t sl = sizeof (v);

	if (strcmp(name, "null") == 0) {
		l = probe_listener(SOCK_DGRAM, &a);
		s = socket(AF_INET, SOCK_DGRAM, 0);
		if (connect(s, (struct sockaddr *)&a, sizeof (a)) != 0)
			return (101);
		rc = connect(s, NULL, 0);
	} else {
		l = probe_listener(SOCK_STREAM, &a);
		s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		p.fd = s;
		p.events = POLLOUT;
		if (connect(s, (struct sockaddr *)&a, sizeof (a)) == 0 ||
		    errno != EINPROGRESS || poll(&p, 1, 10000) != 1 ||
		    getsockopt(s, SOL_SOCKET, SO_ERROR, &v, &sl) != 0 ||
		    v != 0)
			return (102);
		rc = connect(s, (struct sockaddr *)&a, sizeof (a));
	}
	err = errno;
	(void) close(s);
	(void) close(l);
	return (rc == 0 ? 0 : err);
}

static int
run_probe(const char *name, const char *native)
{
	char *argv[] = { "check_connect", "--probe", (char *)name, NULL };
	char **env, var[64];
	size_t n = 0, i, j = 0;
	pid_t pid;
	int status;

	while (environ[n] != NULL)
		n++;
	env = calloc(n + 2, sizeof (*env));
	ck_assert_ptr_nonnull(env);
	for (i = 0; i < n; i++) {
		if (strncmp(environ[i], "SOCKSHIM_CONNECT_NATIVE=", 24) != 0)
			env[j++] = environ[i];
	}
	if (native != NULL) {
		(void) snprintf(var, sizeof (var), "SOCKSHIM_CONNECT_NATIVE=%s",
		    native);
		env[j++] = var;
	}
	env[j] = NULL;
	ck_assert_int_eq(posix_spawn(&pid, "/proc/self/exe", NULL, NULL,
	    argv, env), 0);
	free(env);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return (WEXITSTATUS(status));
}

START_TEST(connect__native_env_null_einval)
{
	ck_assert_int_eq(run_probe("null", "1"), EINVAL);
	ck_assert_int_eq(run_probe("null", NULL), 0);
	ck_assert_int_eq(run_probe("null", "0"), 0);
}
END_TEST

START_TEST(connect__native_env_async_zero)
{
	ck_assert_int_eq(run_probe("async", "1"), 0);
	ck_assert_int_eq(run_probe("async", NULL), EISCONN);
}
END_TEST

/*
 * The re-creation used where the kernel will not connect a socket again
 * (the BSDs): same fd number, a new socket, the flags and options kept,
 * and it connects.
 */
START_TEST(connect__recreate_keeps_fd_and_options)
{
	struct sockaddr_in a, closed = tc_closed_port();
	int l = tc_listener(SOCK_STREAM, 4, &a), s = tc_tcp(1), one = 1, v;
	socklen_t sl = sizeof (v);
	struct stat before, after;

	ck_assert_int_eq(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one,
	    sizeof (one)), 0);
	ck_assert_int_eq(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof (one)), 0);
	assert_connect(s, &closed, sizeof (closed), EINPROGRESS);
	ck_assert_int_ne(tc_wait(s, POLLOUT, 10000), 0);
	ck_assert_int_eq(tc_soerror(s), ECONNREFUSED);
	ck_assert_int_eq(fstat(s, &before), 0);

	ck_assert_int_eq(sks__sock_recreate(s, NULL, 0), 0);
	ck_assert_int_eq(fstat(s, &after), 0);
	ck_assert(S_ISSOCK(after.st_mode));
	ck_assert(before.st_ino != after.st_ino);
	ck_assert_int_ne(fcntl(s, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_ne(fcntl(s, F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_eq(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, &sl), 0);
	ck_assert_int_eq(v, 1);
	sl = sizeof (v);
	ck_assert_int_eq(getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &sl), 0);
	ck_assert_int_eq(v, 1);
	ck_assert(!tc_connected(s));

	assert_connect(s, &a, sizeof (a), EINPROGRESS);
	ck_assert_int_ne(tc_wait(s, POLLOUT, 10000) & POLLOUT, 0);
	ck_assert_int_eq(tc_soerror(s), 0);
	assert_connect(s, &a, sizeof (a), EISCONN);
	(void) close(s);
	(void) close(l);
}
END_TEST

START_TEST(connect__recreate_rebinds)
{
	struct sockaddr_in src = tc_loopback(0), now;
	socklen_t sl = sizeof (src);
	int s = tc_tcp(0), one = 1;

	ck_assert_int_eq(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof (one)), 0);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&src, sizeof (src)), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&src, &sl), 0);
	ck_assert_int_eq(sks__sock_recreate(s, (struct sockaddr *)&src,
	    sizeof (src)), 0);
	sl = sizeof (now);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&now, &sl), 0);
	ck_assert_int_eq(now.sin_port, src.sin_port);
	ck_assert_int_eq(now.sin_addr.s_addr, src.sin_addr.s_addr);
	ck_assert_int_eq(fcntl(s, F_GETFL) & O_NONBLOCK, 0);
	(void) close(s);
}
END_TEST

Suite *
connect_errno_suite(void)
{
	Suite *s = suite_create("connect_errno");
	TCase *tc = tc_case("errno");

	tcase_add_test(tc, connect__ebadf);
	tcase_add_test(tc, connect__enotsock);
	tcase_add_test(tc, connect__inet_sockaddr_in6_eafnosupport);
	tcase_add_test(tc, connect__inet6_sockaddr_in_eafnosupport);
	tcase_add_test(tc, connect__unix_sockaddr_in_eafnosupport);
	tcase_add_test(tc, connect__short_sockaddr_in_einval);
	tcase_add_test(tc, connect__short_sockaddr_in6_einval);
	tcase_add_test(tc, connect__same_four_tuple_eaddrinuse);
	tcase_add_test(tc, connect__tcp_port0_eaddrnotavail);
	tcase_add_test(tc, connect__udp_port0_eaddrnotavail);
	tcase_add_test(tc, connect__tcp_v4mapped_v6only_eaddrnotavail);
	tcase_add_test(tc, connect__udp_v4mapped_v6only_eaddrnotavail);
	suite_add_tcase(s, tc);

	tc = tc_case("native");
	tcase_add_test(tc, connect__native_env_null_einval);
	tcase_add_test(tc, connect__native_env_async_zero);
	suite_add_tcase(s, tc);

	tc = tc_case("recreate");
	tcase_add_test(tc, connect__recreate_keeps_fd_and_options);
	tcase_add_test(tc, connect__recreate_rebinds);
	suite_add_tcase(s, tc);
	return (s);
}
