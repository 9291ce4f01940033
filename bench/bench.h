/*
 * Helpers shared by the event-port benchmarks: clocks, medians, fd limits,
 * and a check of which backend a port really uses.
 *
 * The benchmarks use only the public <port.h> API plus the host's own
 * epoll(7) for the reference loops.  They print measurements; they never
 * judge them (bench/run.sh compares the ratios with the targets).
 */
#ifndef BENCH_BENCH_H
#define	BENCH_BENCH_H

#include <stddef.h>
#include <stdint.h>

/* Nanoseconds on CLOCK_MONOTONIC (wall) and of process CPU time. */
double	bench_wall_ns(void);
double	bench_cpu_ns(void);

/* Median of n values; sorts v in place. */
double	bench_median(double *v, int n);

/*
 * Raise the soft RLIMIT_NOFILE towards want (the hard limit too if we
 * may).  Returns the soft limit in effect afterwards.
 */
long	bench_nofile(long want);

/*
 * Create a port and tell which backend it uses: "epoll" if creating it
 * opened an epoll instance (anon_inode:[eventpoll] in /proc/self/fd),
 * else "poll"; "unknown" without /proc.  Exits on failure.
 */
int	bench_port_create(const char **backend);

/* The backend asked for with SOCKSHIM_PORT_BACKEND, or "default". */
const char *bench_backend_wanted(void);

/* Print a message (with strerror(errno) if errno_too) and exit 1. */
void	bench_die(int errno_too, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/* Parse a positive integer option argument or die. */
long	bench_arg(const char *opt, const char *s, long min, long max);

/* Kill the process if a run hangs (a benchmark must never block make). */
void	bench_watchdog(unsigned int seconds);

#endif /* BENCH_BENCH_H */
