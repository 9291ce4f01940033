/* port_get(3C) and port_getn(3C). */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static int port;
static struct timespec zero = { 0, 0 };

static void
setup(void)
{
	port = port_create();
	ck_assert_int_ge(port, 0);
}

static void
teardown(void)
{
	close(port);
}

static void
send_n(int n)
{
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(port_send(port, i, (void *)(intptr_t)i), 0);
}

START_TEST(port_get__zero_timeout_nothing_queued_gives_etime)
{
	port_event_t pe;
	int rc, err;

	CALL(rc, err, port_get(port, &pe, &zero));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIME);
}
END_TEST

START_TEST(port_get__timeout_gives_etime_never_early)
{
	port_event_t pe;
	struct timespec ts = harness_ms(120);
	long long t0 = harness_now_ms(), elapsed;
	int rc, err;

	CALL(rc, err, port_get(port, &pe, &ts));
	elapsed = harness_now_ms() - t0;
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIME);
	ck_assert_int_ge(elapsed, 120);
}
END_TEST

START_TEST(port_get__invalid_timeout_gives_einval_when_it_must_wait)
{
	port_event_t pe;
	struct timespec bad = { 0, 1000000000L };
	int rc, err;

	CALL(rc, err, port_get(port, &pe, &bad));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(port_get__negative_timeout_gives_einval_when_it_must_wait)
{
	port_event_t pe;
	struct timespec bad = { -1, 0 };
	int rc, err;

	CALL(rc, err, port_get(port, &pe, &bad));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(port_get__invalid_timeout_ignored_when_event_queued)
{
	port_event_t pe;
	struct timespec bad = { 0, -1 };

	send_n(1);
	ck_assert_int_eq(port_get(port, &pe, &bad), 0);
	ck_assert_int_eq(pe.portev_source, PORT_SOURCE_USER);
}
END_TEST

START_TEST(port_get__null_event_gives_efault)
{
	int rc, err;

	send_n(1);
	CALL(rc, err, port_get(port, NULL, &zero));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EFAULT);
}
END_TEST

START_TEST(port_get__non_port_gives_ebadfd)
{
	port_event_t pe;
	int rc, err;

	CALL(rc, err, port_get(STDERR_FILENO, &pe, &zero));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADFD);
}
END_TEST

START_TEST(port_get__closed_fd_gives_ebadf)
{
	port_event_t pe;
	int rc, err;

	CALL(rc, err, port_get(1000, &pe, &zero));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
}
END_TEST

static void
on_alarm(int sig)
{
	(void) sig;
}

START_TEST(port_get__signal_gives_eintr_even_with_sa_restart)
{
	struct sigaction sa;
	port_event_t pe;
	struct timespec ts = harness_ms(5000);
	int rc, err;

	memset(&sa, 0, sizeof (sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	ualarm(100000, 0);
	CALL(rc, err, port_get(port, &pe, &ts));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINTR);
}
END_TEST

START_TEST(port_getn__max_zero_returns_pending_count)
{
	uint_t n = 99;

	send_n(3);
	ck_assert_int_eq(port_getn(port, NULL, 0, &n, NULL), 0);
	ck_assert_uint_eq(n, 3);
	/* Counting removes nothing. */
	ck_assert_int_eq(port_getn(port, NULL, 0, &n, NULL), 0);
	ck_assert_uint_eq(n, 3);
}
END_TEST

START_TEST(port_getn__nget_above_max_gives_einval)
{
	port_event_t list[2];
	uint_t n = 3;
	int rc, err;

	CALL(rc, err, port_getn(port, list, 2, &n, &zero));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(port_getn__null_nget_gives_einval)
{
	port_event_t list[2];
	int rc, err;

	CALL(rc, err, port_getn(port, list, 2, NULL, &zero));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(port_getn__null_list_gives_efault)
{
	uint_t n = 1;
	int rc, err;

	CALL(rc, err, port_getn(port, NULL, 2, &n, &zero));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EFAULT);
}
END_TEST

START_TEST(port_getn__nget_zero_returns_at_once)
{
	port_event_t list[4];
	uint_t n = 0;

	send_n(2);
	ck_assert_int_eq(port_getn(port, list, 4, &n, NULL), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(port_getn__returns_up_to_max)
{
	port_event_t list[3];
	uint_t n = 1;

	send_n(5);
	ck_assert_int_eq(port_getn(port, list, 3, &n, NULL), 0);
	ck_assert_uint_eq(n, 3);
	for (int i = 0; i < 3; i++)
		ck_assert_ptr_eq(list[i].portev_user, (void *)(intptr_t)i);
}
END_TEST

START_TEST(port_getn__etime_returns_partial)
{
	port_event_t list[4];
	uint_t n = 3;
	struct timespec ts = harness_ms(50);
	int rc, err;

	send_n(2);
	CALL(rc, err, port_getn(port, list, 4, &n, &ts));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIME);
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_eq(list[1].portev_user, (void *)1);
}
END_TEST

START_TEST(port_getn__zero_timeout_nothing_queued_returns_zero)
{
	port_event_t list[4];
	uint_t n = 1;

	ck_assert_int_eq(port_getn(port, list, 4, &n, &zero), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

static void *
send_later(void *arg)
{
	int p = *(int *)arg;

	for (int i = 0; i < 3; i++) {
		usleep(20000);
		port_send(p, i, NULL);
	}
	return (NULL);
}

START_TEST(port_getn__waits_for_nget_events)
{
	port_event_t list[8];
	uint_t n = 3;
	pthread_t t;

	ck_assert_int_eq(pthread_create(&t, NULL, send_later, &port), 0);
	ck_assert_int_eq(port_getn(port, list, 8, &n, NULL), 0);
	ck_assert_uint_eq(n, 3);
	pthread_join(t, NULL);
}
END_TEST

START_TEST(port_getn__many_ready_fds_in_one_call)
{
	enum { N = 200 };
	int pfd[N][2];
	port_event_t list[N];
	uint_t n = N;

	for (int i = 0; i < N; i++) {
		harness_pipe(pfd[i]);
		ck_assert_int_eq(write(pfd[i][1], "x", 1), 1);
		ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
		    (uintptr_t)pfd[i][0], POLLIN, (void *)(intptr_t)i), 0);
	}
	ck_assert_int_eq(port_getn(port, list, N, &n, NULL), 0);
	ck_assert_uint_eq(n, N);
	for (int i = 0; i < N; i++) {
		close(pfd[i][0]);
		close(pfd[i][1]);
	}
}
END_TEST

/*
 * Issue 7, case 1: an FD event that goes stale while queued is skipped,
 * and the USER event taken before it is not written over.
 */
START_TEST(port_getn__stale_entry_keeps_events_already_taken)
{
	port_event_t list[2];
	struct timespec to = harness_ms(200);
	uint_t n = 2, cnt = 0;
	int fds[2], rc, err;

	harness_pipe(fds);
	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[0], POLLIN, NULL), 0);
	ck_assert_int_eq(write(fds[1], "x", 1), 1);
	ck_assert_int_eq(port_getn(port, NULL, 0, &cnt, NULL), 0);
	ck_assert_uint_eq(cnt, 1);
	ck_assert_int_eq(port_send(port, 7, NULL), 0);
	close(fds[0]);
	close(fds[1]);
	CALL(rc, err, port_getn(port, list, 2, &n, &to));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIME);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(list[0].portev_source, PORT_SOURCE_USER);
	ck_assert_int_eq(list[0].portev_events, 7);
}
END_TEST

Suite *
port_get_suite(void)
{
	Suite *s = suite_create("port_get");
	TCase *tc = harness_tcase("port_get");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, port_get__zero_timeout_nothing_queued_gives_etime);
	tcase_add_test(tc, port_getn__stale_entry_keeps_events_already_taken);
	tcase_add_test(tc, port_get__timeout_gives_etime_never_early);
	tcase_add_test(tc, port_get__invalid_timeout_gives_einval_when_it_must_wait);
	tcase_add_test(tc, port_get__negative_timeout_gives_einval_when_it_must_wait);
	tcase_add_test(tc, port_get__invalid_timeout_ignored_when_event_queued);
	tcase_add_test(tc, port_get__null_event_gives_efault);
	tcase_add_test(tc, port_get__non_port_gives_ebadfd);
	tcase_add_test(tc, port_get__closed_fd_gives_ebadf);
	tcase_add_test(tc, port_get__signal_gives_eintr_even_with_sa_restart);
	tcase_add_test(tc, port_getn__max_zero_returns_pending_count);
	tcase_add_test(tc, port_getn__nget_above_max_gives_einval);
	tcase_add_test(tc, port_getn__null_nget_gives_einval);
	tcase_add_test(tc, port_getn__null_list_gives_efault);
	tcase_add_test(tc, port_getn__nget_zero_returns_at_once);
	tcase_add_test(tc, port_getn__returns_up_to_max);
	tcase_add_test(tc, port_getn__etime_returns_partial);
	tcase_add_test(tc, port_getn__zero_timeout_nothing_queued_returns_zero);
	tcase_add_test(tc, port_getn__waits_for_nget_events);
	tcase_add_test(tc, port_getn__many_ready_fds_in_one_call);
	suite_add_tcase(s, tc);
	return (s);
}
