/*
 * nn_poll, nn_sendmsg/nn_recvmsg, nn_term, and the sp_* extensions of
 * <sockshim/sp.h>: sp_listen, sp_dial, sp_endpoint_state,
 * sp_endpoint_port, sp_connect_peer, sp_send_to, sp_recv_from.
 */
#include "config.h"

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nanomsg/nn.h>
#include <nanomsg/pair.h>
#include <nanomsg/pipeline.h>
#include <nanomsg/pubsub.h>
#include <nanomsg/reqrep.h>
#include <sockshim/sp.h>

#include "util.h"

static void
pair_up(int *a, int *b)
{
	char url[64];

	spt_inproc_url(url, sizeof (url));
	*a = spt_socket(NN_PAIR, 5000);
	*b = spt_socket(NN_PAIR, 5000);
	ck_assert_int_gt(nn_bind(*a, url), 0);
	ck_assert_int_gt(sp_dial(*b, url, 0), 0);
}

/* ---- nn_poll ------------------------------------------------------------ */

START_TEST(nn_poll__reports_in_and_out)
{
	int a, b;
	struct nn_pollfd pfd[2];

	pair_up(&a, &b);
	pfd[0].fd = a;
	pfd[0].events = NN_POLLIN;
	pfd[1].fd = b;
	pfd[1].events = NN_POLLIN | NN_POLLOUT;
	ck_assert_int_eq(nn_poll(pfd, 2, 0), 1);	/* b can send */
	ck_assert_int_eq(pfd[0].revents, 0);
	ck_assert_int_eq(pfd[1].revents, NN_POLLOUT);
	spt_send(b, "x");
	ck_assert_int_eq(nn_poll(pfd, 1, 5000), 1);
	ck_assert_int_eq(pfd[0].revents, NN_POLLIN);
	spt_expect(a, "x");
	ck_assert_int_eq(nn_poll(pfd, 1, 0), 0);
	ck_assert_int_eq(pfd[0].revents, 0);
	ck_assert_int_eq(nn_close(a), 0);
	ck_assert_int_eq(nn_close(b), 0);
}
END_TEST

START_TEST(nn_poll__bad_socket_ebadf_bad_args_einval)
{
	struct nn_pollfd pfd = { 4711, NN_POLLIN, 0 };
	int rc, err;

	CALL(rc, err, nn_poll(&pfd, 1, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
	CALL(rc, err, nn_poll(&pfd, -1, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(nn_poll__timeout_returns_zero_not_early)
{
	int a, b;
	struct nn_pollfd pfd;
	long long t0;

	pair_up(&a, &b);
	pfd.fd = a;
	pfd.events = NN_POLLIN;
	t0 = harness_now_ms();
	ck_assert_int_eq(nn_poll(&pfd, 1, 200), 0);
	ck_assert_int_ge(harness_now_ms() - t0, 190);
	ck_assert_int_eq(nn_close(a), 0);
	ck_assert_int_eq(nn_close(b), 0);
}
END_TEST

/* ---- nn_sendmsg / nn_recvmsg --------------------------------------------- */

START_TEST(nn_sendmsg__gathers_recvmsg_scatters)
{
	int a, b;
	char p1[] = "hello, ", p2[] = "world", r1[4], r2[32];
	struct nn_iovec iov[2] = { { p1, 7 }, { p2, 5 } };
	struct nn_msghdr mh = { iov, 2, NULL, 0 };

	pair_up(&a, &b);
	ck_assert_int_eq(nn_sendmsg(b, &mh, 0), 12);
	iov[0].iov_base = r1;
	iov[0].iov_len = sizeof (r1);
	iov[1].iov_base = r2;
	iov[1].iov_len = sizeof (r2);
	ck_assert_int_eq(nn_recvmsg(a, &mh, 0), 12);
	ck_assert_int_eq(memcmp(r1, "hell", 4), 0);
	ck_assert_int_eq(memcmp(r2, "o, world", 8), 0);
	ck_assert_int_eq(nn_close(a), 0);
	ck_assert_int_eq(nn_close(b), 0);
}
END_TEST

START_TEST(nn_sendmsg__nn_msg_zero_copy_both_ways)
{
	int a, b;
	void *m = nn_allocmsg(3, 0), *got = NULL;
	struct nn_iovec iov = { &m, NN_MSG };
	struct nn_msghdr mh = { &iov, 1, NULL, 0 };

	pair_up(&a, &b);
	memcpy(m, "abc", 3);
	ck_assert_int_eq(nn_sendmsg(b, &mh, 0), 3);
	iov.iov_base = &got;
	ck_assert_int_eq(nn_recvmsg(a, &mh, 0), 3);
	ck_assert_ptr_nonnull(got);
	ck_assert_int_eq(memcmp(got, "abc", 3), 0);
	ck_assert_int_eq(nn_freemsg(got), 0);
	ck_assert_int_eq(nn_close(a), 0);
	ck_assert_int_eq(nn_close(b), 0);
}
END_TEST

START_TEST(nn_sendmsg__bad_headers_einval_emsgsize)
{
	int s = nn_socket(AF_SP, NN_PAIR), rc, err;
	char x[4];
	struct nn_iovec iov[2] = { { x, 4 }, { x, NN_MSG } };
	struct nn_msghdr mh = { iov, 2, NULL, 0 };

	CALL(rc, err, nn_sendmsg(s, NULL, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	CALL(rc, err, nn_sendmsg(s, &mh, 0));	/* NN_MSG among two */
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	mh.msg_iovlen = -1;
	CALL(rc, err, nn_sendmsg(s, &mh, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EMSGSIZE);
	CALL(rc, err, nn_recvmsg(s, NULL, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

/* ---- nn_term ------------------------------------------------------------- */

struct blocked {
	int	s;
	int	poll;
	int	rc;
	int	err;
};

static void *
block_in_recv(void *arg)
{
	struct blocked *bl = arg;
	char buf[8];

	if (bl->poll) {
		struct nn_pollfd pfd = { bl->s, NN_POLLIN, 0 };

		bl->rc = nn_poll(&pfd, 1, -1);
	} else {
		bl->rc = nn_recv(bl->s, buf, sizeof (buf), 0);
	}
	bl->err = errno;
	return (NULL);
}

/* _i: 0 blocked in nn_recv, 1 blocked in nn_poll. */
START_TEST(nn_term__blocked_and_later_calls_eterm)
{
	struct blocked bl = { nn_socket(AF_SP, NN_PAIR), _i, 0, 0 };
	pthread_t t;
	int rc, err, s;

	ck_assert_int_ge(bl.s, 0);
	ck_assert_int_eq(pthread_create(&t, NULL, block_in_recv, &bl), 0);
	usleep(50000);
	nn_term();
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(bl.rc, -1);
	ck_assert_int_eq(bl.err, ETERM);
	CALL(rc, err, nn_send(bl.s, "x", 1, NN_DONTWAIT));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETERM);
	CALL(rc, err, nn_socket(AF_SP, NN_PAIR));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETERM);
	ck_assert_int_eq(nn_close(bl.s), 0);
	/* The last socket closed: the library is usable again. */
	s = nn_socket(AF_SP, NN_PAIR);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

/* ---- sp_listen ---------------------------------------------------------- */

START_TEST(sp_listen__in_use_eaddrinuse_at_once)
{
	char url[64];
	int a = nn_socket(AF_SP, NN_PAIR), b = nn_socket(AF_SP, NN_PAIR);
	int rc, err;

	spt_tcp_url(url, sizeof (url));
	ck_assert_int_gt(sp_listen(a, url, 0), 0);
	CALL(rc, err, sp_listen(b, url, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EADDRINUSE);
	CALL(rc, err, sp_listen(b, "tcp://192.0.2.1:5555", 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EADDRNOTAVAIL);
	CALL(rc, err, sp_listen(b, "tcp://127.0.0.1", 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	CALL(rc, err, sp_listen(b, url, 0x100));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	ck_assert_int_eq(nn_close(a), 0);
	ck_assert_int_eq(nn_close(b), 0);
}
END_TEST

START_TEST(sp_listen__nonblock_retries_bind_in_background)
{
	char url[64];
	int port, lfd = spt_raw_listen(&port), s = spt_socket(NN_PAIR, 5000);
	int c = spt_socket(NN_PAIR, 5000), eid, st, e = 0;

	snprintf(url, sizeof (url), "tcp://127.0.0.1:%d", port);
	eid = sp_listen(s, url, SP_NONBLOCK);
	ck_assert_int_gt(eid, 0);
	ck_assert_int_eq(sp_endpoint_state(s, eid, &e), SP_EP_BINDING);
	ck_assert_int_eq(e, EADDRINUSE);
	close(lfd);
	for (int i = 0; i < 500; i++) {
		if ((st = sp_endpoint_state(s, eid, &e)) == SP_EP_LISTENING)
			break;
		usleep(10000);
	}
	ck_assert_int_eq(st, SP_EP_LISTENING);
	ck_assert_int_eq(e, 0);
	ck_assert_int_gt(sp_dial(c, url, 0), 0);
	spt_send(c, "bound");
	spt_expect(s, "bound");
	ck_assert_int_eq(nn_close(s), 0);
	ck_assert_int_eq(nn_close(c), 0);
}
END_TEST

START_TEST(sp_endpoint_port__port_zero_reported)
{
	char url[64];
	int s = spt_socket(NN_PAIR, 5000), c = spt_socket(NN_PAIR, 5000);
	int eid, port, rc, err;

	eid = sp_listen(s, "tcp://127.0.0.1:0", 0);
	ck_assert_int_gt(eid, 0);
	port = sp_endpoint_port(s, eid);
	ck_assert_int_gt(port, 0);
	snprintf(url, sizeof (url), "tcp://127.0.0.1:%d", port);
	eid = sp_dial(c, url, 0);
	ck_assert_int_gt(eid, 0);
	ck_assert_int_eq(sp_endpoint_port(c, eid), port);
	spt_ipc_url(url, sizeof (url));
	eid = sp_listen(s, url, 0);
	CALL(rc, err, sp_endpoint_port(s, eid));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOTSUP);
	CALL(rc, err, sp_endpoint_port(s, 4711));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	ck_assert_int_eq(nn_close(s), 0);
	ck_assert_int_eq(nn_close(c), 0);
}
END_TEST

/* ---- sp_dial ------------------------------------------------------------- */

START_TEST(sp_dial__returns_connected)
{
	char url[64];
	int s = spt_socket(NN_PAIR, 5000), c = spt_socket(NN_PAIR, 5000);
	int eid, e = -1;

	spt_tcp_url(url, sizeof (url));
	ck_assert_int_gt(nn_bind(s, url), 0);
	eid = sp_dial(c, url, 0);
	ck_assert_int_gt(eid, 0);
	ck_assert_int_eq(sp_endpoint_state(c, eid, &e), SP_EP_CONNECTED);
	ck_assert_int_eq(e, 0);
	/* The pipe is there: a non-blocking send cannot fail. */
	ck_assert_int_eq(nn_send(c, "now", 3, NN_DONTWAIT), 3);
	spt_expect(s, "now");
	ck_assert_int_eq(nn_close(s), 0);
	ck_assert_int_eq(nn_close(c), 0);
}
END_TEST

/* _i: 0 tcp, 1 ipc, 2 inproc. */
START_TEST(sp_dial__nothing_listening_econnrefused)
{
	char url[64];
	int c = spt_socket(NN_PAIR, 5000), rc, err;

	if (_i == 0)
		spt_tcp_url(url, sizeof (url));
	else if (_i == 1)
		spt_ipc_url(url, sizeof (url));
	else
		spt_inproc_url(url, sizeof (url));
	CALL(rc, err, sp_dial(c, url, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(err == ECONNREFUSED || (_i == 1 && err == ENOENT),
	    "errno %s", strerror(err));
	ck_assert_int_eq(nn_close(c), 0);
}
END_TEST

START_TEST(sp_dial__protocol_mismatch_eproto)
{
	char url[64];
	int s = spt_socket(NN_PULL, 5000), c = spt_socket(NN_PAIR, 5000);
	int rc, err;

	spt_tcp_url(url, sizeof (url));
	ck_assert_int_gt(nn_bind(s, url), 0);
	CALL(rc, err, sp_dial(c, url, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EPROTO);
	ck_assert_int_eq(nn_close(s), 0);
	ck_assert_int_eq(nn_close(c), 0);
}
END_TEST

struct rawsrv {
	int	lfd;
	int	garbage;	/* 1: write non-SP bytes; 0: stay silent */
};

static void *
raw_server(void *arg)
{
	struct rawsrv *r = arg;
	int fd = accept(r->lfd, NULL, NULL);
	char buf[64];

	if (fd < 0)
		return (NULL);
	if (r->garbage)
		(void) !write(fd, "HTTP/1.1 400 Bad\r\n\r\n", 20);
	(void) spt_read_full(fd, buf, sizeof (buf), 1500);
	close(fd);
	return (NULL);
}

/* _i: 0 non-SP bytes -> EPROTO, 1 silent -> ETIMEDOUT after 1 s. */
START_TEST(sp_dial__bad_peer_eproto_or_etimedout)
{
	char url[64];
	struct rawsrv r;
	pthread_t t;
	int port, c = spt_socket(NN_PAIR, -1), rc, err;
	long long t0;

	r.lfd = spt_raw_listen(&port);
	r.garbage = (_i == 0);
	snprintf(url, sizeof (url), "tcp://127.0.0.1:%d", port);
	ck_assert_int_eq(pthread_create(&t, NULL, raw_server, &r), 0);
	t0 = harness_now_ms();
	CALL(rc, err, sp_dial(c, url, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, _i == 0 ? EPROTO : ETIMEDOUT);
	if (_i == 1)
		ck_assert_int_ge(harness_now_ms() - t0, 900);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	close(r.lfd);
	ck_assert_int_eq(nn_close(c), 0);
}
END_TEST

START_TEST(sp_dial__nonblock_is_async_and_records_error)
{
	char url[64];
	int c = spt_socket(NN_PAIR, 5000), eid, e = 0, st;

	spt_tcp_url(url, sizeof (url));
	eid = sp_dial(c, url, SP_NONBLOCK);
	ck_assert_int_gt(eid, 0);
	for (int i = 0; i < 300 && e == 0; i++) {
		st = sp_endpoint_state(c, eid, &e);
		ck_assert_int_eq(st, SP_EP_CONNECTING);
		usleep(10000);
	}
	ck_assert_int_eq(e, ECONNREFUSED);
	ck_assert_int_eq(nn_close(c), 0);
}
END_TEST

START_TEST(sp_dial__duplicate_url_rule_by_type)
{
	char url[64];
	int sub = spt_socket(NN_SUB, 5000), req = spt_socket(NN_REQ, 5000);
	int pair = spt_socket(NN_PAIR, 5000), e1, e2;

	spt_tcp_url(url, sizeof (url));
	/* SUB, PUB, REQ: zmq_connect's rule, the same endpoint again. */
	e1 = sp_dial(sub, url, SP_NONBLOCK);
	ck_assert_int_gt(e1, 0);
	ck_assert_int_eq(sp_dial(sub, url, SP_NONBLOCK), e1);
	e2 = sp_dial(req, url, SP_NONBLOCK);
	ck_assert_int_eq(sp_dial(req, url, 0), e2);
	/* Other types: a new endpoint, as nn_connect gives. */
	e1 = sp_dial(pair, url, SP_NONBLOCK);
	ck_assert_int_gt(e1, 0);
	e2 = sp_dial(pair, url, SP_NONBLOCK);
	ck_assert_int_gt(e2, e1);
	ck_assert_int_eq(nn_close(sub), 0);
	ck_assert_int_eq(nn_close(req), 0);
	ck_assert_int_eq(nn_close(pair), 0);
}
END_TEST

START_TEST(sp_endpoint_state__bad_ids)
{
	int s = nn_socket(AF_SP, NN_PAIR), rc, err;

	CALL(rc, err, sp_endpoint_state(s, 4711, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	CALL(rc, err, sp_endpoint_state(4711, 1, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

/* ---- Peer addressing ---------------------------------------------------- */

START_TEST(sp_connect_peer__unsupported_types_enotsup)
{
	static const int types[] = { NN_PAIR, NN_PUB, NN_SUB, NN_REQ, NN_REP };
	uint32_t id;
	int err;

	for (size_t i = 0; i < sizeof (types) / sizeof (types[0]); i++) {
		int s = nn_socket(AF_SP, types[i]);

		errno = 0;
		id = sp_connect_peer(s, "tcp://127.0.0.1:5555");
		err = errno;
		ck_assert_uint_eq(id, 0);
		ck_assert_int_eq(err, ENOTSUP);
		ck_assert_int_eq(nn_close(s), 0);
	}
}
END_TEST

START_TEST(sp_send_to__push_reaches_only_that_peer)
{
	char u1[64], u2[64], buf[8];
	int p1 = spt_socket(NN_PULL, 5000), p2 = spt_socket(NN_PULL, 5000);
	int push = spt_socket(NN_PUSH, 5000), rc, err;
	uint32_t id1, id2;

	spt_tcp_url(u1, sizeof (u1));
	spt_ipc_url(u2, sizeof (u2));
	ck_assert_int_gt(nn_bind(p1, u1), 0);
	ck_assert_int_gt(nn_bind(p2, u2), 0);
	id1 = sp_connect_peer(push, u1);
	id2 = sp_connect_peer(push, u2);
	ck_assert_uint_ne(id1, 0);
	ck_assert_uint_ne(id2, 0);
	ck_assert_uint_ne(id1, id2);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(sp_send_to(push, id2, "two", 3, 0), 3);
	ck_assert_int_eq(sp_send_to(push, id1, "one", 3, 0), 3);
	spt_expect(p1, "one");
	for (int i = 0; i < 3; i++)
		spt_expect(p2, "two");
	CALL(rc, err, nn_recv(p1, buf, sizeof (buf), NN_DONTWAIT));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EAGAIN);
	CALL(rc, err, sp_send_to(push, 12345, "x", 1, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EHOSTUNREACH);
	CALL(rc, err, sp_recv_from(push, buf, sizeof (buf), 0, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOTSUP);
	ck_assert_int_eq(nn_close(p1), 0);
	ck_assert_int_eq(nn_close(p2), 0);
	ck_assert_int_eq(nn_close(push), 0);
}
END_TEST

START_TEST(sp_recv_from__pull_names_the_sender)
{
	char url[64], buf[8];
	int pull = spt_socket(NN_PULL, 5000), push = spt_socket(NN_PUSH, 5000);
	int other = spt_socket(NN_PUSH, 5000), rc, err;
	uint32_t id, from = 0;

	spt_inproc_url(url, sizeof (url));
	ck_assert_int_gt(nn_bind(push, url), 0);
	id = sp_connect_peer(pull, url);
	ck_assert_uint_ne(id, 0);
	spt_send(push, "hey");
	ck_assert_int_eq(sp_recv_from(pull, buf, sizeof (buf), 0, &from), 3);
	ck_assert_uint_eq(from, id);
	CALL(rc, err, sp_send_to(pull, id, "x", 1, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOTSUP);
	ck_assert_int_eq(nn_close(pull), 0);
	ck_assert_int_eq(nn_close(push), 0);
	ck_assert_int_eq(nn_close(other), 0);
}
END_TEST

Suite *
sp_ext_suite(void)
{
	Suite *su = suite_create("sp_ext");
	TCase *tc;

	tc = harness_tcase("nn_poll_msg");
	tcase_add_test(tc, nn_poll__reports_in_and_out);
	tcase_add_test(tc, nn_poll__bad_socket_ebadf_bad_args_einval);
	tcase_add_test(tc, nn_poll__timeout_returns_zero_not_early);
	tcase_add_test(tc, nn_sendmsg__gathers_recvmsg_scatters);
	tcase_add_test(tc, nn_sendmsg__nn_msg_zero_copy_both_ways);
	tcase_add_test(tc, nn_sendmsg__bad_headers_einval_emsgsize);
	tcase_add_loop_test(tc, nn_term__blocked_and_later_calls_eterm, 0, 2);
	suite_add_tcase(su, tc);

	tc = harness_tcase("sp_endpoints");
	tcase_add_test(tc, sp_listen__in_use_eaddrinuse_at_once);
	tcase_add_test(tc, sp_listen__nonblock_retries_bind_in_background);
	tcase_add_test(tc, sp_endpoint_port__port_zero_reported);
	tcase_add_test(tc, sp_dial__returns_connected);
	tcase_add_loop_test(tc, sp_dial__nothing_listening_econnrefused, 0, 3);
	tcase_add_test(tc, sp_dial__protocol_mismatch_eproto);
	tcase_add_loop_test(tc, sp_dial__bad_peer_eproto_or_etimedout, 0, 2);
	tcase_add_test(tc, sp_dial__nonblock_is_async_and_records_error);
	tcase_add_test(tc, sp_dial__duplicate_url_rule_by_type);
	tcase_add_test(tc, sp_endpoint_state__bad_ids);
	suite_add_tcase(su, tc);

	tc = harness_tcase("sp_peers");
	tcase_add_test(tc, sp_connect_peer__unsupported_types_enotsup);
	tcase_add_test(tc, sp_send_to__push_reaches_only_that_peer);
	tcase_add_test(tc, sp_recv_from__pull_names_the_sender);
	suite_add_tcase(su, tc);
	return (su);
}
