/*
 * listen_once: a tiny TCP server for examples/async_connect.sh.
 *
 * It opens two sockets on 127.0.0.1, each on a port the kernel picks:
 * one listens, the other is bound but never listens, so connecting to it
 * is refused.  It prints "LISTENING-PORT REFUSING-PORT" on one line,
 * accepts one connection, reads until the client closes it, and exits 0.
 * Both ports stay reserved until then.  It exits 1 on an error, and an
 * alarm kills it if no client comes within 30 seconds.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A TCP socket bound to 127.0.0.1 on a free port; -1 on error. */
static int
bound_socket(unsigned *portp)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof (sin);
	int s;

	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (-1);
	(void) memset(&sin, 0, sizeof (sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	if (bind(s, (struct sockaddr *)&sin, sizeof (sin)) == -1 ||
	    getsockname(s, (struct sockaddr *)&sin, &len) == -1) {
		(void) close(s);
		return (-1);
	}
	*portp = ntohs(sin.sin_port);
	return (s);
}

int
main(void)
{
	unsigned lport, rport;
	int ls, rs, c;
	char buf[256];
	ssize_t n;

	if ((ls = bound_socket(&lport)) == -1 || listen(ls, 1) == -1 ||
	    (rs = bound_socket(&rport)) == -1) {
		perror("listen_once: socket");
		return (1);
	}
	(void) printf("%u %u\n", lport, rport);
	(void) fflush(stdout);

	/* Never wait forever for a client that does not come. */
	(void) alarm(30);
	while ((c = accept(ls, NULL, NULL)) == -1 && errno == EINTR)
		;
	if (c == -1) {
		perror("listen_once: accept");
		return (1);
	}
	while ((n = read(c, buf, sizeof (buf))) > 0 ||
	    (n == -1 && errno == EINTR))
		;
	(void) close(c);
	(void) close(rs);
	(void) close(ls);
	return (0);
}
