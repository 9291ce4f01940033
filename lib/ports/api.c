/*
 * The exported event-port API: argument checks in the order illumos makes
 * them, then the core.  Every function returns -1 and sets errno on
 * failure (port_getn(3C) also reports partial results with ETIME) and
 * leaves errno untouched on success.  evp__ret() is the one place that turns
 * the core's errno values into that convention.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>

#include "evp.h"

#define	API	__attribute__((visibility("default")))

/* The illumos convention: -1 and errno, or 0 with errno as it was. */
int
evp__ret(int err, int saved)
{
	errno = err != 0 ? err : saved;
	return (err != 0 ? -1 : 0);
}

API int
port_create(void)
{
	int saved = errno, fd, err;

	if ((err = evp__create(&fd)) != 0)
		return (evp__ret(err, saved));
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

/* Run op on the port behind number port, locked and known open. */
static int
with_port(int port, int (*op)(struct evp_port *, uintptr_t, int, void *),
    uintptr_t object, int events, void *user)
{
	struct evp_port *p;
	int err;

	if ((err = evp__lookup(port, &p)) != 0)
		return (err);
	pthread_mutex_lock(&p->p_lock);
	err = p->p_closed ? EBADF : op(p, object, events, user);
	evp__unlock(p, port);
	evp__release(p);
	return (err);
}

static int
assoc_fd(struct evp_port *p, uintptr_t object, int events, void *user)
{
	int fd, err;

	if ((err = fd_object(object, &fd)) != 0)
		return (err);
	return (evp__fd_associate(p, fd, events, user));
}

static int
dissoc_fd(struct evp_port *p, uintptr_t object, int events, void *user)
{
	int fd, err;

	(void) events;
	(void) user;
	if ((err = fd_object(object, &fd)) != 0)
		return (err);
	if (fcntl(fd, F_GETFD) == -1)
		return (EBADFD);
	return (evp__fd_dissociate(p, fd));
}

static int
dissoc_file(struct evp_port *p, uintptr_t object, int events, void *user)
{
	(void) events;
	(void) user;
	return (evp__file_dissociate(p, object));
}

static int
bad_source(struct evp_port *p, uintptr_t object, int events, void *user)
{
	(void) p;
	(void) object;
	(void) events;
	(void) user;
	return (EINVAL);
}

API int
port_associate(int port, int source, uintptr_t object, int events,
    void *user)
{
	int saved = errno;

	return (evp__ret(with_port(port, source == PORT_SOURCE_FD ? assoc_fd :
	    source == PORT_SOURCE_FILE ? evp__file_associate : bad_source,
	    object, events, user), saved));
}

API int
port_dissociate(int port, int source, uintptr_t object)
{
	int saved = errno;

	return (evp__ret(with_port(port, source == PORT_SOURCE_FD ? dissoc_fd :
	    source == PORT_SOURCE_FILE ? dissoc_file : bad_source,
	    object, 0, NULL), saved));
}

static int
send_one(int port, int events, void *user)
{
	struct evp_port *p;
	int err;

	if ((err = evp__lookup(port, &p)) != 0)
		return (err);
	err = evp__send(p, port, events, user);
	evp__release(p);
	return (err);
}

API int
port_send(int port, int events, void *user)
{
	int saved = errno;

	return (evp__ret(send_one(port, events, user), saved));
}

API int
port_sendn(int ports[], int errors[], uint_t nent, int events, void *user)
{
	int saved = errno;
	uint_t sent = 0;
	bool failed = false;

	if (nent == 0 || nent > PORT_MAX_LIST)
		return (evp__ret(EINVAL, saved));
	if (ports == NULL || errors == NULL)
		return (evp__ret(EFAULT, saved));
	for (uint_t i = 0; i < nent; i++) {
		int err = send_one(ports[i], events, user);

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

	if ((err = evp__lookup(port, &p)) != 0)
		return (evp__ret(err, saved));
	if (nget == NULL)
		err = EINVAL;
	else if (max == 0)
		err = evp__count(p, port, nget);	/* timeout ignored */
	else if (*nget > max)
		err = EINVAL;
	else if (list == NULL)
		err = EFAULT;
	else if (*nget == 0)
		err = 0;			/* nothing wanted: at once */
	else
		err = evp__getn(p, port, list, max, nget, timeout, false);
	evp__release(p);
	return (evp__ret(err, saved));
}

API int
port_get(int port, port_event_t *pe, struct timespec *timeout)
{
	struct evp_port *p;
	uint_t nget = 1;
	int saved = errno, err;

	if ((err = evp__lookup(port, &p)) != 0)
		return (evp__ret(err, saved));
	err = pe == NULL ? EFAULT :
	    evp__getn(p, port, pe, 1, &nget, timeout, true);
	evp__release(p);
	return (evp__ret(err, saved));
}

static int
alert_one(int port, int flags, int events, void *user)
{
	struct evp_port *p;
	int err;

	if ((err = evp__lookup(port, &p)) != 0)
		return (err);
	/* events == 0 clears alert mode whatever the flags (illumos). */
	if (events != 0 &&
	    (flags & PORT_ALERT_INVALID) == PORT_ALERT_INVALID)
		err = EINVAL;
	else
		err = evp__alert(p, port, flags, events, user);
	evp__release(p);
	return (err);
}

API int
port_alert(int port, int flags, int events, void *user)
{
	int saved = errno;

	return (evp__ret(alert_one(port, flags, events, user), saved));
}
