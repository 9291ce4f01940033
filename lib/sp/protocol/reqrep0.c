/*
 * REQ v0 (0x30) and REP v0 (0x31), sp-protocol.md 1.4.
 *
 * REQ tags each request with a 32-bit big-endian id whose top bit is set;
 * ids count up from a random start.  One request is outstanding: nn_send
 * never blocks (the request waits in the socket until a peer is there),
 * and a new nn_send cancels the old request, whose late reply is then
 * dropped.  The request goes to the next peer, round robin; it is sent
 * again (to the next peer) after NN_REQ_RESEND_IVL without a reply, and
 * at once when the peer it went to disconnects.  One protocol timer
 * (s_ptimer) does both: it fires at 0 ms when a request has no pipe and
 * one appears, and at the resend time while a request is in flight.
 * nn_recv without an outstanding request fails with EFSM, as in nanomsg;
 * so does a second nn_recv after the reply.
 *
 * REP moves the backtrace (words up to and including the one with the top
 * bit set) from the body into the message header: fewer than 4 bytes
 * before that word is a broken peer and closes its connection; more hops
 * than NN_MAXTTL, or than the 64-byte header holds (16 words), drop the
 * message silently.  The pipe travels beside the header (m_pipe).
 * nn_recv remembers the backtrace and the pipe; nn_send returns the reply
 * there (and drops it silently if that peer has gone or its queue is
 * full, as nanomsg does).  nn_send without a request
 * received fails with EFSM; a new nn_recv forgets an unanswered request.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <nanomsg/reqrep.h>

#include "../core/sp.h"

#define	REQ_DEFAULT_RESEND	60000	/* ms, nanomsg's default */

static uint32_t
get_u32(const unsigned char *b)
{
	return (((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	    ((uint32_t)b[2] << 8) | b[3]);
}

static void
put_u32(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
}

/* ---- REQ ----------------------------------------------------------------- */

struct req0 {
	struct sp__link	rq_pipes;	/* round robin: head is next */
	uint32_t	rq_next;	/* next request id (low 31 bits) */
	uint32_t	rq_id;		/* outstanding request, 0: none */
	int		rq_replied;	/* its reply is in the receive queue */
	struct sp__msg	*rq_req;	/* the request, kept for resending */
	struct sp__pipe	*rq_sent_to;	/* NULL: not (re)sent yet */
	int		rq_resend_ivl;
};

static void	req0_kick(struct sp__sock *);

static void
req0_resend_cb(struct sp__timer *t)
{
	struct sp__sock *s = t->t_arg;
	struct req0 *rq;

	(void) pthread_mutex_lock(&s->s_lock);
	/* Recheck: the socket may have closed after the timer fired. */
	if (!s->s_closing && (rq = s->s_proto_data) != NULL &&
	    rq->rq_req != NULL && !rq->rq_replied) {
		rq->rq_sent_to = NULL;
		req0_kick(s);
	}
	(void) pthread_mutex_unlock(&s->s_lock);
}

static int
req0_init(struct sp__sock *s)
{
	struct req0 *rq;

	if ((rq = calloc(1, sizeof (*rq))) == NULL)
		return (ENOMEM);
	sp__list_init(&rq->rq_pipes);
	rq->rq_next = sp__random();
	rq->rq_resend_ivl = REQ_DEFAULT_RESEND;
	s->s_ptimer.t_cb = req0_resend_cb;
	s->s_proto_data = rq;
	return (0);
}

static void
req0_fini(struct sp__sock *s)
{
	struct req0 *rq = s->s_proto_data;

	sp__timer_cancel(s->s_io, &s->s_ptimer);
	sp__msg_free(rq->rq_req);
	free(rq);
	s->s_proto_data = NULL;
}

/* Send the outstanding request if it is not on some pipe already. */
static void
req0_kick(struct sp__sock *s)
{
	struct req0 *rq = s->s_proto_data;
	struct sp__pipe *p = NULL;
	struct sp__msg *c;

	if (rq->rq_req == NULL || rq->rq_replied || rq->rq_sent_to != NULL ||
	    sp__list_empty(&rq->rq_pipes))
		return;
	for (struct sp__link *l = rq->rq_pipes.l_next; l != &rq->rq_pipes;
	    l = l->l_next) {
		struct sp__pipe *q = SP_CONTAINER(l, struct sp__pipe, p_plink);

		if (sp__pipe_sendable(q)) {
			p = q;
			break;
		}
	}
	/* All queues full: one request may exceed NN_SNDBUF. */
	if (p == NULL)
		p = SP_CONTAINER(rq->rq_pipes.l_next, struct sp__pipe,
		    p_plink);
	if ((c = sp__msg_dup(rq->rq_req)) == NULL)
		return;		/* the resend timer tries again */
	sp__list_del(&p->p_plink);
	sp__list_add(&rq->rq_pipes, &p->p_plink);
	/* Set first: if the send closes p, pipe_rem sends elsewhere. */
	rq->rq_sent_to = p;
	sp__timer_schedule(s->s_io, &s->s_ptimer, rq->rq_resend_ivl);
	sp__pipe_send(p, c);
}

static int
req0_pipe_add(struct sp__sock *s, struct sp__pipe *p)
{
	struct req0 *rq = s->s_proto_data;

	sp__list_add(&rq->rq_pipes, &p->p_plink);
	/*
	 * The pipe is not active until this returns: a waiting request
	 * goes out from the timer, on the I/O thread, right after.
	 */
	if (rq->rq_req != NULL && rq->rq_sent_to == NULL && !rq->rq_replied)
		sp__timer_schedule(s->s_io, &s->s_ptimer, 0);
	return (0);
}

static void
req0_pipe_rem(struct sp__sock *s, struct sp__pipe *p)
{
	struct req0 *rq = s->s_proto_data;

	sp__list_del(&p->p_plink);
	if (rq->rq_sent_to == p) {
		/*
		 * Its reply cannot come now: ask another peer at once, from
		 * the timer (pipe_rem runs inside other pipes' calls).
		 */
		rq->rq_sent_to = NULL;
		if (!rq->rq_replied)
			sp__timer_schedule(s->s_io, &s->s_ptimer, 0);
	}
}

static int
req0_sendable(struct sp__sock *s)
{
	return (1);
}

static int
req0_send(struct sp__sock *s, struct sp__msg *m)
{
	struct req0 *rq = s->s_proto_data;

	/* A new request cancels the outstanding one. */
	sp__msg_free(rq->rq_req);
	sp__timer_cancel(s->s_io, &s->s_ptimer);
	rq->rq_id = (rq->rq_next++ & 0x7fffffffU) | 0x80000000U;
	rq->rq_replied = 0;
	rq->rq_sent_to = NULL;
	put_u32(m->m_hdr, rq->rq_id);
	m->m_hdrlen = 4;
	rq->rq_req = m;
	req0_kick(s);
	return (0);
}

static int
req0_recv(struct sp__sock *s, struct sp__pipe *p, struct sp__msg *m)
{
	struct req0 *rq = s->s_proto_data;

	if (m->m_len < 4 || sp__msg_body_to_hdr(m, 4) != 0)
		return (EINVAL);	/* not a reply: dropped */
	if (rq->rq_id == 0 || get_u32(m->m_hdr) != rq->rq_id ||
	    rq->rq_replied)
		return (ENOENT);	/* stale or duplicate */
	rq->rq_replied = 1;
	sp__timer_cancel(s->s_io, &s->s_ptimer);
	return (0);
}

static int
req0_recv_check(struct sp__sock *s)
{
	struct req0 *rq = s->s_proto_data;

	return (rq->rq_id == 0 ? EFSM : 0);
}

static int
req0_recv_take(struct sp__sock *s, struct sp__msg *m)
{
	struct req0 *rq = s->s_proto_data;

	if (m->m_hdrlen != 4 || get_u32(m->m_hdr) != rq->rq_id)
		return (ENOENT);	/* reply to a cancelled request */
	sp__msg_free(rq->rq_req);
	rq->rq_req = NULL;
	rq->rq_id = 0;
	rq->rq_replied = 0;
	rq->rq_sent_to = NULL;
	return (0);
}

static int
req0_setopt(struct sp__sock *s, int opt, const void *val, size_t len)
{
	struct req0 *rq = s->s_proto_data;
	int v;

	if (opt != NN_REQ_RESEND_IVL)
		return (ENOPROTOOPT);
	if (len != sizeof (v))
		return (EINVAL);
	(void) memcpy(&v, val, sizeof (v));
	if (v <= 0)
		return (EINVAL);	/* 0 would resend in a loop */
	rq->rq_resend_ivl = v;
	return (0);
}

static int
req0_getopt(struct sp__sock *s, int opt, void *val, size_t *lenp)
{
	struct req0 *rq = s->s_proto_data;
	int v = rq->rq_resend_ivl;

	if (opt != NN_REQ_RESEND_IVL)
		return (ENOPROTOOPT);
	(void) memcpy(val, &v, *lenp < sizeof (v) ? *lenp : sizeof (v));
	*lenp = sizeof (v);
	return (0);
}

const struct sp__proto_ops sp__req0_ops = {
	.po_name = "req",
	.po_self = 0x30,
	.po_peer = 0x31,
	.po_nn = NN_REQ,
	.po_can_send = 1,
	.po_can_recv = 1,
	.po_init = req0_init,
	.po_fini = req0_fini,
	.po_pipe_add = req0_pipe_add,
	.po_pipe_rem = req0_pipe_rem,
	.po_send = req0_send,
	.po_sendable = req0_sendable,
	.po_recv = req0_recv,
	.po_recv_check = req0_recv_check,
	.po_recv_take = req0_recv_take,
	.po_setopt = req0_setopt,
	.po_getopt = req0_getopt,
};

/* ---- REP ----------------------------------------------------------------- */

struct rep0 {
	int		rp_have;	/* a request awaits its reply */
	uint32_t	rp_pipe;
	size_t		rp_btlen;
	unsigned char	rp_bt[SP_HDR_MAX];
};

static int
rep0_init(struct sp__sock *s)
{
	if ((s->s_proto_data = calloc(1, sizeof (struct rep0))) == NULL)
		return (ENOMEM);
	return (0);
}

static void
rep0_fini(struct sp__sock *s)
{
	free(s->s_proto_data);
	s->s_proto_data = NULL;
}

static int
rep0_pipe_add(struct sp__sock *s, struct sp__pipe *p)
{
	return (0);
}

static void
rep0_pipe_rem(struct sp__sock *s, struct sp__pipe *p)
{
}

static int
rep0_sendable(struct sp__sock *s)
{
	return (((struct rep0 *)s->s_proto_data)->rp_have);
}

static int
rep0_send(struct sp__sock *s, struct sp__msg *m)
{
	struct rep0 *rp = s->s_proto_data;
	struct sp__pipe *p;

	if (!rp->rp_have)
		return (EFSM);
	rp->rp_have = 0;
	(void) memcpy(m->m_hdr, rp->rp_bt, rp->rp_btlen);
	m->m_hdrlen = rp->rp_btlen;
	if ((p = sp__sock_pipe(s, rp->rp_pipe)) != NULL &&
	    sp__pipe_sendable(p))
		sp__pipe_send(p, m);
	else
		sp__msg_free(m);	/* requester gone: reply dropped */
	sp__sock_notify(s);
	return (0);
}

static int
rep0_recv(struct sp__sock *s, struct sp__pipe *p, struct sp__msg *m)
{
	int hops = 0;

	for (;;) {
		if (m->m_len < 4)
			return (EPROTO);	/* no request id: broken peer */
		if (++hops > s->s_maxttl || m->m_hdrlen + 4 > SP_HDR_MAX)
			return (ENOENT);	/* too many hops: dropped */
		(void) sp__msg_body_to_hdr(m, 4);
		if (m->m_hdr[m->m_hdrlen - 4] & 0x80)
			return (0);
	}
}

static int
rep0_recv_take(struct sp__sock *s, struct sp__msg *m)
{
	struct rep0 *rp = s->s_proto_data;

	/* A new request replaces one left unanswered. */
	(void) memcpy(rp->rp_bt, m->m_hdr, m->m_hdrlen);
	rp->rp_btlen = m->m_hdrlen;
	rp->rp_pipe = m->m_pipe;
	rp->rp_have = 1;
	sp__sock_notify(s);
	return (0);
}

const struct sp__proto_ops sp__rep0_ops = {
	.po_name = "rep",
	.po_self = 0x31,
	.po_peer = 0x30,
	.po_nn = NN_REP,
	.po_can_send = 1,
	.po_can_recv = 1,
	.po_init = rep0_init,
	.po_fini = rep0_fini,
	.po_pipe_add = rep0_pipe_add,
	.po_pipe_rem = rep0_pipe_rem,
	.po_send = rep0_send,
	.po_sendable = rep0_sendable,
	.po_recv = rep0_recv,
	.po_recv_take = rep0_recv_take,
};
