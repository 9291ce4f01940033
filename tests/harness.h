/*
 * Shared test harness: the fd-leak fixture and small helpers.
 * Tests use only the public <port.h> API, so they also build on illumos.
 */
#ifndef TESTS_HARNESS_H
#define	TESTS_HARNESS_H

#include <check.h>
#include <errno.h>
#include <port.h>

/* Checked fixture: fails the test if it leaves an fd open. */
void	harness_fd_setup(void);
void	harness_fd_teardown(void);

/* A TCase with the fd-leak fixture and a timeout. */
TCase	*harness_tcase(const char *name);

/* A pipe whose ends are non-blocking and close-on-exec. */
void	harness_pipe(int fds[2]);

/* Assert that port has no event to deliver now: port_get gives ETIME. */
void	harness_expect_no_event(int port);

/* A timespec of the given milliseconds. */
struct timespec harness_ms(long ms);

/* The calling thread's kernel id, for harness_wait_blocked(). */
int	harness_tid(void);

/*
 * Wait (up to 5 s) until thread tid sleeps in the kernel: a test that
 * closes a port under a waiter must know the waiter is already waiting.
 */
void	harness_wait_blocked(int tid);

/* Milliseconds on CLOCK_MONOTONIC. */
long long harness_now_ms(void);

/* Suites, one per man page. */
Suite	*port_create_suite(void);
Suite	*port_associate_suite(void);
Suite	*port_get_suite(void);
Suite	*port_send_suite(void);
Suite	*port_alert_suite(void);
Suite	*port_threads_suite(void);
Suite	*port_header_suite(void);
Suite	*port_fork_suite(void);
Suite	*port_timer_suite(void);
Suite	*port_file_suite(void);

/*
 * Capture a call's result and errno before any assertion: every passing
 * Check assertion does I/O, which may change errno.
 */
#define	CALL(rc, err, expr)	do { errno = 0; (rc) = (expr); (err) = errno; } while (0)

#endif
