/*
 * Memory per idle association: associate N fds (100,000 by default) with
 * one port, for POLLIN, while none is readable, and measure what that
 * costs.  The fds (N/2 socketpairs) and the port exist before the first
 * measurement, so only the associations are counted.
 *
 * User space, which is what the library itself allocates:
 *   heap	mallinfo2() uordblks + hblkhd (glibc: small and mmap'd blocks)
 *   rss	resident set from /proc/self/statm
 * Kernel, paid by any epoll user, the raw reference included:
 *   slab	objects in the eventpoll_epi and eventpoll_pwq caches times
 *		their slab size (/sys/kernel/slab; readable as root).  SLUB may
 *		merge these caches with others of the same size, so other
 *		activity on the machine adds noise.
 *
 * Measured twice for the port: after associating, and after one
 * port_getn() with a zero timeout (a backend may size buffers on its first
 * wait).  Then the same fds are added to a plain epoll instance with
 * EPOLLONESHOT, the reference.
 */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <port.h>

#include "bench.h"

#if defined(__GLIBC__) && \
	(__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#define	HAVE_MALLINFO2	1
#endif

struct am_snap {
	double	heap;		/* bytes, or -1 */
	double	rss;		/* bytes, or -1 */
	double	slab;		/* bytes, or -1 */
};

static double
am_heap(void)
{
#ifdef HAVE_MALLINFO2
	struct mallinfo2 mi = mallinfo2();

	return ((double)mi.uordblks + (double)mi.hblkhd);
#else
	return (-1.0);
#endif
}

static double
am_rss(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size, res;
	int ok;

	if (f == NULL)
		return (-1.0);
	ok = fscanf(f, "%lu %lu", &size, &res) == 2;
	(void) fclose(f);
	return (ok ? (double)res * (double)sysconf(_SC_PAGESIZE) : -1.0);
}

/* Read one number from /sys/kernel/slab/<cache>/<file>. */
static double
am_sysfs(const char *cache, const char *file)
{
	char path[128];
	FILE *f;
	double v;
	int ok;

	(void) snprintf(path, sizeof (path), "/sys/kernel/slab/%s/%s",
	    cache, file);
	if ((f = fopen(path, "r")) == NULL)
		return (-1.0);
	ok = fscanf(f, "%lf", &v) == 1;
	(void) fclose(f);
	return (ok ? v : -1.0);
}

static double
am_slab(void)
{
	static const char *const caches[] = {
		"eventpoll_epi", "eventpoll_pwq"
	};
	double total = 0.0;

	for (size_t i = 0; i < sizeof (caches) / sizeof (caches[0]); i++) {
		double objs = am_sysfs(caches[i], "objects");
		double size = am_sysfs(caches[i], "slab_size");

		if (objs < 0 || size < 0)
			return (-1.0);
		total += objs * size;
	}
	return (total);
}

static struct am_snap
am_take(void)
{
	struct am_snap s;

	s.heap = am_heap();
	s.rss = am_rss();
	s.slab = am_slab();
	return (s);
}

static void
am_print(const char *what, double a, double b, long n)
{
	if (a < 0 || b < 0)
		(void) printf("    %-5s n/a\n", what);
	else
		(void) printf("    %-5s %+12.0f bytes  = %7.1f bytes/assoc\n",
		    what, b - a, (b - a) / (double)n);
}

static double
am_per(double a, double b, long n)
{
	return (a < 0 || b < 0 ? -1.0 : (b - a) / (double)n);
}

int
main(int argc, char **argv)
{
	long want = 100000, n, lim;
	int opt, port, ep, *fds, zero_nget_ok;
	const char *backend;
	struct am_snap s0, s1, s2, r0, r1;
	struct timespec zero = { 0, 0 };
	port_event_t list[64];
	uint_t nget = 1;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		switch (opt) {
		case 'n':
			want = bench_arg("n", optarg, 2, 10000000L);
			break;
		default:
			(void) fprintf(stderr, "usage: assocmem [-n fds]\n");
			return (2);
		}
	}
	bench_watchdog(600);
	/* Room for N fds, the port's own fds and stdio. */
	lim = bench_nofile(want + 64);
	n = want;
	if (lim < want + 64) {
		n = (lim - 64) / 2 * 2;
		if (n < 2)
			bench_die(0, "RLIMIT_NOFILE is %ld", lim);
		(void) printf("NOTE: RLIMIT_NOFILE cannot be raised to %ld "
		    "(hard limit %ld; raising it needs CAP_SYS_RESOURCE):\n"
		    "      measuring %ld associations instead of %ld.\n",
		    want + 64, lim, n, want);
	}
	if ((fds = calloc((size_t)n, sizeof (int))) == NULL)
		bench_die(1, "calloc");
	for (long i = 0; i < n; i += 2) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
		    &fds[i]) != 0)
			bench_die(1, "socketpair (%ld fds open)", i);
	}
	port = bench_port_create(&backend);

	s0 = am_take();
	for (long i = 0; i < n; i++) {
		if (port_associate(port, PORT_SOURCE_FD, (uintptr_t)fds[i],
		    POLLIN, &fds[i]) != 0)
			bench_die(1, "port_associate fd %d", fds[i]);
	}
	s1 = am_take();
	zero_nget_ok = port_getn(port, list, 64, &nget, &zero) == 0 &&
	    nget == 0;
	s2 = am_take();
	if (!zero_nget_ok)
		bench_die(1, "idle port_getn: %u events", nget);

	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		bench_die(1, "epoll_create1");
	r0 = am_take();
	for (long i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT };

		ev.data.ptr = &fds[i];
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) != 0)
			bench_die(1, "epoll_ctl ADD fd %d", fds[i]);
	}
	r1 = am_take();

	(void) printf("assocmem: backend=%s (asked: %s) associations=%ld "
	    "(highest fd %d)\n", backend, bench_backend_wanted(), n,
	    fds[n - 1]);
	(void) printf("  port, after %ld port_associate calls:\n", n);
	am_print("heap", s0.heap, s1.heap, n);
	am_print("rss", s0.rss, s1.rss, n);
	am_print("slab", s0.slab, s1.slab, n);
	(void) printf("  port, after one port_getn with a zero timeout:\n");
	am_print("heap", s0.heap, s2.heap, n);
	am_print("rss", s0.rss, s2.rss, n);
	am_print("slab", s0.slab, s2.slab, n);
	(void) printf("  raw epoll reference, after %ld EPOLL_CTL_ADD "
	    "(no user-space state):\n", n);
	am_print("heap", r0.heap, r1.heap, n);
	am_print("rss", r0.rss, r1.rss, n);
	am_print("slab", r0.slab, r1.slab, n);
	if (s0.slab < 0)
		(void) printf("  (kernel slab counts need root and "
		    "/sys/kernel/slab)\n");
	(void) printf("RESULT assocmem backend=%s assoc=%ld "
	    "heap_b=%.1f heap_after_get_b=%.1f rss_b=%.1f "
	    "rss_after_get_b=%.1f kernel_b=%.1f raw_kernel_b=%.1f\n",
	    backend, n, am_per(s0.heap, s1.heap, n),
	    am_per(s0.heap, s2.heap, n), am_per(s0.rss, s1.rss, n),
	    am_per(s0.rss, s2.rss, n), am_per(s0.slab, s1.slab, n),
	    am_per(r0.slab, r1.slab, n));
	(void) close(ep);
	(void) close(port);
	for (long i = 0; i < n; i++)
		(void) close(fds[i]);
	free(fds);
	return (0);
}
