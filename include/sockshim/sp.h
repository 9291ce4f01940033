/*
 * <sockshim/sp.h> - sockshim's extensions to the nanomsg API (libspshim).
 *
 * These calls take the socket ids of nn_socket() and add what nanomsg
 * lacks: binds and dials that report their outcome (nng_listen and
 * nng_dial semantics), endpoint state, the port of a port-0 bind, and
 * per-peer addressing in the manner of zmq_connect_peer().  See sp(7).
 */
#ifndef SOCKSHIM_SP_H
#define	SOCKSHIM_SP_H

#include <stddef.h>
#include <stdint.h>

#include <nanomsg/nn.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Flags for sp_listen and sp_dial.  SP_NONBLOCK: sp_listen keeps an
 * endpoint whose bind failed and retries it in the background; sp_dial
 * returns at once and connects in the background, as nn_connect does.
 */
#define	SP_NONBLOCK	0x1

/* Endpoint states (sp_endpoint_state). */
#define	SP_EP_LISTENING		1	/* bound and accepting */
#define	SP_EP_BINDING		2	/* SP_NONBLOCK listener, unbound */
#define	SP_EP_CONNECTING	3	/* dialer without an established pipe */
#define	SP_EP_CONNECTED		4	/* dialer with an established pipe */

/*
 * Bind synchronously, as nng_listen does: EADDRINUSE, EADDRNOTAVAIL,
 * EACCES, EINVAL, ENODEV ... are returned at once.  Returns the endpoint
 * id (as nn_bind) or -1 and errno.
 */
_SPSHIM_API int sp_listen(int s, const char *url, int flags);

/*
 * Dial.  Without SP_NONBLOCK, returns only once the peer completed the
 * SP header exchange and was accepted by the socket's protocol, or with
 * the errno that ended the attempt: ECONNREFUSED, EPROTO (not an SP peer,
 * or a peer of an incompatible type), ETIMEDOUT (no header within 1 s,
 * or NN_SNDTIMEO when it is >= 0), ECONNRESET, EHOSTUNREACH (name not
 * resolved), EBUSY (a PAIR socket that already has its peer) ...; the
 * endpoint is then removed and not retried.  After a success, a lost
 * connection is redialled in the background.  A peer that accepts the
 * exchange and then refuses the connection (a remote PAIR that already
 * has a peer) is seen as a success followed by a lost connection, since
 * SP has no rejection message.
 *
 * On NN_PUB, NN_SUB and NN_REQ sockets, dialing a URL that the socket
 * already has a dialer for (the same string) creates nothing and returns
 * that dialer's id, the rule zmq_connect applies to PUB, SUB, REQ and
 * DEALER sockets; other types get a new endpoint, as with nn_connect.
 */
_SPSHIM_API int sp_dial(int s, const char *url, int flags);

/*
 * The state of endpoint eid (SP_EP_*), or -1 and errno (EBADF, EINVAL
 * unknown eid).  If errp is not NULL it receives the errno that ended
 * the endpoint's last bind or connection attempt, 0 if none has failed
 * since it was last bound or connected.
 */
_SPSHIM_API int sp_endpoint_state(int s, int eid, int *errp);

/*
 * The TCP port of endpoint eid: for a listener the port it is bound to
 * (the one the system chose for port 0), for a dialer the port it dials.
 * -1 and errno: EBADF, EINVAL (unknown eid), ENOTSUP (not tcp://),
 * EAGAIN (an SP_NONBLOCK listener not bound yet).
 */
_SPSHIM_API int sp_endpoint_port(int s, int eid);

/*
 * Per-peer addressing.  sp_connect_peer dials url like nn_connect
 * (asynchronously) and returns the peer id its connections will carry,
 * never 0; it returns 0 and sets errno on failure, ENOTSUP for socket
 * types that do not address peers one by one.  sp_send_to sends to that
 * peer only (blocking, subject to NN_SNDTIMEO and NN_DONTWAIT, while the
 * peer is not connected yet or its queue is full; EHOSTUNREACH for an id
 * the socket does not know).  sp_recv_from receives like nn_recv and
 * stores the sending peer's id in *peerp.
 *
 * Supported on NN_PUSH (sp_connect_peer, sp_send_to) and NN_PULL
 * (sp_connect_peer, sp_recv_from): sending one message to a chosen PULL
 * peer, or learning which PUSH peer sent one, changes nothing on the
 * wire.  PAIR has one peer; PUB, SUB, REQ and REP route by their
 * protocol; they fail with ENOTSUP.
 */
_SPSHIM_API uint32_t sp_connect_peer(int s, const char *url);
_SPSHIM_API int sp_send_to(int s, uint32_t peer, const void *buf,
    size_t len, int flags);
_SPSHIM_API int sp_recv_from(int s, void *buf, size_t len, int flags,
    uint32_t *peerp);

#ifdef __cplusplus
}
#endif

#endif /* SOCKSHIM_SP_H */
