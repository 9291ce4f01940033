/*
 * timer_create(3C), timer_settime, timer_gettime, timer_getoverrun and
 * timer_delete, with SIGEV_PORT.
 *
 * libsocket exports these names, so a program linked with -lsocket calls
 * them instead of the C library's.  A timer whose sigevent asks for
 * SIGEV_PORT is ours: a timerfd that the port watches (timer.h).  Every
 * other timer, and every id that is not in our table, goes to the C
 * library's function untouched.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/timerfd.h>

#include "evp.h"
#include "timer.h"

#define	API	__attribute__((visibility("default")))

/*
 * Our timer ids.  glibc's timer_t values are kernel timer ids (0 to
 * INT_MAX) and, for SIGEV_THREAD timers, INTPTR_MIN | (pointer >> 1), so
 * with a 64-bit timer_t nothing of glibc's lies in [2^62, 2^63): ours are
 * 2^62 + the index in our table, and an id in that range is ours or
 * invalid (glibc would cut it to an int, perhaps another timer's id).
 * A 32-bit timer_t has no free range; ours then start at 0x7f000000, a
 * kernel id that a process reaches only after some two billion
 * timer_create calls, and an id there that is not in our table goes to
 * the C library.
 */
#if UINTPTR_MAX > 0xffffffffu
#define	TIMER_ID_BASE	((uintptr_t)1 << 62)
#define	TIMER_ID_OWNED	true
#else
#define	TIMER_ID_BASE	((uintptr_t)0x7f000000)
#define	TIMER_ID_OWNED	false
#endif
/* SIGEV_PORT timers a process may have at once (illumos: timer_max). */
#define	TIMER_MAX	(1u << 20)
#define	NO_SLOT		UINT32_MAX

/* A slot of the table: a timer, or the link to the next free slot. */
struct tslot {
	struct evp_timer *ts_timer;
	uint32_t	ts_next;
};

static struct {
	pthread_mutex_t	tt_lock;
	struct tslot	*tt_slot;
	uint32_t	tt_cap;
	uint32_t	tt_free;	/* first free slot, or NO_SLOT */
} tt = { PTHREAD_MUTEX_INITIALIZER, NULL, 0, NO_SLOT };

/* The C library's functions, for every timer that is not ours. */
typedef int (*create_fn_t)(clockid_t, struct sigevent *, timer_t *);
typedef int (*settime_fn_t)(timer_t, int, const struct itimerspec *,
    struct itimerspec *);
typedef int (*gettime_fn_t)(timer_t, struct itimerspec *);
typedef int (*tid_fn_t)(timer_t);

static struct {
	create_fn_t	create;
	settime_fn_t	settime;
	gettime_fn_t	gettime;
	tid_fn_t	getoverrun;
	tid_fn_t	delete;
} libc;

static pthread_once_t timer_once = PTHREAD_ONCE_INIT;

void
evp__timers_lock(void)
{
	pthread_mutex_lock(&tt.tt_lock);
}

void
evp__timers_unlock(void)
{
	pthread_mutex_unlock(&tt.tt_lock);
}

/*
 * Fork: the table is taken across fork(), so the child finds it whole.
 * Timers are not inherited (timer_create(3C)): the child closes the
 * timerfds and frees the table, with the lock it already holds.
 */
static void
atfork_prepare(void)
{
	evp__timers_lock();
}

static void
atfork_parent(void)
{
	evp__timers_unlock();
}

static void
atfork_child(void)
{
	for (uint32_t i = 0; i < tt.tt_cap; i++) {
		struct evp_timer *t = tt.tt_slot[i].ts_timer;

		if (t != NULL) {
			(void) close(t->t_fd);
			free(t);
		}
	}
	free(tt.tt_slot);
	tt.tt_slot = NULL;
	tt.tt_cap = 0;
	tt.tt_free = NO_SLOT;
	evp__timers_unlock();
}

/* A symbol of the next object, or NULL if that would be us again. */
static void *
next_sym(const char *name, void *self)
{
	void *sym = dlsym(RTLD_NEXT, name);

	return (sym == self ? NULL : sym);
}

static void
timer_init(void)
{
	libc.create = (create_fn_t)next_sym("timer_create",
	    (void *)timer_create);
	libc.settime = (settime_fn_t)next_sym("timer_settime",
	    (void *)timer_settime);
	libc.gettime = (gettime_fn_t)next_sym("timer_gettime",
	    (void *)timer_gettime);
	libc.getoverrun = (tid_fn_t)next_sym("timer_getoverrun",
	    (void *)timer_getoverrun);
	libc.delete = (tid_fn_t)next_sym("timer_delete",
	    (void *)timer_delete);
	(void) pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

/*
 * Set up at load time, so that our fork handlers are installed before the
 * registry's, which it installs at the first port.  Prepare handlers run
 * in reverse order: the registry's lock is taken before the table's, the
 * order in which a child (where the registry's lock is re-initialised,
 * never released) takes them too.
 */
__attribute__((constructor))
static void
timer_load(void)
{
	(void) pthread_once(&timer_once, timer_init);
}

static int
table_insert(struct evp_timer *t)
{
	uint32_t ncap = tt.tt_cap != 0 ? tt.tt_cap * 2 : 16;
	struct tslot *ns;

	if (tt.tt_free == NO_SLOT) {
		if (tt.tt_cap >= TIMER_MAX)
			return (EAGAIN);
		if ((ns = realloc(tt.tt_slot, ncap * sizeof (*ns))) == NULL)
			return (ENOMEM);
		for (uint32_t i = tt.tt_cap; i < ncap; i++) {
			ns[i].ts_timer = NULL;
			ns[i].ts_next = i + 1 < ncap ? i + 1 : NO_SLOT;
		}
		tt.tt_free = tt.tt_cap;
		tt.tt_slot = ns;
		tt.tt_cap = ncap;
	}
	t->t_slot = tt.tt_free;
	t->t_id = (timer_t)(TIMER_ID_BASE + t->t_slot);
	tt.tt_free = tt.tt_slot[t->t_slot].ts_next;
	tt.tt_slot[t->t_slot].ts_timer = t;
	return (0);
}

static void
table_remove(struct evp_timer *t)
{
	tt.tt_slot[t->t_slot].ts_timer = NULL;
	tt.tt_slot[t->t_slot].ts_next = tt.tt_free;
	tt.tt_free = t->t_slot;
}

/* Our timer tid, with the table locked; NULL (and unlocked) if not ours. */
static struct evp_timer *
timer_grab(timer_t tid)
{
	uintptr_t slot = (uintptr_t)tid - TIMER_ID_BASE;
	struct evp_timer *t = NULL;

	if (slot >= TIMER_MAX)
		return (NULL);
	evp__timers_lock();
	if (slot < tt.tt_cap)
		t = tt.tt_slot[slot].ts_timer;
	if (t == NULL)
		evp__timers_unlock();
	return (t);
}

/*
 * Why a tid that is not in our table cannot go to the C library's
 * function fn: EINVAL for an id in our range, ENOSYS without fn; else 0.
 */
static int
libc_refuses(timer_t tid, const void *fn)
{
	if (TIMER_ID_OWNED && (uintptr_t)tid - TIMER_ID_BASE < TIMER_MAX)
		return (EINVAL);
	return (fn == NULL ? ENOSYS : 0);
}

/*
 * Unlock a timer's port after its queue may have changed.  Not
 * evp__unlock(): that may reap ports, whose es_fini takes the table lock
 * that the caller holds.
 */
static void
timer_port_unlock(struct evp_timer *t, struct evp_port *p)
{
	evp__sync_token(p, t->t_pfd);
	pthread_mutex_unlock(&p->p_lock);
}

/* The timer's port, locked, if the timer still notifies an open port. */
static struct evp_port *
timer_port_lock(struct evp_timer *t)
{
	struct evp_port *p = t->t_port;

	if (p == NULL)
		return (NULL);
	pthread_mutex_lock(&p->p_lock);
	if (p->p_closed) {
		pthread_mutex_unlock(&p->p_lock);
		return (NULL);
	}
	return (p);
}

/* A new timer with its timerfd, or NULL and *errp. */
static struct evp_timer *
timer_new(clockid_t clock, const port_notify_t *pn, int *errp)
{
	struct evp_timer *t;

	if ((t = calloc(1, sizeof (*t))) == NULL) {
		*errp = ENOMEM;
		return (NULL);
	}
	t->t_fd = timerfd_create(clock, TFD_NONBLOCK | TFD_CLOEXEC);
	if (t->t_fd == -1) {
		int err = errno;

		free(t);
		/* Out of descriptors is out of timers (EAGAIN), as illumos. */
		*errp = err == EMFILE || err == ENFILE || err == ENODEV ?
		    EAGAIN : err;
		return (NULL);
	}
	t->t_pfd = pn->portnfy_port;
	t->t_user = pn->portnfy_user;
	return (t);
}

/* Enter t in the table and attach it to p; the table is locked. */
static int
timer_enter(struct evp_port *p, struct evp_timer *t)
{
	int err;

	if ((err = table_insert(t)) != 0)
		return (err);
	pthread_mutex_lock(&p->p_lock);
	if (p->p_closed)
		err = EBADF;
	else if ((err = evp__timer_attach(p, t)) == 0)
		t->t_port = p;
	pthread_mutex_unlock(&p->p_lock);
	if (err != 0)
		table_remove(t);
	return (err);
}

static int
port_timer_create(clockid_t clock, const port_notify_t *pn, timer_t *tidp)
{
	struct evp_port *p;
	struct evp_timer *t;
	int err;

	/* The clocks a timerfd has that illumos has too. */
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return (EINVAL);
	if (pn == NULL || tidp == NULL)
		return (EFAULT);
	if ((err = evp__lookup(pn->portnfy_port, &p)) != 0)
		return (err);
	if ((t = timer_new(clock, pn, &err)) != NULL) {
		evp__timers_lock();
		if ((err = timer_enter(p, t)) == 0)
			*tidp = t->t_id;
		evp__timers_unlock();
		if (err != 0) {
			(void) close(t->t_fd);
			free(t);
		}
	}
	evp__release(p);
	return (err);
}

API int
timer_create(clockid_t clock, struct sigevent *restrict sev,
    timer_t *restrict tidp)
{
	int saved = errno;

	(void) pthread_once(&timer_once, timer_init);
	if (sev != NULL && sev->sigev_notify == SIGEV_PORT) {
		return (evp__ret(port_timer_create(clock,
		    sev->sigev_value.sival_ptr, tidp), saved));
	}
	if (libc.create == NULL)
		return (evp__ret(ENOSYS, saved));
	return (libc.create(clock, sev, tidp));
}

static int
port_timer_settime(struct evp_timer *t, int flags,
    const struct itimerspec *value, struct itimerspec *ovalue)
{
	struct itimerspec its;
	struct evp_port *p;
	int err = 0;

	if (value == NULL)
		return (EFAULT);
	its = *value;
	if (!evp__ts_valid(&its.it_value))
		return (EINVAL);
	/* A disarm ignores the interval (illumos); a timerfd would not. */
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) {
		its.it_interval.tv_sec = 0;
		its.it_interval.tv_nsec = 0;
	} else if (!evp__ts_valid(&its.it_interval)) {
		return (EINVAL);
	}
	/*
	 * Setting a timerfd forgets the expirations it counted.  Those the
	 * backend has not reported yet have happened all the same: count
	 * them first, so that the event still comes.
	 */
	if ((p = timer_port_lock(t)) != NULL)
		evp__timer_collect(p, t);
	if (timerfd_settime(t->t_fd, (flags & TIMER_ABSTIME) ?
	    TFD_TIMER_ABSTIME : 0, &its, ovalue) == -1)
		err = errno;
	if (p != NULL)
		timer_port_unlock(t, p);
	return (err);
}

API int
timer_settime(timer_t tid, int flags, const struct itimerspec *restrict value,
    struct itimerspec *restrict ovalue)
{
	struct evp_timer *t;
	int saved = errno, err;

	(void) pthread_once(&timer_once, timer_init);
	if ((t = timer_grab(tid)) == NULL) {
		if ((err = libc_refuses(tid, (void *)libc.settime)) != 0)
			return (evp__ret(err, saved));
		return (libc.settime(tid, flags, value, ovalue));
	}
	err = port_timer_settime(t, flags, value, ovalue);
	evp__timers_unlock();
	return (evp__ret(err, saved));
}

API int
timer_gettime(timer_t tid, struct itimerspec *value)
{
	struct evp_timer *t;
	int saved = errno, err = 0;

	(void) pthread_once(&timer_once, timer_init);
	if ((t = timer_grab(tid)) == NULL) {
		if ((err = libc_refuses(tid, (void *)libc.gettime)) != 0)
			return (evp__ret(err, saved));
		return (libc.gettime(tid, value));
	}
	if (value == NULL)
		err = EFAULT;
	else if (timerfd_gettime(t->t_fd, value) == -1)
		err = errno;
	evp__timers_unlock();
	return (evp__ret(err, saved));
}

/*
 * The extra expirations counted in the last event delivered (illumos
 * leaves 0 for SIGEV_PORT timers; this is what POSIX describes).
 */
API int
timer_getoverrun(timer_t tid)
{
	struct evp_timer *t;
	struct evp_port *p;
	int n;

	(void) pthread_once(&timer_once, timer_init);
	if ((t = timer_grab(tid)) == NULL) {
		if ((n = libc_refuses(tid, (void *)libc.getoverrun)) != 0)
			return (evp__ret(n, 0));
		return (libc.getoverrun(tid));
	}
	if ((p = t->t_port) != NULL)
		pthread_mutex_lock(&p->p_lock);
	n = t->t_overrun;
	if (p != NULL)
		pthread_mutex_unlock(&p->p_lock);
	evp__timers_unlock();
	return (n);
}

API int
timer_delete(timer_t tid)
{
	struct evp_timer *t;
	struct evp_port *p;
	int err;

	(void) pthread_once(&timer_once, timer_init);
	if ((t = timer_grab(tid)) == NULL) {
		if ((err = libc_refuses(tid, (void *)libc.delete)) != 0)
			return (evp__ret(err, 0));
		return (libc.delete(tid));
	}
	table_remove(t);
	if ((p = t->t_port) != NULL) {
		pthread_mutex_lock(&p->p_lock);
		evp__timer_detach(p, t);
		t->t_port = NULL;
		timer_port_unlock(t, p);
	}
	evp__timers_unlock();
	(void) close(t->t_fd);
	free(t);
	return (0);
}
