/*
 * getipnodebyname(3SOCKET), getipnodebyaddr(3SOCKET), freehostent().
 *
 * Literal addresses and "localhost" need nothing.  Names run against a
 * private /etc/hosts (with "hosts: files", so no DNS), AI_ADDRCONFIG in a
 * private network namespace; both need root and skip without it.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "compat.h"

#define	ADDRS(...)	((const char *const[]){ __VA_ARGS__, NULL })

static const char hosts[] =
	"192.0.2.10	dual.test dualalias.test\n"
	"2001:db8::10	dual.test\n"
	"192.0.2.11	dual.test\n"
	"192.0.2.20	v4only.test\n"
	"2001:db8::30	v6only.test\n";

/*
 * hp holds exactly the addresses want (text, in order) of family af, is
 * named name (unless name is NULL), has an empty alias list; then free it.
 */
static void
expect_host(struct hostent *hp, int af, const char *name,
    const char *const *want)
{
	char buf[INET6_ADDRSTRLEN];
	int i;

	ck_assert_ptr_nonnull(hp);
	ck_assert_int_eq(hp->h_addrtype, af);
	ck_assert_int_eq(hp->h_length, af == AF_INET ? 4 : 16);
	if (name != NULL)
		ck_assert_str_eq(hp->h_name, name);
	ck_assert_ptr_nonnull(hp->h_aliases);
	ck_assert_ptr_null(hp->h_aliases[0]);
	for (i = 0; want[i] != NULL; i++) {
		ck_assert_msg(hp->h_addr_list[i] != NULL,
		    "address %d (%s) missing", i, want[i]);
		ck_assert_ptr_nonnull(inet_ntop(af, hp->h_addr_list[i], buf,
		    sizeof (buf)));
		ck_assert_str_eq(buf, want[i]);
	}
	ck_assert_msg(hp->h_addr_list[i] == NULL, "more than %d addresses", i);
	freehostent(hp);
}

static void
expect_byname(const char *name, int af, int flags, const char *canon,
    const char *const *want)
{
	int err = -1;

	expect_host(getipnodebyname(name, af, flags, &err), af, canon, want);
}

static void
expect_byname_error(const char *name, int af, int flags, int want)
{
	struct hostent *hp;
	int err = -1;

	hp = getipnodebyname(name, af, flags, &err);
	ck_assert_ptr_null(hp);
	ck_assert_int_eq(err, want);
}

/* getipnodebyaddr() of the text address addr of family af. */
static struct hostent *
byaddr(const char *addr, int af, int *err)
{
	unsigned char a[16];

	ck_assert_int_eq(inet_pton(af, addr, a), 1);
	return (getipnodebyaddr(a, af == AF_INET ? 4 : 16, af, err));
}

/* --- Literal addresses. --------------------------------------------- */

START_TEST(getipnodebyname__ipv4_literal_af_inet)
{
	expect_byname("192.0.2.1", AF_INET, 0, "192.0.2.1",
	    ADDRS("192.0.2.1"));
}
END_TEST

START_TEST(getipnodebyname__ipv4_literal_v4mapped_maps_it)
{
	expect_byname("192.0.2.1", AF_INET6, AI_V4MAPPED, "::ffff:192.0.2.1",
	    ADDRS("::ffff:192.0.2.1"));
}
END_TEST

START_TEST(getipnodebyname__ipv4_literal_af_inet6_needs_v4mapped)
{
	expect_byname_error("192.0.2.1", AF_INET6, 0, HOST_NOT_FOUND);
}
END_TEST

START_TEST(getipnodebyname__ipv6_literal_af_inet6)
{
	expect_byname("2001:db8::1", AF_INET6, 0, "2001:db8::1",
	    ADDRS("2001:db8::1"));
}
END_TEST

START_TEST(getipnodebyname__ipv6_literal_af_inet_no_address)
{
	expect_byname_error("2001:db8::1", AF_INET, 0, NO_ADDRESS);
}
END_TEST

START_TEST(getipnodebyname__mapped_literal_af_inet_unmaps_it)
{
	expect_byname("::ffff:192.0.2.1", AF_INET, 0, "::ffff:192.0.2.1",
	    ADDRS("192.0.2.1"));
}
END_TEST

START_TEST(getipnodebyname__bad_ipv6_literal_host_not_found)
{
	expect_byname_error("2001:db8::zz", AF_INET6, 0, HOST_NOT_FOUND);
}
END_TEST

START_TEST(getipnodebyname__bad_family_host_not_found)
{
	expect_byname_error("192.0.2.1", AF_UNIX, 0, HOST_NOT_FOUND);
}
END_TEST

START_TEST(getipnodebyname__null_name_host_not_found)
{
	expect_byname_error(NULL, AF_INET, 0, HOST_NOT_FOUND);
}
END_TEST

START_TEST(getipnodebyname__keeps_errno_on_success)
{
	struct hostent *hp;
	int err = -1;

	errno = 12345;
	hp = getipnodebyname("192.0.2.1", AF_INET, 0, &err);
	ck_assert_int_eq(errno, 12345);
	ck_assert_ptr_nonnull(hp);
	freehostent(hp);
}
END_TEST

/* Whatever this machine calls localhost, getaddrinfo() agrees. */
START_TEST(getipnodebyname__localhost_matches_getaddrinfo)
{
	struct addrinfo hints, *res, *ai;
	struct hostent *hp;
	int err = -1, n = 0;

	(void) memset(&hints, 0, sizeof (hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	ck_assert_int_eq(getaddrinfo("localhost", NULL, &hints, &res), 0);
	hp = getipnodebyname("localhost", AF_INET, 0, &err);
	ck_assert_ptr_nonnull(hp);
	for (ai = res; ai != NULL; ai = ai->ai_next, n++) {
		ck_assert_ptr_nonnull(hp->h_addr_list[n]);
		ck_assert_mem_eq(hp->h_addr_list[n],
		    &((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr, 4);
	}
	ck_assert_ptr_null(hp->h_addr_list[n]);
	freeaddrinfo(res);
	freehostent(hp);
}
END_TEST

/* --- Names, in a private /etc/hosts. -------------------------------- */

START_TEST(getipnodebyname__af_inet_returns_ipv4_only)
{
	if (!compat_ns_hosts(hosts))
		return;
	expect_byname("dual.test", AF_INET, 0, "dual.test",
	    ADDRS("192.0.2.10", "192.0.2.11"));
}
END_TEST

START_TEST(getipnodebyname__af_inet6_returns_ipv6_only)
{
	if (!compat_ns_hosts(hosts))
		return;
	expect_byname("dual.test", AF_INET6, 0, "dual.test",
	    ADDRS("2001:db8::10"));
}
END_TEST

START_TEST(getipnodebyname__v4mapped_prefers_ipv6)
{
	if (!compat_ns_hosts(hosts))
		return;
	expect_byname("dual.test", AF_INET6, AI_V4MAPPED, "dual.test",
	    ADDRS("2001:db8::10"));
}
END_TEST

START_TEST(getipnodebyname__v4mapped_maps_ipv4_when_no_ipv6)
{
	if (!compat_ns_hosts(hosts))
		return;
	expect_byname("v4only.test", AF_INET6, AI_V4MAPPED, "v4only.test",
	    ADDRS("::ffff:192.0.2.20"));
}
END_TEST

START_TEST(getipnodebyname__v4mapped_all_returns_ipv6_then_mapped)
{
	if (!compat_ns_hosts(hosts))
		return;
	expect_byname("dual.test", AF_INET6, AI_V4MAPPED | AI_ALL, "dual.test",
	    ADDRS("2001:db8::10", "::ffff:192.0.2.10", "::ffff:192.0.2.11"));
}
END_TEST

START_TEST(getipnodebyname__all_without_v4mapped_is_ignored)
{
	if (!compat_ns_hosts(hosts))
		return;
	expect_byname("dual.test", AF_INET6, AI_ALL, "dual.test",
	    ADDRS("2001:db8::10"));
}
END_TEST

START_TEST(getipnodebyname__alias_gives_canonical_name)
{
	if (!compat_ns_hosts(hosts))
		return;
	expect_byname("dualalias.test", AF_INET, 0, "dual.test",
	    ADDRS("192.0.2.10"));
}
END_TEST

START_TEST(getipnodebyname__af_inet6_ipv4_only_name_no_address)
{
	if (!compat_ns_hosts(hosts))
		return;
	expect_byname_error("v4only.test", AF_INET6, 0, NO_ADDRESS);
}
END_TEST

START_TEST(getipnodebyname__af_inet_ipv6_only_name_no_address)
{
	if (!compat_ns_hosts(hosts))
		return;
	expect_byname_error("v6only.test", AF_INET, 0, NO_ADDRESS);
}
END_TEST

START_TEST(getipnodebyname__unknown_name_host_not_found)
{
	if (!compat_ns_hosts(hosts))
		return;
	expect_byname_error("unknown.test", AF_INET6, AI_V4MAPPED | AI_ALL,
	    HOST_NOT_FOUND);
}
END_TEST

/* --- AI_ADDRCONFIG, in a private network namespace. ----------------- */

START_TEST(getipnodebyname__addrconfig_without_addresses_host_not_found)
{
	if (!compat_ns_net())
		return;
	expect_byname_error("192.0.2.1", AF_INET, AI_ADDRCONFIG,
	    HOST_NOT_FOUND);
}
END_TEST

START_TEST(getipnodebyname__addrconfig_does_not_count_loopback)
{
	if (!compat_ns_hosts(hosts) || !compat_ns_net() ||
	    !compat_ns_loopback())
		return;
	expect_byname_error("dual.test", AF_INET6, AI_DEFAULT, HOST_NOT_FOUND);
}
END_TEST

START_TEST(getipnodebyname__addrconfig_ignored_for_ipv6_literal)
{
	if (!compat_ns_net())
		return;
	expect_byname("2001:db8::1", AF_INET6, AI_ADDRCONFIG, "2001:db8::1",
	    ADDRS("2001:db8::1"));
}
END_TEST

START_TEST(getipnodebyname__default_maps_ipv4_on_ipv4_only_host)
{
	if (!compat_ns_hosts(hosts) || !compat_ns_net() ||
	    !compat_ns_addr(AF_INET, "192.0.2.9"))
		return;
	expect_byname("dual.test", AF_INET6, AI_DEFAULT, "dual.test",
	    ADDRS("::ffff:192.0.2.10", "::ffff:192.0.2.11"));
}
END_TEST

START_TEST(getipnodebyname__default_all_on_ipv6_only_host)
{
	if (!compat_ns_hosts(hosts) || !compat_ns_net() ||
	    !compat_ns_addr(AF_INET6, "2001:db8::9"))
		return;
	expect_byname("dual.test", AF_INET6, AI_DEFAULT | AI_ALL, "dual.test",
	    ADDRS("2001:db8::10"));
}
END_TEST

START_TEST(getipnodebyname__default_all_on_dual_stack_host)
{
	if (!compat_ns_hosts(hosts) || !compat_ns_net() ||
	    !compat_ns_addr(AF_INET, "192.0.2.9") ||
	    !compat_ns_addr(AF_INET6, "2001:db8::9"))
		return;
	expect_byname("dual.test", AF_INET6, AI_DEFAULT | AI_ALL, "dual.test",
	    ADDRS("2001:db8::10", "::ffff:192.0.2.10", "::ffff:192.0.2.11"));
}
END_TEST

/* --- getipnodebyaddr(). --------------------------------------------- */

START_TEST(getipnodebyaddr__unspecified_host_not_found)
{
	struct hostent *hp;
	int err = -1;

	hp = byaddr("::", AF_INET6, &err);
	ck_assert_ptr_null(hp);
	ck_assert_int_eq(err, HOST_NOT_FOUND);
}
END_TEST

START_TEST(getipnodebyaddr__bad_family_host_not_found)
{
	struct in_addr a = { htonl(INADDR_LOOPBACK) };
	struct hostent *hp;
	int err = -1;

	hp = getipnodebyaddr(&a, sizeof (a), AF_UNIX, &err);
	ck_assert_ptr_null(hp);
	ck_assert_int_eq(err, HOST_NOT_FOUND);
}
END_TEST

START_TEST(getipnodebyaddr__bad_length_host_not_found)
{
	struct in6_addr a = IN6ADDR_LOOPBACK_INIT;
	struct hostent *hp;
	int err = -1;

	hp = getipnodebyaddr(&a, sizeof (a), AF_INET, &err);
	ck_assert_ptr_null(hp);
	ck_assert_int_eq(err, HOST_NOT_FOUND);
}
END_TEST

/* Whatever this machine calls 127.0.0.1, getnameinfo() agrees. */
START_TEST(getipnodebyaddr__loopback_matches_getnameinfo)
{
	struct sockaddr_in sin;
	struct hostent *hp;
	char name[NI_MAXHOST];
	int err = -1;

	(void) memset(&sin, 0, sizeof (sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	hp = byaddr("127.0.0.1", AF_INET, &err);
	if (getnameinfo((struct sockaddr *)&sin, sizeof (sin), name,
	    sizeof (name), NULL, 0, NI_NAMEREQD) != 0) {
		ck_assert_ptr_null(hp);
		return;
	}
	expect_host(hp, AF_INET, name, ADDRS("127.0.0.1"));
}
END_TEST

START_TEST(getipnodebyaddr__ipv4_returns_name)
{
	int err = -1;

	if (!compat_ns_hosts(hosts))
		return;
	expect_host(byaddr("192.0.2.20", AF_INET, &err), AF_INET,
	    "v4only.test", ADDRS("192.0.2.20"));
}
END_TEST

START_TEST(getipnodebyaddr__ipv6_returns_name)
{
	int err = -1;

	if (!compat_ns_hosts(hosts))
		return;
	expect_host(byaddr("2001:db8::30", AF_INET6, &err), AF_INET6,
	    "v6only.test", ADDRS("2001:db8::30"));
}
END_TEST

START_TEST(getipnodebyaddr__v4mapped_names_ipv4_keeps_mapped)
{
	int err = -1;

	if (!compat_ns_hosts(hosts))
		return;
	expect_host(byaddr("::ffff:192.0.2.20", AF_INET6, &err), AF_INET6,
	    "v4only.test", ADDRS("::ffff:192.0.2.20"));
}
END_TEST

START_TEST(getipnodebyaddr__v4compat_names_ipv4_keeps_compat)
{
	int err = -1;

	if (!compat_ns_hosts(hosts))
		return;
	expect_host(byaddr("::192.0.2.20", AF_INET6, &err), AF_INET6,
	    "v4only.test", ADDRS("::192.0.2.20"));
}
END_TEST

START_TEST(getipnodebyaddr__unknown_address_host_not_found)
{
	struct hostent *hp;
	int err = -1;

	if (!compat_ns_hosts(hosts))
		return;
	hp = byaddr("192.0.2.99", AF_INET, &err);
	ck_assert_ptr_null(hp);
	ck_assert_int_eq(err, HOST_NOT_FOUND);
}
END_TEST

START_TEST(freehostent__null_is_harmless)
{
	freehostent(NULL);
}
END_TEST

Suite *
compat_ipnode_suite(void)
{
	Suite *s = suite_create("compat-ipnode");
	TCase *lit = harness_tcase("literal");
	TCase *name = harness_tcase("name");
	TCase *cfg = harness_tcase("addrconfig");
	TCase *addr = harness_tcase("byaddr");

	tcase_add_test(lit, getipnodebyname__ipv4_literal_af_inet);
	tcase_add_test(lit, getipnodebyname__ipv4_literal_v4mapped_maps_it);
	tcase_add_test(lit,
	    getipnodebyname__ipv4_literal_af_inet6_needs_v4mapped);
	tcase_add_test(lit, getipnodebyname__ipv6_literal_af_inet6);
	tcase_add_test(lit, getipnodebyname__ipv6_literal_af_inet_no_address);
	tcase_add_test(lit, getipnodebyname__mapped_literal_af_inet_unmaps_it);
	tcase_add_test(lit, getipnodebyname__bad_ipv6_literal_host_not_found);
	tcase_add_test(lit, getipnodebyname__bad_family_host_not_found);
	tcase_add_test(lit, getipnodebyname__null_name_host_not_found);
	tcase_add_test(lit, getipnodebyname__keeps_errno_on_success);
	tcase_add_test(lit, getipnodebyname__localhost_matches_getaddrinfo);
	suite_add_tcase(s, lit);

	tcase_add_test(name, getipnodebyname__af_inet_returns_ipv4_only);
	tcase_add_test(name, getipnodebyname__af_inet6_returns_ipv6_only);
	tcase_add_test(name, getipnodebyname__v4mapped_prefers_ipv6);
	tcase_add_test(name, getipnodebyname__v4mapped_maps_ipv4_when_no_ipv6);
	tcase_add_test(name,
	    getipnodebyname__v4mapped_all_returns_ipv6_then_mapped);
	tcase_add_test(name, getipnodebyname__all_without_v4mapped_is_ignored);
	tcase_add_test(name, getipnodebyname__alias_gives_canonical_name);
	tcase_add_test(name,
	    getipnodebyname__af_inet6_ipv4_only_name_no_address);
	tcase_add_test(name,
	    getipnodebyname__af_inet_ipv6_only_name_no_address);
	tcase_add_test(name, getipnodebyname__unknown_name_host_not_found);
	suite_add_tcase(s, name);

	tcase_add_test(cfg,
	    getipnodebyname__addrconfig_without_addresses_host_not_found);
	tcase_add_test(cfg,
	    getipnodebyname__addrconfig_does_not_count_loopback);
	tcase_add_test(cfg,
	    getipnodebyname__addrconfig_ignored_for_ipv6_literal);
	tcase_add_test(cfg,
	    getipnodebyname__default_maps_ipv4_on_ipv4_only_host);
	tcase_add_test(cfg, getipnodebyname__default_all_on_ipv6_only_host);
	tcase_add_test(cfg, getipnodebyname__default_all_on_dual_stack_host);
	suite_add_tcase(s, cfg);

	tcase_add_test(addr, getipnodebyaddr__unspecified_host_not_found);
	tcase_add_test(addr, getipnodebyaddr__bad_family_host_not_found);
	tcase_add_test(addr, getipnodebyaddr__bad_length_host_not_found);
	tcase_add_test(addr, getipnodebyaddr__loopback_matches_getnameinfo);
	tcase_add_test(addr, getipnodebyaddr__ipv4_returns_name);
	tcase_add_test(addr, getipnodebyaddr__ipv6_returns_name);
	tcase_add_test(addr, getipnodebyaddr__v4mapped_names_ipv4_keeps_mapped);
	tcase_add_test(addr, getipnodebyaddr__v4compat_names_ipv4_keeps_compat);
	tcase_add_test(addr, getipnodebyaddr__unknown_address_host_not_found);
	tcase_add_test(addr, freehostent__null_is_harmless);
	suite_add_tcase(s, addr);
	return (s);
}
