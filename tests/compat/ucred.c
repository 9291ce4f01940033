/*
 * getpeerucred(3C) and the ucred_*() accessors.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucred.h>
#include <unistd.h>

#include "harness.h"
#include "compat.h"

/* Expect getpeerucred(fd, &uc) to fail with want, leaving uc NULL. */
static void
expect_failure(int fd, int want)
{
	ucred_t *uc = NULL;
	int rc, err;

	CALL(rc, err, getpeerucred(fd, &uc));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, want);
	ck_assert_ptr_null(uc);
}

START_TEST(getpeerucred__socketpair_reports_own_credentials)
{
	ucred_t *uc = NULL;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(getpeerucred(sv[0], &uc), 0);
	ck_assert_ptr_nonnull(uc);
	ck_assert_int_eq(ucred_getpid(uc), getpid());
	ck_assert_int_eq(ucred_geteuid(uc), geteuid());
	ck_assert_int_eq(ucred_getegid(uc), getegid());
	ucred_free(uc);
	(void) close(sv[0]);
	(void) close(sv[1]);
}
END_TEST

/* The listener learns the pid of the process that connected. */
START_TEST(getpeerucred__accepted_connection_reports_connecting_process)
{
	struct sockaddr_un sun;
	char dir[] = "/tmp/sockshim-ucred-XXXXXX";
	ucred_t *uc = NULL;
	pid_t child;
	int ls, cs, status;
	char c;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	(void) memset(&sun, 0, sizeof (sun));
	sun.sun_family = AF_UNIX;
	(void) snprintf(sun.sun_path, sizeof (sun.sun_path), "%s/s", dir);
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(ls, 0);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&sun, sizeof (sun)), 0);
	ck_assert_int_eq(listen(ls, 1), 0);

	if ((child = fork()) == 0) {
		int s = socket(AF_UNIX, SOCK_STREAM, 0);

		/* Connect, then wait for the parent to hang up. */
		if (s < 0 || connect(s, (struct sockaddr *)&sun,
		    sizeof (sun)) != 0)
			_exit(1);
		_exit(read(s, &c, 1) == 0 ? 0 : 1);
	}
	ck_assert_int_gt(child, 0);
	cs = accept(ls, NULL, NULL);
	ck_assert_int_ge(cs, 0);
	ck_assert_int_eq(getpeerucred(cs, &uc), 0);
	ck_assert_int_eq(ucred_getpid(uc), child);
	ck_assert_int_eq(ucred_geteuid(uc), geteuid());
	ucred_free(uc);
	(void) close(cs);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	(void) close(ls);
	(void) unlink(sun.sun_path);
	(void) rmdir(dir);
}
END_TEST

START_TEST(getpeerucred__reuses_existing_ucred)
{
	ucred_t *uc = NULL, *first;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(getpeerucred(sv[0], &uc), 0);
	first = uc;
	ck_assert_int_eq(getpeerucred(sv[1], &uc), 0);
	ck_assert_ptr_eq(uc, first);
	ck_assert_int_eq(ucred_getpid(uc), getpid());
	ucred_free(uc);
	(void) close(sv[0]);
	(void) close(sv[1]);
}
END_TEST

START_TEST(getpeerucred__pipe_enotsup)
{
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	expect_failure(p[0], ENOTSUP);
	(void) close(p[0]);
	(void) close(p[1]);
}
END_TEST

START_TEST(getpeerucred__bad_fd_ebadf)
{
	expect_failure(-1, EBADF);
}
END_TEST

START_TEST(getpeerucred__unconnected_socket_enotconn)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_ge(s, 0);
	expect_failure(s, ENOTCONN);
	(void) close(s);
}
END_TEST

START_TEST(getpeerucred__listening_socket_enotconn)
{
	struct sockaddr_un sun;
	char dir[] = "/tmp/sockshim-ucred-XXXXXX";
	int s;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	(void) memset(&sun, 0, sizeof (sun));
	sun.sun_family = AF_UNIX;
	(void) snprintf(sun.sun_path, sizeof (sun.sun_path), "%s/s", dir);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sun, sizeof (sun)), 0);
	ck_assert_int_eq(listen(s, 1), 0);
	expect_failure(s, ENOTCONN);
	(void) close(s);
	(void) unlink(sun.sun_path);
	(void) rmdir(dir);
}
END_TEST

/* A TCP peer has no credentials here (illumos knows local ones). */
START_TEST(getpeerucred__tcp_peer_einval)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof (sin);
	int ls, cs, as;

	(void) memset(&sin, 0, sizeof (sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(ls, 0);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&sin, sizeof (sin)), 0);
	ck_assert_int_eq(listen(ls, 1), 0);
	ck_assert_int_eq(getsockname(ls, (struct sockaddr *)&sin, &len), 0);
	cs = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(cs, 0);
	ck_assert_int_eq(connect(cs, (struct sockaddr *)&sin, sizeof (sin)),
	    0);
	as = accept(ls, NULL, NULL);
	ck_assert_int_ge(as, 0);
	expect_failure(as, EINVAL);
	(void) close(as);
	(void) close(cs);
	(void) close(ls);
}
END_TEST

START_TEST(getpeerucred__null_pointer_efault)
{
	int sv[2], rc, err;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CALL(rc, err, getpeerucred(sv[0], NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EFAULT);
	(void) close(sv[0]);
	(void) close(sv[1]);
}
END_TEST

START_TEST(getpeerucred__keeps_errno_on_success)
{
	ucred_t *uc = NULL;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	errno = 12345;
	ck_assert_int_eq(getpeerucred(sv[0], &uc), 0);
	ck_assert_int_eq(errno, 12345);
	ucred_free(uc);
	(void) close(sv[0]);
	(void) close(sv[1]);
}
END_TEST

START_TEST(ucred_geteuid__null_einval)
{
	uid_t u;
	int err;

	CALL(u, err, ucred_geteuid(NULL));
	ck_assert_int_eq(u, (uid_t)-1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(ucred_free__null_is_harmless)
{
	ucred_free(NULL);
}
END_TEST

Suite *
compat_ucred_suite(void)
{
	Suite *s = suite_create("compat-ucred");
	TCase *tc = harness_tcase("getpeerucred");

	tcase_add_test(tc, getpeerucred__socketpair_reports_own_credentials);
	tcase_add_test(tc,
	    getpeerucred__accepted_connection_reports_connecting_process);
	tcase_add_test(tc, getpeerucred__reuses_existing_ucred);
	tcase_add_test(tc, getpeerucred__pipe_enotsup);
	tcase_add_test(tc, getpeerucred__bad_fd_ebadf);
	tcase_add_test(tc, getpeerucred__unconnected_socket_enotconn);
	tcase_add_test(tc, getpeerucred__listening_socket_enotconn);
	tcase_add_test(tc, getpeerucred__tcp_peer_einval);
	tcase_add_test(tc, getpeerucred__null_pointer_efault);
	tcase_add_test(tc, getpeerucred__keeps_errno_on_success);
	tcase_add_test(tc, ucred_geteuid__null_einval);
	tcase_add_test(tc, ucred_free__null_is_harmless);
	suite_add_tcase(s, tc);
	return (s);
}
