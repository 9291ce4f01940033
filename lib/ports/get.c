/*
 * Retrieving events: port_get and port_getn.
 *
 * Waiting is leader/follower: one thread at a time (the leader) sleeps in
 * the backend and turns what it reports into events; the others sleep on
 * p_cond and take from the queue.  Every event is taken under p_lock, so
 * each one is delivered exactly once however many threads wait.  A call
 * only ever appends to the caller's list, and leaves from one place.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "evp.h"

/* Largest number of reports the leader asks the backend for at once. */
#define	PULL_MAX	8192

const struct evp_source *
evp__source(unsigned id)
{
	switch (id) {
	case EVP_SRC_FD:
		return (&evp__source_fd);
	case EVP_SRC_TIMER:
		return (&evp__source_timer);
	case EVP_SRC_FILE:
		return (&evp__source_file);
	default:
		return (&evp__source_user);
	}
}

int
evp__emit(struct evp_port *p, unsigned src, uint32_t key, uint32_t gen,
    const port_event_t *ev)
{
	struct evp_sink *sink = p->p_sink;

	/* Straight to the caller only while nothing older is queued. */
	if (sink != NULL && sink->s_n < sink->s_max && p->p_live == 0) {
		sink->s_list[sink->s_n++] = *ev;
		return (EVP_EMIT_DIRECT);
	}
	if (evp__q_push(p, src, key, gen, ev) != 0)
		return (ENOMEM);
	return (EVP_EMIT_QUEUED);
}

/* Route the leader's reports to the port itself or to their sources. */
void
evp__dispatch(struct evp_port *p, const struct evp_ready *r, int n)
{
	for (int i = 0; i < n; i++) {
		uint64_t t = r[i].er_tag;
		const struct evp_source *s;

		switch (EVP_TAG_SRC(t)) {
		case EVP_SRC_WAKE:
			evp__wake_drain(p->p_wakefd);
			p->p_woken = false;
			break;
		case EVP_SRC_CLOSED:
			if (evp__user_gone(p))
				p->p_closed = true;
			break;
		case EVP_SRC_REAP:
			break;		/* reaped by lead() already */
		default:
			s = evp__source(EVP_TAG_SRC(t));
			if (s->es_report != NULL)
				s->es_report(p, EVP_TAG_KEY(t), EVP_TAG_GEN(t),
				    r[i].er_revents);
			break;
		}
	}
}

static bool
reports_reap(const struct evp_ready *r, int n)
{
	for (int i = 0; i < n; i++) {
		if (EVP_TAG_SRC(r[i].er_tag) == EVP_SRC_REAP)
			return (true);
	}
	return (false);
}

static int
rbuf_reserve(struct evp_port *p, uint32_t n)
{
	struct evp_ready *nb;

	if (n <= p->p_rcap)
		return (0);
	if ((nb = realloc(p->p_rbuf, n * sizeof (*nb))) == NULL)
		return (ENOMEM);
	p->p_rbuf = nb;
	p->p_rcap = n;
	return (0);
}

/*
 * Lead one backend wait for up to n reports; p_lock held on entry and
 * exit, dropped while waiting.  Events go to sink while it has room and
 * nothing is queued.  Returns 0 or an errno (EINTR).
 */
static int
lead(struct evp_port *p, const struct timespec *deadline, uint32_t n,
    struct evp_sink *sink)
{
	int got = 0, err;

	if (n > PULL_MAX)
		n = PULL_MAX;
	if (rbuf_reserve(p, n) != 0 && (n = p->p_rcap) == 0)
		return (ENOMEM);
	p->p_leader = true;
	pthread_mutex_unlock(&p->p_lock);
	err = p->p_be->eb_wait(p->p_be_state, deadline, p->p_rbuf, (int)n,
	    &got);
	/*
	 * Some port was closed: free it now, before taking our lock (reaping
	 * takes the closed port's lock), so that the reaper stops reporting
	 * and the rest of this call does not spin on it.
	 */
	if (reports_reap(p->p_rbuf, got))
		evp__reap();
	pthread_mutex_lock(&p->p_lock);
	p->p_leader = false;
	p->p_sink = sink;
	evp__dispatch(p, p->p_rbuf, got);
	p->p_sink = NULL;
	/* Let a follower see the new events or take over the backend. */
	if (p->p_nfollowers > 0)
		pthread_cond_broadcast(&p->p_cond);
	return (err);
}

/* No timeout (NULL) is valid: it waits for ever. */
static bool
timeout_valid(const struct timespec *ts)
{
	return (ts == NULL || evp__ts_valid(ts));
}

static bool
timeout_zero(const struct timespec *ts)
{
	return (ts != NULL && ts->tv_sec == 0 && ts->tv_nsec == 0);
}

/* One retrieval in progress. */
struct getn {
	port_event_t	*g_list;
	uint_t		g_max;
	uint_t		g_want;
	uint_t		g_got;
	const struct timespec *g_timeout;
	struct timespec	g_dl;		/* absolute deadline, once known */
	bool		g_have_dl;
	bool		g_polled;	/* looked at the backend once */
	bool		g_waited;	/* slept at least once */
};

/*
 * Sleep until something may have changed: lead the backend, or follow the
 * leader on p_cond.  Returns 0, EINTR, EINVAL (bad timeout, once we must
 * wait) or ENOMEM.
 */
static int
getn_wait(struct evp_port *p, struct getn *g)
{
	static const struct timespec now = { 0, 0 };
	const struct timespec *dlp = NULL;
	int err = 0;

	if (!timeout_valid(g->g_timeout)) {
		/* Invalid: an error only once we must wait (port_get(3C)). */
		if (g->g_polled)
			return (EINVAL);
		dlp = &now;
	} else if (timeout_zero(g->g_timeout)) {
		dlp = &now;
	} else if (g->g_timeout != NULL) {
		if (!g->g_have_dl) {
			evp__deadline(&g->g_dl, g->g_timeout);
			g->g_have_dl = true;
		}
		dlp = &g->g_dl;
	}
	if (!p->p_leader) {
		struct evp_sink sink = { g->g_list + g->g_got,
		    g->g_max - g->g_got, 0 };

		/* With a bad timeout the call may yet fail: queue, keep all. */
		err = lead(p, dlp, sink.s_max,
		    timeout_valid(g->g_timeout) ? &sink : NULL);
		g->g_got += sink.s_n;
	} else if (dlp != &now) {
		p->p_nfollowers++;
		if (dlp == NULL)
			pthread_cond_wait(&p->p_cond, &p->p_lock);
		else
			(void) pthread_cond_timedwait(&p->p_cond, &p->p_lock,
			    dlp);
		p->p_nfollowers--;
	}
	g->g_polled = true;
	g->g_waited |= dlp != &now;
	return (err);
}

/* Is it time to stop waiting and report what we have? */
static bool
getn_done_waiting(const struct getn *g)
{
	return (g->g_polled && (timeout_zero(g->g_timeout) ||
	    !timeout_valid(g->g_timeout) ||
	    (g->g_have_dl && evp__expired(&g->g_dl))));
}

/*
 * The core of port_get and port_getn; the caller checked the arguments
 * that do not depend on the port.  Returns 0 or an errno.  *nget is the
 * number of events written to list: with 0, with ETIME (the events that
 * came before the timeout), and with EINTR or EBADFD only if events had
 * already been taken, so that none is lost.  zero_is_etime selects
 * port_get's answer to a zero timeout with nothing queued.
 */
int
evp__getn(struct evp_port *p, int fd, port_event_t *list, uint_t max,
    uint_t *nget, const struct timespec *timeout, bool zero_is_etime)
{
	struct getn g = { list, max, *nget, 0, timeout, { 0, 0 }, false,
	    false, false };
	bool last;
	int err = 0;

	pthread_mutex_lock(&p->p_lock);
	for (;;) {
		if (p->p_closed) {
			/* Closed while we waited: EBADFD; before we came: EBADF. */
			err = g.g_waited ? EBADFD : EBADF;
			break;
		}
		if (p->p_alert) {
			if (g.g_got == 0 && evp__alert_fill(p, list))
				g.g_got = 1;
			break;
		}
		last = getn_done_waiting(&g);
		if (last && !timeout_valid(timeout)) {
			err = EINVAL;
			break;
		}
		/* Take only enough to finish, so that others are not starved. */
		if (p->p_live >= g.g_want - g.g_got || last)
			g.g_got += evp__q_take(p, list + g.g_got, max - g.g_got);
		if (g.g_got >= g.g_want)
			break;
		if (last) {
			/* A zero timeout polls: port_getn says 0, port_get ETIME. */
			err = timeout_zero(timeout) && !zero_is_etime ? 0 : ETIME;
			break;
		}
		if ((err = getn_wait(p, &g)) != 0)
			break;
	}
	*nget = g.g_got;
	p->p_round++;
	evp__unlock(p, fd);
	return (err);
}

/* port_getn with max == 0: how many events could be retrieved now. */
int
evp__count(struct evp_port *p, int fd, uint_t *nget)
{
	static const struct timespec now = { 0, 0 };
	int err = 0;

	pthread_mutex_lock(&p->p_lock);
	if (p->p_closed) {
		err = EBADF;
	} else if (!p->p_leader) {
		/* Pull what the backend holds so that it can be counted. */
		uint32_t before;

		do {
			before = p->p_live;
			err = lead(p, &now, PULL_MAX, NULL);
		} while (err == 0 && p->p_live - before >= PULL_MAX);
	}
	*nget = err == 0 ? p->p_live : 0;
	p->p_round++;
	evp__unlock(p, fd);
	return (err);
}
