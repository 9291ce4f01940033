/*
 * Drain: one port_getn() call retrieves K ready fds (K = 10,000 by
 * default), against one epoll_wait() on the same number of ready
 * EPOLLONESHOT registrations.  Prints time per call and per event.
 *
 * K/2 socketpairs with one byte written on each end give K readable fds.
 * Between calls every fd is re-armed (port_associate, or epoll_ctl MOD for
 * the reference); that is not timed.  The timed port_getn asks for all K
 * (max = *nget = K), so it returns only when it holds every one of them.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <port.h>

#include "bench.h"

#define	REPS_MAX	101

struct dr_ctx {
	int		k;
	int		*fds;
	unsigned char	*seen;
};

static void
dr_open(struct dr_ctx *d)
{
	if ((d->fds = calloc((size_t)d->k, sizeof (int))) == NULL ||
	    (d->seen = calloc((size_t)d->k, 1)) == NULL)
		bench_die(1, "calloc");
	for (int i = 0; i < d->k; i += 2) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0, &d->fds[i]) != 0)
			bench_die(1, "socketpair (%d fds open)", i);
		if (write(d->fds[i], "x", 1) != 1 ||
		    write(d->fds[i + 1], "y", 1) != 1)
			bench_die(1, "write");
	}
}

/* Every fd reported exactly once? */
static void
dr_check(struct dr_ctx *d, const char *what, int got)
{
	if (got != d->k)
		bench_die(0, "%s returned %d events, want %d", what, got, d->k);
	for (int i = 0; i < d->k; i++) {
		if (!d->seen[i])
			bench_die(0, "%s missed fd %d", what, d->fds[i]);
	}
	memset(d->seen, 0, (size_t)d->k);
}

static void
dr_mark(struct dr_ctx *d, uintptr_t idx)
{
	if (idx >= (uintptr_t)d->k || d->seen[idx])
		bench_die(0, "bad or duplicate event for index %zu",
		    (size_t)idx);
	d->seen[idx] = 1;
}

static void
dr_port_arm(int port, struct dr_ctx *d)
{
	for (int i = 0; i < d->k; i++) {
		if (port_associate(port, PORT_SOURCE_FD, (uintptr_t)d->fds[i],
		    POLLIN, (void *)(uintptr_t)i) != 0)
			bench_die(1, "port_associate");
	}
}

static void
dr_raw_arm(int ep, struct dr_ctx *d, int op)
{
	for (int i = 0; i < d->k; i++) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT };

		ev.data.u64 = (uint64_t)i;
		if (epoll_ctl(ep, op, d->fds[i], &ev) != 0)
			bench_die(1, "epoll_ctl");
	}
}

int
main(int argc, char **argv)
{
	struct dr_ctx d = { 10000, NULL, NULL };
	int reps = 21, opt, port, ep;
	double pc[REPS_MAX], pw[REPS_MAX], rc[REPS_MAX], rw[REPS_MAX];
	const char *backend;
	port_event_t *list;
	struct epoll_event *evs;
	uint_t one;

	while ((opt = getopt(argc, argv, "k:r:")) != -1) {
		switch (opt) {
		case 'k':
			d.k = (int)bench_arg("k", optarg, 2, 1000000);
			d.k += d.k % 2;
			break;
		case 'r':
			reps = (int)bench_arg("r", optarg, 1, REPS_MAX);
			break;
		default:
			(void) fprintf(stderr,
			    "usage: drain [-k fds] [-r reps]\n");
			return (2);
		}
	}
	if (bench_nofile(d.k + 64L) < d.k + 64L)
		bench_die(0, "RLIMIT_NOFILE too low for %d fds", d.k);
	bench_watchdog(600);
	dr_open(&d);
	if ((list = calloc((size_t)d.k, sizeof (*list))) == NULL ||
	    (evs = calloc((size_t)d.k, sizeof (*evs))) == NULL)
		bench_die(1, "calloc");
	port = bench_port_create(&backend);
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		bench_die(1, "epoll_create1");
	dr_raw_arm(ep, &d, EPOLL_CTL_ADD);

	/* Rep 0 is a warm-up (first-use allocations inside the library). */
	for (int r = 0; r <= reps; r++) {
		uint_t nget = (uint_t)d.k;
		double c0, w0;
		int got;

		dr_port_arm(port, &d);
		c0 = bench_cpu_ns();
		w0 = bench_wall_ns();
		if (port_getn(port, list, (uint_t)d.k, &nget, NULL) != 0)
			bench_die(1, "port_getn");
		w0 = bench_wall_ns() - w0;
		c0 = bench_cpu_ns() - c0;
		for (uint_t i = 0; i < nget; i++)
			dr_mark(&d, (uintptr_t)list[i].portev_user);
		dr_check(&d, "port_getn", (int)nget);
		if (r > 0) {
			pc[r - 1] = c0;
			pw[r - 1] = w0;
		}

		if (r > 0)
			dr_raw_arm(ep, &d, EPOLL_CTL_MOD);
		c0 = bench_cpu_ns();
		w0 = bench_wall_ns();
		got = epoll_wait(ep, evs, d.k, -1);
		w0 = bench_wall_ns() - w0;
		c0 = bench_cpu_ns() - c0;
		if (got < 0)
			bench_die(1, "epoll_wait");
		for (int i = 0; i < got; i++)
			dr_mark(&d, (uintptr_t)evs[i].data.u64);
		dr_check(&d, "epoll_wait", got);
		if (r > 0) {
			rc[r - 1] = c0;
			rw[r - 1] = w0;
		}
	}

	/* How many does a single port_getn(nget = 1) hand back? */
	dr_port_arm(port, &d);
	one = 1;
	if (port_getn(port, list, (uint_t)d.k, &one, NULL) != 0)
		bench_die(1, "port_getn");

	double mpc = bench_median(pc, reps), mrc = bench_median(rc, reps);
	double mpw = bench_median(pw, reps), mrw = bench_median(rw, reps);

	(void) printf("drain: backend=%s (asked: %s) ready fds=%d reps=%d\n",
	    backend, bench_backend_wanted(), d.k, reps);
	(void) printf("  port_getn(max=nget=%d): %.1f us/call, %.1f ns/event "
	    "(cpu median); %.1f us/call wall\n", d.k, mpc / 1e3,
	    mpc / d.k, mpw / 1e3);
	(void) printf("  epoll_wait(maxevents=%d): %.1f us/call, %.1f "
	    "ns/event (cpu median); %.1f us/call wall\n", d.k, mrc / 1e3,
	    mrc / d.k, mrw / 1e3);
	(void) printf("  ratio port_getn/epoll_wait: %.3f (cpu), %.3f "
	    "(wall); extra %.1f ns/event\n", mpc / mrc, mpw / mrw,
	    (mpc - mrc) / d.k);
	(void) printf("  one port_getn(max=%d, nget=1) returned %u events\n",
	    d.k, one);
	(void) printf("RESULT drain backend=%s fds=%d ports_us=%.1f "
	    "ports_ns_ev=%.1f raw_us=%.1f raw_ns_ev=%.1f ratio_cpu=%.3f "
	    "nget1=%u\n", backend, d.k, mpc / 1e3, mpc / d.k, mrc / 1e3,
	    mrc / d.k, mpc / mrc, one);
	(void) close(port);
	(void) close(ep);
	for (int i = 0; i < d.k; i++)
		(void) close(d.fds[i]);
	free(d.fds);
	free(d.seen);
	free(list);
	free(evs);
	return (0);
}
