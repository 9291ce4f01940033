/*
 * A loopback peer for the connect(3SOCKET) example scripts.
 *
 *	listener listen ADDR	listen on ADDR, print the port, accept one
 *				connection and exit 0
 *	listener refuse ADDR	bind ADDR without listening (connections to
 *				it are refused), print the port, wait to be
 *				killed
 *
 * Either gives up after 60 seconds (SIGALRM), so a failed test never
 * leaves it behind.  Plain POSIX, so the installed-example script can build
 * it with cc alone.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int s, c, af, listening;

	if (argc != 3 || (strcmp(argv[1], "listen") != 0 &&
	    strcmp(argv[1], "refuse") != 0)) {
		(void) fprintf(stderr, "usage: listener listen|refuse ADDR\n");
		return (2);
	}
	listening = strcmp(argv[1], "listen") == 0;
	(void) alarm(60);

	(void) memset(&ss, 0, sizeof (ss));
	if (inet_pton(AF_INET, argv[2], &sin->sin_addr) == 1) {
		af = AF_INET;
		sin->sin_family = AF_INET;
		len = sizeof (*sin);
	} else if (inet_pton(AF_INET6, argv[2], &sin6->sin6_addr) == 1) {
		af = AF_INET6;
		sin6->sin6_family = AF_INET6;
		len = sizeof (*sin6);
	} else {
		(void) fprintf(stderr, "listener: bad address %s\n", argv[2]);
		return (2);
	}
	if ((s = socket(af, SOCK_STREAM, 0)) < 0 ||
	    bind(s, (struct sockaddr *)&ss, len) != 0 ||
	    (listening && listen(s, 1) != 0) ||
	    getsockname(s, (struct sockaddr *)&ss, &len) != 0) {
		perror("listener");
		return (2);
	}
	(void) printf("%u\n", (unsigned)ntohs(af == AF_INET ?
	    sin->sin_port : sin6->sin6_port));
	(void) fflush(stdout);
	if (!listening) {
		for (;;)
			(void) pause();
	}
	if ((c = accept(s, NULL, NULL)) < 0) {
		perror("accept");
		return (1);
	}
	(void) close(c);
	(void) close(s);
	return (0);
}
