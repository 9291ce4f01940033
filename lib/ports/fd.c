/*
 * PORT_SOURCE_FD: associations, and turning backend readiness into events.
 *
 * illumos semantics (port_associate(3C)): an association is one-shot; a
 * second associate of the same fd replaces events and user and cancels an
 * event that was queued but not retrieved; the delivered events are
 * revents & (requested | POLLHUP | POLLERR); POLLNVAL is never delivered.
 * All functions run with p_lock held.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "evp.h"
#include "../sock/sock_internal.h"

/* Events poll(2) reports for a regular file, which is always ready. */
#define	ALWAYS_READY_EVENTS	(POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

static int
assoc_grow(struct evp_port *p, int fd)
{
	uint32_t ncap = p->p_nassoc ? p->p_nassoc : 64;
	struct evp_assoc *na;

	while (ncap <= (uint32_t)fd)
		ncap *= 2;
	if ((na = realloc(p->p_assoc, ncap * sizeof (*na))) == NULL)
		return (ENOMEM);
	memset(na + p->p_nassoc, 0, (ncap - p->p_nassoc) * sizeof (*na));
	p->p_assoc = na;
	p->p_nassoc = ncap;
	return (0);
}

static struct evp_assoc *
assoc_get(struct evp_port *p, int fd)
{
	return ((uint32_t)fd < p->p_nassoc ? &p->p_assoc[fd] : NULL);
}

/* Forget a pending event and start a new generation. */
static void
assoc_reset(struct evp_port *p, struct evp_assoc *a)
{
	if (a->ea_flags & EVP_A_QUEUED)
		p->p_live--;
	a->ea_flags &= EVP_A_KNOWN;
	/* Generation 0 is never used, so a zeroed slot matches nothing. */
	if (++a->ea_gen == 0)
		a->ea_gen = 1;
}

static int
queue_fd_event(struct evp_port *p, int fd, struct evp_assoc *a, int revents)
{
	port_event_t ev;

	ev.portev_events = revents;
	ev.portev_source = PORT_SOURCE_FD;
	ev.portev_pad = 0;
	ev.portev_object = (uintptr_t)fd;
	ev.portev_user = a->ea_user;
	if (evp__q_push(p, &ev, a->ea_gen) != 0)
		return (ENOMEM);
	a->ea_flags |= EVP_A_QUEUED;
	return (0);
}

int
evp__associate_fd(struct evp_port *p, int fd, int events, void *user)
{
	struct evp_assoc *a;
	int err;

	if ((uint32_t)fd >= p->p_nassoc && (err = assoc_grow(p, fd)) != 0)
		return (err);
	a = &p->p_assoc[fd];
	assoc_reset(p, a);
	a->ea_events = events;
	a->ea_user = user;
	err = p->p_be->eb_arm(p, fd, events, a->ea_gen);
	if (err == 0) {
		a->ea_flags |= EVP_A_ARMED | EVP_A_KNOWN;
		if (p->p_be->eb_arm_needs_wake)
			evp__wake_leader(p);
		return (0);
	}
	a->ea_flags &= ~EVP_A_KNOWN;
	if (err == EVP_ALWAYS_READY) {
		/* What poll(2) would report at once for a regular file. */
		if ((events & ALWAYS_READY_EVENTS) == 0) {
			a->ea_flags |= EVP_A_ARMED | EVP_A_SYNTH;
			return (0);
		}
		if ((err = queue_fd_event(p, fd, a,
		    events & ALWAYS_READY_EVENTS)) != 0)
			return (err);
		a->ea_flags |= EVP_A_SYNTH;
		if (p->p_nfollowers > 0)
			pthread_cond_signal(&p->p_cond);
		evp__wake_leader(p);
		return (0);
	}
	return (err == EBADF ? EBADFD : err);
}

int
evp__dissociate_fd(struct evp_port *p, int fd)
{
	struct evp_assoc *a = assoc_get(p, fd);

	bool current;

	if (a == NULL || !(a->ea_flags & (EVP_A_ARMED | EVP_A_QUEUED)))
		return (ENOENT);
	/* A closed fd was dissociated by close(2), even if its number is back. */
	current = evp__fd_current(p, fd);
	assoc_reset(p, a);
	if (a->ea_flags & EVP_A_KNOWN)
		p->p_be->eb_disarm(p, fd);
	a->ea_flags = 0;
	return (current ? 0 : ENOENT);
}

/* Is a queued entry still meaningful? */
bool
evp__qent_valid(struct evp_port *p, const struct evp_qent *e)
{
	const struct evp_assoc *a;

	if (e->qe_ev.portev_source != PORT_SOURCE_FD)
		return (true);
	a = assoc_get(p, (int)e->qe_ev.portev_object);
	return (a != NULL && a->ea_gen == e->qe_gen &&
	    (a->ea_flags & EVP_A_QUEUED));
}

/* Does fd still name the file it named when its event was queued? */
bool
evp__fd_current(struct evp_port *p, int fd)
{
	struct stat st;

	if (p->p_assoc[fd].ea_flags & EVP_A_SYNTH)
		return (fstat(fd, &st) == 0 &&
		    (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)));
	return (p->p_be->eb_same_file(p, fd) != 0);
}

/*
 * Turn the leader's readiness reports into events: into the sink while the
 * queue is empty and the sink has room, else into the queue.
 */
void
evp__process(struct evp_port *p, const struct evp_ready *r, int n,
    struct evp_sink *sink)
{
	for (int i = 0; i < n; i++) {
		struct evp_assoc *a;
		int ev;

		if (r[i].er_fd == EVP_FD_WAKE) {
			evp__wake_drain(p->p_wakefd);
			p->p_woken = false;
			continue;
		}
		if (r[i].er_fd == EVP_FD_CLOSED) {
			p->p_closed = true;
			continue;
		}
		a = assoc_get(p, r[i].er_fd);
		if (a == NULL || a->ea_gen != r[i].er_gen ||
		    !(a->ea_flags & EVP_A_ARMED))
			continue;
		if (r[i].er_revents & POLLNVAL) {
			/* Closed while associated: illumos dissociates. */
			a->ea_flags = 0;
			continue;
		}
		ev = r[i].er_revents;
		/*
		 * A socket error: illumos reports it as the input/output
		 * events asked for, without POLLERR/POLLHUP (so_poll());
		 * the connect layer knows the sockets it applies to.
		 */
		if (ev & POLLERR)
			ev = sks__connect_poll_revents(r[i].er_fd,
			    a->ea_events, ev);
		ev &= a->ea_events | POLLHUP | POLLERR;
		if (ev == 0) {
			/* Nothing the caller asked for: stay armed. */
			if (p->p_be->eb_arm(p, r[i].er_fd, a->ea_events,
			    a->ea_gen) != 0)
				a->ea_flags = 0;
			continue;
		}
		a->ea_flags &= ~EVP_A_ARMED;
		if (sink != NULL && sink->s_n < sink->s_max && p->p_live == 0) {
			port_event_t *pe = &sink->s_list[sink->s_n++];

			pe->portev_events = ev;
			pe->portev_source = PORT_SOURCE_FD;
			pe->portev_pad = 0;
			pe->portev_object = (uintptr_t)r[i].er_fd;
			pe->portev_user = a->ea_user;
			continue;
		}
		/* Out of memory: the event is lost, as the fd is disarmed. */
		(void) queue_fd_event(p, r[i].er_fd, a, ev);
	}
}
