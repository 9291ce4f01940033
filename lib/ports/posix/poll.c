/*
 * poll(2) backend: works on any POSIX system.
 *
 * The backend keeps a dense pollfd array (slots 0 and 1 are the port's wake
 * and close fds) and an fd -> slot map.  One-shot is emulated: a slot that
 * reported is disabled (pollfd.fd = -1) until re-armed.  The leader polls a
 * snapshot taken under pl_lock, so associate never races with poll(2); a
 * new association wakes the leader to take a fresh snapshot.
 *
 * poll(2) knows fd numbers only, so each slot remembers the file's device
 * and inode: a closed-and-reused number reports POLLNVAL to the core, which
 * dissociates, exactly as illumos does on close(2).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../evp.h"

struct pl_slot {
	uint64_t	ps_dev;
	uint64_t	ps_ino;
	uint32_t	ps_gen;
	int		ps_fd;
	int		ps_events;
};

struct pl_state {
	pthread_mutex_t	pl_lock;	/* taken after the port's lock */
	struct pollfd	*pl_pfd;	/* live array */
	struct pl_slot	*pl_slot;	/* parallel to pl_pfd */
	int		pl_n, pl_cap;
	int		*pl_map;	/* fd -> slot, or -1 */
	int		pl_nmap;
	struct pollfd	*pl_snap;	/* the leader's copies */
	struct pl_slot	*pl_snapslot;
	int		pl_snapcap;
};

#define	PL(p)	((struct pl_state *)(p)->p_be_data)
#define	FIXED	2	/* wake fd, close fd */

static int
pl_reserve(struct pl_state *st, int n)
{
	struct pollfd *np;
	struct pl_slot *ns;
	int ncap = st->pl_cap ? st->pl_cap : 16;

	if (n <= st->pl_cap)
		return (0);
	while (ncap < n)
		ncap *= 2;
	if ((np = realloc(st->pl_pfd, ncap * sizeof (*np))) == NULL)
		return (ENOMEM);
	st->pl_pfd = np;
	if ((ns = realloc(st->pl_slot, ncap * sizeof (*ns))) == NULL)
		return (ENOMEM);
	st->pl_slot = ns;
	st->pl_cap = ncap;
	return (0);
}

static int
pl_map_reserve(struct pl_state *st, int fd)
{
	int ncap = st->pl_nmap ? st->pl_nmap : 64, *nm;

	if (fd < st->pl_nmap)
		return (0);
	while (ncap <= fd)
		ncap *= 2;
	if ((nm = realloc(st->pl_map, ncap * sizeof (*nm))) == NULL)
		return (ENOMEM);
	for (int i = st->pl_nmap; i < ncap; i++)
		nm[i] = -1;
	st->pl_map = nm;
	st->pl_nmap = ncap;
	return (0);
}

static int
pl_init(struct evp_port *p, int wakefd, int closefd)
{
	struct pl_state *st = calloc(1, sizeof (*st));

	if (st == NULL || pl_reserve(st, 16) != 0) {
		if (st != NULL) {
			free(st->pl_pfd);
			free(st->pl_slot);
		}
		free(st);
		return (ENOMEM);
	}
	pthread_mutex_init(&st->pl_lock, NULL);
	st->pl_pfd[0] = (struct pollfd){ .fd = wakefd, .events = POLLIN };
	st->pl_pfd[1] = (struct pollfd){ .fd = closefd, .events = POLLIN };
	st->pl_n = FIXED;
	p->p_be_data = st;
	return (0);
}

static void
pl_fini(struct evp_port *p)
{
	struct pl_state *st = PL(p);

	pthread_mutex_destroy(&st->pl_lock);
	free(st->pl_pfd);
	free(st->pl_slot);
	free(st->pl_map);
	free(st->pl_snap);
	free(st->pl_snapslot);
	free(st);
}

static int
pl_arm(struct evp_port *p, int fd, int events, uint32_t gen)
{
	struct pl_state *st = PL(p);
	struct stat sb;
	int i, err = 0;

	if (fstat(fd, &sb) == -1)
		return (errno);
	pthread_mutex_lock(&st->pl_lock);
	if ((err = pl_map_reserve(st, fd)) != 0)
		goto out;
	if ((i = st->pl_map[fd]) < 0) {
		if ((err = pl_reserve(st, st->pl_n + 1)) != 0)
			goto out;
		i = st->pl_n++;
		st->pl_map[fd] = i;
	}
	st->pl_pfd[i] = (struct pollfd){ .fd = fd, .events = (short)events };
	st->pl_slot[i] = (struct pl_slot){ .ps_dev = (uint64_t)sb.st_dev,
	    .ps_ino = (uint64_t)sb.st_ino, .ps_gen = gen, .ps_fd = fd,
	    .ps_events = events };
out:
	pthread_mutex_unlock(&st->pl_lock);
	return (err);
}

static void
pl_disarm(struct evp_port *p, int fd)
{
	struct pl_state *st = PL(p);
	int i, last;

	pthread_mutex_lock(&st->pl_lock);
	if (fd < st->pl_nmap && (i = st->pl_map[fd]) >= 0) {
		last = --st->pl_n;
		st->pl_pfd[i] = st->pl_pfd[last];
		st->pl_slot[i] = st->pl_slot[last];
		st->pl_map[st->pl_slot[i].ps_fd] = i;
		st->pl_map[fd] = -1;
	}
	pthread_mutex_unlock(&st->pl_lock);
}

static bool
pl_slot_current(const struct pl_slot *s)
{
	struct stat sb;

	return (fstat(s->ps_fd, &sb) == 0 && (uint64_t)sb.st_dev == s->ps_dev &&
	    (uint64_t)sb.st_ino == s->ps_ino);
}

/* Copy the live array for the leader; pl_lock held. */
static int
pl_snapshot(struct pl_state *st)
{
	if (st->pl_n > st->pl_snapcap) {
		struct pollfd *np = realloc(st->pl_snap,
		    st->pl_cap * sizeof (*np));
		struct pl_slot *ns;

		if (np == NULL)
			return (ENOMEM);
		st->pl_snap = np;
		ns = realloc(st->pl_snapslot, st->pl_cap * sizeof (*ns));
		if (ns == NULL)
			return (ENOMEM);
		st->pl_snapslot = ns;
		st->pl_snapcap = st->pl_cap;
	}
	memcpy(st->pl_snap, st->pl_pfd, st->pl_n * sizeof (*st->pl_snap));
	memcpy(st->pl_snapslot, st->pl_slot,
	    st->pl_n * sizeof (*st->pl_snapslot));
	return (0);
}

static int
pl_poll(struct pollfd *pfd, int n, const struct timespec *dl)
{
#ifdef HAVE_PPOLL
	struct timespec rel;

	if (dl != NULL)
		evp__remaining_ts(dl, &rel);
	return (ppoll(pfd, (nfds_t)n, dl ? &rel : NULL, NULL));
#else
	return (poll(pfd, (nfds_t)n, evp__remaining_ms(dl)));
#endif
}

/* Disable a slot that reported, if it still holds that association. */
static void
pl_fired(struct pl_state *st, const struct pl_slot *s)
{
	int i;

	if (s->ps_fd < st->pl_nmap && (i = st->pl_map[s->ps_fd]) >= 0 &&
	    st->pl_slot[i].ps_gen == s->ps_gen)
		st->pl_pfd[i].fd = -1;
}

static int
pl_wait(struct evp_port *p, const struct timespec *dl,
    struct evp_ready *out, int max)
{
	struct pl_state *st = PL(p);
	int n, got, k = 0;

	pthread_mutex_lock(&st->pl_lock);
	n = st->pl_n;
	got = pl_snapshot(st);
	pthread_mutex_unlock(&st->pl_lock);
	if (got != 0)
		return (-got);
	if ((got = pl_poll(st->pl_snap, n, dl)) == -1)
		return (-errno);
	pthread_mutex_lock(&st->pl_lock);
	for (int i = 0; i < n && k < max && got > 0; i++) {
		struct pollfd *pf = &st->pl_snap[i];
		struct pl_slot *s = &st->pl_snapslot[i];

		if (pf->revents == 0)
			continue;
		got--;
		if (i < FIXED) {
			out[k++] = (struct evp_ready){ .er_fd = i == 0 ?
			    EVP_FD_WAKE : EVP_FD_CLOSED };
			continue;
		}
		out[k] = (struct evp_ready){ .er_fd = s->ps_fd,
		    .er_gen = s->ps_gen, .er_revents = pf->revents };
		if (!(pf->revents & POLLNVAL) && !pl_slot_current(s))
			out[k].er_revents = POLLNVAL;
		pl_fired(st, s);
		k++;
	}
	pthread_mutex_unlock(&st->pl_lock);
	return (k);
}

static int
pl_same_file(struct evp_port *p, int fd)
{
	struct pl_state *st = PL(p);
	int i, ok = 0;

	pthread_mutex_lock(&st->pl_lock);
	if (fd < st->pl_nmap && (i = st->pl_map[fd]) >= 0)
		ok = pl_slot_current(&st->pl_slot[i]);
	pthread_mutex_unlock(&st->pl_lock);
	return (ok);
}

const struct evp_backend evp__backend_poll = {
	.eb_name = "poll",
	.eb_init = pl_init,
	.eb_fini = pl_fini,
	.eb_arm = pl_arm,
	.eb_disarm = pl_disarm,
	.eb_wait = pl_wait,
	.eb_same_file = pl_same_file,
	.eb_arm_needs_wake = 1,
};
