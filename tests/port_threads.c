/* Many threads on one port: every event is delivered exactly once. */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

enum { NTHREADS = 4, NEVENTS = 100000 };

static int port;
static unsigned char *seen;
static atomic_int delivered, dup_or_bad;

static void *
consumer(void *arg)
{
	port_event_t list[64];

	(void) arg;
	for (;;) {
		uint_t n = 1;

		if (port_getn(port, list, 64, &n, NULL) != 0)
			return ((void *)1);
		for (uint_t i = 0; i < n; i++) {
			uintptr_t id;

			if (list[i].portev_source == PORT_SOURCE_ALERT)
				return (NULL);
			id = (uintptr_t)list[i].portev_user;
			if (list[i].portev_source == PORT_SOURCE_FD)
				id = list[i].portev_object;
			if (id >= NEVENTS || seen[id]++ != 0)
				atomic_fetch_add(&dup_or_bad, 1);
			atomic_fetch_add(&delivered, 1);
		}
	}
}

static void
run_consumers(pthread_t *t)
{
	atomic_store(&delivered, 0);
	atomic_store(&dup_or_bad, 0);
	for (int i = 0; i < NTHREADS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, consumer, NULL), 0);
}

static void
stop_consumers(pthread_t *t, int want)
{
	long long until = harness_now_ms() + 30000;
	void *res;

	/* Bounded: a lost event must fail the test, not hang it. */
	while (atomic_load(&delivered) < want && harness_now_ms() < until)
		usleep(1000);
	ck_assert_int_eq(port_alert(port, PORT_ALERT_SET, 1, NULL), 0);
	for (int i = 0; i < NTHREADS; i++) {
		pthread_join(t[i], &res);
		ck_assert_ptr_null(res);
	}
}

START_TEST(port_getn__four_threads_user_events_each_once)
{
	pthread_t t[NTHREADS];

	port = port_create();
	seen = calloc(NEVENTS, 1);
	run_consumers(t);
	for (uintptr_t i = 0; i < NEVENTS; i++) {
		long long until = harness_now_ms() + 10000;
		int rc;

		/* EAGAIN while the port is full; anything else, or 10 s, fails. */
		while ((rc = port_send(port, 1, (void *)i)) != 0 &&
		    errno == EAGAIN && harness_now_ms() < until)
			usleep(100);
		ck_assert_int_eq(rc, 0);
	}
	stop_consumers(t, NEVENTS);
	ck_assert_int_eq(atomic_load(&delivered), NEVENTS);
	ck_assert_int_eq(atomic_load(&dup_or_bad), 0);
	free(seen);
	close(port);
}
END_TEST

START_TEST(port_getn__four_threads_fd_events_each_once)
{
	enum { NFD = 300 };
	pthread_t t[NTHREADS];
	int p[NFD][2];

	port = port_create();
	seen = calloc(NEVENTS, 1);
	for (int i = 0; i < NFD; i++) {
		harness_pipe(p[i]);
		ck_assert_int_eq(write(p[i][1], "x", 1), 1);
	}
	run_consumers(t);
	for (int i = 0; i < NFD; i++)
		ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
		    (uintptr_t)p[i][0], POLLIN, NULL), 0);
	stop_consumers(t, NFD);
	ck_assert_int_eq(atomic_load(&delivered), NFD);
	ck_assert_int_eq(atomic_load(&dup_or_bad), 0);
	for (int i = 0; i < NFD; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
	free(seen);
	close(port);
}
END_TEST

Suite *
port_threads_suite(void)
{
	Suite *s = suite_create("threads");
	TCase *tc = harness_tcase("threads");

	tcase_add_test(tc, port_getn__four_threads_user_events_each_once);
	tcase_add_test(tc, port_getn__four_threads_fd_events_each_once);
	suite_add_tcase(s, tc);
	return (s);
}
