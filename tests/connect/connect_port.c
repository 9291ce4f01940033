/*
 * connect(3SOCKET) waited for through an event port.  illumos reports a
 * pending socket error as the input/output events asked for (so_poll():
 * "In sockets the errors are represented as input/output events"), with
 * no POLLERR and no POLLHUP; Linux adds both to a refused attempt.  The
 * outcome is SO_ERROR's to tell, either way.
 */
#include "config.h"

#include <poll.h>
#include <unistd.h>

#include "util.h"

static port_event_t
wait_port(int s, int events)
{
	struct timespec ts = harness_ms(10000);
	port_event_t pe;
	int port = port_create(), rc, err;

	ck_assert_int_ge(port, 0);
	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD, (uintptr_t)s,
	    events, &ts), 0);
	CALL(rc, err, port_get(port, &pe, &ts));
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(pe.portev_source, PORT_SOURCE_FD);
	ck_assert_uint_eq(pe.portev_object, (uintptr_t)s);
	ck_assert_ptr_eq(pe.portev_user, &ts);
	(void) close(port);
	return (pe);
}

static int
refused_attempt(void)
{
	struct sockaddr_in a = tc_closed_port();
	int s = tc_tcp(1), rc, err;

	CALL(rc, err, connect(s, (struct sockaddr *)&a, sizeof (a)));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINPROGRESS);
	return (s);
}

START_TEST(connect__port_refused_pollout_only)
{
	int s = refused_attempt();
	port_event_t pe = wait_port(s, POLLOUT);

	ck_assert_int_eq(pe.portev_events, POLLOUT);
	ck_assert_int_eq(tc_soerror(s), ECONNREFUSED);
	(void) close(s);
}
END_TEST

START_TEST(connect__port_refused_in_out)
{
	int s = refused_attempt();
	port_event_t pe = wait_port(s, POLLIN | POLLOUT);

	ck_assert_int_eq(pe.portev_events, POLLIN | POLLOUT);
	ck_assert_int_eq(tc_soerror(s), ECONNREFUSED);
	(void) close(s);
}
END_TEST

/* The same wait on a successful attempt: POLLOUT, SO_ERROR 0. */
START_TEST(connect__port_success_pollout)
{
	struct sockaddr_in a;
	int l = tc_listener(SOCK_STREAM, 4, &a), s = tc_tcp(1), rc, err;
	port_event_t pe;

	CALL(rc, err, connect(s, (struct sockaddr *)&a, sizeof (a)));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINPROGRESS);
	pe = wait_port(s, POLLOUT);
	ck_assert_int_eq(pe.portev_events, POLLOUT);
	ck_assert_int_eq(tc_soerror(s), 0);
	(void) close(s);
	(void) close(l);
}
END_TEST

Suite *
connect_port_suite(void)
{
	Suite *s = suite_create("connect_port");
	TCase *tc = tc_case("port");

	tcase_add_test(tc, connect__port_refused_pollout_only);
	tcase_add_test(tc, connect__port_refused_in_out);
	tcase_add_test(tc, connect__port_success_pollout);
	suite_add_tcase(s, tc);
	return (s);
}
