/*
 * sockshim_connect_finish(3SOCKET): collecting an attempt's outcome.
 */
#include "config.h"

#include <errno.h>
#include <unistd.h>

#include "dialtest.h"

/* A socket whose attempt to p has been started. */
static int
started(const struct dt_peer *p)
{
	int fd = dt_socket(p->p_ss.ss_family, true);
	int rc, err;

	CALL(rc, err, sockshim_connect_start(fd,
	    (const struct sockaddr *)&p->p_ss, p->p_len));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINPROGRESS);
	return (fd);
}

START_TEST(sockshim_connect_finish__connected)
{
	struct dt_peer srv;
	int fd, rc;

	dt_listener(&srv, AF_INET);
	fd = started(&srv);
	(void) dt_wait_writable(fd);
	rc = sockshim_connect_finish(fd);
	ck_assert_int_eq(rc, 0);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_finish__refused_econnrefused)
{
	struct dt_peer srv;
	int fd, rc, err;

	dt_refuser(&srv, AF_INET);
	fd = started(&srv);
	(void) dt_wait_writable(fd);
	CALL(rc, err, sockshim_connect_finish(fd));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ECONNREFUSED);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_finish__pending_einprogress)
{
	struct dt_peer srv;
	int fd, rc, err;

	dt_blackhole(&srv, AF_INET);
	fd = started(&srv);
	CALL(rc, err, sockshim_connect_finish(fd));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINPROGRESS);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_finish__never_connected_enotconn)
{
	int fd, rc, err;

	fd = dt_socket(AF_INET, true);
	CALL(rc, err, sockshim_connect_finish(fd));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOTCONN);
	(void) close(fd);
}
END_TEST

/* SO_ERROR is cleared when read: the error is reported once. */
START_TEST(sockshim_connect_finish__error_reported_once)
{
	struct dt_peer srv;
	int fd, rc, err;

	dt_refuser(&srv, AF_INET);
	fd = started(&srv);
	(void) dt_wait_writable(fd);
	CALL(rc, err, sockshim_connect_finish(fd));
	ck_assert_int_eq(err, ECONNREFUSED);
	CALL(rc, err, sockshim_connect_finish(fd));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOTCONN);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_finish__bad_fd_ebadf)
{
	int rc, err;

	CALL(rc, err, sockshim_connect_finish(-1));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
}
END_TEST

START_TEST(sockshim_connect_finish__not_socket_enotsock)
{
	int fds[2], rc, err;

	ck_assert_int_eq(pipe(fds), 0);
	CALL(rc, err, sockshim_connect_finish(fds[0]));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOTSOCK);
	(void) close(fds[0]);
	(void) close(fds[1]);
}
END_TEST

START_TEST(sockshim_connect_finish__errno_kept_on_success)
{
	struct dt_peer srv;
	int fd, rc, err;

	dt_listener(&srv, AF_INET);
	fd = started(&srv);
	(void) dt_wait_writable(fd);
	errno = ERANGE;
	rc = sockshim_connect_finish(fd);
	err = errno;
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(err, ERANGE);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

Suite *
connect_finish_suite(void)
{
	Suite *s = suite_create("sockshim_connect_finish");
	TCase *tc = harness_tcase("sockshim_connect_finish");

	tcase_add_test(tc, sockshim_connect_finish__connected);
	tcase_add_test(tc, sockshim_connect_finish__refused_econnrefused);
	tcase_add_test(tc, sockshim_connect_finish__pending_einprogress);
	tcase_add_test(tc, sockshim_connect_finish__never_connected_enotconn);
	tcase_add_test(tc, sockshim_connect_finish__error_reported_once);
	tcase_add_test(tc, sockshim_connect_finish__bad_fd_ebadf);
	tcase_add_test(tc, sockshim_connect_finish__not_socket_enotsock);
	tcase_add_test(tc, sockshim_connect_finish__errno_kept_on_success);
	suite_add_tcase(s, tc);
	return (s);
}
