/*
 * Pipes: one connected stream (tcp, ipc, inproc) speaking SP.
 *
 * On start both sides send the 8-byte SP header at once and read the
 * peer's: 00 'S' 'P' 00, the peer's type (big-endian u16), 00 00.  We
 * validate as nng does (bytes 0-3 and the reserved 6-7) and give the peer
 * 1000 ms, as nanomsg does.  A peer of the wrong type is closed silently
 * after the exchange (sp-protocol.md 1.5).  Then each message is framed
 * [u64 BE length][payload] on tcp and [0x01][u64 BE length][payload] on
 * ipc.  The length is checked against NN_RCVMAXSIZE before anything is
 * allocated; a bad frame closes this connection only.
 *
 * Writes happen in whichever thread has output.  nn_send() writes to an
 * idle pipe directly (lowest latency); leftovers, and every message of a
 * caller that sends in a tight loop (SP_STREAM_*), wait for POLLOUT on
 * the I/O thread, which writes the queued frames with one sendmsg() per
 * SP_SEND_BATCH frames and drops s_lock meanwhile, so the sender keeps
 * queueing while a batch goes out: one system call carries many small
 * messages (the kernel's per-call cost dominates small messages, on
 * loopback it includes the receiver's side of TCP).
 *
 * Reads go through a 16 KiB buffer (small frames need no extra system
 * calls); a body larger than the buffer is read straight into the
 * message.  The I/O thread reads in the background; a caller of nn_recv
 * that finds nothing queued polls and reads the fd itself
 * (sp__pipe_wait_read), which saves the hand-off from the I/O thread.
 * When the socket's receive queue is full the pipe stops asking for
 * POLLIN, so TCP flow control pushes back on the sender.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sp.h"

#define	SP_HANDSHAKE_MS	1000
#define	SP_READ_QUANTUM	(256 * 1024)	/* bytes per callback, for fairness */
#define	SP_SEND_BATCH	64		/* frames per sendmsg() */
/*
 * Streaming: an nn_send() of a small message (SP_STREAM_MAXMSG) that comes
 * less than SP_STREAM_GAP_NS after the previous one, SP_STREAM_MIN times
 * in a row, is left to the I/O thread to batch.  Request/reply traffic,
 * where a reply comes at least a round trip after the request, is always
 * written at once, and so are large messages: one system call per message
 * costs them little, and handing them over costs thread switches.
 */
#define	SP_STREAM_GAP_NS	5000
#define	SP_STREAM_MIN		3
#define	SP_STREAM_MAXMSG	4096
#define	SP_FLUSH_ROUNDS		64	/* sendmsg() calls per callback */
#define	SP_LEN_LIMIT	(((uint64_t)1 << 60) - 1)	/* never plausible */

static void	sp__pipe_io_cb(struct sp__ioh *, int);
static void	sp__pipe_hs_timeout(struct sp__timer *);
static int	sp__pipe_parse(struct sp__pipe *);

static void
sp__pipe_free(struct sp__reap *r)
{
	struct sp__pipe *p = SP_CONTAINER(r, struct sp__pipe, p_reap);

	free(p->p_rbuf);
	free(p);
}

static int
sp__pipe_paused(const struct sp__pipe *p)
{
	return (p->p_state == SP_PIPE_ACTIVE && p->p_rmsg == NULL &&
	    !p->p_sock->s_closing && sp__sock_rq_full(p->p_sock));
}

static int
sp__pipe_rearm(struct sp__pipe *p)
{
	int ev = 0;

	if (sp__pipe_paused(p))
		p->p_sock->s_rq_paused = 1;
	else if (!p->p_dwait)
		ev |= POLLIN;	/* a direct waiter reads for itself */
	if (p->p_hdr_out_off < sizeof (p->p_hdr_out) || p->p_sq.q_count > 0)
		ev |= POLLOUT;
	if (ev == 0) {
		p->p_armed = 0;
		return (0);
	}
	p->p_armed = ev;
	return (sp__ioh_arm(p->p_sock->s_io, &p->p_ioh, ev));
}

void
sp__pipe_close(struct sp__pipe *p, int err)
{
	struct sp__sock *s = p->p_sock;
	int up = (p->p_state == SP_PIPE_ACTIVE);

	if (p->p_state == SP_PIPE_CLOSED)
		return;
	p->p_state = SP_PIPE_CLOSED;
	sp__timer_cancel(s->s_io, &p->p_timer);
	if (p->p_flushing) {
		/*
		 * The I/O thread is in sendmsg() on the fd and on the head
		 * of p_sq without s_lock: it closes both when it is back.
		 */
		p->p_fd_later = sp__ioh_detach(s->s_io, &p->p_ioh);
	} else {
		sp__ioh_close(s->s_io, &p->p_ioh);
		sp__msgq_drain(&p->p_sq);
	}
	if (up)
		s->s_proto->po_pipe_rem(s, p);
	sp__list_del(&p->p_link);
	sp__msg_free(p->p_rmsg);
	p->p_rmsg = NULL;
	sp__ep_pipe_gone(p->p_ep, up, err);
	sp__sock_notify(s);
	sp__io_reap(s->s_io, &p->p_reap, sp__pipe_free);
}

int
sp__pipe_start(struct sp__sock *s, struct sp__ep *ep, int fd)
{
	struct sp__pipe *p;
	uint16_t self = s->s_proto->po_self;

	if ((p = calloc(1, sizeof (*p))) == NULL ||
	    (p->p_rbuf = malloc(SP_PIPE_RBUF)) == NULL) {
		free(p);
		(void) close(fd);
		return (ENOMEM);
	}
	p->p_sock = s;
	p->p_ep = ep;
	/* A dialer's pipes keep its id: sp_connect_peer returned it. */
	p->p_id = ep->e_peer_id != 0 ? ep->e_peer_id : sp__peer_id();
	p->p_ipcframe = ep->e_tran->t_ipcframe;
	p->p_ioh.h_fd = fd;
	p->p_fd_later = -1;
	p->p_ioh.h_cb = sp__pipe_io_cb;
	p->p_ioh.h_arg = p;
	p->p_state = SP_PIPE_HANDSHAKE;
	p->p_hdr_out[0] = 0x00;
	p->p_hdr_out[1] = 'S';
	p->p_hdr_out[2] = 'P';
	p->p_hdr_out[3] = 0x00;
	p->p_hdr_out[4] = (unsigned char)(self >> 8);
	p->p_hdr_out[5] = (unsigned char)(self & 0xff);
	sp__list_init(&p->p_plink);
	sp__timer_init(&p->p_timer, sp__pipe_hs_timeout, p);
	sp__list_add(&s->s_hspipes, &p->p_link);
	if (ep->e_tran->t_setup != NULL)
		ep->e_tran->t_setup(ep, fd);
	sp__timer_schedule(s->s_io, &p->p_timer, SP_HANDSHAKE_MS);
	/* Our header goes out at once; the peer's arrives with POLLIN. */
	sp__pipe_io_cb(&p->p_ioh, POLLOUT | 0x8000);
	return (0);
}

static void
sp__pipe_hs_timeout(struct sp__timer *t)
{
	struct sp__pipe *p = t->t_arg;
	struct sp__sock *s = p->p_sock;

	(void) pthread_mutex_lock(&s->s_lock);
	if (p->p_state == SP_PIPE_HANDSHAKE)
		sp__pipe_close(p, ETIMEDOUT);
	(void) pthread_mutex_unlock(&s->s_lock);
}

int
sp__pipe_sendable(struct sp__pipe *p)
{
	return (p->p_state == SP_PIPE_ACTIVE &&
	    p->p_sq.q_bytes < (size_t)p->p_sock->s_sndbuf);
}

static void
sp__put_u64(unsigned char *b, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

/*
 * Write what the fd takes.  0 (maybe with output left) or an errno.
 * unlock: the I/O thread, which took s_lock itself, drops it around each
 * sendmsg() so that callers can queue more meanwhile.  p_flushing keeps
 * everyone else from writing or freeing the frames being sent; if the
 * pipe is closed in the meantime we close the fd and the queue here.
 */
static int
sp__pipe_flush(struct sp__pipe *p, int unlock)
{
	struct sp__sock *s = p->p_sock;
	unsigned char pfx[SP_SEND_BATCH][9];
	struct iovec iov[SP_SEND_BATCH * 3];
	struct msghdr mh;
	struct sp__msg *m;
	size_t skip, left, flen, plen = p->p_ipcframe ? 9 : 8;
	ssize_t n;
	int niov, nm, drained = 0, fd, e, rounds = 0;

	while (p->p_hdr_out_off < sizeof (p->p_hdr_out)) {
		n = send(p->p_ioh.h_fd, p->p_hdr_out + p->p_hdr_out_off,
		    sizeof (p->p_hdr_out) - p->p_hdr_out_off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return ((errno == EAGAIN || errno == EWOULDBLOCK) ?
			    0 : errno);
		}
		p->p_hdr_out_off += (size_t)n;
	}
	while (p->p_state == SP_PIPE_ACTIVE && p->p_sq.q_count > 0) {
		/* Fairness: POLLOUT stays armed for the rest. */
		if (unlock && rounds++ >= SP_FLUSH_ROUNDS)
			break;
		niov = 0;
		nm = 0;
		skip = p->p_sq_off;
		for (m = p->p_sq.q_head; m != NULL && nm < SP_SEND_BATCH;
		    m = m->m_next, nm++) {
			unsigned char *b = pfx[nm];
			struct iovec part[3];

			if (p->p_ipcframe)
				*b++ = 0x01;
			sp__put_u64(b, (uint64_t)(m->m_hdrlen + m->m_len));
			part[0].iov_base = pfx[nm];
			part[0].iov_len = plen;
			part[1].iov_base = m->m_hdr;
			part[1].iov_len = m->m_hdrlen;
			part[2].iov_base = SP_MSG_BODY(m);
			part[2].iov_len = m->m_len;
			for (int i = 0; i < 3; i++) {
				if (skip >= part[i].iov_len) {
					skip -= part[i].iov_len;
					continue;
				}
				iov[niov].iov_base = (char *)part[i].iov_base +
				    skip;
				iov[niov].iov_len = part[i].iov_len - skip;
				skip = 0;
				niov++;
			}
		}
		(void) memset(&mh, 0, sizeof (mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = (size_t)niov;
		fd = p->p_ioh.h_fd;
		if (unlock) {
			p->p_flushing = 1;
			(void) pthread_mutex_unlock(&s->s_lock);
		}
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
		e = errno;
		if (unlock) {
			(void) pthread_mutex_lock(&s->s_lock);
			p->p_flushing = 0;
			if (p->p_state == SP_PIPE_CLOSED) {
				/* Closed meanwhile: finish sp__pipe_close. */
				if (p->p_fd_later >= 0)
					(void) close(p->p_fd_later);
				p->p_fd_later = -1;
				sp__msgq_drain(&p->p_sq);
				sp__sock_notify(s);
				return (0);
			}
		}
		if (n < 0) {
			if (e == EINTR)
				continue;
			if (e == EAGAIN || e == EWOULDBLOCK)
				break;
			return (e);
		}
		/* Retire the frames that went out completely. */
		left = (size_t)n + p->p_sq_off;
		while ((m = p->p_sq.q_head) != NULL) {
			flen = plen + m->m_hdrlen + m->m_len;
			if (left < flen)
				break;
			left -= flen;
			sp__msg_free(sp__msgq_get(&p->p_sq));
			drained = 1;
		}
		p->p_sq_off = left;
		if (niov == 0)
			break;
	}
	if (drained)
		sp__sock_notify(p->p_sock);
	return (0);
}

void
sp__pipe_send(struct sp__pipe *p, struct sp__msg *m)
{
	int64_t now;
	int err;

	sp__msgq_put(&p->p_sq, m);
	if (p->p_sq.q_count > 1 || p->p_flushing)
		return;		/* the I/O thread is writing or will */
	now = sp__now_ns();
	if (now - p->p_last_tx < SP_STREAM_GAP_NS) {
		if (p->p_streak < SP_STREAM_MIN)
			p->p_streak++;
	} else {
		p->p_streak = 0;
	}
	p->p_last_tx = now;
	if (p->p_streak >= SP_STREAM_MIN && p->p_state == SP_PIPE_ACTIVE &&
	    m->m_len + m->m_hdrlen < SP_STREAM_MAXMSG) {
		/* A stream: the I/O thread batches what queues up. */
		if (!(p->p_armed & POLLOUT) && sp__pipe_rearm(p) != 0)
			sp__pipe_close(p, EBADF);
		return;
	}
	err = sp__pipe_flush(p, 0);
	p->p_last_tx = sp__now_ns();
	if (err != 0) {
		sp__pipe_close(p, err);
		return;
	}
	if (p->p_sq.q_count > 0 && !(p->p_armed & POLLOUT) &&
	    sp__pipe_rearm(p) != 0)
		sp__pipe_close(p, EBADF);
}

/* The peer's header is in; decide whether this pipe joins the socket. */
static int
sp__pipe_established(struct sp__pipe *p)
{
	struct sp__sock *s = p->p_sock;

	sp__timer_cancel(s->s_io, &p->p_timer);
	if (p->p_peer != s->s_proto->po_peer)
		return (EPROTO);
	if (s->s_proto->po_pipe_add(s, p) != 0)
		return (EBUSY);
	sp__list_del(&p->p_link);
	sp__list_add(&s->s_pipes, &p->p_link);
	p->p_state = SP_PIPE_ACTIVE;
	if (p->p_ep != NULL && p->p_ep->e_dialer)
		sp__ep_pipe_up(p->p_ep);
	sp__sock_notify(s);
	return (0);
}

/* A complete message: hand it to the protocol.  0 or an errno to close. */
static int
sp__pipe_deliver(struct sp__pipe *p, struct sp__msg *m)
{
	struct sp__sock *s = p->p_sock;
	int err;

	m->m_pipe = p->p_id;
	err = s->s_closing ? ENOTCONN : s->s_proto->po_recv(s, p, m);

	if (err == 0) {
		/* sp__pipe_parse notifies once for everything it queued. */
		sp__msgq_put(&s->s_rq, m);
		return (0);
	}
	sp__msg_free(m);
	return (err == EPROTO ? EPROTO : 0);
}

static uint64_t
sp__get_u64(const unsigned char *b)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | b[i];
	return (v);
}

/* Consume what p_rbuf holds.  0 or an errno (close the pipe). */
static int
sp__pipe_parse1(struct sp__pipe *p)
{
	struct sp__sock *s = p->p_sock;
	size_t avail, plen = p->p_ipcframe ? 9 : 8, n;
	const unsigned char *b;
	uint64_t len;
	int err;

	for (;;) {
		avail = p->p_rlen - p->p_roff;
		b = p->p_rbuf + p->p_roff;
		if (!p->p_have_hdr) {
			if (avail < 8)
				break;
			if (b[0] != 0 || b[1] != 'S' || b[2] != 'P' ||
			    b[3] != 0 || b[6] != 0 || b[7] != 0)
				return (EPROTO);
			p->p_peer = (uint16_t)((b[4] << 8) | b[5]);
			p->p_have_hdr = 1;
			p->p_roff += 8;
			if ((err = sp__pipe_established(p)) != 0)
				return (err);
			continue;
		}
		if (p->p_rmsg == NULL) {
			if (sp__pipe_paused(p))
				break;
			if (avail < plen)
				break;
			if (p->p_ipcframe && b[0] != 0x01)
				return (EPROTO);
			len = sp__get_u64(b + plen - 8);
			if ((s->s_rcvmaxsize >= 0 &&
			    len > (uint64_t)s->s_rcvmaxsize) ||
			    len > SP_LEN_LIMIT || len > SIZE_MAX / 2)
				return (EMSGSIZE);
			if ((p->p_rmsg = sp__msg_alloc((size_t)len)) == NULL)
				return (ENOMEM);
			p->p_rmsg_off = 0;
			p->p_roff += plen;
			avail -= plen;
			b += plen;
		}
		n = p->p_rmsg->m_len - p->p_rmsg_off;
		if (n > avail)
			n = avail;
		(void) memcpy(SP_MSG_BODY(p->p_rmsg) + p->p_rmsg_off, b, n);
		p->p_rmsg_off += n;
		p->p_roff += n;
		if (p->p_rmsg_off < p->p_rmsg->m_len)
			break;
		{
			struct sp__msg *m = p->p_rmsg;

			p->p_rmsg = NULL;
			if ((err = sp__pipe_deliver(p, m)) != 0)
				return (err);
		}
	}
	if (p->p_roff == p->p_rlen)
		p->p_roff = p->p_rlen = 0;
	return (0);
}

static int
sp__pipe_parse(struct sp__pipe *p)
{
	struct sp__sock *s = p->p_sock;
	size_t before = s->s_rq.q_count;
	int err = sp__pipe_parse1(p);

	/* One wake-up per batch of messages, not one per message. */
	if (s->s_rq.q_count != before)
		sp__sock_notify(s);
	return (err);
}

/* Read what the fd has (bounded).  0 or an errno (close the pipe). */
static int
sp__pipe_read(struct sp__pipe *p)
{
	size_t total = 0, want;
	ssize_t n;
	int err;

	while (total < SP_READ_QUANTUM && !sp__pipe_paused(p) &&
	    p->p_state != SP_PIPE_CLOSED) {
		if (p->p_rmsg != NULL && p->p_rlen == p->p_roff &&
		    p->p_rmsg->m_len - p->p_rmsg_off >= SP_PIPE_RBUF) {
			/* A large body: read it in place, no copy. */
			want = p->p_rmsg->m_len - p->p_rmsg_off;
			n = read(p->p_ioh.h_fd, SP_MSG_BODY(p->p_rmsg) +
			    p->p_rmsg_off, want);
			if (n > 0) {
				p->p_rmsg_off += (size_t)n;
				total += (size_t)n;
				p->p_rlen = p->p_roff = 0;
				if ((err = sp__pipe_parse(p)) != 0)
					return (err);
				/*
				 * A short read emptied the socket; the fd is
				 * re-armed level-triggered, so no read(2) is
				 * needed just to see EAGAIN.
				 */
				if ((size_t)n < want)
					break;
				continue;
			}
		} else {
			if (p->p_roff > 0 || p->p_rlen == SP_PIPE_RBUF) {
				(void) memmove(p->p_rbuf, p->p_rbuf + p->p_roff,
				    p->p_rlen - p->p_roff);
				p->p_rlen -= p->p_roff;
				p->p_roff = 0;
			}
			want = SP_PIPE_RBUF - p->p_rlen;
			n = read(p->p_ioh.h_fd, p->p_rbuf + p->p_rlen, want);
			if (n > 0) {
				p->p_rlen += (size_t)n;
				total += (size_t)n;
				if ((err = sp__pipe_parse(p)) != 0)
					return (err);
				if ((size_t)n < want)
					break;
				continue;
			}
		}
		if (n == 0)
			return (ECONNRESET);
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		return (errno);
	}
	return (0);
}

static void
sp__pipe_io_cb(struct sp__ioh *h, int revents)
{
	struct sp__pipe *p = h->h_arg;
	struct sp__sock *s = p->p_sock;
	int err = 0, locked = !(revents & 0x8000);

	/* 0x8000: called from sp__pipe_start with s_lock already held. */
	if (locked)
		(void) pthread_mutex_lock(&s->s_lock);
	if (p->p_state == SP_PIPE_CLOSED || h->h_closed)
		goto out;
	p->p_armed = 0;
	if (revents & (POLLOUT | POLLERR | POLLHUP))
		err = sp__pipe_flush(p, locked);
	if (err == 0 && p->p_state != SP_PIPE_CLOSED &&
	    (revents & (POLLIN | POLLERR | POLLHUP)) && !sp__pipe_paused(p))
		err = sp__pipe_read(p);
	if (err == 0 && p->p_state != SP_PIPE_CLOSED && sp__pipe_rearm(p) != 0)
		err = EBADF;
	if (err != 0)
		sp__pipe_close(p, err);
out:
	if (locked)
		(void) pthread_mutex_unlock(&s->s_lock);
}

void
sp__pipe_resume(struct sp__pipe *p)
{
	int err;

	if (p->p_state != SP_PIPE_ACTIVE || p->p_armed & POLLIN)
		return;
	/* Frames already buffered will not raise POLLIN again. */
	if ((err = sp__pipe_parse(p)) == 0 && p->p_state == SP_PIPE_ACTIVE)
		err = sp__pipe_rearm(p) != 0 ? EBADF : 0;
	if (err != 0)
		sp__pipe_close(p, err);
}

int
sp__pipe_wait_read(struct sp__sock *s, int64_t deadline)
{
	struct sp__link *l = s->s_pipes.l_next;
	struct sp__pipe *p;
	struct pollfd pfd[2];
	int64_t now;
	int ms = -1, rc, err = 0;

	if (s->s_dwaiting || l == &s->s_pipes || l->l_next != &s->s_pipes)
		return (ENOTSUP);
	p = SP_CONTAINER(l, struct sp__pipe, p_link);
	if (p->p_state != SP_PIPE_ACTIVE || p->p_ioh.h_fd < 0 ||
	    sp__pipe_paused(p) || sp__sock_wakefd(s) != 0)
		return (ENOTSUP);
	if (deadline >= 0) {
		if ((now = sp__now_ns()) >= deadline)
			return (ETIMEDOUT);
		ms = (int)((deadline - now + 999999) / 1000000);
	}
	s->s_dwaiting = 1;
	p->p_dwait = 1;
	if (p->p_armed & POLLIN) {
		/* Keep the I/O thread from waking for what we read. */
		p->p_armed &= ~POLLIN;
		if (p->p_armed == 0)
			sp__ioh_disarm(s->s_io, &p->p_ioh);
		else
			(void) sp__ioh_arm(s->s_io, &p->p_ioh, p->p_armed);
	}
	pfd[0].fd = p->p_ioh.h_fd;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	pfd[1].fd = s->s_wakefd[0];
	pfd[1].events = POLLIN;
	pfd[1].revents = 0;
	/*
	 * Unlocked, p may be closed and even freed by the I/O thread;
	 * poll(2) keeps its own reference to the file.  Everything that
	 * could matter to us (a message from elsewhere, the pipe closing,
	 * nn_close, nn_term) signals s_wakefd while s_dwaiting is set.
	 */
	(void) pthread_mutex_unlock(&s->s_lock);
	rc = poll(pfd, 2, ms);
	(void) pthread_mutex_lock(&s->s_lock);
	s->s_dwaiting = 0;
	sp__sock_wake_clear(s);
	/* Is p still one of our pipes?  (Compare addresses only.) */
	for (l = s->s_pipes.l_next; l != &s->s_pipes; l = l->l_next) {
		if (l == &p->p_link)
			break;
	}
	if (l != &p->p_link)
		return (0);
	p->p_dwait = 0;
	if (rc > 0 && (pfd[0].revents & (POLLIN | POLLERR | POLLHUP)) &&
	    !sp__pipe_paused(p))
		err = sp__pipe_read(p);
	if (err == 0 && p->p_state == SP_PIPE_ACTIVE && sp__pipe_rearm(p) != 0)
		err = EBADF;
	if (err != 0)
		sp__pipe_close(p, err);
	return (0);
}
