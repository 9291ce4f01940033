#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nanomsg/nn.h>

#include "util.h"

static int spt_seq;

int
spt_free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof (sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof (sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof (sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return (port);
}

void
spt_tcp_url(char *buf, size_t len)
{
	snprintf(buf, len, "tcp://127.0.0.1:%d", spt_free_port());
}

void
spt_ipc_url(char *buf, size_t len)
{
	snprintf(buf, len, "ipc:///tmp/spt-%ld-%d.ipc", (long)getpid(),
	    ++spt_seq);
	unlink(spt_ipc_path(buf));
}

void
spt_inproc_url(char *buf, size_t len)
{
	snprintf(buf, len, "inproc://spt-%d", ++spt_seq);
}

const char *
spt_ipc_path(const char *url)
{
	return (url + strlen("ipc://"));
}

int
spt_socket(int proto, int ms)
{
	int s = nn_socket(AF_SP, proto);

	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVTIMEO, &ms,
	    sizeof (ms)), 0);
	ck_assert_int_eq(nn_setsockopt(s, NN_SOL_SOCKET, NN_SNDTIMEO, &ms,
	    sizeof (ms)), 0);
	return (s);
}

void
spt_send(int s, const char *str)
{
	int rc, err;

	CALL(rc, err, nn_send(s, str, strlen(str), 0));
	ck_assert_msg(rc == (int)strlen(str), "nn_send: %d, %s", rc,
	    nn_strerror(err));
}

void
spt_expect(int s, const char *str)
{
	char buf[256];
	int rc, err;

	CALL(rc, err, nn_recv(s, buf, sizeof (buf) - 1, 0));
	ck_assert_msg(rc >= 0, "nn_recv: %s", nn_strerror(err));
	buf[rc < (int)sizeof (buf) ? rc : (int)sizeof (buf) - 1] = '\0';
	ck_assert_str_eq(buf, str);
}

int
spt_raw_connect(int port)
{
	struct sockaddr_in sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sin, 0, sizeof (sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof (sin)) != 0) {
		close(fd);
		return (-1);
	}
	return (fd);
}

int
spt_raw_listen(int *portp)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof (sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof (one));
	memset(&sin, 0, sizeof (sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof (sin)), 0);
	ck_assert_int_eq(listen(fd, 16), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*portp = ntohs(sin.sin_port);
	return (fd);
}

int
spt_read_full(int fd, void *buf, size_t n, int ms)
{
	size_t got = 0;
	struct pollfd pfd = { fd, POLLIN, 0 };

	while (got < n) {
		ssize_t r;

		if (poll(&pfd, 1, ms) != 1)
			break;
		r = read(fd, (char *)buf + got, n - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return ((int)got);
}

int
spt_wait_eof(int fd, int ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	char buf[256];
	long long end = harness_now_ms() + ms;

	while (harness_now_ms() < end) {
		if (poll(&pfd, 1, 50) == 1) {
			ssize_t r = read(fd, buf, sizeof (buf));

			if (r == 0 || (r < 0 && errno == ECONNRESET))
				return (1);
		}
	}
	return (0);
}
