/*
 * sockshim_connect_timeout(3SOCKET): a connect with a time limit.
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "dialtest.h"

START_TEST(sockshim_connect_timeout__connected_stays_blocking)
{
	struct dt_peer srv;
	int fd, rc;

	dt_listener(&srv, AF_INET);
	fd = dt_socket(AF_INET, false);
	rc = sockshim_connect_timeout(fd, (struct sockaddr *)&srv.p_ss,
	    srv.p_len, 10000);
	ck_assert_int_eq(rc, 0);
	ck_assert(!dt_nonblocking(fd));
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_timeout__connected_stays_nonblocking)
{
	struct dt_peer srv;
	int fd, rc;

	dt_listener(&srv, AF_INET);
	fd = dt_socket(AF_INET, true);
	rc = sockshim_connect_timeout(fd, (struct sockaddr *)&srv.p_ss,
	    srv.p_len, 10000);
	ck_assert_int_eq(rc, 0);
	ck_assert(dt_nonblocking(fd));
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_timeout__unix_connected)
{
	struct dt_peer srv;
	int fd, rc;

	dt_unix(&srv, 8);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	rc = sockshim_connect_timeout(fd, (struct sockaddr *)&srv.p_ss,
	    srv.p_len, 10000);
	ck_assert_int_eq(rc, 0);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_timeout__refused_econnrefused)
{
	struct dt_peer srv;
	int fd, rc, err;

	dt_refuser(&srv, AF_INET);
	fd = dt_socket(AF_INET, false);
	CALL(rc, err, sockshim_connect_timeout(fd,
	    (struct sockaddr *)&srv.p_ss, srv.p_len, 10000));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ECONNREFUSED);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_timeout__no_answer_etimedout)
{
	struct dt_peer srv;
	long long t0;
	int fd, rc, err;

	dt_blackhole(&srv, AF_INET);
	fd = dt_socket(AF_INET, false);
	t0 = harness_now_ms();
	CALL(rc, err, sockshim_connect_timeout(fd,
	    (struct sockaddr *)&srv.p_ss, srv.p_len, 150));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIMEDOUT);
	ck_assert_int_ge(harness_now_ms() - t0, 150);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

/* A bad timeout is refused before anything is attempted. */
START_TEST(sockshim_connect_timeout__bad_timeout_einval)
{
	struct dt_peer srv;
	int fd, rc, err;

	dt_listener(&srv, AF_INET);
	fd = dt_socket(AF_INET, true);
	CALL(rc, err, sockshim_connect_timeout(fd,
	    (struct sockaddr *)&srv.p_ss, srv.p_len, -2));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	CALL(rc, err, sockshim_connect_finish(fd));
	ck_assert_int_eq(err, ENOTCONN);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_timeout__bad_fd_ebadf)
{
	struct dt_peer srv;
	int rc, err;

	dt_listener(&srv, AF_INET);
	CALL(rc, err, sockshim_connect_timeout(-1,
	    (struct sockaddr *)&srv.p_ss, srv.p_len, 100));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
	dt_close(&srv);
}
END_TEST

Suite *
connect_timeout_suite(void)
{
	Suite *s = suite_create("sockshim_connect_timeout");
	TCase *tc = harness_tcase("sockshim_connect_timeout");

	tcase_add_test(tc, sockshim_connect_timeout__connected_stays_blocking);
	tcase_add_test(tc,
	    sockshim_connect_timeout__connected_stays_nonblocking);
	tcase_add_test(tc, sockshim_connect_timeout__unix_connected);
	tcase_add_test(tc, sockshim_connect_timeout__refused_econnrefused);
	tcase_add_test(tc, sockshim_connect_timeout__no_answer_etimedout);
	tcase_add_test(tc, sockshim_connect_timeout__bad_timeout_einval);
	tcase_add_test(tc, sockshim_connect_timeout__bad_fd_ebadf);
	suite_add_tcase(s, tc);
	return (s);
}
