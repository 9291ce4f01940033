/*
 * Happy Eyeballs in a network namespace made by tests/dial/netns.sh.
 *
 * There, 2001:db8:dead::/64 is routed to a neighbour that never answers,
 * so a connect to it stays pending (a dead IPv6 address), and the hosts
 * file, which `ip netns exec` mounts over /etc/hosts, has:
 *   sks-dial-dual   2001:db8:dead::1, 127.0.0.1
 *   sks-dial-both   ::1, 127.0.0.1
 *   sks-dial-order  2001:db8:dead::1, 2001:db8:dead::2, 127.0.0.3, 127.0.0.4
 *   sks-dial-dead6  2001:db8:dead::1
 * This suite runs only there (SKS_DIAL_NETNS=1).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "dialtest.h"

static int
peer_family(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof (ss);

	ck_assert_int_eq(getpeername(fd, (struct sockaddr *)&ss, &len), 0);
	return (ss.ss_family);
}

/* The address of trace entry i, as text. */
static const char *
addr_text(const struct dt_trace *t, int i, char *buf, size_t size)
{
	const struct sockaddr *sa = t->t_ev[i].sde_addr;

	ck_assert_ptr_nonnull(sa);
	if (sa->sa_family == AF_INET6)
		return (inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, size));
	return (inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
	    buf, size));
}

START_TEST(sockshim_dial__ipv4_fallback_after_attempt_delay)
{
	struct dt_trace t = { 0 };
	struct sockshim_dial_opts o = {
		.sdo_attempt_delay_ms = 100,
		.sdo_trace = dt_trace_cb, .sdo_trace_arg = &t
	};
	struct dt_peer srv;
	long long t0;
	int fd, i6, i4, ic, fd6, rc, err;

	dt_listener(&srv, AF_INET);
	t0 = harness_now_ms();
	fd = sockshim_dial("sks-dial-dual", srv.p_port, &o);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(harness_now_ms() - t0, 100);
	ck_assert_int_eq(peer_family(fd), AF_INET);
	/* IPv6 went first and was still pending when IPv4 started. */
	i6 = dt_trace_find(&t, SOCKSHIM_DS_SOCKET, 0, 0);
	ck_assert_int_eq(t.t_ev[i6].sde_family, AF_INET6);
	fd6 = t.t_ev[i6].sde_fd;
	ck_assert_int_eq(t.t_ev[i6 + 1].sde_step, SOCKSHIM_DS_CONNECT);
	ck_assert_int_eq(t.t_ev[i6 + 1].sde_error, EINPROGRESS);
	i4 = dt_trace_find(&t, SOCKSHIM_DS_SOCKET, AF_INET, i6);
	ck_assert_int_gt(i4, i6);
	/*
	 * The trace stamps the IPv6 socket a moment after the dialer read
	 * its clock to schedule IPv4, and stamps are whole milliseconds:
	 * the gap it shows may be 1 ms short of the real one.
	 */
	ck_assert_int_ge(t.t_ms[i4] - t.t_ms[i6], 100 - 1);
	/* The loser was closed, as a loser (no error). */
	ic = dt_trace_find(&t, SOCKSHIM_DS_CLOSE, AF_INET6, i4);
	ck_assert_int_gt(ic, i4);
	ck_assert_int_eq(t.t_ev[ic].sde_fd, fd6);
	ck_assert_int_eq(t.t_ev[ic].sde_error, 0);
	ck_assert_int_ne(fd6, fd);
	CALL(rc, err, fcntl(fd6, F_GETFD));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_dial__default_attempt_delay_250ms)
{
	struct dt_trace t = { 0 };
	struct sockshim_dial_opts o = {
		.sdo_trace = dt_trace_cb, .sdo_trace_arg = &t
	};
	struct dt_peer srv;
	int fd, i6, i4;

	dt_listener(&srv, AF_INET);
	fd = sockshim_dial("sks-dial-dual", srv.p_port, &o);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(peer_family(fd), AF_INET);
	i6 = dt_trace_find(&t, SOCKSHIM_DS_SOCKET, AF_INET6, 0);
	i4 = dt_trace_find(&t, SOCKSHIM_DS_SOCKET, AF_INET, 0);
	ck_assert_int_ge(i6, 0);
	ck_assert_int_gt(i4, i6);
	ck_assert_int_ge(t.t_ms[i4] - t.t_ms[i6], 250 - 1);	/* see above */
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

/* Both work: IPv6 wins and IPv4 is never tried. */
START_TEST(sockshim_dial__ipv6_preferred)
{
	struct dt_trace t = { 0 };
	struct sockshim_dial_opts o = {
		.sdo_attempt_delay_ms = SOCKSHIM_DIAL_DELAY_MAX,
		.sdo_trace = dt_trace_cb, .sdo_trace_arg = &t
	};
	struct dt_peer srv4, srv6;
	int fd;

	dt_listener(&srv4, AF_INET);
	dt_listener_also(&srv6, AF_INET6, &srv4);
	fd = sockshim_dial("sks-dial-both", srv4.p_port, &o);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(peer_family(fd), AF_INET6);
	ck_assert_int_eq(dt_trace_count(&t, SOCKSHIM_DS_SOCKET, AF_INET6), 1);
	ck_assert_int_eq(dt_trace_count(&t, SOCKSHIM_DS_SOCKET, AF_INET), 0);
	(void) close(fd);
	dt_close(&srv6);
	dt_close(&srv4);
}
END_TEST

START_TEST(sockshim_dial__family_inet_skips_ipv6)
{
	struct dt_trace t = { 0 };
	struct sockshim_dial_opts o = {
		.sdo_family = AF_INET,
		.sdo_trace = dt_trace_cb, .sdo_trace_arg = &t
	};
	struct dt_peer srv;
	int fd;

	dt_listener(&srv, AF_INET);
	fd = sockshim_dial("sks-dial-dual", srv.p_port, &o);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(peer_family(fd), AF_INET);
	ck_assert_int_eq(dt_trace_count(&t, SOCKSHIM_DS_RESOLVED, AF_INET6), 0);
	ck_assert_int_eq(dt_trace_count(&t, SOCKSHIM_DS_SOCKET, AF_INET6), 0);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

/*
 * Families alternate, IPv6 first, each family in getaddrinfo's order.
 * (The IPv4 addresses refuse, so their failures start the next attempts;
 * the IPv6 ones stay pending until the timeout.)
 */
START_TEST(sockshim_dial__interleaves_families)
{
	static const char *const want[] = {
		"2001:db8:dead::1", "127.0.0.3", "2001:db8:dead::2", "127.0.0.4"
	};
	struct dt_trace t = { 0 };
	struct sockshim_dial_opts o = {
		.sdo_attempt_delay_ms = 100, .sdo_timeout_ms = 1000,
		.sdo_trace = dt_trace_cb, .sdo_trace_arg = &t
	};
	struct dt_peer srv;
	char buf[INET6_ADDRSTRLEN];
	int fd, err, i = 0;

	dt_refuser(&srv, AF_INET);
	CALL(fd, err, sockshim_dial("sks-dial-order", srv.p_port, &o));
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(err, ETIMEDOUT);
	ck_assert_int_eq(dt_trace_count(&t, SOCKSHIM_DS_CONNECT, 0), 4);
	for (int n = 0; n < 4; n++, i++) {
		i = dt_trace_find(&t, SOCKSHIM_DS_CONNECT, 0, i);
		ck_assert_str_eq(addr_text(&t, i, buf, sizeof (buf)), want[n]);
	}
	dt_close(&srv);
}
END_TEST

/*
 * A failed attempt starts the next one at once: with an attempt delay
 * longer than the timeout, IPv4 is reached only because the refused
 * IPv6 attempt did not wait for the delay.
 */
START_TEST(sockshim_dial__failure_starts_next_attempt)
{
	struct dt_trace t = { 0 };
	struct sockshim_dial_opts o = {
		.sdo_attempt_delay_ms = SOCKSHIM_DIAL_DELAY_MAX,
		.sdo_timeout_ms = SOCKSHIM_DIAL_DELAY_MAX / 2,
		.sdo_trace = dt_trace_cb, .sdo_trace_arg = &t
	};
	struct dt_peer srv;
	int fd, i;

	dt_listener(&srv, AF_INET);	/* nothing on ::1: refused */
	fd = sockshim_dial("sks-dial-both", srv.p_port, &o);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(peer_family(fd), AF_INET);
	i = dt_trace_find(&t, SOCKSHIM_DS_CLOSE, AF_INET6, 0);
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(t.t_ev[i].sde_error, ECONNREFUSED);
	ck_assert_int_gt(dt_trace_find(&t, SOCKSHIM_DS_SOCKET, AF_INET, 0), i);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_dial__dead_ipv6_only_etimedout)
{
	struct dt_trace t = { 0 };
	struct sockshim_dial_opts o = {
		.sdo_timeout_ms = 200,
		.sdo_trace = dt_trace_cb, .sdo_trace_arg = &t
	};
	long long t0;
	int fd, err, i;

	t0 = harness_now_ms();
	CALL(fd, err, sockshim_dial("sks-dial-dead6", "9", &o));
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(err, ETIMEDOUT);
	ck_assert_int_ge(harness_now_ms() - t0, 200);
	i = dt_trace_find(&t, SOCKSHIM_DS_TIMEOUT, 0, 0);
	ck_assert_int_ge(i, 0);
	i = dt_trace_find(&t, SOCKSHIM_DS_CLOSE, AF_INET6, i);
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(t.t_ev[i].sde_error, ETIMEDOUT);
}
END_TEST

START_TEST(sockshim_connect_timeout__dead_ipv6_etimedout)
{
	struct sockaddr_in6 sin6 = {
		.sin6_family = AF_INET6, .sin6_port = htons(9)
	};
	int fd, rc, err;

	ck_assert_int_eq(inet_pton(AF_INET6, "2001:db8:dead::1",
	    &sin6.sin6_addr), 1);
	fd = dt_socket(AF_INET6, false);
	CALL(rc, err, sockshim_connect_timeout(fd, (struct sockaddr *)&sin6,
	    sizeof (sin6), 150));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIMEDOUT);
	(void) close(fd);
}
END_TEST

Suite *
dial_netns_suite(void)
{
	Suite *s = suite_create("sockshim_dial_netns");
	TCase *tc = harness_tcase("sockshim_dial_netns");

	tcase_add_test(tc, sockshim_dial__ipv4_fallback_after_attempt_delay);
	tcase_add_test(tc, sockshim_dial__default_attempt_delay_250ms);
	tcase_add_test(tc, sockshim_dial__ipv6_preferred);
	tcase_add_test(tc, sockshim_dial__family_inet_skips_ipv6);
	tcase_add_test(tc, sockshim_dial__interleaves_families);
	tcase_add_test(tc, sockshim_dial__failure_starts_next_attempt);
	tcase_add_test(tc, sockshim_dial__dead_ipv6_only_etimedout);
	tcase_add_test(tc, sockshim_connect_timeout__dead_ipv6_etimedout);
	suite_add_tcase(s, tc);
	return (s);
}
