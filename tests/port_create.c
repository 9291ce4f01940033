/* port_create(3C), and closing a port with close(2). */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

START_TEST(port_create__returns_lowest_free_fd)
{
	int fds[2], port;

	harness_pipe(fds);
	close(fds[0]);
	port = port_create();
	ck_assert_int_eq(port, fds[0]);
	close(port);
	close(fds[1]);
}
END_TEST

START_TEST(port_create__emfile_when_fd_table_full)
{
	struct rlimit saved, rl;
	int rc, err, fds[2];

	/* Leave exactly one free fd: a port needs more than one. */
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &saved), 0);
	harness_pipe(fds);
	close(fds[1]);
	rl.rlim_cur = (rlim_t)fds[0] + 2;
	rl.rlim_max = saved.rlim_max;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	CALL(rc, err, port_create());
	/* Restore before asserting: a failed test must not leave it low. */
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &saved), 0);
	close(fds[0]);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EMFILE);
}
END_TEST

START_TEST(port_create__eagain_past_8192_ports)
{
	enum { MAXPORTS = 8192 };
	struct rlimit rl;
	static int ports[MAXPORTS];
	int rc, err, n;

	/* Each port holds four fds; make room for them all. */
	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 4 * MAXPORTS + 64) {
		/* Root may raise the hard limit. */
		struct rlimit more = { 4 * MAXPORTS + 64, 4 * MAXPORTS + 64 };

		if (setrlimit(RLIMIT_NOFILE, &more) == 0)
			rl = more;
	}
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 4 * MAXPORTS + 64) {
		printf("port_create__eagain_past_8192_ports: skipped, "
		    "RLIMIT_NOFILE hard limit %lu is too low\n",
		    (unsigned long)rl.rlim_max);
		return;
	}
	rl.rlim_cur = 4 * MAXPORTS + 64;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	for (n = 0; n < MAXPORTS; n++) {
		ports[n] = port_create();
		ck_assert_int_ge(ports[n], 0);
	}
	CALL(rc, err, port_create());
	for (n = 0; n < MAXPORTS; n++)
		close(ports[n]);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EAGAIN);
}
END_TEST

START_TEST(port_create__fd_polls_readable_while_events_queued)
{
	int port = port_create();
	struct pollfd pfd = { .fd = port, .events = POLLIN };
	port_event_t pe;
	struct timespec zero = { 0, 0 };

	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	ck_assert_int_eq(port_send(port, 1, NULL), 0);
	ck_assert_int_eq(poll(&pfd, 1, 0), 1);
	ck_assert_int_eq(pfd.revents, POLLIN);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	close(port);
}
END_TEST

START_TEST(port_create__ports_are_independent)
{
	int a = port_create(), b = port_create(), rc, err;
	port_event_t pe;
	struct timespec zero = { 0, 0 };

	ck_assert_int_eq(port_send(a, 1, NULL), 0);
	CALL(rc, err, port_get(b, &pe, &zero));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIME);
	close(a);
	close(b);
}
END_TEST

static atomic_int waiter_tid[2];

static void *
get_forever(void *arg)
{
	int port = *(int *)arg;
	port_event_t pe;
	int rc;

	atomic_store(&waiter_tid[0], harness_tid());
	rc = port_get(port, &pe, NULL);

	return ((void *)(intptr_t)(rc == -1 ? errno : 0));
}

START_TEST(port_close__wakes_waiter_with_ebadfd)
{
	int port = port_create();
	pthread_t t;
	void *res;

	atomic_store(&waiter_tid[0], 0);
	ck_assert_int_eq(pthread_create(&t, NULL, get_forever, &port), 0);
	while (atomic_load(&waiter_tid[0]) == 0)
		usleep(1000);
	harness_wait_blocked(atomic_load(&waiter_tid[0]));
	close(port);
	ck_assert_int_eq(pthread_join(t, &res), 0);
	ck_assert_int_eq((int)(intptr_t)res, EBADFD);
}
END_TEST

START_TEST(port_close__later_send_gives_ebadf)
{
	int port = port_create(), rc, err;

	close(port);
	CALL(rc, err, port_send(port, 1, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
}
END_TEST

START_TEST(port_close__releases_every_fd)
{
	/* The fixture fails this test if the ports' fds are not released. */
	for (int i = 0; i < 50; i++) {
		int port = port_create(), fds[2];

		harness_pipe(fds);
		ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
		    (uintptr_t)fds[0], POLLIN, NULL), 0);
		ck_assert_int_eq(port_send(port, 1, NULL), 0);
		close(port);
		close(fds[0]);
		close(fds[1]);
	}
}
END_TEST

/*
 * A forked child may create and use ports of its own; closing the port it
 * inherited must not disturb the parent's (port_create(3C), fork).
 */
START_TEST(port_create__child_after_fork_gets_its_own_ports)
{
	int port = port_create(), status;
	port_event_t pe;
	struct timespec zero = { 0, 0 };
	pid_t pid;

	ck_assert_int_eq(port_send(port, 1, NULL), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int mine;

		close(port);
		mine = port_create();
		if (mine < 0 || port_send(mine, 2, NULL) != 0 ||
		    port_get(mine, &pe, &zero) != 0 || pe.portev_events != 2)
			_exit(1);
		close(mine);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_int_eq(pe.portev_events, 1);
	close(port);
}
END_TEST

static atomic_int next_waiter;

static void *
getn_forever(void *arg)
{
	int port = *(int *)arg;
	port_event_t list[2];
	uint_t n = 1;
	int rc;

	atomic_store(&waiter_tid[atomic_fetch_add(&next_waiter, 1)],
	    harness_tid());
	rc = port_getn(port, list, 2, &n, NULL);

	return ((void *)(intptr_t)(rc == -1 ? errno : 0));
}

/* One thread waits in the backend, the other behind it: both see EBADFD. */
START_TEST(port_close__wakes_every_waiter_with_ebadfd)
{
	int port = port_create();
	pthread_t t[2];
	void *res;

	atomic_store(&next_waiter, 0);
	for (int i = 0; i < 2; i++) {
		atomic_store(&waiter_tid[i], 0);
		ck_assert_int_eq(pthread_create(&t[i], NULL, getn_forever,
		    &port), 0);
	}
	for (int i = 0; i < 2; i++) {
		while (atomic_load(&waiter_tid[i]) == 0)
			usleep(1000);
		harness_wait_blocked(atomic_load(&waiter_tid[i]));
	}
	close(port);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(pthread_join(t[i], &res), 0);
		ck_assert_int_eq((int)(intptr_t)res, EBADFD);
	}
}
END_TEST

START_TEST(port_close__reused_number_is_not_a_port)
{
	int port = port_create(), fd, rc, err;

	close(port);
	fd = open("/dev/null", O_RDONLY);
	ck_assert_int_eq(fd, port);
	CALL(rc, err, port_send(fd, 1, NULL));
	close(fd);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADFD);
}
END_TEST

START_TEST(port_create__dup_of_port_is_the_same_port)
{
	int port = port_create(), d = dup(port);
	port_event_t pe;
	struct timespec zero = { 0, 0 };

	ck_assert_int_eq(port_send(d, 9, NULL), 0);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_int_eq(pe.portev_events, 9);
	close(d);
	close(port);
}
END_TEST

START_TEST(port_close__dup_keeps_port_and_number_is_reused)
{
	int port = port_create(), d = dup(port), fd, rc, err;

	close(port);
	fd = open("/dev/null", O_RDONLY);
	ck_assert_int_eq(fd, port);
	CALL(rc, err, port_send(fd, 1, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADFD);
	ck_assert_int_eq(port_send(d, 1, NULL), 0);
	close(fd);
	close(d);
}
END_TEST

/* Issue 7, case 3: port_get on a reused number is EBADFD, dup or not. */
START_TEST(port_close__dup_open_reused_number_get_gives_ebadfd)
{
	int port = port_create(), d = dup(port), fd, rc, err;
	port_event_t pe;
	struct timespec zero = { 0, 0 };

	close(port);
	fd = open("/dev/null", O_RDONLY);
	ck_assert_int_eq(fd, port);
	CALL(rc, err, port_get(fd, &pe, &zero));
	close(fd);
	close(d);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADFD);
}
END_TEST

START_TEST(port_close__dup_open_reused_number_associate_gives_ebadfd)
{
	int port = port_create(), d = dup(port), fd, rc, err, fds[2];

	harness_pipe(fds);
	close(port);
	fd = open("/dev/null", O_RDONLY);
	ck_assert_int_eq(fd, port);
	CALL(rc, err, port_associate(fd, PORT_SOURCE_FD, (uintptr_t)fds[0],
	    POLLIN, NULL));
	close(fd);
	close(d);
	close(fds[0]);
	close(fds[1]);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADFD);
}
END_TEST

/* Issue 7, case 3: a new port on the original number leaves the dup alone. */
START_TEST(port_create__reusing_dup_origin_number_keeps_the_dup)
{
	int port = port_create(), d = dup(port), again;
	port_event_t pe;
	struct timespec zero = { 0, 0 };

	close(port);
	again = port_create();
	ck_assert_int_eq(again, port);
	ck_assert_int_eq(port_send(d, 4, NULL), 0);
	ck_assert_int_eq(port_get(d, &pe, &zero), 0);
	ck_assert_int_eq(pe.portev_events, 4);
	ck_assert_int_eq(port_get(again, &pe, &zero), -1);
	close(again);
	close(d);
}
END_TEST

/* Issue 7, case 6: EBADF from the very first call after close(2). */
START_TEST(port_close__associate_right_after_gives_ebadf)
{
	int fds[2], rc = 0, err = 0;

	harness_pipe(fds);
	for (int i = 0; i < 100 && rc == 0; i++) {
		int port = port_create();

		close(port);
		CALL(rc, err, port_associate(port, PORT_SOURCE_FD,
		    (uintptr_t)fds[0], POLLIN, NULL));
	}
	close(fds[0]);
	close(fds[1]);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
}
END_TEST

static void *
getn_two(void *arg)
{
	int port = *(int *)arg;
	port_event_t list[2];
	uint_t n = 2;

	atomic_store(&waiter_tid[0], harness_tid());
	(void) port_getn(port, list, 2, &n, NULL);
	return (NULL);
}

/*
 * Issue 7, case 5: a waiter woken by close(2) must not read from the
 * number, which may name the application's new socket by then.
 */
START_TEST(port_close__waiter_never_reads_the_reused_number)
{
	for (int trial = 0; trial < 40; trial++) {
		int port = port_create(), sv[2];
		char buf[16] = "";
		pthread_t t;
		ssize_t n;

		ck_assert_int_eq(port_send(port, 1, NULL), 0);
		atomic_store(&waiter_tid[0], 0);
		ck_assert_int_eq(pthread_create(&t, NULL, getn_two, &port), 0);
		while (atomic_load(&waiter_tid[0]) == 0)
			usleep(100);
		harness_wait_blocked(atomic_load(&waiter_tid[0]));
		close(port);
		ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		ck_assert_int_eq(write(sv[1], "ABCDEFGH", 8), 8);
		ck_assert_int_eq(pthread_join(t, NULL), 0);
		n = recv(sv[0], buf, sizeof (buf) - 1, MSG_DONTWAIT);
		close(sv[0]);
		close(sv[1]);
		ck_assert_int_eq(n, 8);
		ck_assert_str_eq(buf, "ABCDEFGH");
	}
}
END_TEST

Suite *
port_create_suite(void)
{
	Suite *s = suite_create("port_create");
	TCase *tc = harness_tcase("port_create");

	tcase_add_test(tc, port_create__returns_lowest_free_fd);
	tcase_add_test(tc, port_create__emfile_when_fd_table_full);
	tcase_add_test(tc, port_create__eagain_past_8192_ports);
	tcase_add_test(tc, port_create__fd_polls_readable_while_events_queued);
	tcase_add_test(tc, port_create__ports_are_independent);
	tcase_add_test(tc, port_create__child_after_fork_gets_its_own_ports);
	tcase_add_test(tc, port_close__wakes_waiter_with_ebadfd);
	tcase_add_test(tc, port_close__later_send_gives_ebadf);
	tcase_add_test(tc, port_close__releases_every_fd);
	tcase_add_test(tc, port_close__wakes_every_waiter_with_ebadfd);
	tcase_add_test(tc, port_close__reused_number_is_not_a_port);
	tcase_add_test(tc, port_create__dup_of_port_is_the_same_port);
	tcase_add_test(tc, port_close__dup_keeps_port_and_number_is_reused);
	tcase_add_test(tc, port_close__dup_open_reused_number_get_gives_ebadfd);
	tcase_add_test(tc,
	    port_close__dup_open_reused_number_associate_gives_ebadfd);
	tcase_add_test(tc, port_create__reusing_dup_origin_number_keeps_the_dup);
	tcase_add_test(tc, port_close__associate_right_after_gives_ebadf);
	tcase_add_test(tc, port_close__waiter_never_reads_the_reused_number);
	suite_add_tcase(s, tc);
	return (s);
}
