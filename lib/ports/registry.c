/*
 * The registry maps a port's fd number to its state, and a watcher thread
 * frees that state when the application closes the port with close(2).
 *
 * A port fd is one end of an AF_UNIX socketpair; we keep the other end.
 * When the last copy of the user's end is closed ours reads EOF, so the
 * watcher (one thread per process, running while any port exists) polls
 * our ends and retires the ports whose users have gone.  This is libkqueue's
 * design: plain close(2) works and nothing interposes on it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evp.h"

/*
 * The table is read without a lock on every call (evp__lookup), so it only
 * ever grows: a bigger copy is published atomically and the old one is
 * kept, since a reader may still hold it (at most as much memory again as
 * the current table).  Writers hold reg_lock.  Port structures are never
 * returned to malloc either (see port_alloc), so a reader that loses a race
 * with close(2) touches a valid struct and its reference count says 0.
 */
struct reg_table {
	struct reg_table	*rt_older;
	int			rt_cap;
	_Atomic(struct evp_port *) rt_slot[];
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(struct reg_table *) reg_tab;
static int reg_count;
static struct evp_port *reg_free;	/* recycled port structures */
static bool watcher_running;
static int watcher_wake[2] = { -1, -1 };
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/*
 * A forked child must not touch the parent's ports (see port_create(3C)):
 * forget them, and let the child start its own watcher if it makes ports.
 */
static void
reg_atfork_child(void)
{
	pthread_mutex_init(&reg_lock, NULL);
	atomic_store(&reg_tab, NULL);
	reg_count = 0;
	watcher_running = false;
	watcher_wake[0] = watcher_wake[1] = -1;
}

static void
reg_atfork_install(void)
{
	(void) pthread_atfork(NULL, NULL, reg_atfork_child);
}

/* The port filed under fd in the current table, or NULL; reg_lock held. */
static struct evp_port *
reg_get(int fd)
{
	struct reg_table *t = atomic_load(&reg_tab);

	return (t != NULL && fd < t->rt_cap ?
	    atomic_load(&t->rt_slot[fd]) : NULL);
}

static void
reg_set(int fd, struct evp_port *p)
{
	atomic_store(&atomic_load(&reg_tab)->rt_slot[fd], p);
}

/* Make room for fd; reg_lock held. */
static int
reg_grow(int fd)
{
	struct reg_table *t = atomic_load(&reg_tab), *nt;
	int ncap = t != NULL ? t->rt_cap : 64;

	if (t != NULL && fd < t->rt_cap)
		return (0);
	while (ncap <= fd)
		ncap *= 2;
	nt = calloc(1, sizeof (*nt) + ncap * sizeof (nt->rt_slot[0]));
	if (nt == NULL)
		return (ENOMEM);
	nt->rt_cap = ncap;
	nt->rt_older = t;
	for (int i = 0; t != NULL && i < t->rt_cap; i++)
		atomic_init(&nt->rt_slot[i], atomic_load(&t->rt_slot[i]));
	atomic_store(&reg_tab, nt);
	return (0);
}

/* Take a reference unless the count already reached zero. */
static bool
ref_if_live(struct evp_port *p)
{
	int n = atomic_load(&p->p_refs);

	while (n > 0) {
		if (atomic_compare_exchange_weak(&p->p_refs, &n, n + 1))
			return (true);
	}
	return (false);
}

/*
 * Port structures are recycled, never freed: see struct reg_table.  The
 * reference count of a free structure is 0.
 */
struct evp_port *
evp__port_alloc(void)
{
	struct evp_port *p;

	pthread_mutex_lock(&reg_lock);
	if ((p = reg_free) != NULL)
		reg_free = p->p_next_free;
	pthread_mutex_unlock(&reg_lock);
	if (p == NULL)
		return (calloc(1, sizeof (*p)));
	memset((char *)p + sizeof (p->p_refs), 0,
	    sizeof (*p) - sizeof (p->p_refs));
	return (p);
}

void
evp__port_free(struct evp_port *p)
{
	pthread_mutex_lock(&reg_lock);
	p->p_next_free = reg_free;
	reg_free = p;
	pthread_mutex_unlock(&reg_lock);
}

/*
 * Find the port whose user end is open as fd, by inode: a dup() of a port
 * fd is the same port, as on illumos.  Only for fds not filed under their
 * own number, so a linear scan is fine.  Takes a reference.
 */
static struct evp_port *
lookup_by_inode(const struct stat *st)
{
	struct evp_port *p = NULL;

	struct reg_table *t;

	pthread_mutex_lock(&reg_lock);
	t = atomic_load(&reg_tab);
	for (int i = 0; t != NULL && i < t->rt_cap && p == NULL; i++) {
		struct evp_port *q = atomic_load(&t->rt_slot[i]);

		if (q != NULL && !q->p_closed && q->p_ino == st->st_ino &&
		    q->p_dev == st->st_dev) {
			atomic_fetch_add(&q->p_refs, 1);
			p = q;
		}
	}
	pthread_mutex_unlock(&reg_lock);
	return (p);
}

/*
 * Find the port behind fd and take a reference.  EBADF: fd is not open;
 * EBADFD: it is open but not a port.
 *
 * The port filed under fd's number is trusted as it is on the hot paths
 * (port_associate, port_get, port_getn).  With exact, one fstat() also
 * proves that the number still names that port: it catches a port closed
 * a moment ago, before the watcher retired it, whose number now names
 * another file.
 */
int
evp__lookup(int fd, struct evp_port **pp, bool exact)
{
	struct evp_port *p = NULL;
	struct stat st;

	struct reg_table *t = atomic_load(&reg_tab);

	if (fd < 0)
		return (EBADF);
	if (t != NULL && fd < t->rt_cap &&
	    (p = atomic_load(&t->rt_slot[fd])) != NULL) {
		/* Lock-free: the hot path of every event loop comes here. */
		if (!ref_if_live(p)) {
			p = NULL;
		} else if (atomic_load(&reg_tab)->rt_slot[fd] != p) {
			evp__release(p);
			p = NULL;
		}
	}
	if (p != NULL && !exact) {
		*pp = p;
		return (0);
	}
	if (fstat(fd, &st) == -1) {
		if (p != NULL)
			evp__release(p);
		return (EBADF);
	}
	if (p != NULL && (p->p_ino != st.st_ino || p->p_dev != st.st_dev)) {
		evp__release(p);
		p = NULL;
	}
	if (p == NULL && (!S_ISSOCK(st.st_mode) ||
	    (p = lookup_by_inode(&st)) == NULL))
		return (EBADFD);
	*pp = p;
	return (0);
}

void
evp__release(struct evp_port *p)
{
	if (atomic_fetch_sub(&p->p_refs, 1) == 1)
		evp__destroy(p);
}

/* Remove p from the table if it is still there; reg_lock held. */
static bool
reg_unlink(struct evp_port *p)
{
	if (reg_get(p->p_fd) == p) {
		reg_set(p->p_fd, NULL);
		reg_count--;
		return (true);
	}
	return (false);
}

/* Retire a port whose user end is gone: wake its waiters, drop our ref. */
static void
reg_retire(struct evp_port *p)
{
	evp__mark_closed(p);
	evp__release(p);
}

/*
 * Collect the ports whose user end has gone.  Called by the watcher after
 * poll(2) reported activity on some of our ends.
 */
static void
watcher_reap(struct pollfd *pfd, struct evp_port **ports, int n)
{
	for (int i = 0; i < n; i++) {
		if (pfd[i].revents != 0) {
			bool gone;

			pthread_mutex_lock(&reg_lock);
			gone = reg_unlink(ports[i]);
			pthread_mutex_unlock(&reg_lock);
			if (gone)
				reg_retire(ports[i]);
		}
		evp__release(ports[i]);
	}
}

static void *
watcher_main(void *arg)
{
	struct pollfd *pfd = NULL;
	struct evp_port **ports = NULL;
	int cap = 0;

	(void) arg;
	for (;;) {
		int n = 0;

		pthread_mutex_lock(&reg_lock);
		if (reg_count == 0) {
			/* No ports left: leave no thread and no fd behind. */
			watcher_running = false;
			evp__wake_close(watcher_wake);
			pthread_mutex_unlock(&reg_lock);
			break;
		}
		if (reg_count + 1 > cap) {
			int ncap = (reg_count + 1) * 2;
			void *np = realloc(pfd, ncap * sizeof (*pfd));
			void *nq = np ? realloc(ports, ncap * sizeof (*ports)) :
			    NULL;

			if (np != NULL)
				pfd = np;
			if (nq != NULL) {
				ports = nq;
				cap = ncap;
			}
		}
		if (cap == 0) {
			/* Out of memory: try again shortly. */
			pthread_mutex_unlock(&reg_lock);
			(void) poll(NULL, 0, 10);
			continue;
		}
		for (int fd = 0; n + 1 < cap; fd++) {
			struct reg_table *t = atomic_load(&reg_tab);
			struct evp_port *p;

			if (t == NULL || fd >= t->rt_cap)
				break;
			p = atomic_load(&t->rt_slot[fd]);

			if (p == NULL)
				continue;
			atomic_fetch_add(&p->p_refs, 1);
			ports[n] = p;
			pfd[n].fd = p->p_closefd;
			pfd[n].events = POLLIN;
			pfd[n].revents = 0;
			n++;
		}
		pfd[n].fd = watcher_wake[0];
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		pthread_mutex_unlock(&reg_lock);

		if (poll(pfd, n + 1, -1) > 0) {
			if (pfd[n].revents != 0)
				evp__wake_drain(watcher_wake);
		} else {
			for (int i = 0; i <= n; i++)
				pfd[i].revents = 0;
		}
		watcher_reap(pfd, ports, n);
	}
	free(pfd);
	free(ports);
	return (NULL);
}

/* Start the watcher once per process; reg_lock held. */
static int
watcher_start(void)
{
	pthread_t tid;
	pthread_attr_t attr;
	sigset_t all, old;
	int err;

	if (watcher_running)
		return (0);
	if ((err = evp__wake_open(watcher_wake)) != 0)
		return (err);
	/* The watcher must never take the application's signals. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	err = pthread_create(&tid, &attr, watcher_main, NULL);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		evp__wake_close(watcher_wake);
		return (err);
	}
	watcher_running = true;
	return (0);
}

int
evp__register(struct evp_port *p)
{
	struct evp_port *stale = NULL;
	int err;

	pthread_once(&atfork_once, reg_atfork_install);
	pthread_mutex_lock(&reg_lock);
	if ((err = watcher_start()) != 0)
		goto out;
	if ((err = reg_grow(p->p_fd)) != 0)
		goto out;
	/*
	 * The kernel gave us this fd number, so a port still filed under it
	 * was closed and the watcher has not retired it yet.
	 */
	if ((stale = reg_get(p->p_fd)) != NULL)
		reg_unlink(stale);
	if (reg_count >= EVP_MAX_PORTS) {
		err = EAGAIN;
		goto out;
	}
	/* The registry's reference; 0 until the port is published. */
	atomic_store(&p->p_refs, 1);
	reg_set(p->p_fd, p);
	reg_count++;
	evp__wake_post(watcher_wake);
out:
	pthread_mutex_unlock(&reg_lock);
	if (stale != NULL)
		reg_retire(stale);
	return (err);
}
