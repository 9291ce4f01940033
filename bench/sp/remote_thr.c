/*
 * remote_thr <connect-url> <msg-size> <count>: sends an empty start
 * message, then <count> messages of <msg-size> bytes as fast as the
 * socket takes them, then waits for local_thr's acknowledgement and
 * answers it with an empty good-bye (see local_thr.c).
 */
#include "perf.h"

int
main(int argc, char **argv)
{
	const char *url;
	size_t size;
	long count;
	void *buf;
	int s;

	perf_args(argc, argv, &url, &size, &count);
	s = perf_socket(0);
	if (nn_connect(s, url) < 0)
		perf_die("nn_connect");
	buf = perf_buf(size);
	perf_send(s, buf, 0);
	for (long i = 0; i < count; i++)
		perf_send(s, buf, size);
	perf_recv(s, buf, 0);
	perf_send(s, buf, 0);
	free(buf);
	(void) nn_close(s);
	return (0);
}
