/*
 * Linux epoll backend.
 *
 * Each association is an EPOLLONESHOT registration whose epoll_data packs
 * (generation << 32 | fd), so a report from an older association is
 * recognised by the core.  epoll keys registrations by open file, not by
 * fd number: a registration survives close(2) while a dup exists, and a
 * reused number is a different key.  EPOLL_CTL_MOD failing with ENOENT
 * therefore means "a new file under the old number", and we add it.
 */
#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "../evp.h"

#define	TAG_WAKE	((uint64_t)1 << 63)
#define	TAG_CLOSED	((uint64_t)1 << 62)

struct ep_state {
	int			ep_fd;
	int			ep_cap;
	struct epoll_event	*ep_evs;	/* the leader's buffer */
};

#define	EP(p)	((struct ep_state *)(p)->p_be_data)

static int
ep_init(struct evp_port *p, int wakefd, int closefd)
{
	struct ep_state *st;
	struct epoll_event ev = { 0 };

	if ((st = calloc(1, sizeof (*st))) == NULL)
		return (ENOMEM);
	if ((st->ep_fd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		int err = errno;

		free(st);
		return (err);
	}
	ev.events = EPOLLIN;
	ev.data.u64 = TAG_WAKE;
	if (epoll_ctl(st->ep_fd, EPOLL_CTL_ADD, wakefd, &ev) == 0) {
		ev.events = EPOLLIN | EPOLLRDHUP;
		ev.data.u64 = TAG_CLOSED;
		if (epoll_ctl(st->ep_fd, EPOLL_CTL_ADD, closefd, &ev) == 0) {
			p->p_be_data = st;
			return (0);
		}
	}
	int err = errno;

	(void) close(st->ep_fd);
	free(st);
	return (err);
}

static void
ep_fini(struct evp_port *p)
{
	(void) close(EP(p)->ep_fd);
	free(EP(p)->ep_evs);
	free(p->p_be_data);
}

static int
ep_arm(struct evp_port *p, int fd, int events, uint32_t gen)
{
	struct epoll_event ev;
	int op = (p->p_assoc[fd].ea_flags & EVP_A_KNOWN) ?
	    EPOLL_CTL_MOD : EPOLL_CTL_ADD;

	/* poll(2) and epoll bits share values on Linux. */
	ev.events = (uint32_t)events | EPOLLONESHOT;
	ev.data.u64 = (uint64_t)gen << 32 | (uint32_t)fd;
	for (int tries = 0; tries < 2; tries++) {
		if (epoll_ctl(EP(p)->ep_fd, op, fd, &ev) == 0)
			return (0);
		if (errno == ENOENT && op == EPOLL_CTL_MOD)
			op = EPOLL_CTL_ADD;
		else if (errno == EEXIST && op == EPOLL_CTL_ADD)
			op = EPOLL_CTL_MOD;
		else
			break;
	}
	/* epoll refuses regular files and directories: always ready. */
	return (errno == EPERM ? EVP_ALWAYS_READY : errno);
}

static void
ep_disarm(struct evp_port *p, int fd)
{
	int saved = errno;

	(void) epoll_ctl(EP(p)->ep_fd, EPOLL_CTL_DEL, fd, NULL);
	errno = saved;
}

#ifdef HAVE_EPOLL_PWAIT2
/* Set once epoll_pwait2(2) says ENOSYS (kernels before 5.11, seccomp). */
static atomic_bool no_pwait2;
#endif

/*
 * Wait until the deadline.  No deadline and an expired one need no
 * nanosecond timer, so they use plain epoll_wait(2); a finite one uses
 * epoll_pwait2(2) where it exists, else milliseconds rounded up.
 */
static int
ep_wait(struct evp_port *p, const struct timespec *dl,
    struct epoll_event *evs, int n)
{
	int ms = evp__remaining_ms(dl);
#ifdef HAVE_EPOLL_PWAIT2
	struct timespec rel;
	int got;

	if (ms > 0 && !atomic_load_explicit(&no_pwait2, memory_order_relaxed)) {
		evp__remaining_ts(dl, &rel);
		got = epoll_pwait2(EP(p)->ep_fd, evs, n, &rel, NULL);
		if (got != -1 || errno != ENOSYS)
			return (got);
		atomic_store(&no_pwait2, true);
	}
#endif
	return (epoll_wait(EP(p)->ep_fd, evs, n, ms));
}

static int
ep_collect(struct evp_port *p, const struct timespec *dl,
    struct evp_ready *out, int n)
{
	struct ep_state *st = EP(p);
	struct epoll_event *evs;
	int got;

	if (n > st->ep_cap) {
		evs = realloc(st->ep_evs, n * sizeof (*evs));
		if (evs == NULL)
			n = st->ep_cap;
		else {
			st->ep_evs = evs;
			st->ep_cap = n;
		}
		if (n == 0)
			return (-ENOMEM);
	}
	evs = st->ep_evs;
	if ((got = ep_wait(p, dl, evs, n)) == -1)
		return (-errno);
	for (int i = 0; i < got; i++) {
		uint64_t tag = evs[i].data.u64;
		uint32_t bits = evs[i].events;

		if (tag & TAG_WAKE)
			out[i].er_fd = EVP_FD_WAKE;
		else if (tag & TAG_CLOSED)
			out[i].er_fd = EVP_FD_CLOSED;
		else
			out[i].er_fd = (int)(uint32_t)tag;
		out[i].er_gen = (uint32_t)(tag >> 32);
		out[i].er_revents = (int)bits;
	}
	return (got);
}

/*
 * Re-register fd disarmed, with its current tag: success means the number
 * still names the file we armed; ENOENT or EBADF means it was closed (and
 * maybe reused).  Only called for events that waited in the queue.
 */
static int
ep_same_file(struct evp_port *p, int fd)
{
	struct epoll_event ev;
	int saved = errno, ok;

	ev.events = EPOLLONESHOT;
	ev.data.u64 = (uint64_t)p->p_assoc[fd].ea_gen << 32 | (uint32_t)fd;
	ok = epoll_ctl(EP(p)->ep_fd, EPOLL_CTL_MOD, fd, &ev) == 0;
	errno = saved;
	return (ok);
}

const struct evp_backend evp__backend_epoll = {
	.eb_name = "epoll",
	.eb_init = ep_init,
	.eb_fini = ep_fini,
	.eb_arm = ep_arm,
	.eb_disarm = ep_disarm,
	.eb_wait = ep_collect,
	.eb_same_file = ep_same_file,
	.eb_arm_needs_wake = 0,
};
