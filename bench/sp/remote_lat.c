/*
 * remote_lat <connect-url> <msg-size> <roundtrips>: sends a message to
 * local_lat and waits for it to come back, <roundtrips> times after one
 * untimed warm-up round trip.  Prints the one-way latency, total time
 * divided by 2 * roundtrips, as the nanomsg and nng perf tools do.
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
	int s;

	perf_args(argc, argv, &url, &size, &count);
	s = perf_socket(1);
	if (nn_connect(s, url) < 0)
		perf_die("nn_connect");
	buf = perf_buf(size);
	perf_send(s, buf, size);
	perf_recv(s, buf, size);
	t0 = perf_now();
	for (long i = 0; i < count; i++) {
		perf_send(s, buf, size);
		perf_recv(s, buf, size);
	}
	t = perf_now() - t0;
	(void) printf("message size: %zu [B]\n", size);
	(void) printf("roundtrip count: %ld\n", count);
	(void) printf("average latency: %.3f [us]\n",
	    t * 1e6 / (2.0 * (double)count));
	perf_send(s, buf, 0);	/* good-bye (see local_lat.c) */
	free(buf);
	(void) nn_close(s);
	return (0);
}
