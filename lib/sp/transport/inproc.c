/*
 * inproc://name: connections inside one process.
 *
 * For now an inproc listener is an AF_UNIX socket in Linux's abstract
 * namespace under a name private to this process, and the names users
 * give are mapped to it in a registry; the core then runs the same header
 * exchange and framing as on ipc.  This reuses every tested path of the
 * stream pipes at the cost of two fds and kernel copies per connection; a
 * direct in-memory pipe is the planned replacement.
 *
 * Binding a name already bound in the process is EADDRINUSE.  Connecting
 * to a name nobody has bound keeps retrying, like any dialer.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../core/sp.h"

struct inproc_data {
	struct sp__link		in_link;	/* registry (listeners) */
	int			in_listed;
	char			in_name[NN_SOCKADDR_MAX];
	struct sockaddr_un	in_sun;
	socklen_t		in_sunlen;
};

static pthread_mutex_t inproc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sp__link inproc_names = { &inproc_names, &inproc_names };
static unsigned inproc_seq;

/* inproc_lock held. */
static struct inproc_data *
inproc_find(const char *name)
{
	for (struct sp__link *l = inproc_names.l_next; l != &inproc_names;
	    l = l->l_next) {
		struct inproc_data *d = SP_CONTAINER(l, struct inproc_data,
		    in_link);

		if (strcmp(d->in_name, name) == 0)
			return (d);
	}
	return (NULL);
}

static int
inproc_init(struct sp__ep *ep, const char *name)
{
	struct inproc_data *d;

	if ((d = calloc(1, sizeof (*d))) == NULL)
		return (ENOMEM);
	(void) snprintf(d->in_name, sizeof (d->in_name), "%s", name);
	sp__list_init(&d->in_link);
	ep->e_tdata = d;
	return (0);
}

static int
inproc_listen(struct sp__ep *ep, int *fdp)
{
	struct inproc_data *d = ep->e_tdata;
	int fd, n, err;

	(void) pthread_mutex_lock(&inproc_lock);
	if (inproc_find(d->in_name) != NULL) {
		(void) pthread_mutex_unlock(&inproc_lock);
		return (EADDRINUSE);
	}
	d->in_sun.sun_family = AF_UNIX;
	n = snprintf(d->in_sun.sun_path + 1, sizeof (d->in_sun.sun_path) - 1,
	    "sockshim-inproc-%ld-%u", (long)getpid(), ++inproc_seq);
	d->in_sunlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    1 + (size_t)n);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0) {
		err = errno;
		goto out;
	}
	if (bind(fd, (struct sockaddr *)&d->in_sun, d->in_sunlen) != 0 ||
	    listen(fd, SOMAXCONN) != 0 || (errno = sp__fd_setup(fd)) != 0) {
		err = errno;
		(void) close(fd);
		goto out;
	}
	sp__list_add(&inproc_names, &d->in_link);
	d->in_listed = 1;
	*fdp = fd;
	err = 0;
out:
	(void) pthread_mutex_unlock(&inproc_lock);
	return (err);
}

static int
inproc_dial(struct sp__ep *ep, int *fdp)
{
	struct inproc_data *d = ep->e_tdata, *l;
	struct sockaddr_un sun;
	socklen_t len;
	int fd, err;

	(void) pthread_mutex_lock(&inproc_lock);
	if ((l = inproc_find(d->in_name)) == NULL) {
		(void) pthread_mutex_unlock(&inproc_lock);
		return (ECONNREFUSED);
	}
	sun = l->in_sun;
	len = l->in_sunlen;
	(void) pthread_mutex_unlock(&inproc_lock);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return (errno);
	if ((err = sp__fd_setup(fd)) != 0 ||
	    (connect(fd, (struct sockaddr *)&sun, len) != 0 &&
	    (err = errno) != EINPROGRESS)) {
		(void) close(fd);
		return (err);
	}
	*fdp = fd;
	return (0);
}

static void
inproc_fini(struct sp__ep *ep)
{
	struct inproc_data *d = ep->e_tdata;

	if (d == NULL)
		return;
	(void) pthread_mutex_lock(&inproc_lock);
	if (d->in_listed)
		sp__list_del(&d->in_link);
	(void) pthread_mutex_unlock(&inproc_lock);
	free(d);
	ep->e_tdata = NULL;
}

const struct sp__tran_ops sp__inproc_ops = {
	.t_scheme = "inproc",
	.t_ipcframe = 1,
	.t_init = inproc_init,
	.t_listen = inproc_listen,
	.t_dial = inproc_dial,
	.t_setup = NULL,
	.t_fini = inproc_fini,
};
