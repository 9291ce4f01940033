/*
 * The contract between the event-port core and a readiness backend,
 * written once here.  A backend answers one question: "which of the fds I
 * was asked to watch are ready?"  It knows nothing of ports, sources,
 * associations or the event queue; the core passes it everything it needs
 * (fd, events, an opaque 64-bit tag, flags) and gets the tag back with the
 * poll(2) bits that fired.
 *
 * One ops table per backend file, listed in backends.def (the one list the
 * core and the tests share):
 *
 *	linux/epoll.c	Linux epoll: one-shot registrations via EPOLLONESHOT.
 *	posix/poll.c	poll(2)/ppoll(2); any POSIX system.
 *	bsd/kqueue.c	(later) kqueue: EV_DISPATCH per filter, the tag in
 *			udata; eb_check by comparing the knote's ident.
 *
 * A tag's key (EVP_TAG_KEY, source.h) is always the fd it is armed for:
 * the poll backend keeps only the source and generation of a tag and
 * rebuilds it from the fd, to stay small per association.
 *
 * Return convention: every operation returns 0 or a positive errno value.
 * EPERM from eb_arm means "this fd cannot be watched (a regular file or a
 * directory): it is always ready", as epoll_ctl(2) says.
 *
 * Locking: eb_arm, eb_disarm and eb_check run with the port's lock held
 * and never block.  eb_wait runs without it, and only one thread per port
 * (the leader) is inside eb_wait at a time; the backend must tolerate
 * eb_arm/eb_disarm from other threads meanwhile.
 */
#ifndef EVP_BACKEND_H
#define	EVP_BACKEND_H

#include <stdint.h>
#include <time.h>

/* One readiness report: the tag given to eb_arm and the bits that fired. */
struct evp_ready {
	uint64_t	er_tag;
	int		er_revents;	/* poll(2) bits; POLLNVAL: fd gone */
};

/* eb_arm flags. */
#define	EVP_ARM_ONESHOT	0x1	/* report once, then stay quiet until re-armed */
#define	EVP_ARM_KNOWN	0x2	/* armed before under this number: modify */

/* eb_flags. */
#define	EVP_BE_ARM_WAKES	0x1	/* eb_wait must be woken to see a new arm */
#define	EVP_BE_CHECKED		0x2	/* eb_wait already checked each report's file */

struct evp_backend {
	const char	*eb_name;
	unsigned	eb_flags;
	/* Create the backend's state for one port. */
	int	(*eb_init)(void **statep);
	/* Free it; closes only the backend's own fds. */
	void	(*eb_fini)(void *state);
	/*
	 * Close the backend's own fds in a forked child without touching
	 * the parent's registrations (no EPOLL_CTL_DEL on a shared set).
	 */
	void	(*eb_forget)(void *state);
	/*
	 * Watch fd for the poll(2) bits in events (POLLHUP and POLLERR are
	 * always watched) and report tag when they fire.  Arming an fd again
	 * replaces its events and tag.
	 */
	int	(*eb_arm)(void *state, int fd, int events, uint64_t tag,
		    int flags);
	/* Stop watching fd.  Never fails. */
	void	(*eb_disarm)(void *state, int fd);
	/*
	 * Wait until a report is ready or the absolute CLOCK_MONOTONIC
	 * deadline passes (NULL: no deadline).  Stores at most n reports and
	 * their count in *nout (0 on timeout).  EINTR when a signal arrives.
	 */
	int	(*eb_wait)(void *state, const struct timespec *deadline,
		    struct evp_ready *out, int n, int *nout);
	/*
	 * 0 if fd still names the open file that was armed with tag, else
	 * ESTALE (or EBADF).  The core asks before it delivers an event, since
	 * the application may have closed the number and reused it while a
	 * dup() or a child process kept the old file alive.
	 */
	int	(*eb_check)(void *state, int fd, uint64_t tag);
};

/* backends.c: the built backends, the default first. */
extern const struct evp_backend *const evp__backends[];
const struct evp_backend *evp__backend_pick(void);

#endif /* EVP_BACKEND_H */
