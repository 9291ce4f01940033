/*
 * SIGEV_PORT timers: the interface between timer.c (the exported timer_*
 * functions and the process's table of timers) and source_timer.c (the
 * port side: PORT_SOURCE_TIMER events).
 *
 * A timer is a timerfd that the port's backend watches for as long as
 * the timer is attached to the port.  Each time the backend reports it
 * readable, the expirations read from it are added to t_count, and if no
 * event of the timer is queued, one is emitted; es_deliver hands t_count
 * over in portev_events.  So a timer has at most one event in its port,
 * and portev_events counts the expirations since the last delivery, as
 * illumos does (os/timer.c, timer_fire and timer_port_callback).
 *
 * Locks: the table lock (evp__timers_lock) before any port's p_lock.
 *	t_id t_fd t_slot t_pfd	fixed from creation to timer_delete
 *	t_port			written under both locks, read under either
 *	the rest		the port's p_lock while t_port is set
 */
#ifndef EVP_TIMER_H
#define	EVP_TIMER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct evp_port;

struct evp_timer {
	timer_t		t_id;
	int		t_fd;		/* timerfd, and the key of its tags */
	uint32_t	t_slot;		/* index in the process's table */
	struct evp_port	*t_port;	/* NULL once the port is destroyed */
	int		t_pfd;		/* portnfy_port, for evp__sync_token */
	void		*t_user;	/* portnfy_user */
	uint64_t	t_count;	/* expirations not yet delivered */
	int		t_overrun;	/* of the last event delivered */
	bool		t_queued;	/* an event of this timer is queued */
};

/* timer.c: the process's table of timers. */
void	evp__timers_lock(void);
void	evp__timers_unlock(void);

/*
 * source_timer.c, all with p_lock held.  attach: enter the timer in the
 * port's table and have the backend watch it (0 or an errno).  detach:
 * forget it, with its queued event.  collect: read the expirations that
 * the backend has not reported yet, before timer_settime resets the
 * timerfd's count.
 */
int	evp__timer_attach(struct evp_port *, struct evp_timer *);
void	evp__timer_detach(struct evp_port *, struct evp_timer *);
void	evp__timer_collect(struct evp_port *, struct evp_timer *);

#endif /* EVP_TIMER_H */
