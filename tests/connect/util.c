#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "util.h"

TCase *
tc_case(const char *name)
{
	return (harness_tcase(name));
}

struct sockaddr_in
tc_loopback(in_port_t port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof (sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = port;
	return (sin);
}

int
tc_listener(int type, int backlog, struct sockaddr_in *addr)
{
	socklen_t sl = sizeof (*addr);
	int fd;

	*addr = tc_loopback(0);
	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)addr, sizeof (*addr)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)addr, &sl), 0);
	if (type == SOCK_STREAM)
		ck_assert_int_eq(listen(fd, backlog), 0);
	return (fd);
}

/*
 * A loopback TCP port that was bound and released: nothing listens on it
 * (the kernel does not hand it out again at once).
 */
struct sockaddr_in
tc_closed_port(void)
{
	struct sockaddr_in a = tc_loopback(0);
	socklen_t sl = sizeof (a);
	int t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(t, 0);
	ck_assert_int_eq(bind(t, (struct sockaddr *)&a, sizeof (a)), 0);
	ck_assert_int_eq(getsockname(t, (struct sockaddr *)&a, &sl), 0);
	(void) close(t);
	return (a);
}

int
tc_tcp(int nonblock)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC |
	    (nonblock ? SOCK_NONBLOCK : 0), 0);

	ck_assert_int_ge(fd, 0);
	return (fd);
}

int
tc_full_listener(struct sockaddr_in *addr, int *filler)
{
	int l = tc_listener(SOCK_STREAM, 0, addr);

	*filler = tc_tcp(0);
	ck_assert_int_eq(connect(*filler, (struct sockaddr *)addr,
	    sizeof (*addr)), 0);
	return (l);
}

int
tc_wait(int fd, int events, int ms)
{
	struct pollfd p = { fd, (short)events, 0 };
	int n;

	do {
		n = poll(&p, 1, ms);
	} while (n == -1 && errno == EINTR);
	ck_assert_int_ge(n, 0);
	return (p.revents);
}

int
tc_soerror(int fd)
{
	int e = -1;
	socklen_t sl = sizeof (e);

	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl), 0);
	return (e);
}

int
tc_connected(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof (ss);

	return (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0);
}

void
tc_mkdir(char dir[64])
{
	(void) snprintf(dir, 64, "/tmp/sks-connect-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

void
tc_rmdir(const char *dir)
{
	DIR *d;
	struct dirent *de;
	char p[PATH_MAX];

	(void) chmod(dir, 0700);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			(void) snprintf(p, sizeof (p), "%s/%s", dir,
			    de->d_name);
			if (unlink(p) != 0)
				(void) rmdir(p);
		}
		(void) closedir(d);
	}
	(void) rmdir(dir);
}

struct sockaddr_un
tc_unix(const char *dir, const char *name, socklen_t *len)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof (sun));
	sun.sun_family = AF_UNIX;
	ck_assert_int_lt(snprintf(sun.sun_path, sizeof (sun.sun_path),
	    "%s/%s", dir, name), (int)sizeof (sun.sun_path));
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(sun.sun_path) + 1);
	return (sun);
}

int
tc_unix_listener(int type, int backlog, const char *dir, const char *name)
{
	socklen_t len;
	struct sockaddr_un sun = tc_unix(dir, name, &len);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, len), 0);
	if (type != SOCK_DGRAM)
		ck_assert_int_eq(listen(fd, backlog), 0);
	return (fd);
}

static void
on_alarm(int sig)
{
	(void) sig;
}

void
tc_alarm_ms(long ms)
{
	struct sigaction sa;
	struct itimerval it;

	memset(&sa, 0, sizeof (sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: calls see EINTR */
	(void) sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	memset(&it, 0, sizeof (it));
	it.it_value.tv_sec = ms / 1000;
	it.it_value.tv_usec = (ms % 1000) * 1000;
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
}
