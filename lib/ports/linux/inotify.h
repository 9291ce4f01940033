/*
 * The inotify(7) mechanics under PORT_SOURCE_FILE: the interface between
 * inotify.c (the instance, its watch descriptors, reading and decoding
 * its records) and source_file.c (the watches, their states and events).
 *
 * Each watched inode and each directory that holds a watched name is one
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
 * Everything runs with the port's p_lock held except evp__ino_close.
 */
#ifndef EVP_INOTIFY_H
#define	EVP_INOTIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

struct evp_port;
struct evp_ino_node;

enum { EVP_INO_SELF, EVP_INO_DIR, EVP_INO_NROLE };

/*
 * A small intrusive hash table: the nodes by wd here, the watches by
 * file_obj_t pointer in source_file.c.  The link is the first member of
 * what it links.  Only an empty table can fail to add.
 */
struct evp_hlink {
	struct evp_hlink	*h_next;
	uintptr_t		h_key;
};

struct evp_htab {
	struct evp_hlink	**t_b;
	uint32_t		t_cap;		/* power of two, or 0 */
	uint32_t		t_n;
};

struct evp_hlink *evp__ht_find(const struct evp_htab *, uintptr_t);
int	evp__ht_add(struct evp_htab *, struct evp_hlink *);
void	evp__ht_del(struct evp_htab *, struct evp_hlink *);

/* One inotify instance. */
struct evp_ino {
	int		in_fd;		/* or -1 */
	struct evp_htab	in_wd;		/* nodes by wd */
};

/* The inotify side of one watch, embedded in it. */
struct evp_ino_watch {
	struct evp_ino_node	*iw_fn[EVP_INO_NROLE];
	struct evp_ino_watch	*iw_next[EVP_INO_NROLE];
	struct evp_ino_watch	**iw_pprev[EVP_INO_NROLE];
	char			*iw_name;	/* last component, for DIR */
};

/* What a lookup found: the file, its wd, its directory's. */
struct evp_ino_target {
	struct stat		it_st;
	struct evp_ino_node	*it_fn[EVP_INO_NROLE];
	char			*it_name;	/* or NULL */
};

/*
 * Make the instance (in_fd -1 before) and arm it on the port's backend
 * for good, tagged (EVP_SRC_FILE, 0, fd).  Returns 0 or an errno.
 */
int	evp__ino_open(struct evp_port *, struct evp_ino *);

/*
 * Close the instance and free its nodes.  forget: a forked child, which
 * neither disarms nor removes watches.
 */
void	evp__ino_close(struct evp_port *, struct evp_ino *, bool);

/*
 * Watch path (and the directory of its name) for FILE_* events.  The
 * stat in it_st is taken after the watch, so a change before it shows in
 * its times and a change after it in the watch.  Returns 0 or an errno
 * as port_associate(3C) puts it.
 */
int	evp__ino_lookup(struct evp_ino *, const char *, int,
	    struct evp_ino_target *);
/* Undo a lookup whose target was not attached. */
void	evp__ino_release(struct evp_ino *, struct evp_ino_target *);
/* The target's nodes and name move to the watch. */
void	evp__ino_attach(struct evp_ino_watch *, struct evp_ino_target *);
/* The watch leaves its nodes (the last one out removes the wd). */
void	evp__ino_detach(struct evp_ino *, struct evp_ino_watch *);

/*
 * Read the pending records and tell what each means: touch(arg, watch,
 * FILE_* events, check) where check asks to look at the file's size, and
 * touch(arg, NULL, 0, true) when the kernel lost records (every watch
 * should look).
 */
void	evp__ino_read(struct evp_ino *,
	    void (*)(void *, struct evp_ino_watch *, int, bool), void *);

#endif /* EVP_INOTIFY_H */
