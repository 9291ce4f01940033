/*
 * Peer credentials on Linux: SO_PEERCRED, which records the peer's pid,
 * effective uid and effective gid when an AF_UNIX connection is made or a
 * socket pair is created, like illumos' getpeerucred().
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <string.h>

#include "compat_ucred.h"

/*
 * Not connected first: Linux answers SO_PEERCRED on a listening AF_UNIX
 * socket with the listener's own credentials, and on an unconnected one
 * with "nobody", where illumos fails with ENOTCONN.
 */
static int
peer_connected(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof (ss);

	if (getpeername(fd, (struct sockaddr *)(void *)&ss, &len) == 0)
		return (0);
	return (errno == ENOTSOCK ? ENOTSUP : errno);
}

int
sks__peercred(int fd, struct ucred_s *uc)
{
	struct ucred cr;
	socklen_t len = sizeof (cr);
	int err;

	if ((err = peer_connected(fd)) != 0)
		return (err);
	(void) memset(&cr, 0, sizeof (cr));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0) {
		if (errno == ENOPROTOOPT || errno == EOPNOTSUPP)
			return (EINVAL);
		return (errno == ENOTSOCK ? ENOTSUP : errno);
	}
	/*
	 * A socket the kernel keeps no credentials for (TCP, say) reports
	 * pid 0 and ids -1: connected, peer unknown, which illumos calls
	 * EINVAL.  A pid of 0 alone means the peer lives in a pid namespace
	 * we cannot see; the ids are still good.
	 */
	if (cr.pid == 0 && cr.uid == (uid_t)-1 && cr.gid == (gid_t)-1)
		return (EINVAL);
	uc->uc_have = 0;
	uc->uc_euid = cr.uid;
	uc->uc_egid = cr.gid;
	uc->uc_pid = cr.pid;
	if (cr.uid != (uid_t)-1)
		uc->uc_have |= SKS__UC_EUID;
	if (cr.gid != (gid_t)-1)
		uc->uc_have |= SKS__UC_EGID;
	if (cr.pid > 0)
		uc->uc_have |= SKS__UC_PID;
	return (0);
}
