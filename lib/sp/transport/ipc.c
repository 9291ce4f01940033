/*
 * ipc://path: AF_UNIX stream sockets at a file-system path.
 *
 * A path that does not fit sun_path is ENAMETOOLONG (nanomsg aborts).
 * Binding never steals a live socket: only when bind(2) says EADDRINUSE
 * and the file is a socket do we probe it with connect(2); ECONNREFUSED
 * means nobody listens, so the stale file is replaced; anything else is
 * EADDRINUSE (nng #576, #656).  On close a listener removes its file only
 * if it is still the one it created (same device and inode).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../core/sp.h"

struct ipc_data {
	struct sockaddr_un	id_sun;
	int			id_bound;
	dev_t			id_dev;
	ino_t			id_ino;
};

static int
ipc_init(struct sp__ep *ep, const char *path)
{
	struct ipc_data *id;
	size_t n = strlen(path);

	if (n == 0)
		return (EINVAL);
	if (n >= sizeof (id->id_sun.sun_path))
		return (ENAMETOOLONG);
	if ((id = calloc(1, sizeof (*id))) == NULL)
		return (ENOMEM);
	id->id_sun.sun_family = AF_UNIX;
	(void) memcpy(id->id_sun.sun_path, path, n + 1);
	ep->e_tdata = id;
	return (0);
}

/* Nonzero if something accepts connections at the path. */
static int
ipc_live(const struct sockaddr_un *sun)
{
	int fd, live;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return (1);	/* cannot tell: assume live, never steal */
	live = connect(fd, (const struct sockaddr *)sun, sizeof (*sun)) == 0 ||
	    errno != ECONNREFUSED;
	(void) close(fd);
	return (live);
}

static int
ipc_listen(struct sp__ep *ep, int *fdp)
{
	struct ipc_data *id = ep->e_tdata;
	struct stat st;
	int fd, err = 0;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return (errno);
	if (bind(fd, (struct sockaddr *)&id->id_sun, sizeof (id->id_sun)) !=
	    0) {
		err = errno;
		if (err != EADDRINUSE || lstat(id->id_sun.sun_path, &st) != 0 ||
		    !S_ISSOCK(st.st_mode) || ipc_live(&id->id_sun))
			goto fail;
		(void) unlink(id->id_sun.sun_path);
		if (bind(fd, (struct sockaddr *)&id->id_sun,
		    sizeof (id->id_sun)) != 0) {
			err = errno;
			goto fail;
		}
	}
	if (lstat(id->id_sun.sun_path, &st) == 0) {
		id->id_bound = 1;
		id->id_dev = st.st_dev;
		id->id_ino = st.st_ino;
	}
	if (listen(fd, SOMAXCONN) != 0 || (err = sp__fd_setup(fd)) != 0) {
		err = err != 0 ? err : errno;
		goto fail;
	}
	*fdp = fd;
	return (0);
fail:
	(void) close(fd);
	return (err);
}

static int
ipc_dial(struct sp__ep *ep, int *fdp)
{
	struct ipc_data *id = ep->e_tdata;
	int fd, err;

	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return (errno);
	if ((err = sp__fd_setup(fd)) != 0)
		goto fail;
	if (connect(fd, (struct sockaddr *)&id->id_sun, sizeof (id->id_sun)) !=
	    0 && errno != EINPROGRESS) {
		err = errno;
		goto fail;
	}
	*fdp = fd;
	return (0);
fail:
	(void) close(fd);
	return (err);
}

static void
ipc_fini(struct sp__ep *ep)
{
	struct ipc_data *id = ep->e_tdata;
	struct stat st;

	if (id == NULL)
		return;
	if (id->id_bound && lstat(id->id_sun.sun_path, &st) == 0 &&
	    st.st_dev == id->id_dev && st.st_ino == id->id_ino)
		(void) unlink(id->id_sun.sun_path);
	free(id);
	ep->e_tdata = NULL;
}

const struct sp__tran_ops sp__ipc_ops = {
	.t_scheme = "ipc",
	.t_ipcframe = 1,
	.t_init = ipc_init,
	.t_listen = ipc_listen,
	.t_dial = ipc_dial,
	.t_setup = NULL,
	.t_fini = ipc_fini,
};
