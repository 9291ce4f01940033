/*
 * local_thr <bind-url> <msg-size> <count>: receives an empty start
 * message, then <count> messages of <msg-size> bytes, timed from the
 * start message to the last one; then sends an empty acknowledgement so
 * that remote_thr does not close (and lose queued messages on a library
 * without linger) before everything has arrived, and waits up to 500 ms
 * for remote_thr's empty good-bye: nanomsg 1.1.5 drops what is still
 * queued when a socket is closed, so closing at once can lose the
 * acknowledgement and leave remote_thr waiting for ever.
 */
#include "perf.h"

int
main(int argc, char **argv)
{
	const char *url;
	size_t size;
	long count;
	void *buf;
	double t0, t;
	int s, tmo;

	perf_args(argc, argv, &url, &size, &count);
	s = perf_socket(0);
	if (nn_bind(s, url) < 0)
		perf_die("nn_bind");
	buf = perf_buf(size);
	perf_recv(s, buf, 0);
	t0 = perf_now();
	for (long i = 0; i < count; i++)
		perf_recv(s, buf, size);
	t = perf_now() - t0;
	perf_send(s, buf, 0);
	tmo = 500;
	(void) nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVTIMEO, &tmo,
	    sizeof (tmo));
	(void) nn_recv(s, buf, size, 0);
	if (t <= 0)
		t = 1e-9;
	(void) printf("message size: %zu [B]\n", size);
	(void) printf("message count: %ld\n", count);
	(void) printf("throughput: %.0f [msg/s]\n", (double)count / t);
	(void) printf("throughput: %.3f [Mb/s]\n",
	    (double)count * (double)size * 8.0 / t / 1e6);
	free(buf);
	(void) nn_close(s);
	return (0);
}
