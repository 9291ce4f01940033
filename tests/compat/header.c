/*
 * The illumos names sockshim adds to <netinet/in.h>, <sys/socket.h> and
 * <netdb.h>.  These headers come first, before anything that could define
 * the names another way (harness.h reads <port.h>).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netdb.h>

#if !defined(IN6_INADDR_TO_V4MAPPED) || \
	!defined(IN6_V4MAPPED_TO_INADDR) || \
	!defined(IN6_IPADDR_TO_V4MAPPED) || \
	!defined(IN6_V4MAPPED_TO_IPADDR) || \
	!defined(IN6_IS_ADDR_V4MAPPED_ANY)
#error "<netinet/in.h> lacks the illumos IPv4-mapped address macros"
#endif
#if !defined(SOCK_NDELAY)
#error "<sys/socket.h> lacks SOCK_NDELAY"
#endif
#if !defined(AI_DEFAULT)
#error "<netdb.h> lacks AI_DEFAULT"
#endif

#include <arpa/inet.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "compat.h"

static const unsigned char mapped_192_0_2_7[16] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 7
};

START_TEST(in6_inaddr_to_v4mapped__maps_address)
{
	struct in_addr v4;
	struct in6_addr v6;

	(void) memset(&v6, 0xaa, sizeof (v6));
	v4.s_addr = htonl(0xc0000207);
	IN6_INADDR_TO_V4MAPPED(&v4, &v6);
	ck_assert_mem_eq(v6.s6_addr, mapped_192_0_2_7, 16);
}
END_TEST

START_TEST(in6_v4mapped_to_inaddr__copies_low_32_bits)
{
	struct in_addr v4;
	struct in6_addr v6;

	(void) memcpy(v6.s6_addr, mapped_192_0_2_7, 16);
	v4.s_addr = 0;
	IN6_V4MAPPED_TO_INADDR(&v6, &v4);
	ck_assert_uint_eq(ntohl(v4.s_addr), 0xc0000207);
}
END_TEST

START_TEST(in6_ipaddr_to_v4mapped__maps_network_order_value)
{
	ipaddr_t a = htonl(0xc0000207);
	struct in6_addr v6;

	(void) memset(&v6, 0xaa, sizeof (v6));
	IN6_IPADDR_TO_V4MAPPED(a, &v6);
	ck_assert_mem_eq(v6.s6_addr, mapped_192_0_2_7, 16);
}
END_TEST

START_TEST(in6_v4mapped_to_ipaddr__stores_network_order_value)
{
	struct in6_addr v6;
	ipaddr_t a = 0;

	(void) memcpy(v6.s6_addr, mapped_192_0_2_7, 16);
	IN6_V4MAPPED_TO_IPADDR(&v6, a);
	ck_assert_uint_eq(a, htonl(0xc0000207));
}
END_TEST

START_TEST(in6_is_addr_v4mapped_any__only_mapped_unspecified)
{
	struct in6_addr v6;

	ck_assert_int_eq(inet_pton(AF_INET6, "::ffff:0.0.0.0", &v6), 1);
	ck_assert(IN6_IS_ADDR_V4MAPPED_ANY(&v6));
	ck_assert_int_eq(inet_pton(AF_INET6, "::", &v6), 1);
	ck_assert(!IN6_IS_ADDR_V4MAPPED_ANY(&v6));
	ck_assert_int_eq(inet_pton(AF_INET6, "::ffff:0.0.0.1", &v6), 1);
	ck_assert(!IN6_IS_ADDR_V4MAPPED_ANY(&v6));
	ck_assert_int_eq(inet_pton(AF_INET6, "::fffe:0.0.0.0", &v6), 1);
	ck_assert(!IN6_IS_ADDR_V4MAPPED_ANY(&v6));
}
END_TEST

START_TEST(ipaddr_t__is_unsigned_32_bits)
{
	ipaddr_t a = (ipaddr_t)-1;

	ck_assert_uint_eq(sizeof (ipaddr_t), 4);
	ck_assert(a > 0);
}
END_TEST

START_TEST(sock_ndelay__creates_nonblocking_socket)
{
	char c;
	int s, rc, err;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_NDELAY, 0);
	ck_assert_int_ge(s, 0);
	ck_assert_int_ne(fcntl(s, F_GETFL) & O_NONBLOCK, 0);
	CALL(rc, err, (int)recv(s, &c, 1, 0));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EAGAIN);
	(void) close(s);
}
END_TEST

START_TEST(ai_default__is_v4mapped_and_addrconfig)
{
	ck_assert_int_eq(AI_DEFAULT, AI_V4MAPPED | AI_ADDRCONFIG);
}
END_TEST

Suite *
compat_header_suite(void)
{
	Suite *s = suite_create("compat-header");
	TCase *tc = harness_tcase("header");

	tcase_add_test(tc, in6_inaddr_to_v4mapped__maps_address);
	tcase_add_test(tc, in6_v4mapped_to_inaddr__copies_low_32_bits);
	tcase_add_test(tc, in6_ipaddr_to_v4mapped__maps_network_order_value);
	tcase_add_test(tc, in6_v4mapped_to_ipaddr__stores_network_order_value);
	tcase_add_test(tc, in6_is_addr_v4mapped_any__only_mapped_unspecified);
	tcase_add_test(tc, ipaddr_t__is_unsigned_32_bits);
	tcase_add_test(tc, sock_ndelay__creates_nonblocking_socket);
	tcase_add_test(tc, ai_default__is_v4mapped_and_addrconfig);
	suite_add_tcase(s, tc);
	return (s);
}
