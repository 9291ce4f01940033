/*
 * Retrieving events: port_getn's wait, plus port_send and port_alert,
 * which feed the same queue.
 *
 * Waiting is leader/follower: one thread at a time (the leader) sleeps in
 * the backend and queues what it reports; the others sleep on p_cond and
 * take from the queue.  Every event is taken under p_lock, so each one is
 * delivered exactly once however many threads wait.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "evp.h"

/* Largest number of reports the leader asks the backend for at once. */
#define	PULL_MAX	8192

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
 * exit, dropped while waiting.  Returns 0 or an errno (EINTR).
 */
static int
lead(struct evp_port *p, const struct timespec *deadline, uint32_t n,
    struct evp_sink *sink)
{
	int got;

	if (n > PULL_MAX)
		n = PULL_MAX;
	if (rbuf_reserve(p, n) != 0 && (n = p->p_rcap) == 0)
		return (ENOMEM);
	p->p_leader = true;
	pthread_mutex_unlock(&p->p_lock);
	got = p->p_be->eb_wait(p, deadline, p->p_rbuf, (int)n);
	pthread_mutex_lock(&p->p_lock);
	p->p_leader = false;
	if (got > 0)
		evp__process(p, p->p_rbuf, got, sink);
	/* Let a follower see the new events or take over the backend. */
	if (p->p_nfollowers > 0)
		pthread_cond_broadcast(&p->p_cond);
	return (got < 0 ? -got : 0);
}

static void
fill_alert(struct evp_port *p, port_event_t *pe)
{
	pe->portev_events = p->p_alert_events;
	pe->portev_source = PORT_SOURCE_ALERT;
	pe->portev_pad = 0;
	pe->portev_object = 0;
	pe->portev_user = p->p_alert_user;
}

static bool
timeout_valid(const struct timespec *ts)
{
	return (ts == NULL || (ts->tv_sec >= 0 && ts->tv_nsec >= 0 &&
	    ts->tv_nsec < 1000000000L));
}

static bool
timeout_zero(const struct timespec *ts)
{
	return (ts != NULL && ts->tv_sec == 0 && ts->tv_nsec == 0);
}

/*
 * The core of port_get and port_getn.  The caller has checked the
 * arguments that do not depend on the port.  Returns 0 or an errno; *nget
 * is always set (0 on errors other than ETIME).  zero_is_etime selects
 * port_get's answer to a zero timeout with nothing queued.
 */
int
evp__getn(struct evp_port *p, port_event_t *list, uint_t max, uint_t *nget,
    const struct timespec *timeout, bool zero_is_etime)
{
	uint_t want = *nget;
	struct timespec dl, now = { 0, 0 };
	const struct timespec *dlp = NULL;
	bool polled = false, waited = false, have_dl = false;
	int err = 0;

	pthread_mutex_lock(&p->p_lock);
	for (;;) {
		if (p->p_closed) {
			/* Closed while we waited: EBADFD; before we came: EBADF. */
			err = waited ? EBADFD : EBADF;
			break;
		}
		if (p->p_alert) {
			fill_alert(p, list);
			*nget = 1;
			goto done;
		}
		if (p->p_live >= want) {
			*nget = evp__q_take(p, list, max);
			/* Dead entries may have made the count optimistic. */
			if (*nget >= want)
				goto done;
			continue;
		}
		if (polled && (timeout_zero(timeout) ||
		    (have_dl && evp__expired(&dl)))) {
			*nget = evp__q_take(p, list, max);
			/* A zero timeout polls: port_getn says 0, port_get ETIME. */
			err = (timeout_zero(timeout) && !zero_is_etime) ?
			    0 : ETIME;
			goto done_err;
		}
		/*
		 * We must wait.  An invalid timeout is an error only now, and
		 * only after one look at what is ready (port_get(3C)).
		 */
		if (!timeout_valid(timeout)) {
			if (polled) {
				err = EINVAL;
				break;
			}
			dlp = &now;
		} else if (timeout_zero(timeout)) {
			dlp = &now;
		} else if (timeout != NULL && !have_dl) {
			evp__deadline(&dl, timeout);
			have_dl = true;
			dlp = &dl;
		}
		if (!p->p_leader) {
			/*
			 * A caller that wants one event takes the leader's
			 * events straight into its list: no queue round trip.
			 */
			struct evp_sink sink = { list, max, 0 };
			bool direct = want == 1 && p->p_live == 0;

			err = lead(p, dlp, max > p->p_live ? max - p->p_live :
			    1, direct ? &sink : NULL);
			polled = true;
			waited = dlp != &now;
			if (err != 0)
				break;
			if (sink.s_n > 0) {
				*nget = sink.s_n;
				goto done;
			}
		} else if (dlp == &now) {
			/* The leader is collecting; nothing to wait for. */
			polled = true;
		} else {
			p->p_nfollowers++;
			if (dlp == NULL)
				pthread_cond_wait(&p->p_cond, &p->p_lock);
			else
				(void) pthread_cond_timedwait(&p->p_cond,
				    &p->p_lock, dlp);
			p->p_nfollowers--;
			polled = dlp != NULL;
			waited = true;
		}
	}
	*nget = 0;
done_err:
	p->p_round++;
	evp__sync_token(p);
	pthread_mutex_unlock(&p->p_lock);
	return (err);
done:
	err = 0;
	goto done_err;
}

/* port_getn with max == 0: how many events could be retrieved now. */
int
evp__count(struct evp_port *p, uint_t *nget)
{
	struct timespec now = { 0, 0 };
	int err = 0;

	pthread_mutex_lock(&p->p_lock);
	if (p->p_closed) {
		err = EBADFD;
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
	evp__sync_token(p);
	pthread_mutex_unlock(&p->p_lock);
	return (err);
}

int
evp__send(struct evp_port *p, int events, void *user)
{
	port_event_t ev;
	int err;

	ev.portev_events = events;
	ev.portev_source = PORT_SOURCE_USER;
	ev.portev_pad = 0;
	ev.portev_object = 0;
	ev.portev_user = user;
	pthread_mutex_lock(&p->p_lock);
	if (p->p_closed)
		err = EBADF;
	else if (p->p_live >= EVP_MAX_EVENTS)
		err = EAGAIN;
	else if ((err = evp__q_push(p, &ev, 0)) == 0) {
		if (p->p_nfollowers > 0)
			pthread_cond_signal(&p->p_cond);
		evp__wake_leader(p);
		evp__sync_token(p);
	}
	pthread_mutex_unlock(&p->p_lock);
	return (err);
}

int
evp__alert(struct evp_port *p, int flags, int events, void *user)
{
	int err = 0;

	pthread_mutex_lock(&p->p_lock);
	if (events == 0) {
		p->p_alert = false;
	} else if (flags == PORT_ALERT_UPDATE && p->p_alert) {
		err = EBUSY;
	} else {
		p->p_alert = true;
		p->p_alert_events = events;
		p->p_alert_user = user;
		/* An alert wakes every waiter, not just one. */
		pthread_cond_broadcast(&p->p_cond);
		evp__wake_leader(p);
	}
	evp__sync_token(p);
	pthread_mutex_unlock(&p->p_lock);
	return (err);
}
