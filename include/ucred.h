/*
 * <ucred.h> - illumos user credentials: the part that ported programs use
 * to learn who is at the other end of a local socket (getpeerucred(3C)).
 *
 * A ucred_t is opaque.  getpeerucred() fills one from SO_PEERCRED on Linux
 * and from getpeereid() on the BSDs; ucred_geteuid(), ucred_getegid() and
 * ucred_getpid() read it, and return -1 with errno EINVAL for a field the
 * system did not report.  ucred_free() releases it.  See getpeerucred(3C).
 */
#ifndef _UCRED_H
#define	_UCRED_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef _SOCKSHIM_API
#if defined(__GNUC__) && !defined(__sun)
#define	_SOCKSHIM_API	__attribute__((visibility("default")))
#else
#define	_SOCKSHIM_API
#endif
#endif

typedef struct ucred_s ucred_t;

_SOCKSHIM_API int getpeerucred(int, ucred_t **);
_SOCKSHIM_API uid_t ucred_geteuid(const ucred_t *);
_SOCKSHIM_API gid_t ucred_getegid(const ucred_t *);
_SOCKSHIM_API pid_t ucred_getpid(const ucred_t *);
_SOCKSHIM_API void ucred_free(ucred_t *);

#ifdef __cplusplus
}
#endif

#endif /* _UCRED_H */
