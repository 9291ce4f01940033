/*
 * PORT_SOURCE_ALERT: port_alert(3C).  An alert is a mode, not a queued
 * event: while it is set, every retrieval returns it at once, and queued
 * events wait until it is cleared.
 */
#include "config.h"

#include <errno.h>

#include "evp.h"

int
evp__alert(struct evp_port *p, int fd, int flags, int events, void *user)
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
		evp__wake_waiters(p, true);
	}
	evp__unlock(p, fd);
	return (err);
}

/* Fill pe with the alert event if alert mode is set; p_lock held. */
bool
evp__alert_fill(struct evp_port *p, port_event_t *pe)
{
	if (!p->p_alert)
		return (false);
	pe->portev_events = p->p_alert_events;
	pe->portev_source = PORT_SOURCE_ALERT;
	pe->portev_pad = 0;
	pe->portev_object = 0;
	pe->portev_user = p->p_alert_user;
	return (true);
}
