/*
 * connect(3SOCKET): a datagram socket dissolves its association by
 * connecting to a null address: NULL, a length of 0, or an AF_UNSPEC
 * address.  Not connected, that is EINVAL (illumos udp_connect()).
 */
#include "config.h"

#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* A UDP socket connected to a loopback UDP socket (*peer). */
static int
udp_pair(int *peer)
{
	struct sockaddr_in a;
	int s;

	*peer = tc_listener(SOCK_DGRAM, 0, &a);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(connect(s, (struct sockaddr *)&a, sizeof (a)), 0);
	ck_assert(tc_connected(s));
	return (s);
}

/* Dissolved: no peer, and a send without an address has nowhere to go. */
static void
assert_dissolved(int s)
{
	int rc, err;

	ck_assert(!tc_connected(s));
	CALL(rc, err, (int)send(s, "x", 1, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EDESTADDRREQ);
}

START_TEST(connect__dgram_null_dissolves)
{
	int peer, s = udp_pair(&peer), rc, err;

	CALL(rc, err, connect(s, NULL, 0));
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(err, 0);
	assert_dissolved(s);
	(void) close(s);
	(void) close(peer);
}
END_TEST

START_TEST(connect__dgram_zero_length_dissolves)
{
	int peer, s = udp_pair(&peer), rc, err;
	struct sockaddr_in any = tc_loopback(htons(9));

	CALL(rc, err, connect(s, (struct sockaddr *)&any, 0));
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(err, 0);
	assert_dissolved(s);
	(void) close(s);
	(void) close(peer);
}
END_TEST

START_TEST(connect__dgram_unspec_dissolves)
{
	int peer, s = udp_pair(&peer), rc, err;
	struct sockaddr un;

	memset(&un, 0, sizeof (un));
	un.sa_family = AF_UNSPEC;
	CALL(rc, err, connect(s, &un, sizeof (un)));
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(err, 0);
	assert_dissolved(s);
	(void) close(s);
	(void) close(peer);
}
END_TEST

START_TEST(connect__dgram_null_unconnected_einval)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc, err;

	ck_assert_int_ge(s, 0);
	CALL(rc, err, connect(s, NULL, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	(void) close(s);
}
END_TEST

START_TEST(connect__dgram_unspec_unconnected_einval)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc, err;
	struct sockaddr un;

	ck_assert_int_ge(s, 0);
	memset(&un, 0, sizeof (un));
	un.sa_family = AF_UNSPEC;
	CALL(rc, err, connect(s, &un, sizeof (un)));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	(void) close(s);
}
END_TEST

/* The socket can be associated again afterwards. */
START_TEST(connect__dgram_reconnect_after_dissolve)
{
	int peer, s = udp_pair(&peer), rc, err;
	struct sockaddr_in a;
	socklen_t sl = sizeof (a);
	char c;

	ck_assert_int_eq(connect(s, NULL, 0), 0);
	ck_assert_int_eq(getsockname(peer, (struct sockaddr *)&a, &sl), 0);
	CALL(rc, err, connect(s, (struct sockaddr *)&a, sizeof (a)));
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(send(s, "y", 1, 0), 1);
	ck_assert_int_eq(recv(peer, &c, 1, 0), 1);
	ck_assert_int_eq(c, 'y');
	(void) close(s);
	(void) close(peer);
}
END_TEST

START_TEST(connect__dgram6_null_dissolves)
{
	struct sockaddr_in6 a;
	socklen_t sl = sizeof (a);
	int peer, s, rc, err;

	peer = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&a, 0, sizeof (a));
	a.sin6_family = AF_INET6;
	a.sin6_addr = in6addr_loopback;
	if (peer < 0 || bind(peer, (struct sockaddr *)&a, sizeof (a)) != 0) {
		/* No IPv6 loopback here; the IPv4 tests cover the rule. */
		if (peer >= 0)
			(void) close(peer);
		printf("connect__dgram6_null_dissolves: skipped, "
		    "no IPv6 loopback\n");
		return;
	}
	ck_assert_int_eq(getsockname(peer, (struct sockaddr *)&a, &sl), 0);
	s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(connect(s, (struct sockaddr *)&a, sizeof (a)), 0);
	CALL(rc, err, connect(s, NULL, 0));
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(err, 0);
	assert_dissolved(s);
	(void) close(s);
	(void) close(peer);
}
END_TEST

START_TEST(connect__unix_dgram_null_dissolves)
{
	char dir[64];
	socklen_t len;
	struct sockaddr_un sun;
	int peer, s, rc, err;

	tc_mkdir(dir);
	peer = tc_unix_listener(SOCK_DGRAM, 0, dir, "peer");
	sun = tc_unix(dir, "peer", &len);
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(connect(s, (struct sockaddr *)&sun, len), 0);
	ck_assert(tc_connected(s));
	CALL(rc, err, connect(s, NULL, 0));
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(err, 0);
	ck_assert(!tc_connected(s));
	(void) close(s);
	(void) close(peer);
	tc_rmdir(dir);
}
END_TEST

/*
 * A pending socket error comes first (illumos so_connect()): here the
 * ICMP "port unreachable" for a datagram sent to a closed port.  It is
 * reported once; the next call dissolves.
 */
START_TEST(connect__dgram_null_pending_error_first)
{
	int peer, s = udp_pair(&peer), rc, err;

	(void) close(peer);
	ck_assert_int_eq(send(s, "x", 1, 0), 1);
	ck_assert_int_ne(tc_wait(s, POLLERR, 10000) & POLLERR, 0);
	CALL(rc, err, connect(s, NULL, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ECONNREFUSED);
	ck_assert(tc_connected(s));
	CALL(rc, err, connect(s, NULL, 0));
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(err, 0);
	ck_assert(!tc_connected(s));
	(void) close(s);
}
END_TEST

/*
 * A stream socket has no association to dissolve: AF_UNSPEC is an
 * unsupported family (illumos), where Linux would tear a TCP connection
 * down.
 */
START_TEST(connect__stream_unspec_eafnosupport)
{
	struct sockaddr_in a;
	struct sockaddr un;
	int l = tc_listener(SOCK_STREAM, 4, &a), s = tc_tcp(0), rc, err;

	ck_assert_int_eq(connect(s, (struct sockaddr *)&a, sizeof (a)), 0);
	memset(&un, 0, sizeof (un));
	un.sa_family = AF_UNSPEC;
	CALL(rc, err, connect(s, &un, sizeof (un)));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EAFNOSUPPORT);
	ck_assert(tc_connected(s));
	(void) close(s);
	(void) close(l);
}
END_TEST

START_TEST(connect__stream_null_einval)
{
	int s = tc_tcp(0), rc, err;

	CALL(rc, err, connect(s, NULL, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	(void) close(s);
}
END_TEST

Suite *
connect_dissolve_suite(void)
{
	Suite *s = suite_create("connect_dissolve");
	TCase *tc = tc_case("dissolve");

	tcase_add_test(tc, connect__dgram_null_dissolves);
	tcase_add_test(tc, connect__dgram_zero_length_dissolves);
	tcase_add_test(tc, connect__dgram_unspec_dissolves);
	tcase_add_test(tc, connect__dgram_null_unconnected_einval);
	tcase_add_test(tc, connect__dgram_unspec_unconnected_einval);
	tcase_add_test(tc, connect__dgram_reconnect_after_dissolve);
	tcase_add_test(tc, connect__dgram_null_pending_error_first);
	tcase_add_test(tc, connect__dgram6_null_dissolves);
	tcase_add_test(tc, connect__unix_dgram_null_dissolves);
	tcase_add_test(tc, connect__stream_unspec_eafnosupport);
	tcase_add_test(tc, connect__stream_null_einval);
	suite_add_tcase(s, tc);
	return (s);
}
