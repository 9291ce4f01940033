/*
 * The port object: creation, backend choice, and teardown.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evp.h"

/*
 * SOCKSHIM_PORT_BACKEND picks the backend of each new port ("epoll" or
 * "poll"); unset or empty means the one chosen at configure time.  An
 * unknown name falls back to that default: a library must not fail
 * port_create() over a debugging knob.
 */
static const struct evp_backend *
choose_backend(void)
{
	static const struct evp_backend *const all[] = {
#ifdef EVP_HAVE_EPOLL
		&evp__backend_epoll,
#endif
		&evp__backend_poll,
	};
	const char *want = getenv("SOCKSHIM_PORT_BACKEND");
	const struct evp_backend *dflt = all[0];

	for (size_t i = 0; i < sizeof (all) / sizeof (all[0]); i++) {
		if (strcmp(all[i]->eb_name, EVP_DEFAULT_BACKEND) == 0)
			dflt = all[i];
	}
	if (want == NULL || *want == '\0')
		return (dflt);
	for (size_t i = 0; i < sizeof (all) / sizeof (all[0]); i++) {
		if (strcmp(all[i]->eb_name, want) == 0)
			return (all[i]);
	}
	return (dflt);
}

static int
port_init(struct evp_port *p, int sv[2])
{
	pthread_condattr_t ca;
	struct stat st;
	int err;

	if (fstat(sv[0], &st) == -1)
		return (errno);
	p->p_fd = sv[0];
	p->p_dev = st.st_dev;
	p->p_ino = st.st_ino;
	p->p_closefd = sv[1];
	p->p_wakefd[0] = p->p_wakefd[1] = -1;
	p->p_be = choose_backend();
	if ((err = evp__wake_open(p->p_wakefd)) != 0)
		return (err);
	pthread_mutex_init(&p->p_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->p_cond, &ca);
	pthread_condattr_destroy(&ca);
	if ((err = p->p_be->eb_init(p, p->p_wakefd[0], p->p_closefd)) != 0) {
		pthread_cond_destroy(&p->p_cond);
		pthread_mutex_destroy(&p->p_lock);
		evp__wake_close(p->p_wakefd);
	}
	return (err);
}

int
evp__create(int *fdp)
{
	struct evp_port *p;
	int sv[2], err;

	/*
	 * The user's end is created first so that it is the lowest free fd,
	 * as port_create(3C) promises.  Our end is close-on-exec; the user's
	 * end is not, as on illumos.
	 */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return (errno == ENFILE ? EMFILE : errno);
	(void) fcntl(sv[1], F_SETFD, FD_CLOEXEC);
	(void) fcntl(sv[1], F_SETFL, O_NONBLOCK);
	if ((p = evp__port_alloc()) == NULL) {
		err = ENOMEM;
	} else if ((err = port_init(p, sv)) != 0) {
		evp__port_free(p);
	} else if ((err = evp__register(p)) != 0) {
		evp__destroy(p);		/* closes sv[1] */
		(void) close(sv[0]);
		return (err);
	}
	if (err != 0) {
		(void) close(sv[0]);
		(void) close(sv[1]);
		return (err);
	}
	*fdp = sv[0];
	return (0);
}

/* Free a port after its last reference is gone. */
void
evp__destroy(struct evp_port *p)
{
	p->p_be->eb_fini(p);
	evp__wake_close(p->p_wakefd);
	(void) close(p->p_closefd);
	evp__q_free(&p->p_q);
	free(p->p_assoc);
	free(p->p_rbuf);
	pthread_cond_destroy(&p->p_cond);
	pthread_mutex_destroy(&p->p_lock);
	evp__port_free(p);
}

/* The user closed the port: every waiter returns EBADFD. */
void
evp__mark_closed(struct evp_port *p)
{
	pthread_mutex_lock(&p->p_lock);
	p->p_closed = true;
	pthread_cond_broadcast(&p->p_cond);
	evp__wake_leader(p);
	pthread_mutex_unlock(&p->p_lock);
}

/* Interrupt the thread inside eb_wait, if any; p_lock held. */
void
evp__wake_leader(struct evp_port *p)
{
	if (p->p_leader && !p->p_woken) {
		p->p_woken = true;
		evp__wake_post(p->p_wakefd);
	}
}

/*
 * Keep one byte readable on the user's fd exactly while events are queued
 * or an alert is set, so that poll(2) on a port reports POLLIN as on
 * illumos.  Readiness that the backend holds but has not reported is not
 * counted (see port_create(3C), DIFFERENCES).  p_lock held.
 */
void
evp__sync_token(struct evp_port *p)
{
	bool want = (p->p_live > 0 || p->p_alert) && !p->p_closed;
	char c = 0;

	if (want == p->p_token)
		return;
	if (want) {
		if (send(p->p_closefd, &c, 1, MSG_DONTWAIT | MSG_NOSIGNAL) == 1)
			p->p_token = true;
	} else {
		if (recv(p->p_fd, &c, 1, MSG_DONTWAIT) >= 0)
			p->p_token = false;
	}
}
