/*
 * Helpers shared by the event-port benchmarks (see bench.h).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <port.h>

#include "bench.h"

static double
ts_ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts) != 0)
		bench_die(1, "clock_gettime");
	return ((double)ts.tv_sec * 1e9 + (double)ts.tv_nsec);
}

double
bench_wall_ns(void)
{
	return (ts_ns(CLOCK_MONOTONIC));
}

double
bench_cpu_ns(void)
{
	return (ts_ns(CLOCK_PROCESS_CPUTIME_ID));
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return ((x > y) - (x < y));
}

double
bench_median(double *v, int n)
{
	if (n <= 0)
		return (0.0);
	qsort(v, (size_t)n, sizeof (*v), cmp_double);
	return (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0);
}

long
bench_nofile(long want)
{
	struct rlimit rl;
	rlim_t w = (rlim_t)want;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return (-1);
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= w)
		return (want);
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= w) {
		rl.rlim_cur = w;
		(void) setrlimit(RLIMIT_NOFILE, &rl);
	} else {
		/* Raising the hard limit needs CAP_SYS_RESOURCE. */
		struct rlimit big = { w, w };

		if (setrlimit(RLIMIT_NOFILE, &big) != 0) {
			rl.rlim_cur = rl.rlim_max;
			(void) setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return (-1);
	return (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= w ? want :
	    (long)rl.rlim_cur);
}

/*
 * Mark in seen[] (fd numbers below nseen) the epoll instances this process
 * holds; returns how many there are, or -1 without /proc(5).
 */
static int
epoll_fd_set(unsigned char *seen, int nseen)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	char link[64];
	int n = 0;

	if (d == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		ssize_t len;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		len = readlinkat(dirfd(d), de->d_name, link, sizeof (link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (strcmp(link, "anon_inode:[eventpoll]") != 0)
			continue;
		n++;
		if ((fd = atoi(de->d_name)) >= 0 && fd < nseen)
			seen[fd] = 1;
	}
	(void) closedir(d);
	return (n);
}

/*
 * A new port may retire a closed one that the library has not reaped yet,
 * closing that port's epoll instance: compare fd sets, not counts.
 */
int
bench_port_create(const char **backend)
{
	struct rlimit rl;
	unsigned char *before, *after;
	int port, first, found = 0, nfd = 65536;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)INT_MAX / 2)
		nfd = (int)rl.rlim_cur;
	if ((before = calloc((size_t)nfd, 2)) == NULL)
		bench_die(1, "calloc");
	after = before + nfd;
	/*
	 * The first port also opens the process's reaper (an epoll set that
	 * finds closed ports), so look at what a second port adds.
	 */
	if ((first = port_create()) == -1)
		bench_die(1, "port_create");
	if (epoll_fd_set(before, nfd) < 0) {
		*backend = "unknown";
		found = -1;
	}
	if ((port = port_create()) == -1)
		bench_die(1, "port_create");
	if (found == 0 && epoll_fd_set(after, nfd) >= 0) {
		for (int fd = 0; fd < nfd && !found; fd++)
			found = after[fd] && !before[fd];
		*backend = found ? "epoll" : "poll";
	} else {
		*backend = "unknown";
	}
	(void) close(first);
	free(before);
	return (port);
}

const char *
bench_backend_wanted(void)
{
	const char *s = getenv("SOCKSHIM_PORT_BACKEND");

	return (s != NULL && *s != '\0' ? s : "default");
}

void
bench_die(int errno_too, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	(void) fflush(stdout);
	(void) fprintf(stderr, "bench: ");
	va_start(ap, fmt);
	(void) vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (errno_too)
		(void) fprintf(stderr, ": %s", strerror(err));
	(void) fprintf(stderr, "\n");
	exit(1);
}

long
bench_arg(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		bench_die(0, "-%s: want an integer in [%ld, %ld], got '%s'",
		    opt, min, max, s);
	return (v);
}

void
bench_watchdog(unsigned int seconds)
{
	/* SIGALRM's default action ends the process: make sees a failure. */
	(void) alarm(seconds);
}
