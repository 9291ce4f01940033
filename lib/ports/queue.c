/*
 * The port's FIFO of events waiting to be retrieved.
 *
 * FD events that lose their meaning while queued (the fd was re-associated,
 * dissociated, or closed) are not removed from the ring; they are skipped
 * when taken, and squeezed out when the ring would otherwise grow.
 * p->p_live counts only the valid entries.  All functions: p_lock held.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "evp.h"

#define	Q_SLOT(q, i)	(&(q)->q_ent[(i) & ((q)->q_cap - 1)])

/* Drop dead entries in place; returns how many slots that freed. */
static uint32_t
q_compact(struct evp_port *p)
{
	struct evp_queue *q = &p->p_q;
	uint32_t out = q->q_head;

	for (uint32_t i = q->q_head; i != q->q_tail; i++) {
		struct evp_qent *e = Q_SLOT(q, i);

		if (evp__qent_valid(p, e))
			*Q_SLOT(q, out++) = *e;
	}
	uint32_t freed = q->q_tail - out;

	q->q_tail = out;
	return (freed);
}

static int
q_grow(struct evp_queue *q)
{
	uint32_t ncap = q->q_cap ? q->q_cap * 2 : 64;
	struct evp_qent *ne = malloc(ncap * sizeof (*ne));

	if (ne == NULL)
		return (ENOMEM);
	for (uint32_t i = q->q_head, j = 0; i != q->q_tail; i++, j++)
		ne[j] = *Q_SLOT(q, i);
	q->q_tail -= q->q_head;
	q->q_head = 0;
	free(q->q_ent);
	q->q_ent = ne;
	q->q_cap = ncap;
	return (0);
}

int
evp__q_push(struct evp_port *p, const port_event_t *ev, uint32_t gen)
{
	struct evp_queue *q = &p->p_q;
	struct evp_qent *e;

	if (q->q_tail - q->q_head == q->q_cap) {
		/* Compact first when at least a quarter of the ring is dead. */
		if (q->q_cap - p->p_live < q->q_cap / 4 || q_compact(p) == 0) {
			int err = q_grow(q);

			if (err != 0)
				return (err);
		}
	}
	e = Q_SLOT(q, q->q_tail++);
	e->qe_ev = *ev;
	e->qe_gen = gen;
	e->qe_round = p->p_round;
	p->p_live++;
	return (0);
}

/* Move up to max valid events to list, oldest first; returns the count. */
uint_t
evp__q_take(struct evp_port *p, port_event_t *list, uint_t max)
{
	struct evp_queue *q = &p->p_q;
	uint_t n = 0;

	while (n < max && q->q_head != q->q_tail) {
		struct evp_qent *e = Q_SLOT(q, q->q_head++);
		struct evp_assoc *a;
		int fd;

		if (!evp__qent_valid(p, e))
			continue;
		p->p_live--;
		if (e->qe_ev.portev_source == PORT_SOURCE_FD) {
			fd = (int)e->qe_ev.portev_object;
			a = &p->p_assoc[fd];
			/*
			 * An event that waited past the call that queued it,
			 * or a synthesized one (queued by port_associate), is
			 * delivered only if fd still names the same file.
			 */
			if ((e->qe_round != p->p_round ||
			    (a->ea_flags & EVP_A_SYNTH)) &&
			    !evp__fd_current(p, fd)) {
				a->ea_flags = 0;
				continue;
			}
			a->ea_flags &= ~(EVP_A_QUEUED | EVP_A_SYNTH);
		}
		list[n++] = e->qe_ev;
	}
	if (q->q_head == q->q_tail)
		q->q_head = q->q_tail = 0;
	return (n);
}

void
evp__q_free(struct evp_queue *q)
{
	free(q->q_ent);
	q->q_ent = NULL;
	q->q_cap = q->q_head = q->q_tail = 0;
}
