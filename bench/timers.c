/*
 * Timers: N SIGEV_PORT timers (timer_create(3C), N = 10,000 by default)
 * fire once each and their events are collected with port_getn(), against
 * the same number of timerfds in a raw epoll set, collected with
 * epoll_wait() and one read() each (what the library does underneath).
 *
 * Each round makes the N timers, arms each to expire 1 ms from now (not
 * timed), times the collection of all N expirations in process CPU time
 * (so the idle wait for the expiry does not count), and deletes them: only
 * one set exists at a time, within RLIMIT_NOFILE.  Medians of -r rounds.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <port.h>

#include "bench.h"

#define	BATCH	1024
#define	REPS_MAX	51

static const struct itimerspec in_1ms = { { 0, 0 }, { 0, 1000000 } };

static double
ports_round(int port, int n)
{
	port_event_t ev[BATCH];
	port_notify_t pn = { port, NULL };
	struct sigevent sev;
	timer_t *t = calloc((size_t)n, sizeof (*t));
	double t0, ns;
	int got = 0;

	memset(&sev, 0, sizeof (sev));
	sev.sigev_notify = SIGEV_PORT;
	sev.sigev_value.sival_ptr = &pn;
	for (int i = 0; t != NULL && i < n; i++)
		if (timer_create(CLOCK_MONOTONIC, &sev, &t[i]) != 0 ||
		    timer_settime(t[i], 0, &in_1ms, NULL) != 0)
			bench_die(1, "timer_create/settime %d", i);
	if (t == NULL)
		bench_die(1, "calloc");
	t0 = bench_cpu_ns();
	while (got < n) {
		uint_t k = 1;

		if (port_getn(port, ev, BATCH, &k, NULL) != 0)
			bench_die(1, "port_getn");
		for (uint_t i = 0; i < k; i++)
			if (ev[i].portev_source != PORT_SOURCE_TIMER ||
			    ev[i].portev_events != 1)
				bench_die(0, "unexpected event %d/%d",
				    ev[i].portev_source, ev[i].portev_events);
		got += (int)k;
	}
	ns = (bench_cpu_ns() - t0) / n;
	for (int i = 0; i < n; i++)
		(void) timer_delete(t[i]);
	free(t);
	return (ns);
}

static double
raw_round(int n)
{
	struct epoll_event ev[BATCH];
	int *tfd = calloc((size_t)n, sizeof (*tfd)), ep, got = 0;
	double t0, ns;

	if (tfd == NULL || (ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		bench_die(1, "calloc/epoll_create1");
	for (int i = 0; i < n; i++) {
		struct epoll_event e = { .events = EPOLLIN };

		if ((tfd[i] = timerfd_create(CLOCK_MONOTONIC,
		    TFD_NONBLOCK | TFD_CLOEXEC)) == -1)
			bench_die(1, "timerfd_create %d", i);
		e.data.fd = tfd[i];
		if (epoll_ctl(ep, EPOLL_CTL_ADD, tfd[i], &e) != 0 ||
		    timerfd_settime(tfd[i], 0, &in_1ms, NULL) != 0)
			bench_die(1, "epoll_ctl/timerfd_settime");
	}
	t0 = bench_cpu_ns();
	while (got < n) {
		int k = epoll_wait(ep, ev, BATCH, -1);

		if (k < 0)
			bench_die(1, "epoll_wait");
		for (int i = 0; i < k; i++) {
			uint64_t c;

			if (read(ev[i].data.fd, &c, sizeof (c)) != sizeof (c) ||
			    c != 1)
				bench_die(1, "read timerfd");
		}
		got += k;
	}
	ns = (bench_cpu_ns() - t0) / n;
	for (int i = 0; i < n; i++)
		(void) close(tfd[i]);
	(void) close(ep);
	free(tfd);
	return (ns);
}

int
main(int argc, char **argv)
{
	int n = 10000, reps = 11, c, port;
	double pv[REPS_MAX], rv[REPS_MAX], pm, rm;
	const char *be;

	while ((c = getopt(argc, argv, "n:r:")) != -1) {
		if (c == 'n')
			n = (int)bench_arg("-n", optarg, 1, 100000);
		else if (c == 'r')
			reps = (int)bench_arg("-r", optarg, 1, REPS_MAX);
		else
			bench_die(0, "usage: timers [-n timers] [-r rounds]");
	}
	bench_watchdog(600);
	if (bench_nofile(n + 64L) < n + 64L)
		bench_die(0, "need %d fds (RLIMIT_NOFILE)", n + 64);
	port = bench_port_create(&be);
	printf("timers: %d timers, %d rounds, backend %s\n", n, reps, be);
	for (int r = 0; r < reps; r++) {
		/* ABBA order, so drift hits both alike. */
		if (r % 2 == 0) {
			pv[r] = ports_round(port, n);
			rv[r] = raw_round(n);
		} else {
			rv[r] = raw_round(n);
			pv[r] = ports_round(port, n);
		}
	}
	pm = bench_median(pv, reps);
	rm = bench_median(rv, reps);
	printf("  median cpu per expiry: ports %.1f ns, raw timerfd+epoll "
	    "%.1f ns\n  ratio ports/raw: %.3f\n", pm, rm, pm / rm);
	printf("RESULT timers backend=%s timers=%d ports_ns=%.1f raw_ns=%.1f "
	    "ratio_cpu=%.3f\n", be, n, pm, rm, pm / rm);
	(void) close(port);
	return (0);
}
