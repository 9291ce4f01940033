/*
 * Event-port core: the port object and the functions the API layer calls.
 *
 * Data flows one way: api.c -> core (registry, port, get, queue, sources)
 * -> backend (backend.h) -> kernel.  Internal functions return 0 or an
 * errno value; api.c turns that into the illumos -1/errno convention with
 * one helper.  Names carry the evp__ prefix and are never exported.
 */
#ifndef EVP_H
#define	EVP_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>

#include <port.h>

#include "backend.h"
#include "source.h"

/* Queued events a port holds at most (illumos process.max-port-events). */
#define	EVP_MAX_EVENTS		65536
/* Ports a process may hold at once (illumos project.max-port-ids). */
#define	EVP_MAX_PORTS		8192

/* A queued event and the tag of the object it came from. */
struct evp_qent {
	port_event_t	qe_ev;
	uint32_t	qe_key;
	uint32_t	qe_gen;
	uint32_t	qe_round;	/* p_round when queued */
	uint8_t		qe_src;		/* enum evp_src */
};

/* FIFO ring of events; entries that lost their meaning are skipped. */
struct evp_queue {
	struct evp_qent	*q_ent;
	uint32_t	q_cap;		/* power of two, or 0 */
	uint32_t	q_head;		/* free-running counters */
	uint32_t	q_tail;
};

/* PORT_SOURCE_FD associations, in pages so memory follows the fds used. */
struct evp_fdent;
struct evp_fdtab {
	struct evp_fdent **ft_page;
	uint32_t	ft_npages;
};

/* Where the leader may put events directly: the retrieving caller's list. */
struct evp_sink {
	port_event_t	*s_list;
	uint_t		s_max;
	uint_t		s_n;
};

struct evp_port {
	atomic_int	p_refs;		/* registry + calls; first member */
	pthread_mutex_t	p_lock;
	pthread_cond_t	p_cond;		/* followers wait for the leader */
	struct evp_port	*p_next;	/* live list, or free list */
	struct evp_port	*p_prev;
	uint32_t	p_nfollowers;
	const struct evp_backend *p_be;
	void		*p_be_state;
	dev_t		p_dev;		/* identity of the user's end */
	ino_t		p_ino;
	int		p_closefd;	/* our end: EOF means the user closed */
	int		p_wakefd[2];	/* read end, write end (may be equal) */
	bool		p_closed;
	bool		p_leader;	/* a thread is inside eb_wait */
	bool		p_woken;	/* a wake is pending on p_wakefd */
	bool		p_token;	/* a byte makes the port fd readable */
	bool		p_alert;
	bool		p_listed;	/* in the registry's live list */
	int		p_alert_events;
	void		*p_alert_user;
	uint32_t	p_round;	/* bumped each time a retrieval ends */
	uint32_t	p_live;		/* events in p_q that still count */
	struct evp_queue p_q;
	struct evp_fdtab p_fds;
	void		*p_timer;	/* source_timer.c state */
	void		*p_file;	/* source_file.c state */
	struct evp_sink	*p_sink;	/* set while the leader processes */
	struct evp_ready *p_rbuf;	/* leader's report buffer */
	uint32_t	p_rcap;
};

/* registry.c: fd number -> port by file identity; reaping closed ports. */
int	evp__lookup(int, struct evp_port **);
void	evp__release(struct evp_port *);
int	evp__register(struct evp_port *, int, int *);
struct evp_port *evp__port_alloc(void);
void	evp__port_free(struct evp_port *);
void	evp__reap(void);
bool	evp__user_gone(const struct evp_port *);

/* port.c */
int	evp__create(int *);
void	evp__destroy(struct evp_port *);
void	evp__forget(struct evp_port *);
void	evp__mark_closed(struct evp_port *);
void	evp__wake_leader(struct evp_port *);
void	evp__wake_waiters(struct evp_port *, bool);
void	evp__sync_token(struct evp_port *, int);
void	evp__unlock(struct evp_port *, int);

/* queue.c */
int	evp__q_push(struct evp_port *, unsigned, uint32_t, uint32_t,
	    const port_event_t *);
uint_t	evp__q_take(struct evp_port *, port_event_t *, uint_t);
void	evp__q_free(struct evp_queue *);

/* source_fd.c */
int	evp__fd_associate(struct evp_port *, int, int, void *);
int	evp__fd_dissociate(struct evp_port *, int);
void	evp__fd_free(struct evp_port *);

/* source_user.c, source_alert.c */
int	evp__send(struct evp_port *, int, int, void *);
int	evp__alert(struct evp_port *, int, int, int, void *);
bool	evp__alert_fill(struct evp_port *, port_event_t *);

/* source_file.c: PORT_SOURCE_FILE (file_obj_t) */
int	evp__file_associate(struct evp_port *, uintptr_t, int, void *);
int	evp__file_dissociate(struct evp_port *, uintptr_t);

/* get.c */
int	evp__getn(struct evp_port *, int, port_event_t *, uint_t, uint_t *,
	    const struct timespec *, bool);
int	evp__count(struct evp_port *, int, uint_t *);
void	evp__dispatch(struct evp_port *, const struct evp_ready *, int);

/* wake.c: a counter fd that wakes a thread blocked in eb_wait. */
int	evp__wake_open(int [2]);
void	evp__wake_post(const int [2]);
void	evp__wake_drain(const int [2]);
void	evp__wake_close(int [2]);

/* api.c: the one place that turns an errno value into -1/errno. */
int	evp__ret(int, int);

/* clock.c */
bool	evp__ts_valid(const struct timespec *);
void	evp__deadline(struct timespec *, const struct timespec *);
bool	evp__expired(const struct timespec *);
int	evp__remaining_ms(const struct timespec *);
void	evp__remaining_ts(const struct timespec *, struct timespec *);

#endif /* EVP_H */
