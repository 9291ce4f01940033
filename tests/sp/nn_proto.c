/*
 * PUB/SUB and REQ/REP: subscriptions, PUB's drop-don't-block rule, request
 * ids on the wire, backtraces, resending, cancellation and EFSM.
 */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nanomsg/nn.h>
#include <nanomsg/pair.h>
#include <nanomsg/pubsub.h>
#include <nanomsg/reqrep.h>

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

static void
subscribe(int s, const char *topic)
{
	ck_assert_int_eq(nn_setsockopt(s, NN_SUB, NN_SUB_SUBSCRIBE, topic,
	    strlen(topic)), 0);
}

/*
 * PUB drops while no subscriber is connected: publish "sync" until the
 * subscriber (subscribed to "sync") has one, then drain stray copies.
 */
static void
pubsub_sync(int pub, int sub)
{
	char buf[16];
	int one = 20, rc, five = 5000;

	ck_assert_int_eq(nn_setsockopt(sub, NN_SOL_SOCKET, NN_RCVTIMEO, &one,
	    sizeof (one)), 0);
	for (int i = 0; i < 250; i++) {
		spt_send(pub, "sync");
		if ((rc = nn_recv(sub, buf, sizeof (buf), 0)) == 4)
			break;
	}
	ck_assert_int_eq(rc, 4);
	while (nn_recv(sub, buf, sizeof (buf), 0) >= 0)
		continue;
	ck_assert_int_eq(nn_setsockopt(sub, NN_SOL_SOCKET, NN_RCVTIMEO, &five,
	    sizeof (five)), 0);
}

/* _i: transport (inproc, ipc, tcp). */
START_TEST(nn_setsockopt__sub_prefix_filters)
{
	char url[64];
	int pub = spt_socket(NN_PUB, 5000), sub = spt_socket(NN_SUB, 5000);

	url_for(_i, url, sizeof (url));
	ck_assert_int_gt(nn_bind(pub, url), 0);
	ck_assert_int_gt(nn_connect(sub, url), 0);
	subscribe(sub, "sync");
	pubsub_sync(pub, sub);
	subscribe(sub, "a");
	spt_send(pub, "apple");
	spt_send(pub, "banana");
	spt_send(pub, "avocado");
	spt_expect(sub, "apple");
	spt_expect(sub, "avocado");	/* banana was filtered out */
	ck_assert_int_eq(nn_close(pub), 0);
	ck_assert_int_eq(nn_close(sub), 0);
}
END_TEST

START_TEST(nn_setsockopt__sub_unsubscribe_counts_and_unknown_ok)
{
	char url[64];
	int pub = spt_socket(NN_PUB, 5000), sub = spt_socket(NN_SUB, 5000);

	spt_inproc_url(url, sizeof (url));
	ck_assert_int_gt(nn_bind(pub, url), 0);
	ck_assert_int_gt(nn_connect(sub, url), 0);
	subscribe(sub, "sync");
	pubsub_sync(pub, sub);
	subscribe(sub, "x");
	subscribe(sub, "x");
	/* Unknown prefix: success, as in nanomsg. */
	ck_assert_int_eq(nn_setsockopt(sub, NN_SUB, NN_SUB_UNSUBSCRIBE, "zz",
	    2), 0);
	ck_assert_int_eq(nn_setsockopt(sub, NN_SUB, NN_SUB_UNSUBSCRIBE, "x",
	    1), 0);
	spt_send(pub, "x1");		/* still subscribed once */
	spt_expect(sub, "x1");
	ck_assert_int_eq(nn_setsockopt(sub, NN_SUB, NN_SUB_UNSUBSCRIBE, "x",
	    1), 0);
	spt_send(pub, "x2");		/* gone now */
	spt_send(pub, "sync");
	spt_expect(sub, "sync");
	ck_assert_int_eq(nn_close(pub), 0);
	ck_assert_int_eq(nn_close(sub), 0);
}
END_TEST

START_TEST(nn_setsockopt__sub_empty_prefix_matches_all)
{
	char url[64];
	int pub = spt_socket(NN_PUB, 5000), sub = spt_socket(NN_SUB, 5000);

	spt_tcp_url(url, sizeof (url));
	ck_assert_int_gt(nn_bind(pub, url), 0);
	ck_assert_int_gt(nn_connect(sub, url), 0);
	subscribe(sub, "");
	pubsub_sync(pub, sub);
	spt_send(pub, "anything");
	spt_expect(sub, "anything");
	ck_assert_int_eq(nn_send(pub, "", 0, 0), 0);
	ck_assert_int_eq(nn_recv(sub, url, sizeof (url), 0), 0);
	ck_assert_int_eq(nn_close(pub), 0);
	ck_assert_int_eq(nn_close(sub), 0);
}
END_TEST

START_TEST(nn_recv__sub_without_subscription_gets_nothing)
{
	char url[64], buf[8];
	int pub = spt_socket(NN_PUB, 5000), sub = spt_socket(NN_SUB, 300);
	int rc, err;

	spt_inproc_url(url, sizeof (url));
	ck_assert_int_gt(nn_bind(pub, url), 0);
	ck_assert_int_gt(nn_connect(sub, url), 0);
	for (int i = 0; i < 10; i++) {
		spt_send(pub, "hello");
		usleep(10000);
	}
	CALL(rc, err, nn_recv(sub, buf, sizeof (buf), 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIMEDOUT);
	ck_assert_int_eq(nn_close(pub), 0);
	ck_assert_int_eq(nn_close(sub), 0);
}
END_TEST

START_TEST(nn_send__pub_without_peers_succeeds)
{
	int pub = spt_socket(NN_PUB, 5000);

	ck_assert_int_eq(nn_send(pub, "x", 1, 0), 1);
	ck_assert_int_eq(nn_send(pub, "x", 1, NN_DONTWAIT), 1);
	ck_assert_int_eq(nn_close(pub), 0);
}
END_TEST

START_TEST(nn_send__pub_never_blocks_drops_for_slow_sub)
{
	char url[64], buf[2048];
	int pub = spt_socket(NN_PUB, -1), sub = spt_socket(NN_SUB, 5000);
	int small = 4096, n = 0, to = 300;

	spt_tcp_url(url, sizeof (url));
	ck_assert_int_eq(nn_setsockopt(pub, NN_SOL_SOCKET, NN_SNDBUF, &small,
	    sizeof (small)), 0);
	ck_assert_int_eq(nn_setsockopt(sub, NN_SOL_SOCKET, NN_RCVBUF, &small,
	    sizeof (small)), 0);
	ck_assert_int_gt(nn_bind(pub, url), 0);
	ck_assert_int_gt(nn_connect(sub, url), 0);
	subscribe(sub, "");
	pubsub_sync(pub, sub);
	memset(buf, 'p', sizeof (buf));
	/* 40 MiB to a subscriber that does not read: every send returns. */
	for (int i = 0; i < 20000; i++)
		ck_assert_int_eq(nn_send(pub, buf, 2048, 0), 2048);
	ck_assert_int_eq(nn_setsockopt(sub, NN_SOL_SOCKET, NN_RCVTIMEO, &to,
	    sizeof (to)), 0);
	while (nn_recv(sub, buf, sizeof (buf), 0) == 2048)
		n++;
	ck_assert_int_gt(n, 0);
	ck_assert_int_lt(n, 20000);
	ck_assert_int_eq(nn_close(pub), 0);
	ck_assert_int_eq(nn_close(sub), 0);
}
END_TEST

START_TEST(nn_send__pub_reaches_every_subscriber)
{
	char url[64];
	int pub = spt_socket(NN_PUB, 5000), s1 = spt_socket(NN_SUB, 5000);
	int s2 = spt_socket(NN_SUB, 5000);

	spt_ipc_url(url, sizeof (url));
	ck_assert_int_gt(nn_bind(pub, url), 0);
	ck_assert_int_gt(nn_connect(s1, url), 0);
	ck_assert_int_gt(nn_connect(s2, url), 0);
	subscribe(s1, "sync");
	subscribe(s2, "sync");
	pubsub_sync(pub, s1);
	pubsub_sync(pub, s2);
	/* s2's synchronisation left copies of "sync" queued at s1. */
	for (int i = 0; i < 2; i++) {
		int s = i ? s2 : s1, ms = 20;
		char buf[8];

		ck_assert_int_eq(nn_setsockopt(s, NN_SUB, NN_SUB_UNSUBSCRIBE,
		    "sync", 4), 0);
		ck_assert_int_eq(nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVTIMEO,
		    &ms, sizeof (ms)), 0);
		while (nn_recv(s, buf, sizeof (buf), 0) >= 0)
			continue;
		ms = 5000;
		ck_assert_int_eq(nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVTIMEO,
		    &ms, sizeof (ms)), 0);
	}
	subscribe(s1, "t");
	subscribe(s2, "t");
	spt_send(pub, "topic");
	spt_expect(s1, "topic");
	spt_expect(s2, "topic");
	ck_assert_int_eq(nn_close(pub), 0);
	ck_assert_int_eq(nn_close(s1), 0);
	ck_assert_int_eq(nn_close(s2), 0);
}
END_TEST

START_TEST(nn_pubsub__wrong_direction_enotsup_enoprotoopt)
{
	int pub = nn_socket(AF_SP, NN_PUB), sub = nn_socket(AF_SP, NN_SUB);
	int pair = nn_socket(AF_SP, NN_PAIR), rc, err, v;
	char buf[4];
	size_t len = sizeof (v);

	CALL(rc, err, nn_send(sub, "x", 1, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOTSUP);
	CALL(rc, err, nn_recv(pub, buf, sizeof (buf), 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOTSUP);
	CALL(rc, err, nn_setsockopt(pair, NN_SUB, NN_SUB_SUBSCRIBE, "a", 1));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOPROTOOPT);
	CALL(rc, err, nn_setsockopt(sub, NN_SUB, 99, "a", 1));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOPROTOOPT);
	CALL(rc, err, nn_getsockopt(sub, NN_SUB, NN_SUB_SUBSCRIBE, &v, &len));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENOPROTOOPT);
	ck_assert_int_eq(nn_close(pub), 0);
	ck_assert_int_eq(nn_close(sub), 0);
	ck_assert_int_eq(nn_close(pair), 0);
}
END_TEST

/* ---- REQ/REP ----------------------------------------------------------- */

/* _i: 0..5 = {inproc, ipc, tcp} x {REP binds, REQ binds}. */
START_TEST(nn_send__req_rep_roundtrip)
{
	char url[64];
	int req = spt_socket(NN_REQ, 5000), rep = spt_socket(NN_REP, 5000);

	url_for(_i % 3, url, sizeof (url));
	if (_i < 3) {
		ck_assert_int_gt(nn_bind(rep, url), 0);
		ck_assert_int_gt(nn_connect(req, url), 0);
	} else {
		ck_assert_int_gt(nn_bind(req, url), 0);
		ck_assert_int_gt(nn_connect(rep, url), 0);
	}
	for (int i = 0; i < 20; i++) {
		char m[16];

		snprintf(m, sizeof (m), "q%d", i);
		spt_send(req, m);
		spt_expect(rep, m);
		m[0] = 'a';
		spt_send(rep, m);
		spt_expect(req, m);
	}
	ck_assert_int_eq(nn_close(req), 0);
	ck_assert_int_eq(nn_close(rep), 0);
}
END_TEST

START_TEST(nn_send__req_before_any_peer_is_queued)
{
	char url[64];
	int req = spt_socket(NN_REQ, 5000), rep = spt_socket(NN_REP, 5000);

	spt_tcp_url(url, sizeof (url));
	ck_assert_int_gt(nn_connect(req, url), 0);
	ck_assert_int_eq(nn_send(req, "early", 5, NN_DONTWAIT), 5);
	ck_assert_int_gt(nn_bind(rep, url), 0);
	spt_expect(rep, "early");
	spt_send(rep, "late");
	spt_expect(req, "late");
	ck_assert_int_eq(nn_close(req), 0);
	ck_assert_int_eq(nn_close(rep), 0);
}
END_TEST

START_TEST(nn_reqrep__out_of_state_efsm)
{
	char url[64], buf[8];
	int req = spt_socket(NN_REQ, 5000), rep = spt_socket(NN_REP, 5000);
	int rc, err;

	spt_inproc_url(url, sizeof (url));
	CALL(rc, err, nn_recv(req, buf, sizeof (buf), 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EFSM);	/* no request sent */
	CALL(rc, err, nn_send(rep, "x", 1, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EFSM);	/* no request received */
	ck_assert_int_gt(nn_bind(rep, url), 0);
	ck_assert_int_gt(nn_connect(req, url), 0);
	spt_send(req, "q");
	spt_expect(rep, "q");
	spt_send(rep, "a");
	CALL(rc, err, nn_send(rep, "b", 1, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EFSM);	/* already answered */
	spt_expect(req, "a");
	CALL(rc, err, nn_recv(req, buf, sizeof (buf), 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EFSM);	/* reply already taken */
	ck_assert_int_eq(nn_close(req), 0);
	ck_assert_int_eq(nn_close(rep), 0);
}
END_TEST

START_TEST(nn_send__rep_replies_to_the_requesting_peer)
{
	char url[64];
	int rep = spt_socket(NN_REP, 5000), r1 = spt_socket(NN_REQ, 5000);
	int r2 = spt_socket(NN_REQ, 5000);
	char buf[16];
	int n;

	spt_tcp_url(url, sizeof (url));
	ck_assert_int_gt(nn_bind(rep, url), 0);
	ck_assert_int_gt(nn_connect(r1, url), 0);
	ck_assert_int_gt(nn_connect(r2, url), 0);
	spt_send(r1, "one");
	spt_send(r2, "two");
	for (int i = 0; i < 2; i++) {
		n = nn_recv(rep, buf, sizeof (buf) - 1, 0);
		ck_assert_int_eq(n, 3);
		buf[n] = '\0';
		/* Answer with the question: each REQ must get its own. */
		spt_send(rep, buf);
	}
	spt_expect(r1, "one");
	spt_expect(r2, "two");
	ck_assert_int_eq(nn_close(rep), 0);
	ck_assert_int_eq(nn_close(r1), 0);
	ck_assert_int_eq(nn_close(r2), 0);
}
END_TEST

static const unsigned char rep_hdr[8] = { 0, 'S', 'P', 0, 0, 0x31, 0, 0 };
static const unsigned char req_hdr[8] = { 0, 'S', 'P', 0, 0, 0x30, 0, 0 };

/* Read one TCP frame: returns payload length, payload into buf. */
static int
read_frame(int fd, unsigned char *buf, size_t max, int ms)
{
	unsigned char len[8];
	uint64_t n = 0;

	if (spt_read_full(fd, len, 8, ms) != 8)
		return (-1);
	for (int i = 0; i < 8; i++)
		n = (n << 8) | len[i];
	ck_assert_uint_le(n, max);
	ck_assert_int_eq(spt_read_full(fd, buf, (size_t)n, ms), (int)n);
	return ((int)n);
}

static void
write_frame(int fd, const void *p, size_t n)
{
	unsigned char len[8] = { 0 };

	len[7] = (unsigned char)n;
	ck_assert_int_eq(send(fd, len, 8, MSG_NOSIGNAL), 8);
	ck_assert_int_eq(send(fd, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

static uint32_t
u32(const unsigned char *b)
{
	return (((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	    ((uint32_t)b[2] << 8) | b[3]);
}

/* A REQ dialing a raw REP listener; returns the accepted fd. */
static int
raw_rep(int *reqp, int *lfdp)
{
	char url[64];
	unsigned char hdr[8];
	int port, fd;

	*lfdp = spt_raw_listen(&port);
	snprintf(url, sizeof (url), "tcp://127.0.0.1:%d", port);
	*reqp = spt_socket(NN_REQ, 3000);
	ck_assert_int_gt(nn_connect(*reqp, url), 0);
	fd = accept(*lfdp, NULL, NULL);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(send(fd, rep_hdr, 8, MSG_NOSIGNAL), 8);
	ck_assert_int_eq(spt_read_full(fd, hdr, 8, 2000), 8);
	ck_assert_int_eq(memcmp(hdr, req_hdr, 8), 0);
	return (fd);
}

START_TEST(peer__req_ids_msb_set_new_request_cancels_old)
{
	int req, lfd, fd = raw_rep(&req, &lfd);
	unsigned char f1[64], f2[64], reply[8];
	char buf[16];
	uint32_t id1, id2;

	spt_send(req, "first");
	ck_assert_int_eq(read_frame(fd, f1, sizeof (f1), 2000), 9);
	id1 = u32(f1);
	ck_assert_uint_ne(id1 & 0x80000000U, 0);
	ck_assert_int_eq(memcmp(f1 + 4, "first", 5), 0);
	spt_send(req, "second");	/* cancels "first" */
	ck_assert_int_eq(read_frame(fd, f2, sizeof (f2), 2000), 10);
	id2 = u32(f2);
	ck_assert_uint_eq(id2, ((id1 + 1) & 0x7fffffffU) | 0x80000000U);
	/* A late reply to the first request is dropped... */
	memcpy(reply, f1, 4);
	memcpy(reply + 4, "old!", 4);
	write_frame(fd, reply, 8);
	/* ...the reply to the second is delivered. */
	memcpy(reply, f2, 4);
	memcpy(reply + 4, "new!", 4);
	write_frame(fd, reply, 8);
	ck_assert_int_eq(nn_recv(req, buf, sizeof (buf), 0), 4);
	ck_assert_int_eq(memcmp(buf, "new!", 4), 0);
	close(fd);
	close(lfd);
	ck_assert_int_eq(nn_close(req), 0);
}
END_TEST

START_TEST(nn_setsockopt__req_resend_ivl_resends_same_request)
{
	int req, lfd, fd = raw_rep(&req, &lfd), v = 0, rc, err;
	unsigned char f1[64], f2[64];
	size_t len = sizeof (v);
	long long t0;

	ck_assert_int_eq(nn_getsockopt(req, NN_REQ, NN_REQ_RESEND_IVL, &v,
	    &len), 0);
	ck_assert_int_eq(v, 60000);
	v = 0;
	CALL(rc, err, nn_setsockopt(req, NN_REQ, NN_REQ_RESEND_IVL, &v,
	    sizeof (v)));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	v = 200;
	ck_assert_int_eq(nn_setsockopt(req, NN_REQ, NN_REQ_RESEND_IVL, &v,
	    sizeof (v)), 0);
	spt_send(req, "again");
	t0 = harness_now_ms();
	ck_assert_int_eq(read_frame(fd, f1, sizeof (f1), 2000), 9);
	ck_assert_int_eq(read_frame(fd, f2, sizeof (f2), 2000), 9);
	ck_assert_int_ge(harness_now_ms() - t0, 150);
	ck_assert_int_eq(memcmp(f1, f2, 9), 0);	/* same id, same body */
	close(fd);
	close(lfd);
	ck_assert_int_eq(nn_close(req), 0);
}
END_TEST

/* A raw REQ client of a REP listener, past the header exchange. */
static int
raw_req(int *repp)
{
	char url[64];
	unsigned char hdr[8];
	int port = spt_free_port(), fd;

	snprintf(url, sizeof (url), "tcp://127.0.0.1:%d", port);
	*repp = spt_socket(NN_REP, 2000);
	ck_assert_int_gt(nn_bind(*repp, url), 0);
	fd = spt_raw_connect(port);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(send(fd, req_hdr, 8, MSG_NOSIGNAL), 8);
	ck_assert_int_eq(spt_read_full(fd, hdr, 8, 2000), 8);
	ck_assert_int_eq(memcmp(hdr, rep_hdr, 8), 0);
	return (fd);
}

START_TEST(peer__rep_returns_backtrace_with_reply)
{
	int rep, fd = raw_req(&rep);
	unsigned char q[] = { 0, 0, 0, 5, 0x80, 0, 0, 7, 'h', 'i' };
	unsigned char got[64];

	write_frame(fd, q, sizeof (q));
	spt_expect(rep, "hi");
	spt_send(rep, "yo");
	ck_assert_int_eq(read_frame(fd, got, sizeof (got), 2000), 10);
	ck_assert_int_eq(memcmp(got, q, 8), 0);	/* hop + id, in order */
	ck_assert_int_eq(memcmp(got + 8, "yo", 2), 0);
	close(fd);
	ck_assert_int_eq(nn_close(rep), 0);
}
END_TEST

START_TEST(peer__rep_drops_over_maxttl_closes_on_garbage)
{
	int rep, fd = raw_req(&rep), one = 1, rc, err;
	unsigned char hops[] = { 0, 0, 0, 1, 0x80, 0, 0, 2, 'x' };
	unsigned char ok[] = { 0x80, 0, 0, 3, 'o', 'k' };
	unsigned char junk[] = { 0, 0, 0, 1, 'x' };
	char buf[8];

	ck_assert_int_eq(nn_setsockopt(rep, NN_SOL_SOCKET, NN_MAXTTL, &one,
	    sizeof (one)), 0);
	write_frame(fd, hops, sizeof (hops));	/* 2 hops > 1: dropped */
	write_frame(fd, ok, sizeof (ok));	/* same pipe still works */
	CALL(rc, err, nn_recv(rep, buf, sizeof (buf), 0));
	ck_assert_msg(rc == 2, "nn_recv: %d, %s", rc, nn_strerror(err));
	ck_assert_int_eq(memcmp(buf, "ok", 2), 0);
	write_frame(fd, junk, sizeof (junk));	/* no request id at all */
	ck_assert_int_eq(spt_wait_eof(fd, 2000), 1);
	close(fd);
	ck_assert_int_eq(nn_close(rep), 0);
}
END_TEST

START_TEST(nn_send__req_resends_when_its_peer_goes)
{
	char url[64];
	int req, lfd, fd = raw_rep(&req, &lfd), rep = spt_socket(NN_REP, 5000);
	unsigned char f[64];
	int rep_port;

	rep_port = spt_free_port();
	snprintf(url, sizeof (url), "tcp://127.0.0.1:%d", rep_port);
	ck_assert_int_gt(nn_bind(rep, url), 0);
	spt_send(req, "go");
	/* The raw peer got it; REP is not connected yet. */
	ck_assert_int_eq(read_frame(fd, f, sizeof (f), 2000), 6);
	ck_assert_int_gt(nn_connect(req, url), 0);
	usleep(100000);
	close(fd);	/* request lost with its peer: REQ asks REP now */
	close(lfd);
	spt_expect(rep, "go");
	spt_send(rep, "done");
	spt_expect(req, "done");
	ck_assert_int_eq(nn_close(req), 0);
	ck_assert_int_eq(nn_close(rep), 0);
}
END_TEST

Suite *
nn_proto_suite(void)
{
	Suite *su = suite_create("nn_proto");
	TCase *tc;

	tc = harness_tcase("pubsub");
	tcase_add_loop_test(tc, nn_setsockopt__sub_prefix_filters, 0, 3);
	tcase_add_test(tc,
	    nn_setsockopt__sub_unsubscribe_counts_and_unknown_ok);
	tcase_add_test(tc, nn_setsockopt__sub_empty_prefix_matches_all);
	tcase_add_test(tc, nn_recv__sub_without_subscription_gets_nothing);
	tcase_add_test(tc, nn_send__pub_without_peers_succeeds);
	tcase_add_test(tc, nn_send__pub_never_blocks_drops_for_slow_sub);
	tcase_add_test(tc, nn_send__pub_reaches_every_subscriber);
	tcase_add_test(tc, nn_pubsub__wrong_direction_enotsup_enoprotoopt);
	suite_add_tcase(su, tc);

	tc = harness_tcase("reqrep");
	tcase_add_loop_test(tc, nn_send__req_rep_roundtrip, 0, 6);
	tcase_add_test(tc, nn_send__req_before_any_peer_is_queued);
	tcase_add_test(tc, nn_reqrep__out_of_state_efsm);
	tcase_add_test(tc, nn_send__rep_replies_to_the_requesting_peer);
	tcase_add_test(tc, peer__req_ids_msb_set_new_request_cancels_old);
	tcase_add_test(tc, nn_setsockopt__req_resend_ivl_resends_same_request);
	tcase_add_test(tc, peer__rep_returns_backtrace_with_reply);
	tcase_add_test(tc, peer__rep_drops_over_maxttl_closes_on_garbage);
	tcase_add_test(tc, nn_send__req_resends_when_its_peer_goes);
	suite_add_tcase(su, tc);
	return (su);
}
