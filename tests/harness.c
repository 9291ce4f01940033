#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "harness.h"

#define	MAXFD	1024

static unsigned char fds_before[MAXFD];

static void
snapshot(unsigned char *set)
{
	for (int fd = 0; fd < MAXFD; fd++)
		set[fd] = fcntl(fd, F_GETFD) != -1;
}

/*
 * The library frees a closed port's fds lazily, at the next port_create()
 * or wait on any port of the process (port_create(3C)).  The fixture keeps
 * a probe port open across the test and asks it for a count at the end,
 * which is such a wait: whatever is left open after that was leaked.
 */
static int probe = -1;

void
harness_fd_setup(void)
{
	probe = port_create();
	ck_assert_int_ge(probe, 0);
	snapshot(fds_before);
}

/*
 * Other threads may still be letting go of fds (the SP layer's I/O thread
 * stops a moment after its last socket closes), so the check retries for
 * up to 2 s before it calls an fd leaked.
 */
void
harness_fd_teardown(void)
{
	unsigned char now[MAXFD];
	int leaked = -1;

	for (int tries = 0; tries < 200; tries++) {
		uint_t n = 0;

		ck_assert_int_eq(port_getn(probe, NULL, 0, &n, NULL), 0);
		snapshot(now);
		leaked = -1;
		for (int fd = 0; fd < MAXFD && leaked < 0; fd++) {
			if (now[fd] && !fds_before[fd])
				leaked = fd;
		}
		if (leaked < 0)
			break;
		usleep(10000);
	}
	(void) close(probe);
	probe = -1;
	if (leaked >= 0)
		ck_abort_msg("fd %d leaked by the test", leaked);
}

TCase *
harness_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, harness_fd_setup, harness_fd_teardown);
	tcase_set_timeout(tc, 60);
	return (tc);
}

void
harness_pipe(int fds[2])
{
	ck_assert_int_eq(pipe(fds), 0);
	for (int i = 0; i < 2; i++) {
		fcntl(fds[i], F_SETFL, O_NONBLOCK);
		fcntl(fds[i], F_SETFD, FD_CLOEXEC);
	}
}

void
harness_expect_no_event(int port)
{
	struct timespec zero = { 0, 0 };
	port_event_t pe;
	int rc, err;

	CALL(rc, err, port_get(port, &pe, &zero));
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err, ETIME);
}

struct timespec
harness_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	return (ts);
}

long long
harness_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

int
harness_tid(void)
{
	return ((int)syscall(SYS_gettid));
}

void
harness_wait_blocked(int tid)
{
	char path[64], buf[256], *p;

	snprintf(path, sizeof (path), "/proc/self/task/%d/stat", tid);
	for (int tries = 0; tries < 500; tries++) {
		FILE *f = fopen(path, "r");
		size_t n;

		if (f == NULL)
			break;		/* no /proc: fall back to a pause */
		n = fread(buf, 1, sizeof (buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		/* The state follows the parenthesised command name. */
		if ((p = strrchr(buf, ')')) != NULL && p[1] == ' ' &&
		    p[2] == 'S')
			return;
		usleep(10000);
	}
	usleep(200000);
}
