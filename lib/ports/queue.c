/*
 * The port's FIFO of events waiting to be retrieved.  It knows nothing
 * about sources: it asks an entry's source whether the entry still counts
 * (es_live) and lets the source finish it on the way out (es_deliver).
 *
 * An entry that loses its meaning while queued (re-associated, dissociated,
 * its timer deleted) is not removed from the ring: its source decrements
 * p_live at once, and the entry is skipped when taken, or squeezed out
 * when the ring would otherwise grow.  All functions: p_lock held.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "evp.h"

#define	Q_SLOT(q, i)	(&(q)->q_ent[(i) & ((q)->q_cap - 1)])

static bool
q_live(struct evp_port *p, const struct evp_qent *e)
{
	const struct evp_source *s = evp__source(e->qe_src);

	return (s->es_live == NULL || s->es_live(p, e));
}

/* Drop dead entries in place; returns how many slots that freed. */
static uint32_t
q_compact(struct evp_port *p)
{
	struct evp_queue *q = &p->p_q;
	uint32_t out = q->q_head, freed;

	for (uint32_t i = q->q_head; i != q->q_tail; i++) {
		struct evp_qent *e = Q_SLOT(q, i);

		if (q_live(p, e))
			*Q_SLOT(q, out++) = *e;
	}
	freed = q->q_tail - out;
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
evp__q_push(struct evp_port *p, unsigned src, uint32_t key, uint32_t gen,
    const port_event_t *ev)
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
	e->qe_key = key;
	e->qe_gen = gen;
	e->qe_src = (uint8_t)src;
	e->qe_round = p->p_round;
	p->p_live++;
	return (0);
}

/*
 * Did the application have a chance to change things since e was queued?
 * An entry queued by this very call was checked when it left the backend;
 * one queued earlier (even by a count just before) may name an fd that was
 * closed since (tests/port_associate.c, closed_queued_fd_no_stale_event).
 */
static bool
q_waited(const struct evp_port *p, const struct evp_qent *e)
{
	return (e->qe_round != p->p_round);
}

/* Move up to max deliverable events to list, oldest first. */
uint_t
evp__q_take(struct evp_port *p, port_event_t *list, uint_t max)
{
	struct evp_queue *q = &p->p_q;
	uint_t n = 0;

	while (n < max && q->q_head != q->q_tail) {
		struct evp_qent *e = Q_SLOT(q, q->q_head++);
		const struct evp_source *s = evp__source(e->qe_src);

		if (!q_live(p, e))
			continue;
		p->p_live--;
		if (s->es_deliver != NULL && !s->es_deliver(p, e, q_waited(p, e)))
			continue;
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
