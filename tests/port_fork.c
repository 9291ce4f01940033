/*
 * Event ports and fork(2): a port is usable only in the process that made
 * it (port_create(3C)); a child keeps nothing of the library's but the
 * port fds it inherited, and the parent never sees an event for a number
 * it closed, whatever its children still hold.
 */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define	MAXFD	1024

static void
open_fds(unsigned char *set)
{
	for (int fd = 0; fd < MAXFD; fd++)
		set[fd] = fcntl(fd, F_GETFD) != -1;
}

static int
wait_child(pid_t pid)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return (WEXITSTATUS(status));
}

/*
 * Issue 7, case 4: once the child closes the port fds it inherited, it
 * holds no fd of ours (it used to keep 7 for 2 ports).
 */
START_TEST(fork__child_keeps_no_library_fd)
{
	unsigned char before[MAXFD], now[MAXFD];
	int a, b, fds[2];
	pid_t pid;

	open_fds(before);
	a = port_create();
	b = port_create();
	harness_pipe(fds);
	ck_assert_int_eq(port_associate(a, PORT_SOURCE_FD, (uintptr_t)fds[0],
	    POLLIN, NULL), 0);
	ck_assert_int_eq(port_send(b, 1, NULL), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(a);
		close(b);
		close(fds[0]);
		close(fds[1]);
		open_fds(now);
		for (int fd = 0; fd < MAXFD; fd++)
			if (now[fd] && !before[fd])
				_exit(fd < 255 ? fd + 1 : 255);
		_exit(0);
	}
	ck_assert_int_eq(wait_child(pid), 0);
	close(a);
	close(b);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

/*
 * Issue 7, case 9: the child frees what it inherited of the parent's
 * ports.  Under LeakSanitizer (the suite's ASan run) exit(3) fails the
 * child if anything was left unreachable.
 */
START_TEST(fork__child_frees_the_parents_ports)
{
	int a = port_create(), fds[2];
	pid_t pid;

	harness_pipe(fds);
	ck_assert_int_eq(port_associate(a, PORT_SOURCE_FD, (uintptr_t)fds[0],
	    POLLIN, NULL), 0);
	ck_assert_int_eq(port_send(a, 1, NULL), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int mine = port_create();

		close(a);
		close(mine);
		exit(0);
	}
	ck_assert_int_eq(wait_child(pid), 0);
	close(a);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

/*
 * Issue 7, case 2: a child keeps the old file of an associated number;
 * the parent closes the number and opens a new pipe under it.  When the
 * old file becomes readable, no event may name the parent's new fd.
 */
START_TEST(fork__child_copy_gives_no_event_for_new_fd)
{
	int port = port_create(), fds[2], nfds[2], ctl[2], old;
	struct timespec to = harness_ms(100);
	port_event_t pe;
	pid_t pid;
	char c;

	harness_pipe(fds);
	ck_assert_int_eq(pipe(ctl), 0);
	old = fds[0];
	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD, (uintptr_t)old,
	    POLLIN, NULL), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* Hold the read end until told to go. */
		close(ctl[1]);
		_exit(read(ctl[0], &c, 1) == 1 ? 0 : 1);
	}
	close(ctl[0]);
	close(fds[0]);
	harness_pipe(nfds);
	ck_assert_int_eq(nfds[0], old);
	ck_assert_int_eq(write(fds[1], "x", 1), 1);
	ck_assert_int_eq(port_get(port, &pe, &to), -1);
	ck_assert_int_eq(errno, ETIME);
	ck_assert_int_eq(write(ctl[1], "q", 1), 1);
	ck_assert_int_eq(wait_child(pid), 0);
	close(ctl[1]);
	close(fds[1]);
	close(nfds[0]);
	close(nfds[1]);
	close(port);
}
END_TEST

Suite *
port_fork_suite(void)
{
	Suite *s = suite_create("port_fork");
	TCase *tc = harness_tcase("port_fork");

	tcase_add_test(tc, fork__child_keeps_no_library_fd);
	tcase_add_test(tc, fork__child_frees_the_parents_ports);
	tcase_add_test(tc, fork__child_copy_gives_no_event_for_new_fd);
	suite_add_tcase(s, tc);
	return (s);
}
