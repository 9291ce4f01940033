/*
 * nn_send / nn_recv: PAIR and PUSH/PULL over inproc, ipc and tcp, both
 * orders of bind and connect, NN_MSG, NN_DONTWAIT, timeouts, NN_SNDFD and
 * NN_RCVFD, large messages, NN_RCVMAXSIZE.
 */
#include "config.h"

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nanomsg/nn.h>
#include <nanomsg/pair.h>
#include <nanomsg/pipeline.h>
#include <port.h>

#include "util.h"

static void
url_for(int tran, char *url, size_t len)
{
	if (tran == 0)
		spt_inproc_url(url, len);
	else if (tran == 1)
		spt_ipc_url(url, len);
	else
		spt_tcp_url(url, len);
}

/* _i: 0..5 = {inproc, ipc, tcp} x {bind first, connect first}. */
START_TEST(nn_send__pair_roundtrip)
{
	char url[64];
	int a = spt_socket(NN_PAIR, 5000), b = spt_socket(NN_PAIR, 5000);

	url_for(_i % 3, url, sizeof (url));
	if (_i < 3) {
		ck_assert_int_gt(nn_bind(a, url), 0);
		ck_assert_int_gt(nn_connect(b, url), 0);
	} else {
		ck_assert_int_gt(nn_connect(b, url), 0);
		usleep(20000);
		ck_assert_int_gt(nn_bind(a, url), 0);
	}
	spt_send(b, "ping");
	spt_expect(a, "ping");
	spt_send(a, "pong");
	spt_expect(b, "pong");
	for (int i = 0; i < 100; i++) {
		char m[32];

		snprintf(m, sizeof (m), "m%d", i);
		spt_send(a, m);
	}
	for (int i = 0; i < 100; i++) {
		char m[32];

		snprintf(m, sizeof (m), "m%d", i);
		spt_expect(b, m);
	}
	ck_assert_int_eq(nn_close(a), 0);
	ck_assert_int_eq(nn_close(b), 0);
}
END_TEST

START_TEST(nn_send__push_pull_round_robin)
{
	char url[64];
	int push = spt_socket(NN_PUSH, 5000);
	int p1 = spt_socket(NN_PULL, 5000), p2 = spt_socket(NN_PULL, 5000);
	char buf[16];
	int n1 = 0, n2 = 0;

	url_for(_i, url, sizeof (url));
	ck_assert_int_gt(nn_bind(push, url), 0);
	ck_assert_int_gt(nn_connect(p1, url), 0);
	ck_assert_int_gt(nn_connect(p2, url), 0);
	/* Wait until both are connected: each gets one probe. */
	for (int tries = 0; tries < 200 && (n1 == 0 || n2 == 0); tries++) {
		nn_send(push, "x", 1, 0);
		if (nn_recv(p1, buf, sizeof (buf), NN_DONTWAIT) == 1)
			n1++;
		if (nn_recv(p2, buf, sizeof (buf), NN_DONTWAIT) == 1)
			n2++;
		usleep(10000);
	}
	ck_assert_int_gt(n1, 0);
	ck_assert_int_gt(n2, 0);
	ck_assert_int_eq(nn_close(push), 0);
	ck_assert_int_eq(nn_close(p1), 0);
	ck_assert_int_eq(nn_close(p2), 0);
}
END_TEST

START_TEST(nn_send__pull_enotsup_and_recv_push_enotsup)
{
	int push = nn_socket(AF_SP, NN_PUSH), pull = nn_socket(AF_SP, NN_PULL);
	char buf[4];
	int rc, err;

	CALL(rc, err, nn_send(pull, "x", 1, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOTSUP);
	CALL(rc, err, nn_recv(push, buf, sizeof (buf), 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOTSUP);
	ck_assert_int_eq(nn_close(push), 0);
	ck_assert_int_eq(nn_close(pull), 0);
}
END_TEST

START_TEST(nn_recv__dontwait_eagain)
{
	int s = nn_socket(AF_SP, NN_PAIR), rc, err;
	char buf[4];

	CALL(rc, err, nn_recv(s, buf, sizeof (buf), NN_DONTWAIT));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EAGAIN);
	CALL(rc, err, nn_send(s, "x", 1, NN_DONTWAIT));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EAGAIN);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(nn_recv__timeout_etimedout_not_early)
{
	int s = spt_socket(NN_PAIR, 100), rc, err;
	char buf[4];
	long long t0 = harness_now_ms();

	CALL(rc, err, nn_recv(s, buf, sizeof (buf), 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIMEDOUT);
	ck_assert_int_ge(harness_now_ms() - t0, 100);
	t0 = harness_now_ms();
	CALL(rc, err, nn_send(s, "x", 1, 0));	/* no peer */
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIMEDOUT);
	ck_assert_int_ge(harness_now_ms() - t0, 100);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(nn_recv__truncates_returns_full_length)
{
	char url[64], buf[4];
	int a = spt_socket(NN_PAIR, 5000), b = spt_socket(NN_PAIR, 5000);

	spt_inproc_url(url, sizeof (url));
	ck_assert_int_gt(nn_bind(a, url), 0);
	ck_assert_int_gt(nn_connect(b, url), 0);
	spt_send(b, "abcdefgh");
	ck_assert_int_eq(nn_recv(a, buf, sizeof (buf), 0), 8);
	ck_assert_int_eq(memcmp(buf, "abcd", 4), 0);
	ck_assert_int_eq(nn_close(a), 0);
	ck_assert_int_eq(nn_close(b), 0);
}
END_TEST

START_TEST(nn_send__nn_msg_zero_copy)
{
	char url[64];
	int a = spt_socket(NN_PAIR, 5000), b = spt_socket(NN_PAIR, 5000);
	void *m, *r = NULL;

	spt_ipc_url(url, sizeof (url));
	ck_assert_int_gt(nn_bind(a, url), 0);
	ck_assert_int_gt(nn_connect(b, url), 0);
	m = nn_allocmsg(5, 0);
	memcpy(m, "hello", 5);
	ck_assert_int_eq(nn_send(b, &m, NN_MSG, 0), 5);
	ck_assert_int_eq(nn_recv(a, &r, NN_MSG, 0), 5);
	ck_assert_int_eq(memcmp(r, "hello", 5), 0);
	ck_assert_int_eq(nn_freemsg(r), 0);
	ck_assert_int_eq(nn_close(a), 0);
	ck_assert_int_eq(nn_close(b), 0);
}
END_TEST

START_TEST(nn_send__large_messages)
{
	char url[64];
	int a = spt_socket(NN_PAIR, 10000), b = spt_socket(NN_PAIR, 10000);
	int v = -1;
	size_t n = 3 * 1024 * 1024 + 17;
	unsigned char *buf = malloc(n), *got = malloc(n);

	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)(i * 7);
	url_for(_i, url, sizeof (url));
	ck_assert_int_eq(nn_setsockopt(a, NN_SOL_SOCKET, NN_RCVMAXSIZE, &v,
	    sizeof (v)), 0);
	ck_assert_int_gt(nn_bind(a, url), 0);
	ck_assert_int_gt(nn_connect(b, url), 0);
	for (int k = 0; k < 3; k++) {
		ck_assert_int_eq(nn_send(b, buf, n, 0), (int)n);
		memset(got, 0, n);
		ck_assert_int_eq(nn_recv(a, got, n, 0), (int)n);
		ck_assert_int_eq(memcmp(buf, got, n), 0);
	}
	free(buf);
	free(got);
	ck_assert_int_eq(nn_close(a), 0);
	ck_assert_int_eq(nn_close(b), 0);
}
END_TEST

START_TEST(nn_recv__over_rcvmaxsize_drops_connection)
{
	char url[64], big[100];
	int a = spt_socket(NN_PAIR, 300), b = spt_socket(NN_PAIR, 2000);
	int v = 40, rc, err;

	url_for(_i, url, sizeof (url));
	memset(big, 'x', sizeof (big));
	ck_assert_int_eq(nn_setsockopt(a, NN_SOL_SOCKET, NN_RCVMAXSIZE, &v,
	    sizeof (v)), 0);
	ck_assert_int_gt(nn_bind(a, url), 0);
	ck_assert_int_gt(nn_connect(b, url), 0);
	spt_send(b, "small");
	spt_expect(a, "small");
	ck_assert_int_eq(nn_send(b, big, sizeof (big), 0), (int)sizeof (big));
	CALL(rc, err, nn_recv(a, big, sizeof (big), 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIMEDOUT);
	/* The dialer reconnects; small messages flow again. */
	spt_send(b, "again");
	spt_expect(a, "again");
	ck_assert_int_eq(nn_close(a), 0);
	ck_assert_int_eq(nn_close(b), 0);
}
END_TEST

START_TEST(nn_getsockopt__rcvfd_sndfd_pollable)
{
	char url[64], buf[8];
	int a = spt_socket(NN_PAIR, 5000), b = spt_socket(NN_PAIR, 5000);
	int rfd, sfd;
	size_t len = sizeof (int);
	struct pollfd pfd;

	spt_tcp_url(url, sizeof (url));
	ck_assert_int_eq(nn_getsockopt(a, NN_SOL_SOCKET, NN_RCVFD, &rfd, &len),
	    0);
	ck_assert_int_eq(nn_getsockopt(b, NN_SOL_SOCKET, NN_SNDFD, &sfd, &len),
	    0);
	pfd.fd = sfd;
	pfd.events = POLLIN;
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);	/* no peer: cannot send */
	pfd.fd = rfd;
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);	/* nothing to receive */
	ck_assert_int_gt(nn_bind(a, url), 0);
	ck_assert_int_gt(nn_connect(b, url), 0);
	pfd.fd = sfd;
	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	spt_send(b, "hi");
	pfd.fd = rfd;
	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	ck_assert_int_eq(nn_recv(a, buf, sizeof (buf), NN_DONTWAIT), 2);
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);	/* drained: not readable */
	ck_assert_int_eq(nn_close(a), 0);
	ck_assert_int_eq(nn_close(b), 0);
}
END_TEST

/* NN_RCVFD and NN_SNDFD can be watched through our own event ports. */
START_TEST(nn_getsockopt__rcvfd_sndfd_work_with_event_ports)
{
	int a = nn_socket(AF_SP, NN_PAIR), b = nn_socket(AF_SP, NN_PAIR);
	int rfd, sfd, port = port_create();
	size_t len = sizeof (rfd);
	struct timespec zero = { 0, 0 }, five = { 5, 0 };
	port_event_t pe;
	char url[128], buf[8];
	int rc, err;

	spt_tcp_url(url, sizeof (url));
	ck_assert_int_ge(port, 0);
	ck_assert_int_eq(nn_getsockopt(a, NN_SOL_SOCKET, NN_RCVFD, &rfd, &len),
	    0);
	ck_assert_int_eq(nn_getsockopt(b, NN_SOL_SOCKET, NN_SNDFD, &sfd, &len),
	    0);
	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD, (uintptr_t)rfd,
	    POLLIN, &a), 0);
	CALL(rc, err, port_get(port, &pe, &zero));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIME);
	ck_assert_int_gt(nn_bind(a, url), 0);
	ck_assert_int_gt(nn_connect(b, url), 0);
	ck_assert_int_eq(port_associate(port, PORT_SOURCE_FD, (uintptr_t)sfd,
	    POLLIN, &b), 0);
	ck_assert_int_eq(port_get(port, &pe, &five), 0);
	ck_assert_ptr_eq(pe.portev_user, &b);		/* b can send */
	spt_send(b, "hi");
	ck_assert_int_eq(port_get(port, &pe, &five), 0);
	ck_assert_ptr_eq(pe.portev_user, &a);		/* a can receive */
	ck_assert_int_eq(pe.portev_events, POLLIN);
	ck_assert_int_eq(nn_recv(a, buf, sizeof (buf), NN_DONTWAIT), 2);
	ck_assert_int_eq(nn_close(a), 0);
	ck_assert_int_eq(nn_close(b), 0);
	close(port);
}
END_TEST

struct closer {
	int	s;
	int	rc;
	int	err;
};

static void *
blocked_recv(void *arg)
{
	struct closer *c = arg;
	char buf[8];

	c->rc = nn_recv(c->s, buf, sizeof (buf), 0);
	c->err = errno;
	return (NULL);
}

START_TEST(nn_close__wakes_blocked_recv_ebadf)
{
	struct closer c = { nn_socket(AF_SP, NN_PAIR), 0, 0 };
	pthread_t t;

	ck_assert_int_eq(pthread_create(&t, NULL, blocked_recv, &c), 0);
	usleep(50000);
	ck_assert_int_eq(nn_close(c.s), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(c.rc, -1);
	ck_assert_int_eq(c.err, EBADF);
}
END_TEST

START_TEST(nn_close__linger_flushes_queued_output)
{
	char url[64], *big;
	int a = spt_socket(NN_PAIR, 5000), b = spt_socket(NN_PAIR, 5000);
	size_t n = 4 * 1024 * 1024;
	int v = -1;

	spt_tcp_url(url, sizeof (url));
	big = calloc(1, n);
	ck_assert_int_eq(nn_setsockopt(a, NN_SOL_SOCKET, NN_RCVMAXSIZE, &v,
	    sizeof (v)), 0);
	ck_assert_int_gt(nn_bind(a, url), 0);
	ck_assert_int_gt(nn_connect(b, url), 0);
	spt_send(b, "first");
	spt_expect(a, "first");
	/* 4 MiB cannot be written at once: nn_close must wait for it. */
	ck_assert_int_eq(nn_send(b, big, n, 0), (int)n);
	ck_assert_int_eq(nn_close(b), 0);
	ck_assert_int_eq(nn_recv(a, big, n, 0), (int)n);
	free(big);
	ck_assert_int_eq(nn_close(a), 0);
}
END_TEST

Suite *
nn_xfer_suite(void)
{
	Suite *su = suite_create("nn_xfer");
	TCase *tc;

	tc = harness_tcase("nn_send");
	tcase_add_loop_test(tc, nn_send__pair_roundtrip, 0, 6);
	tcase_add_loop_test(tc, nn_send__push_pull_round_robin, 0, 3);
	tcase_add_test(tc, nn_send__pull_enotsup_and_recv_push_enotsup);
	tcase_add_test(tc, nn_send__nn_msg_zero_copy);
	tcase_add_test(tc, nn_getsockopt__rcvfd_sndfd_work_with_event_ports);
	tcase_add_loop_test(tc, nn_send__large_messages, 0, 3);
	suite_add_tcase(su, tc);

	tc = harness_tcase("nn_recv");
	tcase_add_test(tc, nn_recv__dontwait_eagain);
	tcase_add_test(tc, nn_recv__timeout_etimedout_not_early);
	tcase_add_test(tc, nn_recv__truncates_returns_full_length);
	tcase_add_loop_test(tc, nn_recv__over_rcvmaxsize_drops_connection, 0,
	    3);
	tcase_add_test(tc, nn_getsockopt__rcvfd_sndfd_pollable);
	suite_add_tcase(su, tc);

	tc = harness_tcase("nn_close_io");
	tcase_add_test(tc, nn_close__wakes_blocked_recv_ebadf);
	tcase_add_test(tc, nn_close__linger_flushes_queued_output);
	suite_add_tcase(su, tc);
	return (su);
}
