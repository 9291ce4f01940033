/*
 * Name resolution for sockshim_dial(): getaddrinfo(3SOCKET) on detached
 * worker threads, one per address family, so that
 *  - the dialer's own timeout holds even when a lookup hangs (a thread
 *    that outlives the dial finishes on its own and frees the request);
 *  - the AAAA and A answers arrive separately, as RFC 8305 section 3
 *    wants: connecting starts as soon as the IPv6 answer is in, or 50 ms
 *    after the IPv4 one.
 * glibc's getaddrinfo_a() would also do, but it exists only there, cannot
 * cancel a lookup in progress, and asks us to keep its control blocks
 * alive until it is done: a thread per family is simpler and portable.
 *
 * Completion is posted to the dialer's event port with port_send(), under
 * r_lock and only while the dialer has not abandoned the request: the
 * dialer sets r_abandoned under the same lock before it closes its port,
 * so an event can never land on a port that reused the number.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <port.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "dial.h"

#define	SKS_RESOLVE_MAX	2

struct sks__dial_rslot {
	struct sks__dial_resolver	*rs_owner;
	int			rs_family;
	bool			rs_done;
	bool			rs_taken;
	int			rs_err;
	struct addrinfo		*rs_res;
};

struct sks__dial_resolver {
	pthread_mutex_t		r_lock;
	int			r_refs;		/* dialer + running threads */
	bool			r_abandoned;
	int			r_port;
	char			*r_host;
	char			*r_serv;
	int			r_nslots;
	struct sks__dial_rslot	r_slot[SKS_RESOLVE_MAX];
};

int
sks__dial_gai_errno(int gai, int sys)
{
	switch (gai) {
	case 0:
		return (0);
	case EAI_NONAME:
#ifdef EAI_NODATA
	case EAI_NODATA:
#endif
#ifdef EAI_ADDRFAMILY
	case EAI_ADDRFAMILY:
#endif
	case EAI_SERVICE:
		/* Nothing by that name: a connect never says ENOENT. */
		return (ENOENT);
	case EAI_AGAIN:
		return (EAGAIN);
	case EAI_MEMORY:
		return (ENOMEM);
	case EAI_FAMILY:
		return (EAFNOSUPPORT);
	case EAI_BADFLAGS:
	case EAI_SOCKTYPE:
		return (EINVAL);
	case EAI_SYSTEM:
		return (sys != 0 ? sys : EIO);
	default:
		/* EAI_FAIL and anything newer: the resolver broke. */
		return (EIO);
	}
}

static void
resolver_free(struct sks__dial_resolver *r)
{
	for (int i = 0; i < r->r_nslots; i++) {
		if (r->r_slot[i].rs_res != NULL)
			freeaddrinfo(r->r_slot[i].rs_res);
	}
	(void) pthread_mutex_destroy(&r->r_lock);
	free(r->r_host);
	free(r->r_serv);
	free(r);
}

/* Drop one reference; r_lock held on entry, released on return. */
static void
resolver_unref_locked(struct sks__dial_resolver *r)
{
	bool last = --r->r_refs == 0;

	(void) pthread_mutex_unlock(&r->r_lock);
	if (last)
		resolver_free(r);
}

static void *
resolve_main(void *arg)
{
	struct sks__dial_rslot *s = arg;
	struct sks__dial_resolver *r = s->rs_owner;
	struct addrinfo hints, *res = NULL;
	int gai;

	(void) memset(&hints, 0, sizeof (hints));
	hints.ai_family = s->rs_family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	errno = 0;
	gai = getaddrinfo(r->r_host, r->r_serv, &hints, &res);

	(void) pthread_mutex_lock(&r->r_lock);
	s->rs_done = true;
	s->rs_err = sks__dial_gai_errno(gai, errno);
	s->rs_res = gai == 0 ? res : NULL;
	if (s->rs_err == 0 && s->rs_res == NULL)
		s->rs_err = ENOENT;
	/*
	 * A failed port_send() (ENOMEM) only delays the dialer, which looks
	 * at the slots at least every SKS_DIAL_RESOLVE_POLL_MS.
	 */
	if (!r->r_abandoned)
		(void) port_send(r->r_port, s->rs_family, NULL);
	resolver_unref_locked(r);
	return (NULL);
}

int
sks__dial_resolve_start(struct sks__dial_resolver **rp, const char *host,
    const char *serv, const int *families, int nfamilies, int port)
{
	struct sks__dial_resolver *r;
	pthread_attr_t attr;
	sigset_t all, old;
	int err = 0;

	if (nfamilies < 1 || nfamilies > SKS_RESOLVE_MAX)
		return (EINVAL);
	if ((r = calloc(1, sizeof (*r))) == NULL)
		return (ENOMEM);
	if ((err = pthread_mutex_init(&r->r_lock, NULL)) != 0) {
		free(r);
		return (err);
	}
	r->r_port = port;
	r->r_refs = 1;
	r->r_host = strdup(host);
	r->r_serv = strdup(serv);
	if (r->r_host == NULL || r->r_serv == NULL) {
		resolver_free(r);
		return (ENOMEM);
	}
	if ((err = pthread_attr_init(&attr)) != 0) {
		resolver_free(r);
		return (err);
	}
	(void) pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* Signals are the application's business, not our workers'. */
	(void) sigfillset(&all);
	(void) pthread_sigmask(SIG_SETMASK, &all, &old);

	(void) pthread_mutex_lock(&r->r_lock);
	for (int i = 0; i < nfamilies; i++) {
		struct sks__dial_rslot *s = &r->r_slot[i];
		pthread_t tid;

		s->rs_owner = r;
		s->rs_family = families[i];
		r->r_nslots++;
		r->r_refs++;
		if ((err = pthread_create(&tid, &attr, resolve_main, s)) != 0) {
			r->r_refs--;
			/* The lookups already running finish on their own. */
			r->r_abandoned = true;
			break;
		}
	}
	(void) pthread_mutex_unlock(&r->r_lock);

	(void) pthread_sigmask(SIG_SETMASK, &old, NULL);
	(void) pthread_attr_destroy(&attr);
	if (err != 0) {
		(void) pthread_mutex_lock(&r->r_lock);
		resolver_unref_locked(r);
		return (err);
	}
	*rp = r;
	return (0);
}

int
sks__dial_resolve_take(struct sks__dial_resolver *r, int family,
    struct addrinfo **res)
{
	int err = ENOENT;

	*res = NULL;
	(void) pthread_mutex_lock(&r->r_lock);
	for (int i = 0; i < r->r_nslots; i++) {
		struct sks__dial_rslot *s = &r->r_slot[i];

		if (s->rs_family != family)
			continue;
		if (!s->rs_done) {
			err = EINPROGRESS;
		} else if (s->rs_taken) {
			err = EALREADY;
		} else {
			s->rs_taken = true;
			err = s->rs_err;
			*res = s->rs_res;
			s->rs_res = NULL;
		}
		break;
	}
	(void) pthread_mutex_unlock(&r->r_lock);
	return (err);
}

void
sks__dial_resolve_abandon(struct sks__dial_resolver *r)
{
	(void) pthread_mutex_lock(&r->r_lock);
	r->r_abandoned = true;
	resolver_unref_locked(r);
}
