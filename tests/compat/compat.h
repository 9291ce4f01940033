/*
 * Tests for the illumos compatibility part of libsocket: header additions,
 * getipnodebyname(3SOCKET) and friends, getpeerucred(3C).
 */
#ifndef TESTS_COMPAT_COMPAT_H
#define	TESTS_COMPAT_COMPAT_H

#include <check.h>

Suite	*compat_header_suite(void);
Suite	*compat_ipnode_suite(void);
Suite	*compat_ucred_suite(void);

/*
 * Private namespaces for deterministic lookups (ns.c).  Each call changes
 * the calling process only; the runner forks every test, so nothing
 * outlives the test.  They return 1 when done and 0, after printing why
 * the test is skipped, when the system does not allow it (not root, no
 * namespaces).
 */

/* A private /etc/hosts with this content, and "hosts: files" only. */
int	compat_ns_hosts(const char *hosts);

/* A private network namespace: lo down, no addresses. */
int	compat_ns_net(void);

/* In compat_ns_net(): bring lo up with 127.0.0.1 and ::1. */
int	compat_ns_loopback(void);

/* In compat_ns_net(): a tun interface "sks0" holding address addr. */
int	compat_ns_addr(int af, const char *addr);

#endif /* TESTS_COMPAT_COMPAT_H */
