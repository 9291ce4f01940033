/*
 * The I/O thread: one per process, started with the first socket and
 * stopped when the last one has been released.  It waits in port_getn()
 * on its own event port, dispatches fd events to sp__ioh callbacks, runs
 * due timers, then frees what was handed to sp__io_reap().  See sp.h for
 * why freeing happens only here.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <port.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sp.h"

#define	SP_IO_BATCH	64

struct sp__io {
	pthread_mutex_t	io_lock;	/* timers, reaps, wake state */
	int		io_port;
	int		io_holds;	/* under sp__io_glock */
	int		io_exiting;	/* under sp__io_glock */
	int		io_woken;	/* a wake-up event is queued */
	int64_t		io_sleep_until;	/* deadline of the current wait */
	struct sp__link	io_timers;	/* sorted by t_when */
	struct sp__link	io_reaps;
};

static pthread_mutex_t sp__io_glock = PTHREAD_MUTEX_INITIALIZER;
static struct sp__io *sp__io_cur;

int64_t
sp__now_ns(void)
{
	struct timespec ts;

	(void) clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec);
}

/* xorshift64*: jitter and ids only, not cryptography. */
uint32_t
sp__random(void)
{
	static pthread_mutex_t lk = PTHREAD_MUTEX_INITIALIZER;
	static uint64_t state;
	uint64_t x;

	(void) pthread_mutex_lock(&lk);
	if (state == 0)
		state = (uint64_t)sp__now_ns() ^ ((uint64_t)getpid() << 32) ^
		    0x9e3779b97f4a7c15ULL;
	x = state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	state = x;
	(void) pthread_mutex_unlock(&lk);
	return ((uint32_t)((x * 0x2545f4914f6cdd1dULL) >> 32));
}

void
sp__list_init(struct sp__link *h)
{
	h->l_next = h->l_prev = h;
}

void
sp__list_add(struct sp__link *h, struct sp__link *l)
{
	l->l_prev = h->l_prev;
	l->l_next = h;
	h->l_prev->l_next = l;
	h->l_prev = l;
}

void
sp__list_del(struct sp__link *l)
{
	l->l_prev->l_next = l->l_next;
	l->l_next->l_prev = l->l_prev;
	l->l_next = l->l_prev = l;
}

int
sp__list_empty(const struct sp__link *h)
{
	return (h->l_next == h);
}

/* io_lock held. */
static void
sp__io_wake_locked(struct sp__io *io)
{
	if (io->io_woken)
		return;
	/*
	 * If port_send fails (slot limit), the thread still sees the work
	 * when its current wait ends; timers bound that wait.
	 */
	if (port_send(io->io_port, 0, NULL) == 0)
		io->io_woken = 1;
}

int
sp__ioh_arm(struct sp__io *io, struct sp__ioh *h, int events)
{
	if (h->h_closed || h->h_fd < 0)
		return (EBADF);
	if (port_associate(io->io_port, PORT_SOURCE_FD, (uintptr_t)h->h_fd,
	    events, h) != 0)
		return (errno);
	return (0);
}

void
sp__ioh_close(struct sp__io *io, struct sp__ioh *h)
{
	h->h_closed = 1;
	if (h->h_fd >= 0) {
		/* Dissociating first drops an event still in the queue. */
		(void) port_dissociate(io->io_port, PORT_SOURCE_FD,
		    (uintptr_t)h->h_fd);
		(void) close(h->h_fd);
		h->h_fd = -1;
	}
}

int
sp__ioh_detach(struct sp__io *io, struct sp__ioh *h)
{
	int fd = h->h_fd;

	h->h_closed = 1;
	if (fd >= 0)
		(void) port_dissociate(io->io_port, PORT_SOURCE_FD,
		    (uintptr_t)fd);
	h->h_fd = -1;
	return (fd);
}

void
sp__ioh_disarm(struct sp__io *io, struct sp__ioh *h)
{
	if (!h->h_closed && h->h_fd >= 0)
		(void) port_dissociate(io->io_port, PORT_SOURCE_FD,
		    (uintptr_t)h->h_fd);
}

void
sp__timer_init(struct sp__timer *t, void (*cb)(struct sp__timer *),
    void *arg)
{
	sp__list_init(&t->t_link);
	t->t_when = 0;
	t->t_cb = cb;
	t->t_arg = arg;
}

void
sp__timer_schedule(struct sp__io *io, struct sp__timer *t, int64_t ms)
{
	struct sp__link *l;

	if (ms < 0)
		ms = 0;
	(void) pthread_mutex_lock(&io->io_lock);
	if (t->t_when != 0)
		sp__list_del(&t->t_link);
	t->t_when = sp__now_ns() + ms * 1000000LL;
	for (l = io->io_timers.l_next; l != &io->io_timers; l = l->l_next) {
		if (SP_CONTAINER(l, struct sp__timer, t_link)->t_when >
		    t->t_when)
			break;
	}
	/* Insert before l (or at the end). */
	sp__list_add(l, &t->t_link);
	if (t->t_when < io->io_sleep_until)
		sp__io_wake_locked(io);
	(void) pthread_mutex_unlock(&io->io_lock);
}

void
sp__timer_cancel(struct sp__io *io, struct sp__timer *t)
{
	(void) pthread_mutex_lock(&io->io_lock);
	if (t->t_when != 0) {
		sp__list_del(&t->t_link);
		t->t_when = 0;
	}
	(void) pthread_mutex_unlock(&io->io_lock);
}

void
sp__io_reap(struct sp__io *io, struct sp__reap *r,
    void (*fn)(struct sp__reap *))
{
	r->r_fn = fn;
	(void) pthread_mutex_lock(&io->io_lock);
	sp__list_add(&io->io_reaps, &r->r_link);
	sp__io_wake_locked(io);
	(void) pthread_mutex_unlock(&io->io_lock);
}

static void
sp__io_run_timers(struct sp__io *io)
{
	int64_t now = sp__now_ns();
	struct sp__timer *t;

	/* Bounded, so a timer that re-arms itself at 0 ms cannot starve. */
	for (int n = 0; n < 1024; n++) {
		(void) pthread_mutex_lock(&io->io_lock);
		if (sp__list_empty(&io->io_timers)) {
			(void) pthread_mutex_unlock(&io->io_lock);
			return;
		}
		t = SP_CONTAINER(io->io_timers.l_next, struct sp__timer,
		    t_link);
		if (t->t_when > now) {
			(void) pthread_mutex_unlock(&io->io_lock);
			return;
		}
		sp__list_del(&t->t_link);
		t->t_when = 0;
		(void) pthread_mutex_unlock(&io->io_lock);
		t->t_cb(t);
	}
}

static void
sp__io_run_reaps(struct sp__io *io)
{
	struct sp__link todo, *l;

	sp__list_init(&todo);
	(void) pthread_mutex_lock(&io->io_lock);
	while (!sp__list_empty(&io->io_reaps)) {
		l = io->io_reaps.l_next;
		sp__list_del(l);
		sp__list_add(&todo, l);
	}
	(void) pthread_mutex_unlock(&io->io_lock);
	while (!sp__list_empty(&todo)) {
		l = todo.l_next;
		sp__list_del(l);
		SP_CONTAINER(l, struct sp__reap, r_link)->r_fn(
		    SP_CONTAINER(l, struct sp__reap, r_link));
	}
}

static void *
sp__io_main(void *arg)
{
	struct sp__io *io = arg;
	port_event_t ev[SP_IO_BATCH];
	struct timespec ts, *tsp;
	uint_t n;
	int64_t until, d;
	int done;

	for (;;) {
		(void) pthread_mutex_lock(&io->io_lock);
		if (sp__list_empty(&io->io_timers)) {
			until = INT64_MAX;
			tsp = NULL;
		} else {
			until = SP_CONTAINER(io->io_timers.l_next,
			    struct sp__timer, t_link)->t_when;
			d = until - sp__now_ns();
			if (d < 0)
				d = 0;
			ts.tv_sec = (time_t)(d / 1000000000LL);
			ts.tv_nsec = (long)(d % 1000000000LL);
			tsp = &ts;
		}
		io->io_sleep_until = until;
		(void) pthread_mutex_unlock(&io->io_lock);

		n = 1;
		if (port_getn(io->io_port, ev, SP_IO_BATCH, &n, tsp) != 0 &&
		    errno != ETIME && errno != EINTR)
			n = 0;

		/*
		 * Awake: timers need no wake-up until the next wait.  Reaps
		 * and exits queued from now on must send a fresh one, so
		 * io_woken is cleared here, not at the top of the loop: a
		 * wake-up suppressed while this batch runs would otherwise
		 * be lost and the thread would sleep with work queued (seen
		 * as an I/O port left open after the last nn_close).
		 */
		(void) pthread_mutex_lock(&io->io_lock);
		io->io_sleep_until = 0;
		io->io_woken = 0;
		(void) pthread_mutex_unlock(&io->io_lock);

		for (uint_t i = 0; i < n; i++) {
			struct sp__ioh *h;

			if (ev[i].portev_source != PORT_SOURCE_FD)
				continue;
			h = ev[i].portev_user;
			if (!h->h_closed)
				h->h_cb(h, ev[i].portev_events);
		}
		sp__io_run_timers(io);
		sp__io_run_reaps(io);

		(void) pthread_mutex_lock(&sp__io_glock);
		(void) pthread_mutex_lock(&io->io_lock);
		done = io->io_exiting && sp__list_empty(&io->io_reaps);
		(void) pthread_mutex_unlock(&io->io_lock);
		(void) pthread_mutex_unlock(&sp__io_glock);
		if (done)
			break;
	}
	(void) close(io->io_port);
	(void) pthread_mutex_destroy(&io->io_lock);
	free(io);
	return (NULL);
}

int
sp__io_hold(struct sp__io **iop)
{
	struct sp__io *io;
	pthread_attr_t attr;
	pthread_t tid;
	int err = 0;

	(void) pthread_mutex_lock(&sp__io_glock);
	if ((io = sp__io_cur) == NULL) {
		if ((io = calloc(1, sizeof (*io))) == NULL) {
			err = ENOMEM;
			goto out;
		}
		if ((io->io_port = port_create()) < 0) {
			err = errno;
			free(io);
			goto out;
		}
		(void) pthread_mutex_init(&io->io_lock, NULL);
		sp__list_init(&io->io_timers);
		sp__list_init(&io->io_reaps);
		(void) pthread_attr_init(&attr);
		(void) pthread_attr_setdetachstate(&attr,
		    PTHREAD_CREATE_DETACHED);
		err = pthread_create(&tid, &attr, sp__io_main, io);
		(void) pthread_attr_destroy(&attr);
		if (err != 0) {
			(void) close(io->io_port);
			(void) pthread_mutex_destroy(&io->io_lock);
			free(io);
			goto out;
		}
		sp__io_cur = io;
	}
	io->io_holds++;
	*iop = io;
out:
	(void) pthread_mutex_unlock(&sp__io_glock);
	return (err);
}

void
sp__io_rele(struct sp__io *io)
{
	(void) pthread_mutex_lock(&sp__io_glock);
	if (--io->io_holds == 0) {
		if (sp__io_cur == io)
			sp__io_cur = NULL;
		io->io_exiting = 1;
		(void) pthread_mutex_lock(&io->io_lock);
		sp__io_wake_locked(io);
		(void) pthread_mutex_unlock(&io->io_lock);
	}
	(void) pthread_mutex_unlock(&sp__io_glock);
}

int
sp__fd_setup(int fd)
{
	int fl;

	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return (errno);
	return (0);
}
