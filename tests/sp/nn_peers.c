/*
 * Peers that misbehave, and endpoints over time: header validation, frame
 * limits, handshake timeout, reconnect back-off, listener restarts,
 * nn_shutdown of one endpoint, PAIR's single peer.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nanomsg/nn.h>
#include <nanomsg/pair.h>
#include <nanomsg/pipeline.h>

#include "util.h"

static const unsigned char pair_hdr[8] = { 0, 'S', 'P', 0, 0, 0x10, 0, 0 };

/* A PAIR listener and a raw TCP client that has read our SP header. */
static int
raw_client(int *sp)
{
	char url[64];
	unsigned char hdr[8];
	int port = spt_free_port(), fd;

	snprintf(url, sizeof (url), "tcp://127.0.0.1:%d", port);
	*sp = spt_socket(NN_PAIR, 2000);
	ck_assert_int_gt(nn_bind(*sp, url), 0);
	fd = spt_raw_connect(port);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(spt_read_full(fd, hdr, sizeof (hdr), 2000), 8);
	ck_assert_int_eq(memcmp(hdr, pair_hdr, 8), 0);
	return (fd);
}

static void
raw_write(int fd, const void *buf, size_t n)
{
	ck_assert_int_eq(send(fd, buf, n, MSG_NOSIGNAL), (ssize_t)n);
}

START_TEST(peer__sp_header_sent_and_message_framed)
{
	int s, fd = raw_client(&s);
	unsigned char frame[8 + 5] = { 0, 0, 0, 0, 0, 0, 0, 5, 'h', 'e', 'l',
	    'l', 'o' };
	unsigned char got[13];

	raw_write(fd, pair_hdr, 8);
	raw_write(fd, frame, sizeof (frame));
	spt_expect(s, "hello");
	spt_send(s, "hello");
	ck_assert_int_eq(spt_read_full(fd, got, sizeof (got), 2000), 13);
	ck_assert_int_eq(memcmp(got, frame, sizeof (frame)), 0);
	close(fd);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(peer__bad_magic_closed)
{
	int s, fd = raw_client(&s);

	raw_write(fd, "GET / HT", 8);
	ck_assert_int_eq(spt_wait_eof(fd, 2000), 1);
	close(fd);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(peer__reserved_bytes_nonzero_closed)
{
	int s, fd = raw_client(&s);
	unsigned char h[8] = { 0, 'S', 'P', 0, 0, 0x10, 0, 1 };

	raw_write(fd, h, 8);
	ck_assert_int_eq(spt_wait_eof(fd, 2000), 1);
	close(fd);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(peer__wrong_protocol_closed)
{
	int s, fd = raw_client(&s);
	unsigned char h[8] = { 0, 'S', 'P', 0, 0, 0x51, 0, 0 };	/* PULL */

	raw_write(fd, h, 8);
	ck_assert_int_eq(spt_wait_eof(fd, 2000), 1);
	close(fd);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(peer__oversized_frame_closed_socket_survives)
{
	int s, fd = raw_client(&s), c;
	/* 2^62 bytes: must be refused on the length, never allocated. */
	unsigned char len[8] = { 0x40, 0, 0, 0, 0, 0, 0, 0 };
	char url[64];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof (ss);

	raw_write(fd, pair_hdr, 8);
	raw_write(fd, len, 8);
	ck_assert_int_eq(spt_wait_eof(fd, 2000), 1);
	/* Only that connection went: a proper peer gets through. */
	ck_assert_int_eq(getpeername(fd, (struct sockaddr *)&ss, &sl), 0);
	snprintf(url, sizeof (url), "tcp://127.0.0.1:%d",
	    ntohs(((struct sockaddr_in *)&ss)->sin_port));
	close(fd);
	c = spt_socket(NN_PAIR, 2000);
	ck_assert_int_gt(nn_connect(c, url), 0);
	spt_send(c, "fine");
	spt_expect(s, "fine");
	ck_assert_int_eq(nn_close(c), 0);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(peer__silent_peer_times_out)
{
	int s, fd = raw_client(&s);
	long long t0 = harness_now_ms();

	/* No header from the peer: dropped after the 1000 ms handshake. */
	ck_assert_int_eq(spt_wait_eof(fd, 3000), 1);
	ck_assert_int_ge(harness_now_ms() - t0, 900);
	close(fd);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(nn_connect__backoff_against_accept_and_close)
{
	int port, lfd = spt_raw_listen(&port), s = nn_socket(AF_SP, NN_PAIR);
	int ivl = 20, max = 160, n = 0;
	char url[64];
	long long end;

	ck_assert_int_eq(nn_setsockopt(s, NN_SOL_SOCKET, NN_RECONNECT_IVL,
	    &ivl, sizeof (ivl)), 0);
	ck_assert_int_eq(nn_setsockopt(s, NN_SOL_SOCKET, NN_RECONNECT_IVL_MAX,
	    &max, sizeof (max)), 0);
	snprintf(url, sizeof (url), "tcp://127.0.0.1:%d", port);
	ck_assert_int_gt(nn_connect(s, url), 0);
	end = harness_now_ms() + 700;
	while (harness_now_ms() < end) {
		struct pollfd pfd = { lfd, POLLIN, 0 };

		if (poll(&pfd, 1, 20) == 1) {
			int fd = accept(lfd, NULL, NULL);

			if (fd >= 0) {
				close(fd);
				n++;
			}
		}
	}
	/*
	 * Delays 20, 40, 80, 160, 160 ... ms (less up to a quarter) fit at
	 * most about ten attempts into 700 ms; a spinning dialer makes
	 * thousands.  At least the first few must have happened.
	 */
	ck_assert_int_ge(n, 3);
	ck_assert_int_le(n, 12);
	ck_assert_int_eq(nn_close(s), 0);
	close(lfd);
}
END_TEST

START_TEST(nn_connect__reconnects_after_listener_restart)
{
	char url[64];
	int a = spt_socket(NN_PAIR, 3000), b = spt_socket(NN_PAIR, 3000);

	spt_tcp_url(url, sizeof (url));
	ck_assert_int_gt(nn_bind(a, url), 0);
	ck_assert_int_gt(nn_connect(b, url), 0);
	spt_send(b, "before");
	spt_expect(a, "before");
	ck_assert_int_eq(nn_close(a), 0);
	a = spt_socket(NN_PAIR, 3000);
	ck_assert_int_gt(nn_bind(a, url), 0);
	/* Blocks until b has redialed: nothing sent after the restart is lost. */
	for (int i = 0; i < 10; i++) {
		char m[32];

		snprintf(m, sizeof (m), "after%d", i);
		spt_send(b, m);
	}
	for (int i = 0; i < 10; i++) {
		char m[32];

		snprintf(m, sizeof (m), "after%d", i);
		spt_expect(a, m);
	}
	ck_assert_int_eq(nn_close(a), 0);
	ck_assert_int_eq(nn_close(b), 0);
}
END_TEST

START_TEST(nn_shutdown__one_endpoint_others_keep_working)
{
	char u1[64], u2[64];
	int pull = spt_socket(NN_PULL, 2000);
	int p1 = spt_socket(NN_PUSH, 300), p2 = spt_socket(NN_PUSH, 2000);
	int e1, rc, err;

	spt_tcp_url(u1, sizeof (u1));
	spt_ipc_url(u2, sizeof (u2));
	e1 = nn_bind(pull, u1);
	ck_assert_int_gt(e1, 0);
	ck_assert_int_gt(nn_bind(pull, u2), 0);
	ck_assert_int_gt(nn_connect(p1, u1), 0);
	ck_assert_int_gt(nn_connect(p2, u2), 0);
	spt_send(p1, "one");
	spt_expect(pull, "one");
	ck_assert_int_eq(nn_shutdown(pull, e1), 0);
	spt_send(p2, "two");
	spt_expect(pull, "two");
	/* p1's connection was closed with the endpoint: nowhere to send. */
	usleep(100000);
	CALL(rc, err, nn_send(p1, "lost", 4, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIMEDOUT);
	ck_assert_int_eq(nn_close(p1), 0);
	ck_assert_int_eq(nn_close(p2), 0);
	ck_assert_int_eq(nn_close(pull), 0);
}
END_TEST

START_TEST(nn_connect__pair_second_peer_rejected)
{
	char url[64];
	int a = spt_socket(NN_PAIR, 2000), b = spt_socket(NN_PAIR, 2000);
	int c = spt_socket(NN_PAIR, 300), rc, err;

	spt_inproc_url(url, sizeof (url));
	ck_assert_int_gt(nn_bind(a, url), 0);
	ck_assert_int_gt(nn_connect(b, url), 0);
	spt_send(b, "first");
	spt_expect(a, "first");
	ck_assert_int_gt(nn_connect(c, url), 0);
	CALL(rc, err, nn_recv(a, NULL, 0, NN_DONTWAIT));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EAGAIN);
	/* c never gets a usable peer. */
	nn_send(c, "second", 6, NN_DONTWAIT);
	usleep(200000);
	CALL(rc, err, nn_recv(a, NULL, 0, NN_DONTWAIT));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EAGAIN);
	spt_send(b, "still b");
	spt_expect(a, "still b");
	ck_assert_int_eq(nn_close(c), 0);
	ck_assert_int_eq(nn_close(b), 0);
	ck_assert_int_eq(nn_close(a), 0);
}
END_TEST

Suite *
nn_peers_suite(void)
{
	Suite *su = suite_create("nn_peers");
	TCase *tc;

	tc = harness_tcase("bad_peers");
	tcase_add_test(tc, peer__sp_header_sent_and_message_framed);
	tcase_add_test(tc, peer__bad_magic_closed);
	tcase_add_test(tc, peer__reserved_bytes_nonzero_closed);
	tcase_add_test(tc, peer__wrong_protocol_closed);
	tcase_add_test(tc, peer__oversized_frame_closed_socket_survives);
	tcase_add_test(tc, peer__silent_peer_times_out);
	suite_add_tcase(su, tc);

	tc = harness_tcase("endpoints");
	tcase_add_test(tc, nn_connect__backoff_against_accept_and_close);
	tcase_add_test(tc, nn_connect__reconnects_after_listener_restart);
	tcase_add_test(tc, nn_shutdown__one_endpoint_others_keep_working);
	tcase_add_test(tc, nn_connect__pair_second_peer_rejected);
	suite_add_tcase(su, tc);
	return (su);
}
