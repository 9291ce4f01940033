/*
 * Connect ladder, step 1: a blocking connect.
 *
 *	usage: 01_blocking ADDRESS PORT		e.g. 01_blocking 127.0.0.1 8080
 *
 * The plainest way to open a TCP connection: make a socket and call
 * connect().  connect() returns only when the connection is set up (the
 * TCP three-way handshake has completed) or has failed.
 *
 * That is fine for a small client, but it has two problems, which the
 * next steps solve:
 *  - the program can do nothing else while it waits;
 *  - if the peer never answers, connect() waits until the kernel gives up,
 *    which on Linux takes about two minutes.
 *
 * Exit status: 0 connected, 1 failed, 2 usage.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct addrinfo hints, *ai;
	int fd, gai;

	if (argc != 3) {
		(void) fprintf(stderr, "usage: %s ADDRESS PORT\n", argv[0]);
		return (2);
	}

	/*
	 * getaddrinfo() turns the text "127.0.0.1" or "::1" and "8080" into
	 * a socket address of the right family.  AI_NUMERICHOST keeps this
	 * step from looking names up: the ladder's last step does that.
	 */
	(void) memset(&hints, 0, sizeof (hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((gai = getaddrinfo(argv[1], argv[2], &hints, &ai)) != 0) {
		(void) fprintf(stderr, "%s: %s\n", argv[1], gai_strerror(gai));
		return (2);
	}

	/* A socket is blocking unless we ask otherwise. */
	if ((fd = socket(ai->ai_family, SOCK_STREAM, 0)) == -1) {
		perror("socket");
		freeaddrinfo(ai);
		return (1);
	}

	/*
	 * Here the program sleeps until the handshake is over.  On failure
	 * errno says why: ECONNREFUSED when nothing listens on the port,
	 * ETIMEDOUT when the peer never answered, and so on.
	 */
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
		(void) fprintf(stderr, "connect: %s\n", strerror(errno));
		(void) close(fd);
		freeaddrinfo(ai);
		return (1);
	}

	(void) printf("connected (blocking connect)\n");
	/* A real client would now read() and write() on fd. */
	(void) close(fd);
	freeaddrinfo(ai);
	return (0);
}
