/*
 * The calls built on the socket core: nn_poll, nn_sendmsg, nn_recvmsg,
 * and sockshim's sp_* extensions (<sockshim/sp.h>).
 *
 * nn_poll waits in poll(2) on the sockets' NN_RCVFD/NN_SNDFD fds, which
 * the core keeps readable exactly while the socket can receive or send
 * (and nn_term makes readable), so there is no polling loop and no
 * missed wake-up.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <nanomsg/nn.h>
#include <nanomsg/pubsub.h>
#include <nanomsg/reqrep.h>
#include <sockshim/sp.h>

#include "sp.h"

#define	SP_POLL_STACK	16

/* Send m (ours on success; on failure the caller's if zc). */
static int
sp__api_send(int id, struct sp__msg *m, int flags, uint32_t peer, int zc)
{
	struct sp__sock *s;
	size_t n = m->m_len;
	int err;

	if ((err = sp__sock_get(id, &s)) == 0) {
		if (!s->s_proto->po_can_send ||
		    (peer != 0 && !s->s_proto->po_send_to)) {
			err = ENOTSUP;
		} else {
			(void) pthread_mutex_lock(&s->s_lock);
			err = sp__sock_send(s, m, flags, peer);
			(void) pthread_mutex_unlock(&s->s_lock);
		}
		sp__sock_rele(s);
	}
	if (err != 0) {
		if (!zc)
			sp__msg_free(m);
		return (sp__fail(err));
	}
	return (n > INT_MAX ? INT_MAX : (int)n);
}

static int
sp__api_recv(int id, int flags, int from, struct sp__msg **mp)
{
	struct sp__sock *s;
	int err;

	if ((err = sp__sock_get(id, &s)) == 0) {
		if (!s->s_proto->po_can_recv ||
		    (from && !s->s_proto->po_recv_from)) {
			err = ENOTSUP;
		} else {
			(void) pthread_mutex_lock(&s->s_lock);
			err = sp__sock_recv(s, flags, mp);
			(void) pthread_mutex_unlock(&s->s_lock);
		}
		sp__sock_rele(s);
	}
	return (err);
}

/* A message from nn_send-style arguments, or NULL with *errp. */
static struct sp__msg *
sp__msg_from_args(const void *buf, size_t len, int *errp)
{
	struct sp__msg *m;

	if (buf == NULL && len > 0) {
		*errp = EFAULT;
		return (NULL);
	}
	if (len == NN_MSG) {
		if ((m = sp__msg_from_body(*(void *const *)buf)) == NULL)
			*errp = EFAULT;
		else
			m->m_hdrlen = 0;
		return (m);
	}
	if ((m = sp__msg_alloc(len)) == NULL) {
		*errp = ENOMEM;
		return (NULL);
	}
	if (len > 0)
		(void) memcpy(SP_MSG_BODY(m), buf, len);
	return (m);
}

/* Hand m to nn_recv-style arguments; returns its length. */
static int
sp__msg_to_args(struct sp__msg *m, void *buf, size_t len)
{
	size_t n = m->m_len;

	if (len == NN_MSG) {
		*(void **)buf = SP_MSG_BODY(m);
	} else {
		if (len > 0)
			(void) memcpy(buf, SP_MSG_BODY(m), n < len ? n : len);
		sp__msg_free(m);
	}
	return (n > INT_MAX ? INT_MAX : (int)n);
}

/* ---- nn_poll ---------------------------------------------------------- */

int
nn_poll(struct nn_pollfd *fds, int nfds, int timeout)
{
	struct pollfd stack[2 * SP_POLL_STACK], *pfd = stack;
	size_t len;
	int rc, n = 0, err = 0, fd;

	if (nfds < 0)
		return (sp__fail(EINVAL));
	if (nfds > 0 && fds == NULL)
		return (sp__fail(EFAULT));
	if (nfds > SP_POLL_STACK &&
	    (pfd = calloc(2 * (size_t)nfds, sizeof (*pfd))) == NULL)
		return (sp__fail(ENOMEM));
	for (int i = 0; i < nfds; i++) {
		fds[i].revents = 0;
		for (int d = 0; d < 2; d++) {
			struct pollfd *q = &pfd[2 * i + d];
			int want = d == 0 ? NN_POLLIN : NN_POLLOUT;

			q->fd = -1;
			q->events = POLLIN;
			q->revents = 0;
			if (!(fds[i].events & want))
				continue;
			len = sizeof (fd);
			if (nn_getsockopt(fds[i].fd, NN_SOL_SOCKET,
			    d == 0 ? NN_RCVFD : NN_SNDFD, &fd, &len) != 0) {
				err = errno;
				goto out;
			}
			q->fd = fd;
		}
	}
	if ((rc = poll(pfd, (nfds_t)(2 * nfds), timeout)) < 0) {
		err = errno;
		goto out;
	}
	if (sp__is_term()) {
		err = ETERM;
		goto out;
	}
	for (int i = 0; i < nfds; i++) {
		if (pfd[2 * i].revents & POLLIN)
			fds[i].revents |= NN_POLLIN;
		if (pfd[2 * i + 1].revents & POLLIN)
			fds[i].revents |= NN_POLLOUT;
		if (fds[i].revents != 0)
			n++;
	}
out:
	if (pfd != stack)
		free(pfd);
	return (err != 0 ? sp__fail(err) : n);
}

/* ---- nn_sendmsg, nn_recvmsg ---------------------------------------------- */

/*
 * One iovec whose length is NN_MSG passes a message by pointer, as in
 * nanomsg; NN_MSG among several iovecs is EINVAL.  Control data (SP
 * headers, which only raw sockets would use) is not supported:
 * msg_control is ignored when sending and left alone when receiving.
 */
int
nn_sendmsg(int id, const struct nn_msghdr *mh, int flags)
{
	struct sp__msg *m;
	size_t total = 0, off = 0;
	int err = 0;

	if (mh == NULL)
		return (sp__fail(EINVAL));
	if (mh->msg_iovlen < 0)
		return (sp__fail(EMSGSIZE));
	if (mh->msg_iovlen > 0 && mh->msg_iov == NULL)
		return (sp__fail(EFAULT));
	if (mh->msg_iovlen == 1 && mh->msg_iov[0].iov_len == NN_MSG) {
		if (mh->msg_iov[0].iov_base == NULL)
			return (sp__fail(EFAULT));
		if ((m = sp__msg_from_args(mh->msg_iov[0].iov_base, NN_MSG,
		    &err)) == NULL)
			return (sp__fail(err));
		return (sp__api_send(id, m, flags, 0, 1));
	}
	for (int i = 0; i < mh->msg_iovlen; i++) {
		const struct nn_iovec *v = &mh->msg_iov[i];

		if (v->iov_len == NN_MSG)
			return (sp__fail(EINVAL));
		if (v->iov_base == NULL && v->iov_len > 0)
			return (sp__fail(EFAULT));
		if (v->iov_len > SIZE_MAX / 2 - total)
			return (sp__fail(EMSGSIZE));
		total += v->iov_len;
	}
	if ((m = sp__msg_alloc(total)) == NULL)
		return (sp__fail(ENOMEM));
	for (int i = 0; i < mh->msg_iovlen; i++) {
		if (mh->msg_iov[i].iov_len > 0)
			(void) memcpy(SP_MSG_BODY(m) + off,
			    mh->msg_iov[i].iov_base, mh->msg_iov[i].iov_len);
		off += mh->msg_iov[i].iov_len;
	}
	return (sp__api_send(id, m, flags, 0, 0));
}

int
nn_recvmsg(int id, struct nn_msghdr *mh, int flags)
{
	struct sp__msg *m;
	size_t n, off = 0;
	int err;

	if (mh == NULL)
		return (sp__fail(EINVAL));
	if (mh->msg_iovlen < 0)
		return (sp__fail(EMSGSIZE));
	if (mh->msg_iovlen > 0 && mh->msg_iov == NULL)
		return (sp__fail(EFAULT));
	for (int i = 0; i < mh->msg_iovlen; i++) {
		const struct nn_iovec *v = &mh->msg_iov[i];

		if (v->iov_len == NN_MSG && mh->msg_iovlen != 1)
			return (sp__fail(EINVAL));
		if (v->iov_base == NULL && v->iov_len > 0)
			return (sp__fail(EFAULT));
	}
	if ((err = sp__api_recv(id, flags, 0, &m)) != 0)
		return (sp__fail(err));
	if (mh->msg_iovlen == 1 && mh->msg_iov[0].iov_len == NN_MSG)
		return (sp__msg_to_args(m, mh->msg_iov[0].iov_base, NN_MSG));
	n = m->m_len;
	for (int i = 0; i < mh->msg_iovlen && off < n; i++) {
		size_t k = mh->msg_iov[i].iov_len;

		if (k > n - off)
			k = n - off;
		if (k > 0)
			(void) memcpy(mh->msg_iov[i].iov_base,
			    SP_MSG_BODY(m) + off, k);
		off += k;
	}
	sp__msg_free(m);
	return (n > INT_MAX ? INT_MAX : (int)n);
}

/* ---- sp_listen, sp_dial -------------------------------------------------- */

int
sp_listen(int id, const char *url, int flags)
{
	struct sp__sock *s;
	struct sp__ep *ep;
	int err, eid = -1;

	if (flags & ~SP_NONBLOCK)
		return (sp__fail(EINVAL));
	if ((err = sp__sock_get(id, &s)) != 0)
		return (sp__fail(err));
	(void) pthread_mutex_lock(&s->s_lock);
	err = s->s_closing ? EBADF : sp__ep_add_flags(s, url, 0, flags, &ep);
	if (err == 0)
		eid = ep->e_id;
	(void) pthread_mutex_unlock(&s->s_lock);
	sp__sock_rele(s);
	return (err != 0 ? sp__fail(err) : eid);
}

/* zmq_connect's rule (issue 788): one dialer per URL on these types. */
static int
sp__dial_dup_rule(const struct sp__sock *s)
{
	int t = s->s_proto->po_nn;

	return (t == NN_PUB || t == NN_SUB || t == NN_REQ);
}

/* Wait for a synchronous dial's first outcome.  s_lock held. */
static int
sp__dial_wait(struct sp__sock *s, int eid)
{
	int64_t deadline = sp__deadline(s->s_sndtimeo);
	struct sp__ep *ep;
	int err;

	for (;;) {
		if (s->s_closing)
			return (EBADF);		/* nn_close removes it */
		if ((ep = sp__ep_find(s, eid)) == NULL)
			return (ECONNABORTED);	/* nn_shutdown meanwhile */
		if (ep->e_done == 1)
			return (0);
		if (ep->e_done == 2) {
			err = ep->e_err != 0 ? ep->e_err : ECONNREFUSED;
			break;
		}
		if (sp__is_term()) {
			err = ETERM;
			break;
		}
		if (sp__sock_wait(s, deadline) == ETIMEDOUT) {
			err = ETIMEDOUT;
			break;
		}
	}
	(void) sp__ep_remove(s, eid);
	return (err);
}

int
sp_dial(int id, const char *url, int flags)
{
	struct sp__sock *s;
	struct sp__ep *ep = NULL;
	int err = 0, eid = -1;

	if (flags & ~SP_NONBLOCK)
		return (sp__fail(EINVAL));
	if ((err = sp__sock_get(id, &s)) != 0)
		return (sp__fail(err));
	(void) pthread_mutex_lock(&s->s_lock);
	if (s->s_closing) {
		err = EBADF;
		goto out;
	}
	if (url != NULL && sp__dial_dup_rule(s)) {
		for (struct sp__link *l = s->s_eps.l_next; l != &s->s_eps;
		    l = l->l_next) {
			struct sp__ep *e = SP_CONTAINER(l, struct sp__ep,
			    e_link);

			if (e->e_dialer && strcmp(e->e_url, url) == 0) {
				eid = e->e_id;
				goto out;
			}
		}
	}
	if ((err = sp__ep_add_flags(s, url, 1, flags, &ep)) != 0)
		goto out;
	eid = ep->e_id;
	if (!(flags & SP_NONBLOCK))
		err = sp__dial_wait(s, eid);
out:
	(void) pthread_mutex_unlock(&s->s_lock);
	sp__sock_rele(s);
	return (err != 0 ? sp__fail(err) : eid);
}

/* ---- Endpoint queries --------------------------------------------------- */

/* Find eid in socket id; on success s_lock is held and *sp held. */
static int
sp__ep_lookup(int id, int eid, struct sp__sock **sp, struct sp__ep **epp)
{
	struct sp__sock *s;
	int err;

	if ((err = sp__sock_get(id, &s)) != 0)
		return (err);
	(void) pthread_mutex_lock(&s->s_lock);
	if (s->s_closing)
		err = EBADF;
	else if ((*epp = sp__ep_find(s, eid)) == NULL)
		err = EINVAL;
	if (err != 0) {
		(void) pthread_mutex_unlock(&s->s_lock);
		sp__sock_rele(s);
		return (err);
	}
	*sp = s;
	return (0);
}

static void
sp__ep_unlookup(struct sp__sock *s)
{
	(void) pthread_mutex_unlock(&s->s_lock);
	sp__sock_rele(s);
}

int
sp_endpoint_state(int id, int eid, int *errp)
{
	struct sp__sock *s;
	struct sp__ep *ep;
	int err, st;

	if ((err = sp__ep_lookup(id, eid, &s, &ep)) != 0)
		return (sp__fail(err));
	st = ep->e_state;
	if (errp != NULL)
		*errp = ep->e_err;
	sp__ep_unlookup(s);
	return (st);
}

int
sp_endpoint_port(int id, int eid)
{
	struct sp__sock *s;
	struct sp__ep *ep;
	int err, port = -1;

	if ((err = sp__ep_lookup(id, eid, &s, &ep)) != 0)
		return (sp__fail(err));
	if (ep->e_tran->t_port == NULL)
		err = ENOTSUP;
	else if (ep->e_state == SP_EP_BINDING)
		err = EAGAIN;
	else
		port = ep->e_tran->t_port(ep);
	sp__ep_unlookup(s);
	return (err != 0 ? sp__fail(err) : port);
}

/* ---- Peer addressing ---------------------------------------------------- */

uint32_t
sp_connect_peer(int id, const char *url)
{
	struct sp__sock *s;
	struct sp__ep *ep;
	uint32_t peer = 0;
	int err;

	if ((err = sp__sock_get(id, &s)) != 0) {
		errno = err;
		return (0);
	}
	(void) pthread_mutex_lock(&s->s_lock);
	if (s->s_closing)
		err = EBADF;
	else if (!s->s_proto->po_send_to && !s->s_proto->po_recv_from)
		err = ENOTSUP;
	else if ((err = sp__ep_add_flags(s, url, 1, SP_NONBLOCK, &ep)) == 0)
		peer = ep->e_peer_id;
	(void) pthread_mutex_unlock(&s->s_lock);
	sp__sock_rele(s);
	if (err != 0)
		errno = err;
	return (peer);
}

int
sp_send_to(int id, uint32_t peer, const void *buf, size_t len, int flags)
{
	struct sp__msg *m;
	int err = 0;

	if (peer == 0)
		return (sp__fail(EHOSTUNREACH));
	if ((m = sp__msg_from_args(buf, len, &err)) == NULL)
		return (sp__fail(err));
	return (sp__api_send(id, m, flags, peer, len == NN_MSG));
}

int
sp_recv_from(int id, void *buf, size_t len, int flags, uint32_t *peerp)
{
	struct sp__msg *m;
	int err;

	if (buf == NULL && len > 0)
		return (sp__fail(EFAULT));
	if ((err = sp__api_recv(id, flags, 1, &m)) != 0)
		return (sp__fail(err));
	if (peerp != NULL)
		*peerp = m->m_pipe;
	return (sp__msg_to_args(m, buf, len));
}
