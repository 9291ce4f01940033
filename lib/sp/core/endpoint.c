/*
 * Endpoints: nn_bind() listeners and nn_connect() dialers, and the
 * sp_listen()/sp_dial() variants.
 *
 * sp_listen(SP_NONBLOCK) keeps a listener whose bind failed and retries
 * it on the dialers' back-off.  sp_dial() without SP_NONBLOCK marks its
 * dialer e_sync: the first attempt's outcome (pipe accepted, or the errno
 * of a failed connect or header exchange) ends the caller's wait, and a
 * failure is not retried; once connected it behaves as any dialer.
 *
 * A listener binds synchronously (errors are returned by nn_bind), then
 * accepts from the I/O thread whenever its fd is readable.  A dialer is
 * asynchronous, as nanomsg's: the first attempt starts at once on the I/O
 * thread; a failed attempt, a failed header exchange, a rejected peer or a
 * lost connection schedules the next one after a back-off that starts at
 * NN_RECONNECT_IVL, doubles up to NN_RECONNECT_IVL_MAX (when larger), is
 * jittered down by up to a quarter, never drops below 1 ms, and returns to
 * NN_RECONNECT_IVL once a connection was accepted by the protocol.  So a
 * peer that accepts and closes at once sees a growing interval, never a
 * spin.  Endpoint ids come from one process-wide counter: positive and
 * never reused.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sockshim/sp.h>

#include "sp.h"

static const struct sp__tran_ops *const sp__trans[] = {
	&sp__tcp_ops,
	&sp__ipc_ops,
	&sp__inproc_ops,
};

static pthread_mutex_t sp__eid_lock = PTHREAD_MUTEX_INITIALIZER;
static int sp__eid_next = 1;

static void sp__ep_dial_start(struct sp__timer *);
static void sp__ep_accept_cb(struct sp__ioh *, int);
static void sp__ep_listen_timer(struct sp__timer *);
static void sp__ep_retry(struct sp__ep *);

static void
sp__ep_free(struct sp__reap *r)
{
	free(SP_CONTAINER(r, struct sp__ep, e_reap));
}

/*
 * Stop ep.  Its pipes are closed too (nn_shutdown), or, when the whole
 * socket is closing, only detached so that NN_LINGER can drain them.
 */
static void
sp__ep_close(struct sp__ep *ep, int keep_pipes)
{
	struct sp__sock *s = ep->e_sock;
	struct sp__link *l, *next;

	ep->e_closed = 1;
	sp__timer_cancel(s->s_io, &ep->e_timer);
	sp__ioh_close(s->s_io, &ep->e_ioh);
	for (int i = 0; i < 2; i++) {
		struct sp__link *h = i ? &s->s_hspipes : &s->s_pipes;

		for (l = h->l_next; l != h; l = next) {
			struct sp__pipe *p = SP_CONTAINER(l, struct sp__pipe,
			    p_link);

			next = l->l_next;
			if (p->p_ep != ep)
				continue;
			if (keep_pipes)
				p->p_ep = NULL;
			else
				sp__pipe_close(p, 0);
		}
	}
	ep->e_tran->t_fini(ep);
	sp__list_del(&ep->e_link);
	sp__io_reap(s->s_io, &ep->e_reap, sp__ep_free);
}

void
sp__ep_close_all(struct sp__sock *s)
{
	while (!sp__list_empty(&s->s_eps))
		sp__ep_close(SP_CONTAINER(s->s_eps.l_next, struct sp__ep,
		    e_link), 1);
}

struct sp__ep *
sp__ep_find(struct sp__sock *s, int eid)
{
	for (struct sp__link *l = s->s_eps.l_next; l != &s->s_eps;
	    l = l->l_next) {
		struct sp__ep *ep = SP_CONTAINER(l, struct sp__ep, e_link);

		if (ep->e_id == eid)
			return (ep);
	}
	return (NULL);
}

int
sp__ep_remove(struct sp__sock *s, int eid)
{
	struct sp__ep *ep = sp__ep_find(s, eid);

	if (ep == NULL)
		return (EINVAL);
	sp__ep_close(ep, 0);
	return (0);
}

/* Bind now; 0 or the errno of the failed bind.  s_lock held. */
static int
sp__ep_bind(struct sp__ep *ep)
{
	struct sp__sock *s = ep->e_sock;
	int err, fd;

	if ((err = ep->e_tran->t_listen(ep, &fd)) != 0)
		return (err);
	ep->e_ioh.h_fd = fd;
	ep->e_ioh.h_closed = 0;
	ep->e_ioh.h_cb = sp__ep_accept_cb;
	if ((err = sp__ioh_arm(s->s_io, &ep->e_ioh, POLLIN)) != 0) {
		sp__ioh_close(s->s_io, &ep->e_ioh);
		return (err);
	}
	ep->e_state = SP_EP_LISTENING;
	return (0);
}

int
sp__ep_add(struct sp__sock *s, const char *addr, int dial, int *eidp)
{
	struct sp__ep *ep;
	int err;

	err = sp__ep_add_flags(s, addr, dial, dial ? SP_NONBLOCK : 0, &ep);
	if (err == 0)
		*eidp = ep->e_id;
	return (err);
}

int
sp__ep_add_flags(struct sp__sock *s, const char *addr, int dial,
    int flags, struct sp__ep **epp)
{
	const struct sp__tran_ops *t = NULL;
	const char *sep;
	struct sp__ep *ep;
	size_t n;
	int err;

	if (addr == NULL)
		return (EINVAL);
	if ((n = strnlen(addr, NN_SOCKADDR_MAX)) >= NN_SOCKADDR_MAX)
		return (ENAMETOOLONG);
	if ((sep = strstr(addr, "://")) == NULL)
		return (EINVAL);
	for (size_t i = 0; i < sizeof (sp__trans) / sizeof (sp__trans[0]);
	    i++) {
		if (strlen(sp__trans[i]->t_scheme) == (size_t)(sep - addr) &&
		    strncmp(addr, sp__trans[i]->t_scheme,
		    (size_t)(sep - addr)) == 0)
			t = sp__trans[i];
	}
	if (t == NULL)
		return (EPROTONOSUPPORT);
	if ((ep = calloc(1, sizeof (*ep))) == NULL)
		return (ENOMEM);
	ep->e_sock = s;
	ep->e_dialer = dial;
	ep->e_tran = t;
	ep->e_ioh.h_fd = -1;
	ep->e_ioh.h_closed = 1;
	ep->e_ioh.h_arg = ep;
	(void) memcpy(ep->e_url, addr, n + 1);
	sp__list_init(&ep->e_link);
	if ((err = t->t_init(ep, sep + 3)) != 0) {
		free(ep);
		return (err);
	}
	if (!dial) {
		sp__timer_init(&ep->e_timer, sp__ep_listen_timer, ep);
		if ((err = sp__ep_bind(ep)) != 0) {
			/*
			 * sp_listen(SP_NONBLOCK): keep the endpoint and
			 * retry in the background (nng_listen's flag).
			 */
			if (!(flags & SP_NONBLOCK)) {
				t->t_fini(ep);
				free(ep);
				return (err);
			}
			ep->e_state = SP_EP_BINDING;
			ep->e_err = err;
			err = 0;
		}
	} else {
		sp__timer_init(&ep->e_timer, sp__ep_dial_start, ep);
		ep->e_state = SP_EP_CONNECTING;
		ep->e_sync = !(flags & SP_NONBLOCK);
		ep->e_peer_id = sp__peer_id();
	}
	(void) pthread_mutex_lock(&sp__eid_lock);
	if (sp__eid_next < 0) {
		err = EMFILE;	/* 2^31 endpoints: ids are never reused */
	} else {
		ep->e_id = sp__eid_next;
		sp__eid_next = (sp__eid_next == INT32_MAX) ? -1 :
		    sp__eid_next + 1;
	}
	(void) pthread_mutex_unlock(&sp__eid_lock);
	if (err != 0) {
		sp__ioh_close(s->s_io, &ep->e_ioh);
		t->t_fini(ep);
		free(ep);
		return (err);
	}
	sp__list_add(&s->s_eps, &ep->e_link);
	ep->e_backoff = s->s_reconnect_ivl;
	if (dial)
		sp__timer_schedule(s->s_io, &ep->e_timer, 0);
	else if (ep->e_state == SP_EP_BINDING)
		sp__ep_retry(ep);
	*epp = ep;
	return (0);
}

/* ---- Dialers ------------------------------------------------------------ */

static void
sp__ep_retry(struct sp__ep *ep)
{
	struct sp__sock *s = ep->e_sock;
	int ivl = s->s_reconnect_ivl, max = s->s_reconnect_ivl_max;
	int64_t delay;

	if (ep->e_backoff < ivl)
		ep->e_backoff = ivl;
	delay = ep->e_backoff;
	delay -= (int64_t)(sp__random() % (uint32_t)(delay / 4 + 1));
	if (delay < 1)
		delay = 1;
	if (max > ivl)
		ep->e_backoff = (ep->e_backoff > max / 2) ? max :
		    ep->e_backoff * 2;
	else
		ep->e_backoff = ivl;
	sp__timer_schedule(s->s_io, &ep->e_timer, delay);
}

void
sp__ep_pipe_up(struct sp__ep *ep)
{
	ep->e_backoff = ep->e_sock->s_reconnect_ivl;
	ep->e_state = SP_EP_CONNECTED;
	ep->e_err = 0;
	if (ep->e_sync) {
		/* sp_dial returns; later losses redial in the background. */
		ep->e_sync = 0;
		ep->e_done = 1;
		(void) pthread_cond_broadcast(&ep->e_sock->s_cv);
	}
}

/*
 * An attempt failed with err.  A synchronous sp_dial's first attempt
 * stops here and wakes the caller; everything else backs off and retries.
 */
static void
sp__ep_fail(struct sp__ep *ep, int err)
{
	ep->e_err = err;
	if (ep->e_sync) {
		ep->e_sync = 0;
		ep->e_done = 2;
		(void) pthread_cond_broadcast(&ep->e_sock->s_cv);
		return;
	}
	sp__ep_retry(ep);
}

void
sp__ep_pipe_gone(struct sp__ep *ep, int up, int err)
{
	if (ep == NULL || ep->e_closed || !ep->e_dialer)
		return;
	if (--ep->e_npipes > 0)
		return;
	ep->e_state = SP_EP_CONNECTING;
	if (up) {
		if (err != 0)
			ep->e_err = err;
		sp__ep_retry(ep);
	} else {
		/* Header exchange failed: EPROTO, ETIMEDOUT, ECONNRESET. */
		sp__ep_fail(ep, err != 0 ? err : ECONNRESET);
	}
}

static void
sp__ep_dial_cb(struct sp__ioh *h, int revents)
{
	struct sp__ep *ep = h->h_arg;
	struct sp__sock *s = ep->e_sock;
	int err = 0, fd;
	socklen_t len = sizeof (err);

	(void) pthread_mutex_lock(&s->s_lock);
	if (ep->e_closed || h->h_closed) {
		(void) pthread_mutex_unlock(&s->s_lock);
		return;
	}
	if (getsockopt(h->h_fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err == 0 && !(revents & POLLOUT))
		err = ECONNREFUSED;	/* POLLERR/POLLHUP without writability */
	if (err != 0) {
		sp__ioh_close(s->s_io, h);
		sp__ep_fail(ep, err);
	} else {
		fd = h->h_fd;
		h->h_fd = -1;	/* the pipe owns it now */
		h->h_closed = 1;
		ep->e_npipes++;
		if ((err = sp__pipe_start(s, ep, fd)) != 0) {
			ep->e_npipes--;
			sp__ep_fail(ep, err);
		}
	}
	(void) pthread_mutex_unlock(&s->s_lock);
}

static void
sp__ep_dial_start(struct sp__timer *t)
{
	struct sp__ep *ep = t->t_arg;
	struct sp__sock *s = ep->e_sock;
	int err, fd = -1;

	(void) pthread_mutex_lock(&s->s_lock);
	if (ep->e_closed || !ep->e_ioh.h_closed || ep->e_npipes > 0) {
		(void) pthread_mutex_unlock(&s->s_lock);
		return;
	}
	if ((err = ep->e_tran->t_dial(ep, &fd)) == 0) {
		ep->e_ioh.h_fd = fd;
		ep->e_ioh.h_closed = 0;
		ep->e_ioh.h_cb = sp__ep_dial_cb;
		if ((err = sp__ioh_arm(s->s_io, &ep->e_ioh, POLLOUT)) != 0)
			sp__ioh_close(s->s_io, &ep->e_ioh);
	}
	if (err != 0)
		sp__ep_fail(ep, err);
	(void) pthread_mutex_unlock(&s->s_lock);
}

/* ---- Listeners ----------------------------------------------------------- */

/* A listener's timer: retry a failed bind, or accept again after EMFILE. */
static void
sp__ep_listen_timer(struct sp__timer *t)
{
	struct sp__ep *ep = t->t_arg;
	struct sp__sock *s = ep->e_sock;
	int err;

	(void) pthread_mutex_lock(&s->s_lock);
	if (ep->e_closed) {
		(void) pthread_mutex_unlock(&s->s_lock);
		return;
	}
	if (ep->e_state == SP_EP_BINDING) {
		if ((err = sp__ep_bind(ep)) != 0) {
			ep->e_err = err;
			sp__ep_retry(ep);
		} else {
			ep->e_err = 0;
		}
	} else {
		(void) sp__ioh_arm(s->s_io, &ep->e_ioh, POLLIN);
	}
	(void) pthread_mutex_unlock(&s->s_lock);
}

static void
sp__ep_accept_cb(struct sp__ioh *h, int revents)
{
	struct sp__ep *ep = h->h_arg;
	struct sp__sock *s = ep->e_sock;
	int fd;

	(void) pthread_mutex_lock(&s->s_lock);
	if (ep->e_closed || h->h_closed) {
		(void) pthread_mutex_unlock(&s->s_lock);
		return;
	}
	/* A bounded batch, so one busy listener cannot starve the rest. */
	for (int i = 0; i < 64; i++) {
		if ((fd = accept(h->h_fd, NULL, NULL)) < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			/*
			 * Out of fds or memory: pause, as nng does, rather
			 * than spin on a listener that stays readable.
			 */
			sp__timer_schedule(s->s_io, &ep->e_timer, 100);
			(void) pthread_mutex_unlock(&s->s_lock);
			return;
		}
		if (sp__fd_setup(fd) != 0) {
			(void) close(fd);
			continue;
		}
		(void) sp__pipe_start(s, ep, fd);
	}
	(void) sp__ioh_arm(s->s_io, h, POLLIN);
	(void) pthread_mutex_unlock(&s->s_lock);
}
