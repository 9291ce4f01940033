/*
 * local_lat <bind-url> <msg-size> <roundtrips>: the echo side of the
 * latency test.  It bounces one untimed warm-up message (so that
 * connection set-up is not timed by remote_lat), then <roundtrips>
 * messages.  Then it waits up to 500 ms for remote_lat's empty good-bye
 * before closing: nanomsg 1.1.5 drops what is still queued when a socket
 * is closed, and the last echo must not be lost.
 */
#include "perf.h"

int
main(int argc, char **argv)
{
	const char *url;
	size_t size;
	long count;
	void *buf;
	int s, tmo;

	perf_args(argc, argv, &url, &size, &count);
	s = perf_socket(1);
	if (nn_bind(s, url) < 0)
		perf_die("nn_bind");
	buf = perf_buf(size);
	for (long i = 0; i <= count; i++) {
		perf_recv(s, buf, size);
		perf_send(s, buf, size);
	}
	tmo = 500;
	(void) nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVTIMEO, &tmo,
	    sizeof (tmo));
	(void) nn_recv(s, buf, size, 0);
	free(buf);
	(void) nn_close(s);
	return (0);
}
