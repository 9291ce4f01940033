/*
 * connect(3SOCKET) errors that need a network: run only inside the
 * namespaces tests/connect/netns.sh builds (as root), which passes the
 * addresses in the environment:
 *
 *	SKS_NETNS_DROP		behind a router that drops everything
 *	SKS_NETNS_REJECT	behind a router that answers "host
 *				unreachable" (an `unreachable' route)
 *	SKS_NETNS_NOROUTE	no route at all
 *	SKS_NETNS_LOCAL		our own address; the namespace's ephemeral
 *				port range is one port wide
 *
 * The script also sets net.ipv4.tcp_syn_retries=1 in our namespace, so a
 * dropped SYN times out in about 3 s.
 */
#include "config.h"

#include <arpa/inet.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define	WAIT_MS	20000		/* a timeout takes 3 s here */

static struct sockaddr_in
env_addr(const char *var, in_port_t port)
{
	struct sockaddr_in a = tc_loopback(port);
	const char *v = getenv(var);

	ck_assert_msg(v != NULL, "%s is not set (run netns.sh)", var);
	ck_assert_int_eq(inet_pton(AF_INET, v, &a.sin_addr), 1);
	return (a);
}

static void
assert_connect(int s, const struct sockaddr_in *a, int want)
{
	int rc, err;

	CALL(rc, err, connect(s, (const struct sockaddr *)a, sizeof (*a)));
	ck_assert_int_eq(rc, want == 0 ? 0 : -1);
	ck_assert_int_eq(err, want);
}

/* A missing route fails at once, in either mode, TCP or UDP. */
START_TEST(connect__netns_no_route_enetunreach)
{
	struct sockaddr_in a = env_addr("SKS_NETNS_NOROUTE", htons(80));
	int b = tc_tcp(0), n = tc_tcp(1);
	int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(u, 0);
	assert_connect(b, &a, ENETUNREACH);
	assert_connect(n, &a, ENETUNREACH);
	assert_connect(u, &a, ENETUNREACH);
	(void) close(b);
	(void) close(n);
	(void) close(u);
}
END_TEST

START_TEST(connect__netns_reject_ehostunreach)
{
	struct sockaddr_in a = env_addr("SKS_NETNS_REJECT", htons(80));
	int s = tc_tcp(0);

	assert_connect(s, &a, EHOSTUNREACH);
	(void) close(s);
}
END_TEST

/* Asynchronously: reported once by connect(), then a new attempt. */
START_TEST(connect__netns_reject_async_ehostunreach)
{
	struct sockaddr_in a = env_addr("SKS_NETNS_REJECT", htons(80));
	int s = tc_tcp(1);

	assert_connect(s, &a, EINPROGRESS);
	ck_assert_int_ne(tc_wait(s, POLLOUT, WAIT_MS), 0);
	assert_connect(s, &a, EHOSTUNREACH);
	ck_assert_int_eq(tc_soerror(s), 0);
	assert_connect(s, &a, EINPROGRESS);
	(void) close(s);
}
END_TEST

/*
 * Read with SO_ERROR instead.  Linux keeps the attempt in SYN-SENT after
 * the ICMP error (a second connect() would say EALREADY there); the
 * program has had its answer, so connect() starts a new attempt.
 */
START_TEST(connect__netns_reject_soerror_then_retry)
{
	struct sockaddr_in a = env_addr("SKS_NETNS_REJECT", htons(80));
	int s = tc_tcp(1);

	assert_connect(s, &a, EINPROGRESS);
	ck_assert_int_ne(tc_wait(s, POLLOUT, WAIT_MS), 0);
	ck_assert_int_eq(tc_soerror(s), EHOSTUNREACH);
	assert_connect(s, &a, EINPROGRESS);
	(void) close(s);
}
END_TEST

START_TEST(connect__netns_drop_etimedout)
{
	struct sockaddr_in a = env_addr("SKS_NETNS_DROP", htons(80));
	int s = tc_tcp(0);

	assert_connect(s, &a, ETIMEDOUT);
	(void) close(s);
}
END_TEST

START_TEST(connect__netns_drop_async_etimedout)
{
	struct sockaddr_in a = env_addr("SKS_NETNS_DROP", htons(80));
	int s = tc_tcp(1);

	assert_connect(s, &a, EINPROGRESS);
	assert_connect(s, &a, EALREADY);
	ck_assert_int_ne(tc_wait(s, POLLOUT, WAIT_MS), 0);
	ck_assert_int_eq(tc_soerror(s), ETIMEDOUT);
	/* Linux alone would say ECONNABORTED here. */
	assert_connect(s, &a, EINPROGRESS);
	(void) close(s);
}
END_TEST

/*
 * No ephemeral port left (the range is one port, and it is taken for
 * this peer): EADDRNOTAVAIL, as illumos (tcp_bindi() fails: TNOADDR).
 */
START_TEST(connect__netns_ports_exhausted_eaddrnotavail)
{
	struct sockaddr_in a = env_addr("SKS_NETNS_LOCAL", htons(5000));
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	int s1 = tc_tcp(0), s2 = tc_tcp(0);

	ck_assert_int_ge(l, 0);
	ck_assert_int_eq(setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof (one)), 0);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&a, sizeof (a)), 0);
	ck_assert_int_eq(listen(l, 4), 0);
	assert_connect(s1, &a, 0);
	assert_connect(s2, &a, EADDRNOTAVAIL);
	(void) close(s1);
	(void) close(s2);
	(void) close(l);
}
END_TEST

Suite *
connect_netns_suite(void)
{
	Suite *s = suite_create("connect_netns");
	TCase *tc = tc_case("netns");

	tcase_add_test(tc, connect__netns_no_route_enetunreach);
	tcase_add_test(tc, connect__netns_reject_ehostunreach);
	tcase_add_test(tc, connect__netns_reject_async_ehostunreach);
	tcase_add_test(tc, connect__netns_reject_soerror_then_retry);
	tcase_add_test(tc, connect__netns_drop_etimedout);
	tcase_add_test(tc, connect__netns_drop_async_etimedout);
	tcase_add_test(tc, connect__netns_ports_exhausted_eaddrnotavail);
	suite_add_tcase(s, tc);
	return (s);
}
