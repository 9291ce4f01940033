/*
 * The connect ladder's peer: loopback ports to connect to.
 *
 *	usage: listener PORTFILE
 *
 * Writes "LIVE DEAD SILENT" to PORTFILE, three TCP port numbers on
 * 127.0.0.1 (LIVE also on ::1 where there is one):
 *	LIVE	accepts every connection and closes it;
 *	DEAD	refuses connections (bound, not listening): ECONNREFUSED;
 *	SILENT	never answers: its accept queue is full, so Linux drops new
 *		SYNs and a connect stays pending until the client gives up.
 * It runs until killed, or for 120 seconds at most.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int
bound(int family, int port, int *portp)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	(void) memset(&ss, 0, sizeof (ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		s6->sin6_port = htons(port);
		len = sizeof (*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s4->sin_port = htons(port);
		len = sizeof (*s4);
	}
	if ((fd = socket(family, SOCK_STREAM, 0)) == -1)
		return (-1);
	if (family == AF_INET6)
		(void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof (one));
	if (bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
		(void) close(fd);
		return (-1);
	}
	*portp = family == AF_INET6 ?
	    ntohs(((struct sockaddr_in6 *)&ss)->sin6_port) :
	    ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return (fd);
}

int
main(int argc, char *argv[])
{
	struct pollfd pfd[2];
	int live4, live6, dead, silent, filler, live, deadport, silentport;
	int n = 1, any;
	char tmp[4096];
	FILE *f;

	if (argc != 2) {
		(void) fprintf(stderr, "usage: %s PORTFILE\n", argv[0]);
		return (2);
	}
	(void) alarm(120);

	if ((live4 = bound(AF_INET, 0, &live)) == -1 ||
	    listen(live4, 128) == -1) {
		perror("listener: live");
		return (1);
	}
	/* The same port on ::1, if this host has IPv6. */
	if ((live6 = bound(AF_INET6, live, &any)) != -1 &&
	    listen(live6, 128) == 0)
		n = 2;

	if ((dead = bound(AF_INET, 0, &deadport)) == -1) {
		perror("listener: dead");
		return (1);
	}

	/* Backlog 0 holds one connection: the filler takes it. */
	if ((silent = bound(AF_INET, 0, &silentport)) == -1 ||
	    listen(silent, 0) == -1 ||
	    (filler = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
		perror("listener: silent");
		return (1);
	}
	{
		struct sockaddr_in sin;

		(void) memset(&sin, 0, sizeof (sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = htons(silentport);
		if (connect(filler, (struct sockaddr *)&sin,
		    sizeof (sin)) == -1) {
			perror("listener: filler");
			return (1);
		}
		pfd[0].fd = silent;
		pfd[0].events = POLLIN;
		(void) poll(pfd, 1, 10000);
	}

	/* Write the file under another name first: readers never see half. */
	(void) snprintf(tmp, sizeof (tmp), "%s.tmp", argv[1]);
	if ((f = fopen(tmp, "w")) == NULL) {
		perror(tmp);
		return (1);
	}
	(void) fprintf(f, "%d %d %d\n", live, deadport, silentport);
	if (fclose(f) != 0 || rename(tmp, argv[1]) != 0) {
		perror(argv[1]);
		return (1);
	}

	pfd[0].fd = live4;
	pfd[0].events = POLLIN;
	pfd[1].fd = live6;
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, n, -1) == -1) {
			if (errno == EINTR)
				continue;
			perror("listener: poll");
			return (1);
		}
		for (int i = 0; i < n; i++) {
			int c;

			if (!(pfd[i].revents & POLLIN))
				continue;
			if ((c = accept(pfd[i].fd, NULL, NULL)) != -1)
				(void) close(c);
		}
	}
}
