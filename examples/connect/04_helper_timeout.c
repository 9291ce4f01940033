/*
 * Connect ladder, step 4: sockshim's helper, with a time limit.
 *
 *	usage: 04_helper_timeout ADDRESS PORT [TIMEOUT_MS]
 *
 * Steps 2 and 3 are the same few moves every time: start the connect,
 * wait for the socket, read SO_ERROR, and keep the rules straight.
 * sockshim_connect_timeout() does all of it in one call, on a blocking or
 * a non-blocking socket, and leaves the socket's mode as it was:
 *
 *	0		connected
 *	-1 ETIMEDOUT	no answer within the limit (close the socket)
 *	-1 other errno	the attempt failed, errno says why
 *
 * The pieces are there too, for programs with a loop of their own:
 * sockshim_connect_start(), sockshim_connect_wait() (poll or an event
 * port) and sockshim_connect_finish().  See sockshim_connect_start(3SOCKET).
 *
 * Build: cc 04_helper_timeout.c -lsocket
 *
 * Exit status: 0 connected, 1 failed, 2 usage.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sockshim/connect.h>

int
main(int argc, char *argv[])
{
	struct addrinfo hints, *ai;
	int fd, gai, timeout_ms = 2000;

	if (argc != 3 && argc != 4) {
		(void) fprintf(stderr, "usage: %s ADDRESS PORT [TIMEOUT_MS]\n",
		    argv[0]);
		return (2);
	}
	if (argc == 4 && (timeout_ms = atoi(argv[3])) <= 0) {
		(void) fprintf(stderr, "%s: not a timeout\n", argv[3]);
		return (2);
	}
	(void) memset(&hints, 0, sizeof (hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((gai = getaddrinfo(argv[1], argv[2], &hints, &ai)) != 0) {
		(void) fprintf(stderr, "%s: %s\n", argv[1], gai_strerror(gai));
		return (2);
	}

	/* An ordinary blocking socket: the helper never blocks longer. */
	if ((fd = socket(ai->ai_family, SOCK_STREAM, 0)) == -1) {
		perror("socket");
		freeaddrinfo(ai);
		return (1);
	}
	if (sockshim_connect_timeout(fd, ai->ai_addr, ai->ai_addrlen,
	    timeout_ms) == -1) {
		if (errno == ETIMEDOUT)
			(void) fprintf(stderr, "connect: no answer within "
			    "%d ms\n", timeout_ms);
		else
			(void) fprintf(stderr, "connect: %s\n",
			    strerror(errno));
		(void) close(fd);
		freeaddrinfo(ai);
		return (1);
	}

	(void) printf("connected (sockshim_connect_timeout, %d ms)\n",
	    timeout_ms);
	(void) close(fd);
	freeaddrinfo(ai);
	return (0);
}
