/*
 * The contract of an event source, written once here.
 *
 * Each PORT_SOURCE_* is one file with one ops table (source_fd.c,
 * source_user.c, source_alert.c, source_timer.c, source_file.c), plus the
 * port's own bookkeeping fds (wake, close, reaper) in port.c.  The core
 * never looks inside a source: it routes backend reports to es_report by
 * the tag's source id, and asks es_live/es_deliver about queued events.
 *
 * A report or queued event is tagged (source id, key, generation): the key
 * names the object within the source (an fd number, a timer slot), and the
 * generation changes whenever the object's association does, so anything
 * tagged with an older generation is recognised and dropped.
 *
 * Every operation runs with the port's lock held.
 */
#ifndef EVP_SOURCE_H
#define	EVP_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

#include <port.h>

struct evp_port;
struct evp_qent;

/* Source ids in tags (internal; not PORT_SOURCE_* values). */
enum evp_src {
	EVP_SRC_WAKE = 1,	/* the port's wake counter */
	EVP_SRC_CLOSED,		/* the port's close-detection socket */
	EVP_SRC_REAP,		/* the process-wide reaper of closed ports */
	EVP_SRC_FD,
	EVP_SRC_USER,
	EVP_SRC_TIMER,
	EVP_SRC_FILE,
	EVP_SRC_MAX
};

/* Tags: source id (8 bits) | generation (24 bits) | key (32 bits). */
#define	EVP_TAG(src, gen, key)	((uint64_t)(src) << 56 | \
	((uint64_t)(gen) & 0xffffff) << 32 | (uint32_t)(key))
#define	EVP_TAG_SRC(t)		((unsigned)((t) >> 56))
#define	EVP_TAG_GEN(t)		((uint32_t)((t) >> 32) & 0xffffff)
#define	EVP_TAG_KEY(t)		((uint32_t)(t))
#define	EVP_GEN_NEXT(g)		((((g) + 1) & 0xffffff) ? (((g) + 1) & 0xffffff) : 1)

struct evp_source {
	int	es_id;
	/* A backend report for (key, gen). */
	void	(*es_report)(struct evp_port *, uint32_t key, uint32_t gen,
		    int revents);
	/* Does a queued event still count (no system calls)? */
	bool	(*es_live)(struct evp_port *, const struct evp_qent *);
	/*
	 * A queued event is being handed to a caller; fill in what the
	 * source accumulates (timer overruns, file events).  waited: it was
	 * queued by an earlier call, so the world may have changed since.
	 * Returns false to drop it.
	 */
	bool	(*es_deliver)(struct evp_port *, struct evp_qent *, bool waited);
	/* The port is being destroyed: free the source's state and fds. */
	void	(*es_fini)(struct evp_port *);
	/* Forked child: close the source's fds and free, taking no lock. */
	void	(*es_forget)(struct evp_port *);
};

/* The sources, indexed by enum evp_src (NULL where nothing is needed). */
extern const struct evp_source evp__source_fd;
extern const struct evp_source evp__source_user;
extern const struct evp_source evp__source_timer;
extern const struct evp_source evp__source_file;
const struct evp_source *evp__source(unsigned id);

/*
 * Hand an event to the caller of the current retrieval (the sink) or,
 * failing that, to the queue.  Returns EVP_EMIT_DIRECT, EVP_EMIT_QUEUED,
 * or ENOMEM (the event is lost).
 */
#define	EVP_EMIT_DIRECT	(-1)
#define	EVP_EMIT_QUEUED	(-2)
int	evp__emit(struct evp_port *, unsigned src, uint32_t key, uint32_t gen,
	    const port_event_t *);

#endif /* EVP_SOURCE_H */
