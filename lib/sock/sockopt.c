/*
 * Small socket queries shared by the connect wrapper and the connect
 * helpers.  Each returns 0 or an errno value.
 */
#include "config.h"

#include <errno.h>
#include <sys/socket.h>

#include "sock_internal.h"

int
sks__int_opt(int fd, int level, int name, int *val)
{
	socklen_t sl = sizeof (*val);

	*val = 0;
	return (getsockopt(fd, level, name, val, &sl) == 0 ? 0 : errno);
}

/* Read (and so clear) the socket's pending error. */
int
sks__so_error(int fd, int *val)
{
	return (sks__int_opt(fd, SOL_SOCKET, SO_ERROR, val));
}

/* 0 if the socket has a peer, else ENOTCONN or another errno. */
int
sks__peer_known(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof (ss);

	return (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0 ? 0 : errno);
}
