/*
 * Connect ladder, step 5: dial a host name with Happy Eyeballs.
 *
 *	usage: 05_happy_eyeballs HOST PORT
 *	e.g.   05_happy_eyeballs localhost 8080
 *
 * A name often has several addresses, IPv6 and IPv4.  Trying them one
 * after the other is slow when the first one is dead: each dead address
 * costs a full connect timeout.  Happy Eyeballs (RFC 8305) races them
 * instead: IPv6 first, then, if it has not connected within 250 ms, an
 * IPv4 attempt alongside it, and so on through the list, alternating the
 * families.  The first attempt to connect wins; the others are closed.
 *
 * sockshim_dial() does all of that, including the name lookup, which
 * runs in the background so that the time limit also covers it.  The
 * options are optional: NULL means IPv6 first, 250 ms between attempts,
 * no time limit, and a blocking socket.  See sockshim_dial(3SOCKET), and
 * try "sockconnect --trace HOST PORT" to watch the race.
 *
 * Build: cc 05_happy_eyeballs.c -lsocket
 *
 * Exit status: 0 connected, 1 failed, 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sockshim/connect.h>

int
main(int argc, char *argv[])
{
	/* Members not named are 0, which means "the default". */
	struct sockshim_dial_opts opts = {
		.sdo_timeout_ms = 5000,		/* the whole dial, lookup too */
	};
	struct sockaddr_storage peer;
	socklen_t len = sizeof (peer);
	char text[INET6_ADDRSTRLEN] = "?";
	int fd;

	if (argc != 3) {
		(void) fprintf(stderr, "usage: %s HOST PORT\n", argv[0]);
		return (2);
	}

	if ((fd = sockshim_dial(argv[1], argv[2], &opts)) == -1) {
		/* ENOENT: no such host or service; else a connect errno. */
		(void) fprintf(stderr, "dial %s %s: %s\n", argv[1], argv[2],
		    errno == ENOENT ? "no such host or service" :
		    strerror(errno));
		return (1);
	}

	/* Which address won? */
	if (getpeername(fd, (struct sockaddr *)&peer, &len) == 0) {
		if (peer.ss_family == AF_INET6)
			(void) inet_ntop(AF_INET6,
			    &((struct sockaddr_in6 *)&peer)->sin6_addr, text,
			    sizeof (text));
		else
			(void) inet_ntop(AF_INET,
			    &((struct sockaddr_in *)&peer)->sin_addr, text,
			    sizeof (text));
	}
	(void) printf("connected to %s (Happy Eyeballs)\n", text);
	(void) close(fd);
	return (0);
}
