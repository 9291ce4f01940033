/*
 * Per-fd connect state, indexed by fd number.
 *
 * connect() must know whether a socket's last attempt returned
 * EINPROGRESS or EINTR, and connect() may be called from a signal
 * handler, so the table takes no lock and allocates with mmap(2).  It is
 * a directory of chunks; a chunk is mapped the first time one of its fds
 * is stored and never unmapped.  Each slot holds one word: the socket's
 * inode number shifted left 8 bits, or'ed with the flags.  fds beyond the
 * directory (4M) are not tracked, which only loses the normalisations
 * that need the state.
 *
 * close(2) is not ours, so a slot can outlive its socket.  The inode makes
 * that harmless: sockets get fresh inode numbers, and a slot is trusted
 * only while fstat(2) on the fd still shows the same socket inode.
 */
#include "config.h"

#include <stdatomic.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "sock_internal.h"

#define	CFD_SHIFT	12			/* 4096 slots per chunk */
#define	CFD_PER_CHUNK	(1U << CFD_SHIFT)
#define	CFD_CHUNKS	1024U
#define	CFD_FLAGMASK	0xffULL
#define	CFD_KEYMASK	0x00ffffffffffffffULL

static _Atomic uint64_t *_Atomic cfd_dir[CFD_CHUNKS];

static _Atomic uint64_t *
cfd_slot(int fd, bool create)
{
	_Atomic uint64_t *chunk, *expect;
	size_t size = CFD_PER_CHUNK * sizeof (uint64_t);
	unsigned int ci;
	void *p;

	if (fd < 0 || (unsigned int)fd >= CFD_CHUNKS * CFD_PER_CHUNK)
		return (NULL);
	ci = (unsigned int)fd >> CFD_SHIFT;
	chunk = atomic_load_explicit(&cfd_dir[ci], memory_order_acquire);
	if (chunk == NULL) {
		if (!create)
			return (NULL);
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return (NULL);
		expect = NULL;
		if (atomic_compare_exchange_strong_explicit(&cfd_dir[ci],
		    &expect, (_Atomic uint64_t *)p, memory_order_acq_rel,
		    memory_order_acquire)) {
			chunk = p;
		} else {
			/* Another thread mapped it first. */
			(void) munmap(p, size);
			chunk = expect;
		}
	}
	return (&chunk[(unsigned int)fd & (CFD_PER_CHUNK - 1)]);
}

/* The key of the socket behind fd: its inode number, or 0. */
static uint64_t
cfd_key(int fd)
{
	struct stat st;
	uint64_t key;

	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
		return (0);
	key = (uint64_t)st.st_ino & CFD_KEYMASK;
	return (key == 0 ? 1 : key);
}

int
sks__cfd_get(int fd)
{
	_Atomic uint64_t *slot = cfd_slot(fd, false);
	uint64_t v;

	if (slot == NULL ||
	    (v = atomic_load_explicit(slot, memory_order_acquire)) == 0)
		return (0);
	if ((v >> 8) != cfd_key(fd)) {
		/* A different socket (or none) has this number now. */
		(void) atomic_compare_exchange_strong(slot, &v, 0);
		return (0);
	}
	return ((int)(v & CFD_FLAGMASK));
}

void
sks__cfd_set(int fd, int flags)
{
	_Atomic uint64_t *slot = cfd_slot(fd, flags != 0);
	uint64_t key;

	if (slot == NULL)
		return;
	if (flags == 0 || (key = cfd_key(fd)) == 0) {
		atomic_store_explicit(slot, 0, memory_order_release);
		return;
	}
	atomic_store_explicit(slot,
	    (key << 8) | ((uint64_t)flags & CFD_FLAGMASK),
	    memory_order_release);
}
