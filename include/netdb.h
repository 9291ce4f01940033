/*
 * sockshim overlay for <netdb.h>: the system header, then the illumos
 * libnsl functions that glibc lacks, getipnodebyname(), getipnodebyaddr()
 * and freehostent(), which libsocket provides; and AI_DEFAULT.
 *
 * The AI_* flags of getipnodebyname() are the system's getaddrinfo() flags,
 * as on illumos where one set serves both functions; only their values
 * differ from illumos'.  See getipnodebyname(3SOCKET), and
 * <sockshim/overlay.h> for when the additions are visible.
 */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include_next <netdb.h>

#include <sockshim/overlay.h>

#if _SOCKSHIM_OVERLAY && !defined(_SOCKSHIM_NETDB_H)
#define	_SOCKSHIM_NETDB_H

#include <sys/types.h>

#if !defined(AI_DEFAULT) && defined(AI_V4MAPPED) && defined(AI_ADDRCONFIG)
#define	AI_DEFAULT	(AI_V4MAPPED | AI_ADDRCONFIG)
#endif

#ifndef _SOCKSHIM_API
#if defined(__GNUC__) && !defined(__sun)
#define	_SOCKSHIM_API	__attribute__((visibility("default")))
#else
#define	_SOCKSHIM_API
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

_SOCKSHIM_API struct hostent *getipnodebyname(const char *, int, int, int *);
_SOCKSHIM_API struct hostent *getipnodebyaddr(const void *, size_t, int,
    int *);
_SOCKSHIM_API void freehostent(struct hostent *);

#ifdef __cplusplus
}
#endif

#endif
