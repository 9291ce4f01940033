/*
 * sockshim_dial(3SOCKET) on loopback.  The Happy Eyeballs race between
 * families, which needs a dead IPv6 address, is in dial_netns.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dialtest.h"

/* fd is connected to p. */
static void
assert_peer(int fd, const struct dt_peer *p)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof (ss);

	ck_assert_int_eq(getpeername(fd, (struct sockaddr *)&ss, &len), 0);
	ck_assert_uint_eq(len, p->p_len);
	ck_assert_int_eq(memcmp(&ss, &p->p_ss, len), 0);
}

START_TEST(sockshim_dial__ipv4_literal_connects_blocking)
{
	struct dt_peer srv;
	int fd;

	dt_listener(&srv, AF_INET);
	fd = sockshim_dial("127.0.0.1", srv.p_port, NULL);
	ck_assert_int_ge(fd, 0);
	assert_peer(fd, &srv);
	ck_assert(!dt_nonblocking(fd));
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_dial__nonblock_flag)
{
	struct sockshim_dial_opts o = { .sdo_flags = SOCKSHIM_DIAL_NONBLOCK };
	struct dt_peer srv;
	int fd;

	dt_listener(&srv, AF_INET);
	fd = sockshim_dial("127.0.0.1", srv.p_port, &o);
	ck_assert_int_ge(fd, 0);
	assert_peer(fd, &srv);
	ck_assert(dt_nonblocking(fd));
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_dial__ipv6_literal_connects)
{
	struct dt_peer srv;
	int fd;

	if (!dt_have_ipv6()) {
		printf("skipped: no ::1 here\n");
		return;
	}
	dt_listener(&srv, AF_INET6);
	fd = sockshim_dial("::1", srv.p_port, NULL);
	ck_assert_int_ge(fd, 0);
	assert_peer(fd, &srv);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

/* A name goes through the resolver threads. */
START_TEST(sockshim_dial__localhost_connects)
{
	struct dt_peer srv4, srv6;
	int fd;

	dt_listener(&srv4, AF_INET);
	dt_peer_init(&srv6);
	if (dt_have_ipv6())
		dt_listener_also(&srv6, AF_INET6, &srv4);
	fd = sockshim_dial("localhost", srv4.p_port, NULL);
	ck_assert_int_ge(fd, 0);
	(void) close(fd);
	dt_close(&srv6);
	dt_close(&srv4);
}
END_TEST

START_TEST(sockshim_dial__refused_econnrefused)
{
	struct dt_peer srv;
	int fd, err;

	dt_refuser(&srv, AF_INET);
	CALL(fd, err, sockshim_dial("127.0.0.1", srv.p_port, NULL));
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(err, ECONNREFUSED);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_dial__timeout_etimedout)
{
	struct sockshim_dial_opts o = { .sdo_timeout_ms = 200 };
	struct dt_peer srv;
	long long t0;
	int fd, err;

	dt_blackhole(&srv, AF_INET);
	t0 = harness_now_ms();
	CALL(fd, err, sockshim_dial("127.0.0.1", srv.p_port, &o));
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(err, ETIMEDOUT);
	ck_assert_int_ge(harness_now_ms() - t0, 200);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_dial__unknown_service_enoent)
{
	int fd, err;

	CALL(fd, err, sockshim_dial("127.0.0.1", "no-such-service-sockshim",
	    NULL));
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(err, ENOENT);
}
END_TEST

START_TEST(sockshim_dial__family_mismatch_enoent)
{
	struct sockshim_dial_opts o = { .sdo_family = AF_INET6 };
	struct dt_peer srv;
	int fd, err;

	dt_listener(&srv, AF_INET);
	CALL(fd, err, sockshim_dial("127.0.0.1", srv.p_port, &o));
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(err, ENOENT);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_dial__null_host_einval)
{
	int fd, err;

	CALL(fd, err, sockshim_dial(NULL, "80", NULL));
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(sockshim_dial__null_service_einval)
{
	int fd, err;

	CALL(fd, err, sockshim_dial("127.0.0.1", NULL, NULL));
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(sockshim_dial__bad_family_eafnosupport)
{
	struct sockshim_dial_opts o = { .sdo_family = AF_UNIX };
	int fd, err;

	CALL(fd, err, sockshim_dial("127.0.0.1", "80", &o));
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(err, EAFNOSUPPORT);
}
END_TEST

START_TEST(sockshim_dial__bad_opts_einval)
{
	struct sockshim_dial_opts bad[4];
	int fd, err;

	(void) memset(bad, 0, sizeof (bad));
	bad[0].sdo_flags = 0x100;
	bad[1].sdo_attempt_delay_ms = -1;
	bad[2].sdo_timeout_ms = -1;
	bad[3].sdo_reserved[2] = bad;
	for (int i = 0; i < 4; i++) {
		CALL(fd, err, sockshim_dial("127.0.0.1", "80", &bad[i]));
		ck_assert_int_eq(fd, -1);
		ck_assert_int_eq(err, EINVAL);
	}
}
END_TEST

START_TEST(sockshim_dial__errno_kept_on_success)
{
	struct dt_peer srv;
	int fd, err;

	dt_listener(&srv, AF_INET);
	errno = ERANGE;
	fd = sockshim_dial("127.0.0.1", srv.p_port, NULL);
	err = errno;
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(err, ERANGE);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

/* The steps of one successful attempt, in order. */
START_TEST(sockshim_dial__trace_success_steps)
{
	static const int want[] = {
		SOCKSHIM_DS_RESOLVED, SOCKSHIM_DS_SOCKET, SOCKSHIM_DS_CONNECT,
		SOCKSHIM_DS_ASSOCIATE, SOCKSHIM_DS_EVENT, SOCKSHIM_DS_SO_ERROR,
		SOCKSHIM_DS_CONNECTED
	};
	struct dt_trace t = { 0 };
	struct sockshim_dial_opts o = {
		.sdo_trace = dt_trace_cb, .sdo_trace_arg = &t
	};
	struct dt_peer srv;
	int fd;

	dt_listener(&srv, AF_INET);
	fd = sockshim_dial("127.0.0.1", srv.p_port, &o);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(t.t_n, 7);
	for (int i = 0; i < 7; i++) {
		ck_assert_int_eq(t.t_ev[i].sde_step, want[i]);
		ck_assert_int_eq(t.t_ev[i].sde_family, AF_INET);
	}
	ck_assert_int_eq(t.t_ev[1].sde_fd, fd);
	ck_assert_int_eq(t.t_ev[2].sde_result, -1);
	ck_assert_int_eq(t.t_ev[2].sde_error, EINPROGRESS);
	ck_assert_int_eq(t.t_ev[3].sde_events, POLLOUT);
	ck_assert_int_eq(t.t_ev[4].sde_events, POLLOUT);
	ck_assert_int_eq(t.t_ev[5].sde_result, 0);
	ck_assert_int_eq(t.t_ev[5].sde_error, 0);
	ck_assert_int_eq(t.t_ev[6].sde_fd, fd);
	ck_assert_uint_eq(t.t_ev[6].sde_addrlen, srv.p_len);
	ck_assert_int_eq(memcmp(t.t_ev[6].sde_addr, &srv.p_ss, srv.p_len), 0);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_dial__trace_refused_closes)
{
	struct dt_trace t = { 0 };
	struct sockshim_dial_opts o = {
		.sdo_trace = dt_trace_cb, .sdo_trace_arg = &t
	};
	struct dt_peer srv;
	int fd, i;

	dt_refuser(&srv, AF_INET);
	fd = sockshim_dial("127.0.0.1", srv.p_port, &o);
	ck_assert_int_eq(fd, -1);
	i = dt_trace_find(&t, SOCKSHIM_DS_SO_ERROR, AF_INET, 0);
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(t.t_ev[i].sde_error, ECONNREFUSED);
	i = dt_trace_find(&t, SOCKSHIM_DS_CLOSE, AF_INET, i);
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(t.t_ev[i].sde_error, ECONNREFUSED);
	ck_assert_int_eq(dt_trace_count(&t, SOCKSHIM_DS_CONNECTED, 0), 0);
	dt_close(&srv);
}
END_TEST

Suite *
dial_suite(void)
{
	Suite *s = suite_create("sockshim_dial");
	TCase *tc = harness_tcase("sockshim_dial");

	tcase_add_test(tc, sockshim_dial__ipv4_literal_connects_blocking);
	tcase_add_test(tc, sockshim_dial__nonblock_flag);
	tcase_add_test(tc, sockshim_dial__ipv6_literal_connects);
	tcase_add_test(tc, sockshim_dial__localhost_connects);
	tcase_add_test(tc, sockshim_dial__refused_econnrefused);
	tcase_add_test(tc, sockshim_dial__timeout_etimedout);
	tcase_add_test(tc, sockshim_dial__unknown_service_enoent);
	tcase_add_test(tc, sockshim_dial__family_mismatch_enoent);
	tcase_add_test(tc, sockshim_dial__null_host_einval);
	tcase_add_test(tc, sockshim_dial__null_service_einval);
	tcase_add_test(tc, sockshim_dial__bad_family_eafnosupport);
	tcase_add_test(tc, sockshim_dial__bad_opts_einval);
	tcase_add_test(tc, sockshim_dial__errno_kept_on_success);
	tcase_add_test(tc, sockshim_dial__trace_success_steps);
	tcase_add_test(tc, sockshim_dial__trace_refused_closes);
	suite_add_tcase(s, tc);
	return (s);
}
