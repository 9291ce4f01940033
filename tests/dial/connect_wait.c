/*
 * sockshim_connect_wait(3SOCKET): waiting through poll(2) (port -1) and
 * through an event port.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include "dialtest.h"

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

/* A descriptor number that is not open. */
static int
closed_fd(void)
{
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	(void) close(fds[0]);
	(void) close(fds[1]);
	return (fds[0]);
}

START_TEST(sockshim_connect_wait__poll_connected)
{
	struct dt_peer srv;
	int fd, rc;

	dt_listener(&srv, AF_INET);
	fd = started(&srv);
	rc = sockshim_connect_wait(fd, -1, 10000);
	ck_assert_int_eq(rc, 0);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_wait__poll_refused_econnrefused)
{
	struct dt_peer srv;
	int fd, rc, err;

	dt_refuser(&srv, AF_INET);
	fd = started(&srv);
	CALL(rc, err, sockshim_connect_wait(fd, -1, 10000));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ECONNREFUSED);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_wait__poll_timeout_etimedout)
{
	struct dt_peer srv;
	long long t0;
	int fd, rc, err;

	dt_blackhole(&srv, AF_INET);
	fd = started(&srv);
	t0 = harness_now_ms();
	CALL(rc, err, sockshim_connect_wait(fd, -1, 100));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIMEDOUT);
	ck_assert_int_ge(harness_now_ms() - t0, 100);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_wait__zero_timeout_pending_etimedout)
{
	struct dt_peer srv;
	int fd, rc, err;

	dt_blackhole(&srv, AF_INET);
	fd = started(&srv);
	CALL(rc, err, sockshim_connect_wait(fd, -1, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIMEDOUT);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_wait__no_attempt_enotconn)
{
	int fd, rc, err;

	fd = dt_socket(AF_INET, true);
	CALL(rc, err, sockshim_connect_wait(fd, -1, 10000));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOTCONN);
	(void) close(fd);
}
END_TEST

START_TEST(sockshim_connect_wait__bad_timeout_einval)
{
	int fd, rc, err;

	fd = dt_socket(AF_INET, true);
	CALL(rc, err, sockshim_connect_wait(fd, -1, -2));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	(void) close(fd);
}
END_TEST

START_TEST(sockshim_connect_wait__poll_bad_fd_ebadf)
{
	int rc, err;

	CALL(rc, err, sockshim_connect_wait(closed_fd(), -1, 10000));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
	CALL(rc, err, sockshim_connect_wait(-1, -1, 10000));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
}
END_TEST

START_TEST(sockshim_connect_wait__port_connected)
{
	struct dt_peer srv;
	int fd, port, rc, err;

	dt_listener(&srv, AF_INET);
	port = port_create();
	ck_assert_int_ge(port, 0);
	fd = started(&srv);
	rc = sockshim_connect_wait(fd, port, 10000);
	ck_assert_int_eq(rc, 0);
	/* The one-shot association was used up. */
	CALL(rc, err, port_dissociate(port, PORT_SOURCE_FD, (uintptr_t)fd));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOENT);
	(void) close(fd);
	(void) close(port);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_wait__port_refused_econnrefused)
{
	struct dt_peer srv;
	int fd, port, rc, err;

	dt_refuser(&srv, AF_INET);
	port = port_create();
	ck_assert_int_ge(port, 0);
	fd = started(&srv);
	CALL(rc, err, sockshim_connect_wait(fd, port, 10000));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ECONNREFUSED);
	(void) close(fd);
	(void) close(port);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_wait__port_timeout_dissociates)
{
	struct dt_peer srv;
	long long t0;
	int fd, port, rc, err;

	dt_blackhole(&srv, AF_INET);
	port = port_create();
	ck_assert_int_ge(port, 0);
	fd = started(&srv);
	t0 = harness_now_ms();
	CALL(rc, err, sockshim_connect_wait(fd, port, 100));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIMEDOUT);
	ck_assert_int_ge(harness_now_ms() - t0, 100);
	CALL(rc, err, port_dissociate(port, PORT_SOURCE_FD, (uintptr_t)fd));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOENT);
	(void) close(fd);
	(void) close(port);
	dt_close(&srv);
}
END_TEST

/* An event already queued is not ours to take. */
START_TEST(sockshim_connect_wait__port_queued_event_ebusy)
{
	struct dt_peer srv;
	struct timespec zero = { 0, 0 };
	port_event_t pe;
	int fd, port, rc, err;

	dt_listener(&srv, AF_INET);
	port = port_create();
	ck_assert_int_ge(port, 0);
	ck_assert_int_eq(port_send(port, 7, &srv), 0);
	fd = started(&srv);
	CALL(rc, err, sockshim_connect_wait(fd, port, 10000));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBUSY);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_int_eq(pe.portev_source, PORT_SOURCE_USER);
	ck_assert_int_eq(pe.portev_events, 7);
	ck_assert_ptr_eq(pe.portev_user, &srv);
	(void) close(fd);
	(void) close(port);
	dt_close(&srv);
}
END_TEST

static void *
write_later(void *arg)
{
	int fd = *(int *)arg;

	(void) usleep(50000);
	(void) write(fd, "x", 1);
	return (NULL);
}

/* Someone else's association fires while we wait. */
START_TEST(sockshim_connect_wait__port_foreign_event_ebusy)
{
	struct dt_peer srv;
	pthread_t tid;
	int fd, port, pfd[2], rc, err;

	dt_blackhole(&srv, AF_INET);
	port = port_create();
	ck_assert_int_ge(port, 0);
	ck_assert_int_eq(pipe(pfd), 0);
	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)pfd[0], POLLIN, NULL), 0);
	fd = started(&srv);
	ck_assert_int_eq(pthread_create(&tid, NULL, write_later, &pfd[1]), 0);
	CALL(rc, err, sockshim_connect_wait(fd, port, 20000));
	ck_assert_int_eq(pthread_join(tid, NULL), 0);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBUSY);
	/* Our own association is gone. */
	CALL(rc, err, port_dissociate(port, PORT_SOURCE_FD, (uintptr_t)fd));
	ck_assert_int_eq(err, ENOENT);
	(void) close(pfd[0]);
	(void) close(pfd[1]);
	(void) close(fd);
	(void) close(port);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_wait__port_not_open_ebadf)
{
	struct dt_peer srv;
	int fd, rc, err;

	dt_listener(&srv, AF_INET);
	fd = started(&srv);
	CALL(rc, err, sockshim_connect_wait(fd, closed_fd(), 10000));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_wait__port_not_a_port_ebadfd)
{
	struct dt_peer srv;
	int fd, pfd[2], rc, err;

	dt_listener(&srv, AF_INET);
	ck_assert_int_eq(pipe(pfd), 0);
	fd = started(&srv);
	CALL(rc, err, sockshim_connect_wait(fd, pfd[0], 10000));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADFD);
	(void) close(pfd[0]);
	(void) close(pfd[1]);
	(void) close(fd);
	dt_close(&srv);
}
END_TEST

START_TEST(sockshim_connect_wait__port_bad_fd_ebadf)
{
	int port, rc, err;

	port = port_create();
	ck_assert_int_ge(port, 0);
	CALL(rc, err, sockshim_connect_wait(closed_fd(), port, 10000));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
	(void) close(port);
}
END_TEST

Suite *
connect_wait_suite(void)
{
	Suite *s = suite_create("sockshim_connect_wait");
	TCase *tc = harness_tcase("sockshim_connect_wait");

	tcase_add_test(tc, sockshim_connect_wait__poll_connected);
	tcase_add_test(tc, sockshim_connect_wait__poll_refused_econnrefused);
	tcase_add_test(tc, sockshim_connect_wait__poll_timeout_etimedout);
	tcase_add_test(tc,
	    sockshim_connect_wait__zero_timeout_pending_etimedout);
	tcase_add_test(tc, sockshim_connect_wait__no_attempt_enotconn);
	tcase_add_test(tc, sockshim_connect_wait__bad_timeout_einval);
	tcase_add_test(tc, sockshim_connect_wait__poll_bad_fd_ebadf);
	tcase_add_test(tc, sockshim_connect_wait__port_connected);
	tcase_add_test(tc, sockshim_connect_wait__port_refused_econnrefused);
	tcase_add_test(tc, sockshim_connect_wait__port_timeout_dissociates);
	tcase_add_test(tc, sockshim_connect_wait__port_queued_event_ebusy);
	tcase_add_test(tc, sockshim_connect_wait__port_foreign_event_ebusy);
	tcase_add_test(tc, sockshim_connect_wait__port_not_open_ebadf);
	tcase_add_test(tc, sockshim_connect_wait__port_not_a_port_ebadfd);
	tcase_add_test(tc, sockshim_connect_wait__port_bad_fd_ebadf);
	suite_add_tcase(s, tc);
	return (s);
}
