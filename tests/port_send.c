/* port_send(3C) and port_sendn(3C). */
#include "config.h"

#include <pthread.h>
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

START_TEST(port_send__delivers_user_event)
{
	port_event_t pe;

	ck_assert_int_eq(port_send(port, 42, &port), 0);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_int_eq(pe.portev_source, PORT_SOURCE_USER);
	ck_assert_int_eq(pe.portev_events, 42);
	ck_assert_ptr_eq(pe.portev_user, &port);
	ck_assert_uint_eq(pe.portev_object, 0);
}
END_TEST

START_TEST(port_send__events_come_out_in_order)
{
	port_event_t list[10];
	uint_t n = 10;

	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(port_send(port, i, NULL), 0);
	ck_assert_int_eq(port_getn(port, list, 10, &n, &zero), 0);
	ck_assert_uint_eq(n, 10);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(list[i].portev_events, i);
}
END_TEST

START_TEST(port_send__full_port_gives_eagain)
{
	int rc, err;
	uint_t n = 0;

	for (int i = 0; i < 65536; i++)
		ck_assert_int_eq(port_send(port, 1, NULL), 0);
	CALL(rc, err, port_send(port, 1, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EAGAIN);
	ck_assert_int_eq(port_getn(port, NULL, 0, &n, NULL), 0);
	ck_assert_uint_eq(n, 65536);
}
END_TEST

START_TEST(port_send__non_port_gives_ebadfd)
{
	int rc, err;

	CALL(rc, err, port_send(STDERR_FILENO, 1, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADFD);
}
END_TEST

START_TEST(port_send__closed_fd_gives_ebadf)
{
	int rc, err;

	CALL(rc, err, port_send(1000, 1, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
}
END_TEST

static void *
get_one(void *arg)
{
	port_event_t pe;

	if (port_get(*(int *)arg, &pe, NULL) != 0)
		return (NULL);
	return (pe.portev_user);
}

START_TEST(port_send__wakes_blocked_getter)
{
	pthread_t t;
	void *res;

	ck_assert_int_eq(pthread_create(&t, NULL, get_one, &port), 0);
	usleep(50000);
	ck_assert_int_eq(port_send(port, 1, &zero), 0);
	pthread_join(t, &res);
	ck_assert_ptr_eq(res, &zero);
}
END_TEST

START_TEST(port_sendn__all_sent_returns_nent_errors_untouched)
{
	int ports[2], errors[2] = { -7, -7 }, other = port_create();
	port_event_t pe;

	ports[0] = port;
	ports[1] = other;
	ck_assert_int_eq(port_sendn(ports, errors, 2, 5, NULL), 2);
	ck_assert_int_eq(errors[0], -7);
	ck_assert_int_eq(errors[1], -7);
	ck_assert_int_eq(port_get(other, &pe, &zero), 0);
	ck_assert_int_eq(pe.portev_events, 5);
	close(other);
}
END_TEST

START_TEST(port_sendn__partial_returns_count_and_errors)
{
	int ports[3] = { port, 1000, STDERR_FILENO }, errors[3] = { -7, -7, -7 };
	port_event_t pe;

	ck_assert_int_eq(port_sendn(ports, errors, 3, 5, NULL), 1);
	ck_assert_int_eq(errors[0], 0);
	ck_assert_int_eq(errors[1], EBADF);
	ck_assert_int_eq(errors[2], EBADFD);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
}
END_TEST

START_TEST(port_sendn__zero_entries_gives_einval)
{
	int ports[1] = { 0 }, errors[1];
	int rc, err;

	ports[0] = port;
	CALL(rc, err, port_sendn(ports, errors, 0, 5, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(port_sendn__null_arrays_give_efault)
{
	int rc, err;

	CALL(rc, err, port_sendn(NULL, NULL, 1, 5, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EFAULT);
}
END_TEST

Suite *
port_send_suite(void)
{
	Suite *s = suite_create("port_send");
	TCase *tc = harness_tcase("port_send");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, port_send__delivers_user_event);
	tcase_add_test(tc, port_send__events_come_out_in_order);
	tcase_add_test(tc, port_send__full_port_gives_eagain);
	tcase_add_test(tc, port_send__non_port_gives_ebadfd);
	tcase_add_test(tc, port_send__closed_fd_gives_ebadf);
	tcase_add_test(tc, port_send__wakes_blocked_getter);
	tcase_add_test(tc, port_sendn__all_sent_returns_nent_errors_untouched);
	tcase_add_test(tc, port_sendn__partial_returns_count_and_errors);
	tcase_add_test(tc, port_sendn__zero_entries_gives_einval);
	tcase_add_test(tc, port_sendn__null_arrays_give_efault);
	suite_add_tcase(s, tc);
	return (s);
}
