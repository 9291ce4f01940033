/*
 * Event-port core: the port object and the functions the API layer calls.
 *
 * Internal functions return 0 or an errno value; api.c turns that into
 * the illumos -1/errno convention.  Names carry the evp__ prefix so they
 * never collide with the exported port_* names.
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

/* Queued events a port holds at most (illumos process.max-port-events). */
#define	EVP_MAX_EVENTS		65536
/* Ports a process may hold at once (illumos project.max-port-ids). */
#define	EVP_MAX_PORTS		8192

/* Association state bits (struct evp_assoc ea_flags). */
#define	EVP_A_ARMED	0x01	/* watched by the backend, no event yet */
#define	EVP_A_QUEUED	0x02	/* event in the queue, not retrieved */
#define	EVP_A_KNOWN	0x04	/* the backend has a registration */
#define	EVP_A_SYNTH	0x08	/* unwatchable fd, reported ready at once */

/*
 * One FD association, indexed by fd number: 24 bytes on LP64.  Key is the
 * fd number plus the open file (the backend tells files apart); ea_gen
 * changes on every associate or dissociate, so a report or queued event
 * from an older association is recognised and dropped.
 */
struct evp_assoc {
	void		*ea_user;
	int		ea_events;
	uint32_t	ea_gen;
	uint8_t		ea_flags;
};

/* A queued event.  qe_gen/qe_round are meaningful for FD events only. */
struct evp_qent {
	port_event_t	qe_ev;
	uint32_t	qe_gen;
	uint32_t	qe_round;
};

/* FIFO ring of events; dead FD entries are skipped when taken. */
struct evp_queue {
	struct evp_qent	*q_ent;
	uint32_t	q_cap;		/* power of two, or 0 */
	uint32_t	q_head;		/* free-running counters */
	uint32_t	q_tail;
};

struct evp_port {
	atomic_int	p_refs;		/* registry + calls; first member */
	pthread_mutex_t	p_lock;
	pthread_cond_t	p_cond;		/* followers wait for the leader */
	struct evp_port	*p_next_free;	/* recycled structures */
	uint32_t	p_nfollowers;	/* threads waiting on p_cond */
	const struct evp_backend *p_be;
	void		*p_be_data;
	int		p_fd;		/* the user's end of the socketpair */
	dev_t		p_dev;		/* ... and its identity */
	ino_t		p_ino;
	int		p_closefd;	/* our end: EOF means the user closed */
	int		p_wakefd[2];	/* read end, write end (may be equal) */
	bool		p_closed;
	bool		p_leader;	/* a thread is inside eb_wait */
	bool		p_woken;	/* a wake is pending on p_wakefd */
	bool		p_token;	/* a byte makes p_fd poll readable */
	bool		p_alert;
	int		p_alert_events;
	void		*p_alert_user;
	uint32_t	p_round;	/* bumped each time a getn returns */
	uint32_t	p_live;		/* valid events in p_q */
	struct evp_queue p_q;
	struct evp_assoc *p_assoc;
	uint32_t	p_nassoc;
	struct evp_ready *p_rbuf;	/* leader's report buffer */
	uint32_t	p_rcap;
};

/* registry.c: fd number -> port, and the close watcher. */
int	evp__lookup(int, struct evp_port **, bool);
void	evp__release(struct evp_port *);
int	evp__register(struct evp_port *);
struct evp_port *evp__port_alloc(void);
void	evp__port_free(struct evp_port *);

/* port.c */
int	evp__create(int *);
void	evp__destroy(struct evp_port *);
void	evp__mark_closed(struct evp_port *);
void	evp__wake_leader(struct evp_port *);
void	evp__sync_token(struct evp_port *);

/* queue.c */
int	evp__q_push(struct evp_port *, const port_event_t *, uint32_t);
uint_t	evp__q_take(struct evp_port *, port_event_t *, uint_t);
void	evp__q_free(struct evp_queue *);

/*
 * Where the leader may put events directly: the caller's list, used only
 * while the queue is empty so that FIFO order holds.
 */
struct evp_sink {
	port_event_t	*s_list;
	uint_t		s_max;
	uint_t		s_n;
};

/* fd.c */
int	evp__associate_fd(struct evp_port *, int, int, void *);
int	evp__dissociate_fd(struct evp_port *, int);
void	evp__process(struct evp_port *, const struct evp_ready *, int,
	    struct evp_sink *);
bool	evp__qent_valid(struct evp_port *, const struct evp_qent *);
bool	evp__fd_current(struct evp_port *, int);

/* get.c */
int	evp__getn(struct evp_port *, port_event_t *, uint_t, uint_t *,
	    const struct timespec *, bool);
int	evp__count(struct evp_port *, uint_t *);
int	evp__send(struct evp_port *, int, void *);
int	evp__alert(struct evp_port *, int, int, void *);

/* wake.c: a counter fd that wakes a thread blocked in eb_wait. */
int	evp__wake_open(int [2]);
void	evp__wake_post(const int [2]);
void	evp__wake_drain(const int [2]);
void	evp__wake_close(int [2]);

/* time helpers */
void	evp__deadline(struct timespec *, const struct timespec *);
bool	evp__expired(const struct timespec *);
int	evp__remaining_ms(const struct timespec *);
void	evp__remaining_ts(const struct timespec *, struct timespec *);

#endif /* EVP_H */
