/*
 * PUSH v0 (0x50) and PULL v0 (0x51): no SP header in the payload.
 * PUSH hands each message to the next pipe, round robin, that has room in
 * its send queue (NN_SNDBUF); nanomsg's priorities (NN_SNDPRIO) are
 * accepted as options but not used yet.  PULL queues whatever arrives;
 * each pipe stops reading while the receive queue is full, so one busy
 * sender cannot lock the others out for long.  PUSH ignores input.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <nanomsg/pipeline.h>

#include "../core/sp.h"

struct push0 {
	struct sp__link	pu_pipes;	/* round robin: head is next */
};

static int
push0_init(struct sp__sock *s)
{
	struct push0 *pu;

	if ((pu = calloc(1, sizeof (*pu))) == NULL)
		return (ENOMEM);
	sp__list_init(&pu->pu_pipes);
	s->s_proto_data = pu;
	return (0);
}

static void
push0_fini(struct sp__sock *s)
{
	free(s->s_proto_data);
	s->s_proto_data = NULL;
}

static int
push0_pipe_add(struct sp__sock *s, struct sp__pipe *p)
{
	struct push0 *pu = s->s_proto_data;

	sp__list_add(&pu->pu_pipes, &p->p_plink);
	return (0);
}

static void
push0_pipe_rem(struct sp__sock *s, struct sp__pipe *p)
{
	sp__list_del(&p->p_plink);
}

static struct sp__pipe *
push0_next(struct sp__sock *s)
{
	struct push0 *pu = s->s_proto_data;

	for (struct sp__link *l = pu->pu_pipes.l_next; l != &pu->pu_pipes;
	    l = l->l_next) {
		struct sp__pipe *p = SP_CONTAINER(l, struct sp__pipe, p_plink);

		if (sp__pipe_sendable(p))
			return (p);
	}
	return (NULL);
}

static int
push0_sendable(struct sp__sock *s)
{
	return (push0_next(s) != NULL);
}

static int
push0_send(struct sp__sock *s, struct sp__msg *m)
{
	struct push0 *pu = s->s_proto_data;
	struct sp__pipe *p;

	if ((p = push0_next(s)) == NULL)
		return (EAGAIN);
	/* Rotate before sending: the send may close p. */
	sp__list_del(&p->p_plink);
	sp__list_add(&pu->pu_pipes, &p->p_plink);
	sp__pipe_send(p, m);
	return (0);
}

static int
push0_recv(struct sp__sock *s, struct sp__pipe *p, struct sp__msg *m)
{
	return (ENOTSUP);	/* dropped; the connection stays */
}

static int
pull0_init(struct sp__sock *s)
{
	return (0);
}

static void
pull0_fini(struct sp__sock *s)
{
}

static int
pull0_pipe_add(struct sp__sock *s, struct sp__pipe *p)
{
	return (0);
}

static void
pull0_pipe_rem(struct sp__sock *s, struct sp__pipe *p)
{
}

static int
pull0_send(struct sp__sock *s, struct sp__msg *m)
{
	return (ENOTSUP);
}

static int
pull0_sendable(struct sp__sock *s)
{
	return (0);
}

static int
pull0_recv(struct sp__sock *s, struct sp__pipe *p, struct sp__msg *m)
{
	return (0);
}

const struct sp__proto_ops sp__push0_ops = {
	.po_name = "push",
	.po_self = 0x50,
	.po_peer = 0x51,
	.po_nn = NN_PUSH,
	.po_can_send = 1,
	.po_can_recv = 0,
	.po_init = push0_init,
	.po_fini = push0_fini,
	.po_pipe_add = push0_pipe_add,
	.po_pipe_rem = push0_pipe_rem,
	.po_send = push0_send,
	.po_sendable = push0_sendable,
	.po_recv = push0_recv,
	.po_send_to = 1,
};

const struct sp__proto_ops sp__pull0_ops = {
	.po_name = "pull",
	.po_self = 0x51,
	.po_peer = 0x50,
	.po_nn = NN_PULL,
	.po_can_send = 0,
	.po_can_recv = 1,
	.po_init = pull0_init,
	.po_fini = pull0_fini,
	.po_pipe_add = pull0_pipe_add,
	.po_pipe_rem = pull0_pipe_rem,
	.po_send = pull0_send,
	.po_sendable = pull0_sendable,
	.po_recv = pull0_recv,
	.po_recv_from = 1,
};
