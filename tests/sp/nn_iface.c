/*
 * tcp:// local interfaces: tcp://iface;host:port for nn_connect (bind to
 * the interface's address before connecting) and tcp://iface:port for
 * nn_bind, where iface is a literal, an interface name or "*".
 * Loopback only: 127.0.0.2 is a loopback address on Linux, so a test can
 * see that the source address really was the one asked for.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nanomsg/nn.h>
#include <nanomsg/pipeline.h>
#include <sockshim/sp.h>

#include "util.h"

/* The name of the interface that has 127.0.0.1 ("lo" on Linux). */
static void
loopback_name(char *buf, size_t len)
{
	struct ifaddrs *ifa;

	buf[0] = '\0';
	ck_assert_int_eq(getifaddrs(&ifa), 0);
	for (struct ifaddrs *i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET)
			continue;
		if (((struct sockaddr_in *)(void *)i->ifa_addr)->
		    sin_addr.s_addr == htonl(INADDR_LOOPBACK)) {
			(void) snprintf(buf, len, "%s", i->ifa_name);
			break;
		}
	}
	freeifaddrs(ifa);
	ck_assert_msg(buf[0] != '\0', "no interface has 127.0.0.1");
}

/*
 * Connect a PUSH socket with url (which names the raw listener's port)
 * and return the source address of the connection the listener accepts.
 */
static void
source_of(int lfd, const char *url, char *addr, size_t len)
{
	struct pollfd pfd = { lfd, POLLIN, 0 };
	struct sockaddr_in sin;
	socklen_t sl = sizeof (sin);
	int s = spt_socket(NN_PUSH, 2000), fd, rc, err;

	CALL(rc, err, nn_connect(s, url));
	ck_assert_msg(rc > 0, "nn_connect %s: %s", url, nn_strerror(err));
	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	fd = accept(lfd, (struct sockaddr *)&sin, &sl);
	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_nonnull(inet_ntop(AF_INET, &sin.sin_addr, addr,
	    (socklen_t)len));
	(void) close(fd);
	ck_assert_int_eq(nn_close(s), 0);
}

START_TEST(nn_connect__iface_literal_is_source_address)
{
	char url[NN_SOCKADDR_MAX], addr[INET_ADDRSTRLEN];
	int port, lfd = spt_raw_listen(&port);

	(void) snprintf(url, sizeof (url), "tcp://127.0.0.2;127.0.0.1:%d",
	    port);
	source_of(lfd, url, addr, sizeof (addr));
	ck_assert_str_eq(addr, "127.0.0.2");
	(void) close(lfd);
}
END_TEST

START_TEST(nn_connect__iface_name_is_source_address)
{
	char url[NN_SOCKADDR_MAX], addr[INET_ADDRSTRLEN], lo[64];
	int port, lfd = spt_raw_listen(&port);

	loopback_name(lo, sizeof (lo));
	(void) snprintf(url, sizeof (url), "tcp://%s;127.0.0.1:%d", lo,
	    port);
	source_of(lfd, url, addr, sizeof (addr));
	ck_assert_str_eq(addr, "127.0.0.1");
	(void) close(lfd);
}
END_TEST

START_TEST(nn_connect__iface_star_means_any)
{
	char url[NN_SOCKADDR_MAX];
	int pull = spt_socket(NN_PULL, 5000), push = spt_socket(NN_PUSH, 5000);
	int eid, port, rc, err;

	ck_assert_int_gt(eid = nn_bind(pull, "tcp://127.0.0.1:0"), 0);
	ck_assert_int_gt(port = sp_endpoint_port(pull, eid), 0);
	(void) snprintf(url, sizeof (url), "tcp://*;127.0.0.1:%d", port);
	CALL(rc, err, sp_dial(push, url, 0));
	ck_assert_msg(rc > 0, "sp_dial: %s", nn_strerror(err));
	spt_send(push, "any");
	spt_expect(pull, "any");
	ck_assert_int_eq(nn_close(push), 0);
	ck_assert_int_eq(nn_close(pull), 0);
}
END_TEST

START_TEST(nn_connect__unknown_iface_enodev)
{
	int s = spt_socket(NN_PUSH, 100), rc, err;

	CALL(rc, err, nn_connect(s, "tcp://nosuchif0;127.0.0.1:5555"));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENODEV);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(nn_connect__empty_iface_einval)
{
	int s = spt_socket(NN_PUSH, 100), rc, err;

	CALL(rc, err, nn_connect(s, "tcp://;127.0.0.1:5555"));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

/* An IPv6 interface address cannot be the source of an IPv4 connection. */
START_TEST(sp_dial__iface_family_mismatch_eaddrnotavail)
{
	int s = spt_socket(NN_PUSH, 2000), zero = 0, port, lfd, rc, err;
	char url[NN_SOCKADDR_MAX];

	lfd = spt_raw_listen(&port);
	ck_assert_int_eq(nn_setsockopt(s, NN_SOL_SOCKET, NN_IPV4ONLY, &zero,
	    sizeof (zero)), 0);
	(void) snprintf(url, sizeof (url), "tcp://[::1];127.0.0.1:%d", port);
	CALL(rc, err, sp_dial(s, url, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EADDRNOTAVAIL);
	ck_assert_int_eq(nn_close(s), 0);
	(void) close(lfd);
}
END_TEST

/* Bind to url (with the port of a free port), connect to 127.0.0.1. */
static void
bind_and_exchange(const char *fmt)
{
	char url[NN_SOCKADDR_MAX], curl[NN_SOCKADDR_MAX];
	int pull = spt_socket(NN_PULL, 5000), push = spt_socket(NN_PUSH, 5000);
	int port = spt_free_port(), eid, rc, err;

	(void) snprintf(url, sizeof (url), fmt, port);
	CALL(eid, err, nn_bind(pull, url));
	ck_assert_msg(eid > 0, "nn_bind %s: %s", url, nn_strerror(err));
	ck_assert_int_eq(sp_endpoint_port(pull, eid), port);
	(void) snprintf(curl, sizeof (curl), "tcp://127.0.0.1:%d", port);
	CALL(rc, err, sp_dial(push, curl, 0));
	ck_assert_msg(rc > 0, "sp_dial: %s", nn_strerror(err));
	spt_send(push, url);
	spt_expect(pull, url);
	ck_assert_int_eq(nn_close(push), 0);
	ck_assert_int_eq(nn_close(pull), 0);
}

START_TEST(nn_bind__iface_name)
{
	char lo[64], fmt[96];

	loopback_name(lo, sizeof (lo));
	(void) snprintf(fmt, sizeof (fmt), "tcp://%s:%%d", lo);
	bind_and_exchange(fmt);
}
END_TEST

START_TEST(nn_bind__iface_literal)
{
	bind_and_exchange("tcp://127.0.0.1:%d");
}
END_TEST

START_TEST(nn_bind__iface_star)
{
	bind_and_exchange("tcp://*:%d");
}
END_TEST

/* Bound to 127.0.0.2 only: a connection to 127.0.0.1 is refused. */
START_TEST(nn_bind__iface_literal_is_the_only_address)
{
	int pull = spt_socket(NN_PULL, 5000), push = spt_socket(NN_PUSH, 5000);
	int port, eid, fd, rc, err;
	char url[NN_SOCKADDR_MAX];

	ck_assert_int_gt(eid = nn_bind(pull, "tcp://127.0.0.2:0"), 0);
	ck_assert_int_gt(port = sp_endpoint_port(pull, eid), 0);
	fd = spt_raw_connect(port);
	ck_assert_int_eq(fd, -1);
	(void) snprintf(url, sizeof (url), "tcp://127.0.0.2:%d", port);
	CALL(rc, err, sp_dial(push, url, 0));
	ck_assert_msg(rc > 0, "sp_dial: %s", nn_strerror(err));
	spt_send(push, "only");
	spt_expect(pull, "only");
	ck_assert_int_eq(nn_close(push), 0);
	ck_assert_int_eq(nn_close(pull), 0);
}
END_TEST

START_TEST(nn_bind__unknown_iface_enodev)
{
	int s = spt_socket(NN_PULL, 100), rc, err;

	CALL(rc, err, nn_bind(s, "tcp://nosuchif0:5555"));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENODEV);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(nn_bind__iface_semicolon_enodev)
{
	int s = spt_socket(NN_PULL, 100), rc, err;

	CALL(rc, err, nn_bind(s, "tcp://127.0.0.1;127.0.0.1:5555"));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ENODEV);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

START_TEST(nn_bind__iface_bad_port_einval)
{
	char lo[64], url[NN_SOCKADDR_MAX];
	int s = spt_socket(NN_PULL, 100), rc, err;

	loopback_name(lo, sizeof (lo));
	(void) snprintf(url, sizeof (url), "tcp://%s:65536", lo);
	CALL(rc, err, nn_bind(s, url));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	ck_assert_int_eq(nn_close(s), 0);
}
END_TEST

Suite *
nn_iface_suite(void)
{
	Suite *su = suite_create("nn_iface");
	TCase *tc;

	tc = harness_tcase("nn_connect_iface");
	tcase_add_test(tc, nn_connect__iface_literal_is_source_address);
	tcase_add_test(tc, nn_connect__iface_name_is_source_address);
	tcase_add_test(tc, nn_connect__iface_star_means_any);
	tcase_add_test(tc, nn_connect__unknown_iface_enodev);
	tcase_add_test(tc, nn_connect__empty_iface_einval);
	tcase_add_test(tc, sp_dial__iface_family_mismatch_eaddrnotavail);
	suite_add_tcase(su, tc);

	tc = harness_tcase("nn_bind_iface");
	tcase_add_test(tc, nn_bind__iface_name);
	tcase_add_test(tc, nn_bind__iface_literal);
	tcase_add_test(tc, nn_bind__iface_star);
	tcase_add_test(tc, nn_bind__iface_literal_is_the_only_address);
	tcase_add_test(tc, nn_bind__unknown_iface_enodev);
	tcase_add_test(tc, nn_bind__iface_semicolon_enodev);
	tcase_add_test(tc, nn_bind__iface_bad_port_einval);
	suite_add_tcase(su, tc);
	return (su);
}
