/*
 * Peer credentials on the BSDs and macOS: getpeereid(3), which reports the
 * effective uid and gid of an AF_UNIX peer as of connect(2) or listen(2).
 * It reports no pid, so ucred_getpid() fails with EINVAL there.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <unistd.h>

#include "compat_ucred.h"

int
sks__peercred(int fd, struct ucred_s *uc)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof (ss);
	uid_t euid;
	gid_t egid;

	/* Not connected, or listening: illumos says ENOTCONN. */
	if (getpeername(fd, (struct sockaddr *)(void *)&ss, &len) != 0)
		return (errno == ENOTSOCK ? ENOTSUP : errno);
	if (getpeereid(fd, &euid, &egid) != 0) {
		/* Connected, but not a socket that carries credentials. */
		if (errno == EINVAL || errno == EOPNOTSUPP ||
		    errno == ENOPROTOOPT)
			return (EINVAL);
		return (errno == ENOTSOCK ? ENOTSUP : errno);
	}
	uc->uc_euid = euid;
	uc->uc_egid = egid;
	uc->uc_pid = -1;
	uc->uc_have = SKS__UC_EUID | SKS__UC_EGID;
	return (0);
}
