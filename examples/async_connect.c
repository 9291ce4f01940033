/*
 * async_connect HOST PORT: connect to a TCP server without blocking, the
 * way the illumos connect(3SOCKET) manual shows, using an event port to
 * wait for the outcome.
 *
 * The steps, for each address that HOST resolves to:
 *
 *   1. Make a socket and put it in non-blocking mode.
 *   2. Call connect().  On a non-blocking socket it usually cannot finish
 *      at once: it returns -1 with errno EINPROGRESS, and the connection
 *      is set up in the background.
 *   3. Ask an event port to watch the socket for POLLOUT ("writable"): a
 *      socket becomes writable when the connection attempt is over,
 *      whether it worked or not.
 *   4. Wait for that event with port_get().
 *   5. Ask the socket how the attempt ended: getsockopt(SO_ERROR) gives 0
 *      for success, or the errno value connect() would have returned had
 *      it been blocking (for example ECONNREFUSED).
 *
 * Exit status: 0 when a connection was made, 1 when every address failed,
 * 2 for a usage error.
 *
 * Build it against sockshim with `cc async_connect.c -lsocket -lnsl`.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <port.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Give up on one address after this many seconds. */
#define	CONNECT_TIMEOUT	10

/* Print an address as text, for messages: "127.0.0.1" or "::1". */
static const char *
addr_text(const struct addrinfo *ai, char *buf, size_t len)
{
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, len, NULL, 0,
	    NI_NUMERICHOST) != 0)
		(void) snprintf(buf, len, "(unprintable address)");
	return (buf);
}

/*
 * Try one address.  Returns 0 when connected, otherwise the errno value
 * that explains why not.
 */
static int
try_connect(int port, const struct addrinfo *ai)
{
	struct timespec timeout = { CONNECT_TIMEOUT, 0 };
	port_event_t pe;
	socklen_t len;
	int sock, flags, err;

	/* Step 1: a socket of the right family, made non-blocking. */
	sock = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (sock == -1)
		return (errno);
	if ((flags = fcntl(sock, F_GETFL)) == -1 ||
	    fcntl(sock, F_SETFL, flags | O_NONBLOCK) == -1) {
		err = errno;
		(void) close(sock);
		return (err);
	}

	/* Step 2: start connecting. */
	if (connect(sock, ai->ai_addr, ai->ai_addrlen) == 0) {
		/* Finished at once (this can happen on the loopback). */
		(void) close(sock);
		return (0);
	}
	if (errno != EINPROGRESS && errno != EINTR) {
		/* Failed at once: nothing to wait for. */
		err = errno;
		(void) close(sock);
		return (err);
	}

	/*
	 * Step 3: watch the socket for POLLOUT.  The last argument is a
	 * pointer the port hands back with the event; we do not need one.
	 */
	if (port_associate(port, PORT_SOURCE_FD, (uintptr_t)sock, POLLOUT,
	    NULL) == -1) {
		err = errno;
		(void) close(sock);
		return (err);
	}

	/*
	 * Step 4: wait.  ETIME means the time limit passed first; the
	 * association is still there, so remove it before closing.
	 */
	if (port_get(port, &pe, &timeout) == -1) {
		err = errno == ETIME ? ETIMEDOUT : errno;
		(void) port_dissociate(port, PORT_SOURCE_FD, (uintptr_t)sock);
		(void) close(sock);
		return (err);
	}
	/* This port watches nothing else, so the event is ours. */
	if (pe.portev_source != PORT_SOURCE_FD ||
	    pe.portev_object != (uintptr_t)sock) {
		(void) close(sock);
		return (EPROTO);
	}

	/* Step 5: how did the attempt end? */
	len = sizeof (err);
	if (getsockopt(sock, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;

	/*
	 * A real program would now read and write on the socket (in
	 * non-blocking mode, associating it again for POLLIN or POLLOUT
	 * each time it must wait).  We only report the outcome.
	 */
	(void) close(sock);
	return (err);
}

int
main(int argc, char *argv[])
{
	struct addrinfo hints, *res, *ai;
	char text[NI_MAXHOST];
	int port, rc, err = 0;

	if (argc != 3) {
		(void) fprintf(stderr, "usage: async_connect HOST PORT\n");
		return (2);
	}

	/*
	 * Turn HOST and PORT into socket addresses.  getaddrinfo() accepts
	 * names ("localhost") as well as IPv4 and IPv6 addresses; it may
	 * return several addresses, which we try in turn.
	 */
	(void) memset(&hints, 0, sizeof (hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(argv[1], argv[2], &hints, &res)) != 0) {
		(void) fprintf(stderr, "async_connect: %s port %s: %s\n",
		    argv[1], argv[2], gai_strerror(rc));
		return (2);
	}

	/* One event port serves for every attempt. */
	if ((port = port_create()) == -1) {
		(void) fprintf(stderr, "async_connect: port_create: %s\n",
		    strerror(errno));
		freeaddrinfo(res);
		return (1);
	}

	for (ai = res; ai != NULL; ai = ai->ai_next) {
		err = try_connect(port, ai);
		if (err == 0) {
			(void) printf("connected to %s port %s\n",
			    addr_text(ai, text, sizeof (text)), argv[2]);
			break;
		}
		(void) fprintf(stderr, "async_connect: %s port %s: %s\n",
		    addr_text(ai, text, sizeof (text)), argv[2],
		    strerror(err));
	}

	(void) close(port);
	freeaddrinfo(res);
	return (err == 0 ? 0 : 1);
}
