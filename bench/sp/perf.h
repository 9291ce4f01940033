/*
 * Shared by the four SP perf programs (local_lat, remote_lat, local_thr,
 * remote_thr).  Only the nanomsg API and POSIX: the same sources build
 * against sockshim's libspshim, Debian's libnanomsg and nng's
 * nanomsg-compat headers (bench/sp/compare.sh).  Command lines follow the
 * nanomsg perf tools: <url> <msg-size> <count>, PAIR v0 on both sides.
 */
#ifndef BENCH_SP_PERF_H
#define	BENCH_SP_PERF_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nanomsg/nn.h>
#include <nanomsg/pair.h>
#include <nanomsg/tcp.h>

static inline void
perf_die(const char *what)
{
	(void) fprintf(stderr, "%s: %s\n", what, nn_strerror(nn_errno()));
	exit(1);
}

static inline void
perf_args(int argc, char **argv, const char **url, size_t *size,
    long *count)
{
	char *end;

	if (argc != 4) {
		(void) fprintf(stderr, "usage: %s <url> <msg-size> <count>\n",
		    argv[0]);
		exit(2);
	}
	*url = argv[1];
	errno = 0;
	*size = (size_t)strtoul(argv[2], &end, 10);
	if (errno != 0 || *end != '\0') {
		(void) fprintf(stderr, "%s: bad size %s\n", argv[0], argv[2]);
		exit(2);
	}
	*count = strtol(argv[3], &end, 10);
	if (*end != '\0' || *count <= 0) {
		(void) fprintf(stderr, "%s: bad count %s\n", argv[0], argv[3]);
		exit(2);
	}
}

/*
 * A PAIR v0 socket with the options the nanomsg perf tools set: no
 * receive size limit (large messages), and TCP_NODELAY for the latency
 * tools only (nodelay).  An option the library does not know is not
 * fatal: each library keeps its defaults.
 */
static inline int
perf_socket(int nodelay)
{
	int s, v;

	if ((s = nn_socket(AF_SP, NN_PAIR)) < 0)
		perf_die("nn_socket");
	if (nodelay) {
		v = 1;
		(void) nn_setsockopt(s, NN_TCP, NN_TCP_NODELAY, &v,
		    sizeof (v));
	}
	v = -1;
	(void) nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVMAXSIZE, &v, sizeof (v));
	return (s);
}

static inline double
perf_now(void)
{
	struct timespec ts;

	(void) clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static inline void *
perf_buf(size_t size)
{
	void *b = malloc(size > 0 ? size : 1);

	if (b == NULL) {
		(void) fprintf(stderr, "out of memory\n");
		exit(1);
	}
	(void) memset(b, 111, size);
	return (b);
}

/* Receive exactly size bytes (the message size both sides agreed on). */
static inline void
perf_recv(int s, void *buf, size_t size)
{
	int n = nn_recv(s, buf, size, 0);

	if (n < 0)
		perf_die("nn_recv");
	if ((size_t)n != size) {
		(void) fprintf(stderr, "received %d bytes, expected %zu\n",
		    n, size);
		exit(1);
	}
}

static inline void
perf_send(int s, const void *buf, size_t size)
{
	int n = nn_send(s, buf, size, 0);

	if (n < 0)
		perf_die("nn_send");
	if ((size_t)n != size) {
		(void) fprintf(stderr, "sent %d bytes, expected %zu\n",
		    n, size);
		exit(1);
	}
}

#endif /* BENCH_SP_PERF_H */
