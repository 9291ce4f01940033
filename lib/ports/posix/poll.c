/*
 * poll(2) backend (contract: ../backend.h); works on any POSIX system.
 *
 * A dense pollfd array with a parallel array of slots, and an fd -> slot
 * map.  One-shot is emulated: a slot that reported is disabled (its
 * pollfd.fd becomes -1) until armed again.  The leader polls a copy taken
 * under pl_lock, so arming never races with poll(2); a new arm wakes the
 * leader to take a fresh copy (EVP_BE_ARM_WAKES).
 *
 * poll(2) knows fd numbers only, so a one-shot slot (an application's fd)
 * remembers its file's device and inode, and every report for it is
 * checked: a closed and reused number reports POLLNVAL (EVP_BE_CHECKED).
 * Per association: pollfd 8 + slot 16 + map 4 + the leader's copy 12 bytes.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../evp.h"

/* Slot metadata: source id (7 bits), one-shot (1 bit), generation (24). */
#define	META(tag, oneshot)	((uint32_t)EVP_TAG_SRC(tag) | \
	((oneshot) ? 0x80u : 0) | EVP_TAG_GEN(tag) << 8)
#define	META_ONESHOT(m)		(((m) & 0x80u) != 0)
#define	META_TAG(m, fd)		EVP_TAG((m) & 0x7fu, (m) >> 8, fd)

/* The fd of a live array entry, enabled or disabled. */
#define	SLOT_FD(pf)	((pf)->fd < 0 ? ~(pf)->fd : (pf)->fd)

struct pl_slot {
	uint64_t	ps_ino;
	uint32_t	ps_dev;		/* low bits; ino does most of the work */
	uint32_t	ps_meta;
};

struct pl_state {
	pthread_mutex_t	pl_lock;	/* taken after the port's lock */
	struct pollfd	*pl_pfd;	/* live array */
	struct pl_slot	*pl_slot;	/* parallel to pl_pfd */
	int		pl_n, pl_cap;
	int		*pl_map;	/* fd -> slot, or -1 */
	int		pl_nmap;
	struct pollfd	*pl_snap;	/* the leader's copies */
	uint32_t	*pl_snapmeta;
	int		pl_snapcap;
	int		pl_next;	/* where the next scan of results starts */
};

static int
grow(void **arr, size_t size, int cap)
{
	void *n = realloc(*arr, size * (size_t)cap);

	if (n == NULL)
		return (ENOMEM);
	*arr = n;
	return (0);
}

static int
pl_reserve(struct pl_state *st, int n)
{
	int ncap = st->pl_cap ? st->pl_cap : 16;

	if (n <= st->pl_cap)
		return (0);
	while (ncap < n)
		ncap *= 2;
	if (grow((void **)&st->pl_pfd, sizeof (*st->pl_pfd), ncap) != 0 ||
	    grow((void **)&st->pl_slot, sizeof (*st->pl_slot), ncap) != 0)
		return (ENOMEM);
	st->pl_cap = ncap;
	return (0);
}

static int
pl_map_reserve(struct pl_state *st, int fd)
{
	int ncap = st->pl_nmap ? st->pl_nmap : 64;

	if (fd < st->pl_nmap)
		return (0);
	while (ncap <= fd)
		ncap *= 2;
	if (grow((void **)&st->pl_map, sizeof (int), ncap) != 0)
		return (ENOMEM);
	for (int i = st->pl_nmap; i < ncap; i++)
		st->pl_map[i] = -1;
	st->pl_nmap = ncap;
	return (0);
}

static int
pl_init(void **sp)
{
	struct pl_state *st = calloc(1, sizeof (*st));

	if (st == NULL)
		return (ENOMEM);
	pthread_mutex_init(&st->pl_lock, NULL);
	*sp = st;
	return (0);
}

static void
pl_free(void *state)
{
	struct pl_state *st = state;

	free(st->pl_pfd);
	free(st->pl_slot);
	free(st->pl_map);
	free(st->pl_snap);
	free(st->pl_snapmeta);
	free(st);
}

static void
pl_fini(void *state)
{
	pthread_mutex_destroy(&((struct pl_state *)state)->pl_lock);
	pl_free(state);
}

static int
pl_arm(void *state, int fd, int events, uint64_t tag, int flags)
{
	struct pl_state *st = state;
	struct pl_slot s = { 0, 0, META(tag, flags & EVP_ARM_ONESHOT) };
	struct stat sb;
	int i, err;

	if (flags & EVP_ARM_ONESHOT) {
		/* An application's fd: remember which file it is. */
		if (fstat(fd, &sb) == -1)
			return (errno);
		if (S_ISREG(sb.st_mode) || S_ISDIR(sb.st_mode))
			return (EPERM);		/* always ready, as epoll says */
		s.ps_ino = (uint64_t)sb.st_ino;
		s.ps_dev = (uint32_t)sb.st_dev;
	}
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
	st->pl_slot[i] = s;
out:
	pthread_mutex_unlock(&st->pl_lock);
	return (err);
}

static void
pl_disarm(void *state, int fd)
{
	struct pl_state *st = state;
	int i, last;

	pthread_mutex_lock(&st->pl_lock);
	if (fd < st->pl_nmap && (i = st->pl_map[fd]) >= 0) {
		last = --st->pl_n;
		st->pl_pfd[i] = st->pl_pfd[last];
		st->pl_slot[i] = st->pl_slot[last];
		if (i != last)
			st->pl_map[SLOT_FD(&st->pl_pfd[i])] = i;
		st->pl_map[fd] = -1;
	}
	pthread_mutex_unlock(&st->pl_lock);
}

static bool
slot_current(const struct pl_slot *s, int fd)
{
	struct stat sb;

	return (fstat(fd, &sb) == 0 && (uint64_t)sb.st_ino == s->ps_ino &&
	    (uint32_t)sb.st_dev == s->ps_dev);
}

/* Copy the live array for the leader; pl_lock held. */
static int
pl_snapshot(struct pl_state *st)
{
	if (st->pl_n > st->pl_snapcap) {
		if (grow((void **)&st->pl_snap, sizeof (*st->pl_snap),
		    st->pl_cap) != 0 || grow((void **)&st->pl_snapmeta,
		    sizeof (*st->pl_snapmeta), st->pl_cap) != 0)
			return (ENOMEM);
		st->pl_snapcap = st->pl_cap;
	}
	memcpy(st->pl_snap, st->pl_pfd, st->pl_n * sizeof (*st->pl_snap));
	for (int i = 0; i < st->pl_n; i++)
		st->pl_snapmeta[i] = st->pl_slot[i].ps_meta;
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

/*
 * The report for the i-th copied pollfd, if its slot still holds the
 * same arm; disables a one-shot slot.  pl_lock held.
 */
static bool
pl_report(struct pl_state *st, int i, struct evp_ready *out)
{
	const struct pollfd *pf = &st->pl_snap[i];
	uint32_t meta = st->pl_snapmeta[i];
	int s;

	if (pf->fd < 0 || pf->fd >= st->pl_nmap ||
	    (s = st->pl_map[pf->fd]) < 0 || st->pl_slot[s].ps_meta != meta ||
	    st->pl_pfd[s].fd < 0)
		return (false);
	out->er_tag = META_TAG(meta, pf->fd);
	out->er_revents = pf->revents;
	if (META_ONESHOT(meta)) {
		st->pl_pfd[s].fd = ~pf->fd;
		if (!(pf->revents & POLLNVAL) &&
		    !slot_current(&st->pl_slot[s], pf->fd))
			out->er_revents = POLLNVAL;
	}
	return (true);
}

static int
pl_wait(void *state, const struct timespec *dl, struct evp_ready *out,
    int max, int *nout)
{
	struct pl_state *st = state;
	int n, got, k = 0, err, start;

	*nout = 0;
	pthread_mutex_lock(&st->pl_lock);
	n = st->pl_n;
	err = pl_snapshot(st);
	pthread_mutex_unlock(&st->pl_lock);
	if (err != 0)
		return (err);
	if ((got = pl_poll(st->pl_snap, n, dl)) == -1)
		return (errno);
	/*
	 * Start where the last scan stopped, so that fds early in the array
	 * cannot starve the others when max is small.
	 */
	pthread_mutex_lock(&st->pl_lock);
	start = st->pl_next;
	for (int j = 0, i; j < n && k < max && got > 0; j++) {
		i = (start + j) % n;
		if (st->pl_snap[i].revents == 0)
			continue;
		got--;
		k += pl_report(st, i, &out[k]);
		st->pl_next = (i + 1) % n;
	}
	pthread_mutex_unlock(&st->pl_lock);
	*nout = k;
	return (0);
}

static int
pl_check(void *state, int fd, uint64_t tag)
{
	struct pl_state *st = state;
	int i, err = ESTALE;

	pthread_mutex_lock(&st->pl_lock);
	if (fd >= 0 && fd < st->pl_nmap && (i = st->pl_map[fd]) >= 0 &&
	    (st->pl_slot[i].ps_meta & ~0x80u) == (META(tag, 0)) &&
	    slot_current(&st->pl_slot[i], fd))
		err = 0;
	pthread_mutex_unlock(&st->pl_lock);
	return (err);
}

const struct evp_backend evp__backend_poll = {
	.eb_name = "poll",
	.eb_flags = EVP_BE_ARM_WAKES | EVP_BE_CHECKED,
	.eb_init = pl_init,
	.eb_fini = pl_fini,
	.eb_forget = pl_free,
	.eb_arm = pl_arm,
	.eb_disarm = pl_disarm,
	.eb_wait = pl_wait,
	.eb_check = pl_check,
};
