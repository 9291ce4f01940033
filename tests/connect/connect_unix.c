/*
 * connect(3SOCKET) in the UNIX domain: a full backlog is ECONNREFUSED
 * (Linux: EAGAIN, or a wait), a path that is no socket is ENOTSOCK (Linux:
 * ECONNREFUSED), a socket of the other type is EPROTOTYPE, and the path
 * errors of the man page.
 */
#include "config.h"

#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

static int
unix_socket(int type, int nonblock)
{
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC |
	    (nonblock ? SOCK_NONBLOCK : 0), 0);

	ck_assert_int_ge(fd, 0);
	return (fd);
}

static void
assert_connect_path(int s, const char *dir, const char *name, int want)
{
	socklen_t len;
	struct sockaddr_un sun = tc_unix(dir, name, &len);
	int rc, err;

	CALL(rc, err, connect(s, (struct sockaddr *)&sun, len));
	ck_assert_int_eq(rc, want == 0 ? 0 : -1);
	ck_assert_int_eq(err, want);
}

/*
 * A listener with backlog 0 takes one connection on Linux; the next one
 * finds the backlog full.
 */
START_TEST(connect__unix_backlog_full_econnrefused)
{
	char dir[64];
	int l, a, b;

	tc_mkdir(dir);
	l = tc_unix_listener(SOCK_STREAM, 0, dir, "srv");
	a = unix_socket(SOCK_STREAM, 1);
	b = unix_socket(SOCK_STREAM, 1);
	assert_connect_path(a, dir, "srv", 0);
	assert_connect_path(b, dir, "srv", ECONNREFUSED);
	/* Nothing is in progress: asked again, the same answer. */
	assert_connect_path(b, dir, "srv", ECONNREFUSED);
	(void) close(a);
	(void) close(b);
	(void) close(l);
	tc_rmdir(dir);
}
END_TEST

/*
 * Blocking, the answer comes at once (Linux would wait for room: the
 * alarm would then make it EINTR), and the socket stays blocking.
 */
START_TEST(connect__unix_backlog_full_blocking_econnrefused)
{
	char dir[64];
	int l, a, b;

	tc_mkdir(dir);
	l = tc_unix_listener(SOCK_STREAM, 0, dir, "srv");
	a = unix_socket(SOCK_STREAM, 0);
	b = unix_socket(SOCK_STREAM, 0);
	assert_connect_path(a, dir, "srv", 0);
	tc_alarm_ms(3000);
	assert_connect_path(b, dir, "srv", ECONNREFUSED);
	tc_alarm_ms(0);
	ck_assert_int_eq(fcntl(b, F_GETFL) & O_NONBLOCK, 0);
	(void) close(a);
	(void) close(b);
	(void) close(l);
	tc_rmdir(dir);
}
END_TEST

/* Once there is room, the same socket connects. */
START_TEST(connect__unix_refused_then_connects)
{
	char dir[64];
	int l, a, b, c;

	tc_mkdir(dir);
	l = tc_unix_listener(SOCK_STREAM, 0, dir, "srv");
	a = unix_socket(SOCK_STREAM, 1);
	b = unix_socket(SOCK_STREAM, 1);
	assert_connect_path(a, dir, "srv", 0);
	assert_connect_path(b, dir, "srv", ECONNREFUSED);
	c = accept(l, NULL, NULL);
	ck_assert_int_ge(c, 0);
	assert_connect_path(b, dir, "srv", 0);
	ck_assert(tc_connected(b));
	(void) close(c);
	(void) close(a);
	(void) close(b);
	(void) close(l);
	tc_rmdir(dir);
}
END_TEST

START_TEST(connect__unix_regular_file_enotsock)
{
	char dir[64], p[128];
	int s, f;

	tc_mkdir(dir);
	(void) snprintf(p, sizeof (p), "%s/file", dir);
	f = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert_int_ge(f, 0);
	(void) close(f);
	s = unix_socket(SOCK_STREAM, 0);
	assert_connect_path(s, dir, "file", ENOTSOCK);
	(void) close(s);
	tc_rmdir(dir);
}
END_TEST

START_TEST(connect__unix_directory_enotsock)
{
	char dir[64], p[128];
	int s;

	tc_mkdir(dir);
	(void) snprintf(p, sizeof (p), "%s/sub", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	s = unix_socket(SOCK_DGRAM, 0);
	assert_connect_path(s, dir, "sub", ENOTSOCK);
	(void) close(s);
	tc_rmdir(dir);
}
END_TEST

/* A socket file nobody listens on stays ECONNREFUSED. */
START_TEST(connect__unix_not_listening_econnrefused)
{
	char dir[64];
	socklen_t len;
	struct sockaddr_un sun;
	int b, s;

	tc_mkdir(dir);
	sun = tc_unix(dir, "bound", &len);
	b = unix_socket(SOCK_STREAM, 0);
	ck_assert_int_eq(bind(b, (struct sockaddr *)&sun, len), 0);
	s = unix_socket(SOCK_STREAM, 0);
	assert_connect_path(s, dir, "bound", ECONNREFUSED);
	(void) close(s);
	(void) close(b);
	tc_rmdir(dir);
}
END_TEST

START_TEST(connect__unix_stream_to_dgram_eprototype)
{
	char dir[64];
	int l, s;

	tc_mkdir(dir);
	l = tc_unix_listener(SOCK_DGRAM, 0, dir, "dg");
	s = unix_socket(SOCK_STREAM, 0);
	assert_connect_path(s, dir, "dg", EPROTOTYPE);
	(void) close(s);
	(void) close(l);
	tc_rmdir(dir);
}
END_TEST

START_TEST(connect__unix_dgram_to_stream_eprototype)
{
	char dir[64];
	int l, s;

	tc_mkdir(dir);
	l = tc_unix_listener(SOCK_STREAM, 4, dir, "st");
	s = unix_socket(SOCK_DGRAM, 0);
	assert_connect_path(s, dir, "st", EPROTOTYPE);
	(void) close(s);
	(void) close(l);
	tc_rmdir(dir);
}
END_TEST

START_TEST(connect__unix_enoent)
{
	char dir[64];
	int s;

	tc_mkdir(dir);
	s = unix_socket(SOCK_STREAM, 0);
	assert_connect_path(s, dir, "missing", ENOENT);
	(void) close(s);
	tc_rmdir(dir);
}
END_TEST

/* A component of the path prefix is not a directory. */
START_TEST(connect__unix_enotdir)
{
	char dir[64], p[128];
	int s, f;

	tc_mkdir(dir);
	(void) snprintf(p, sizeof (p), "%s/file", dir);
	f = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	ck_assert_int_ge(f, 0);
	(void) close(f);
	s = unix_socket(SOCK_STREAM, 0);
	assert_connect_path(s, dir, "file/sock", ENOTDIR);
	(void) close(s);
	tc_rmdir(dir);
}
END_TEST

START_TEST(connect__unix_eloop)
{
	char dir[64], a[128], b[128];
	int s;

	tc_mkdir(dir);
	(void) snprintf(a, sizeof (a), "%s/a", dir);
	(void) snprintf(b, sizeof (b), "%s/b", dir);
	ck_assert_int_eq(symlink(b, a), 0);
	ck_assert_int_eq(symlink(a, b), 0);
	s = unix_socket(SOCK_STREAM, 0);
	assert_connect_path(s, dir, "a", ELOOP);
	(void) close(s);
	tc_rmdir(dir);
}
END_TEST

/*
 * Search permission denied on a component of the path prefix.  root
 * passes every permission check, so as root the connect() runs in a child
 * that has given up root (uid/gid 65534, "nobody").
 */
START_TEST(connect__unix_eacces)
{
	char dir[64], sub[128];
	pid_t pid;
	int l, status;

	tc_mkdir(dir);
	(void) snprintf(sub, sizeof (sub), "%s/locked", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	l = tc_unix_listener(SOCK_STREAM, 4, sub, "srv");
	ck_assert_int_eq(chmod(sub, 0), 0);
	ck_assert_int_eq(chmod(dir, 0755), 0);

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		socklen_t len;
		struct sockaddr_un sun = tc_unix(sub, "srv", &len);
		int s, rc;

		if (getuid() == 0 &&
		    (setgroups(0, NULL) != 0 || setgid(65534) != 0 ||
		    setuid(65534) != 0))
			_exit(100);
		if ((s = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
			_exit(101);
		rc = connect(s, (struct sockaddr *)&sun, len);
		_exit(rc == 0 ? 0 : errno);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), EACCES);
	(void) close(l);
	(void) chmod(sub, 0700);
	tc_rmdir(sub);
	tc_rmdir(dir);
}
END_TEST

Suite *
connect_unix_suite(void)
{
	Suite *s = suite_create("connect_unix");
	TCase *tc = tc_case("unix");

	tcase_add_test(tc, connect__unix_backlog_full_econnrefused);
	tcase_add_test(tc, connect__unix_backlog_full_blocking_econnrefused);
	tcase_add_test(tc, connect__unix_refused_then_connects);
	tcase_add_test(tc, connect__unix_regular_file_enotsock);
	tcase_add_test(tc, connect__unix_directory_enotsock);
	tcase_add_test(tc, connect__unix_not_listening_econnrefused);
	tcase_add_test(tc, connect__unix_stream_to_dgram_eprototype);
	tcase_add_test(tc, connect__unix_dgram_to_stream_eprototype);
	tcase_add_test(tc, connect__unix_enoent);
	tcase_add_test(tc, connect__unix_enotdir);
	tcase_add_test(tc, connect__unix_eloop);
	tcase_add_test(tc, connect__unix_eacces);
	suite_add_tcase(s, tc);
	return (s);
}
