/*
 * PORT_SOURCE_FILE on inotify(7) (contract: source.h; semantics: illumos
 * port_fop.c and port_associate(3C)).
 *
 * An association (a "watch") is keyed by the file_obj_t pointer.  Each
 * watched inode and each directory that holds a watched name is one
 * inotify watch descriptor (a "node"); the kernel gives one wd per inode
 * per instance and a second inotify_add_watch() would replace its mask,
 * so nodes are shared, their masks only grow (IN_MASK_ADD), and every
 * watch filters what it receives.  A node lists the watches on its inode
 * (role SELF) and the watches whose name lives in it (role DIR): the
 * directory's IN_DELETE, IN_MOVED_FROM and IN_MOVED_TO for that name are
 * what illumos reports as FILE_DELETE, FILE_RENAME_FROM and
 * FILE_RENAME_TO, at the moment the name goes, even while the file is
 * held open.
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
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evp.h"

/* illumos FILE_EVENTS_MASK: what port_associate accepts (exceptions not). */
#define	FILE_EVENTS_MASK	(FILE_ACCESS | FILE_MODIFIED | FILE_ATTRIB | \
				FILE_TRUNC | FILE_NOFOLLOW)

/* What a directory watch needs to see its names go. */
#define	DIR_MASK	(IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)

/* Bounds the work of one report; the fd stays readable for the rest. */
#define	READ_ROUNDS	64
#define	LOOKUP_TRIES	3

enum { ROLE_SELF, ROLE_DIR, ROLE_N };
enum { FW_FREE, FW_ACTIVE, FW_QUEUED, FW_ORPHAN };

struct fwatch;

/* Intrusive hash link; first member of what it links. */
struct hlink {
	struct hlink	*h_next;
	uintptr_t	h_key;
};

struct htab {
	struct hlink	**t_b;
	uint32_t	t_cap;		/* power of two, or 0 */
	uint32_t	t_n;
};

struct flink {
	struct fwatch	*l_next;
	struct fwatch	**l_pprev;
};

/* One inotify watch descriptor. */
struct fnode {
	struct hlink	fn_h;		/* key: the wd */
	uint32_t	fn_refs;	/* watches listed, plus pins */
	bool		fn_dead;	/* IN_IGNORED seen: no rm_watch */
	struct fwatch	*fn_head[ROLE_N];
};

/* One association. */
struct fwatch {
	struct hlink	fw_h;		/* key: the file_obj_t pointer */
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
	struct fnode	*fw_fn[ROLE_N];
	struct flink	fw_link[ROLE_N];
	char		*fw_path;	/* copy of fo_name */
	char		*fw_name;	/* last component, for ROLE_DIR */
	dev_t		fw_dev;
	ino_t		fw_ino;
	off_t		fw_size;	/* for FILE_TRUNC */
};

struct fsrc {
	int		fs_ifd;		/* inotify instance, or -1 */
	bool		fs_used;	/* an associate succeeded once */
	bool		fs_queued;	/* queued outside a report: wake */
	struct fwatch	**fs_slot;
	uint32_t	fs_nslot;
	uint32_t	fs_cap;
	struct fwatch	*fs_free;	/* through fw_tnext */
	struct htab	fs_obj;		/* watches by file_obj_t pointer */
	struct htab	fs_wd;		/* nodes by wd */
	struct fwatch	*fs_touched;
	struct fwatch	**fs_ttail;
};

/* What a lookup found: the file, its wd, its directory's. */
struct target {
	struct stat	t_st;
	struct fnode	*t_fn[ROLE_N];
	char		*t_path;
	char		*t_name;	/* in t_path's copy, or NULL */
};

/* ---- small intrusive hash table ------------------------------------ */

static uint32_t
ht_index(const struct htab *t, uintptr_t key)
{
	return ((uint32_t)(((uint64_t)key * 0x9E3779B97F4A7C15ULL) >> 32) &
	    (t->t_cap - 1));
}

static struct hlink *
ht_find(const struct htab *t, uintptr_t key)
{
	struct hlink *h;

	if (t->t_cap == 0)
		return (NULL);
	for (h = t->t_b[ht_index(t, key)]; h != NULL; h = h->h_next) {
		if (h->h_key == key)
			return (h);
	}
	return (NULL);
}

static int
ht_grow(struct htab *t)
{
	uint32_t ncap = t->t_cap != 0 ? t->t_cap * 2 : 16;
	struct htab nt = { calloc(ncap, sizeof (struct hlink *)), ncap, 0 };

	if (nt.t_b == NULL)
		return (ENOMEM);
	for (uint32_t i = 0; i < t->t_cap; i++) {
		struct hlink *h, *next;

		for (h = t->t_b[i]; h != NULL; h = next) {
			uint32_t j = ht_index(&nt, h->h_key);

			next = h->h_next;
			h->h_next = nt.t_b[j];
			nt.t_b[j] = h;
		}
	}
	free(t->t_b);
	nt.t_n = t->t_n;
	*t = nt;
	return (0);
}

/* Only an empty table can fail: a full one just gets longer chains. */
static int
ht_add(struct htab *t, struct hlink *h)
{
	uint32_t i;

	if (t->t_n >= t->t_cap && ht_grow(t) != 0 && t->t_cap == 0)
		return (ENOMEM);
	i = ht_index(t, h->h_key);
	h->h_next = t->t_b[i];
	t->t_b[i] = h;
	t->t_n++;
	return (0);
}

static void
ht_del(struct htab *t, struct hlink *h)
{
	struct hlink **pp = &t->t_b[ht_index(t, h->h_key)];

	while (*pp != h)
		pp = &(*pp)->h_next;
	*pp = h->h_next;
	t->t_n--;
}

/* ---- nodes (inotify wds) ------------------------------------------- */

static struct fnode *
node_find(struct fsrc *fs, int wd)
{
	return ((struct fnode *)ht_find(&fs->fs_wd, (uintptr_t)wd));
}

/* The node of wd, made if new, with one more reference (a pin). */
static struct fnode *
node_get(struct fsrc *fs, int wd)
{
	struct fnode *fn = node_find(fs, wd);

	if (fn == NULL) {
		if ((fn = calloc(1, sizeof (*fn))) == NULL)
			return (NULL);
		fn->fn_h.h_key = (uintptr_t)wd;
		if (ht_add(&fs->fs_wd, &fn->fn_h) != 0) {
			free(fn);
			return (NULL);
		}
	}
	fn->fn_refs++;
	return (fn);
}

/*
 * Drop a reference; the last one removes the kernel's watch, unless the
 * kernel already did (IN_IGNORED), so that a stale wd is never removed.
 */
static void
node_put(struct fsrc *fs, struct fnode *fn)
{
	if (fn == NULL || --fn->fn_refs > 0)
		return;
	if (!fn->fn_dead)
		(void) inotify_rm_watch(fs->fs_ifd, (int)fn->fn_h.h_key);
	ht_del(&fs->fs_wd, &fn->fn_h);
	free(fn);
}

/* The node's reference moves to the watch. */
static void
link_add(struct fwatch *w, int role, struct fnode *fn)
{
	struct flink *l = &w->fw_link[role];

	w->fw_fn[role] = fn;
	l->l_next = fn->fn_head[role];
	l->l_pprev = &fn->fn_head[role];
	if (l->l_next != NULL)
		l->l_next->fw_link[role].l_pprev = &l->l_next;
	fn->fn_head[role] = w;
}

static void
link_del(struct fsrc *fs, struct fwatch *w, int role)
{
	struct flink *l = &w->fw_link[role];
	struct fnode *fn = w->fw_fn[role];

	if (fn == NULL)
		return;
	*l->l_pprev = l->l_next;
	if (l->l_next != NULL)
		l->l_next->fw_link[role].l_pprev = l->l_pprev;
	w->fw_fn[role] = NULL;
	node_put(fs, fn);
}

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
		ht_del(&fs->fs_obj, &w->fw_h);
	for (int role = 0; role < ROLE_N; role++)
		link_del(fs, w, role);
}

/* The association is over; tags of its generation mean nothing now. */
static void
watch_free(struct fsrc *fs, struct fwatch *w)
{
	watch_detach(fs, w);
	free(w->fw_path);
	free(w->fw_name);
	w->fw_path = w->fw_name = NULL;
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

/* ---- reading inotify ----------------------------------------------- */

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

/* A record about the node's inode itself. */
static void
on_self(struct fsrc *fs, struct fnode *fn, uint32_t m)
{
	int ev = 0;
	bool check = (m & (IN_MODIFY | IN_ATTRIB)) != 0;

	if (m & IN_ACCESS)
		ev |= FILE_ACCESS;
	/* A write changes mtime and ctime: illumos says both. */
	if (m & IN_MODIFY)
		ev |= FILE_MODIFIED | FILE_ATTRIB;
	if (m & IN_ATTRIB)
		ev |= FILE_ATTRIB;
	if (m & IN_DELETE_SELF)
		ev |= FILE_DELETE;
	if (m & IN_UNMOUNT)
		ev |= UNMOUNTED;
	for (struct fwatch *w = fn->fn_head[ROLE_SELF]; w != NULL;
	    w = w->fw_link[ROLE_SELF].l_next) {
		int move = 0;

		/*
		 * A move of the watched name shows in its directory; the
		 * inode also moves when another hard link is renamed, which
		 * illumos reports as FILE_ATTRIB.
		 */
		if (m & IN_MOVE_SELF)
			move = w->fw_fn[ROLE_DIR] != NULL ?
			    FILE_ATTRIB : FILE_RENAME_FROM;
		touch(fs, w, ev | move, check);
	}
}

/* A record about the entry name in the node's directory. */
static void
on_entry(struct fsrc *fs, struct fnode *fn, uint32_t m, const char *name)
{
	int dir = 0, exc = 0;

	/* illumos: create is also TRUNC; any entry change MODIFIED|ATTRIB. */
	if (m & IN_CREATE)
		dir = FILE_MODIFIED | FILE_ATTRIB | FILE_TRUNC;
	if (m & (IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO))
		dir = FILE_MODIFIED | FILE_ATTRIB;
	if (m & IN_DELETE)
		exc = FILE_DELETE;
	if (m & IN_MOVED_FROM)
		exc = FILE_RENAME_FROM;
	if (m & IN_MOVED_TO)
		exc = FILE_RENAME_TO;
	/* Records of the children themselves mean nothing to the dir. */
	for (struct fwatch *w = fn->fn_head[ROLE_SELF]; dir != 0 && w != NULL;
	    w = w->fw_link[ROLE_SELF].l_next)
		touch(fs, w, dir, false);
	for (struct fwatch *w = fn->fn_head[ROLE_DIR]; exc != 0 && w != NULL;
	    w = w->fw_link[ROLE_DIR].l_next) {
		if (strcmp(w->fw_name, name) == 0)
			touch(fs, w, exc, false);
	}
}

/*
 * The kernel dropped the wd (after IN_DELETE_SELF or IN_UNMOUNT, which
 * came first).  Watches of the directory role go on without it; a watch
 * of the inode that is somehow still there is told its file is gone.
 */
static void
on_ignored(struct fsrc *fs, struct fnode *fn)
{
	fn->fn_dead = true;
	fn->fn_refs++;
	while (fn->fn_head[ROLE_DIR] != NULL)
		link_del(fs, fn->fn_head[ROLE_DIR], ROLE_DIR);
	for (struct fwatch *w = fn->fn_head[ROLE_SELF]; w != NULL;
	    w = w->fw_link[ROLE_SELF].l_next)
		touch(fs, w, FILE_DELETE, false);
	node_put(fs, fn);
}

static void
on_record(struct fsrc *fs, const struct inotify_event *ie)
{
	struct fnode *fn;

	if (ie->mask & IN_Q_OVERFLOW) {
		overflow(fs);
		return;
	}
	if ((fn = node_find(fs, ie->wd)) == NULL)
		return;		/* a wd we removed */
	if (ie->mask & IN_IGNORED)
		on_ignored(fs, fn);
	else if (ie->len > 0 && ie->name[0] != '\0')
		on_entry(fs, fn, ie->mask, ie->name);
	else
		on_self(fs, fn, ie->mask);
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
	_Alignas(struct inotify_event) char buf[4096];

	for (int round = 0; round < READ_ROUNDS; round++) {
		ssize_t n = read(fs->fs_ifd, buf, sizeof (buf));

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (char *c = buf; c < buf + n; ) {
			const struct inotify_event *ie = (void *)c;

			on_record(fs, ie);
			c += sizeof (*ie) + ie->len;
		}
	}
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
		fs->fs_ifd = -1;
		fs->fs_ttail = &fs->fs_touched;
		p->p_file = fs;
	}
	*fsp = fs;
	return (0);
}

/* The inotify fd, made at the first FILE associate and watched for good. */
static int
source_open(struct evp_port *p, struct fsrc *fs)
{
	int err;

	if (fs->fs_ifd != -1)
		return (0);
	if ((fs->fs_ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		return (errno == ENOSYS ? ENOTSUP : errno);
	err = p->p_be->eb_arm(p->p_be_state, fs->fs_ifd, POLLIN,
	    EVP_TAG(EVP_SRC_FILE, 0, fs->fs_ifd), 0);
	if (err != 0) {
		(void) close(fs->fs_ifd);
		fs->fs_ifd = -1;
		return (err);
	}
	if (p->p_be->eb_flags & EVP_BE_ARM_WAKES)
		evp__wake_leader(p);
	return (0);
}

static int
stat_path(const char *path, bool follow, struct stat *st)
{
	return ((follow ? stat(path, st) : lstat(path, st)) == 0 ? 0 : errno);
}

static uint32_t
self_mask(int events, const struct stat *st)
{
	uint32_t m = IN_DELETE_SELF | IN_MOVE_SELF | IN_MASK_ADD;
	int changes = FILE_MODIFIED | FILE_ATTRIB | FILE_TRUNC;

	if (events & FILE_ACCESS)
		m |= IN_ACCESS;
	if (events & (FILE_ATTRIB | FILE_TRUNC))
		m |= IN_ATTRIB;
	/*
	 * A directory changes through its entries.  Its IN_MODIFY would
	 * report every write to every file in it, so it is not asked for.
	 */
	if ((events & changes) && S_ISDIR(st->st_mode))
		m |= IN_CREATE | DIR_MASK;
	else if (events & changes)
		m |= IN_MODIFY;
	return (m);
}

/*
 * Split the path where the watched name lives: "a/b" into "a" and "b",
 * "b" into "." and "b".  A followed symbolic link lives where its target
 * does.  No directory for "/", ".", ".." (illumos keeps none either).
 */
static char *
dir_split(const char *path, bool follow, const struct stat *lst, char **name)
{
	char *dir, *slash;
	size_t len;

	dir = follow && S_ISLNK(lst->st_mode) ? realpath(path, NULL) :
	    strdup(path);
	if (dir == NULL)
		return (NULL);
	for (len = strlen(dir); len > 1 && dir[len - 1] == '/'; len--)
		dir[len - 1] = '\0';
	if ((slash = strrchr(dir, '/')) == NULL) {
		*name = dir;
	} else {
		*slash = '\0';
		*name = slash + 1;
	}
	if (**name == '\0' || strcmp(*name, ".") == 0 ||
	    strcmp(*name, "..") == 0) {
		free(dir);
		return (NULL);
	}
	return (dir);
}

/* Watch the directory of the name; without it, exceptions come later. */
static void
dir_watch(struct fsrc *fs, const char *path, bool follow,
    const struct stat *lst, struct target *t)
{
	char *dir, *name;
	const char *at;
	int wd;

	if ((dir = dir_split(path, follow, lst, &name)) == NULL)
		return;
	at = name == dir ? "." : (*dir == '\0' ? "/" : dir);
	wd = inotify_add_watch(fs->fs_ifd, at,
	    DIR_MASK | IN_ONLYDIR | IN_MASK_ADD);
	if (wd != -1 && (t->t_fn[ROLE_DIR] = node_get(fs, wd)) != NULL &&
	    (t->t_name = strdup(name)) == NULL) {
		node_put(fs, t->t_fn[ROLE_DIR]);
		t->t_fn[ROLE_DIR] = NULL;
	}
	free(dir);
}

static void
target_release(struct fsrc *fs, struct target *t)
{
	for (int role = 0; role < ROLE_N; role++) {
		node_put(fs, t->t_fn[role]);
		t->t_fn[role] = NULL;
	}
	free(t->t_name);
	t->t_name = NULL;
}

/* errno of a failed inotify_add_watch, as port_associate(3C) puts it. */
static int
watch_errno(int err)
{
	if (err == ENOSYS || err == EOPNOTSUPP)
		return (ENOTSUP);
	return (err);
}

/*
 * One try at finding and watching the file.  The stat after
 * inotify_add_watch gives the times to compare: a change before it shows
 * in them, a change after it in the watch.  EAGAIN: the name was
 * replaced in between; try again.
 */
static int
lookup_once(struct fsrc *fs, const char *path, int events, struct target *t)
{
	bool follow = !(events & FILE_NOFOLLOW);
	struct stat lst, st;
	int wd, err;

	if ((err = stat_path(path, false, &lst)) != 0)
		return (err);
	st = lst;
	if (follow && S_ISLNK(lst.st_mode) &&
	    (err = stat_path(path, true, &st)) != 0)
		return (err);
	wd = inotify_add_watch(fs->fs_ifd, path, self_mask(events, &st) |
	    (follow ? 0 : IN_DONT_FOLLOW));
	if (wd == -1)
		return (watch_errno(errno));
	if ((t->t_fn[ROLE_SELF] = node_get(fs, wd)) == NULL) {
		if (node_find(fs, wd) == NULL)
			(void) inotify_rm_watch(fs->fs_ifd, wd);
		return (ENOMEM);
	}
	dir_watch(fs, path, follow, &lst, t);
	err = stat_path(path, follow, &t->t_st);
	if (err == 0 && (t->t_st.st_dev != st.st_dev ||
	    t->t_st.st_ino != st.st_ino))
		err = EAGAIN;
	if (err != 0)
		target_release(fs, t);
	return (err);
}

static int
lookup(struct fsrc *fs, const char *path, int events, struct target *t)
{
	int err = EAGAIN;

	memset(t, 0, sizeof (*t));
	for (int i = 0; i < LOOKUP_TRIES && err == EAGAIN; i++)
		err = lookup_once(fs, path, events, t);
	/* illumos says EINVAL when the file changes under the lookup. */
	if (err == EAGAIN)
		err = EINVAL;
	if (err == 0 && (t->t_path = strdup(path)) == NULL) {
		target_release(fs, t);
		err = ENOMEM;
	}
	return (err);
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
	struct fwatch *w = (struct fwatch *)ht_find(&fs->fs_obj, obj);

	if (w != NULL) {
		watch_unqueue(p, w);
		for (int role = 0; role < ROLE_N; role++)
			link_del(fs, w, role);
		free(w->fw_path);
		free(w->fw_name);
		w->fw_path = w->fw_name = NULL;
		return (w);
	}
	if ((w = watch_alloc(fs)) == NULL)
		return (NULL);
	w->fw_h.h_key = obj;
	if (ht_add(&fs->fs_obj, &w->fw_h) != 0) {
		w->fw_tnext = fs->fs_free;
		fs->fs_free = w;
		return (NULL);
	}
	w->fw_state = FW_ACTIVE;
	return (w);
}

static void
watch_set(struct fwatch *w, struct target *t, int events, void *user)
{
	for (int role = 0; role < ROLE_N; role++) {
		if (t->t_fn[role] != NULL)
			link_add(w, role, t->t_fn[role]);
	}
	w->fw_path = t->t_path;
	w->fw_name = t->t_name;
	w->fw_events = events & ~FILE_NOFOLLOW;
	w->fw_follow = !(events & FILE_NOFOLLOW);
	w->fw_user = user;
	w->fw_dev = t->t_st.st_dev;
	w->fw_ino = t->t_st.st_ino;
	w->fw_size = t->t_st.st_size;
	w->fw_gen = EVP_GEN_NEXT(w->fw_gen);
}

static int
associate(struct evp_port *p, struct fsrc *fs, const file_obj_t *fo,
    int events, void *user)
{
	struct target t;
	struct fwatch *w;
	int err, ev;

	if ((err = lookup(fs, fo->fo_name, events, &t)) != 0)
		return (err);
	if ((w = watch_for(p, fs, (uintptr_t)fo)) == NULL) {
		target_release(fs, &t);
		free(t.t_path);
		return (ENOMEM);
	}
	watch_set(w, &t, events, user);
	fs->fs_used = true;
	if ((ev = stale(fo, &t.t_st, w->fw_events)) != 0)
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
	if ((err = stat_path(fo->fo_name, !(events & FILE_NOFOLLOW), &st)) != 0)
		return (err);
	if ((err = source_get(p, &fs)) != 0 ||
	    (err = source_open(p, fs)) != 0)
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
	if ((w = (struct fwatch *)ht_find(&fs->fs_obj, obj)) == NULL)
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

	if (fs != NULL && fs->fs_ifd != -1)
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

static void
source_free(struct fsrc *fs)
{
	for (uint32_t i = 0; i < fs->fs_nslot; i++) {
		free(fs->fs_slot[i]->fw_path);
		free(fs->fs_slot[i]->fw_name);
		free(fs->fs_slot[i]);
	}
	for (uint32_t i = 0; i < fs->fs_wd.t_cap; i++) {
		struct hlink *h, *next;

		for (h = fs->fs_wd.t_b[i]; h != NULL; h = next) {
			next = h->h_next;
			free(h);
		}
	}
	free(fs->fs_wd.t_b);
	free(fs->fs_obj.t_b);
	free(fs->fs_slot);
	free(fs);
}

/* Closing the instance removes every kernel watch with it. */
static void
file_fini(struct evp_port *p)
{
	struct fsrc *fs = p->p_file;

	if (fs == NULL)
		return;
	if (fs->fs_ifd != -1) {
		p->p_be->eb_disarm(p->p_be_state, fs->fs_ifd);
		(void) close(fs->fs_ifd);
	}
	source_free(fs);
	p->p_file = NULL;
}

/*
 * A forked child shares the instance with its parent: close our copy
 * without inotify_rm_watch, which would remove the parent's watches.
 */
static void
file_forget(struct evp_port *p)
{
	struct fsrc *fs = p->p_file;

	if (fs == NULL)
		return;
	if (fs->fs_ifd != -1)
		(void) close(fs->fs_ifd);
	source_free(fs);
	p->p_file = NULL;
}

const struct evp_source evp__source_file = {
	.es_id = EVP_SRC_FILE,
	.es_report = file_report,
	.es_live = file_live,
	.es_deliver = file_deliver,
	.es_fini = file_fini,
	.es_forget = file_forget,
};
