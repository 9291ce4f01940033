/*
 * inotify(7) for PORT_SOURCE_FILE (contract: inotify.h; the source is
 * ../source_file.c): one instance per port, its watch descriptors
 * ("nodes") with their reference counts, and the decoding of its records
 * into FILE_* events for the watches they concern.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../evp.h"
#include "inotify.h"

/* What a directory watch needs to see its names go. */
#define	DIR_MASK	(IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO)

/* Bounds the work of one report; the fd stays readable for the rest. */
#define	READ_ROUNDS	64
#define	LOOKUP_TRIES	3

#define	ROLE_SELF	EVP_INO_SELF
#define	ROLE_DIR	EVP_INO_DIR
#define	ROLE_N		EVP_INO_NROLE

/* One inotify watch descriptor. */
struct evp_ino_node {
	struct evp_hlink fn_h;		/* key: the wd */
	uint32_t	fn_refs;	/* watches listed, plus pins */
	bool		fn_dead;	/* IN_IGNORED seen: no rm_watch */
	struct evp_ino_watch *fn_head[ROLE_N];
};

/* Where the records of one read go. */
struct reader {
	struct evp_ino	*r_in;
	void		(*r_touch)(void *, struct evp_ino_watch *, int, bool);
	void		*r_arg;
};

/* ---- small intrusive hash table ------------------------------------ */

static uint32_t
ht_index(const struct evp_htab *t, uintptr_t key)
{
	return ((uint32_t)(((uint64_t)key * 0x9E3779B97F4A7C15ULL) >> 32) &
	    (t->t_cap - 1));
}

struct evp_hlink *
evp__ht_find(const struct evp_htab *t, uintptr_t key)
{
	struct evp_hlink *h;

	if (t->t_cap == 0)
		return (NULL);
	for (h = t->t_b[ht_index(t, key)]; h != NULL; h = h->h_next) {
		if (h->h_key == key)
			return (h);
	}
	return (NULL);
}

static int
ht_grow(struct evp_htab *t)
{
	uint32_t ncap = t->t_cap != 0 ? t->t_cap * 2 : 16;
	struct evp_htab nt = {
		calloc(ncap, sizeof (struct evp_hlink *)), ncap, 0
	};

	if (nt.t_b == NULL)
		return (ENOMEM);
	for (uint32_t i = 0; i < t->t_cap; i++) {
		struct evp_hlink *h, *next;

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
int
evp__ht_add(struct evp_htab *t, struct evp_hlink *h)
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

void
evp__ht_del(struct evp_htab *t, struct evp_hlink *h)
{
	struct evp_hlink **pp = &t->t_b[ht_index(t, h->h_key)];

	while (*pp != h)
		pp = &(*pp)->h_next;
	*pp = h->h_next;
	t->t_n--;
}

/* ---- nodes (inotify wds) ------------------------------------------- */

static struct evp_ino_node *
node_find(struct evp_ino *in, int wd)
{
	return ((struct evp_ino_node *)evp__ht_find(&in->in_wd,
	    (uintptr_t)wd));
}

/* The node of wd, made if new, with one more reference (a pin). */
static struct evp_ino_node *
node_get(struct evp_ino *in, int wd)
{
	struct evp_ino_node *fn = node_find(in, wd);

	if (fn == NULL) {
		if ((fn = calloc(1, sizeof (*fn))) == NULL)
			return (NULL);
		fn->fn_h.h_key = (uintptr_t)wd;
		if (evp__ht_add(&in->in_wd, &fn->fn_h) != 0) {
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
node_put(struct evp_ino *in, struct evp_ino_node *fn)
{
	if (fn == NULL || --fn->fn_refs > 0)
		return;
	if (!fn->fn_dead)
		(void) inotify_rm_watch(in->in_fd, (int)fn->fn_h.h_key);
	evp__ht_del(&in->in_wd, &fn->fn_h);
	free(fn);
}

/* The node's reference moves to the watch. */
static void
link_add(struct evp_ino_watch *w, int role, struct evp_ino_node *fn)
{
	w->iw_fn[role] = fn;
	w->iw_next[role] = fn->fn_head[role];
	w->iw_pprev[role] = &fn->fn_head[role];
	if (w->iw_next[role] != NULL)
		w->iw_next[role]->iw_pprev[role] = &w->iw_next[role];
	fn->fn_head[role] = w;
}

static void
link_del(struct evp_ino *in, struct evp_ino_watch *w, int role)
{
	struct evp_ino_node *fn = w->iw_fn[role];

	if (fn == NULL)
		return;
	*w->iw_pprev[role] = w->iw_next[role];
	if (w->iw_next[role] != NULL)
		w->iw_next[role]->iw_pprev[role] = w->iw_pprev[role];
	w->iw_fn[role] = NULL;
	node_put(in, fn);
}

void
evp__ino_attach(struct evp_ino_watch *w, struct evp_ino_target *t)
{
	for (int role = 0; role < ROLE_N; role++) {
		if (t->it_fn[role] != NULL)
			link_add(w, role, t->it_fn[role]);
	}
	w->iw_name = t->it_name;
}

void
evp__ino_detach(struct evp_ino *in, struct evp_ino_watch *w)
{
	for (int role = 0; role < ROLE_N; role++)
		link_del(in, w, role);
	free(w->iw_name);
	w->iw_name = NULL;
}

/* ---- reading inotify ----------------------------------------------- */

/* A record about the node's inode itself. */
static void
on_self(const struct reader *r, struct evp_ino_node *fn, uint32_t m)
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
	for (struct evp_ino_watch *w = fn->fn_head[ROLE_SELF]; w != NULL;
	    w = w->iw_next[ROLE_SELF]) {
		int move = 0;

		/*
		 * A move of the watched name shows in its directory; the
		 * inode also moves when another hard link is renamed, which
		 * illumos reports as FILE_ATTRIB.
		 */
		if (m & IN_MOVE_SELF)
			move = w->iw_fn[ROLE_DIR] != NULL ?
			    FILE_ATTRIB : FILE_RENAME_FROM;
		r->r_touch(r->r_arg, w, ev | move, check);
	}
}

/* A record about the entry name in the node's directory. */
static void
on_entry(const struct reader *r, struct evp_ino_node *fn, uint32_t m,
    const char *name)
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
	for (struct evp_ino_watch *w = fn->fn_head[ROLE_SELF];
	    dir != 0 && w != NULL; w = w->iw_next[ROLE_SELF])
		r->r_touch(r->r_arg, w, dir, false);
	for (struct evp_ino_watch *w = fn->fn_head[ROLE_DIR];
	    exc != 0 && w != NULL; w = w->iw_next[ROLE_DIR]) {
		if (strcmp(w->iw_name, name) == 0)
			r->r_touch(r->r_arg, w, exc, false);
	}
}

/*
 * The kernel dropped the wd (after IN_DELETE_SELF or IN_UNMOUNT, which
 * came first).  Watches of the directory role go on without it; a watch
 * of the inode that is somehow still there is told its file is gone.
 */
static void
on_ignored(const struct reader *r, struct evp_ino_node *fn)
{
	fn->fn_dead = true;
	fn->fn_refs++;
	while (fn->fn_head[ROLE_DIR] != NULL)
		link_del(r->r_in, fn->fn_head[ROLE_DIR], ROLE_DIR);
	for (struct evp_ino_watch *w = fn->fn_head[ROLE_SELF]; w != NULL;
	    w = w->iw_next[ROLE_SELF])
		r->r_touch(r->r_arg, w, FILE_DELETE, false);
	node_put(r->r_in, fn);
}

static void
on_record(const struct reader *r, const struct inotify_event *ie)
{
	struct evp_ino_node *fn;

	if (ie->mask & IN_Q_OVERFLOW) {
		r->r_touch(r->r_arg, NULL, 0, true);
		return;
	}
	if ((fn = node_find(r->r_in, ie->wd)) == NULL)
		return;		/* a wd we removed */
	if (ie->mask & IN_IGNORED)
		on_ignored(r, fn);
	else if (ie->len > 0 && ie->name[0] != '\0')
		on_entry(r, fn, ie->mask, ie->name);
	else
		on_self(r, fn, ie->mask);
}

void
evp__ino_read(struct evp_ino *in,
    void (*touch)(void *, struct evp_ino_watch *, int, bool), void *arg)
{
	_Alignas(struct inotify_event) char buf[4096];
	const struct reader r = { in, touch, arg };

	for (int round = 0; round < READ_ROUNDS; round++) {
		ssize_t n = read(in->in_fd, buf, sizeof (buf));

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (char *c = buf; c < buf + n; ) {
			const struct inotify_event *ie = (void *)c;

			on_record(&r, ie);
			c += sizeof (*ie) + ie->len;
		}
	}
}

/* ---- the instance -------------------------------------------------- */

/* The inotify fd, made at the first FILE associate and watched for good. */
int
evp__ino_open(struct evp_port *p, struct evp_ino *in)
{
	int err;

	if (in->in_fd != -1)
		return (0);
	if ((in->in_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		return (errno == ENOSYS ? ENOTSUP : errno);
	err = p->p_be->eb_arm(p->p_be_state, in->in_fd, POLLIN,
	    EVP_TAG(EVP_SRC_FILE, 0, in->in_fd), 0);
	if (err != 0) {
		(void) close(in->in_fd);
		in->in_fd = -1;
		return (err);
	}
	if (p->p_be->eb_flags & EVP_BE_ARM_WAKES)
		evp__wake_leader(p);
	return (0);
}

/*
 * Closing the instance removes every kernel watch with it.  A forked
 * child shares the instance with its parent: it closes its copy without
 * inotify_rm_watch, which would remove the parent's watches.
 */
void
evp__ino_close(struct evp_port *p, struct evp_ino *in, bool forget)
{
	if (in->in_fd != -1) {
		if (!forget)
			p->p_be->eb_disarm(p->p_be_state, in->in_fd);
		(void) close(in->in_fd);
		in->in_fd = -1;
	}
	for (uint32_t i = 0; i < in->in_wd.t_cap; i++) {
		struct evp_hlink *h, *next;

		for (h = in->in_wd.t_b[i]; h != NULL; h = next) {
			next = h->h_next;
			free(h);
		}
	}
	free(in->in_wd.t_b);
	in->in_wd.t_b = NULL;
	in->in_wd.t_cap = in->in_wd.t_n = 0;
}

/* ---- lookup -------------------------------------------------------- */

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
dir_watch(struct evp_ino *in, const char *path, bool follow,
    const struct stat *lst, struct evp_ino_target *t)
{
	char *dir, *name;
	const char *at;
	int wd;

	if ((dir = dir_split(path, follow, lst, &name)) == NULL)
		return;
	at = name == dir ? "." : (*dir == '\0' ? "/" : dir);
	wd = inotify_add_watch(in->in_fd, at,
	    DIR_MASK | IN_ONLYDIR | IN_MASK_ADD);
	if (wd != -1 && (t->it_fn[ROLE_DIR] = node_get(in, wd)) != NULL &&
	    (t->it_name = strdup(name)) == NULL) {
		node_put(in, t->it_fn[ROLE_DIR]);
		t->it_fn[ROLE_DIR] = NULL;
	}
	free(dir);
}

void
evp__ino_release(struct evp_ino *in, struct evp_ino_target *t)
{
	for (int role = 0; role < ROLE_N; role++) {
		node_put(in, t->it_fn[role]);
		t->it_fn[role] = NULL;
	}
	free(t->it_name);
	t->it_name = NULL;
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
lookup_once(struct evp_ino *in, const char *path, int events,
    struct evp_ino_target *t)
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
	wd = inotify_add_watch(in->in_fd, path, self_mask(events, &st) |
	    (follow ? 0 : IN_DONT_FOLLOW));
	if (wd == -1)
		return (watch_errno(errno));
	if ((t->it_fn[ROLE_SELF] = node_get(in, wd)) == NULL) {
		if (node_find(in, wd) == NULL)
			(void) inotify_rm_watch(in->in_fd, wd);
		return (ENOMEM);
	}
	dir_watch(in, path, follow, &lst, t);
	err = stat_path(path, follow, &t->it_st);
	if (err == 0 && (t->it_st.st_dev != st.st_dev ||
	    t->it_st.st_ino != st.st_ino))
		err = EAGAIN;
	if (err != 0)
		evp__ino_release(in, t);
	return (err);
}

int
evp__ino_lookup(struct evp_ino *in, const char *path, int events,
    struct evp_ino_target *t)
{
	int err = EAGAIN;

	memset(t, 0, sizeof (*t));
	for (int i = 0; i < LOOKUP_TRIES && err == EAGAIN; i++)
		err = lookup_once(in, path, events, t);
	/* illumos says EINVAL when the file changes under the lookup. */
	if (err == EAGAIN)
		err = EINVAL;
	return (err);
}
