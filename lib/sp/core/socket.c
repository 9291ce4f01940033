/*
 * Sockets: the table of nn_socket() ids, options, and blocking send and
 * receive.  Blocking calls sleep on the socket's condition variable with a
 * CLOCK_MONOTONIC deadline; the I/O thread (or another caller) broadcasts
 * whenever the socket may have become sendable or receivable.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#ifdef HAVE_SYS_EVENTFD_H
#include <sys/eventfd.h>
#endif

#include <nanomsg/nn.h>
#include <nanomsg/tcp.h>

#include "sp.h"

static pthread_mutex_t sp__glock = PTHREAD_MUTEX_INITIALIZER;
static struct sp__sock *sp__socks[SP_MAX_SOCKETS];
static int sp__nsocks;
static int sp__term;

static const struct sp__proto_ops *const sp__protos[] = {
	&sp__pair0_ops,
	&sp__push0_ops,
	&sp__pull0_ops,
	&sp__pub0_ops,
	&sp__sub0_ops,
	&sp__req0_ops,
	&sp__rep0_ops,
};

/* ---- Pollable readiness fds (NN_SNDFD, NN_RCVFD) ------------------------ */

static int
sp__efd_open(int fds[2])
{
#if defined(HAVE_SYS_EVENTFD_H) && defined(HAVE_EVENTFD)
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	if (fd < 0)
		return (errno);
	fds[0] = fds[1] = fd;
	return (0);
#else
	if (pipe(fds) != 0)
		return (errno);
	if (sp__fd_setup(fds[0]) != 0 || sp__fd_setup(fds[1]) != 0) {
		int err = errno;

		(void) close(fds[0]);
		(void) close(fds[1]);
		return (err);
	}
	return (0);
#endif
}

static void
sp__efd_close(int fds[2])
{
	if (fds[0] >= 0) {
		(void) close(fds[0]);
		if (fds[1] != fds[0])
			(void) close(fds[1]);
	}
	fds[0] = fds[1] = -1;
}

static void
sp__efd_signal(int fds[2])
{
	uint64_t one = 1;

	/* Full (pipe) or overflow (eventfd) both mean "already readable". */
	if (fds[1] == fds[0])
		(void) !write(fds[1], &one, sizeof (one));
	else
		(void) !write(fds[1], &one, 1);
}

static void
sp__efd_clear(int fds[2])
{
	unsigned char buf[64];

	while (read(fds[0], buf, sizeof (buf)) > 0 && fds[0] != fds[1])
		continue;
}

int
sp__sock_wakefd(struct sp__sock *s)
{
	if (s->s_wakefd[0] >= 0)
		return (0);
	s->s_wake_set = 0;
	return (sp__efd_open(s->s_wakefd));
}

void
sp__sock_wake(struct sp__sock *s)
{
	if (s->s_dwaiting && !s->s_wake_set && s->s_wakefd[0] >= 0) {
		sp__efd_signal(s->s_wakefd);
		s->s_wake_set = 1;
	}
}

void
sp__sock_wake_clear(struct sp__sock *s)
{
	if (s->s_wake_set) {
		sp__efd_clear(s->s_wakefd);
		s->s_wake_set = 0;
	}
}

void
sp__sock_notify(struct sp__sock *s)
{
	int want;

	(void) pthread_cond_broadcast(&s->s_cv);
	sp__sock_wake(s);
	if (__atomic_load_n(&sp__term, __ATOMIC_RELAXED))
		return;		/* nn_term left both fds readable */
	if (s->s_sndfd[0] >= 0) {
		want = !s->s_closing && s->s_proto->po_sendable(s);
		if (want && !s->s_sndfd_set)
			sp__efd_signal(s->s_sndfd);
		else if (!want && s->s_sndfd_set)
			sp__efd_clear(s->s_sndfd);
		s->s_sndfd_set = want;
	}
	if (s->s_rcvfd[0] >= 0) {
		want = s->s_rq.q_count > 0;
		if (want && !s->s_rcvfd_set)
			sp__efd_signal(s->s_rcvfd);
		else if (!want && s->s_rcvfd_set)
			sp__efd_clear(s->s_rcvfd);
		s->s_rcvfd_set = want;
	}
}

void
sp__sock_deliver(struct sp__sock *s, struct sp__msg *m)
{
	sp__msgq_put(&s->s_rq, m);
	sp__sock_notify(s);
}

int
sp__sock_rq_full(struct sp__sock *s)
{
	return (s->s_rq.q_bytes >= (size_t)s->s_rcvbuf);
}

struct sp__pipe *
sp__sock_pipe(struct sp__sock *s, uint32_t id)
{
	for (struct sp__link *l = s->s_pipes.l_next; l != &s->s_pipes;
	    l = l->l_next) {
		struct sp__pipe *p = SP_CONTAINER(l, struct sp__pipe, p_link);

		if (p->p_id == id && p->p_state == SP_PIPE_ACTIVE)
			return (p);
	}
	return (NULL);
}

uint32_t
sp__peer_id(void)
{
	static pthread_mutex_t lk = PTHREAD_MUTEX_INITIALIZER;
	static uint32_t next;
	uint32_t id;

	(void) pthread_mutex_lock(&lk);
	if (next == 0)
		next = sp__random();
	do {
		id = next++ & 0x7fffffffU;
	} while (id == 0);
	(void) pthread_mutex_unlock(&lk);
	return (id);
}

/*
 * Let every pipe read again.  A resumed pipe may parse a bad frame and
 * close, unlinking itself, so the next link is taken first.
 */
static void
sp__sock_resume_all(struct sp__sock *s)
{
	for (struct sp__link *l = s->s_pipes.l_next, *nx; l != &s->s_pipes;
	    l = nx) {
		nx = l->l_next;
		sp__pipe_resume(SP_CONTAINER(l, struct sp__pipe, p_link));
	}
}

/* ---- The table ----------------------------------------------------------- */

int
sp__sock_get(int id, struct sp__sock **sp)
{
	struct sp__sock *s;

	(void) pthread_mutex_lock(&sp__glock);
	if (id < 0 || id >= SP_MAX_SOCKETS || (s = sp__socks[id]) == NULL) {
		(void) pthread_mutex_unlock(&sp__glock);
		return (EBADF);
	}
	if (sp__term) {
		(void) pthread_mutex_unlock(&sp__glock);
		return (ETERM);
	}
	(void) pthread_mutex_lock(&s->s_lock);
	s->s_refs++;
	(void) pthread_mutex_unlock(&s->s_lock);
	(void) pthread_mutex_unlock(&sp__glock);
	*sp = s;
	return (0);
}

void
sp__sock_rele(struct sp__sock *s)
{
	(void) pthread_mutex_lock(&s->s_lock);
	if (--s->s_refs == 0 && s->s_closing)
		(void) pthread_cond_broadcast(&s->s_cv);
	(void) pthread_mutex_unlock(&s->s_lock);
}

int
sp__is_term(void)
{
	/* On every send and receive: no lock, just a fresh read. */
	return (__atomic_load_n(&sp__term, __ATOMIC_ACQUIRE));
}

static void
sp__sock_free(struct sp__reap *r)
{
	struct sp__sock *s = SP_CONTAINER(r, struct sp__sock, s_reap);
	struct sp__io *io = s->s_io;

	sp__msgq_drain(&s->s_rq);
	(void) pthread_cond_destroy(&s->s_cv);
	(void) pthread_mutex_destroy(&s->s_lock);
	free(s);
	sp__io_rele(io);
}

int
nn_socket(int domain, int protocol)
{
	const struct sp__proto_ops *po = NULL;
	struct sp__sock *s;
	pthread_condattr_t ca;
	int err, id;

	if (domain != AF_SP && domain != AF_SP_RAW) {
		errno = EAFNOSUPPORT;
		return (-1);
	}
	for (size_t i = 0; i < sizeof (sp__protos) / sizeof (sp__protos[0]);
	    i++) {
		if (sp__protos[i]->po_nn == protocol)
			po = sp__protos[i];
	}
	if (po == NULL) {
		errno = EINVAL;
		return (-1);
	}
	if ((s = calloc(1, sizeof (*s))) == NULL) {
		errno = ENOMEM;
		return (-1);
	}
	if ((err = sp__io_hold(&s->s_io)) != 0) {
		free(s);
		errno = err;
		return (-1);
	}
	(void) pthread_mutex_init(&s->s_lock, NULL);
	(void) pthread_condattr_init(&ca);
	(void) pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	(void) pthread_cond_init(&s->s_cv, &ca);
	(void) pthread_condattr_destroy(&ca);
	sp__list_init(&s->s_eps);
	sp__list_init(&s->s_pipes);
	sp__list_init(&s->s_hspipes);
	s->s_domain = domain;
	s->s_proto = po;
	s->s_sndfd[0] = s->s_sndfd[1] = -1;
	s->s_rcvfd[0] = s->s_rcvfd[1] = -1;
	s->s_wakefd[0] = s->s_wakefd[1] = -1;
	/* nanomsg's defaults (sp-protocol.md 2.2, 4). */
	s->s_linger = 1000;
	s->s_sndbuf = 128 * 1024;
	s->s_rcvbuf = 128 * 1024;
	s->s_sndtimeo = -1;
	s->s_rcvtimeo = -1;
	s->s_reconnect_ivl = 100;
	s->s_reconnect_ivl_max = 0;
	s->s_sndprio = 8;
	s->s_rcvprio = 8;
	s->s_ipv4only = 1;
	s->s_rcvmaxsize = 1024 * 1024;
	s->s_maxttl = 8;
	sp__timer_init(&s->s_ptimer, NULL, s);

	if ((err = po->po_init(s)) != 0)
		goto fail;
	(void) pthread_mutex_lock(&sp__glock);
	if (sp__term) {
		err = ETERM;
	} else {
		err = EMFILE;
		for (id = 0; id < SP_MAX_SOCKETS; id++) {
			if (sp__socks[id] == NULL) {
				sp__socks[id] = s;
				s->s_id = id;
				sp__nsocks++;
				err = 0;
				break;
			}
		}
	}
	(void) pthread_mutex_unlock(&sp__glock);
	if (err == 0) {
		(void) snprintf(s->s_name, sizeof (s->s_name), "%d", s->s_id);
		return (s->s_id);
	}
	po->po_fini(s);
fail:
	(void) pthread_cond_destroy(&s->s_cv);
	(void) pthread_mutex_destroy(&s->s_lock);
	sp__io_rele(s->s_io);
	free(s);
	errno = err;
	return (-1);
}

int
sp__sock_wait(struct sp__sock *s, int64_t deadline)
{
	struct timespec ts;

	if (deadline < 0) {
		(void) pthread_cond_wait(&s->s_cv, &s->s_lock);
		return (0);
	}
	if (sp__now_ns() >= deadline)
		return (ETIMEDOUT);
	ts.tv_sec = (time_t)(deadline / 1000000000LL);
	ts.tv_nsec = (long)(deadline % 1000000000LL);
	(void) pthread_cond_timedwait(&s->s_cv, &s->s_lock, &ts);
	return (0);
}

int64_t
sp__deadline(int ms)
{
	return (ms < 0 ? -1 : sp__now_ns() + (int64_t)ms * 1000000LL);
}

static int
sp__pipes_busy(struct sp__sock *s)
{
	for (struct sp__link *l = s->s_pipes.l_next; l != &s->s_pipes;
	    l = l->l_next) {
		if (SP_CONTAINER(l, struct sp__pipe, p_link)->p_sq.q_count > 0)
			return (1);
	}
	return (0);
}

int
nn_close(int id)
{
	struct sp__sock *s;
	int64_t deadline;

	(void) pthread_mutex_lock(&sp__glock);
	if (id < 0 || id >= SP_MAX_SOCKETS || (s = sp__socks[id]) == NULL) {
		(void) pthread_mutex_unlock(&sp__glock);
		errno = EBADF;
		return (-1);
	}
	sp__socks[id] = NULL;
	if (--sp__nsocks == 0)	/* the library may be used again */
		__atomic_store_n(&sp__term, 0, __ATOMIC_RELEASE);
	(void) pthread_mutex_unlock(&sp__glock);

	(void) pthread_mutex_lock(&s->s_lock);
	s->s_closing = 1;
	(void) pthread_cond_broadcast(&s->s_cv);
	sp__sock_wake(s);
	while (s->s_refs > 0)
		(void) pthread_cond_wait(&s->s_cv, &s->s_lock);
	sp__timer_cancel(s->s_io, &s->s_ptimer);
	sp__ep_close_all(s);
	/*
	 * NN_LINGER: give queued output time to reach the peers.  nanomsg
	 * 1.x documents but ignores it; losing the last message of a
	 * "send and close" program is what its users complain about.
	 */
	deadline = sp__deadline(s->s_linger);
	while (s->s_linger != 0 && sp__pipes_busy(s)) {
		if (sp__sock_wait(s, deadline) == ETIMEDOUT)
			break;
	}
	/*
	 * Then close gracefully: half-close and wait (within the same
	 * NN_LINGER) for each peer to close its side, discarding what
	 * still arrives.  A plain close(2) right after the last write
	 * loses that write at nanomsg 1.1.5 ipc peers, which drop data
	 * that arrives together with the hang-up, and can reset TCP
	 * connections whose peers still had data in flight.
	 */
	if (s->s_linger != 0) {
		for (struct sp__link *l = s->s_pipes.l_next, *nx;
		    l != &s->s_pipes; l = nx) {
			struct sp__pipe *p = SP_CONTAINER(l, struct sp__pipe,
			    p_link);

			nx = l->l_next;
			(void) shutdown(p->p_ioh.h_fd, SHUT_WR);
			sp__pipe_resume(p);
		}
		while (!sp__list_empty(&s->s_pipes)) {
			if (sp__sock_wait(s, deadline) == ETIMEDOUT)
				break;
		}
	}
	while (!sp__list_empty(&s->s_pipes))
		sp__pipe_close(SP_CONTAINER(s->s_pipes.l_next,
		    struct sp__pipe, p_link), 0);
	while (!sp__list_empty(&s->s_hspipes))
		sp__pipe_close(SP_CONTAINER(s->s_hspipes.l_next,
		    struct sp__pipe, p_link), 0);
	s->s_proto->po_fini(s);
	sp__efd_close(s->s_sndfd);
	sp__efd_close(s->s_rcvfd);
	sp__efd_close(s->s_wakefd);
	(void) pthread_mutex_unlock(&s->s_lock);
	sp__io_reap(s->s_io, &s->s_reap, sp__sock_free);
	return (0);
}

/*
 * nanomsg's nn_term: every call blocked in the library returns ETERM,
 * and every later call on a socket except nn_close fails with ETERM;
 * nn_socket too, until the last socket has been closed (then the library
 * starts afresh, as nanomsg's does).  Blocked nn_poll callers wake up
 * because both readiness fds of every socket are made readable.
 */
void
nn_term(void)
{
	(void) pthread_mutex_lock(&sp__glock);
	if (sp__nsocks > 0)
		__atomic_store_n(&sp__term, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < SP_MAX_SOCKETS; i++) {
		struct sp__sock *s = sp__socks[i];

		if (s == NULL)
			continue;
		(void) pthread_mutex_lock(&s->s_lock);
		(void) pthread_cond_broadcast(&s->s_cv);
		sp__sock_wake(s);
		if (s->s_sndfd[0] >= 0 && !s->s_sndfd_set) {
			sp__efd_signal(s->s_sndfd);
			s->s_sndfd_set = 1;
		}
		if (s->s_rcvfd[0] >= 0 && !s->s_rcvfd_set) {
			sp__efd_signal(s->s_rcvfd);
			s->s_rcvfd_set = 1;
		}
		(void) pthread_mutex_unlock(&s->s_lock);
	}
	(void) pthread_mutex_unlock(&sp__glock);
}

/* ---- Options ---------------------------------------------------------- */

static int
sp__setopt(struct sp__sock *s, int level, int opt, const void *val,
    size_t len)
{
	int v;

	if (level != NN_SOL_SOCKET && level == s->s_proto->po_nn)
		return (s->s_proto->po_setopt == NULL ? ENOPROTOOPT :
		    s->s_proto->po_setopt(s, opt, val, len));
	if (level == NN_SOL_SOCKET && opt == NN_SOCKET_NAME) {
		if (len >= sizeof (s->s_name))
			return (EINVAL);
		(void) memcpy(s->s_name, val, len);
		s->s_name[len] = '\0';
		return (0);
	}
	if (level != NN_SOL_SOCKET && level != NN_TCP)
		return (ENOPROTOOPT);
	if (len != sizeof (int))
		return (EINVAL);
	(void) memcpy(&v, val, sizeof (v));
	if (level == NN_TCP) {
		if (opt != NN_TCP_NODELAY)
			return (ENOPROTOOPT);
		if (v != 0 && v != 1)
			return (EINVAL);
		s->s_tcp_nodelay = v;
		return (0);
	}
	switch (opt) {
	case NN_LINGER:
		s->s_linger = v;
		break;
	case NN_SNDBUF:
	case NN_RCVBUF:
		if (v <= 0)
			return (EINVAL);
		if (opt == NN_SNDBUF) {
			s->s_sndbuf = v;
		} else {
			s->s_rcvbuf = v;
			/* A larger queue may let stopped pipes read again. */
			if (s->s_rq_paused && !sp__sock_rq_full(s)) {
				s->s_rq_paused = 0;
				sp__sock_resume_all(s);
			}
		}
		break;
	case NN_SNDTIMEO:
		s->s_sndtimeo = v;
		break;
	case NN_RCVTIMEO:
		s->s_rcvtimeo = v;
		break;
	case NN_RECONNECT_IVL:
		if (v < 0)
			return (EINVAL);
		s->s_reconnect_ivl = v;
		break;
	case NN_RECONNECT_IVL_MAX:
		if (v < 0)
			return (EINVAL);
		s->s_reconnect_ivl_max = v;
		break;
	case NN_SNDPRIO:
	case NN_RCVPRIO:
		if (v < 1 || v > 16)
			return (EINVAL);
		*(opt == NN_SNDPRIO ? &s->s_sndprio : &s->s_rcvprio) = v;
		break;
	case NN_IPV4ONLY:
		if (v != 0 && v != 1)
			return (EINVAL);
		s->s_ipv4only = v;
		break;
	case NN_RCVMAXSIZE:
		if (v < -1)
			return (EINVAL);
		s->s_rcvmaxsize = v;
		break;
	case NN_MAXTTL:
		if (v < 1 || v > 255)
			return (EINVAL);
		s->s_maxttl = v;
		break;
	default:
		/* Read-only (NN_SNDFD, NN_DOMAIN ...) or unknown. */
		return (ENOPROTOOPT);
	}
	return (0);
}

int
nn_setsockopt(int id, int level, int opt, const void *val, size_t len)
{
	struct sp__sock *s;
	int err;

	if ((err = sp__sock_get(id, &s)) != 0)
		return (sp__fail(err));
	(void) pthread_mutex_lock(&s->s_lock);
	if (val == NULL && len > 0)
		err = EFAULT;
	else
		err = sp__setopt(s, level, opt, val, len);
	(void) pthread_mutex_unlock(&s->s_lock);
	sp__sock_rele(s);
	if (err != 0)
		return (sp__fail(err));
	return (0);
}

static int
sp__readyfd(struct sp__sock *s, int fds[2], int *v)
{
	int err;

	if (fds[0] < 0) {
		if ((err = sp__efd_open(fds)) != 0)
			return (err);
		if (fds == s->s_sndfd)
			s->s_sndfd_set = 0;
		else
			s->s_rcvfd_set = 0;
		sp__sock_notify(s);
	}
	*v = fds[0];
	return (0);
}

static int
sp__getopt(struct sp__sock *s, int level, int opt, void *val, size_t *lenp)
{
	int v, err;

	if (level != NN_SOL_SOCKET && level == s->s_proto->po_nn)
		return (s->s_proto->po_getopt == NULL ? ENOPROTOOPT :
		    s->s_proto->po_getopt(s, opt, val, lenp));
	if (level == NN_SOL_SOCKET && opt == NN_SOCKET_NAME) {
		size_t n = strlen(s->s_name);

		(void) memcpy(val, s->s_name, n < *lenp ? n : *lenp);
		*lenp = n;
		return (0);
	}
	if (level == NN_TCP) {
		if (opt != NN_TCP_NODELAY)
			return (ENOPROTOOPT);
		v = s->s_tcp_nodelay;
	} else if (level != NN_SOL_SOCKET) {
		return (ENOPROTOOPT);
	} else {
		switch (opt) {
		case NN_LINGER: v = s->s_linger; break;
		case NN_SNDBUF: v = s->s_sndbuf; break;
		case NN_RCVBUF: v = s->s_rcvbuf; break;
		case NN_SNDTIMEO: v = s->s_sndtimeo; break;
		case NN_RCVTIMEO: v = s->s_rcvtimeo; break;
		case NN_RECONNECT_IVL: v = s->s_reconnect_ivl; break;
		case NN_RECONNECT_IVL_MAX: v = s->s_reconnect_ivl_max; break;
		case NN_SNDPRIO: v = s->s_sndprio; break;
		case NN_RCVPRIO: v = s->s_rcvprio; break;
		case NN_DOMAIN: v = s->s_domain; break;
		case NN_PROTOCOL: v = s->s_proto->po_nn; break;
		case NN_IPV4ONLY: v = s->s_ipv4only; break;
		case NN_RCVMAXSIZE: v = s->s_rcvmaxsize; break;
		case NN_MAXTTL: v = s->s_maxttl; break;
		case NN_SNDFD:
			if (!s->s_proto->po_can_send)
				return (ENOPROTOOPT);
			if ((err = sp__readyfd(s, s->s_sndfd, &v)) != 0)
				return (err);
			break;
		case NN_RCVFD:
			if (!s->s_proto->po_can_recv)
				return (ENOPROTOOPT);
			if ((err = sp__readyfd(s, s->s_rcvfd, &v)) != 0)
				return (err);
			break;
		default:
			return (ENOPROTOOPT);
		}
	}
	(void) memcpy(val, &v, *lenp < sizeof (v) ? *lenp : sizeof (v));
	*lenp = sizeof (v);
	return (0);
}

int
nn_getsockopt(int id, int level, int opt, void *val, size_t *lenp)
{
	struct sp__sock *s;
	int err;

	if ((err = sp__sock_get(id, &s)) != 0)
		return (sp__fail(err));
	(void) pthread_mutex_lock(&s->s_lock);
	if (lenp == NULL || (val == NULL && *lenp > 0))
		err = EFAULT;
	else
		err = sp__getopt(s, level, opt, val, lenp);
	(void) pthread_mutex_unlock(&s->s_lock);
	sp__sock_rele(s);
	if (err != 0)
		return (sp__fail(err));
	return (0);
}

/* ---- Send and receive --------------------------------------------------- */

/*
 * sp_send_to: m goes to the pipe with that id.  EAGAIN while it is not
 * there yet but a dialer of the socket will bring it (sp_connect_peer's
 * id), or its queue is full; EHOSTUNREACH if nothing has that id.
 */
static int
sp__sock_send_to(struct sp__sock *s, struct sp__msg *m, uint32_t peer)
{
	struct sp__pipe *p = sp__sock_pipe(s, peer);

	if (p != NULL) {
		if (!sp__pipe_sendable(p))
			return (EAGAIN);
		sp__pipe_send(p, m);
		return (0);
	}
	for (struct sp__link *l = s->s_eps.l_next; l != &s->s_eps;
	    l = l->l_next) {
		if (SP_CONTAINER(l, struct sp__ep, e_link)->e_peer_id == peer)
			return (EAGAIN);
	}
	return (EHOSTUNREACH);
}

/* s_lock held; takes m on success.  peer: 0, or sp_send_to's id. */
int
sp__sock_send(struct sp__sock *s, struct sp__msg *m, int flags,
    uint32_t peer)
{
	int64_t deadline = -2;
	int err;

	for (;;) {
		if (s->s_closing)
			return (EBADF);
		if (sp__is_term())
			return (ETERM);
		err = peer != 0 ? sp__sock_send_to(s, m, peer) :
		    s->s_proto->po_send(s, m);
		if (err != EAGAIN)
			return (err);
		if (flags & NN_DONTWAIT)
			return (EAGAIN);
		if (deadline == -2)
			deadline = sp__deadline(s->s_sndtimeo);
		if (sp__sock_wait(s, deadline) == ETIMEDOUT)
			return (ETIMEDOUT);
	}
}

int
nn_send(int id, const void *buf, size_t len, int flags)
{
	struct sp__sock *s;
	struct sp__msg *m;
	int err, zc = (len == NN_MSG);
	size_t n;

	if (buf == NULL && len > 0) {
		errno = EFAULT;
		return (-1);
	}
	if (zc) {
		if ((m = sp__msg_from_body(*(void *const *)buf)) == NULL) {
			errno = EFAULT;
			return (-1);
		}
		m->m_hdrlen = 0;	/* a received message's SP header */
	} else if ((m = sp__msg_alloc(len)) == NULL) {
		errno = ENOMEM;
		return (-1);
	} else if (len > 0) {
		(void) memcpy(SP_MSG_BODY(m), buf, len);
	}
	n = m->m_len;
	if ((err = sp__sock_get(id, &s)) == 0) {
		if (!s->s_proto->po_can_send) {
			err = ENOTSUP;
		} else {
			(void) pthread_mutex_lock(&s->s_lock);
			err = sp__sock_send(s, m, flags, 0);
			(void) pthread_mutex_unlock(&s->s_lock);
		}
		sp__sock_rele(s);
	}
	if (err != 0) {
		if (!zc)
			sp__msg_free(m);	/* NN_MSG: still the caller's */
		errno = err;
		return (-1);
	}
	return (n > INT_MAX ? INT_MAX : (int)n);
}

/* A message left the receive queue: let stopped pipes read again. */
static void
sp__sock_rq_taken(struct sp__sock *s)
{
	if (s->s_rq_paused && !sp__sock_rq_full(s)) {
		s->s_rq_paused = 0;
		sp__sock_resume_all(s);
	}
	if (s->s_rcvfd[0] >= 0)
		sp__sock_notify(s);
}

/* s_lock held. */
int
sp__sock_recv(struct sp__sock *s, int flags, struct sp__msg **mp)
{
	const struct sp__proto_ops *po = s->s_proto;
	int64_t deadline = -2;
	struct sp__msg *m;
	int err;

	for (;;) {
		if (s->s_closing)
			return (EBADF);
		if (sp__is_term())
			return (ETERM);
		if (po->po_recv_check != NULL &&
		    (err = po->po_recv_check(s)) != 0)
			return (err);
		if ((m = sp__msgq_get(&s->s_rq)) != NULL) {
			sp__sock_rq_taken(s);
			if (po->po_recv_take == NULL ||
			    po->po_recv_take(s, m) == 0)
				break;
			sp__msg_free(m);	/* stale: look again */
			continue;
		}
		if (flags & NN_DONTWAIT)
			return (EAGAIN);
		if (deadline == -2)
			deadline = sp__deadline(s->s_rcvtimeo);
		/* Read in this thread if we can, else wait for the I/O one. */
		if ((err = sp__pipe_wait_read(s, deadline)) == ENOTSUP)
			err = sp__sock_wait(s, deadline);
		if (err == ETIMEDOUT)
			return (ETIMEDOUT);
	}
	*mp = m;
	return (0);
}

int
nn_recv(int id, void *buf, size_t len, int flags)
{
	struct sp__sock *s;
	struct sp__msg *m = NULL;
	int err;
	size_t n;

	if (buf == NULL && len > 0) {
		errno = EFAULT;
		return (-1);
	}
	if ((err = sp__sock_get(id, &s)) == 0) {
		if (!s->s_proto->po_can_recv) {
			err = ENOTSUP;
		} else {
			(void) pthread_mutex_lock(&s->s_lock);
			err = sp__sock_recv(s, flags, &m);
			(void) pthread_mutex_unlock(&s->s_lock);
		}
		sp__sock_rele(s);
	}
	if (err != 0)
		return (sp__fail(err));
	n = m->m_len;
	if (len == NN_MSG) {
		*(void **)buf = SP_MSG_BODY(m);
	} else {
		if (len > 0)
			(void) memcpy(buf, SP_MSG_BODY(m), n < len ? n : len);
		sp__msg_free(m);
	}
	return (n > INT_MAX ? INT_MAX : (int)n);
}

/* ---- Endpoint calls need the socket; endpoint.c does the rest. ---------- */

static int
sp__add_ep(int id, const char *addr, int dial)
{
	struct sp__sock *s;
	int err, eid = -1;

	if ((err = sp__sock_get(id, &s)) != 0)
		return (sp__fail(err));
	(void) pthread_mutex_lock(&s->s_lock);
	err = s->s_closing ? EBADF : sp__ep_add(s, addr, dial, &eid);
	(void) pthread_mutex_unlock(&s->s_lock);
	sp__sock_rele(s);
	if (err != 0)
		return (sp__fail(err));
	return (eid);
}

int
nn_bind(int id, const char *addr)
{
	return (sp__add_ep(id, addr, 0));
}

int
nn_connect(int id, const char *addr)
{
	return (sp__add_ep(id, addr, 1));
}

int
nn_shutdown(int id, int eid)
{
	struct sp__sock *s;
	int err;

	if ((err = sp__sock_get(id, &s)) != 0)
		return (sp__fail(err));
	(void) pthread_mutex_lock(&s->s_lock);
	err = s->s_closing ? EBADF : sp__ep_remove(s, eid);
	(void) pthread_mutex_unlock(&s->s_lock);
	sp__sock_rele(s);
	if (err != 0)
		return (sp__fail(err));
	return (0);
}
