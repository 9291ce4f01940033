/*
 * PORT_SOURCE_TIMER: timer_create(3C) with SIGEV_PORT, and the other
 * timer_* functions on such timers.  Expiries are awaited through the
 * port itself, through a second timer used as a fence, or by watching
 * timer_gettime() report a one-shot timer disarmed: never a fixed sleep.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "harness.h"

static int port, fport;
static struct timespec zero = { 0, 0 };
static char cookie[] = "cookie";

static void
setup(void)
{
	port = port_create();
	ck_assert_int_ge(port, 0);
	fport = port_create();
	ck_assert_int_ge(fport, 0);
}

static void
teardown(void)
{
	close(port);
	close(fport);
}

/* timer_create() with SIGEV_PORT on port pfd; returns -1/errno as is. */
static int
port_timer(clockid_t clock, int pfd, void *user, timer_t *tp)
{
	port_notify_t pn;
	struct sigevent sev;

	memset(&sev, 0, sizeof (sev));
	pn.portnfy_port = pfd;
	pn.portnfy_user = user;
	sev.sigev_notify = SIGEV_PORT;
	sev.sigev_value.sival_ptr = &pn;
	return (timer_create(clock, &sev, tp));
}

static timer_t
new_timer(clockid_t clock, int pfd, void *user)
{
	timer_t t;

	ck_assert_int_eq(port_timer(clock, pfd, user, &t), 0);
	return (t);
}

static struct timespec
ms(long n)
{
	return (harness_ms(n));
}

/* Arm t to expire in value_ms, then every interval_ms (0: once). */
static void
arm(timer_t t, long value_ms, long interval_ms)
{
	struct itimerspec its;

	its.it_value = ms(value_ms);
	its.it_interval = ms(interval_ms);
	ck_assert_int_eq(timer_settime(t, 0, &its, NULL), 0);
}

static void
disarm(timer_t t)
{
	arm(t, 0, 0);
}

/* Wait until one-shot timer t has expired (it then reads disarmed). */
static void
wait_expired(timer_t t)
{
	struct itimerspec its;
	struct timespec pause = ms(1);

	for (;;) {
		ck_assert_int_eq(timer_gettime(t, &its), 0);
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			return;
		(void) nanosleep(&pause, NULL);
	}
}

/* A fence: wait on a port of its own for a one-shot timer of n ms. */
static void
fence(long n)
{
	timer_t f = new_timer(CLOCK_MONOTONIC, fport, NULL);
	struct timespec to = ms(10000);
	port_event_t pe;

	arm(f, n, 0);
	ck_assert_int_eq(port_get(fport, &pe, &to), 0);
	ck_assert_int_eq(pe.portev_source, PORT_SOURCE_TIMER);
	ck_assert_uint_eq(pe.portev_object, (uintptr_t)f);
	ck_assert_int_eq(timer_delete(f), 0);
}

/* How many events port p holds (port_getn with max 0 collects them). */
static uint_t
queued(int p)
{
	uint_t n = 0;

	ck_assert_int_eq(port_getn(p, NULL, 0, &n, NULL), 0);
	return (n);
}

static void
assert_no_event(int p)
{
	harness_expect_no_event(p);
}

START_TEST(timer_create__sigev_port_delivers_timer_event)
{
	timer_t t = new_timer(CLOCK_MONOTONIC, port, cookie);
	struct timespec to = ms(10000);
	port_event_t pe;

	arm(t, 1, 0);
	ck_assert_int_eq(port_get(port, &pe, &to), 0);
	ck_assert_int_eq(pe.portev_source, PORT_SOURCE_TIMER);
	ck_assert_uint_eq(pe.portev_object, (uintptr_t)t);
	ck_assert_ptr_eq(pe.portev_user, cookie);
	ck_assert_int_eq(pe.portev_events, 1);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_create__timer_starts_disarmed)
{
	timer_t t = new_timer(CLOCK_REALTIME, port, NULL);
	struct itimerspec its;

	memset(&its, 0xff, sizeof (its));
	ck_assert_int_eq(timer_gettime(t, &its), 0);
	ck_assert_int_eq(its.it_value.tv_sec, 0);
	ck_assert_int_eq(its.it_value.tv_nsec, 0);
	ck_assert_int_eq(its.it_interval.tv_sec, 0);
	ck_assert_int_eq(its.it_interval.tv_nsec, 0);
	assert_no_event(port);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_create__each_timer_has_its_id_and_user)
{
	static char u1[] = "one", u2[] = "two";
	timer_t t1 = new_timer(CLOCK_MONOTONIC, port, u1);
	timer_t t2 = new_timer(CLOCK_MONOTONIC, port, u2);
	struct timespec to = ms(10000);
	port_event_t list[2];
	uint_t n = 2;

	ck_assert(t1 != t2);
	arm(t1, 1, 0);
	arm(t2, 1, 0);
	ck_assert_int_eq(port_getn(port, list, 2, &n, &to), 0);
	ck_assert_uint_eq(n, 2);
	for (int i = 0; i < 2; i++) {
		timer_t want = list[i].portev_user == u1 ? t1 : t2;

		ck_assert_int_eq(list[i].portev_source, PORT_SOURCE_TIMER);
		ck_assert_uint_eq(list[i].portev_object, (uintptr_t)want);
	}
	ck_assert_ptr_ne(list[0].portev_user, list[1].portev_user);
	ck_assert_int_eq(timer_delete(t1), 0);
	ck_assert_int_eq(timer_delete(t2), 0);
}
END_TEST

START_TEST(timer_create__bad_clock_gives_einval)
{
	timer_t t;
	int rc, err;

	CALL(rc, err, port_timer(CLOCK_PROCESS_CPUTIME_ID, port, NULL, &t));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	CALL(rc, err, port_timer((clockid_t)-1, port, NULL, &t));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(timer_create__null_notify_gives_efault)
{
	struct sigevent sev;
	timer_t t;
	int rc, err;

	memset(&sev, 0, sizeof (sev));
	sev.sigev_notify = SIGEV_PORT;
	sev.sigev_value.sival_ptr = NULL;
	CALL(rc, err, timer_create(CLOCK_MONOTONIC, &sev, &t));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EFAULT);
}
END_TEST

START_TEST(timer_create__null_timerid_gives_efault)
{
	int rc, err;

	CALL(rc, err, port_timer(CLOCK_MONOTONIC, port, NULL, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EFAULT);
}
END_TEST

START_TEST(timer_create__closed_port_gives_ebadf)
{
	int fds[2], rc, err;
	timer_t t;

	harness_pipe(fds);
	close(fds[0]);
	close(fds[1]);
	CALL(rc, err, port_timer(CLOCK_MONOTONIC, fds[0], NULL, &t));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
	CALL(rc, err, port_timer(CLOCK_MONOTONIC, -1, NULL, &t));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADF);
}
END_TEST

START_TEST(timer_create__ebadfd_for_non_port)
{
	int fds[2], rc, err;
	timer_t t;

	harness_pipe(fds);
	CALL(rc, err, port_timer(CLOCK_MONOTONIC, fds[0], NULL, &t));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EBADFD);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(timer_create__eagain_when_out_of_descriptors)
{
	struct rlimit old, rl;
	timer_t t[64];
	int n = 0, rc = 0, err = 0, lowest;

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
	lowest = open("/dev/null", O_RDONLY);
	ck_assert_int_ge(lowest, 0);
	close(lowest);
	/* Room for a few timerfds only. */
	rl = old;
	rl.rlim_cur = (rlim_t)lowest + 3;
	ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
	while (n < 64) {
		CALL(rc, err, port_timer(CLOCK_MONOTONIC, port, NULL, &t[n]));
		if (rc != 0)
			break;
		n++;
	}
	(void) setrlimit(RLIMIT_NOFILE, &old);
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(timer_delete(t[i]), 0);
	ck_assert_int_lt(n, 64);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EAGAIN);
}
END_TEST

START_TEST(timer_create__other_notify_passes_to_libc)
{
	struct sigevent sev;
	struct itimerspec its;
	timer_t t;

	memset(&sev, 0, sizeof (sev));
	sev.sigev_notify = SIGEV_NONE;
	ck_assert_int_eq(timer_create(CLOCK_MONOTONIC, &sev, &t), 0);
	arm(t, 100000, 0);
	ck_assert_int_eq(timer_gettime(t, &its), 0);
	ck_assert(its.it_value.tv_sec > 0 || its.it_value.tv_nsec > 0);
	ck_assert_int_eq(timer_getoverrun(t), 0);
	ck_assert_int_eq(timer_delete(t), 0);
	assert_no_event(port);
}
END_TEST

START_TEST(timer_create__null_sigevent_passes_to_libc)
{
	struct itimerspec its;
	timer_t t;

	/* The default is SIGALRM: never armed here. */
	ck_assert_int_eq(timer_create(CLOCK_REALTIME, NULL, &t), 0);
	ck_assert_int_eq(timer_gettime(t, &its), 0);
	ck_assert_int_eq(its.it_value.tv_sec, 0);
	ck_assert_int_eq(its.it_value.tv_nsec, 0);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_create__unknown_notify_gives_einval)
{
	struct sigevent sev;
	timer_t t;
	int rc, err;

	memset(&sev, 0, sizeof (sev));
	sev.sigev_notify = 12345;
	CALL(rc, err, timer_create(CLOCK_MONOTONIC, &sev, &t));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(timer_create__ids_differ_from_libc_timers)
{
	struct sigevent sev;
	struct itimerspec its;
	timer_t mine = new_timer(CLOCK_MONOTONIC, port, NULL), theirs;

	memset(&sev, 0, sizeof (sev));
	sev.sigev_notify = SIGEV_NONE;
	ck_assert_int_eq(timer_create(CLOCK_MONOTONIC, &sev, &theirs), 0);
	ck_assert(mine != theirs);
	arm(theirs, 100000, 0);
	/* Each call reaches its own timer. */
	ck_assert_int_eq(timer_gettime(mine, &its), 0);
	ck_assert_int_eq(its.it_value.tv_sec, 0);
	ck_assert_int_eq(its.it_value.tv_nsec, 0);
	ck_assert_int_eq(timer_delete(theirs), 0);
	ck_assert_int_eq(timer_gettime(mine, &its), 0);
	ck_assert_int_eq(timer_delete(mine), 0);
}
END_TEST

/* The timerfds open in this process (Linux: their /proc links say so). */
static int
timerfds_open(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		char path[PATH_MAX], link[64];
		ssize_t len;

		(void) snprintf(path, sizeof (path), "/proc/self/fd/%s",
		    de->d_name);
		len = readlink(path, link, sizeof (link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		n += strstr(link, "timerfd") != NULL;
	}
	(void) closedir(d);
	return (n);
}

START_TEST(timer_create__not_inherited_by_child)
{
	timer_t t = new_timer(CLOCK_MONOTONIC, port, NULL);
	struct itimerspec its;
	int status;
	pid_t pid;

	arm(t, 100000, 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		bool gone = timer_gettime(t, &its) == -1 && errno == EINVAL;

		_exit(gone && timerfds_open() == 0 ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	/* The parent's timer is untouched. */
	ck_assert_int_eq(timer_gettime(t, &its), 0);
	ck_assert_int_gt(its.it_value.tv_sec, 0);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_create__many_timers_one_port)
{
	enum { N = 200 };
	static char users[N];
	static timer_t t[N];
	bool seen[N] = { false };
	struct timespec to = ms(10000);
	port_event_t list[N];
	uint_t got = 0;

	for (int i = 0; i < N; i++)
		t[i] = new_timer(CLOCK_MONOTONIC, port, &users[i]);
	for (int i = 0; i < N; i++)
		arm(t[i], 1, 0);
	while (got < N) {
		uint_t n = 1;

		ck_assert_int_eq(port_getn(port, list, N, &n, &to), 0);
		for (uint_t k = 0; k < n; k++) {
			int i = (char *)list[k].portev_user - users;

			ck_assert_int_ge(i, 0);
			ck_assert_int_lt(i, N);
			ck_assert(!seen[i]);
			seen[i] = true;
			ck_assert_uint_eq(list[k].portev_object,
			    (uintptr_t)t[i]);
			ck_assert_int_eq(list[k].portev_events, 1);
		}
		got += n;
	}
	assert_no_event(port);
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(timer_delete(t[i]), 0);
}
END_TEST

START_TEST(timer_create__closed_port_stops_notification)
{
	int other = port_create(), again;
	timer_t t = new_timer(CLOCK_MONOTONIC, other, NULL);
	struct itimerspec its;

	close(other);
	/* A new port frees the closed one, maybe under the same number. */
	again = port_create();
	ck_assert_int_ge(again, 0);
	/* The timer outlives its port: it runs, but notifies nobody. */
	arm(t, 1, 0);
	wait_expired(t);
	ck_assert_int_eq(timer_gettime(t, &its), 0);
	assert_no_event(again);
	assert_no_event(port);
	ck_assert_int_eq(timer_delete(t), 0);
	close(again);
}
END_TEST

START_TEST(timer_settime__periodic_counts_overruns)
{
	timer_t t = new_timer(CLOCK_MONOTONIC, port, cookie);
	port_event_t pe;

	arm(t, 1, 1);
	fence(20);
	disarm(t);
	/* Twenty expirations, nobody waiting on the port: one event. */
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_int_eq(pe.portev_source, PORT_SOURCE_TIMER);
	ck_assert_ptr_eq(pe.portev_user, cookie);
	ck_assert_int_ge(pe.portev_events, 2);
	assert_no_event(port);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_settime__one_event_while_queued)
{
	timer_t t = new_timer(CLOCK_MONOTONIC, port, NULL);
	port_event_t pe;

	arm(t, 1, 1);
	fence(5);
	ck_assert_uint_eq(queued(port), 1);
	/* Later expiries are reported but add to the queued event. */
	fence(20);
	ck_assert_uint_eq(queued(port), 1);
	disarm(t);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_int_ge(pe.portev_events, 2);
	assert_no_event(port);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_settime__abstime_realtime)
{
	timer_t t = new_timer(CLOCK_REALTIME, port, cookie);
	struct timespec to = ms(10000);
	struct itimerspec its;
	port_event_t pe;

	memset(&its, 0, sizeof (its));
	ck_assert_int_eq(clock_gettime(CLOCK_REALTIME, &its.it_value), 0);
	its.it_value.tv_nsec += 5000000;
	if (its.it_value.tv_nsec >= 1000000000L) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000000000L;
	}
	ck_assert_int_eq(timer_settime(t, TIMER_ABSTIME, &its, NULL), 0);
	ck_assert_int_eq(port_get(port, &pe, &to), 0);
	ck_assert_int_eq(pe.portev_source, PORT_SOURCE_TIMER);
	ck_assert_uint_eq(pe.portev_object, (uintptr_t)t);
	ck_assert_int_eq(pe.portev_events, 1);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_settime__abstime_monotonic)
{
	timer_t t = new_timer(CLOCK_MONOTONIC, port, cookie);
	struct timespec to = ms(10000);
	struct itimerspec its;
	port_event_t pe;

	memset(&its, 0, sizeof (its));
	ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &its.it_value), 0);
	its.it_value.tv_sec += 100;
	ck_assert_int_eq(timer_settime(t, TIMER_ABSTIME, &its, NULL), 0);
	ck_assert_int_eq(timer_gettime(t, &its), 0);
	/* Reported as the time left, as timer_gettime(3C) says. */
	ck_assert_int_le(its.it_value.tv_sec, 100);
	ck_assert_int_gt(its.it_value.tv_sec, 0);
	/* And a time now on the clock fires at once. */
	memset(&its, 0, sizeof (its));
	ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &its.it_value), 0);
	ck_assert_int_eq(timer_settime(t, TIMER_ABSTIME, &its, NULL), 0);
	ck_assert_int_eq(port_get(port, &pe, &to), 0);
	ck_assert_uint_eq(pe.portev_object, (uintptr_t)t);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_settime__abstime_in_past_fires_at_once)
{
	timer_t t = new_timer(CLOCK_REALTIME, port, cookie);
	struct timespec to = ms(10000);
	struct itimerspec its;
	port_event_t pe;

	memset(&its, 0, sizeof (its));
	its.it_value.tv_sec = 1;	/* 1970 */
	ck_assert_int_eq(timer_settime(t, TIMER_ABSTIME, &its, NULL), 0);
	ck_assert_int_eq(port_get(port, &pe, &to), 0);
	ck_assert_int_eq(pe.portev_source, PORT_SOURCE_TIMER);
	ck_assert_int_eq(pe.portev_events, 1);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_settime__bad_nsec_gives_einval)
{
	timer_t t = new_timer(CLOCK_MONOTONIC, port, NULL);
	struct itimerspec its;
	int rc, err;

	memset(&its, 0, sizeof (its));
	its.it_value.tv_nsec = 1000000000L;
	CALL(rc, err, timer_settime(t, 0, &its, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	its.it_value.tv_nsec = -1;
	CALL(rc, err, timer_settime(t, 0, &its, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	its.it_value = ms(1000);
	its.it_interval.tv_nsec = 1000000000L;
	CALL(rc, err, timer_settime(t, 0, &its, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_settime__disarm_ignores_bad_interval)
{
	timer_t t = new_timer(CLOCK_MONOTONIC, port, NULL);
	struct itimerspec its;
	int rc, err;

	memset(&its, 0, sizeof (its));
	its.it_interval.tv_nsec = -5;
	CALL(rc, err, timer_settime(t, 0, &its, NULL));
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_settime__null_value_gives_efault)
{
	timer_t t = new_timer(CLOCK_MONOTONIC, port, NULL);
	int rc, err;

	CALL(rc, err, timer_settime(t, 0, NULL, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EFAULT);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_settime__returns_previous_value)
{
	timer_t t = new_timer(CLOCK_MONOTONIC, port, NULL);
	struct itimerspec its, old;

	arm(t, 100000, 2500);
	memset(&its, 0, sizeof (its));
	memset(&old, 0, sizeof (old));
	ck_assert_int_eq(timer_settime(t, 0, &its, &old), 0);
	ck_assert_int_gt(old.it_value.tv_sec, 0);
	ck_assert_int_le(old.it_value.tv_sec, 100);
	ck_assert_int_eq(old.it_interval.tv_sec, 2);
	ck_assert_int_eq(old.it_interval.tv_nsec, 500000000L);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_settime__disarm_stops_periodic_events)
{
	timer_t t = new_timer(CLOCK_MONOTONIC, port, cookie);
	struct timespec to = ms(10000);
	port_event_t pe;

	arm(t, 1, 1);
	ck_assert_int_eq(port_get(port, &pe, &to), 0);
	ck_assert_ptr_eq(pe.portev_user, cookie);
	disarm(t);
	/* What expired before the disarm may still be there, once. */
	(void) port_get(port, &pe, &zero);
	fence(20);
	assert_no_event(port);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_settime__rearm_keeps_unreported_expiry)
{
	timer_t t = new_timer(CLOCK_MONOTONIC, port, cookie);
	port_event_t pe;

	arm(t, 1, 0);
	wait_expired(t);
	/* Nobody has waited on the port yet: the expiry is not lost. */
	arm(t, 100000, 0);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	ck_assert_uint_eq(pe.portev_object, (uintptr_t)t);
	ck_assert_int_eq(pe.portev_events, 1);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_gettime__reports_remaining_and_interval)
{
	timer_t t = new_timer(CLOCK_MONOTONIC, port, NULL);
	struct itimerspec its;

	arm(t, 100000, 250);
	ck_assert_int_eq(timer_gettime(t, &its), 0);
	ck_assert_int_gt(its.it_value.tv_sec, 0);
	ck_assert_int_le(its.it_value.tv_sec, 100);
	ck_assert_int_eq(its.it_interval.tv_sec, 0);
	ck_assert_int_eq(its.it_interval.tv_nsec, 250000000L);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_gettime__null_value_gives_efault)
{
	timer_t t = new_timer(CLOCK_MONOTONIC, port, NULL);
	int rc, err;

	CALL(rc, err, timer_gettime(t, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EFAULT);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_getoverrun__counts_extra_expirations)
{
	timer_t t = new_timer(CLOCK_MONOTONIC, port, NULL);
	struct timespec to = ms(10000);
	port_event_t pe;
	int rc, err;

	arm(t, 1, 1);
	fence(20);
	disarm(t);
	ck_assert_int_eq(port_get(port, &pe, &zero), 0);
	CALL(rc, err, timer_getoverrun(t));
	ck_assert_int_eq(rc, pe.portev_events - 1);
	ck_assert_int_ge(rc, 1);
	/* A single expiry: no overrun. */
	arm(t, 1, 0);
	ck_assert_int_eq(port_get(port, &pe, &to), 0);
	ck_assert_int_eq(pe.portev_events, 1);
	ck_assert_int_eq(timer_getoverrun(t), 0);
	ck_assert_int_eq(timer_delete(t), 0);
	(void) err;
}
END_TEST

START_TEST(timer_delete__removes_queued_event)
{
	timer_t t = new_timer(CLOCK_MONOTONIC, port, NULL);

	arm(t, 1, 0);
	wait_expired(t);
	ck_assert_uint_eq(queued(port), 1);
	ck_assert_int_eq(timer_delete(t), 0);
	ck_assert_uint_eq(queued(port), 0);
	assert_no_event(port);
}
END_TEST

START_TEST(timer_delete__id_is_invalid_afterwards)
{
	timer_t t = new_timer(CLOCK_MONOTONIC, port, NULL);
	struct itimerspec its;
	int rc, err;

	ck_assert_int_eq(timer_delete(t), 0);
	CALL(rc, err, timer_delete(t));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	CALL(rc, err, timer_gettime(t, &its));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	memset(&its, 0, sizeof (its));
	CALL(rc, err, timer_settime(t, 0, &its, NULL));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
	CALL(rc, err, timer_getoverrun(t));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, EINVAL);
}
END_TEST

START_TEST(timer_delete__after_port_closed_with_queued_event)
{
	int other = port_create();
	timer_t t = new_timer(CLOCK_MONOTONIC, other, NULL);

	arm(t, 1, 0);
	wait_expired(t);
	ck_assert_uint_eq(queued(other), 1);
	close(other);
	ck_assert_int_eq(timer_delete(t), 0);
}
END_TEST

START_TEST(timer_delete__after_port_freed_with_queued_event)
{
	int other = port_create(), again;
	timer_t t = new_timer(CLOCK_MONOTONIC, other, NULL);

	arm(t, 1, 0);
	wait_expired(t);
	ck_assert_uint_eq(queued(other), 1);
	close(other);
	/* A new port frees the closed one first. */
	again = port_create();
	ck_assert_int_ge(again, 0);
	assert_no_event(again);
	ck_assert_int_eq(timer_delete(t), 0);
	close(again);
}
END_TEST

/* Deleting timers while another thread takes their events. */
struct race {
	int		r_port;
	atomic_bool	r_stop;
	atomic_int	r_events;
	atomic_int	r_bad;
};

struct rtimer {
	timer_t		rt_id;
};

static void *
race_reader(void *arg)
{
	struct race *r = arg;
	struct timespec to = ms(5);
	port_event_t list[8];

	while (!atomic_load(&r->r_stop)) {
		uint_t n = 1;

		if (port_getn(r->r_port, list, 8, &n, &to) != 0 &&
		    errno != ETIME)
			atomic_fetch_add(&r->r_bad, 1);
		for (uint_t i = 0; i < n; i++) {
			struct rtimer *rt = list[i].portev_user;

			if (list[i].portev_source != PORT_SOURCE_TIMER ||
			    list[i].portev_object != (uintptr_t)rt->rt_id ||
			    list[i].portev_events < 1)
				atomic_fetch_add(&r->r_bad, 1);
		}
		atomic_fetch_add(&r->r_events, (int)n);
	}
	return (NULL);
}

START_TEST(timer_delete__races_with_port_getn)
{
	enum { N = 32 };
	static struct rtimer rt[N];
	struct race r = { .r_port = port };
	struct timespec pause = ms(1);
	pthread_t tid;

	for (int i = 0; i < N; i++) {
		ck_assert_int_eq(port_timer(CLOCK_MONOTONIC, port, &rt[i],
		    &rt[i].rt_id), 0);
		arm(rt[i].rt_id, 1, 1);
	}
	ck_assert_int_eq(pthread_create(&tid, NULL, race_reader, &r), 0);
	while (atomic_load(&r.r_events) < 2 * N)
		(void) nanosleep(&pause, NULL);
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(timer_delete(rt[i].rt_id), 0);
	atomic_store(&r.r_stop, true);
	ck_assert_int_eq(pthread_join(tid, NULL), 0);
	ck_assert_int_eq(atomic_load(&r.r_bad), 0);
	/* Deleted timers leave nothing behind in the port. */
	assert_no_event(port);
}
END_TEST

Suite *
port_timer_suite(void)
{
	Suite *s = suite_create("port_timer");
	TCase *tc = harness_tcase("port_timer");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, timer_create__sigev_port_delivers_timer_event);
	tcase_add_test(tc, timer_create__timer_starts_disarmed);
	tcase_add_test(tc, timer_create__each_timer_has_its_id_and_user);
	tcase_add_test(tc, timer_create__bad_clock_gives_einval);
	tcase_add_test(tc, timer_create__null_notify_gives_efault);
	tcase_add_test(tc, timer_create__null_timerid_gives_efault);
	tcase_add_test(tc, timer_create__closed_port_gives_ebadf);
	tcase_add_test(tc, timer_create__ebadfd_for_non_port);
	tcase_add_test(tc, timer_create__eagain_when_out_of_descriptors);
	tcase_add_test(tc, timer_create__other_notify_passes_to_libc);
	tcase_add_test(tc, timer_create__null_sigevent_passes_to_libc);
	tcase_add_test(tc, timer_create__unknown_notify_gives_einval);
	tcase_add_test(tc, timer_create__ids_differ_from_libc_timers);
	tcase_add_test(tc, timer_create__not_inherited_by_child);
	tcase_add_test(tc, timer_create__many_timers_one_port);
	tcase_add_test(tc, timer_create__closed_port_stops_notification);
	tcase_add_test(tc, timer_settime__periodic_counts_overruns);
	tcase_add_test(tc, timer_settime__one_event_while_queued);
	tcase_add_test(tc, timer_settime__abstime_realtime);
	tcase_add_test(tc, timer_settime__abstime_monotonic);
	tcase_add_test(tc, timer_settime__abstime_in_past_fires_at_once);
	tcase_add_test(tc, timer_settime__bad_nsec_gives_einval);
	tcase_add_test(tc, timer_settime__disarm_ignores_bad_interval);
	tcase_add_test(tc, timer_settime__null_value_gives_efault);
	tcase_add_test(tc, timer_settime__returns_previous_value);
	tcase_add_test(tc, timer_settime__disarm_stops_periodic_events);
	tcase_add_test(tc, timer_settime__rearm_keeps_unreported_expiry);
	tcase_add_test(tc, timer_gettime__reports_remaining_and_interval);
	tcase_add_test(tc, timer_gettime__null_value_gives_efault);
	tcase_add_test(tc, timer_getoverrun__counts_extra_expirations);
	tcase_add_test(tc, timer_delete__removes_queued_event);
	tcase_add_test(tc, timer_delete__id_is_invalid_afterwards);
	tcase_add_test(tc, timer_delete__after_port_closed_with_queued_event);
	tcase_add_test(tc, timer_delete__after_port_freed_with_queued_event);
	tcase_add_test(tc, timer_delete__races_with_port_getn);
	suite_add_tcase(s, tc);
	return (s);
}
