/*
 * <sockshim/in6_map.h> - the illumos <netinet/in.h> macros that move IPv4
 * addresses in and out of IPv4-mapped IPv6 addresses (::ffff:a.b.c.d).
 *
 * Read through sockshim's <netinet/in.h> overlay and through <port.h>
 * (the connect(3SOCKET) example uses IN6_INADDR_TO_V4MAPPED beside
 * <port.h>).  Each macro is defined only if the system lacks it.  They use
 * nothing but the standard s6_addr member, so they work with any C library;
 * unlike illumos' they are expressions of type void.  The arguments are
 * evaluated more than once, as on illumos.
 *
 *	IN6_INADDR_TO_V4MAPPED(v4, v6)	struct in_addr * -> struct in6_addr *
 *	IN6_V4MAPPED_TO_INADDR(v6, v4)	struct in6_addr * -> struct in_addr *
 *	IN6_IPADDR_TO_V4MAPPED(v4, v6)	ipaddr_t (network order) -> in6_addr *
 *	IN6_V4MAPPED_TO_IPADDR(v6, v4)	struct in6_addr * -> ipaddr_t lvalue
 *	IN6_IS_ADDR_V4MAPPED_ANY(v6)	true for ::ffff:0.0.0.0 only
 *
 * The *_TO_INADDR/_TO_IPADDR macros copy the low 32 bits whatever the
 * prefix is; test with IN6_IS_ADDR_V4MAPPED() first.
 */
#ifndef _SOCKSHIM_IN6_MAP_H
#define	_SOCKSHIM_IN6_MAP_H

#ifndef IN6_INADDR_TO_V4MAPPED
#define	IN6_INADDR_TO_V4MAPPED(v4, v6)					\
	((void)((v6)->s6_addr[0] = 0, (v6)->s6_addr[1] = 0,		\
	(v6)->s6_addr[2] = 0, (v6)->s6_addr[3] = 0,			\
	(v6)->s6_addr[4] = 0, (v6)->s6_addr[5] = 0,			\
	(v6)->s6_addr[6] = 0, (v6)->s6_addr[7] = 0,			\
	(v6)->s6_addr[8] = 0, (v6)->s6_addr[9] = 0,			\
	(v6)->s6_addr[10] = 0xff, (v6)->s6_addr[11] = 0xff,		\
	(v6)->s6_addr[12] = ((const unsigned char *)&(v4)->s_addr)[0],	\
	(v6)->s6_addr[13] = ((const unsigned char *)&(v4)->s_addr)[1],	\
	(v6)->s6_addr[14] = ((const unsigned char *)&(v4)->s_addr)[2],	\
	(v6)->s6_addr[15] = ((const unsigned char *)&(v4)->s_addr)[3]))
#endif

#ifndef IN6_V4MAPPED_TO_INADDR
#define	IN6_V4MAPPED_TO_INADDR(v6, v4)					\
	((void)(((unsigned char *)&(v4)->s_addr)[0] = (v6)->s6_addr[12], \
	((unsigned char *)&(v4)->s_addr)[1] = (v6)->s6_addr[13],	\
	((unsigned char *)&(v4)->s_addr)[2] = (v6)->s6_addr[14],	\
	((unsigned char *)&(v4)->s_addr)[3] = (v6)->s6_addr[15]))
#endif

/* v4 is an ipaddr_t value in network byte order, as on illumos. */
#ifndef IN6_IPADDR_TO_V4MAPPED
#define	IN6_IPADDR_TO_V4MAPPED(v4, v6)					\
	((void)((v6)->s6_addr[0] = 0, (v6)->s6_addr[1] = 0,		\
	(v6)->s6_addr[2] = 0, (v6)->s6_addr[3] = 0,			\
	(v6)->s6_addr[4] = 0, (v6)->s6_addr[5] = 0,			\
	(v6)->s6_addr[6] = 0, (v6)->s6_addr[7] = 0,			\
	(v6)->s6_addr[8] = 0, (v6)->s6_addr[9] = 0,			\
	(v6)->s6_addr[10] = 0xff, (v6)->s6_addr[11] = 0xff,		\
	(v6)->s6_addr[12] = (unsigned char)(ntohl(v4) >> 24),		\
	(v6)->s6_addr[13] = (unsigned char)(ntohl(v4) >> 16),		\
	(v6)->s6_addr[14] = (unsigned char)(ntohl(v4) >> 8),		\
	(v6)->s6_addr[15] = (unsigned char)ntohl(v4)))
#endif

/* v4 is any 32-bit lvalue; it receives the address in network order. */
#ifndef IN6_V4MAPPED_TO_IPADDR
#define	IN6_V4MAPPED_TO_IPADDR(v6, v4)					\
	((void)(((unsigned char *)&(v4))[0] = (v6)->s6_addr[12],	\
	((unsigned char *)&(v4))[1] = (v6)->s6_addr[13],		\
	((unsigned char *)&(v4))[2] = (v6)->s6_addr[14],		\
	((unsigned char *)&(v4))[3] = (v6)->s6_addr[15]))
#endif

#ifndef IN6_IS_ADDR_V4MAPPED_ANY
#define	IN6_IS_ADDR_V4MAPPED_ANY(v6)					\
	((v6)->s6_addr[0] == 0 && (v6)->s6_addr[1] == 0 &&		\
	(v6)->s6_addr[2] == 0 && (v6)->s6_addr[3] == 0 &&		\
	(v6)->s6_addr[4] == 0 && (v6)->s6_addr[5] == 0 &&		\
	(v6)->s6_addr[6] == 0 && (v6)->s6_addr[7] == 0 &&		\
	(v6)->s6_addr[8] == 0 && (v6)->s6_addr[9] == 0 &&		\
	(v6)->s6_addr[10] == 0xff && (v6)->s6_addr[11] == 0xff &&	\
	(v6)->s6_addr[12] == 0 && (v6)->s6_addr[13] == 0 &&		\
	(v6)->s6_addr[14] == 0 && (v6)->s6_addr[15] == 0)
#endif

#endif /* _SOCKSHIM_IN6_MAP_H */
