/*
 * sockshim_dial(): Happy Eyeballs v2 (RFC 8305) over our event ports.
 *
 * The race runs on a private event port, so that the same loop can later
 * be driven from the SP layer's port:
 *  - each attempt is a non-blocking socket associated for POLLOUT; its
 *    event is one-shot, and SO_ERROR decides how the attempt ended;
 *  - a new attempt starts when the previous one fails or when the
 *    connection attempt delay (250 ms by default) has passed, whichever
 *    comes first; attempts already under way keep going;
 *  - addresses alternate between the families, IPv6 first (a First
 *    Address Family Count of 1); within a family we keep getaddrinfo's
 *    order, which is the RFC 6724 destination sort;
 *  - the AAAA and A lookups run in parallel (dial_resolve.c); when the A
 *    answer comes first we give AAAA the 50 ms Resolution Delay;
 *  - the first attempt to succeed wins and every other socket is closed;
 *    one deadline covers the lookups and all the attempts.
 * A failed or losing attempt's socket is closed, never connected again
 * (connect reference, section 1.1).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <port.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dial.h"

/* Addresses tried per family: bounds the sockets one dial can hold. */
#define	SKS_DIAL_MAX_ADDRS	16
/* RFC 8305 section 8: Resolution Delay. */
#define	SKS_DIAL_RESOLUTION_DELAY_MS	50
/* Look at the lookups at least this often, in case a wake-up was lost. */
#define	SKS_DIAL_RESOLVE_POLL_MS	100
/* Events taken from the port per port_getn(). */
#define	SKS_DIAL_BATCH	8

#define	MS	((int64_t)1000000)

union he_sa {
	struct sockaddr		sa;
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
};

struct he_addr {
	union he_sa	a_u;
	socklen_t	a_len;
};

/* One address family's addresses, in the order they are tried. */
struct he_fam {
	int		f_family;
	bool		f_used;		/* the caller wants this family */
	bool		f_pending;	/* its lookup is still running */
	int		f_err;		/* its lookup's error */
	int64_t		f_arrived;	/* when its answer came */
	int		f_n;
	int		f_next;
	struct he_addr f_addr[SKS_DIAL_MAX_ADDRS];
};

struct he_attempt {
	int		at_fd;		/* -1: slot free */
	int		at_family;
	const struct he_addr *at_addr;
};

struct he_dial {
	sockshim_dial_trace_t	*d_trace;
	void			*d_trace_arg;
	int			d_flags;
	int64_t			d_delay;
	int64_t			d_deadline;	/* -1: none */
	int			d_port;
	struct sks__dial_resolver	*d_res;
	struct he_fam		d_fam[2];	/* IPv6, then IPv4 */
	int			d_last;		/* d_fam index tried last */
	int			d_started;
	int			d_inflight;
	int			d_lasterr;
	int64_t			d_next;		/* earliest next attempt */
	struct he_attempt	d_at[2 * SKS_DIAL_MAX_ADDRS];
};

static void
trace(struct he_dial *d, int step, int fd, int family, int result,
    int error, int events, const struct he_addr *a)
{
	struct sockshim_dial_event ev;

	if (d->d_trace == NULL)
		return;
	ev.sde_step = step;
	ev.sde_fd = fd;
	ev.sde_family = family;
	ev.sde_result = result;
	ev.sde_error = error;
	ev.sde_events = events;
	ev.sde_addr = a != NULL ? &a->a_u.sa : NULL;
	ev.sde_addrlen = a != NULL ? a->a_len : 0;
	d->d_trace(d->d_trace_arg, &ev);
}

static void
add_addrs(struct he_dial *d, struct he_fam *f, const struct addrinfo *ai)
{
	for (; ai != NULL; ai = ai->ai_next) {
		struct he_addr *a;
		bool dup = false;

		if (ai->ai_family != f->f_family ||
		    f->f_n == SKS_DIAL_MAX_ADDRS ||
		    ai->ai_addrlen > sizeof (a->a_u))
			continue;
		for (int i = 0; i < f->f_n && !dup; i++) {
			dup = f->f_addr[i].a_len == ai->ai_addrlen &&
			    memcmp(&f->f_addr[i].a_u, ai->ai_addr,
			    ai->ai_addrlen) == 0;
		}
		if (dup)
			continue;
		a = &f->f_addr[f->f_n++];
		(void) memset(&a->a_u, 0, sizeof (a->a_u));
		(void) memcpy(&a->a_u, ai->ai_addr, ai->ai_addrlen);
		a->a_len = (socklen_t)ai->ai_addrlen;
		trace(d, SOCKSHIM_DS_RESOLVED, -1, f->f_family, 0, 0, 0, a);
	}
}

/* Take whatever lookups have finished since we last looked. */
static void
collect(struct he_dial *d, int64_t now)
{
	for (int i = 0; i < 2; i++) {
		struct he_fam *f = &d->d_fam[i];
		struct addrinfo *res;
		int err;

		if (!f->f_pending)
			continue;
		err = sks__dial_resolve_take(d->d_res, f->f_family, &res);
		if (err == EINPROGRESS)
			continue;
		f->f_pending = false;
		f->f_arrived = now;
		f->f_err = err;
		if (err == 0) {
			add_addrs(d, f, res);
			freeaddrinfo(res);
		} else {
			trace(d, SOCKSHIM_DS_RESOLVED, -1, f->f_family, -1,
			    err, 0, NULL);
		}
	}
}

static void
close_attempt(struct he_dial *d, struct he_attempt *at, int why)
{
	(void) close(at->at_fd);
	trace(d, SOCKSHIM_DS_CLOSE, at->at_fd, at->at_family, 0, why, 0,
	    at->at_addr);
	at->at_fd = -1;
	d->d_inflight--;
}

/*
 * Which family's address comes next (a d_fam index), or -1 for none
 * now; *wake is lowered to when that may change.
 */
static int
next_family(struct he_dial *d, int64_t now, int64_t *wake)
{
	struct he_fam *f6 = &d->d_fam[0], *f4 = &d->d_fam[1];
	int64_t until = f4->f_arrived + SKS_DIAL_RESOLUTION_DELAY_MS * MS;
	int other = !d->d_last, pick;

	if (d->d_fam[other].f_next < d->d_fam[other].f_n)
		pick = other;
	else if (d->d_fam[d->d_last].f_next < d->d_fam[d->d_last].f_n)
		pick = d->d_last;
	else
		return (-1);
	/* RFC 8305 3: an early A answer waits a little for AAAA. */
	if (pick == 1 && d->d_started == 0 && f6->f_pending && now < until) {
		if (*wake > until)
			*wake = until;
		return (-1);
	}
	/* RFC 8305 5: stagger the attempts. */
	if (d->d_inflight > 0 && now < d->d_next) {
		if (*wake > d->d_next)
			*wake = d->d_next;
		return (-1);
	}
	return (pick);
}

static int
open_socket(int family)
{
	int fd;

#ifdef SOCK_NONBLOCK
	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_TCP);
#else
	if ((fd = socket(family, SOCK_STREAM, IPPROTO_TCP)) != -1 &&
	    (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1)) {
		int err = errno;

		(void) close(fd);
		errno = err;
		fd = -1;
	}
#endif
	return (fd);
}

/*
 * Start an attempt on the next address of family index fi.  Returns 0
 * with *fdp when it connected at once, EINPROGRESS when it is under way,
 * or the error that ended it.
 */
static int
start_attempt(struct he_dial *d, int fi, int64_t now, int *fdp)
{
	struct he_fam *f = &d->d_fam[fi];
	const struct he_addr *a = &f->f_addr[f->f_next++];
	struct he_attempt *at = NULL;
	int fd, err;

	d->d_last = fi;
	d->d_started++;
	for (size_t i = 0; i < sizeof (d->d_at) / sizeof (d->d_at[0]); i++) {
		if (d->d_at[i].at_fd == -1) {
			at = &d->d_at[i];
			break;
		}
	}
	/* Cannot happen: there is a slot for every address we keep. */
	if (at == NULL)
		return (EMFILE);
	if ((fd = open_socket(f->f_family)) == -1) {
		err = errno;
		trace(d, SOCKSHIM_DS_SOCKET, -1, f->f_family, -1, err, 0, a);
		return (err);
	}
	trace(d, SOCKSHIM_DS_SOCKET, fd, f->f_family, fd, 0, 0, a);
	err = sks__dial_start(fd, &a->a_u.sa, a->a_len);
	trace(d, SOCKSHIM_DS_CONNECT, fd, f->f_family, err == 0 ? 0 : -1,
	    err, 0, a);
	at->at_fd = fd;
	at->at_family = f->f_family;
	at->at_addr = a;
	d->d_inflight++;
	if (err == 0) {
		*fdp = fd;
		return (0);
	}
	if (err == EINPROGRESS || err == EALREADY) {
		err = port_associate(d->d_port, PORT_SOURCE_FD, (uintptr_t)fd,
		    POLLOUT, at) == 0 ? 0 : errno;
		trace(d, SOCKSHIM_DS_ASSOCIATE, fd, f->f_family,
		    err == 0 ? 0 : -1, err, POLLOUT, a);
		if (err == 0) {
			d->d_next = now + d->d_delay;
			return (EINPROGRESS);
		}
	}
	close_attempt(d, at, err);
	return (err);
}

/* The attempt on fd won: close the others and hand fd over. */
static int
win(struct he_dial *d, int fd, int *fdp)
{
	struct he_attempt *me = NULL;
	int err = 0;

	for (size_t i = 0; i < sizeof (d->d_at) / sizeof (d->d_at[0]); i++) {
		struct he_attempt *at = &d->d_at[i];

		if (at->at_fd == fd)
			me = at;
		else if (at->at_fd != -1)
			close_attempt(d, at, 0);
	}
	if (!(d->d_flags & SOCKSHIM_DIAL_NONBLOCK)) {
		int fl = fcntl(fd, F_GETFL);

		if (fl == -1 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1)
			err = errno;
	}
	if (err != 0) {
		close_attempt(d, me, err);
		return (err);
	}
	trace(d, SOCKSHIM_DS_CONNECTED, fd, me->at_family, 0, 0, 0,
	    me->at_addr);
	me->at_fd = -1;
	d->d_inflight--;
	*fdp = fd;
	return (0);
}

static void
close_all(struct he_dial *d, int why)
{
	for (size_t i = 0; i < sizeof (d->d_at) / sizeof (d->d_at[0]); i++) {
		if (d->d_at[i].at_fd != -1)
			close_attempt(d, &d->d_at[i], why);
	}
}

/* Why the dial failed when no attempt is left. */
static int
failure(struct he_dial *d)
{
	int err = ENOENT;

	if (d->d_started > 0)
		return (d->d_lasterr);
	/* A family without the name is normal; another lookup error is not. */
	for (int i = 0; i < 2; i++) {
		if (d->d_fam[i].f_used && d->d_fam[i].f_err != 0 &&
		    d->d_fam[i].f_err != ENOENT)
			err = d->d_fam[i].f_err;
	}
	return (err);
}

/*
 * One event from the port.  Returns 0 with *fdp when an attempt won,
 * EINPROGRESS to go on, or a fatal error.
 */
static int
on_event(struct he_dial *d, const port_event_t *pe, int64_t now, int *fdp)
{
	struct he_attempt *at = pe->portev_user;
	int fd, err, soerr;

	/* User events are the resolver's wake-ups: collect() looks. */
	if (pe->portev_source != PORT_SOURCE_FD || at == NULL ||
	    at->at_fd != (int)pe->portev_object)
		return (EINPROGRESS);
	fd = at->at_fd;
	trace(d, SOCKSHIM_DS_EVENT, fd, at->at_family, 0, 0,
	    pe->portev_events, at->at_addr);
	err = sks__dial_finish(fd, &soerr);
	trace(d, SOCKSHIM_DS_SO_ERROR, fd, at->at_family, soerr >= 0 ? 0 : -1,
	    soerr >= 0 ? soerr : err, 0, at->at_addr);
	if (err == 0)
		return (win(d, fd, fdp));
	if (err == EINPROGRESS) {
		if (port_associate(d->d_port, PORT_SOURCE_FD, (uintptr_t)fd,
		    POLLOUT, at) == 0) {
			trace(d, SOCKSHIM_DS_ASSOCIATE, fd, at->at_family, 0,
			    0, POLLOUT, at->at_addr);
			return (EINPROGRESS);
		}
		err = errno;
	}
	close_attempt(d, at, err);
	d->d_lasterr = err;
	/* RFC 8305 5: a failure starts the next attempt at once. */
	d->d_next = now;
	return (EINPROGRESS);
}

static int
race(struct he_dial *d, int *fdp)
{
	port_event_t evs[SKS_DIAL_BATCH];

	for (;;) {
		int64_t now = sks__dial_now_ns(), wake = INT64_MAX;
		struct timespec ts;
		uint_t nget;
		bool pending;
		int fi, err;

		if (d->d_deadline >= 0 && now >= d->d_deadline) {
			trace(d, SOCKSHIM_DS_TIMEOUT, -1, 0, -1, ETIMEDOUT, 0,
			    NULL);
			close_all(d, ETIMEDOUT);
			return (ETIMEDOUT);
		}
		if (d->d_res != NULL)
			collect(d, now);
		while ((fi = next_family(d, now, &wake)) != -1) {
			err = start_attempt(d, fi, now, fdp);
			if (err == 0)
				return (win(d, *fdp, fdp));
			if (err != EINPROGRESS)
				d->d_lasterr = err;
		}
		pending = d->d_fam[0].f_pending || d->d_fam[1].f_pending;
		if (d->d_inflight == 0 && !pending && wake == INT64_MAX)
			return (failure(d));
		if (pending && wake > now + SKS_DIAL_RESOLVE_POLL_MS * MS)
			wake = now + SKS_DIAL_RESOLVE_POLL_MS * MS;
		if (d->d_deadline >= 0 && wake > d->d_deadline)
			wake = d->d_deadline;
		ts = sks__dial_ts(wake - now);
		nget = 1;
		if (port_getn(d->d_port, evs, SKS_DIAL_BATCH, &nget,
		    wake == INT64_MAX ? NULL : &ts) != 0) {
			/* ETIME may come with events (port_getn(3C)). */
			if (errno != ETIME && errno != EINTR) {
				err = errno;
				close_all(d, err);
				return (err);
			}
		}
		now = sks__dial_now_ns();
		for (uint_t i = 0; i < nget; i++) {
			err = on_event(d, &evs[i], now, fdp);
			if (err != EINPROGRESS) {
				if (err != 0)
					close_all(d, err);
				return (err);
			}
		}
	}
}

static bool
is_literal(const char *host)
{
	unsigned char buf[sizeof (struct in6_addr)];

	return (inet_pton(AF_INET6, host, buf) == 1 ||
	    inet_pton(AF_INET, host, buf) == 1);
}

static int
check_opts(const struct sockshim_dial_opts *o)
{
	if (o->sdo_family != AF_UNSPEC && o->sdo_family != AF_INET &&
	    o->sdo_family != AF_INET6)
		return (EAFNOSUPPORT);
	if ((o->sdo_flags & ~SOCKSHIM_DIAL_NONBLOCK) != 0 ||
	    o->sdo_attempt_delay_ms < 0 || o->sdo_timeout_ms < 0)
		return (EINVAL);
	for (size_t i = 0; i < sizeof (o->sdo_reserved) /
	    sizeof (o->sdo_reserved[0]); i++) {
		if (o->sdo_reserved[i] != NULL)
			return (EINVAL);
	}
	return (0);
}

/* Look the name up: at once for an address literal, else on threads. */
static int
resolve(struct he_dial *d, const char *host, const char *serv, int family)
{
	int fams[2], n = 0, err;

	if (is_literal(host)) {
		struct addrinfo hints, *res;
		int gai;

		(void) memset(&hints, 0, sizeof (hints));
		hints.ai_family = family;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_protocol = IPPROTO_TCP;
		hints.ai_flags = AI_NUMERICHOST;
		errno = 0;
		if ((gai = getaddrinfo(host, serv, &hints, &res)) != 0) {
			err = sks__dial_gai_errno(gai, errno);
			trace(d, SOCKSHIM_DS_RESOLVED, -1, family, -1, err, 0,
			    NULL);
			return (err);
		}
		for (int i = 0; i < 2; i++)
			add_addrs(d, &d->d_fam[i], res);
		freeaddrinfo(res);
		return (0);
	}
	for (int i = 0; i < 2; i++) {
		if (d->d_fam[i].f_used)
			fams[n++] = d->d_fam[i].f_family;
	}
	if ((err = sks__dial_resolve_start(&d->d_res, host, serv, fams, n,
	    d->d_port)) != 0)
		return (err);
	for (int i = 0; i < 2; i++)
		d->d_fam[i].f_pending = d->d_fam[i].f_used;
	return (0);
}

int
sks__dial(const char *host, const char *serv,
    const struct sockshim_dial_opts *opts, int *fdp)
{
	static const struct sockshim_dial_opts defaults;
	const struct sockshim_dial_opts *o = opts != NULL ? opts : &defaults;
	struct he_dial *d;
	int64_t start = sks__dial_now_ns();
	int delay, err;

	if (host == NULL || serv == NULL)
		return (EINVAL);
	if ((err = check_opts(o)) != 0)
		return (err);
	if ((d = calloc(1, sizeof (*d))) == NULL)
		return (ENOMEM);
	delay = o->sdo_attempt_delay_ms;
	if (delay == 0)
		delay = SOCKSHIM_DIAL_DELAY_DEFAULT;
	else if (delay < SOCKSHIM_DIAL_DELAY_MIN)
		delay = SOCKSHIM_DIAL_DELAY_MIN;
	else if (delay > SOCKSHIM_DIAL_DELAY_MAX)
		delay = SOCKSHIM_DIAL_DELAY_MAX;
	d->d_delay = delay * MS;
	d->d_deadline = o->sdo_timeout_ms > 0 ?
	    start + o->sdo_timeout_ms * MS : -1;
	d->d_trace = o->sdo_trace;
	d->d_trace_arg = o->sdo_trace_arg;
	d->d_flags = o->sdo_flags;
	d->d_fam[0].f_family = AF_INET6;
	d->d_fam[1].f_family = AF_INET;
	d->d_fam[0].f_used = o->sdo_family != AF_INET;
	d->d_fam[1].f_used = o->sdo_family != AF_INET6;
	/* So that the first pick is IPv6. */
	d->d_last = 1;
	for (size_t i = 0; i < sizeof (d->d_at) / sizeof (d->d_at[0]); i++)
		d->d_at[i].at_fd = -1;

	if ((d->d_port = port_create()) == -1) {
		err = errno;
		free(d);
		return (err);
	}
	if ((err = resolve(d, host, serv, o->sdo_family)) == 0)
		err = race(d, fdp);
	if (d->d_res != NULL)
		sks__dial_resolve_abandon(d->d_res);
	(void) close(d->d_port);
	free(d);
	return (err);
}

int
sockshim_dial(const char *host, const char *serv,
    const struct sockshim_dial_opts *opts)
{
	int saved = errno, fd = -1, err;

	if ((err = sks__dial(host, serv, opts, &fd)) != 0) {
		errno = err;
		return (-1);
	}
	errno = saved;
	return (fd);
}
