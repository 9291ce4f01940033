/*
 * PORT_SOURCE_FD: associations, and turning backend readiness into events.
 *
 * illumos semantics (port_associate(3C)): an association is one-shot; a
 * second associate of the same fd replaces events and user and cancels an
 * event that was queued but not retrieved; the delivered events are
 * revents & (requested | POLLHUP | POLLERR); POLLNVAL is never delivered;
 * close(2) of the fd dissociates it.  We cannot see close(2), so before an
 * event leaves for the caller we ask the backend whether the number still
 * names the file that was associated (a dup() or a forked child may keep
 * the old file alive, and the number may name a new socket by now).
 * All functions run with p_lock held.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "evp.h"
#include "hook.h"

/* Association state bits. */
#define	A_ARMED		0x01	/* watched by the backend, no event yet */
#define	A_QUEUED	0x02	/* event in the queue, not retrieved */
#define	A_KNOWN		0x04	/* the backend has a registration */
#define	A_SYNTH		0x08	/* unwatchable fd, reported ready at once */

/*
 * One association: 16 bytes on LP64.  fe_gen (24 bits, as in tags)
 * changes on every associate or dissociate, so a report or queued event
 * from an older association is recognised and dropped.
 */
struct evp_fdent {
	void		*fe_user;
	int		fe_events;
	uint32_t	fe_gen : 24;
	uint32_t	fe_flags : 8;
};

#define	PAGE_SHIFT	8
#define	PAGE_N		(1u << PAGE_SHIFT)

/* The poll(2) bits an association may ask for; others are ignored. */
#ifdef POLLRDHUP
#define	VALID_EVENTS	(POLLIN | POLLPRI | POLLOUT | POLLRDNORM | \
	POLLRDBAND | POLLWRNORM | POLLWRBAND | POLLRDHUP)
#else
#define	VALID_EVENTS	(POLLIN | POLLPRI | POLLOUT | POLLRDNORM | \
	POLLRDBAND | POLLWRNORM | POLLWRBAND)
#endif
/* Events poll(2) reports for a regular file, which is always ready. */
#define	ALWAYS_READY_EVENTS	(POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

static _Atomic(evp_pollerr_hook_t) pollerr_hook;

void
evp__set_pollerr_hook(evp_pollerr_hook_t h)
{
	atomic_store(&pollerr_hook, h);
}

static struct evp_fdent *
fdent(struct evp_port *p, int fd)
{
	uint32_t pg = (uint32_t)fd >> PAGE_SHIFT;

	if (fd < 0 || pg >= p->p_fds.ft_npages || p->p_fds.ft_page[pg] == NULL)
		return (NULL);
	return (&p->p_fds.ft_page[pg][fd & (PAGE_N - 1)]);
}

/*
 * The entry for fd, allocating its page.  A page is allocated only for an
 * fd that is open, so memory follows the fds in use, never the value of
 * a number a caller passed (illumos: EBADFD at once, in constant memory).
 */
static int
fdent_make(struct evp_port *p, int fd, struct evp_fdent **ep)
{
	struct evp_fdtab *t = &p->p_fds;
	uint32_t pg = (uint32_t)fd >> PAGE_SHIFT;

	if ((*ep = fdent(p, fd)) != NULL)
		return (0);
	if (fcntl(fd, F_GETFD) == -1)
		return (EBADFD);
	if (pg >= t->ft_npages) {
		uint32_t n = t->ft_npages ? t->ft_npages : 4;
		struct evp_fdent **np;

		while (n <= pg)
			n *= 2;
		if ((np = realloc(t->ft_page, n * sizeof (*np))) == NULL)
			return (ENOMEM);
		memset(np + t->ft_npages, 0, (n - t->ft_npages) * sizeof (*np));
		t->ft_page = np;
		t->ft_npages = n;
	}
	if ((t->ft_page[pg] = calloc(PAGE_N, sizeof (struct evp_fdent))) ==
	    NULL)
		return (ENOMEM);
	*ep = fdent(p, fd);
	return (0);
}

void
evp__fd_free(struct evp_port *p)
{
	for (uint32_t i = 0; i < p->p_fds.ft_npages; i++)
		free(p->p_fds.ft_page[i]);
	free(p->p_fds.ft_page);
	p->p_fds.ft_page = NULL;
	p->p_fds.ft_npages = 0;
}

static uint64_t
tag(int fd, const struct evp_fdent *e)
{
	return (EVP_TAG(EVP_SRC_FD, e->fe_gen, fd));
}

/* Forget a pending event and start a new generation. */
static void
reset(struct evp_port *p, struct evp_fdent *e)
{
	if (e->fe_flags & A_QUEUED)
		p->p_live--;
	e->fe_flags &= A_KNOWN;
	e->fe_gen = EVP_GEN_NEXT(e->fe_gen);
}

/* Does fd still name the file that was associated? */
static bool
current(struct evp_port *p, int fd, const struct evp_fdent *e)
{
	struct stat st;

	if (e->fe_flags & A_SYNTH)
		return (fstat(fd, &st) == 0 &&
		    (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)));
	return (p->p_be->eb_check(p->p_be_state, fd, tag(fd, e)) == 0);
}

static void
emit(struct evp_port *p, int fd, struct evp_fdent *e, int revents)
{
	port_event_t ev;

	ev.portev_events = revents;
	ev.portev_source = PORT_SOURCE_FD;
	ev.portev_pad = 0;
	ev.portev_object = (uintptr_t)fd;
	ev.portev_user = e->fe_user;
	/* Out of memory: the event is lost, as the fd is disarmed. */
	if (evp__emit(p, EVP_SRC_FD, (uint32_t)fd, e->fe_gen, &ev) ==
	    EVP_EMIT_QUEUED)
		e->fe_flags |= A_QUEUED;
}

/* A regular file or directory: what poll(2) would report at once. */
static void
associate_synth(struct evp_port *p, int fd, struct evp_fdent *e, int events)
{
	e->fe_flags |= A_SYNTH;
	if ((events & ALWAYS_READY_EVENTS) == 0) {
		e->fe_flags |= A_ARMED;
		return;
	}
	emit(p, fd, e, events & ALWAYS_READY_EVENTS);
	evp__wake_waiters(p, false);
}

int
evp__fd_associate(struct evp_port *p, int fd, int events, void *user)
{
	struct evp_fdent *e;
	int err;

	if ((err = fdent_make(p, fd, &e)) != 0)
		return (err);
	reset(p, e);
	e->fe_events = events & VALID_EVENTS;
	e->fe_user = user;
	err = p->p_be->eb_arm(p->p_be_state, fd, e->fe_events, tag(fd, e),
	    EVP_ARM_ONESHOT | ((e->fe_flags & A_KNOWN) ? EVP_ARM_KNOWN : 0));
	if (err == 0) {
		e->fe_flags |= A_ARMED | A_KNOWN;
		if (p->p_be->eb_flags & EVP_BE_ARM_WAKES)
			evp__wake_leader(p);
		return (0);
	}
	e->fe_flags &= ~A_KNOWN;
	if (err == EPERM) {
		associate_synth(p, fd, e, e->fe_events);
		return (0);
	}
	return (err == EBADF ? EBADFD : err);
}

int
evp__fd_dissociate(struct evp_port *p, int fd)
{
	struct evp_fdent *e = fdent(p, fd);
	bool cur;

	if (e == NULL || !(e->fe_flags & (A_ARMED | A_QUEUED)))
		return (ENOENT);
	/* A closed fd was dissociated by close(2), even if its number is back. */
	cur = current(p, fd, e);
	reset(p, e);
	if (e->fe_flags & A_KNOWN)
		p->p_be->eb_disarm(p->p_be_state, fd);
	e->fe_flags = 0;
	return (cur ? 0 : ENOENT);
}

static void
fd_report(struct evp_port *p, uint32_t key, uint32_t gen, int revents)
{
	int fd = (int)key, ev = revents;
	struct evp_fdent *e = fdent(p, fd);
	evp_pollerr_hook_t hook;

	if (e == NULL || e->fe_gen != gen || !(e->fe_flags & A_ARMED))
		return;
	/* Closed (POLLNVAL), or its number now names another file. */
	if ((ev & POLLNVAL) || (!(p->p_be->eb_flags & EVP_BE_CHECKED) &&
	    !current(p, fd, e))) {
		e->fe_flags = 0;
		return;
	}
	/*
	 * A socket error: illumos reports it as the input/output events
	 * asked for, without POLLERR/POLLHUP (so_poll()); the connect layer
	 * knows the sockets it applies to.
	 */
	if ((ev & POLLERR) && (hook = atomic_load(&pollerr_hook)) != NULL)
		ev = hook(fd, e->fe_events, ev);
	ev &= e->fe_events | POLLHUP | POLLERR;
	if (ev == 0) {
		/* Nothing the caller asked for: stay armed. */
		if (p->p_be->eb_arm(p->p_be_state, fd, e->fe_events, tag(fd, e),
		    EVP_ARM_ONESHOT | EVP_ARM_KNOWN) != 0)
			e->fe_flags = 0;
		return;
	}
	e->fe_flags &= ~A_ARMED;
	emit(p, fd, e, ev);
}

static bool
fd_live(struct evp_port *p, const struct evp_qent *q)
{
	const struct evp_fdent *e = fdent(p, (int)q->qe_key);

	return (e != NULL && e->fe_gen == q->qe_gen &&
	    (e->fe_flags & A_QUEUED));
}

/*
 * An event that waited in the queue past the call that queued it, or a
 * synthesized one, is delivered only if fd still names the same file.
 */
static bool
fd_deliver(struct evp_port *p, struct evp_qent *q, bool waited)
{
	int fd = (int)q->qe_key;
	struct evp_fdent *e = fdent(p, fd);

	e->fe_flags &= ~A_QUEUED;
	if ((waited || (e->fe_flags & A_SYNTH)) && !current(p, fd, e)) {
		e->fe_flags = 0;
		return (false);
	}
	e->fe_flags &= ~A_SYNTH;
	return (true);
}

const struct evp_source evp__source_fd = {
	.es_id = EVP_SRC_FD,
	.es_report = fd_report,
	.es_live = fd_live,
	.es_deliver = fd_deliver,
};
