/* port_alert(3C). */
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

START_TEST(port_alert__set_delivers_alert_event)
{
	port_event_t pe;

	ck_assert_int_eq(port_alert(port, PORT_ALERT_SET, POLLHUP, &port), 0);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_int_eq(pe.portev_source, PORT_SOURCE_ALERT);
	ck_assert_int_eq(pe.portev_events, POLLHUP);
	ck_assert_ptr_eq(pe.portev_user, &port);
	ck_assert_uint_eq(pe.portev_object, 0);
}
END_TEST

START_TEST(port_alert__is_a_mode_until_cleared)
{
	port_event_t list[4];
	uint_t n = 1;

	ck_assert_int_eq(port_send(port, 7, NULL), 0);
	ck_assert_int_eq(port_alert(port, PORT_ALERT_SET, 1, NULL), 0);
	for (int i = 0; i < 2; i++) {
		n = 1;
		ck_assert_int_eq(port_getn(port, list, 4, &n, &zero), 0);
		ck_assert_uint_eq(n, 1);
		ck_assert_int_eq(list[0].portev_source, PORT_SOURCE_ALERT);
	}
	ck_assert_int_eq(port_alert(port, 0, 0, NULL), 0);
	n = 1;
	ck_assert_int_eq(port_getn(port, list, 4, &n, &zero), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(list[0].portev_source, PORT_SOURCE_USER);
	ck_assert_int_eq(list[0].portev_events, 7);
}
END_TEST

START_TEST(port_alert__update_while_alerted_gives_ebusy)
{
	int rc, err;

	ck_assert_int_eq(port_alert(port, PORT_ALERT_UPDATE, 1, NULL), 0);
	CALL(rc, err, port_alert(port, PORT_ALERT_UPDATE, 2, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBUSY);
}
END_TEST

START_TEST(port_alert__set_while_alerted_overwrites)
{
	port_event_t pe;

	ck_assert_int_eq(port_alert(port, PORT_ALERT_SET, 1, NULL), 0);
	ck_assert_int_eq(port_alert(port, PORT_ALERT_SET, 2, &pe), 0);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_int_eq(pe.portev_events, 2);
	ck_assert_ptr_eq(pe.portev_user, &pe);
}
END_TEST

START_TEST(port_alert__both_flags_give_einval)
{
	int rc, err;

	CALL(rc, err, port_alert(port, PORT_ALERT_SET | PORT_ALERT_UPDATE, 1,
	    NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(port_alert__zero_events_clears)
{
	port_event_t pe;
	int rc, err;

	ck_assert_int_eq(port_alert(port, PORT_ALERT_SET, 1, NULL), 0);
	ck_assert_int_eq(port_alert(port, PORT_ALERT_SET, 0, NULL), 0);
	CALL(rc, err, port_get(port, &pe, &zero));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIME);
}
END_TEST

START_TEST(port_alert__non_port_gives_ebadfd)
{
	int rc, err;

	CALL(rc, err, port_alert(STDERR_FILENO, PORT_ALERT_SET, 1, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADFD);
}
END_TEST

static void *
wait_alert(void *arg)
{
	port_event_t pe;

	(void) arg;
	if (port_get(port, &pe, NULL) != 0)
		return (NULL);
	return ((void *)(intptr_t)pe.portev_source);
}

START_TEST(port_alert__wakes_every_waiter)
{
	pthread_t t[4];
	void *res;

	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, wait_alert,
		    NULL), 0);
	usleep(100000);
	ck_assert_int_eq(port_alert(port, PORT_ALERT_SET, 1, NULL), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], &res);
		ck_assert_int_eq((int)(intptr_t)res, PORT_SOURCE_ALERT);
	}
}
END_TEST

START_TEST(port_alert__zero_events_clears_whatever_the_flags)
{
	port_event_t pe;
	int rc, err;

	ck_assert_int_eq(port_alert(port, PORT_ALERT_SET, 1, NULL), 0);
	ck_assert_int_eq(port_alert(port, PORT_ALERT_SET | PORT_ALERT_UPDATE,
	    0, NULL), 0);
	CALL(rc, err, port_get(port, &pe, &zero));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIME);
}
END_TEST

Suite *
port_alert_suite(void)
{
	Suite *s = suite_create("port_alert");
	TCase *tc = harness_tcase("port_alert");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, port_alert__set_delivers_alert_event);
	tcase_add_test(tc, port_alert__is_a_mode_until_cleared);
	tcase_add_test(tc, port_alert__update_while_alerted_gives_ebusy);
	tcase_add_test(tc, port_alert__set_while_alerted_overwrites);
	tcase_add_test(tc, port_alert__both_flags_give_einval);
	tcase_add_test(tc, port_alert__zero_events_clears);
	tcase_add_test(tc, port_alert__non_port_gives_ebadfd);
	tcase_add_test(tc, port_alert__wakes_every_waiter);
	tcase_add_test(tc, port_alert__zero_events_clears_whatever_the_flags);
	suite_add_tcase(s, tc);
	return (s);
}
