/*
 * The registry: which port an fd number names, and reaping closed ports.
 *
 * A port fd is one end of an AF_UNIX socketpair; we keep the other end
 * (p_closefd), which reads EOF once the last copy of the user's end is
 * closed, wherever those copies are (dup(), fork()).
 *
 * Identity, not numbers.  Every lookup fstat()s the number it was given
 * and compares the file with the port's (st_dev, st_ino).  A table of
 * hints (number -> port) makes the common case one comparison; a hint is
 * never trusted without that check, so a closed and reused number is never
 * taken for a port, and every dup() of a port fd reaches it (illumos: a
 * port lives as long as any copy of its fd, and only its copies reach it).
 *
 * Reaping without a thread.  Every port's close end is registered once in
 * one process-wide epoll set (the reaper), and the reaper is watched by
 * every port's backend: whichever thread next waits on any port, or the
 * next port_create(), frees the ports whose users have gone.  A thread
 * waiting on the closed port itself is woken by its own close end.  No
 * thread is started, so a process with ports stays single-threaded.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef EVP_HAVE_EPOLL
#include <sys/epoll.h>
#endif

#include "evp.h"

/*
 * Hints are read without a lock, so the table only grows: a bigger copy is
 * published atomically and the old one kept (a reader may hold it).  Port
 * structures are recycled, never returned to malloc, so a reader holding a
 * stale hint touches a valid struct whose reference count says 0.
 */
struct reg_table {
	struct reg_table	*rt_older;
	int			rt_cap;
	_Atomic(struct evp_port *) rt_slot[];
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic(struct reg_table *) reg_tab;
static struct evp_port *reg_live;	/* live ports, doubly linked */
static int reg_count;
static struct evp_port *reg_free;	/* recycled structures */
static int reg_reaper = -1;		/* epoll set of close ends */
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

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

static struct evp_port *
hint_get(int fd)
{
	struct reg_table *t = atomic_load(&reg_tab);

	return (t != NULL && fd < t->rt_cap ?
	    atomic_load(&t->rt_slot[fd]) : NULL);
}

/* File p under number fd; reg_lock held.  Failure only loses a hint. */
static void
hint_set(int fd, struct evp_port *p)
{
	struct reg_table *t = atomic_load(&reg_tab), *nt;
	int ncap = t != NULL ? t->rt_cap : 64;

	if (t == NULL || fd >= t->rt_cap) {
		while (ncap <= fd)
			ncap *= 2;
		nt = calloc(1, sizeof (*nt) + ncap * sizeof (nt->rt_slot[0]));
		if (nt == NULL)
			return;
		nt->rt_cap = ncap;
		nt->rt_older = t;
		for (int i = 0; t != NULL && i < t->rt_cap; i++)
			atomic_init(&nt->rt_slot[i],
			    atomic_load(&t->rt_slot[i]));
		atomic_store(&reg_tab, nt);
		t = nt;
	}
	atomic_store(&t->rt_slot[fd], p);
}

static bool
same_file(const struct evp_port *p, const struct stat *st)
{
	return (p->p_ino == st->st_ino && p->p_dev == st->st_dev);
}

/* The live port whose user end is st; takes a reference.  reg_lock held. */
static struct evp_port *
find_by_file(const struct stat *st)
{
	for (struct evp_port *p = reg_live; p != NULL; p = p->p_next) {
		if (same_file(p, st) && ref_if_live(p))
			return (p);
	}
	return (NULL);
}

/*
 * The port behind fd, with a reference.  EBADF: fd is not open; EBADFD:
 * it is open but not a port of this process.
 */
int
evp__lookup(int fd, struct evp_port **pp)
{
	struct evp_port *p;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) == -1)
		return (EBADF);
	if ((p = hint_get(fd)) != NULL && ref_if_live(p)) {
		if (same_file(p, &st)) {
			*pp = p;
			return (0);
		}
		evp__release(p);
	}
	if (!S_ISSOCK(st.st_mode))
		return (EBADFD);
	pthread_mutex_lock(&reg_lock);
	if ((p = find_by_file(&st)) != NULL)
		hint_set(fd, p);
	pthread_mutex_unlock(&reg_lock);
	if (p == NULL)
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

struct evp_port *
evp__port_alloc(void)
{
	struct evp_port *p;

	pthread_mutex_lock(&reg_lock);
	if ((p = reg_free) != NULL)
		reg_free = p->p_next;
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
	p->p_next = reg_free;
	reg_free = p;
	pthread_mutex_unlock(&reg_lock);
}

static void
live_unlink(struct evp_port *p)
{
	if (p->p_prev != NULL)
		p->p_prev->p_next = p->p_next;
	else
		reg_live = p->p_next;
	if (p->p_next != NULL)
		p->p_next->p_prev = p->p_prev;
	p->p_next = p->p_prev = NULL;
	reg_count--;
}

/* Retire p if it is still registered; reg_lock held.  True if it was. */
static bool
retire_locked(struct evp_port *p)
{
	if (!p->p_listed)
		return (false);
	p->p_listed = false;
	live_unlink(p);
#ifdef EVP_HAVE_EPOLL
	if (reg_reaper >= 0)
		(void) epoll_ctl(reg_reaper, EPOLL_CTL_DEL, p->p_closefd, NULL);
	/* No ports, no fds of ours: the next port makes a new reaper. */
	if (reg_count == 0 && reg_reaper >= 0) {
		(void) close(reg_reaper);
		reg_reaper = -1;
	}
#endif
	return (true);
}

/*
 * Has the user closed every copy of p's fd?  Bytes the application wrote
 * into its port fd arrive here; they are read away so that the reaper does
 * not report them again and again.
 */
bool
evp__user_gone(const struct evp_port *p)
{
	char buf[256];
	ssize_t n;

	while ((n = recv(p->p_closefd, buf, sizeof (buf), MSG_DONTWAIT)) > 0)
		;
	return (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR));
}

/* Collect up to n ports whose users have gone; reg_lock held. */
static int
collect(struct evp_port **out, int n)
{
	int k = 0;
#ifdef EVP_HAVE_EPOLL
	struct epoll_event ev[64];
	int got;

	if (reg_reaper >= 0) {
		got = epoll_wait(reg_reaper, ev, n < 64 ? n : 64, 0);
		for (int i = 0; i < got; i++) {
			struct evp_port *p = ev[i].data.ptr;

			if (evp__user_gone(p) && retire_locked(p))
				out[k++] = p;
		}
		return (k);
	}
#endif
	/* No reaper set on this system: look at every port. */
	for (struct evp_port *p = reg_live, *next; p != NULL && k < n;
	    p = next) {
		next = p->p_next;
		if (evp__user_gone(p) && retire_locked(p))
			out[k++] = p;
	}
	return (k);
}

/*
 * Free the ports whose users have gone.  Called with no port lock held:
 * retiring a port takes its lock.
 */
void
evp__reap(void)
{
	struct evp_port *gone[64];
	int n;

	do {
		pthread_mutex_lock(&reg_lock);
		n = collect(gone, 64);
		pthread_mutex_unlock(&reg_lock);
		for (int i = 0; i < n; i++) {
			evp__mark_closed(gone[i]);
			evp__release(gone[i]);	/* the registry's reference */
		}
	} while (n == 64);
}


/*
 * A forked child must not use the parent's ports (port_create(3C)): close
 * every fd the library holds for them and free all of it.  Only this thread
 * exists now, and reg_lock was taken in the prepare handler, so the lists
 * are whole; port locks are not touched (another thread may have held one).
 */
static void
reg_atfork_child(void)
{
	struct reg_table *t = atomic_load(&reg_tab), *older;
	struct evp_port *p, *next;

	for (p = reg_live; p != NULL; p = next) {
		next = p->p_next;
		evp__forget(p);
		free(p);
	}
	for (p = reg_free; p != NULL; p = next) {
		next = p->p_next;
		free(p);
	}
	for (; t != NULL; t = older) {
		older = t->rt_older;
		free(t);
	}
	if (reg_reaper >= 0)
		(void) close(reg_reaper);
	reg_reaper = -1;
	reg_live = reg_free = NULL;
	reg_count = 0;
	atomic_store(&reg_tab, NULL);
	pthread_mutex_init(&reg_lock, NULL);
}

static void
reg_atfork_prepare(void)
{
	pthread_mutex_lock(&reg_lock);
}

static void
reg_atfork_parent(void)
{
	pthread_mutex_unlock(&reg_lock);
}

static void
reg_atfork_install(void)
{
	(void) pthread_atfork(reg_atfork_prepare, reg_atfork_parent,
	    reg_atfork_child);
}

/* Make the reaper set on first use; reg_lock held. */
static int
reaper_open(void)
{
#ifdef EVP_HAVE_EPOLL
	if (reg_reaper < 0 &&
	    (reg_reaper = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		reg_reaper = -1;
		return (errno);
	}
#endif
	return (0);
}

static int
reaper_add(struct evp_port *p)
{
#ifdef EVP_HAVE_EPOLL
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };

	ev.data.ptr = p;
	if (epoll_ctl(reg_reaper, EPOLL_CTL_ADD, p->p_closefd, &ev) == -1)
		return (errno);
#else
	(void) p;
#endif
	return (0);
}

/*
 * Publish a new port under its first number fd.  *reaper is the reaper
 * fd for the port's backend to watch (-1: none); it stays open while the
 * port is registered.
 */
int
evp__register(struct evp_port *p, int fd, int *reaper)
{
	int err;

	pthread_once(&atfork_once, reg_atfork_install);
	pthread_mutex_lock(&reg_lock);
	if (reg_count >= EVP_MAX_PORTS)
		err = EAGAIN;
	else if ((err = reaper_open()) == 0 && (err = reaper_add(p)) == 0) {
		/* The registry's reference; 0 until now. */
		atomic_store(&p->p_refs, 1);
		p->p_prev = NULL;
		p->p_next = reg_live;
		if (reg_live != NULL)
			reg_live->p_prev = p;
		reg_live = p;
		p->p_listed = true;
		reg_count++;
		hint_set(fd, p);
	}
	*reaper = reg_reaper;
	pthread_mutex_unlock(&reg_lock);
	return (err);
}
