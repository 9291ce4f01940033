/*
 * PORT_SOURCE_USER: port_send(3C).  User events carry no object, so a
 * queued one always counts and is always delivered.
 */
#include "config.h"

#include <errno.h>

#include "evp.h"

int
evp__send(struct evp_port *p, int fd, int events, void *user)
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
	else if ((err = evp__q_push(p, EVP_SRC_USER, 0, 0, &ev)) == 0)
		evp__wake_waiters(p, false);
	evp__unlock(p, fd);
	return (err);
}

const struct evp_source evp__source_user = {
	.es_id = EVP_SRC_USER,
};
