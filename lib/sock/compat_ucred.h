/*
 * Internal: the ucred_t behind <ucred.h> and the per-system peer credential
 * query (compat_ucred_linux.c: SO_PEERCRED; compat_ucred_bsd.c:
 * getpeereid()).  Chosen in lib/sock/compat.inc, not with #ifdef.
 */
#ifndef LIB_SOCK_COMPAT_UCRED_H
#define	LIB_SOCK_COMPAT_UCRED_H

#include <sys/types.h>
#include <ucred.h>

/* Which fields the system reported. */
#define	SKS__UC_EUID	0x1
#define	SKS__UC_EGID	0x2
#define	SKS__UC_PID	0x4

struct ucred_s {
	uid_t		uc_euid;
	gid_t		uc_egid;
	pid_t		uc_pid;
	unsigned int	uc_have;	/* SKS__UC_* */
};

/*
 * Fill *uc with the credentials of fd's peer.  Returns 0 or the illumos
 * errno: EBADF, ENOTSUP (not a socket), ENOTCONN (not connected, or
 * listening), EINVAL (connected, but the system knows no credentials for
 * this kind of socket, e.g. TCP).
 */
int	sks__peercred(int fd, struct ucred_s *uc);

#endif /* LIB_SOCK_COMPAT_UCRED_H */
