/*
 * The contract between the event-port core and a readiness backend.
 *
 * The core (the .c files in lib/ports/) owns everything illumos defines: associations,
 * the event queue, one-shot state, alert mode, waiters and errno values.
 * A backend only answers "which of these fds are ready?"  One instance of
 * struct evp_backend exists per backend file, defined at its end:
 *
 *	lib/ports/linux/epoll.c	Linux epoll (EPOLLONESHOT).
 *	lib/ports/posix/poll.c	poll(2); any POSIX system.
 *	lib/ports/bsd/kqueue.c	kqueue (BSD, macOS): EV_DISPATCH per filter.
 *				Not written yet; it slots in beside the two
 *				above with the same five operations.
 *
 * Locking: eb_arm, eb_disarm and eb_same_file run with the port's lock held
 * and never block.  eb_wait runs without it, and only one thread per port
 * (the leader) is inside eb_wait at a time.  Data flows one way: the core
 * calls the backend, the backend calls the kernel, and readiness comes back
 * as an array of struct evp_ready that the core interprets.
 */
#ifndef EVP_BACKEND_H
#define	EVP_BACKEND_H

#include <stdint.h>
#include <time.h>

struct evp_port;

/* One readiness report.  fd < 0 names the port's own wake/close fds. */
struct evp_ready {
	int		er_fd;
	uint32_t	er_gen;		/* generation given to eb_arm */
	int		er_revents;	/* poll(2) bits */
};

#define	EVP_FD_WAKE	(-2)	/* the port's wake fd became readable */
#define	EVP_FD_CLOSED	(-3)	/* the user closed the port fd */

/* eb_arm result: the fd cannot be watched and is ready now (regular file). */
#define	EVP_ALWAYS_READY	(-1)

struct evp_backend {
	const char	*eb_name;
	/*
	 * Set up backend state in port->p_be_data.  The backend must report
	 * EVP_FD_WAKE when wakefd is readable and EVP_FD_CLOSED when closefd
	 * reports hang-up or input.  Returns 0 or an errno value.
	 */
	int	(*eb_init)(struct evp_port *, int wakefd, int closefd);
	/* Release backend state.  Closes nothing that the core owns. */
	void	(*eb_fini)(struct evp_port *);
	/*
	 * Watch fd one-shot for poll(2) events (POLLHUP and POLLERR are always
	 * watched), tagging reports with gen.  Re-arming replaces the events.
	 * Returns 0, EVP_ALWAYS_READY, EBADF for a closed fd, or an errno.
	 */
	int	(*eb_arm)(struct evp_port *, int fd, int events, uint32_t gen);
	/* Stop watching fd.  Never fails. */
	void	(*eb_disarm)(struct evp_port *, int fd);
	/*
	 * Wait until at least one report is available or the absolute
	 * CLOCK_MONOTONIC deadline passes (NULL waits forever).  Fills at most
	 * n reports and returns how many (0 on timeout), or -errno (-EINTR
	 * when a signal interrupts the wait).  It may return early; the core
	 * checks the clock.
	 */
	int	(*eb_wait)(struct evp_port *, const struct timespec *deadline,
		    struct evp_ready *, int n);
	/*
	 * Nonzero if fd still names the open file that was last armed: the
	 * core asks before it delivers an event that has waited in its queue,
	 * so that a closed and reused fd number never gets a stale event.
	 */
	int	(*eb_same_file)(struct evp_port *, int fd);
	/* Nonzero if eb_wait must be woken to see a newly armed fd. */
	int	eb_arm_needs_wake;
};

extern const struct evp_backend evp__backend_poll;
#ifdef EVP_HAVE_EPOLL
extern const struct evp_backend evp__backend_epoll;
#endif

#endif /* EVP_BACKEND_H */
