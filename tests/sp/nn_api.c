/*
 * nn_socket, nn_close, nn_bind, nn_connect, nn_shutdown, nn_setsockopt,
 * nn_getsockopt, nn_allocmsg/nn_freemsg, nn_strerror: argument checking
 * and errno values (nanomsg's, sp-protocol.md 2.2 and 3.1).
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <nanomsg/nn.h>
#include <nanomsg/pair.h>
#include <nanomsg/pipeline.h>
#include <nanomsg/pubsub.h>
#include <nanomsg/tcp.h>

#include "util.h"

START_TEST(nn_socket__pair_first_id_nonnegative)
{
	int s = nn_socket(AF_SP, NN_PAIR);

	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(nn_socket__bad_domain_eafnosupport)
{
	int rc, err;

	CALL(rc, err, nn_socket(99, NN_PAIR));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EAFNOSUPPORT);
}
END_TEST

START_TEST(nn_socket__bad_protocol_einval)
{
	int rc, err;

	CALL(rc, err, nn_socket(AF_SP, 4242));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(nn_socket__unimplemented_protocol_einval)
{
	int rc, err;

	/* BUS (7*16) and SURVEYOR (6*16+2) are not implemented yet. */
	CALL(rc, err, nn_socket(AF_SP, 7 * 16));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	CALL(rc, err, nn_socket(AF_SP, 6 * 16 + 2));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(nn_socket__emfile_after_512)
{
	static int s[513];
	int n, rc, err;

	for (n = 0; n < 512; n++) {
		s[n] = nn_socket(AF_SP, NN_PAIR);
		if (s[n] < 0)
			break;
	}
	ck_assert_int_eq(n, 512);
	CALL(rc, err, nn_socket(AF_SP, NN_PAIR));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EMFILE);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(nn_close(s[i]), 0);
}
END_TEST

START_TEST(nn_close__bad_socket_ebadf)
{
	int rc, err;

	CALL(rc, err, nn_close(-1));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
	CALL(rc, err, nn_close(100000));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
}
END_TEST

START_TEST(nn_close__twice_ebadf)
{
	int s = nn_socket(AF_SP, NN_PAIR), rc, err;

	ck_assert_int_eq(nn_close(s), 0);
	CALL(rc, err, nn_close(s));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
}
END_TEST

static void
expect_ep_err(int dial, const char *addr, int want)
{
	int s = nn_socket(AF_SP, NN_PAIR), rc, err;

	ck_assert_int_ge(s, 0);
	CALL(rc, err, dial ? nn_connect(s, addr) : nn_bind(s, addr));
	ck_assert_msg(rc == -1 && err == want, "%s(%s): rc %d errno %s, "
	    "want %s", dial ? "nn_connect" : "nn_bind", addr ? addr : "NULL",
	    rc, strerror(err), strerror(want));
	ck_assert_int_eq(nn_close(s), 0);
}

START_TEST(nn_connect__bad_socket_ebadf)
{
	int rc, err;

	CALL(rc, err, nn_connect(77, "tcp://127.0.0.1:5555"));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
}
END_TEST

START_TEST(nn_connect__null_einval)
{
	expect_ep_err(1, NULL, EINVAL);
}
END_TEST

START_TEST(nn_connect__too_long_enametoolong)
{
	char addr[NN_SOCKADDR_MAX + 16];

	memset(addr, 'a', sizeof (addr));
	memcpy(addr, "tcp://", 6);
	addr[NN_SOCKADDR_MAX] = '\0';	/* 128 characters: one too many */
	expect_ep_err(1, addr, ENAMETOOLONG);
}
END_TEST

START_TEST(nn_connect__no_scheme_einval)
{
	expect_ep_err(1, "127.0.0.1:5555", EINVAL);
}
END_TEST

START_TEST(nn_connect__unknown_transport_eprotonosupport)
{
	expect_ep_err(1, "foo://bar", EPROTONOSUPPORT);
	expect_ep_err(1, "abstract://x", EPROTONOSUPPORT);
}
END_TEST

START_TEST(nn_connect__tcp_bad_addresses_einval)
{
	static const char *bad[] = {
		"tcp://127.0.0.1", "tcp://127.0.0.1:", "tcp://*:5555",
		"tcp://:5555", "tcp://-hostname:5555",
		"tcp://abc..123:5555", "tcp://127.0.0.1:1000000",
		"tcp://127.0.0.1:x", "tcp://[::1]:5555",
	};

	for (size_t i = 0; i < sizeof (bad) / sizeof (bad[0]); i++)
		expect_ep_err(1, bad[i], EINVAL);
}
END_TEST

START_TEST(nn_connect__tcp_bad_interface_enodev)
{
	expect_ep_err(1, "tcp://eth10000;127.0.0.1:5555", ENODEV);
}
END_TEST

START_TEST(nn_connect__ipv6_literal_with_ipv4only_off)
{
	int s = nn_socket(AF_SP, NN_PAIR), zero = 0;

	ck_assert_int_eq(nn_setsockopt(s, NN_SOL_SOCKET, NN_IPV4ONLY, &zero,
	    sizeof (zero)), 0);
	ck_assert_int_gt(nn_connect(s, "tcp://[::1]:5555"), 0);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(nn_connect__hostname_and_local_iface_accepted)
{
	int s = nn_socket(AF_SP, NN_PAIR);

	ck_assert_int_gt(nn_connect(s, "tcp://localhost:5555"), 0);
	ck_assert_int_gt(nn_connect(s, "tcp://127.0.0.1;127.0.0.1:5555"), 0);
	ck_assert_int_gt(nn_connect(s, "tcp://lo;localhost:5555"), 0);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(nn_connect__ids_positive_increasing_never_reused)
{
	int s = nn_socket(AF_SP, NN_PAIR), t = nn_socket(AF_SP, NN_PAIR);
	int a, b, c;

	a = nn_connect(s, "tcp://127.0.0.1:5555");
	ck_assert_int_gt(a, 0);
	ck_assert_int_eq(nn_shutdown(s, a), 0);
	b = nn_connect(s, "tcp://127.0.0.1:5555");
	ck_assert_int_gt(b, a);
	c = nn_connect(t, "tcp://127.0.0.1:5555");
	ck_assert_int_gt(c, b);
	ck_assert_int_eq(nn_close(s), 0);
	ck_assert_int_eq(nn_close(t), 0);
}
END_TEST

START_TEST(nn_connect__nothing_listening_still_succeeds)
{
	char url[64];
	int s = nn_socket(AF_SP, NN_PAIR);

	spt_tcp_url(url, sizeof (url));
	ck_assert_int_gt(nn_connect(s, url), 0);
	spt_ipc_url(url, sizeof (url));
	ck_assert_int_gt(nn_connect(s, url), 0);
	spt_inproc_url(url, sizeof (url));
	ck_assert_int_gt(nn_connect(s, url), 0);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(nn_bind__tcp_bad_interface_enodev)
{
	expect_ep_err(0, "tcp://localhost:5555", ENODEV);
	expect_ep_err(0, "tcp://:5555", ENODEV);
	expect_ep_err(0, "tcp://[::1]:5555", ENODEV);	/* NN_IPV4ONLY=1 */
}
END_TEST

START_TEST(nn_bind__tcp_bad_port_einval)
{
	expect_ep_err(0, "tcp://127.0.0.1", EINVAL);
	expect_ep_err(0, "tcp://127.0.0.1:65536", EINVAL);
	expect_ep_err(0, "tcp://*:", EINVAL);
}
END_TEST

START_TEST(nn_bind__tcp_in_use_eaddrinuse)
{
	char url[64];
	int s = nn_socket(AF_SP, NN_PAIR), t = nn_socket(AF_SP, NN_PAIR);
	int rc, err;

	spt_tcp_url(url, sizeof (url));
	ck_assert_int_gt(nn_bind(s, url), 0);
	CALL(rc, err, nn_bind(t, url));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EADDRINUSE);
	ck_assert_int_eq(nn_close(s), 0);
	ck_assert_int_eq(nn_close(t), 0);
}
END_TEST

START_TEST(nn_bind__tcp_port_zero_and_wildcard)
{
	int s = nn_socket(AF_SP, NN_PAIR);

	ck_assert_int_gt(nn_bind(s, "tcp://127.0.0.1:0"), 0);
	ck_assert_int_gt(nn_bind(s, "tcp://*:0"), 0);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(nn_bind__ipc_path_too_long_enametoolong)
{
	char addr[NN_SOCKADDR_MAX];
	struct sockaddr_un sun;

	/* Fits NN_SOCKADDR_MAX, not sun_path: an error, never an abort. */
	memset(addr, 'p', sizeof (addr));
	memcpy(addr, "ipc:///tmp/", 11);
	addr[6 + sizeof (sun.sun_path) + 4] = '\0';
	expect_ep_err(0, addr, ENAMETOOLONG);
	expect_ep_err(1, addr, ENAMETOOLONG);
}
END_TEST

START_TEST(nn_bind__ipc_empty_path_einval)
{
	expect_ep_err(0, "ipc://", EINVAL);
}
END_TEST

START_TEST(nn_bind__ipc_stale_file_replaced)
{
	char url[64];
	struct sockaddr_un sun;
	int fd, s;

	spt_ipc_url(url, sizeof (url));
	/* A socket file nobody listens on any more. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&sun, 0, sizeof (sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, spt_ipc_path(url));
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof (sun)), 0);
	close(fd);
	s = nn_socket(AF_SP, NN_PAIR);
	ck_assert_int_gt(nn_bind(s, url), 0);
	ck_assert_int_eq(nn_close(s), 0);
	/* ...and the listener removes its own file on close. */
	ck_assert_int_eq(access(spt_ipc_path(url), F_OK), -1);
}
END_TEST

START_TEST(nn_bind__ipc_live_socket_not_stolen)
{
	char url[64];
	int s = spt_socket(NN_PAIR, 2000), t = nn_socket(AF_SP, NN_PAIR);
	int c = spt_socket(NN_PAIR, 2000), rc, err;

	spt_ipc_url(url, sizeof (url));
	ck_assert_int_gt(nn_bind(s, url), 0);
	CALL(rc, err, nn_bind(t, url));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EADDRINUSE);
	ck_assert_int_eq(nn_close(t), 0);
	/* The first listener still owns the path and still works. */
	ck_assert_int_gt(nn_connect(c, url), 0);
	spt_send(c, "still mine");
	spt_expect(s, "still mine");
	ck_assert_int_eq(nn_close(c), 0);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(nn_bind__ipc_regular_file_not_removed)
{
	char url[64];
	int fd, rc, err, s;

	spt_ipc_url(url, sizeof (url));
	fd = open(spt_ipc_path(url), O_CREAT | O_WRONLY, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	s = nn_socket(AF_SP, NN_PAIR);
	CALL(rc, err, nn_bind(s, url));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EADDRINUSE);
	ck_assert_int_eq(access(spt_ipc_path(url), F_OK), 0);
	unlink(spt_ipc_path(url));
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(nn_bind__inproc_duplicate_eaddrinuse)
{
	char url[64];
	int s = nn_socket(AF_SP, NN_PAIR), t = nn_socket(AF_SP, NN_PAIR);
	int rc, err, eid;

	spt_inproc_url(url, sizeof (url));
	eid = nn_bind(s, url);
	ck_assert_int_gt(eid, 0);
	CALL(rc, err, nn_bind(t, url));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EADDRINUSE);
	/* Free again once the first endpoint is shut down. */
	ck_assert_int_eq(nn_shutdown(s, eid), 0);
	ck_assert_int_gt(nn_bind(t, url), 0);
	ck_assert_int_eq(nn_close(s), 0);
	ck_assert_int_eq(nn_close(t), 0);
}
END_TEST

START_TEST(nn_shutdown__unknown_eid_einval)
{
	int s = nn_socket(AF_SP, NN_PAIR), rc, err;

	CALL(rc, err, nn_shutdown(s, 12345678));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	ck_assert_int_eq(nn_close(s), 0);
	CALL(rc, err, nn_shutdown(s, 1));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
}
END_TEST

START_TEST(nn_shutdown__twice_einval)
{
	int s = nn_socket(AF_SP, NN_PAIR), rc, err;
	int eid = nn_bind(s, "tcp://127.0.0.1:0");

	ck_assert_int_gt(eid, 0);
	ck_assert_int_eq(nn_shutdown(s, eid), 0);
	CALL(rc, err, nn_shutdown(s, eid));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

static int
getint(int s, int level, int opt)
{
	int v = -12345;
	size_t len = sizeof (v);

	ck_assert_int_eq(nn_getsockopt(s, level, opt, &v, &len), 0);
	ck_assert_uint_eq(len, sizeof (int));
	return (v);
}

START_TEST(nn_getsockopt__nanomsg_defaults)
{
	int s = nn_socket(AF_SP, NN_PAIR);

	ck_assert_int_eq(getint(s, NN_SOL_SOCKET, NN_LINGER), 1000);
	ck_assert_int_eq(getint(s, NN_SOL_SOCKET, NN_SNDBUF), 128 * 1024);
	ck_assert_int_eq(getint(s, NN_SOL_SOCKET, NN_RCVBUF), 128 * 1024);
	ck_assert_int_eq(getint(s, NN_SOL_SOCKET, NN_SNDTIMEO), -1);
	ck_assert_int_eq(getint(s, NN_SOL_SOCKET, NN_RCVTIMEO), -1);
	ck_assert_int_eq(getint(s, NN_SOL_SOCKET, NN_RECONNECT_IVL), 100);
	ck_assert_int_eq(getint(s, NN_SOL_SOCKET, NN_RECONNECT_IVL_MAX), 0);
	ck_assert_int_eq(getint(s, NN_SOL_SOCKET, NN_RCVMAXSIZE), 1048576);
	ck_assert_int_eq(getint(s, NN_SOL_SOCKET, NN_IPV4ONLY), 1);
	ck_assert_int_eq(getint(s, NN_SOL_SOCKET, NN_DOMAIN), AF_SP);
	ck_assert_int_eq(getint(s, NN_SOL_SOCKET, NN_PROTOCOL), NN_PAIR);
	ck_assert_int_eq(getint(s, NN_SOL_SOCKET, NN_MAXTTL), 8);
	ck_assert_int_eq(getint(s, NN_TCP, NN_TCP_NODELAY), 0);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(nn_setsockopt__roundtrip)
{
	int s = nn_socket(AF_SP, NN_PAIR), v = 250;

	ck_assert_int_eq(nn_setsockopt(s, NN_SOL_SOCKET, NN_RECONNECT_IVL_MAX,
	    &v, sizeof (v)), 0);
	ck_assert_int_eq(getint(s, NN_SOL_SOCKET, NN_RECONNECT_IVL_MAX), 250);
	v = -1;
	ck_assert_int_eq(nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVMAXSIZE, &v,
	    sizeof (v)), 0);
	ck_assert_int_eq(getint(s, NN_SOL_SOCKET, NN_RCVMAXSIZE), -1);
	v = 1;
	ck_assert_int_eq(nn_setsockopt(s, NN_TCP, NN_TCP_NODELAY, &v,
	    sizeof (v)), 0);
	ck_assert_int_eq(getint(s, NN_TCP, NN_TCP_NODELAY), 1);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

static void
expect_setopt_err(int s, int level, int opt, int v, size_t len, int want)
{
	int rc, err;

	CALL(rc, err, nn_setsockopt(s, level, opt, &v, len));
	ck_assert_msg(rc == -1 && err == want,
	    "setsockopt(%d, %d, %d): rc %d errno %d want %d", level, opt, v,
	    rc, err, want);
}

START_TEST(nn_setsockopt__bad_values_einval)
{
	int s = nn_socket(AF_SP, NN_PAIR);

	expect_setopt_err(s, NN_SOL_SOCKET, NN_SNDBUF, 0, sizeof (int),
	    EINVAL);
	expect_setopt_err(s, NN_SOL_SOCKET, NN_RCVBUF, -5, sizeof (int),
	    EINVAL);
	expect_setopt_err(s, NN_SOL_SOCKET, NN_RECONNECT_IVL, -1,
	    sizeof (int), EINVAL);
	expect_setopt_err(s, NN_SOL_SOCKET, NN_RCVMAXSIZE, -2, sizeof (int),
	    EINVAL);
	expect_setopt_err(s, NN_TCP, NN_TCP_NODELAY, 2, sizeof (int), EINVAL);
	expect_setopt_err(s, NN_SOL_SOCKET, NN_LINGER, 1, 2, EINVAL);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(nn_setsockopt__unknown_or_readonly_enoprotoopt)
{
	int s = nn_socket(AF_SP, NN_PAIR);

	expect_setopt_err(s, NN_SOL_SOCKET, 999, 1, sizeof (int),
	    ENOPROTOOPT);
	expect_setopt_err(s, NN_SOL_SOCKET, NN_SNDFD, 1, sizeof (int),
	    ENOPROTOOPT);
	expect_setopt_err(s, NN_SOL_SOCKET, NN_DOMAIN, 1, sizeof (int),
	    ENOPROTOOPT);
	expect_setopt_err(s, 12345, 1, 1, sizeof (int), ENOPROTOOPT);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(nn_getsockopt__fd_options_by_direction)
{
	int push = nn_socket(AF_SP, NN_PUSH), pull = nn_socket(AF_SP, NN_PULL);
	int v, rc, err;
	size_t len = sizeof (v);

	CALL(rc, err, nn_getsockopt(push, NN_SOL_SOCKET, NN_RCVFD, &v, &len));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOPROTOOPT);
	CALL(rc, err, nn_getsockopt(pull, NN_SOL_SOCKET, NN_SNDFD, &v, &len));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOPROTOOPT);
	ck_assert_int_ge(getint(push, NN_SOL_SOCKET, NN_SNDFD), 0);
	ck_assert_int_ge(getint(pull, NN_SOL_SOCKET, NN_RCVFD), 0);
	/* The same fd each time; nn_close closes it (fd-leak fixture). */
	ck_assert_int_eq(getint(pull, NN_SOL_SOCKET, NN_RCVFD),
	    getint(pull, NN_SOL_SOCKET, NN_RCVFD));
	ck_assert_int_eq(nn_close(push), 0);
	ck_assert_int_eq(nn_close(pull), 0);
}
END_TEST

START_TEST(nn_allocmsg__bad_type_einval)
{
	void *m;
	int err;

	errno = 0;
	m = nn_allocmsg(10, 1);
	err = errno;
	ck_assert_ptr_null(m);
	ck_assert_int_eq(err, EINVAL);
	m = nn_allocmsg(10, 0);
	ck_assert_ptr_nonnull(m);
	memset(m, 'x', 10);
	m = nn_reallocmsg(m, 100000);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(((char *)m)[9], 'x');
	ck_assert_int_eq(nn_freemsg(m), 0);
}
END_TEST

START_TEST(nn_strerror__nanomsg_errors_named)
{
	ck_assert_str_eq(nn_strerror(ETERM), "Nanomsg library was terminated");
	ck_assert_str_eq(nn_strerror(EINVAL), strerror(EINVAL));
	errno = EBADF;
	ck_assert_int_eq(nn_errno(), EBADF);
}
END_TEST

Suite *
nn_api_suite(void)
{
	Suite *su = suite_create("nn_api");
	TCase *tc;

	tc = harness_tcase("nn_socket");
	tcase_add_test(tc, nn_socket__pair_first_id_nonnegative);
	tcase_add_test(tc, nn_socket__bad_domain_eafnosupport);
	tcase_add_test(tc, nn_socket__bad_protocol_einval);
	tcase_add_test(tc, nn_socket__unimplemented_protocol_einval);
	tcase_add_test(tc, nn_socket__emfile_after_512);
	suite_add_tcase(su, tc);

	tc = harness_tcase("nn_close");
	tcase_add_test(tc, nn_close__bad_socket_ebadf);
	tcase_add_test(tc, nn_close__twice_ebadf);
	suite_add_tcase(su, tc);

	tc = harness_tcase("nn_connect");
	tcase_add_test(tc, nn_connect__bad_socket_ebadf);
	tcase_add_test(tc, nn_connect__null_einval);
	tcase_add_test(tc, nn_connect__too_long_enametoolong);
	tcase_add_test(tc, nn_connect__no_scheme_einval);
	tcase_add_test(tc, nn_connect__unknown_transport_eprotonosupport);
	tcase_add_test(tc, nn_connect__tcp_bad_addresses_einval);
	tcase_add_test(tc, nn_connect__tcp_bad_interface_enodev);
	tcase_add_test(tc, nn_connect__ipv6_literal_with_ipv4only_off);
	tcase_add_test(tc, nn_connect__hostname_and_local_iface_accepted);
	tcase_add_test(tc, nn_connect__ids_positive_increasing_never_reused);
	tcase_add_test(tc, nn_connect__nothing_listening_still_succeeds);
	suite_add_tcase(su, tc);

	tc = harness_tcase("nn_bind");
	tcase_add_test(tc, nn_bind__tcp_bad_interface_enodev);
	tcase_add_test(tc, nn_bind__tcp_bad_port_einval);
	tcase_add_test(tc, nn_bind__tcp_in_use_eaddrinuse);
	tcase_add_test(tc, nn_bind__tcp_port_zero_and_wildcard);
	tcase_add_test(tc, nn_bind__ipc_path_too_long_enametoolong);
	tcase_add_test(tc, nn_bind__ipc_empty_path_einval);
	tcase_add_test(tc, nn_bind__ipc_stale_file_replaced);
	tcase_add_test(tc, nn_bind__ipc_live_socket_not_stolen);
	tcase_add_test(tc, nn_bind__ipc_regular_file_not_removed);
	tcase_add_test(tc, nn_bind__inproc_duplicate_eaddrinuse);
	suite_add_tcase(su, tc);

	tc = harness_tcase("nn_shutdown");
	tcase_add_test(tc, nn_shutdown__unknown_eid_einval);
	tcase_add_test(tc, nn_shutdown__twice_einval);
	suite_add_tcase(su, tc);

	tc = harness_tcase("nn_sockopt");
	tcase_add_test(tc, nn_getsockopt__nanomsg_defaults);
	tcase_add_test(tc, nn_setsockopt__roundtrip);
	tcase_add_test(tc, nn_setsockopt__bad_values_einval);
	tcase_add_test(tc, nn_setsockopt__unknown_or_readonly_enoprotoopt);
	tcase_add_test(tc, nn_getsockopt__fd_options_by_direction);
	suite_add_tcase(su, tc);

	tc = harness_tcase("nn_msg");
	tcase_add_test(tc, nn_allocmsg__bad_type_einval);
	tcase_add_test(tc, nn_strerror__nanomsg_errors_named);
	suite_add_tcase(su, tc);
	return (su);
}
