/* port_associate(3C) and port_dissociate(3C) for PORT_SOURCE_FD. */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

static int port, fds[2];
static struct timespec zero = { 0, 0 };

static void
setup(void)
{
	port = port_create();
	ck_assert_int_ge(port, 0);
	harness_pipe(fds);
}

static void
teardown(void)
{
	close(port);
	close(fds[0]);
	close(fds[1]);
}

static void
make_readable(void)
{
	ck_assert_int_eq(write(fds[1], "x", 1), 1);
}

static void
expect_no_event(void)
{
	harness_expect_no_event(port);
}

START_TEST(port_associate__readable_fd_delivers_event)
{
	port_event_t pe;

	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[0], POLLIN, &fds), 0);
	make_readable();
	ck_assert_int_eq(port_get(port, &pe, NULL), 0);
	ck_assert_int_eq(pe.portev_source, PORT_SOURCE_FD);
	ck_assert_int_eq(pe.portev_events, POLLIN);
	ck_assert_uint_eq(pe.portev_object, (uintptr_t)fds[0]);
	ck_assert_ptr_eq(pe.portev_user, &fds);
}
END_TEST

START_TEST(port_associate__ready_at_associate_queues_event)
{
	port_event_t pe;

	make_readable();
	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[0], POLLIN, NULL), 0);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_int_eq(pe.portev_events, POLLIN);
}
END_TEST

START_TEST(port_associate__is_one_shot)
{
	port_event_t pe;

	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[0], POLLIN, NULL), 0);
	make_readable();
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	make_readable();
	expect_no_event();
}
END_TEST

START_TEST(port_associate__rearm_after_delivery)
{
	port_event_t pe;

	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
		    (uintptr_t)fds[0], POLLIN, (void *)(intptr_t)(i + 1)), 0);
		ck_assert_int_eq(port_get(port, &pe, &zero), i == 0 ? -1 : 0);
		if (i == 0)
			make_readable();
		else
			ck_assert_ptr_eq(pe.portev_user, (void *)(intptr_t)(i + 1));
	}
}
END_TEST

START_TEST(port_associate__reassociate_replaces_events_and_user)
{
	port_event_t pe;

	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[1], POLLIN, (void *)1), 0);
	expect_no_event();
	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[1], POLLOUT, (void *)2), 0);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_int_eq(pe.portev_events, POLLOUT);
	ck_assert_ptr_eq(pe.portev_user, (void *)2);
}
END_TEST

START_TEST(port_associate__reassociate_cancels_queued_event)
{
	port_event_t pe;
	uint_t n = 0;

	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[0], POLLIN, (void *)1), 0);
	make_readable();
	ck_assert_int_eq(port_getn(port, NULL, 0, &n, NULL), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[0], POLLIN, (void *)2), 0);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_ptr_eq(pe.portev_user, (void *)2);
	expect_no_event();
}
END_TEST

START_TEST(port_associate__delivers_only_requested_events)
{
	int sv[2];
	port_event_t pe;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(write(sv[1], "x", 1), 1);
	/* sv[0] is readable and writable; only POLLIN was asked for. */
	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)sv[0], POLLIN, NULL), 0);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_int_eq(pe.portev_events, POLLIN);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(port_associate__zero_events_still_reports_pollhup)
{
	port_event_t pe;

	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[0], 0, NULL), 0);
	expect_no_event();
	close(fds[1]);
	fds[1] = open("/dev/null", O_RDONLY);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_int_eq(pe.portev_events, POLLHUP);
}
END_TEST

START_TEST(port_associate__regular_file_ready_at_once)
{
	port_event_t pe;
	int fd = open("/dev/null", O_RDONLY), file;
	char path[] = "/tmp/sockshim-test-XXXXXX";

	close(fd);
	file = mkstemp(path);
	ck_assert_int_ge(file, 0);
	unlink(path);
	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD, (uintptr_t)file,
	    POLLIN | POLLOUT, NULL), 0);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_int_eq(pe.portev_events, POLLIN | POLLOUT);
	ck_assert_uint_eq(pe.portev_object, (uintptr_t)file);
	close(file);
}
END_TEST

START_TEST(port_associate__closed_fd_gives_ebadfd)
{
	int rc, err;

	close(fds[1]);
	CALL(rc, err, port_associate(port, PORT_SOURCE_FD, (uintptr_t)fds[1],
	    POLLIN, NULL));
	fds[1] = open("/dev/null", O_RDONLY);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADFD);
}
END_TEST

START_TEST(port_associate__object_over_int_max_gives_ebadfd)
{
	int rc, err;

	CALL(rc, err, port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)INT_MAX + 1, POLLIN, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADFD);
}
END_TEST

START_TEST(port_associate__unknown_source_gives_einval)
{
	int rc, err;

	CALL(rc, err, port_associate(port, PORT_SOURCE_USER,
	    (uintptr_t)fds[0], POLLIN, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(port_associate__closed_port_gives_ebadf)
{
	int rc, err;

	CALL(rc, err, port_associate(1000, PORT_SOURCE_FD, (uintptr_t)fds[0],
	    POLLIN, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
}
END_TEST

START_TEST(port_associate__non_port_fd_gives_ebadfd)
{
	int rc, err;

	CALL(rc, err, port_associate(fds[0], PORT_SOURCE_FD, (uintptr_t)fds[0],
	    POLLIN, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADFD);
}
END_TEST

/* The event is queued (counted), then the fd closed and its number reused. */
START_TEST(port_associate__closed_queued_fd_no_stale_event)
{
	int old = fds[0], nfds[2];
	uint_t n = 0;

	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD, (uintptr_t)old,
	    POLLIN, NULL), 0);
	make_readable();
	ck_assert_int_eq(port_getn(port, NULL, 0, &n, NULL), 0);
	ck_assert_uint_eq(n, 1);
	close(fds[0]);
	close(fds[1]);
	harness_pipe(nfds);
	ck_assert_int_eq(nfds[0], old);
	ck_assert_int_eq(write(nfds[1], "y", 1), 1);
	fds[0] = nfds[0];
	fds[1] = nfds[1];
	expect_no_event();
}
END_TEST

/* The fd is closed before it is ready; the new file under its number is. */
START_TEST(port_associate__closed_fd_reused_number_no_event)
{
	int old = fds[0], nfds[2];

	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD, (uintptr_t)old,
	    POLLIN, NULL), 0);
	expect_no_event();
	close(fds[0]);
	close(fds[1]);
	harness_pipe(nfds);
	ck_assert_int_eq(nfds[0], old);
	ck_assert_int_eq(write(nfds[1], "y", 1), 1);
	fds[0] = nfds[0];
	fds[1] = nfds[1];
	expect_no_event();
}
END_TEST

START_TEST(port_dissociate__removes_queued_event)
{
	uint_t n = 0;

	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[0], POLLIN, NULL), 0);
	make_readable();
	ck_assert_int_eq(port_getn(port, NULL, 0, &n, NULL), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(port_dissociate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[0]), 0);
	expect_no_event();
}
END_TEST

START_TEST(port_dissociate__stops_future_events)
{
	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[0], POLLIN, NULL), 0);
	ck_assert_int_eq(port_dissociate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[0]), 0);
	make_readable();
	expect_no_event();
}
END_TEST

START_TEST(port_dissociate__not_associated_gives_enoent)
{
	int rc, err;

	CALL(rc, err, port_dissociate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[0]));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOENT);
}
END_TEST

START_TEST(port_dissociate__after_retrieval_gives_enoent)
{
	port_event_t pe;
	int rc, err;

	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[0], POLLIN, NULL), 0);
	make_readable();
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	CALL(rc, err, port_dissociate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[0]));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOENT);
}
END_TEST

START_TEST(port_dissociate__closed_fd_gives_ebadfd)
{
	int rc, err, fd = fds[1];

	close(fds[1]);
	CALL(rc, err, port_dissociate(port, PORT_SOURCE_FD, (uintptr_t)fd));
	fds[1] = open("/dev/null", O_RDONLY);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADFD);
}
END_TEST

START_TEST(port_dissociate__unknown_source_gives_einval)
{
	int rc, err;

	CALL(rc, err, port_dissociate(port, PORT_SOURCE_USER,
	    (uintptr_t)fds[0]));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(port_dissociate__non_port_fd_gives_ebadfd)
{
	int rc, err;

	CALL(rc, err, port_dissociate(fds[1], PORT_SOURCE_FD,
	    (uintptr_t)fds[0]));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADFD);
}
END_TEST

START_TEST(port_associate__pollrdhup_is_delivered)
{
	int sv[2];
	port_event_t pe;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)sv[0], POLLRDHUP, NULL), 0);
	ck_assert_int_eq(shutdown(sv[1], SHUT_WR), 0);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_int_eq(pe.portev_events & POLLRDHUP, POLLRDHUP);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(port_associate__regular_file_closed_before_get_no_event)
{
	char path[] = "/tmp/sockshim-test-XXXXXX";
	int file = mkstemp(path), sv[2];

	ck_assert_int_ge(file, 0);
	unlink(path);
	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD, (uintptr_t)file,
	    POLLIN, NULL), 0);
	close(file);
	/* The number now names a socket that is readable. */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(sv[0], file);
	ck_assert_int_eq(write(sv[1], "x", 1), 1);
	expect_no_event();
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(port_dissociate__closed_fd_reused_number_gives_enoent)
{
	int old = fds[0], nfds[2], rc, err;

	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD, (uintptr_t)old,
	    POLLIN, NULL), 0);
	close(fds[0]);
	close(fds[1]);
	harness_pipe(nfds);
	ck_assert_int_eq(nfds[0], old);
	fds[0] = nfds[0];
	fds[1] = nfds[1];
	CALL(rc, err, port_dissociate(port, PORT_SOURCE_FD, (uintptr_t)old));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOENT);
}
END_TEST

/*
 * Issue 7, case 2: the old file stays open through a dup(); its number is
 * closed and now names a new pipe.  When the old file becomes readable,
 * no event may name the new fd.
 */
START_TEST(port_associate__dup_kept_old_file_gives_no_event_for_new_fd)
{
	int old = fds[0], keep = dup(fds[0]), nfds[2];

	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD, (uintptr_t)old,
	    POLLIN, NULL), 0);
	close(fds[0]);
	harness_pipe(nfds);
	ck_assert_int_eq(nfds[0], old);
	fds[0] = nfds[0];
	make_readable();		/* the old file, still open as keep */
	expect_no_event();
	close(keep);
	close(nfds[1]);
}
END_TEST

/* Issue 7, case 2: port_getn(max = 0) does not count that event either. */
START_TEST(port_getn__count_skips_event_of_closed_number)
{
	int old = fds[0], keep = dup(fds[0]), nfds[2];
	uint_t n = 5;

	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD, (uintptr_t)old,
	    POLLIN, NULL), 0);
	close(fds[0]);
	harness_pipe(nfds);
	ck_assert_int_eq(nfds[0], old);
	fds[0] = nfds[0];
	make_readable();
	ck_assert_int_eq(port_getn(port, NULL, 0, &n, NULL), 0);
	ck_assert_uint_eq(n, 0);
	close(keep);
	close(nfds[1]);
}
END_TEST

/*
 * Issue 7, case 7: a large fd number that is not open is refused at once,
 * without memory in proportion to the number.
 */
START_TEST(port_associate__unopened_large_fd_gives_ebadfd_in_constant_memory)
{
	struct rusage before, after;
	int rc, err;

	getrusage(RUSAGE_SELF, &before);
	CALL(rc, err, port_associate(port, PORT_SOURCE_FD, (uintptr_t)1 << 26,
	    POLLIN, NULL));
	getrusage(RUSAGE_SELF, &after);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADFD);
	/* ru_maxrss is in KiB: far less than the 3 GiB it used to take. */
	ck_assert_int_lt(after.ru_maxrss - before.ru_maxrss, 16 * 1024);
}
END_TEST

START_TEST(port_associate__unopened_fd_1_30_gives_ebadfd)
{
	int rc, err;

	CALL(rc, err, port_associate(port, PORT_SOURCE_FD, (uintptr_t)1 << 30,
	    POLLIN, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADFD);
}
END_TEST

/*
 * Issue 7, case 8: bits outside the poll(2) set are ignored by every
 * backend alike (epoll used to answer EINVAL, or change the semantics).
 */
START_TEST(port_associate__events_minus_one_watches_the_poll_set)
{
	port_event_t pe;

	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
	    (uintptr_t)fds[0], -1, NULL), 0);
	make_readable();
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_int_eq(pe.portev_events, POLLIN | POLLRDNORM);
}
END_TEST

/*
 * EPOLLEXCLUSIVE (1 << 28) must not reach epoll, which refuses it when an
 * association is renewed (EINVAL) while poll(2) ignores it.
 */
START_TEST(port_associate__exclusive_bit_is_ignored_on_reassociate)
{
	port_event_t pe;
	int ex = 1 << 28;

	make_readable();
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD,
		    (uintptr_t)fds[0], POLLIN | ex, NULL), 0);
		ck_assert_int_eq(port_get(port, &pe, &zero), 0);
		ck_assert_int_eq(pe.portev_events, POLLIN);
	}
}
END_TEST

Suite *
port_associate_suite(void)
{
	Suite *s = suite_create("port_associate");
	TCase *tc = harness_tcase("port_associate");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, port_associate__readable_fd_delivers_event);
	tcase_add_test(tc, port_associate__ready_at_associate_queues_event);
	tcase_add_test(tc, port_associate__is_one_shot);
	tcase_add_test(tc, port_associate__rearm_after_delivery);
	tcase_add_test(tc, port_associate__reassociate_replaces_events_and_user);
	tcase_add_test(tc, port_associate__reassociate_cancels_queued_event);
	tcase_add_test(tc, port_associate__delivers_only_requested_events);
	tcase_add_test(tc, port_associate__zero_events_still_reports_pollhup);
	tcase_add_test(tc, port_associate__regular_file_ready_at_once);
	tcase_add_test(tc, port_associate__closed_fd_gives_ebadfd);
	tcase_add_test(tc, port_associate__object_over_int_max_gives_ebadfd);
	tcase_add_test(tc, port_associate__unknown_source_gives_einval);
	tcase_add_test(tc, port_associate__closed_port_gives_ebadf);
	tcase_add_test(tc, port_associate__non_port_fd_gives_ebadfd);
	tcase_add_test(tc, port_associate__closed_queued_fd_no_stale_event);
	tcase_add_test(tc,
	    port_associate__dup_kept_old_file_gives_no_event_for_new_fd);
	tcase_add_test(tc, port_getn__count_skips_event_of_closed_number);
	tcase_add_test(tc,
	    port_associate__unopened_large_fd_gives_ebadfd_in_constant_memory);
	tcase_add_test(tc, port_associate__unopened_fd_1_30_gives_ebadfd);
	tcase_add_test(tc, port_associate__events_minus_one_watches_the_poll_set);
	tcase_add_test(tc, port_associate__exclusive_bit_is_ignored_on_reassociate);
	tcase_add_test(tc, port_associate__closed_fd_reused_number_no_event);
	tcase_add_test(tc, port_dissociate__removes_queued_event);
	tcase_add_test(tc, port_dissociate__stops_future_events);
	tcase_add_test(tc, port_dissociate__not_associated_gives_enoent);
	tcase_add_test(tc, port_dissociate__after_retrieval_gives_enoent);
	tcase_add_test(tc, port_dissociate__closed_fd_gives_ebadfd);
	tcase_add_test(tc, port_dissociate__unknown_source_gives_einval);
	tcase_add_test(tc, port_dissociate__non_port_fd_gives_ebadfd);
	tcase_add_test(tc, port_associate__pollrdhup_is_delivered);
	tcase_add_test(tc, port_associate__regular_file_closed_before_get_no_event);
	tcase_add_test(tc, port_dissociate__closed_fd_reused_number_gives_enoent);
	suite_add_tcase(s, tc);
	return (s);
}
