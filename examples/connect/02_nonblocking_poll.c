/*
 * Connect ladder, step 2: a non-blocking connect, poll(2) and SO_ERROR.
 *
 *	usage: 02_nonblocking_poll ADDRESS PORT
 *
 * On a non-blocking socket, connect() only starts the handshake and
 * returns at once, normally with -1 and errno EINPROGRESS.  The program
 * is free to do other work, and can choose how long it is willing to
 * wait.  When the attempt is over, the socket polls writable (POLLOUT);
 * the outcome is then read from the socket option SO_ERROR: 0 means
 * connected, anything else is the errno that a blocking connect() would
 * have returned.
 *
 * Three rules that are easy to get wrong:
 *  1. Decide by SO_ERROR only.  Systems differ in the poll bits they
 *     report for a failed attempt (Linux adds POLLERR and POLLHUP; illumos
 *     reports POLLOUT, sometimes with POLLIN): any of them means
 *     "finished", none of them means "connected".
 *  2. Never call connect() again to learn the outcome, not even after
 *     EINTR: the attempt goes on by itself, and a second connect() gives
 *     answers that differ from system to system.
 *  3. SO_ERROR is cleared when read.  Read it once, keep the value.
 *
 * Exit status: 0 connected, 1 failed, 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define	TIMEOUT_MS	10000

int
main(int argc, char *argv[])
{
	struct addrinfo hints, *ai;
	struct pollfd pfd;
	socklen_t len;
	int fd, gai, n, soerr;

	if (argc != 3) {
		(void) fprintf(stderr, "usage: %s ADDRESS PORT\n", argv[0]);
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
	if ((fd = socket(ai->ai_family, SOCK_STREAM, 0)) == -1) {
		perror("socket");
		freeaddrinfo(ai);
		return (1);
	}

	/* Make the socket non-blocking before connecting. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		perror("fcntl");
		goto fail;
	}

	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
		/* Possible (AF_UNIX does it): connected already. */
		goto connected;
	}
	if (errno != EINPROGRESS && errno != EINTR) {
		/* Failed at once: nothing to wait for. */
		(void) fprintf(stderr, "connect: %s\n", strerror(errno));
		goto fail;
	}

	/*
	 * The handshake is under way.  This program has nothing else to do,
	 * so it waits in poll(2), up to TIMEOUT_MS.  (A signal interrupts
	 * poll with EINTR; a real program would compute the time left and
	 * poll again.)
	 */
	pfd.fd = fd;
	pfd.events = POLLOUT;
	pfd.revents = 0;
	n = poll(&pfd, 1, TIMEOUT_MS);
	if (n == -1) {
		perror("poll");
		goto fail;
	}
	if (n == 0) {
		(void) fprintf(stderr, "connect: timed out after %d ms\n",
		    TIMEOUT_MS);
		goto fail;
	}

	/* Rule 1: whatever pfd.revents says, SO_ERROR decides. */
	soerr = 0;
	len = sizeof (soerr);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == -1) {
		perror("getsockopt");
		goto fail;
	}
	if (soerr != 0) {
		(void) fprintf(stderr, "connect: %s (revents 0x%x)\n",
		    strerror(soerr), (unsigned int)pfd.revents);
		goto fail;
	}

connected:
	(void) printf("connected (non-blocking connect, poll, SO_ERROR)\n");
	(void) close(fd);
	freeaddrinfo(ai);
	return (0);
fail:
	(void) close(fd);
	freeaddrinfo(ai);
	return (1);
}
