/*
 * PUB v0 (0x20) and SUB v0 (0x21): no SP header in the payload.
 *
 * PUB sends each message to every peer whose send queue has room and
 * drops it for the others: a slow subscriber loses messages, it never
 * blocks the publisher (nn_send on PUB does not wait).  PUB ignores
 * input.  SUB never sends; it filters on its own side (the SP pub/sub
 * RFC has no subscription messages): a message is queued only if its
 * body starts with one of the prefixes set with NN_SUB_SUBSCRIBE.  A
 * subscription is counted, as nanomsg's trie counts it: subscribing
 * twice needs two NN_SUB_UNSUBSCRIBE; unsubscribing a prefix that is
 * not there succeeds (nanomsg) and changes nothing.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <nanomsg/pubsub.h>

#include "../core/sp.h"

struct pub0 {
	struct sp__link	pb_pipes;
};

static int
pub0_init(struct sp__sock *s)
{
	struct pub0 *pb;

	if ((pb = calloc(1, sizeof (*pb))) == NULL)
		return (ENOMEM);
	sp__list_init(&pb->pb_pipes);
	s->s_proto_data = pb;
	return (0);
}

static void
pub0_fini(struct sp__sock *s)
{
	free(s->s_proto_data);
	s->s_proto_data = NULL;
}

static int
pub0_pipe_add(struct sp__sock *s, struct sp__pipe *p)
{
	struct pub0 *pb = s->s_proto_data;

	sp__list_add(&pb->pb_pipes, &p->p_plink);
	return (0);
}

static void
pub0_pipe_rem(struct sp__sock *s, struct sp__pipe *p)
{
	sp__list_del(&p->p_plink);
}

static int
pub0_sendable(struct sp__sock *s)
{
	return (1);
}

static int
pub0_send(struct sp__sock *s, struct sp__msg *m)
{
	struct pub0 *pb = s->s_proto_data;
	struct sp__link *l, *next;
	struct sp__msg *c;

	for (l = pb->pb_pipes.l_next; l != &pb->pb_pipes; l = next) {
		struct sp__pipe *p = SP_CONTAINER(l, struct sp__pipe, p_plink);

		/* Sending may close p (and unlink it): step first. */
		next = l->l_next;
		if (!sp__pipe_sendable(p))
			continue;	/* full: this subscriber misses it */
		if (next == &pb->pb_pipes) {
			sp__pipe_send(p, m);	/* the last one takes m */
			return (0);
		}
		if ((c = sp__msg_dup(m)) != NULL)
			sp__pipe_send(p, c);
	}
	sp__msg_free(m);
	return (0);
}

static int
pub0_recv(struct sp__sock *s, struct sp__pipe *p, struct sp__msg *m)
{
	return (ENOTSUP);	/* dropped; the connection stays */
}

const struct sp__proto_ops sp__pub0_ops = {
	.po_name = "pub",
	.po_self = 0x20,
	.po_peer = 0x21,
	.po_nn = NN_PUB,
	.po_can_send = 1,
	.po_can_recv = 0,
	.po_init = pub0_init,
	.po_fini = pub0_fini,
	.po_pipe_add = pub0_pipe_add,
	.po_pipe_rem = pub0_pipe_rem,
	.po_send = pub0_send,
	.po_sendable = pub0_sendable,
	.po_recv = pub0_recv,
};

/* ---- SUB ----------------------------------------------------------------- */

struct sub0_topic {
	size_t		t_len;
	unsigned	t_refs;
	unsigned char	t_data[];
};

struct sub0 {
	struct sub0_topic **sb_topics;
	size_t		sb_n;
	size_t		sb_cap;
};

static int
sub0_init(struct sp__sock *s)
{
	if ((s->s_proto_data = calloc(1, sizeof (struct sub0))) == NULL)
		return (ENOMEM);
	return (0);
}

static void
sub0_fini(struct sp__sock *s)
{
	struct sub0 *sb = s->s_proto_data;

	for (size_t i = 0; i < sb->sb_n; i++)
		free(sb->sb_topics[i]);
	free(sb->sb_topics);
	free(sb);
	s->s_proto_data = NULL;
}

static int
sub0_pipe_add(struct sp__sock *s, struct sp__pipe *p)
{
	return (0);
}

static void
sub0_pipe_rem(struct sp__sock *s, struct sp__pipe *p)
{
}

static int
sub0_send(struct sp__sock *s, struct sp__msg *m)
{
	return (ENOTSUP);
}

static int
sub0_sendable(struct sp__sock *s)
{
	return (0);
}

static int
sub0_recv(struct sp__sock *s, struct sp__pipe *p, struct sp__msg *m)
{
	struct sub0 *sb = s->s_proto_data;

	for (size_t i = 0; i < sb->sb_n; i++) {
		struct sub0_topic *t = sb->sb_topics[i];

		if (t->t_len <= m->m_len && (t->t_len == 0 ||
		    memcmp(t->t_data, SP_MSG_BODY(m), t->t_len) == 0))
			return (0);
	}
	return (ENOENT);	/* not subscribed: dropped */
}

static ssize_t
sub0_find(struct sub0 *sb, const void *val, size_t len)
{
	for (size_t i = 0; i < sb->sb_n; i++) {
		if (sb->sb_topics[i]->t_len == len && (len == 0 ||
		    memcmp(sb->sb_topics[i]->t_data, val, len) == 0))
			return ((ssize_t)i);
	}
	return (-1);
}

static int
sub0_setopt(struct sp__sock *s, int opt, const void *val, size_t len)
{
	struct sub0 *sb = s->s_proto_data;
	struct sub0_topic *t, **nt;
	ssize_t i;

	if (opt != NN_SUB_SUBSCRIBE && opt != NN_SUB_UNSUBSCRIBE)
		return (ENOPROTOOPT);
	i = sub0_find(sb, val, len);
	if (opt == NN_SUB_UNSUBSCRIBE) {
		if (i >= 0 && --sb->sb_topics[i]->t_refs == 0) {
			free(sb->sb_topics[i]);
			sb->sb_topics[i] = sb->sb_topics[--sb->sb_n];
		}
		return (0);
	}
	if (i >= 0) {
		sb->sb_topics[i]->t_refs++;
		return (0);
	}
	if (sb->sb_n == sb->sb_cap) {
		size_t cap = sb->sb_cap ? sb->sb_cap * 2 : 8;

		if ((nt = realloc(sb->sb_topics, cap * sizeof (*nt))) == NULL)
			return (ENOMEM);
		sb->sb_topics = nt;
		sb->sb_cap = cap;
	}
	if (len > SIZE_MAX - sizeof (*t) ||
	    (t = malloc(sizeof (*t) + len)) == NULL)
		return (ENOMEM);
	t->t_len = len;
	t->t_refs = 1;
	if (len > 0)
		(void) memcpy(t->t_data, val, len);
	sb->sb_topics[sb->sb_n++] = t;
	return (0);
}

static int
sub0_getopt(struct sp__sock *s, int opt, void *val, size_t *lenp)
{
	return (ENOPROTOOPT);	/* write-only, as in nanomsg */
}

const struct sp__proto_ops sp__sub0_ops = {
	.po_name = "sub",
	.po_self = 0x21,
	.po_peer = 0x20,
	.po_nn = NN_SUB,
	.po_can_send = 0,
	.po_can_recv = 1,
	.po_init = sub0_init,
	.po_fini = sub0_fini,
	.po_pipe_add = sub0_pipe_add,
	.po_pipe_rem = sub0_pipe_rem,
	.po_send = sub0_send,
	.po_sendable = sub0_sendable,
	.po_recv = sub0_recv,
	.po_setopt = sub0_setopt,
	.po_getopt = sub0_getopt,
};
