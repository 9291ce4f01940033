/*
 * Ping-pong: N messages bounce across M socketpairs, driven either by event
 * ports (port_getn + read + write + port_associate) or by the same loop
 * written directly on epoll (epoll_wait + read + write + epoll_ctl MOD with
 * EPOLLONESHOT).  Both loops make the same system calls per message, so the
 * ratio of their times is what the event-port layer costs.
 *
 * Each pair (a, b) carries one message: whichever end is readable reads it
 * and writes it back on the same socket, so the other end becomes readable.
 * At most M fds are ready at once; a wait returns up to -b of them.
 *
 * The variants alternate within one run (ABBA order), each in a fresh
 * child process on fresh socketpairs; the medians of -r repetitions are
 * compared.  Times are both process CPU time (robust when other jobs
 * share the machine) and wall time.
 *
 * A third, informational variant runs the raw loop while the process has
 * one more, idle, thread, as it has while a port exists (the library's
 * close watcher).  A second thread alone makes system calls dearer: the
 * kernel must take a reference on each file a call uses (the fd table is
 * shared), and glibc's cancellable wrappers (read, write, epoll_wait)
 * take their multi-threaded path.  Comparing with it separates that cost
 * from the library's own.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <port.h>

#include "bench.h"

#define	BATCH_MAX	1024
#define	MSG_MAX		4096

struct pp_cfg {
	long	n;		/* messages per run */
	int	m;		/* socketpairs */
	int	batch;		/* events per wait, at most */
	int	msg;		/* bytes per message */
	int	reps;
};

struct pp_time {
	double	cpu;
	double	wall;
};

/* Fresh socketpairs with one message in flight on each. */
static int *
pp_open(const struct pp_cfg *c)
{
	static char buf[MSG_MAX];
	int *fds = calloc((size_t)c->m * 2, sizeof (int));

	if (fds == NULL)
		bench_die(1, "calloc");
	for (int i = 0; i < c->m; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0, &fds[2 * i]) != 0)
			bench_die(1, "socketpair");
		if (write(fds[2 * i], buf, (size_t)c->msg) != c->msg)
			bench_die(1, "write");
	}
	return (fds);
}

static void
pp_close(const struct pp_cfg *c, int *fds)
{
	for (int i = 0; i < 2 * c->m; i++)
		(void) close(fds[i]);
	free(fds);
}

/* Read the message on fd and send it back the other way. */
static inline void
pp_bounce(int fd, int msg)
{
	char buf[MSG_MAX];

	if (read(fd, buf, (size_t)msg) != msg)
		bench_die(1, "read fd %d", fd);
	if (write(fd, buf, (size_t)msg) != msg)
		bench_die(1, "write fd %d", fd);
}

/*
 * The measured loops.  noinline so that callgrind --toggle-collect and
 * perf can name them.
 */
__attribute__((noinline)) static long
pp_ports_loop(int port, const struct pp_cfg *c)
{
	port_event_t ev[BATCH_MAX];
	long done = 0;

	while (done < c->n) {
		uint_t nget = 1;

		if (port_getn(port, ev, (uint_t)c->batch, &nget, NULL) != 0)
			bench_die(1, "port_getn");
		for (uint_t i = 0; i < nget && done < c->n; i++) {
			int fd = (int)ev[i].portev_object;

			if (ev[i].portev_source != PORT_SOURCE_FD ||
			    ev[i].portev_events != POLLIN)
				bench_die(0, "unexpected event %d/%#x",
				    ev[i].portev_source, ev[i].portev_events);
			pp_bounce(fd, c->msg);
			if (port_associate(port, PORT_SOURCE_FD,
			    (uintptr_t)fd, POLLIN, ev[i].portev_user) != 0)
				bench_die(1, "port_associate");
			done++;
		}
	}
	return (done);
}

__attribute__((noinline)) static long
pp_raw_loop(int ep, const struct pp_cfg *c)
{
	struct epoll_event ev[BATCH_MAX];
	long done = 0;

	while (done < c->n) {
		int got = epoll_wait(ep, ev, c->batch, -1);

		if (got < 0)
			bench_die(1, "epoll_wait");
		for (int i = 0; i < got && done < c->n; i++) {
			int fd = ev[i].data.fd;

			if (ev[i].events != EPOLLIN)
				bench_die(0, "unexpected events %#x",
				    ev[i].events);
			pp_bounce(fd, c->msg);
			ev[i].events = EPOLLIN | EPOLLONESHOT;
			if (epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev[i]) != 0)
				bench_die(1, "epoll_ctl MOD");
			done++;
		}
	}
	return (done);
}

static struct pp_time
pp_run_ports(const struct pp_cfg *c, const char **backend)
{
	int *fds = pp_open(c), port = bench_port_create(backend);
	struct pp_time t;
	double c0, w0;

	for (int i = 0; i < 2 * c->m; i++) {
		if (port_associate(port, PORT_SOURCE_FD, (uintptr_t)fds[i],
		    POLLIN, &fds[i]) != 0)
			bench_die(1, "port_associate");
	}
	c0 = bench_cpu_ns();
	w0 = bench_wall_ns();
	if (pp_ports_loop(port, c) != c->n)
		bench_die(0, "ports loop lost messages");
	t.wall = bench_wall_ns() - w0;
	t.cpu = bench_cpu_ns() - c0;
	(void) close(port);
	pp_close(c, fds);
	return (t);
}

/* The idle thread: blocks until its pipe is closed. */
static void *
pp_idle(void *arg)
{
	char c;

	(void) read(*(int *)arg, &c, 1);
	return (NULL);
}

static struct pp_time
pp_run_raw(const struct pp_cfg *c, bool with_thread)
{
	int *fds = pp_open(c), ep = epoll_create1(EPOLL_CLOEXEC), pfd[2];
	struct pp_time t;
	pthread_t tid;
	double c0, w0;

	if (ep == -1)
		bench_die(1, "epoll_create1");
	if (with_thread) {
		if (pipe(pfd) != 0)
			bench_die(1, "pipe");
		if ((errno = pthread_create(&tid, NULL, pp_idle, &pfd[0])) != 0)
			bench_die(1, "pthread_create");
	}
	for (int i = 0; i < 2 * c->m; i++) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT };

		ev.data.fd = fds[i];
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) != 0)
			bench_die(1, "epoll_ctl ADD");
	}
	c0 = bench_cpu_ns();
	w0 = bench_wall_ns();
	if (pp_raw_loop(ep, c) != c->n)
		bench_die(0, "raw loop lost messages");
	t.wall = bench_wall_ns() - w0;
	t.cpu = bench_cpu_ns() - c0;
	if (with_thread) {
		(void) close(pfd[1]);
		(void) pthread_join(tid, NULL);
		(void) close(pfd[0]);
	}
	(void) close(ep);
	pp_close(c, fds);
	return (t);
}

static void
usage(void)
{
	(void) fprintf(stderr, "usage: pingpong [-n messages] [-m pairs] "
	    "[-b batch] [-s bytes] [-r reps] [-o ports|raw|rawthr]\n");
	exit(2);
}

enum { V_PORTS, V_RAW, V_RAWTHR, V_N };

static struct pp_time
pp_run(int v, const struct pp_cfg *c, const char **backend)
{
	if (v == V_PORTS)
		return (pp_run_ports(c, backend));
	return (pp_run_raw(c, v == V_RAWTHR));
}

/*
 * Run one measurement in a child of this (single-threaded) process, so
 * that every run starts alike: with no thread and no port left over by
 * the previous run.  glibc never goes back to its single-threaded system
 * call path once a thread was created, and a port's close watcher exits
 * only after the port is gone.
 */
static struct pp_time
pp_run_fresh(int v, const struct pp_cfg *c, const char **backend)
{
	struct { struct pp_time t; char be[16]; } res;
	int pfd[2], status;
	pid_t pid;

	(void) fflush(stdout);
	if (pipe(pfd) != 0)
		bench_die(1, "pipe");
	if ((pid = fork()) == -1)
		bench_die(1, "fork");
	if (pid == 0) {
		const char *be = "none";

		(void) close(pfd[0]);
		bench_watchdog(600);
		memset(&res, 0, sizeof (res));
		res.t = pp_run(v, c, &be);
		(void) snprintf(res.be, sizeof (res.be), "%s", be);
		if (write(pfd[1], &res, sizeof (res)) != sizeof (res))
			_exit(1);
		_exit(0);
	}
	(void) close(pfd[1]);
	if (read(pfd[0], &res, sizeof (res)) != sizeof (res))
		bench_die(0, "run %d failed in the child", v);
	(void) close(pfd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		bench_die(0, "child for run %d failed", v);
	if (v == V_PORTS) {
		static char be[16];

		memcpy(be, res.be, sizeof (be));
		*backend = be;
	}
	return (res.t);
}

int
main(int argc, char **argv)
{
	static const char *const vname[V_N] = { "ports", "raw", "rawthr" };
	struct pp_cfg c = { 200000, 100, 64, 64, 7 };
	const char *backend = "none";
	double cpu[V_N][64], wall[V_N][64], ratio[64], med[V_N][2];
	int opt, only = -1;

	while ((opt = getopt(argc, argv, "n:m:b:s:r:o:")) != -1) {
		switch (opt) {
		case 'n':
			c.n = bench_arg("n", optarg, 1, 1000000000L);
			break;
		case 'm':
			c.m = (int)bench_arg("m", optarg, 1, 100000);
			break;
		case 'b':
			c.batch = (int)bench_arg("b", optarg, 1, BATCH_MAX);
			break;
		case 's':
			c.msg = (int)bench_arg("s", optarg, 1, MSG_MAX);
			break;
		case 'r':
			c.reps = (int)bench_arg("r", optarg, 1, 64);
			break;
		case 'o':
			for (only = V_N - 1; only >= 0; only--) {
				if (strcmp(optarg, vname[only]) == 0)
					break;
			}
			if (only < 0)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (bench_nofile(2L * c.m + 64) < 2L * c.m + 64)
		bench_die(0, "RLIMIT_NOFILE too low for %d socketpairs", c.m);

	/* One variant only, for profilers (callgrind, perf record). */
	if (only >= 0) {
		bench_watchdog(600);
		for (int r = 0; r < c.reps; r++) {
			struct pp_time t = pp_run(only, &c, &backend);

			(void) printf("pingpong %s backend=%s: %.1f ns/msg "
			    "cpu, %.1f ns/msg wall\n", vname[only], backend,
			    t.cpu / (double)c.n, t.wall / (double)c.n);
		}
		return (0);
	}

	/* Warm up every path (page faults, caches, the watcher thread). */
	{
		struct pp_cfg w = c;

		w.n = c.n / 10 + 1;
		for (int v = 0; v < V_N; v++)
			(void) pp_run_fresh(v, &w, &backend);
	}
	(void) printf("pingpong: backend=%s (asked: %s) pairs=%d "
	    "messages=%ld bytes=%d batch=%d reps=%d\n", backend,
	    bench_backend_wanted(), c.m, c.n, c.msg, c.batch, c.reps);
	(void) printf("  ns/msg, process CPU time; raw+thr = raw epoll with "
	    "an idle second thread\n");
	(void) printf("  %-4s %10s %10s %10s %9s %11s\n", "rep", "ports",
	    "raw", "raw+thr", "ports/raw", "ports/r+thr");
	for (int r = 0; r < c.reps; r++) {
		/* Forward and reverse order by turns: none always first. */
		for (int i = 0; i < V_N; i++) {
			int v = r % 2 == 0 ? i : V_N - 1 - i;
			struct pp_time t = pp_run_fresh(v, &c, &backend);

			cpu[v][r] = t.cpu / (double)c.n;
			wall[v][r] = t.wall / (double)c.n;
		}
		ratio[r] = cpu[V_PORTS][r] / cpu[V_RAW][r];
		(void) printf("  %-4d %10.1f %10.1f %10.1f %9.3f %11.3f\n",
		    r + 1, cpu[V_PORTS][r], cpu[V_RAW][r], cpu[V_RAWTHR][r],
		    ratio[r], cpu[V_PORTS][r] / cpu[V_RAWTHR][r]);
	}
	for (int v = 0; v < V_N; v++) {
		med[v][0] = bench_median(cpu[v], c.reps);
		med[v][1] = bench_median(wall[v], c.reps);
	}

	double rcpu = med[V_PORTS][0] / med[V_RAW][0];
	double rwall = med[V_PORTS][1] / med[V_RAW][1];
	double rthr = med[V_PORTS][0] / med[V_RAWTHR][0];

	(void) printf("  median cpu:  ports %.1f, raw epoll %.1f, raw+thr "
	    "%.1f ns/msg\n", med[V_PORTS][0], med[V_RAW][0],
	    med[V_RAWTHR][0]);
	(void) printf("  median wall: ports %.1f, raw epoll %.1f, raw+thr "
	    "%.1f ns/msg\n", med[V_PORTS][1], med[V_RAW][1],
	    med[V_RAWTHR][1]);
	(void) printf("  ratio ports/raw: %.3f (cpu medians), %.3f (wall "
	    "medians), %.3f (median of per-rep cpu ratios)\n", rcpu, rwall,
	    bench_median(ratio, c.reps));
	(void) printf("  ratio ports/raw+thr: %.3f (cpu medians): the "
	    "library's own cost\n", rthr);
	(void) printf("RESULT pingpong backend=%s pairs=%d messages=%ld "
	    "ports_ns=%.1f raw_ns=%.1f rawthr_ns=%.1f ratio_cpu=%.3f "
	    "ratio_wall=%.3f ratio_thr=%.3f\n", backend, c.m, c.n,
	    med[V_PORTS][0], med[V_RAW][0], med[V_RAWTHR][0], rcpu, rwall,
	    rthr);
	return (0);
}
