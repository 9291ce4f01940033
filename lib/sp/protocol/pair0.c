/*
 * PAIR v0 (type 0x10, peer 0x10): one peer at a time; no SP header in the
 * payload.  A second connection is accepted at the transport level and
 * then closed, as nanomsg and nng do.
 */
#include "config.h"

#include <errno.h>
#include <nanomsg/pair.h>

#include "../core/sp.h"

static int
pair0_init(struct sp__sock *s)
{
	s->s_proto_data = NULL;		/* the peer's pipe */
	return (0);
}

static void
pair0_fini(struct sp__sock *s)
{
	s->s_proto_data = NULL;
}

static int
pair0_pipe_add(struct sp__sock *s, struct sp__pipe *p)
{
	if (s->s_proto_data != NULL)
		return (EBUSY);
	s->s_proto_data = p;
	return (0);
}

static void
pair0_pipe_rem(struct sp__sock *s, struct sp__pipe *p)
{
	if (s->s_proto_data == p)
		s->s_proto_data = NULL;
}

static int
pair0_sendable(struct sp__sock *s)
{
	struct sp__pipe *p = s->s_proto_data;

	return (p != NULL && sp__pipe_sendable(p));
}

static int
pair0_send(struct sp__sock *s, struct sp__msg *m)
{
	if (!pair0_sendable(s))
		return (EAGAIN);
	sp__pipe_send(s->s_proto_data, m);
	return (0);
}

static int
pair0_recv(struct sp__sock *s, struct sp__pipe *p, struct sp__msg *m)
{
	return (0);
}

const struct sp__proto_ops sp__pair0_ops = {
	.po_name = "pair",
	.po_self = 0x10,
	.po_peer = 0x10,
	.po_nn = NN_PAIR,
	.po_can_send = 1,
	.po_can_recv = 1,
	.po_init = pair0_init,
	.po_fini = pair0_fini,
	.po_pipe_add = pair0_pipe_add,
	.po_pipe_rem = pair0_pipe_rem,
	.po_send = pair0_send,
	.po_sendable = pair0_sendable,
	.po_recv = pair0_recv,
};
