/*
 * The exported event-port API: argument checks in the order illumos makes
 * them, then the core.  Every function returns -1 and sets errno on
 * failure (port_getn(3C) also reports partial results with ETIME) and
 * leaves errno untouched on success.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>

#include "evp.h"

#define	API	__attribute__((visibility("default")))

static int
fail(int err, int saved)
{
	errno = err != 0 ? err : saved;
	return (err != 0 ? -1 : 0);
}

API int
port_create(void)
{
	int saved = errno, fd, err;

	if ((err = evp__create(&fd)) != 0) {
		errno = err;
		return (-1);
	}
	errno = saved;
	return (fd);
}

/* An FD object must be an open fd that fits in an int: else EBADFD. */
static int
fd_object(uintptr_t object, int *fdp)
{
	if (object > INT_MAX)
		return (EBADFD);
	*fdp = (int)object;
	return (0);
}

API int
port_associate(int port, int source, uintptr_t object, int events,
    void *user)
{
	struct evp_port *p;
	int saved = errno, fd = -1, err;

	if ((err = evp__lookup(port, &p, false)) != 0)
		return (fail(err, saved));
	if (source == PORT_SOURCE_FILE)
		err = ENOTSUP;		/* not implemented yet */
	else if (source != PORT_SOURCE_FD)
		err = EINVAL;
	else if ((err = fd_object(object, &fd)) == 0) {
		pthread_mutex_lock(&p->p_lock);
		err = p->p_closed ? EBADF :
		    evp__associate_fd(p, fd, events, user);
		evp__sync_token(p);
		pthread_mutex_unlock(&p->p_lock);
	}
	evp__release(p);
	return (fail(err, saved));
}

API int
port_dissociate(int port, int source, uintptr_t object)
{
	struct evp_port *p;
	int saved = errno, fd = -1, err;

	if ((err = evp__lookup(port, &p, true)) != 0)
		return (fail(err, saved));
	if (source == PORT_SOURCE_FILE)
		err = ENOTSUP;
	else if (source != PORT_SOURCE_FD)
		err = EINVAL;
	else if ((err = fd_object(object, &fd)) == 0 &&
	    fcntl(fd, F_GETFD) == -1)
		err = EBADFD;
	else if (err == 0) {
		pthread_mutex_lock(&p->p_lock);
		err = p->p_closed ? EBADF : evp__dissociate_fd(p, fd);
		evp__sync_token(p);
		pthread_mutex_unlock(&p->p_lock);
	}
	evp__release(p);
	return (fail(err, saved));
}

API int
port_send(int port, int events, void *user)
{
	struct evp_port *p;
	int saved = errno, err;

	if ((err = evp__lookup(port, &p, true)) != 0)
		return (fail(err, saved));
	err = evp__send(p, events, user);
	evp__release(p);
	return (fail(err, saved));
}

API int
port_sendn(int ports[], int errors[], uint_t nent, int events, void *user)
{
	int saved = errno;
	uint_t sent = 0;
	bool failed = false;

	if (nent == 0)
		return (fail(EINVAL, saved));
	if (ports == NULL || errors == NULL)
		return (fail(EFAULT, saved));
	for (uint_t i = 0; i < nent; i++) {
		struct evp_port *p;
		int err = evp__lookup(ports[i], &p, true);

		if (err == 0) {
			err = evp__send(p, events, user);
			evp__release(p);
		}
		sent += err == 0;
		/* As on illumos, errors[] is written only if one failed. */
		if (err != 0 && !failed) {
			for (uint_t j = 0; j < i; j++)
				errors[j] = 0;
			failed = true;
		}
		if (failed)
			errors[i] = err;
	}
	errno = saved;
	return ((int)sent);
}

API int
port_getn(int port, port_event_t list[], uint_t max, uint_t *nget,
    struct timespec *timeout)
{
	struct evp_port *p;
	int saved = errno, err;

	if ((err = evp__lookup(port, &p, false)) != 0)
		return (fail(err, saved));
	if (nget == NULL)
		err = EINVAL;
	else if (max == 0)
		err = evp__count(p, nget);	/* counts; timeout ignored */
	else if (*nget > max)
		err = EINVAL;
	else if (list == NULL)
		err = EFAULT;
	else if (*nget == 0)
		err = 0;			/* nothing wanted: at once */
	else
		err = evp__getn(p, list, max, nget, timeout, false);
	evp__release(p);
	return (fail(err, saved));
}

API int
port_get(int port, port_event_t *pe, struct timespec *timeout)
{
	struct evp_port *p;
	uint_t nget = 1;
	int saved = errno, err;

	if ((err = evp__lookup(port, &p, false)) != 0)
		return (fail(err, saved));
	err = pe == NULL ? EFAULT :
	    evp__getn(p, pe, 1, &nget, timeout, true);
	evp__release(p);
	return (fail(err, saved));
}

API int
port_alert(int port, int flags, int events, void *user)
{
	struct evp_port *p;
	int saved = errno, err;

	if ((err = evp__lookup(port, &p, true)) != 0)
		return (fail(err, saved));
	/* events == 0 clears alert mode whatever the flags (illumos). */
	if (events != 0 &&
	    (flags & PORT_ALERT_INVALID) == PORT_ALERT_INVALID)
		err = EINVAL;
	else
		err = evp__alert(p, flags, events, user);
	evp__release(p);
	return (fail(err, saved));
}
