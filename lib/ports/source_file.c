/*
 * PORT_SOURCE_FILE (contract: source.h; semantics: illumos port_fop.c and
 * port_associate(3C)), on the inotify(7) mechanics of linux/inotify.h.
 *
 * An association (a "watch") is keyed by the file_obj_t pointer.  Its
 * inotify side (struct evp_ino_watch) is listed on the watch descriptors
 * of its inode and of the directory that holds its name; inotify.c says
 * which watches each record concerns and what it means.
 *
 * A report reads every pending inotify record, ORs what each record
 * means into the watches it concerns, and only then settles each touched
 * watch, so that one operation's records (an unlink is IN_ATTRIB on the
 * file and IN_DELETE on its directory) become one event, and an exception
 * replaces the rest, as port_fop_excep() does.
 *
 * States: ACTIVE (watching), QUEUED (watching; its event waits in the
 * port queue and later changes accumulate into it), ORPHAN (an exception
 * waits in the queue; the watch is gone: dissociate says ENOENT and a new
 * associate makes a new watch, as on illumos).  Retrieval ends a watch,
 * so an inactive association is simply freed.  The queue tags an event
 * with (slot, generation); the generation moves whenever a queued event
 * is cancelled or consumed.  Everything runs with p_lock held except
 * es_fini and es_forget.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "evp.h"
#include "linux/inotify.h"

/* illumos FILE_EVENTS_MASK: what port_associate accepts (exceptions not). */
#define	FILE_EVENTS_MASK	(FILE_ACCESS | FILE_MODIFIED | FILE_ATTRIB | \
				FILE_TRUNC | FILE_NOFOLLOW)

enum { FW_FREE, FW_ACTIVE, FW_QUEUED, FW_ORPHAN };

/* One association. */
struct fwatch {
	struct evp_hlink fw_h;		/* key: the file_obj_t pointer */
	uint32_t	fw_key;		/* index in fs_slot */
	uint32_t	fw_gen;
	int		fw_state;
	int		fw_events;	/* requested, FILE_NOFOLLOW removed */
	bool		fw_follow;
	void		*fw_user;
	int		fw_pending;	/* in the queued event */
	int		fw_hit;		/* this report */
	int		fw_force;	/* this report, delivered unmasked */
	bool		fw_check;	/* this report: look at the size */
	bool		fw_touched;	/* on the touched list */
	struct fwatch	*fw_tnext;	/* touched list */
	struct evp_ino_watch fw_in;	/* its nodes, its name */
	char		*fw_path;	/* copy of fo_name */
	dev_t		fw_dev;
	ino_t		fw_ino;
	off_t		fw_size;	/* for FILE_TRUNC */
};

#define	FWATCH(iw)	((struct fwatch *)(void *)((char *)(iw) - \
	offsetof(struct fwatch, fw_in)))

struct fsrc {
	struct evp_ino	fs_in;		/* the inotify instance, its nodes */
	bool		fs_used;	/* an associate succeeded once */
	bool		fs_queued;	/* queued outside a report: wake */
	struct fwatch	**fs_slot;
	uint32_t	fs_nslot;
	uint32_t	fs_cap;
	struct fwatch	*fs_free;	/* through fw_tnext */
	struct evp_htab	fs_obj;		/* watches by file_obj_t pointer */
	struct fwatch	*fs_touched;
	struct fwatch	**fs_ttail;
};

/* ---- watches ------------------------------------------------------- */

static struct fwatch *
watch_alloc(struct fsrc *fs)
{
	struct fwatch *w, **ns;

	if ((w = fs->fs_free) != NULL) {
		fs->fs_free = w->fw_tnext;
		return (w);
	}
	if (fs->fs_nslot == fs->fs_cap) {
		uint32_t ncap = fs->fs_cap != 0 ? fs->fs_cap * 2 : 16;

		if ((ns = realloc(fs->fs_slot, ncap * sizeof (*ns))) == NULL)
			return (NULL);
		fs->fs_slot = ns;
		fs->fs_cap = ncap;
	}
	if ((w = calloc(1, sizeof (*w))) == NULL)
		return (NULL);
	w->fw_key = fs->fs_nslot;
	fs->fs_slot[fs->fs_nslot++] = w;
	return (w);
}

/* Out of the table and the kernel's sight; a queued event may remain. */
static void
watch_detach(struct fsrc *fs, struct fwatch *w)
{
	if (w->fw_state == FW_ACTIVE || w->fw_state == FW_QUEUED)
		evp__ht_del(&fs->fs_obj, &w->fw_h);
	evp__ino_detach(&fs->fs_in, &w->fw_in);
}

/* The association is over; tags of its generation mean nothing now. */
static void
watch_free(struct fsrc *fs, struct fwatch *w)
{
	watch_detach(fs, w);
	free(w->fw_path);
	w->fw_path = NULL;
	w->fw_gen = EVP_GEN_NEXT(w->fw_gen);
	w->fw_state = FW_FREE;
	w->fw_tnext = fs->fs_free;
	fs->fs_free = w;
}

/* Cancel the queued, unretrieved event of w (re-associate, dissociate). */
static void
watch_unqueue(struct evp_port *p, struct fwatch *w)
{
	if (w->fw_state != FW_QUEUED)
		return;
	p->p_live--;
	w->fw_gen = EVP_GEN_NEXT(w->fw_gen);
	w->fw_pending = 0;
	w->fw_state = FW_ACTIVE;
}

/*
 * Hand events to the port.  Straight to a retrieving caller, the watch
 * has done its one-shot work; queued, later events accumulate into it.
 * Returns false if the event was lost (ENOMEM).
 */
static bool
watch_emit(struct evp_port *p, struct fsrc *fs, struct fwatch *w, int ev)
{
	port_event_t pe;
	int r;

	pe.portev_events = ev;
	pe.portev_source = PORT_SOURCE_FILE;
	pe.portev_pad = 0;
	pe.portev_object = w->fw_h.h_key;
	pe.portev_user = w->fw_user;
	r = evp__emit(p, EVP_SRC_FILE, w->fw_key, w->fw_gen, &pe);
	if (r == EVP_EMIT_DIRECT) {
		watch_free(fs, w);
	} else if (r == EVP_EMIT_QUEUED) {
		w->fw_pending = ev;
		w->fw_state = FW_QUEUED;
		fs->fs_queued = true;
	}
	return (r == EVP_EMIT_DIRECT || r == EVP_EMIT_QUEUED);
}

static void
watch_fire(struct evp_port *p, struct fsrc *fs, struct fwatch *w, int ev)
{
	if (w->fw_state == FW_QUEUED)
		w->fw_pending |= ev;
	else
		(void) watch_emit(p, fs, w, ev);
}

/*
 * The file's identity changed: the watch ends, and the exception replaces
 * whatever it had queued (port_fop_excep() queues a new event with only
 * the exception).
 */
static void
watch_except(struct evp_port *p, struct fsrc *fs, struct fwatch *w, int ev)
{
	watch_detach(fs, w);
	if (w->fw_state == FW_QUEUED) {
		w->fw_pending = ev;
		w->fw_state = FW_ORPHAN;
		return;
	}
	w->fw_state = FW_ORPHAN;	/* detached: nothing to undo */
	if (!watch_emit(p, fs, w, ev))
		watch_free(fs, w);
	else if (w->fw_state == FW_QUEUED)
		w->fw_state = FW_ORPHAN;
}

/* ---- accumulating a report ----------------------------------------- */

static void
touch(struct fsrc *fs, struct fwatch *w, int ev, bool check)
{
	if (w->fw_state != FW_ACTIVE && w->fw_state != FW_QUEUED)
		return;
	if (!w->fw_touched) {
		w->fw_touched = true;
		w->fw_tnext = NULL;
		*fs->fs_ttail = w;
		fs->fs_ttail = &w->fw_tnext;
	}
	w->fw_hit |= ev;
	w->fw_check |= check;
}

/* Overflow lost records: tell every watch to look (documented). */
static void
overflow(struct fsrc *fs)
{
	for (uint32_t i = 0; i < fs->fs_nslot; i++) {
		struct fwatch *w = fs->fs_slot[i];

		touch(fs, w, 0, true);
		if (w->fw_state == FW_ACTIVE || w->fw_state == FW_QUEUED)
			w->fw_force |= FILE_MODIFIED;
	}
}

/* What inotify says about a watch; NULL: records were lost. */
static void
on_touch(void *arg, struct evp_ino_watch *iw, int ev, bool check)
{
	struct fsrc *fs = arg;

	if (iw == NULL)
		overflow(fs);
	else
		touch(fs, FWATCH(iw), ev, check);
}

/* FILE_TRUNC has no inotify flag: a smaller size is a truncation. */
static int
shrunk(struct fwatch *w)
{
	struct stat st;
	int r;

	r = w->fw_follow ? stat(w->fw_path, &st) : lstat(w->fw_path, &st);
	if (r != 0 || st.st_dev != w->fw_dev || st.st_ino != w->fw_ino)
		return (0);
	r = st.st_size < w->fw_size ? FILE_TRUNC : 0;
	w->fw_size = st.st_size;
	return (r);
}

/*
 * illumos queues one exception, the operation's.  A rename onto the name
 * also frees the old inode (IN_DELETE_SELF), and the directory's record
 * says what happened to the name, so the name's fate comes first.
 */
static int
exception(int ev)
{
	static const int order[] = { FILE_RENAME_TO, FILE_RENAME_FROM,
	    UNMOUNTED, FILE_DELETE };

	for (size_t i = 0; i < sizeof (order) / sizeof (order[0]); i++) {
		if (ev & order[i])
			return (order[i]);
	}
	return (0);
}

static void
settle(struct evp_port *p, struct fsrc *fs, struct fwatch *w)
{
	int ev = w->fw_hit, force = w->fw_force;

	if (w->fw_check && (w->fw_events & FILE_TRUNC))
		ev |= shrunk(w);
	w->fw_hit = w->fw_force = 0;
	w->fw_check = w->fw_touched = false;
	if (ev & FILE_EXCEPTION)
		watch_except(p, fs, w, exception(ev));
	else if (((ev & w->fw_events) | force) != 0)
		watch_fire(p, fs, w, (ev & w->fw_events) | force);
}

static void
settle_all(struct evp_port *p, struct fsrc *fs)
{
	struct fwatch *w;

	while ((w = fs->fs_touched) != NULL) {
		if ((fs->fs_touched = w->fw_tnext) == NULL)
			fs->fs_ttail = &fs->fs_touched;
		settle(p, fs, w);
	}
}

/* Read what inotify holds and turn it into events. */
static void
drain(struct evp_port *p, struct fsrc *fs)
{
	evp__ino_read(&fs->fs_in, on_touch, fs);
	settle_all(p, fs);
}

/* ---- port_associate ------------------------------------------------ */

static int
source_get(struct evp_port *p, struct fsrc **fsp)
{
	struct fsrc *fs = p->p_file;

	if (fs == NULL) {
		if ((fs = calloc(1, sizeof (*fs))) == NULL)
			return (ENOMEM);
		fs->fs_in.in_fd = -1;
		fs->fs_ttail = &fs->fs_touched;
		p->p_file = fs;
	}
	*fsp = fs;
	return (0);
}

static bool
ts_set(const struct timespec *a)
{
	return (a->tv_sec != 0 || a->tv_nsec != 0);
}

static bool
ts_differ(const struct timespec *a, const struct timespec *b)
{
	return (ts_set(a) && (a->tv_sec != b->tv_sec ||
	    a->tv_nsec != b->tv_nsec));
}

/*
 * The caller's times against the file's (port_check_timestamp()): a
 * non-zero time that differs is a change the caller has not seen.  Not
 * for FIFOs, whose times move with every read and write.
 */
static int
stale(const file_obj_t *fo, const struct stat *st, int events)
{
	int ev = 0;

	if (S_ISFIFO(st->st_mode))
		return (0);
	if (ts_differ(&fo->fo_atime, &st->st_atim))
		ev |= FILE_ACCESS;
	if (ts_differ(&fo->fo_mtime, &st->st_mtim))
		ev |= FILE_MODIFIED;
	if (ts_differ(&fo->fo_ctime, &st->st_ctim))
		ev |= FILE_ATTRIB;
	return (ev & events);
}

/* The watch for obj: the existing one, its queued event cancelled. */
static struct fwatch *
watch_for(struct evp_port *p, struct fsrc *fs, uintptr_t obj)
{
	struct fwatch *w = (struct fwatch *)evp__ht_find(&fs->fs_obj, obj);

	if (w != NULL) {
		watch_unqueue(p, w);
		evp__ino_detach(&fs->fs_in, &w->fw_in);
		free(w->fw_path);
		w->fw_path = NULL;
		return (w);
	}
	if ((w = watch_alloc(fs)) == NULL)
		return (NULL);
	w->fw_h.h_key = obj;
	if (evp__ht_add(&fs->fs_obj, &w->fw_h) != 0) {
		w->fw_tnext = fs->fs_free;
		fs->fs_free = w;
		return (NULL);
	}
	w->fw_state = FW_ACTIVE;
	return (w);
}

static void
watch_set(struct fwatch *w, struct evp_ino_target *t, char *path,
    int events, void *user)
{
	evp__ino_attach(&w->fw_in, t);
	w->fw_path = path;
	w->fw_events = events & ~FILE_NOFOLLOW;
	w->fw_follow = !(events & FILE_NOFOLLOW);
	w->fw_user = user;
	w->fw_dev = t->it_st.st_dev;
	w->fw_ino = t->it_st.st_ino;
	w->fw_size = t->it_st.st_size;
	w->fw_gen = EVP_GEN_NEXT(w->fw_gen);
}

static int
associate(struct evp_port *p, struct fsrc *fs, const file_obj_t *fo,
    int events, void *user)
{
	struct evp_ino_target t;
	struct fwatch *w;
	char *path;
	int err, ev;

	if ((err = evp__ino_lookup(&fs->fs_in, fo->fo_name, events, &t)) != 0)
		return (err);
	if ((path = strdup(fo->fo_name)) == NULL) {
		evp__ino_release(&fs->fs_in, &t);
		return (ENOMEM);
	}
	if ((w = watch_for(p, fs, (uintptr_t)fo)) == NULL) {
		evp__ino_release(&fs->fs_in, &t);
		free(path);
		return (ENOMEM);
	}
	watch_set(w, &t, path, events, user);
	fs->fs_used = true;
	if ((ev = stale(fo, &t.it_st, w->fw_events)) != 0)
		watch_fire(p, fs, w, ev);
	return (0);
}

int
evp__file_associate(struct evp_port *p, uintptr_t obj, int events,
    void *user)
{
	const file_obj_t *fo = (const file_obj_t *)obj;
	struct fsrc *fs;
	struct stat st;
	int err;

	if ((events & ~FILE_EVENTS_MASK) != 0)
		return (EINVAL);
	if (fo == NULL || fo->fo_name == NULL)
		return (EFAULT);
	/* A missing file is reported before any inotify resource is used. */
	if (((events & FILE_NOFOLLOW) ? lstat(fo->fo_name, &st) :
	    stat(fo->fo_name, &st)) != 0)
		return (errno);
	if ((err = source_get(p, &fs)) != 0 ||
	    (err = evp__ino_open(p, &fs->fs_in)) != 0)
		return (err);
	/*
	 * What is already in the inotify queue happened before this call:
	 * it belongs to the association being replaced, not the new one.
	 */
	fs->fs_queued = false;
	drain(p, fs);
	err = associate(p, fs, fo, events, user);
	if (fs->fs_queued)
		evp__wake_waiters(p, false);
	return (err);
}

int
evp__file_dissociate(struct evp_port *p, uintptr_t obj)
{
	struct fsrc *fs = p->p_file;
	struct fwatch *w;

	/* illumos: EINVAL while the port has never had a FILE association. */
	if (fs == NULL || !fs->fs_used)
		return (EINVAL);
	if ((w = (struct fwatch *)evp__ht_find(&fs->fs_obj, obj)) == NULL)
		return (ENOENT);
	watch_unqueue(p, w);
	watch_free(fs, w);
	return (0);
}

/* ---- the source operations ----------------------------------------- */

static void
file_report(struct evp_port *p, uint32_t key, uint32_t gen, int revents)
{
	struct fsrc *fs = p->p_file;

	if (fs != NULL && fs->fs_in.in_fd != -1)
		drain(p, fs);
}

static struct fwatch *
queued(struct evp_port *p, const struct evp_qent *e)
{
	struct fsrc *fs = p->p_file;
	struct fwatch *w;

	if (fs == NULL || e->qe_key >= fs->fs_nslot)
		return (NULL);
	w = fs->fs_slot[e->qe_key];
	if (w->fw_gen != e->qe_gen ||
	    (w->fw_state != FW_QUEUED && w->fw_state != FW_ORPHAN))
		return (NULL);
	return (w);
}

static bool
file_live(struct evp_port *p, const struct evp_qent *e)
{
	return (queued(p, e) != NULL);
}

/* Retrieval ends the association (one-shot), as illumos deactivates it. */
static bool
file_deliver(struct evp_port *p, struct evp_qent *e, bool waited)
{
	struct fwatch *w = queued(p, e);

	if (w == NULL)
		return (false);
	e->qe_ev.portev_events = w->fw_pending;
	e->qe_ev.portev_object = w->fw_h.h_key;
	e->qe_ev.portev_user = w->fw_user;
	watch_free(p->p_file, w);
	return (true);
}

/*
 * The port is going: the instance goes with its nodes (see
 * evp__ino_close for what a forked child must not do), then the watches.
 */
static void
source_free(struct evp_port *p, bool forget)
{
	struct fsrc *fs = p->p_file;

	if (fs == NULL)
		return;
	evp__ino_close(p, &fs->fs_in, forget);
	for (uint32_t i = 0; i < fs->fs_nslot; i++) {
		free(fs->fs_slot[i]->fw_path);
		free(fs->fs_slot[i]->fw_in.iw_name);
		free(fs->fs_slot[i]);
	}
	free(fs->fs_obj.t_b);
	free(fs->fs_slot);
	free(fs);
	p->p_file = NULL;
}

static void
file_fini(struct evp_port *p)
{
	source_free(p, false);
}

static void
file_forget(struct evp_port *p)
{
	source_free(p, true);
}

const struct evp_source evp__source_file = {
	.es_id = EVP_SRC_FILE,
	.es_report = file_report,
	.es_live = file_live,
	.es_deliver = file_deliver,
	.es_fini = file_fini,
	.es_forget = file_forget,
};
