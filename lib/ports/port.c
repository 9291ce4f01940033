/*
 * The port object: creation, teardown, the fork child's cleanup, waking
 * waiters, and the byte that makes a port fd poll readable.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evp.h"

/* Sources with state of their own, torn down with the port. */
static const struct evp_source *const owned[] = {
	&evp__source_timer, &evp__source_file,
};
#define	NOWNED	(sizeof (owned) / sizeof (owned[0]))

/* Watch one of the port's own fds for input, for as long as it lives. */
static int
watch_own(struct evp_port *p, int fd, unsigned src)
{
	int ev = POLLIN;

#ifdef POLLRDHUP
	if (src == EVP_SRC_CLOSED)
		ev |= POLLRDHUP;
#endif
	return (p->p_be->eb_arm(p->p_be_state, fd, ev, EVP_TAG(src, 0, fd), 0));
}

static int
port_init(struct evp_port *p, int sv[2])
{
	pthread_condattr_t ca;
	struct stat st;
	int err;

	if (fstat(sv[0], &st) == -1)
		return (errno);
	p->p_dev = st.st_dev;
	p->p_ino = st.st_ino;
	p->p_closefd = sv[1];
	p->p_wakefd[0] = p->p_wakefd[1] = -1;
	p->p_be = evp__backend_pick();
	if ((err = evp__wake_open(p->p_wakefd)) != 0)
		return (err);
	if ((err = p->p_be->eb_init(&p->p_be_state)) != 0) {
		evp__wake_close(p->p_wakefd);
		return (err);
	}
	if ((err = watch_own(p, p->p_wakefd[0], EVP_SRC_WAKE)) != 0 ||
	    (err = watch_own(p, p->p_closefd, EVP_SRC_CLOSED)) != 0) {
		p->p_be->eb_fini(p->p_be_state);
		evp__wake_close(p->p_wakefd);
		return (err);
	}
	pthread_mutex_init(&p->p_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->p_cond, &ca);
	pthread_condattr_destroy(&ca);
	return (0);
}

int
evp__create(int *fdp)
{
	struct evp_port *p;
	int sv[2], err, reaper = -1;

	/* Free the ports closed since we last looked: their fds and slots. */
	evp__reap();
	/*
	 * The user's end is created first so that it is the lowest free fd,
	 * as port_create(3C) promises.  Our end is close-on-exec; the user's
	 * end is not, as on illumos.
	 */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return (errno == ENFILE ? EMFILE : errno);
	(void) fcntl(sv[1], F_SETFD, FD_CLOEXEC);
	(void) fcntl(sv[1], F_SETFL, O_NONBLOCK);
	if ((p = evp__port_alloc()) == NULL) {
		err = ENOMEM;
	} else if ((err = port_init(p, sv)) != 0) {
		evp__port_free(p);
	} else if ((err = evp__register(p, sv[0], &reaper)) != 0) {
		atomic_store(&p->p_refs, 1);
		evp__release(p);		/* closes sv[1] */
		(void) close(sv[0]);
		return (err);
	} else if (reaper >= 0 &&
	    (err = watch_own(p, reaper, EVP_SRC_REAP)) != 0) {
		(void) close(sv[0]);		/* the reaper frees it */
		evp__reap();
		return (err);
	}
	if (err != 0) {
		(void) close(sv[0]);
		(void) close(sv[1]);
		return (err);
	}
	*fdp = sv[0];
	return (0);
}

/*
 * Release what a port holds: its sources' state, its backend, its fds.
 * forget: in a forked child, where no lock may be taken and the parent's
 * registrations must stay as they are (closing our copies leaves the
 * parent's epoll sets alone; EPOLL_CTL_DEL would not).
 */
static void
release_parts(struct evp_port *p, bool forget)
{
	for (size_t i = 0; i < NOWNED; i++) {
		void (*fn)(struct evp_port *) = forget ? owned[i]->es_forget :
		    owned[i]->es_fini;

		if (fn != NULL)
			fn(p);
	}
	evp__fd_free(p);
	(forget ? p->p_be->eb_forget : p->p_be->eb_fini)(p->p_be_state);
	evp__wake_close(p->p_wakefd);
	(void) close(p->p_closefd);
	evp__q_free(&p->p_q);
	free(p->p_rbuf);
}

/* Free a port after its last reference is gone; nothing else reaches it. */
void
evp__destroy(struct evp_port *p)
{
	release_parts(p, false);
	pthread_cond_destroy(&p->p_cond);
	pthread_mutex_destroy(&p->p_lock);
	evp__port_free(p);
}

/* In a forked child: let go of a parent's port (see release_parts). */
void
evp__forget(struct evp_port *p)
{
	release_parts(p, true);
}

/* The user closed the port: every waiter returns EBADFD. */
void
evp__mark_closed(struct evp_port *p)
{
	pthread_mutex_lock(&p->p_lock);
	p->p_closed = true;
	evp__wake_waiters(p, true);
	pthread_mutex_unlock(&p->p_lock);
}

/* Interrupt the thread inside eb_wait, if any; p_lock held. */
void
evp__wake_leader(struct evp_port *p)
{
	if (p->p_leader && !p->p_woken) {
		p->p_woken = true;
		evp__wake_post(p->p_wakefd);
	}
}

/* New events or a new state: wake one waiter, or all; p_lock held. */
void
evp__wake_waiters(struct evp_port *p, bool all)
{
	if (p->p_nfollowers > 0) {
		if (all)
			pthread_cond_broadcast(&p->p_cond);
		else
			pthread_cond_signal(&p->p_cond);
	}
	evp__wake_leader(p);
}

/*
 * Take the byte back from the user's end.  The library never reads from a
 * number the application may have closed and reused: it reads from its own
 * dup() of the number, and only once fstat() proved that the dup is this
 * port.  (If the number names another file by now, the dup is closed
 * unread.)
 */
static bool
token_take(struct evp_port *p, int fd)
{
	struct stat st;
	bool ok = false;
	char c;
	int d;

	if (fd < 0 || (d = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1)
		return (false);
	if (fstat(d, &st) == 0 && st.st_ino == p->p_ino &&
	    st.st_dev == p->p_dev)
		ok = recv(d, &c, 1, MSG_DONTWAIT) >= 0;
	(void) close(d);
	return (ok);
}

/*
 * Keep one byte readable on the user's end exactly while events are
 * queued or an alert is set, so that poll(2) on a port reports POLLIN as
 * on illumos.  Readiness the backend holds but has not reported is not
 * counted (port_create(3C), DIFFERENCES).  fd is the number the current
 * call was given (-1: none).  p_lock held.
 */
void
evp__sync_token(struct evp_port *p, int fd)
{
	bool want = (p->p_live > 0 || p->p_alert) && !p->p_closed;
	char c = 0;

	if (want == p->p_token || (p->p_closed && !want))
		return;
	if (want) {
		if (send(p->p_closefd, &c, 1, MSG_DONTWAIT | MSG_NOSIGNAL) == 1)
			p->p_token = true;
	} else if (token_take(p, fd)) {
		p->p_token = false;
	}
}

/* End a call: bring the token up to date, then unlock. */
void
evp__unlock(struct evp_port *p, int fd)
{
	evp__sync_token(p, fd);
	pthread_mutex_unlock(&p->p_lock);
}
