/*
 * connect_storm: 10,000 concurrent non-blocking connects to loopback,
 * completed two ways in the same run:
 *  - "helper": sockshim_connect_start(), port_associate() on an event
 *    port, port_getn(), sockshim_connect_finish();
 *  - "raw": the same storm written by hand on epoll: the kernel's
 *    connect() (not libsocket's, which this program also links), then
 *    epoll_ctl(EPOLLOUT | EPOLLONESHOT), epoll_wait(),
 *    getsockopt(SO_ERROR).
 * Rounds alternate the two (ABBA...); the medians of each are reported,
 * wall-clock and CPU time (user + system, which on loopback includes the
 * kernel's packet processing), with the ratio helper/raw.  Target: 1.10
 * or less.  CPU time is the steadier measure on a busy machine.
 *
 *	usage: connect_storm [-n CONNECTS] [-r ROUNDS]
 *
 * The timed part is the client side only: from the first socket() to the
 * last completion.  Nothing accepts during a storm; there are enough
 * listeners for the accept queues to hold every connection (somaxconn
 * caps each queue, and Linux drops SYNs to a full queue, which would
 * cost a one-second retransmission).  Between storms the clients are
 * closed with an RST (SO_LINGER 0, so no TIME_WAIT eats the ephemeral
 * ports) and the listeners are closed and made anew.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <port.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <sockshim/connect.h>

#define	BATCH	1024
#define	MAX_LISTENERS	256

static int nconn = 10000;
static int nlisten;
static int lfd[MAX_LISTENERS];
static struct sockaddr_in laddr[MAX_LISTENERS];
static int *cfd;

static double
clock_ms(clockid_t id)
{
	struct timespec ts;

	(void) clock_gettime(id, &ts);
	return (ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
}

/* The kernel's connect(2), whatever libsocket provides under that name. */
static int
raw_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
#ifdef SYS_connect
	return ((int)syscall(SYS_connect, fd, sa, len));
#else
	return (connect(fd, sa, len));
#endif
}

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static int
somaxconn(void)
{
	FILE *f = fopen("/proc/sys/net/core/somaxconn", "r");
	int v = 128;

	if (f != NULL) {
		if (fscanf(f, "%d", &v) != 1)
			v = 128;
		(void) fclose(f);
	}
	return (v);
}

static void
listeners_open(int per)
{
	for (int i = 0; i < nlisten; i++) {
		socklen_t len = sizeof (laddr[i]);

		(void) memset(&laddr[i], 0, sizeof (laddr[i]));
		laddr[i].sin_family = AF_INET;
		laddr[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if ((lfd[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC,
		    0)) == -1)
			die("socket");
		if (bind(lfd[i], (struct sockaddr *)&laddr[i], len) == -1 ||
		    listen(lfd[i], per) == -1 ||
		    getsockname(lfd[i], (struct sockaddr *)&laddr[i],
		    &len) == -1)
			die("listener");
	}
}

/* Reset the clients (no TIME_WAIT), then drop the listeners' queues. */
static void
teardown(void)
{
	struct linger lg = { 1, 0 };

	for (int i = 0; i < nconn; i++) {
		if (cfd[i] == -1)
			continue;
		(void) setsockopt(cfd[i], SOL_SOCKET, SO_LINGER, &lg,
		    sizeof (lg));
		(void) close(cfd[i]);
		cfd[i] = -1;
	}
	for (int i = 0; i < nlisten; i++)
		(void) close(lfd[i]);
}

static int
client(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd == -1)
		die("socket");
	return (fd);
}

/* The storm through the helpers and an event port.  Returns failures. */
static int
storm_helper(void)
{
	port_event_t *ev = calloc(BATCH, sizeof (*ev));
	int port, done = 0, failed = 0;

	if (ev == NULL)
		die("calloc");
	if ((port = port_create()) == -1)
		die("port_create");
	for (int i = 0; i < nconn; i++) {
		const struct sockaddr_in *sa = &laddr[i % nlisten];

		cfd[i] = client();
		if (sockshim_connect_start(cfd[i], (const struct sockaddr *)sa,
		    sizeof (*sa)) == 0)
			done++;
		else if (errno != EINPROGRESS)
			failed++;
		else if (port_associate(port, PORT_SOURCE_FD,
		    (uintptr_t)cfd[i], POLLOUT, NULL) != 0)
			die("port_associate");
	}
	while (done + failed < nconn) {
		uint_t nget = 1;

		if (port_getn(port, ev, BATCH, &nget, NULL) != 0 &&
		    errno != EINTR)
			die("port_getn");
		for (uint_t k = 0; k < nget; k++) {
			int fd = (int)ev[k].portev_object;

			if (sockshim_connect_finish(fd) == 0)
				done++;
			else if (errno != EINPROGRESS)
				failed++;
			else if (port_associate(port, PORT_SOURCE_FD,
			    (uintptr_t)fd, POLLOUT, NULL) != 0)
				die("port_associate");
		}
	}
	(void) close(port);
	free(ev);
	return (failed);
}

/* The same storm by hand on epoll.  Returns failures. */
static int
storm_raw(void)
{
	struct epoll_event *ev = calloc(BATCH, sizeof (*ev));
	int ep, done = 0, failed = 0;

	if (ev == NULL)
		die("calloc");
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		die("epoll_create1");
	for (int i = 0; i < nconn; i++) {
		const struct sockaddr_in *sa = &laddr[i % nlisten];
		struct epoll_event e;

		cfd[i] = client();
		if (raw_connect(cfd[i], (const struct sockaddr *)sa,
		    sizeof (*sa)) == 0) {
			done++;
			continue;
		}
		if (errno != EINPROGRESS) {
			failed++;
			continue;
		}
		e.events = EPOLLOUT | EPOLLONESHOT;
		e.data.fd = cfd[i];
		if (epoll_ctl(ep, EPOLL_CTL_ADD, cfd[i], &e) != 0)
			die("epoll_ctl");
	}
	while (done + failed < nconn) {
		int n = epoll_wait(ep, ev, BATCH, -1);

		if (n == -1 && errno != EINTR)
			die("epoll_wait");
		for (int k = 0; k < n; k++) {
			int err = 0;
			socklen_t len = sizeof (err);

			if (getsockopt(ev[k].data.fd, SOL_SOCKET, SO_ERROR,
			    &err, &len) != 0 || err != 0)
				failed++;
			else
				done++;
		}
	}
	(void) close(ep);
	free(ev);
	return (failed);
}

struct sample {
	double	s_wall;
	double	s_cpu;
};

static struct sample
run(int (*storm)(void), int per, const char *name)
{
	struct sample s;
	double w0, c0;
	int failed;

	listeners_open(per);
	w0 = clock_ms(CLOCK_MONOTONIC);
	c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	failed = storm();
	s.s_cpu = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
	s.s_wall = clock_ms(CLOCK_MONOTONIC) - w0;
	teardown();
	if (failed != 0) {
		(void) fprintf(stderr, "connect_storm: %s: %d of %d connects "
		    "failed\n", name, failed, nconn);
		exit(1);
	}
	return (s);
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static double
median(double *v, int n)
{
	qsort(v, n, sizeof (*v), cmp);
	return (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

static void
raise_nofile(int need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		die("getrlimit");
	if (rl.rlim_cur >= (rlim_t)need)
		return;
	rl.rlim_cur = (rlim_t)need;
	if (rl.rlim_max < (rlim_t)need)
		rl.rlim_max = (rlim_t)need;	/* works as root */
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
		(void) getrlimit(RLIMIT_NOFILE, &rl);
		rl.rlim_cur = rl.rlim_max;
		(void) setrlimit(RLIMIT_NOFILE, &rl);
		if (rl.rlim_cur < (rlim_t)need) {
			nconn = (int)rl.rlim_cur - MAX_LISTENERS - 64;
			(void) fprintf(stderr, "connect_storm: "
			    "RLIMIT_NOFILE is %ld: %d connects only\n",
			    (long)rl.rlim_cur, nconn);
			if (nconn < 1)
				exit(1);
		}
	}
}

int
main(int argc, char *argv[])
{
	const char *backend = getenv("SOCKSHIM_PORT_BACKEND");
	double *hw, *hc, *rw, *rc, mhw, mhc, mrw, mrc;
	int rounds = 9, c, per, max;

	while ((c = getopt(argc, argv, "n:r:")) != -1) {
		switch (c) {
		case 'n':
			nconn = atoi(optarg);
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		default:
			(void) fprintf(stderr, "usage: connect_storm "
			    "[-n CONNECTS] [-r ROUNDS]\n");
			return (2);
		}
	}
	if (nconn < 1 || rounds < 1) {
		(void) fprintf(stderr, "connect_storm: bad -n or -r\n");
		return (2);
	}
	raise_nofile(nconn + MAX_LISTENERS + 64);

	/* Leave headroom below somaxconn in each accept queue. */
	max = somaxconn();
	per = max > 64 ? max - max / 16 : max;
	nlisten = (nconn + per - 1) / per;
	if (nlisten > MAX_LISTENERS) {
		(void) fprintf(stderr, "connect_storm: somaxconn %d is too "
		    "small for %d connects\n", max, nconn);
		return (1);
	}
	if ((cfd = malloc(nconn * sizeof (*cfd))) == NULL ||
	    (hw = calloc(4 * (size_t)rounds, sizeof (*hw))) == NULL)
		die("malloc");
	hc = hw + rounds;
	rw = hc + rounds;
	rc = rw + rounds;
	for (int i = 0; i < nconn; i++)
		cfd[i] = -1;

	(void) printf("connect storm: %d concurrent connects to %d loopback "
	    "listener(s) (somaxconn %d), %d round(s), event-port backend "
	    "%s\n", nconn, nlisten, max, rounds,
	    backend != NULL && *backend != '\0' ? backend : "default");
	/* Warm-up: page in both paths, grow the kernel's tables. */
	(void) run(storm_helper, per, "helper");
	(void) run(storm_raw, per, "raw");
	for (int r = 0; r < rounds; r++) {
		struct sample h, w;

		/* ABBA: neither side always goes first. */
		if (r % 2 == 0) {
			h = run(storm_helper, per, "helper");
			w = run(storm_raw, per, "raw");
		} else {
			w = run(storm_raw, per, "raw");
			h = run(storm_helper, per, "helper");
		}
		hw[r] = h.s_wall;
		hc[r] = h.s_cpu;
		rw[r] = w.s_wall;
		rc[r] = w.s_cpu;
		(void) printf("  round %d: helper %.1f ms (cpu %.1f), "
		    "raw epoll %.1f ms (cpu %.1f)\n", r + 1, hw[r], hc[r],
		    rw[r], rc[r]);
	}
	mhw = median(hw, rounds);
	mhc = median(hc, rounds);
	mrw = median(rw, rounds);
	mrc = median(rc, rounds);
	(void) printf("helper + event ports: %.1f ms wall, %.1f ms cpu "
	    "(%.0f connects/s)\n", mhw, mhc, nconn / mhw * 1e3);
	(void) printf("raw epoll by hand:    %.1f ms wall, %.1f ms cpu "
	    "(%.0f connects/s)\n", mrw, mrc, nconn / mrw * 1e3);
	(void) printf("ratio helper/raw: wall %.3fx, cpu %.3fx "
	    "(target <= 1.10x): %s\n", mhw / mrw, mhc / mrc,
	    mhw / mrw <= 1.10 ? "met" : "NOT met");
	free(cfd);
	free(hw);
	return (0);
}
