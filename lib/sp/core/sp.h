/*
 * The SP layer's internal contracts: objects, locks, and the ops that
 * protocols and transports implement.  Read this before any .c file.
 *
 * Objects
 *	sp__sock	one nn_socket(); owns endpoints and pipes.
 *	sp__ep		one nn_bind()/nn_connect(): a listener or a dialer.
 *	sp__pipe	one established connection (tcp, ipc or inproc).
 *	sp__msg		one message; its body is what nn_allocmsg() returns.
 *
 * Threads.  One background I/O thread per process (sp__io, iothr.c) waits
 * in port_getn() on one of our event ports for every fd the layer owns,
 * and runs timers (handshake timeouts, redials).  There is no thread per
 * connection and nothing polls: fds are associated one-shot with exactly
 * the events the object needs next.  Callers' threads do I/O themselves
 * where they can: nn_send() writes straight to an idle pipe's fd.
 *
 * Locks, in order: sp__glock (socket table) -> s_lock (one per socket:
 * protocol state, endpoints, pipes, queues) -> io_lock (timers, reap
 * list; a leaf).  The I/O thread takes s_lock around each callback.
 *
 * Lifetime.  Any thread may close a pipe, an endpoint or a socket (under
 * s_lock): it dissociates and closes the fd, cancels timers, unlinks the
 * object and hands it to sp__io_reap().  Only the I/O thread frees memory,
 * after it has finished the batch of events and timers it was handling,
 * so an event or timer it already holds never points at freed memory.
 * Callbacks check the object's closed flag first.
 */
#ifndef SP_CORE_SP_H
#define	SP_CORE_SP_H

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/socket.h>

#include <nanomsg/nn.h>

/* ---- Messages (msg.c) ------------------------------------------------ */

#define	SP_MSG_MAGIC	0x5350736dU	/* "SPsm" */
#define	SP_HDR_MAX	64	/* protocol header bytes kept inline */

struct sp__msg {
	struct sp__msg	*m_next;
	size_t		m_len;		/* body bytes */
	size_t		m_hdrlen;	/* protocol header bytes in m_hdr */
	unsigned char	m_hdr[SP_HDR_MAX];
	uint32_t	m_magic;
	uint32_t	m_pipe;		/* received: id of its pipe */
	uint32_t	m_pages;	/* pooled: block size in pages; or 0 */
	/* Body follows; aligned for any type, as malloc(3) would be. */
	max_align_t	m_body[];
};

/* A message with len body bytes, or NULL (ENOMEM). */
struct sp__msg	*sp__msg_alloc(size_t len);
void		sp__msg_free(struct sp__msg *);
/* A copy of m (header, body, m_pipe), or NULL (ENOMEM). */
struct sp__msg	*sp__msg_dup(const struct sp__msg *);
/* Move the first n body bytes to the end of the header.  0 or EINVAL. */
int		sp__msg_body_to_hdr(struct sp__msg *, size_t n);
/* The message whose body is p, or NULL if p is not one of ours. */
struct sp__msg	*sp__msg_from_body(void *p);
#define	SP_MSG_BODY(m)	((unsigned char *)(m)->m_body)

/* Singly linked FIFO of messages with a byte count. */
struct sp__msgq {
	struct sp__msg	*q_head;
	struct sp__msg	*q_tail;
	size_t		q_bytes;
	size_t		q_count;
};
void		sp__msgq_put(struct sp__msgq *, struct sp__msg *);
struct sp__msg	*sp__msgq_get(struct sp__msgq *);
void		sp__msgq_drain(struct sp__msgq *);

/* ---- Intrusive doubly linked list ------------------------------------- */

struct sp__link {
	struct sp__link	*l_next;
	struct sp__link	*l_prev;
};
void	sp__list_init(struct sp__link *);
void	sp__list_add(struct sp__link *head, struct sp__link *);
void	sp__list_del(struct sp__link *);
int	sp__list_empty(const struct sp__link *);
#define	SP_CONTAINER(p, type, member)	\
	((type *)(void *)((char *)(p) - offsetof(type, member)))

/* ---- The I/O thread (iothr.c) ------------------------------------------ */

struct sp__io;

/*
 * An fd watched through the I/O thread's port.  h_cb runs on the I/O
 * thread with no lock held, with the poll(2) events that fired; the
 * association is one-shot, so it stays quiet until sp__ioh_arm() again.
 */
struct sp__ioh {
	int		h_fd;
	int		h_closed;
	void		(*h_cb)(struct sp__ioh *, int revents);
	void		*h_arg;
};
/* Watch h->h_fd for events (POLLIN/POLLOUT).  Returns 0 or an errno. */
int	sp__ioh_arm(struct sp__io *, struct sp__ioh *, int events);
/* Stop watching and close h->h_fd (if >= 0); marks the handle closed. */
void	sp__ioh_close(struct sp__io *, struct sp__ioh *);
/*
 * The same without close(2): returns the fd, which the caller closes
 * later (a thread may still be in a system call on it).
 */
int	sp__ioh_detach(struct sp__io *, struct sp__ioh *);
/* Cancel an association made by sp__ioh_arm() that has not fired. */
void	sp__ioh_disarm(struct sp__io *, struct sp__ioh *);

/*
 * A one-shot timer.  t_cb runs on the I/O thread with no lock held; a
 * callback that races with sp__timer_cancel() may still run once, so it
 * must recheck its object's state under the object's lock.
 */
struct sp__timer {
	struct sp__link	t_link;
	int64_t		t_when;		/* CLOCK_MONOTONIC ns; 0 = idle */
	void		(*t_cb)(struct sp__timer *);
	void		*t_arg;
};
void	sp__timer_init(struct sp__timer *, void (*)(struct sp__timer *),
	    void *);
void	sp__timer_schedule(struct sp__io *, struct sp__timer *, int64_t ms);
void	sp__timer_cancel(struct sp__io *, struct sp__timer *);

/* Work the I/O thread does after its current batch: free an object. */
struct sp__reap {
	struct sp__link	r_link;
	void		(*r_fn)(struct sp__reap *);
};
void	sp__io_reap(struct sp__io *, struct sp__reap *, void (*)(
	    struct sp__reap *));

/* The process's I/O context, started on demand; one hold per socket. */
int	sp__io_hold(struct sp__io **);
void	sp__io_rele(struct sp__io *);

int64_t	sp__now_ns(void);
uint32_t sp__random(void);

/* ---- Protocols (lib/sp/protocol/) ---------------------------------------- */

struct sp__sock;
struct sp__pipe;

/*
 * A socket type.  Every member runs with s_lock held and never blocks.
 * The core owns the receive queue and the pipes' send queues; a protocol
 * decides which pipe gets a message and which received messages count.
 */
struct sp__proto_ops {
	const char	*po_name;
	uint16_t	po_self;	/* SP type sent in the header */
	uint16_t	po_peer;	/* the only peer type accepted */
	int		po_nn;		/* NN_PAIR etc. */
	int		po_can_send;	/* 0: nn_send fails with ENOTSUP */
	int		po_can_recv;	/* 0: nn_recv fails with ENOTSUP */
	/* Allocate protocol state in s->s_proto_data.  0 or an errno. */
	int		(*po_init)(struct sp__sock *);
	void		(*po_fini)(struct sp__sock *);
	/*
	 * A pipe finished its handshake with a peer of type po_peer.
	 * Return 0 to accept it, or an errno to have the core close it
	 * (PAIR already has a peer).
	 */
	int		(*po_pipe_add)(struct sp__sock *, struct sp__pipe *);
	/* The pipe is going away; forget it.  Called only after add. */
	void		(*po_pipe_rem)(struct sp__sock *, struct sp__pipe *);
	/*
	 * Route m to some pipe with sp__pipe_send().  Return 0 when the
	 * message was taken, EAGAIN when no pipe can take it now.
	 */
	int		(*po_send)(struct sp__sock *, struct sp__msg *);
	/* Nonzero if po_send would take a message now. */
	int		(*po_sendable)(struct sp__sock *);
	/*
	 * A message arrived on p.  Return 0 to queue it for nn_recv (the
	 * protocol may strip a header into m_hdr), or an errno to drop it;
	 * EPROTO also closes the pipe.
	 */
	int		(*po_recv)(struct sp__sock *, struct sp__pipe *,
			    struct sp__msg *);
	/*
	 * Optional.  Before nn_recv waits: 0, or an errno to fail with
	 * (REQ without a request: EFSM).
	 */
	int		(*po_recv_check)(struct sp__sock *);
	/*
	 * Optional.  nn_recv took m off the receive queue: 0 to return it
	 * (the protocol may keep its header), nonzero to drop it and wait
	 * for the next (a stale reply).
	 */
	int		(*po_recv_take)(struct sp__sock *, struct sp__msg *);
	/*
	 * Optional protocol options (level po_nn).  0, ENOPROTOOPT or
	 * EINVAL; getopt sets *lenp as nn_getsockopt does.
	 */
	int		(*po_setopt)(struct sp__sock *, int opt, const void *,
			    size_t);
	int		(*po_getopt)(struct sp__sock *, int opt, void *,
			    size_t *);
	/*
	 * Peer addressing (sp_connect_peer, sp_send_to, sp_recv_from):
	 * allowed only where choosing or naming the peer of one message
	 * keeps the protocol's meaning on the wire.
	 */
	int		po_send_to;
	int		po_recv_from;
};

extern const struct sp__proto_ops sp__pair0_ops;
extern const struct sp__proto_ops sp__push0_ops;
extern const struct sp__proto_ops sp__pull0_ops;
extern const struct sp__proto_ops sp__pub0_ops;
extern const struct sp__proto_ops sp__sub0_ops;
extern const struct sp__proto_ops sp__req0_ops;
extern const struct sp__proto_ops sp__rep0_ops;

/* ---- Transports (lib/sp/transport/) -------------------------------------- */

struct sp__ep;

/*
 * A transport.  All three are stream transports: the core runs the SP
 * header exchange and framing on the fds they return.  Members run with
 * the endpoint's socket lock held.
 */
struct sp__tran_ops {
	const char	*t_scheme;	/* "tcp" (without "://") */
	int		t_ipcframe;	/* 1: each frame starts with 0x01 */
	/*
	 * Parse the address after "scheme://" and keep what dial or listen
	 * needs in e_tdata.  Syntax only, no I/O.  Returns 0, EINVAL,
	 * ENODEV (bad interface), ENAMETOOLONG or ENOMEM.
	 */
	int		(*t_init)(struct sp__ep *, const char *addr);
	/*
	 * Listeners: bind and listen now (nn_bind is synchronous); return
	 * the non-blocking listening fd in *fdp.  Returns 0, EADDRINUSE,
	 * EADDRNOTAVAIL, EACCES, ENODEV, ...
	 */
	int		(*t_listen)(struct sp__ep *, int *fdp);
	/*
	 * Dialers: make a non-blocking socket and start connect(2); *fdp
	 * gets the fd, which becomes writable when the attempt ends.
	 * Returns 0 (connected or in progress) or the errno that ended the
	 * attempt; the core then backs off and retries.
	 */
	int		(*t_dial)(struct sp__ep *, int *fdp);
	/* Set fd options for a new connection (TCP_NODELAY). */
	void		(*t_setup)(struct sp__ep *, int fd);
	/* Optional: the port bound or dialed (sp_endpoint_port), or -1. */
	int		(*t_port)(struct sp__ep *);
	/* Release e_tdata; a listener removes what it created (ipc file). */
	void		(*t_fini)(struct sp__ep *);
};

extern const struct sp__tran_ops sp__tcp_ops;
extern const struct sp__tran_ops sp__ipc_ops;
extern const struct sp__tran_ops sp__inproc_ops;

/* ---- Sockets (socket.c) --------------------------------------------- */

#define	SP_MAX_SOCKETS	512

struct sp__sock {
	pthread_mutex_t	s_lock;
	pthread_cond_t	s_cv;		/* any state change; broadcast */
	int		s_id;
	int		s_refs;		/* API calls in progress */
	int		s_closing;
	int		s_domain;
	const struct sp__proto_ops *s_proto;
	void		*s_proto_data;
	struct sp__io	*s_io;
	struct sp__link	s_eps;
	struct sp__link	s_pipes;	/* established pipes */
	struct sp__link	s_hspipes;	/* pipes in the header exchange */
	struct sp__msgq	s_rq;		/* received, not yet nn_recv'd */
	int		s_rq_paused;	/* some pipe stopped reading */
	int		s_sndfd[2];	/* -1 until asked for; eventfd or pipe */
	int		s_rcvfd[2];
	int		s_sndfd_set;
	int		s_rcvfd_set;
	/*
	 * A caller of nn_recv waiting in poll(2) on the pipe itself
	 * (sp__pipe_wait_read) and the eventfd that wakes it when anything
	 * else happens to the socket (sp__sock_notify, nn_close, nn_term).
	 */
	int		s_dwaiting;
	int		s_wakefd[2];	/* -1 until first needed */
	int		s_wake_set;
	/* Options. */
	int		s_linger;
	int		s_sndbuf;
	int		s_rcvbuf;
	int		s_sndtimeo;
	int		s_rcvtimeo;
	int		s_reconnect_ivl;
	int		s_reconnect_ivl_max;
	int		s_sndprio;
	int		s_rcvprio;
	int		s_ipv4only;
	int		s_rcvmaxsize;
	int		s_maxttl;
	int		s_tcp_nodelay;
	char		s_name[64];
	/*
	 * A timer for the protocol (REQ's resend).  It lives here, not in
	 * s_proto_data, because a callback that already left the timer
	 * list may run after po_fini; the socket itself is freed only by
	 * the I/O thread.  Callbacks check s_proto_data != NULL.
	 */
	struct sp__timer s_ptimer;
	struct sp__reap	s_reap;
};

/*
 * After a change that may make the socket sendable or receivable (a pipe
 * added or drained, a message queued or taken): wake blocked callers and
 * update NN_SNDFD/NN_RCVFD.  s_lock held.
 */
void	sp__sock_notify(struct sp__sock *);
/* Queue a received message for nn_recv.  s_lock held. */
void	sp__sock_deliver(struct sp__sock *, struct sp__msg *);
/* Wake a direct waiter (s_dwaiting) if there is one.  s_lock held. */
void	sp__sock_wake(struct sp__sock *);
/* The eventfd (or pipe) for s_wakefd.  0 or an errno. */
int	sp__sock_wakefd(struct sp__sock *);
/* Consume a wake-up left in s_wakefd.  s_lock held. */
void	sp__sock_wake_clear(struct sp__sock *);
/* Nonzero if pipes must stop reading (receive queue full).  s_lock held. */
int	sp__sock_rq_full(struct sp__sock *);
/* Look up socket id and hold it (s_refs); 0, EBADF or ETERM. */
int	sp__sock_get(int id, struct sp__sock **);
void	sp__sock_rele(struct sp__sock *);
/* Nonzero after nn_term() while sockets remain. */
int	sp__is_term(void);
/*
 * Blocking send and receive with NN_SNDTIMEO/NN_RCVTIMEO and
 * NN_DONTWAIT; s_lock held.  send takes m on success; peer 0 lets the
 * protocol route, else the message goes to that pipe (sp_send_to).
 */
int	sp__sock_send(struct sp__sock *, struct sp__msg *, int flags,
	    uint32_t peer);
int	sp__sock_recv(struct sp__sock *, int flags, struct sp__msg **);
/* Wait on s_cv until deadline (ns, -1: none); ETIMEDOUT once past. */
int	sp__sock_wait(struct sp__sock *, int64_t deadline);
/* The deadline ms from now (-1 for ms < 0). */
int64_t	sp__deadline(int ms);
/* The established pipe with id, or NULL.  s_lock held. */
struct sp__pipe *sp__sock_pipe(struct sp__sock *, uint32_t id);
/* A new pipe or peer id: 31 bits, never 0, from a random start. */
uint32_t sp__peer_id(void);

/* ---- Endpoints (endpoint.c) --------------------------------------------- */

struct sp__ep {
	struct sp__link	e_link;
	struct sp__sock	*e_sock;
	int		e_id;
	int		e_dialer;
	int		e_closed;
	const struct sp__tran_ops *e_tran;
	void		*e_tdata;
	char		e_url[NN_SOCKADDR_MAX];
	struct sp__ioh	e_ioh;		/* listening or connecting fd */
	struct sp__timer e_timer;	/* redial / accept back-off */
	int		e_backoff;	/* next redial delay, ms */
	int		e_npipes;
	uint32_t	e_peer_id;	/* dialers: id of their pipes */
	int		e_state;	/* SP_EP_* (sockshim/sp.h) */
	int		e_err;		/* what ended the last attempt */
	int		e_sync;		/* sp_dial: do not retry yet */
	int		e_done;		/* sp_dial: 1 connected, 2 failed */
	struct sp__reap	e_reap;
};

/*
 * nn_bind/nn_connect: parse addr, create the endpoint, listen now or
 * start dialing; *eidp gets its id.  s_lock held.
 */
int	sp__ep_add(struct sp__sock *, const char *addr, int dial, int *eidp);
/*
 * The same with sp_listen/sp_dial flags: SP_NONBLOCK listeners retry a
 * failed bind in the background; dialers without it (sync) stop after
 * a failed first attempt (e_done, e_err) instead of retrying.
 */
int	sp__ep_add_flags(struct sp__sock *, const char *addr, int dial,
	    int flags, struct sp__ep **epp);
/* The endpoint with id eid, or NULL.  s_lock held. */
struct sp__ep *sp__ep_find(struct sp__sock *, int eid);
/* nn_shutdown: close endpoint eid and its pipes.  EINVAL if unknown. */
int	sp__ep_remove(struct sp__sock *, int eid);
/* A pipe of a dialer completed its handshake: reset the back-off. */
void	sp__ep_pipe_up(struct sp__ep *);
/*
 * A pipe of ep closed (up: it had been accepted by the protocol; err:
 * why); a dialer schedules its redial.  s_lock held.
 */
void	sp__ep_pipe_gone(struct sp__ep *, int up, int err);
/* Close all endpoints of s, detaching (not closing) their pipes. */
void	sp__ep_close_all(struct sp__sock *);

/* ---- Pipes (pipe.c) --------------------------------------------------- */

#define	SP_PIPE_RBUF	16384

struct sp__pipe {
	struct sp__link	p_link;		/* s_pipes or s_hspipes */
	struct sp__link	p_plink;	/* protocol's list */
	struct sp__sock	*p_sock;
	struct sp__ep	*p_ep;		/* NULL once the endpoint closed */
	struct sp__ioh	p_ioh;
	struct sp__timer p_timer;	/* handshake timeout */
	int		p_state;	/* SP_PIPE_* */
	int		p_ipcframe;
	uint16_t	p_peer;		/* peer's SP type */
	int		p_armed;	/* events last armed */
	int		p_dwait;	/* nn_recv polls the fd itself */
	/* Sending. */
	unsigned char	p_hdr_out[8];
	size_t		p_hdr_out_off;
	struct sp__msgq	p_sq;
	size_t		p_sq_off;	/* bytes of the head frame written */
	int		p_flushing;	/* I/O thread in sendmsg(), unlocked */
	int		p_fd_later;	/* fd it closes when done, or -1 */
	int64_t		p_last_tx;	/* when nn_send last ran, ns */
	int		p_streak;	/* consecutive sends close together */
	/* Receiving. */
	unsigned char	*p_rbuf;
	size_t		p_rlen;		/* valid bytes in p_rbuf */
	size_t		p_roff;		/* parsed bytes in p_rbuf */
	int		p_have_hdr;	/* peer's 8-byte header seen */
	struct sp__msg	*p_rmsg;	/* body being filled */
	size_t		p_rmsg_off;
	void		*p_proto_data;
	uint32_t	p_id;		/* 31 bits, nonzero; REP backtraces */
	struct sp__reap	p_reap;
};

#define	SP_PIPE_HANDSHAKE	1
#define	SP_PIPE_ACTIVE		2
#define	SP_PIPE_CLOSED		3

/* Start a pipe on a connected fd (takes ownership).  s_lock held. */
int	sp__pipe_start(struct sp__sock *, struct sp__ep *, int fd);
/* Nonzero if the pipe's send queue has room.  s_lock held. */
int	sp__pipe_sendable(struct sp__pipe *);
/*
 * Queue m on p and write what the fd takes now, in the caller's thread.
 * Takes ownership of m.  s_lock held.
 */
void	sp__pipe_send(struct sp__pipe *, struct sp__msg *);
/* Close p (err is why; 0 = by request).  s_lock held. */
void	sp__pipe_close(struct sp__pipe *, int err);
/* The receive queue has room again: resume reading.  s_lock held. */
void	sp__pipe_resume(struct sp__pipe *);
/*
 * nn_recv found nothing queued: if the socket has exactly one pipe, wait
 * in poll(2) on its fd (and s_wakefd) in the caller's thread and read
 * what comes, instead of waiting for the I/O thread to read it and wake
 * us (one thread hand-off less per message).  s_lock held; dropped while
 * waiting.  0 (look at the queue again), ETIMEDOUT, or ENOTSUP when the
 * caller must wait on s_cv instead.
 */
int	sp__pipe_wait_read(struct sp__sock *, int64_t deadline);

/* ---- Helpers ----------------------------------------------------------- */

/* Make fd non-blocking and close-on-exec.  0 or an errno. */
int	sp__fd_setup(int fd);

/* Set errno to err and return -1: the nn_* and sp_* failure convention. */
static inline int
sp__fail(int err)
{
	errno = err;
	return (-1);
}

#endif /* SP_CORE_SP_H */
