/*
 * sockshim_connect_start(3SOCKET): starting an attempt.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <unistd.h>

#include "dialtest.h"

START_TEST(sockshim_connect_start__tcp_in_progress)
{
	struct dt_peer srv;
	int fd, rc, err;

	dt_listener(&srv, AF_INET);
	fd = dt_socket(AF_INET, true);
	CALL(rc, err, sockshim_connect_start(fd, (struct sockaddr *)&srv.p_ss,
	    srv.p_len));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINPROGRESS);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_start__unix_connected_at_once)
{
	struct dt_peer srv;
	int fd, rc;

	dt_unix(&srv, 8);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(fd, 0);
	rc = sockshim_connect_start(fd, (struct sockaddr *)&srv.p_ss,
	    srv.p_len);
	ck_assert_int_eq(rc, 0);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_start__unix_not_listening_refused)
{
	struct dt_peer srv;
	int fd, rc, err;

	dt_unix(&srv, -1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	CALL(rc, err, sockshim_connect_start(fd, (struct sockaddr *)&srv.p_ss,
	    srv.p_len));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ECONNREFUSED);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

/*
 * Linux says EAGAIN (and would block a blocking socket) when an AF_UNIX
 * listener's backlog is full; we refuse at once, as illumos does.
 */
START_TEST(sockshim_connect_start__unix_backlog_full_refused)
{
	struct dt_peer srv;
	int fill[16], nfill = 0, fd, rc, err;

	dt_unix(&srv, 0);
	for (; nfill < 16; nfill++) {
		fill[nfill] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		ck_assert_int_ge(fill[nfill], 0);
		if (connect(fill[nfill], (struct sockaddr *)&srv.p_ss,
		    srv.p_len) != 0) {
			nfill++;
			break;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM, 0);	/* blocking */
	ck_assert_int_ge(fd, 0);
	CALL(rc, err, sockshim_connect_start(fd, (struct sockaddr *)&srv.p_ss,
	    srv.p_len));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ECONNREFUSED);
	ck_assert(!dt_nonblocking(fd));
	(void) close(fd);
	while (nfill > 0)
		(void) close(fill[--nfill]);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_start__keeps_blocking_mode)
{
	struct dt_peer srv;
	int fd, rc, err;

	dt_blackhole(&srv, AF_INET);
	fd = dt_socket(AF_INET, false);
	CALL(rc, err, sockshim_connect_start(fd, (struct sockaddr *)&srv.p_ss,
	    srv.p_len));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINPROGRESS);
	ck_assert(!dt_nonblocking(fd));
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_start__keeps_nonblocking_mode)
{
	struct dt_peer srv;
	int fd, rc, err;

	dt_listener(&srv, AF_INET);
	fd = dt_socket(AF_INET, true);
	CALL(rc, err, sockshim_connect_start(fd, (struct sockaddr *)&srv.p_ss,
	    srv.p_len));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINPROGRESS);
	ck_assert(dt_nonblocking(fd));
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_start__pending_again_ealready)
{
	struct dt_peer srv;
	int fd, rc, err;

	dt_blackhole(&srv, AF_INET);
	fd = dt_socket(AF_INET, true);
	CALL(rc, err, sockshim_connect_start(fd, (struct sockaddr *)&srv.p_ss,
	    srv.p_len));
	ck_assert_int_eq(err, EINPROGRESS);
	CALL(rc, err, sockshim_connect_start(fd, (struct sockaddr *)&srv.p_ss,
	    srv.p_len));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EALREADY);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_start__udp_connected_at_once)
{
	struct dt_peer srv;
	int fd, rc;

	dt_refuser(&srv, AF_INET);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	rc = sockshim_connect_start(fd, (struct sockaddr *)&srv.p_ss,
	    srv.p_len);
	ck_assert_int_eq(rc, 0);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_start__bad_fd_ebadf)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int rc, err;

	CALL(rc, err, sockshim_connect_start(-1, (struct sockaddr *)&sin,
	    sizeof (sin)));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
}
END_TEST

START_TEST(sockshim_connect_start__not_socket_enotsock)
{
	struct dt_peer srv;
	int fds[2], rc, err;

	dt_listener(&srv, AF_INET);
	ck_assert_int_eq(pipe(fds), 0);
	CALL(rc, err, sockshim_connect_start(fds[1],
	    (struct sockaddr *)&srv.p_ss, srv.p_len));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOTSOCK);
	(void) close(fds[0]);
	(void) close(fds[1]);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_start__errno_kept_on_success)
{
	struct dt_peer srv;
	int fd, rc, err;

	dt_unix(&srv, 8);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	errno = ERANGE;
	rc = sockshim_connect_start(fd, (struct sockaddr *)&srv.p_ss,
	    srv.p_len);
	err = errno;
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(err, ERANGE);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

Suite *
connect_start_suite(void)
{
	Suite *s = suite_create("sockshim_connect_start");
	TCase *tc = harness_tcase("sockshim_connect_start");

	tcase_add_test(tc, sockshim_connect_start__tcp_in_progress);
	tcase_add_test(tc, sockshim_connect_start__unix_connected_at_once);
	tcase_add_test(tc, sockshim_connect_start__unix_not_listening_refused);
	tcase_add_test(tc, sockshim_connect_start__unix_backlog_full_refused);
	tcase_add_test(tc, sockshim_connect_start__keeps_blocking_mode);
	tcase_add_test(tc, sockshim_connect_start__keeps_nonblocking_mode);
	tcase_add_test(tc, sockshim_connect_start__pending_again_ealready);
	tcase_add_test(tc, sockshim_connect_start__udp_connected_at_once);
	tcase_add_test(tc, sockshim_connect_start__bad_fd_ebadf);
	tcase_add_test(tc, sockshim_connect_start__not_socket_enotsock);
	tcase_add_test(tc, sockshim_connect_start__errno_kept_on_success);
	suite_add_tcase(s, tc);
	return (s);
}
