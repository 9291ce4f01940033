/*
 * Linux epoll backend (contract: ../backend.h).
 *
 * A tag travels in epoll_data.  epoll keys registrations by (open file,
 * fd number) and keeps one for as long as the file lives, not the number:
 * it survives close(2) while a dup() or a child holds the file, and a
 * reused number is a different key.  So EPOLL_CTL_MOD failing with ENOENT
 * means "a new file under the old number" (we add it), and eb_check asks
 * epoll itself whether (the file the number names now, the number) is the
 * registration we made.
 */
#include "config.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "../evp.h"

struct ep_state {
	int			ep_fd;
	int			ep_cap;
	struct epoll_event	*ep_evs;	/* the leader's buffer */
};

static int
ep_init(void **sp)
{
	struct ep_state *st;
	int err;

	if ((st = calloc(1, sizeof (*st))) == NULL)
		return (ENOMEM);
	if ((st->ep_fd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		err = errno;
		free(st);
		return (err);
	}
	*sp = st;
	return (0);
}

static void
ep_fini(void *state)
{
	struct ep_state *st = state;

	(void) close(st->ep_fd);
	free(st->ep_evs);
	free(st);
}

static int
ep_arm(void *state, int fd, int events, uint64_t tag, int flags)
{
	struct ep_state *st = state;
	struct epoll_event ev;
	int op = (flags & EVP_ARM_KNOWN) ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;

	/* poll(2) and epoll bits share values on Linux. */
	ev.events = (uint32_t)events |
	    ((flags & EVP_ARM_ONESHOT) ? EPOLLONESHOT : 0);
	ev.data.u64 = tag;
	for (int tries = 0; tries < 2; tries++) {
		if (epoll_ctl(st->ep_fd, op, fd, &ev) == 0)
			return (0);
		if (errno == ENOENT && op == EPOLL_CTL_MOD)
			op = EPOLL_CTL_ADD;
		else if (errno == EEXIST && op == EPOLL_CTL_ADD)
			op = EPOLL_CTL_MOD;
		else
			break;
	}
	/* EPERM: a regular file or directory, which epoll refuses. */
	return (errno);
}

static void
ep_disarm(void *state, int fd)
{
	struct ep_state *st = state;
	int saved = errno;

	(void) epoll_ctl(st->ep_fd, EPOLL_CTL_DEL, fd, NULL);
	errno = saved;
}

#ifdef HAVE_EPOLL_PWAIT2
/* Set once epoll_pwait2(2) says ENOSYS (kernels before 5.11, seccomp). */
static atomic_bool no_pwait2;
#endif

/*
 * No deadline and an expired one need no nanosecond timer, so they use
 * plain epoll_wait(2); a finite one uses epoll_pwait2(2) where it exists,
 * else milliseconds rounded up (never return before the timeout).
 */
static int
ep_sleep(struct ep_state *st, const struct timespec *dl, int n)
{
	int ms = evp__remaining_ms(dl);
#ifdef HAVE_EPOLL_PWAIT2
	struct timespec rel;
	int got;

	if (ms > 0 && !atomic_load_explicit(&no_pwait2, memory_order_relaxed)) {
		evp__remaining_ts(dl, &rel);
		got = epoll_pwait2(st->ep_fd, st->ep_evs, n, &rel, NULL);
		if (got != -1 || errno != ENOSYS)
			return (got);
		atomic_store(&no_pwait2, true);
	}
#endif
	return (epoll_wait(st->ep_fd, st->ep_evs, n, ms));
}

static int
ep_wait(void *state, const struct timespec *dl, struct evp_ready *out,
    int n, int *nout)
{
	struct ep_state *st = state;
	int got;

	*nout = 0;
	if (n > st->ep_cap) {
		struct epoll_event *evs = realloc(st->ep_evs, n * sizeof (*evs));

		if (evs != NULL) {
			st->ep_evs = evs;
			st->ep_cap = n;
		} else if ((n = st->ep_cap) == 0) {
			return (ENOMEM);
		}
	}
	if ((got = ep_sleep(st, dl, n)) == -1)
		return (errno);
	for (int i = 0; i < got; i++) {
		out[i].er_tag = st->ep_evs[i].data.u64;
		out[i].er_revents = (int)st->ep_evs[i].events;
	}
	*nout = got;
	return (0);
}

/*
 * Re-register fd disarmed, with the same tag: success means the number
 * still names the file we armed (the registration's key); ENOENT or EBADF
 * means it was closed, and maybe reused.
 */
static int
ep_check(void *state, int fd, uint64_t tag)
{
	struct ep_state *st = state;
	struct epoll_event ev;
	int saved = errno, err = 0;

	ev.events = EPOLLONESHOT;
	ev.data.u64 = tag;
	if (epoll_ctl(st->ep_fd, EPOLL_CTL_MOD, fd, &ev) == -1)
		err = errno == EBADF ? EBADF : ESTALE;
	errno = saved;
	return (err);
}

const struct evp_backend evp__backend_epoll = {
	.eb_name = "epoll",
	.eb_flags = 0,
	.eb_init = ep_init,
	.eb_fini = ep_fini,
	.eb_forget = ep_fini,
	.eb_arm = ep_arm,
	.eb_disarm = ep_disarm,
	.eb_wait = ep_wait,
	.eb_check = ep_check,
};
