/*
 * PORT_SOURCE_TIMER: the port side of SIGEV_PORT timers (see timer.h and
 * timer_create(3C)).
 *
 * A port keeps the timers that notify it in a table indexed by the key of
 * their tags, so that a backend report or a queued event finds its timer
 * without the process's table (whose lock comes before p_lock).  The key
 * is the timer's timerfd number, unique among live timers and small (the
 * poll backend hands back the fd number as the key).  Each attach bumps
 * the entry's generation: reports and queued events of a deleted timer
 * never reach a timer that gets the same number.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "evp.h"
#include "timer.h"

/* An entry of a port's table, indexed by timerfd number. */
struct tslot {
	struct evp_timer *ts_timer;	/* NULL: none */
	uint32_t	ts_gen;		/* bumped at each attach */
};

struct tport {
	struct tslot	*tp_slot;
	uint32_t	tp_cap;
	uint32_t	tp_n;		/* timers attached */
};

static struct evp_timer *
timer_of(struct evp_port *p, uint32_t key, uint32_t gen)
{
	struct tport *tp = p->p_timer;

	if (tp == NULL || key >= tp->tp_cap || tp->tp_slot[key].ts_gen != gen)
		return (NULL);
	return (tp->tp_slot[key].ts_timer);
}

/* Make room for key; the table only grows, as fd numbers are reused. */
static int
tport_reserve(struct tport *tp, uint32_t key)
{
	uint32_t ncap = tp->tp_cap != 0 ? tp->tp_cap : 16;
	struct tslot *ns;

	if (key < tp->tp_cap)
		return (0);
	while (ncap <= key)
		ncap *= 2;
	if ((ns = realloc(tp->tp_slot, ncap * sizeof (*ns))) == NULL)
		return (ENOMEM);
	for (uint32_t i = tp->tp_cap; i < ncap; i++) {
		ns[i].ts_timer = NULL;
		ns[i].ts_gen = 0;
	}
	tp->tp_slot = ns;
	tp->tp_cap = ncap;
	return (0);
}

/* Add what the timerfd counted to t_count; false if it counted nothing. */
static bool
timer_read(struct evp_timer *t)
{
	uint64_t n;

	if (read(t->t_fd, &n, sizeof (n)) != (ssize_t)sizeof (n) || n == 0)
		return (false);
	t->t_count = t->t_count > UINT64_MAX - n ? UINT64_MAX : t->t_count + n;
	return (true);
}

/* Hand t_count over: expirations since the last delivery, as illumos. */
static int
timer_take(struct evp_timer *t)
{
	int n = t->t_count > INT_MAX ? INT_MAX : (int)t->t_count;

	t->t_count = 0;
	t->t_overrun = n - 1;
	t->t_queued = false;
	return (n);
}

/*
 * Give the port an event for t, unless one is queued already: then the
 * expirations just add to its count.  If memory runs out, the count waits
 * for the next expiry.  Returns what evp__emit returned, or 0.
 */
static int
timer_notify(struct evp_port *p, struct evp_timer *t)
{
	struct tport *tp = p->p_timer;
	port_event_t ev;
	int r;

	if (t->t_queued || t->t_count == 0)
		return (0);
	ev.portev_events = t->t_count > INT_MAX ? INT_MAX : (int)t->t_count;
	ev.portev_source = PORT_SOURCE_TIMER;
	ev.portev_pad = 0;
	ev.portev_object = (uintptr_t)t->t_id;
	ev.portev_user = t->t_user;
	r = evp__emit(p, EVP_SRC_TIMER, (uint32_t)t->t_fd,
	    tp->tp_slot[t->t_fd].ts_gen, &ev);
	if (r == EVP_EMIT_DIRECT)
		(void) timer_take(t);
	else if (r == EVP_EMIT_QUEUED)
		t->t_queued = true;
	return (r);
}

int
evp__timer_attach(struct evp_port *p, struct evp_timer *t)
{
	struct tport *tp = p->p_timer;
	uint32_t key = (uint32_t)t->t_fd;
	struct tslot *s;
	int err;

	if (tp == NULL) {
		if ((tp = calloc(1, sizeof (*tp))) == NULL)
			return (ENOMEM);
		p->p_timer = tp;
	}
	/* illumos holds an event slot for each timer: the port's limit. */
	if (tp->tp_n >= EVP_MAX_EVENTS)
		return (EAGAIN);
	if ((err = tport_reserve(tp, key)) != 0)
		return (err);
	s = &tp->tp_slot[key];
	s->ts_gen = EVP_GEN_NEXT(s->ts_gen);
	err = p->p_be->eb_arm(p->p_be_state, t->t_fd, POLLIN,
	    EVP_TAG(EVP_SRC_TIMER, s->ts_gen, key), 0);
	/* ENOSPC: epoll's limit on watches, a resource like any other. */
	if (err != 0)
		return (err == ENOSPC ? EAGAIN : err);
	s->ts_timer = t;
	tp->tp_n++;
	t->t_count = 0;
	t->t_overrun = 0;
	t->t_queued = false;
	if (p->p_be->eb_flags & EVP_BE_ARM_WAKES)
		evp__wake_leader(p);
	return (0);
}

void
evp__timer_detach(struct evp_port *p, struct evp_timer *t)
{
	struct tport *tp = p->p_timer;

	p->p_be->eb_disarm(p->p_be_state, t->t_fd);
	/* Its queued event is dead now (timer_live); it no longer counts. */
	if (t->t_queued) {
		t->t_queued = false;
		p->p_live--;
	}
	tp->tp_slot[t->t_fd].ts_timer = NULL;
	tp->tp_n--;
}

void
evp__timer_collect(struct evp_port *p, struct evp_timer *t)
{
	if (timer_read(t) && timer_notify(p, t) == EVP_EMIT_QUEUED)
		evp__wake_waiters(p, false);
}

static void
timer_report(struct evp_port *p, uint32_t key, uint32_t gen, int revents)
{
	struct evp_timer *t = timer_of(p, key, gen);

	(void) revents;
	if (t != NULL && timer_read(t))
		(void) timer_notify(p, t);
}

static bool
timer_live(struct evp_port *p, const struct evp_qent *e)
{
	struct evp_timer *t = timer_of(p, e->qe_key, e->qe_gen);

	return (t != NULL && t->t_queued);
}

static bool
timer_deliver(struct evp_port *p, struct evp_qent *e, bool waited)
{
	struct evp_timer *t = timer_of(p, e->qe_key, e->qe_gen);

	(void) waited;
	if (t == NULL || !t->t_queued)
		return (false);
	e->qe_ev.portev_events = timer_take(t);
	return (true);
}

/*
 * The port is going away.  Its timers live on until timer_delete, but,
 * as on illumos, their notification becomes none.
 */
static void
timer_fini(struct evp_port *p)
{
	struct tport *tp = p->p_timer;

	if (tp == NULL)
		return;
	evp__timers_lock();
	pthread_mutex_lock(&p->p_lock);
	for (uint32_t i = 0; i < tp->tp_cap; i++) {
		struct evp_timer *t = tp->tp_slot[i].ts_timer;

		if (t != NULL) {
			p->p_be->eb_disarm(p->p_be_state, t->t_fd);
			t->t_port = NULL;
			t->t_queued = false;
		}
	}
	p->p_timer = NULL;
	pthread_mutex_unlock(&p->p_lock);
	evp__timers_unlock();
	free(tp->tp_slot);
	free(tp);
}

/*
 * Forked child: timers are not inherited (timer_create(3C)), and timer.c
 * closes their timerfds and frees them; only the port's table is ours.
 */
static void
timer_forget(struct evp_port *p)
{
	struct tport *tp = p->p_timer;

	p->p_timer = NULL;
	if (tp != NULL) {
		free(tp->tp_slot);
		free(tp);
	}
}

const struct evp_source evp__source_timer = {
	.es_id = EVP_SRC_TIMER,
	.es_report = timer_report,
	.es_live = timer_live,
	.es_deliver = timer_deliver,
	.es_fini = timer_fini,
	.es_forget = timer_forget,
};
