/*
 * sockshim overlay for <netinet/in.h>: the system header, then the illumos
 * names that ported code expects from it: ipaddr_t and the IPv4-mapped
 * address macros of <sockshim/in6_map.h>.
 *
 * Installed in front of the system header, so it is read by every program
 * on the machine: it adds only names the system lacks, and only in the
 * compilation environments described in <sockshim/overlay.h>.  It has no
 * include guard of its own; the system header and ours carry theirs.
 */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include_next <netinet/in.h>

#include <sockshim/overlay.h>

#if _SOCKSHIM_OVERLAY && !defined(_SOCKSHIM_NETINET_IN_H)
#define	_SOCKSHIM_NETINET_IN_H

#include <sockshim/in6_map.h>

/*
 * An IPv4 address in network byte order: uint32_t, as on illumos, spelt
 * in_addr_t (the same type) because POSIX guarantees that name here.
 */
typedef in_addr_t ipaddr_t;

#endif
