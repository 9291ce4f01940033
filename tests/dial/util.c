/*
 * Loopback endpoints for the connect and dial tests.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dialtest.h"

void
dt_peer_init(struct dt_peer *p)
{
	(void) memset(p, 0, sizeof (*p));
	for (int i = 0; i < 3; i++)
		p->p_fd[i] = -1;
}

static void
loopback(struct sockaddr_storage *ss, socklen_t *len, int family, int port)
{
	(void) memset(ss, 0, sizeof (*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		s6->sin6_port = htons(port);
		*len = sizeof (*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		s4->sin_port = htons(port);
		*len = sizeof (*s4);
	}
}

static int
port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return (ntohs(((const struct sockaddr_in6 *)ss)->sin6_port));
	return (ntohs(((const struct sockaddr_in *)ss)->sin_port));
}

/* A socket bound to loopback port (0: any); its address in p. */
static int
bound(struct dt_peer *p, int family, int port)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;

	ck_assert_int_ge(fd, 0);
	if (family == AF_INET6)
		(void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
		    sizeof (one));
	loopback(&p->p_ss, &p->p_len, family, port);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&p->p_ss, p->p_len), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&p->p_ss,
	    &p->p_len), 0);
	(void) snprintf(p->p_port, sizeof (p->p_port), "%d",
	    port_of(&p->p_ss));
	return (fd);
}

void
dt_listener(struct dt_peer *p, int family)
{
	dt_peer_init(p);
	p->p_fd[0] = bound(p, family, 0);
	ck_assert_int_eq(listen(p->p_fd[0], 128), 0);
}

void
dt_listener_also(struct dt_peer *p, int family, const struct dt_peer *like)
{
	dt_peer_init(p);
	p->p_fd[0] = bound(p, family, port_of(&like->p_ss));
	ck_assert_int_eq(listen(p->p_fd[0], 128), 0);
}

void
dt_refuser(struct dt_peer *p, int family)
{
	dt_peer_init(p);
	p->p_fd[0] = bound(p, family, 0);
}

void
dt_blackhole(struct dt_peer *p, int family)
{
	struct pollfd pfd;

	dt_peer_init(p);
	p->p_fd[0] = bound(p, family, 0);
	/* Backlog 0 holds one connection; the filler takes that place. */
	ck_assert_int_eq(listen(p->p_fd[0], 0), 0);
	p->p_fd[1] = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(p->p_fd[1], 0);
	ck_assert_int_eq(connect(p->p_fd[1], (struct sockaddr *)&p->p_ss,
	    p->p_len), 0);
	/* Queued on the listener's side too before we go on. */
	pfd.fd = p->p_fd[0];
	pfd.events = POLLIN;
	ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
}

void
dt_unix(struct dt_peer *p, int backlog)
{
	struct sockaddr_un *sun = (struct sockaddr_un *)&p->p_ss;
	int fd;

	dt_peer_init(p);
	(void) snprintf(p->p_path, sizeof (p->p_path),
	    "/tmp/sockshim-dial-%ld-%d", (long)getpid(), rand());
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	sun->sun_family = AF_UNIX;
	(void) strcpy(sun->sun_path, p->p_path);
	p->p_len = sizeof (*sun);
	(void) unlink(p->p_path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)sun, p->p_len), 0);
	if (backlog >= 0)
		ck_assert_int_eq(listen(fd, backlog), 0);
	p->p_fd[0] = fd;
}

void
dt_close(struct dt_peer *p)
{
	for (int i = 0; i < 3; i++) {
		if (p->p_fd[i] != -1)
			(void) close(p->p_fd[i]);
		p->p_fd[i] = -1;
	}
	if (p->p_path[0] != '\0')
		(void) unlink(p->p_path);
}

bool
dt_have_ipv6(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok;

	if (fd == -1)
		return (false);
	loopback(&ss, &len, AF_INET6, 0);
	ok = bind(fd, (struct sockaddr *)&ss, len) == 0;
	(void) close(fd);
	return (ok);
}

int
dt_socket(int family, bool nonblock)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC |
	    (nonblock ? SOCK_NONBLOCK : 0), 0);

	ck_assert_int_ge(fd, 0);
	return (fd);
}

int
dt_wait_writable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
	return (pfd.revents);
}

bool
dt_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	ck_assert_int_ne(fl, -1);
	return ((fl & O_NONBLOCK) != 0);
}

void
dt_trace_cb(void *arg, const struct sockshim_dial_event *ev)
{
	struct dt_trace *t = arg;
	int i = t->t_n;

	if (i == DT_TRACE_MAX)
		return;
	t->t_ev[i] = *ev;
	t->t_ms[i] = harness_now_ms();
	if (ev->sde_addr != NULL) {
		ck_assert_uint_le(ev->sde_addrlen, sizeof (t->t_addr[i]));
		(void) memcpy(&t->t_addr[i], ev->sde_addr, ev->sde_addrlen);
		t->t_ev[i].sde_addr = (struct sockaddr *)&t->t_addr[i];
	}
	t->t_n++;
}

int
dt_trace_find(const struct dt_trace *t, int step, int family, int from)
{
	for (int i = from; i < t->t_n; i++) {
		if (t->t_ev[i].sde_step == step &&
		    (family == 0 || t->t_ev[i].sde_family == family))
			return (i);
	}
	return (-1);
}

int
dt_trace_count(const struct dt_trace *t, int step, int family)
{
	int n = 0;

	for (int i = 0; (i = dt_trace_find(t, step, family, i)) != -1; i++)
		n++;
	return (n);
}
