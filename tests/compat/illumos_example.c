/*
 * The program of EXAMPLES in illumos' connect(3SOCKET), retold: connect
 * to <IP> <port> over TCP without blocking, wait for the outcome with an
 * event port, and report it.  It keeps the illumos includes and calls
 * (IN6_INADDR_TO_V4MAPPED, port_create(), port_associate(), port_get()),
 * so it must build unchanged with "cc example.c -lsocket -lnsl" once
 * sockshim is installed (tests/compat/installed_example.sh) and against the
 * build tree (tests/compat/seed_example.sh).
 *
 * Exit status: 0 connected, 1 any failure (with a message on stderr).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <errno.h>
#include <port.h>
#include <unistd.h>
#include <assert.h>
#include <string.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_in6 sin6;
	char *end;
	long port;
	int sock, eport, ret;

	if (argc != 3) {
		(void) fprintf(stderr, "usage: connect <IP> <port>\n");
		return (1);
	}

	/* An IPv6 address, or an IPv4 one carried as ::ffff:a.b.c.d. */
	bzero(&sin6, sizeof (sin6));
	sin6.sin6_family = AF_INET6;
	ret = inet_pton(AF_INET6, argv[1], &sin6.sin6_addr);
	if (ret == 0) {
		struct in_addr v4;

		if (inet_pton(AF_INET, argv[1], &v4) != 1) {
			(void) fprintf(stderr, "connect: %s is neither an "
			    "IPv4 nor an IPv6 address\n", argv[1]);
			return (1);
		}
		/* An illumos macro, not a portable one. */
		IN6_INADDR_TO_V4MAPPED(&v4, &sin6.sin6_addr);
	} else if (ret != 1) {
		perror("inet_pton");
		return (1);
	}

	errno = 0;
	port = strtol(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || port <= 0 || port > UINT16_MAX) {
		(void) fprintf(stderr, "connect: bad port %s\n", argv[2]);
		return (1);
	}
	sin6.sin6_port = htons((uint16_t)port);

	if ((sock = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0) {
		perror("socket");
		return (1);
	}
	if ((eport = port_create()) < 0) {
		perror("port_create");
		(void) close(sock);
		return (1);
	}

	ret = connect(sock, (struct sockaddr *)&sin6, sizeof (sin6));
	if (ret != 0 && errno != EINPROGRESS && errno != EINTR) {
		(void) fprintf(stderr, "connect: %s\n", strerror(errno));
		(void) close(sock);
		(void) close(eport);
		return (1);
	}

	if (ret != 0) {
		/* In progress: POLLOUT says it is over, SO_ERROR how. */
		port_event_t pe;
		socklen_t len = sizeof (ret);
		int err;

		if (port_associate(eport, PORT_SOURCE_FD, sock, POLLOUT,
		    NULL) != 0 || port_get(eport, &pe, NULL) != 0) {
			perror("event port");
			(void) close(sock);
			(void) close(eport);
			return (1);
		}
		assert(pe.portev_source == PORT_SOURCE_FD);
		assert(pe.portev_object == (uintptr_t)sock);
		if (getsockopt(sock, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
			perror("getsockopt");
			(void) close(sock);
			(void) close(eport);
			return (1);
		}
		if (err != 0) {
			(void) fprintf(stderr, "asynchronous connect: %s\n",
			    strerror(err));
			(void) close(sock);
			(void) close(eport);
			return (1);
		}
	}

	/* Connected: a real program would talk to the peer here. */
	(void) close(sock);
	(void) close(eport);
	return (0);
}
