/*
 * connect(3SOCKET) after EINPROGRESS or EINTR: the attempt goes on in the
 * background; a later connect() reports EALREADY while it does, EISCONN
 * once it succeeded (Linux itself says 0, once), and a failure once, after
 * which the socket can be connected again.
 */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define	WAIT_MS	10000		/* ample: loopback answers at once */

static void
assert_connect(int s, const struct sockaddr_in *a, int want_rc,
    int want_err)
{
	int rc, err;

	CALL(rc, err, connect(s, (const struct sockaddr *)a, sizeof (*a)));
	ck_assert_int_eq(rc, want_rc);
	ck_assert_int_eq(err, want_rc == 0 ? 0 : want_err);
}

START_TEST(connect__nonblock_einprogress)
{
	struct sockaddr_in a;
	int l = tc_listener(SOCK_STREAM, 4, &a), s = tc_tcp(1);

	assert_connect(s, &a, -1, EINPROGRESS);
	(void) close(s);
	(void) close(l);
}
END_TEST

START_TEST(connect__pending_ealready)
{
	struct sockaddr_in a;
	int filler, l = tc_full_listener(&a, &filler), s = tc_tcp(1);

	assert_connect(s, &a, -1, EINPROGRESS);
	assert_connect(s, &a, -1, EALREADY);
	assert_connect(s, &a, -1, EALREADY);
	ck_assert(!tc_connected(s));
	(void) close(s);
	(void) close(filler);
	(void) close(l);
}
END_TEST

START_TEST(connect__async_success_eisconn)
{
	struct sockaddr_in a;
	int l = tc_listener(SOCK_STREAM, 4, &a), s = tc_tcp(1);

	assert_connect(s, &a, -1, EINPROGRESS);
	ck_assert_int_ne(tc_wait(s, POLLOUT, WAIT_MS) & POLLOUT, 0);
	ck_assert_int_eq(tc_soerror(s), 0);
	/* Linux answers 0 here, once. */
	assert_connect(s, &a, -1, EISCONN);
	assert_connect(s, &a, -1, EISCONN);
	ck_assert(tc_connected(s));
	(void) close(s);
	(void) close(l);
}
END_TEST

/* The same without reading SO_ERROR first. */
START_TEST(connect__async_success_unread_eisconn)
{
	struct sockaddr_in a;
	int l = tc_listener(SOCK_STREAM, 4, &a), s = tc_tcp(1);

	assert_connect(s, &a, -1, EINPROGRESS);
	ck_assert_int_ne(tc_wait(s, POLLOUT, WAIT_MS) & POLLOUT, 0);
	assert_connect(s, &a, -1, EISCONN);
	ck_assert_int_eq(tc_soerror(s), 0);
	(void) close(s);
	(void) close(l);
}
END_TEST

/* The error is reported by connect() once: not again, nor by SO_ERROR. */
START_TEST(connect__async_refused_reported_once)
{
	struct sockaddr_in a = tc_closed_port();
	int s = tc_tcp(1);

	assert_connect(s, &a, -1, EINPROGRESS);
	ck_assert_int_ne(tc_wait(s, POLLOUT, WAIT_MS), 0);
	assert_connect(s, &a, -1, ECONNREFUSED);
	ck_assert_int_eq(tc_soerror(s), 0);
	/* A new attempt, refused in its turn. */
	assert_connect(s, &a, -1, EINPROGRESS);
	ck_assert_int_ne(tc_wait(s, POLLOUT, WAIT_MS), 0);
	assert_connect(s, &a, -1, ECONNREFUSED);
	(void) close(s);
}
END_TEST

/* After connect() reported the failure, the same fd connects. */
START_TEST(connect__async_refused_then_connects)
{
	struct sockaddr_in a, closed = tc_closed_port();
	int l = tc_listener(SOCK_STREAM, 4, &a), s = tc_tcp(1);

	assert_connect(s, &closed, -1, EINPROGRESS);
	ck_assert_int_ne(tc_wait(s, POLLOUT, WAIT_MS), 0);
	assert_connect(s, &closed, -1, ECONNREFUSED);
	assert_connect(s, &a, -1, EINPROGRESS);
	ck_assert_int_ne(tc_wait(s, POLLOUT, WAIT_MS) & POLLOUT, 0);
	ck_assert_int_eq(tc_soerror(s), 0);
	assert_connect(s, &a, -1, EISCONN);
	ck_assert(tc_connected(s));
	(void) close(s);
	(void) close(l);
}
END_TEST

/*
 * The program read the error with SO_ERROR (the documented recipe) and
 * tries again: a new attempt starts (Linux alone says ECONNABORTED).
 */
START_TEST(connect__async_refused_soerror_then_connects)
{
	struct sockaddr_in a, closed = tc_closed_port();
	int l = tc_listener(SOCK_STREAM, 4, &a), s = tc_tcp(1);

	assert_connect(s, &closed, -1, EINPROGRESS);
	ck_assert_int_ne(tc_wait(s, POLLOUT, WAIT_MS), 0);
	ck_assert_int_eq(tc_soerror(s), ECONNREFUSED);
	assert_connect(s, &a, -1, EINPROGRESS);
	ck_assert_int_ne(tc_wait(s, POLLOUT, WAIT_MS) & POLLOUT, 0);
	ck_assert_int_eq(tc_soerror(s), 0);
	assert_connect(s, &a, -1, EISCONN);
	(void) close(s);
	(void) close(l);
}
END_TEST

/* The same, retried in blocking mode: the retry simply connects. */
START_TEST(connect__async_refused_blocking_retry)
{
	struct sockaddr_in a, closed = tc_closed_port();
	int l = tc_listener(SOCK_STREAM, 4, &a), s = tc_tcp(1);

	assert_connect(s, &closed, -1, EINPROGRESS);
	ck_assert_int_ne(tc_wait(s, POLLOUT, WAIT_MS), 0);
	ck_assert_int_eq(tc_soerror(s), ECONNREFUSED);
	ck_assert_int_eq(fcntl(s, F_SETFL, 0), 0);
	assert_connect(s, &a, 0, 0);
	ck_assert(tc_connected(s));
	(void) close(s);
	(void) close(l);
}
END_TEST

/*
 * A blocking connect() interrupted by a signal: EINTR, and the attempt
 * goes on.  A second connect() says EALREADY at once; it neither waits
 * (Linux would, on the same attempt) nor starts another.  The alarm armed
 * before it would turn a wait into EINTR.
 */
START_TEST(connect__eintr_then_ealready)
{
	struct sockaddr_in a;
	int filler, l = tc_full_listener(&a, &filler), s = tc_tcp(0);

	tc_alarm_ms(100);
	assert_connect(s, &a, -1, EINTR);
	tc_alarm_ms(3000);
	assert_connect(s, &a, -1, EALREADY);
	tc_alarm_ms(0);
	ck_assert(!tc_connected(s));
	(void) close(s);
	(void) close(filler);
	(void) close(l);
}
END_TEST

/* ... and once it completes (the listener makes room), EISCONN. */
START_TEST(connect__eintr_completes_eisconn)
{
	struct sockaddr_in a;
	int filler, l = tc_full_listener(&a, &filler), s = tc_tcp(0), c;

	tc_alarm_ms(100);
	assert_connect(s, &a, -1, EINTR);
	tc_alarm_ms(0);
	c = accept(l, NULL, NULL);
	ck_assert_int_ge(c, 0);
	/* Linux resends the SYN after 1 s, then 3 s. */
	ck_assert_int_ne(tc_wait(s, POLLOUT, WAIT_MS) & POLLOUT, 0);
	ck_assert_int_eq(tc_soerror(s), 0);
	assert_connect(s, &a, -1, EISCONN);
	assert_connect(s, &a, -1, EISCONN);
	(void) close(c);
	(void) close(s);
	(void) close(filler);
	(void) close(l);
}
END_TEST

/*
 * The record of an attempt in progress dies with its socket: a socket
 * that gets the same fd number (here a connected datagram socket from
 * socketpair(), which never went through connect()) changes its
 * association with connect() as usual, instead of being told EISCONN.
 */
START_TEST(connect__state_not_inherited_by_reused_fd)
{
	struct sockaddr_in a;
	struct sockaddr_un sun;
	socklen_t len;
	char dir[64];
	int filler, l = tc_full_listener(&a, &filler), s = tc_tcp(1);
	int sv[2], x, n, other, rc, err;

	tc_mkdir(dir);
	x = tc_unix_listener(SOCK_DGRAM, 0, dir, "x");
	sun = tc_unix(dir, "x", &len);
	assert_connect(s, &a, -1, EINPROGRESS);
	n = s;
	(void) close(s);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	ck_assert_msg(sv[0] == n || sv[1] == n, "fd %d not reused", n);
	other = sv[0] == n ? sv[1] : sv[0];
	ck_assert(tc_connected(n));
	CALL(rc, err, connect(n, (struct sockaddr *)&sun, len));
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(send(n, "z", 1, 0), 1);
	(void) close(n);
	(void) close(other);
	(void) close(x);
	(void) close(filler);
	(void) close(l);
	tc_rmdir(dir);
}
END_TEST

START_TEST(connect__eisconn)
{
	struct sockaddr_in a;
	int l = tc_listener(SOCK_STREAM, 4, &a), s = tc_tcp(0);

	assert_connect(s, &a, 0, 0);
	assert_connect(s, &a, -1, EISCONN);
	(void) close(s);
	(void) close(l);
}
END_TEST

/* illumos (tcp_connect(), TCPS_LISTEN): EOPNOTSUPP; Linux: EISCONN. */
START_TEST(connect__listening_eopnotsupp)
{
	struct sockaddr_in a;
	int l = tc_listener(SOCK_STREAM, 4, &a);

	assert_connect(l, &a, -1, EOPNOTSUPP);
	(void) close(l);
}
END_TEST

START_TEST(connect__econnrefused)
{
	struct sockaddr_in a = tc_closed_port();
	int s = tc_tcp(0);

	assert_connect(s, &a, -1, ECONNREFUSED);
	ck_assert_int_eq(tc_soerror(s), 0);
	(void) close(s);
}
END_TEST

Suite *
connect_async_suite(void)
{
	Suite *s = suite_create("connect_async");
	TCase *tc = tc_case("async");

	tcase_add_test(tc, connect__nonblock_einprogress);
	tcase_add_test(tc, connect__pending_ealready);
	tcase_add_test(tc, connect__async_success_eisconn);
	tcase_add_test(tc, connect__async_success_unread_eisconn);
	tcase_add_test(tc, connect__async_refused_reported_once);
	tcase_add_test(tc, connect__async_refused_then_connects);
	tcase_add_test(tc, connect__async_refused_soerror_then_connects);
	tcase_add_test(tc, connect__async_refused_blocking_retry);
	tcase_add_test(tc, connect__eintr_then_ealready);
	tcase_add_test(tc, connect__eintr_completes_eisconn);
	tcase_add_test(tc, connect__state_not_inherited_by_reused_fd);
	tcase_add_test(tc, connect__eisconn);
	tcase_add_test(tc, connect__listening_eopnotsupp);
	tcase_add_test(tc, connect__econnrefused);
	suite_add_tcase(s, tc);
	return (s);
}
