/*
 * Connect ladder, step 3: the same through an event port, in the style of
 * the example in illumos' connect(3SOCKET).
 *
 *	usage: 03_event_ports ADDRESS PORT
 *
 * An event port (port_create(3C)) is illumos' way to wait for many
 * things at once: descriptors, timers, messages from other threads.  Here
 * it replaces poll(2):
 *  - port_associate() asks the port to watch the socket for POLLOUT;
 *  - port_get() waits until the port has an event and returns it;
 *  - the association is one-shot: after its event is delivered, the
 *    port no longer watches the socket until port_associate() is called
 *    again.
 * The outcome is read from SO_ERROR, exactly as with poll(2).
 *
 * Like the illumos example, this one uses an AF_INET6 socket for both
 * families: an IPv4 address is written as an IPv4-mapped IPv6 address
 * (::ffff:127.0.0.1), which IN6_INADDR_TO_V4MAPPED builds.
 *
 * Build on illumos with "cc 03_event_ports.c -lsocket -lnsl", and on
 * Linux with sockshim the same way.
 *
 * Exit status: 0 connected, 1 failed, 2 usage.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <port.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_in6 sin6;
	struct in_addr v4;
	struct timespec limit = { 10, 0 };	/* wait at most 10 s */
	port_event_t pe;
	socklen_t len;
	char *end;
	long portnum;
	int sock, eport, err;

	if (argc != 3) {
		(void) fprintf(stderr, "usage: %s ADDRESS PORT\n", argv[0]);
		return (2);
	}

	/* The address: an IPv6 literal, or IPv4 made IPv4-mapped. */
	(void) memset(&sin6, 0, sizeof (sin6));
	sin6.sin6_family = AF_INET6;
	if (inet_pton(AF_INET6, argv[1], &sin6.sin6_addr) != 1) {
		if (inet_pton(AF_INET, argv[1], &v4) != 1) {
			(void) fprintf(stderr, "%s: not an IPv4 or IPv6 "
			    "address\n", argv[1]);
			return (2);
		}
		IN6_INADDR_TO_V4MAPPED(&v4, &sin6.sin6_addr);
	}
	errno = 0;
	portnum = strtol(argv[2], &end, 10);
	if (errno != 0 || *end != '\0' || portnum <= 0 ||
	    portnum > UINT16_MAX) {
		(void) fprintf(stderr, "%s: not a port number\n", argv[2]);
		return (2);
	}
	sin6.sin6_port = htons((uint16_t)portnum);

	/* SOCK_NONBLOCK: non-blocking from the start, no fcntl() needed. */
	if ((sock = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0)) == -1) {
		perror("socket");
		return (1);
	}
	if ((eport = port_create()) == -1) {
		perror("port_create");
		(void) close(sock);
		return (1);
	}

	if (connect(sock, (struct sockaddr *)&sin6, sizeof (sin6)) != 0) {
		if (errno != EINPROGRESS && errno != EINTR) {
			(void) fprintf(stderr, "connect: %s\n",
			    strerror(errno));
			goto fail;
		}

		/* Watch the socket for POLLOUT; the user pointer is ours. */
		if (port_associate(eport, PORT_SOURCE_FD, (uintptr_t)sock,
		    POLLOUT, NULL) != 0) {
			perror("port_associate");
			goto fail;
		}

		/*
		 * Wait for the event.  port_get() fails with ETIME when the
		 * limit passes first.
		 */
		if (port_get(eport, &pe, &limit) != 0) {
			(void) fprintf(stderr, "port_get: %s\n",
			    errno == ETIME ? "timed out" : strerror(errno));
			goto fail;
		}
		/* It is our socket's event: the only association we made. */
		if (pe.portev_source != PORT_SOURCE_FD ||
		    pe.portev_object != (uintptr_t)sock) {
			(void) fprintf(stderr, "unexpected event\n");
			goto fail;
		}

		/* As in step 2: the events do not say how; SO_ERROR does. */
		err = 0;
		len = sizeof (err);
		if (getsockopt(sock, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
			perror("getsockopt");
			goto fail;
		}
		if (err != 0) {
			(void) fprintf(stderr, "asynchronous connect: %s "
			    "(events 0x%x)\n", strerror(err),
			    (unsigned int)pe.portev_events);
			goto fail;
		}
	}

	(void) printf("connected (event port)\n");
	(void) close(sock);
	(void) close(eport);
	return (0);
fail:
	(void) close(sock);
	(void) close(eport);
	return (1);
}
