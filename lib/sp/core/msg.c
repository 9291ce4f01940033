/*
 * Messages, and the nanomsg calls that deal in them without a socket:
 * nn_allocmsg, nn_reallocmsg, nn_freemsg, nn_errno, nn_strerror.
 *
 * A message is one allocation: the struct, then the body.  nn_allocmsg()
 * hands out the body; nn_send(NN_MSG) finds the struct again by subtracting
 * the header, and checks a magic word so that a pointer that did not come
 * from here fails with EFAULT instead of corrupting the heap (as far as a
 * read of the word before it can tell).
 *
 * Blocks of SP_POOL_MIN bytes and more are rounded up to whole pages and
 * kept in a small pool when freed.  Streaming large messages otherwise
 * makes malloc(3) give the top of the heap back and fault it in again
 * for every message (the sender allocates, the I/O thread frees), which
 * costs more than copying the message.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sp.h"

#define	SP_POOL_PAGE		4096
#define	SP_POOL_MIN		4096
#define	SP_POOL_MAXPAGES	256	/* blocks up to 1 MiB */
#define	SP_POOL_PER_SIZE	8
#define	SP_POOL_BYTES		(8 * 1024 * 1024)

static pthread_mutex_t sp__pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sp__msg *sp__pool[SP_POOL_MAXPAGES + 1];
static unsigned sp__pool_n[SP_POOL_MAXPAGES + 1];
static size_t sp__pool_bytes;

struct sp__msg *
sp__msg_alloc(size_t len)
{
	struct sp__msg *m = NULL;
	size_t total, pages = 0;

	if (len > SIZE_MAX - sizeof (*m) - SP_POOL_PAGE)
		return (NULL);
	total = sizeof (*m) + len;
	if (total >= SP_POOL_MIN &&
	    total <= (size_t)SP_POOL_MAXPAGES * SP_POOL_PAGE) {
		pages = (total + SP_POOL_PAGE - 1) / SP_POOL_PAGE;
		total = pages * SP_POOL_PAGE;
		(void) pthread_mutex_lock(&sp__pool_lock);
		if ((m = sp__pool[pages]) != NULL) {
			sp__pool[pages] = m->m_next;
			sp__pool_n[pages]--;
			sp__pool_bytes -= total;
		}
		(void) pthread_mutex_unlock(&sp__pool_lock);
	}
	if (m == NULL && (m = malloc(total)) == NULL)
		return (NULL);
	m->m_pages = (uint32_t)pages;
	m->m_next = NULL;
	m->m_len = len;
	m->m_hdrlen = 0;
	m->m_magic = SP_MSG_MAGIC;
	m->m_pipe = 0;
	return (m);
}

struct sp__msg *
sp__msg_dup(const struct sp__msg *m)
{
	struct sp__msg *n;

	if ((n = sp__msg_alloc(m->m_len)) == NULL)
		return (NULL);
	n->m_hdrlen = m->m_hdrlen;
	(void) memcpy(n->m_hdr, m->m_hdr, m->m_hdrlen);
	n->m_pipe = m->m_pipe;
	if (m->m_len > 0)
		(void) memcpy(SP_MSG_BODY(n), SP_MSG_BODY(m), m->m_len);
	return (n);
}

int
sp__msg_body_to_hdr(struct sp__msg *m, size_t n)
{
	if (n > m->m_len || n > SP_HDR_MAX - m->m_hdrlen)
		return (EINVAL);
	(void) memcpy(m->m_hdr + m->m_hdrlen, SP_MSG_BODY(m), n);
	m->m_hdrlen += n;
	m->m_len -= n;
	/* One copy per message; bodies here are what a peer sent. */
	(void) memmove(SP_MSG_BODY(m), SP_MSG_BODY(m) + n, m->m_len);
	return (0);
}

void
sp__msg_free(struct sp__msg *m)
{
	size_t bytes;

	if (m == NULL)
		return;
	m->m_magic = 0;
	if (m->m_pages != 0) {
		bytes = (size_t)m->m_pages * SP_POOL_PAGE;
		(void) pthread_mutex_lock(&sp__pool_lock);
		if (sp__pool_n[m->m_pages] < SP_POOL_PER_SIZE &&
		    sp__pool_bytes + bytes <= SP_POOL_BYTES) {
			m->m_next = sp__pool[m->m_pages];
			sp__pool[m->m_pages] = m;
			sp__pool_n[m->m_pages]++;
			sp__pool_bytes += bytes;
			m = NULL;
		}
		(void) pthread_mutex_unlock(&sp__pool_lock);
	}
	free(m);
}

struct sp__msg *
sp__msg_from_body(void *p)
{
	struct sp__msg *m;

	if (p == NULL)
		return (NULL);
	m = (struct sp__msg *)(void *)((char *)p -
	    offsetof(struct sp__msg, m_body));
	return (m->m_magic == SP_MSG_MAGIC ? m : NULL);
}

void
sp__msgq_put(struct sp__msgq *q, struct sp__msg *m)
{
	m->m_next = NULL;
	if (q->q_tail != NULL)
		q->q_tail->m_next = m;
	else
		q->q_head = m;
	q->q_tail = m;
	q->q_bytes += m->m_len + m->m_hdrlen;
	q->q_count++;
}

struct sp__msg *
sp__msgq_get(struct sp__msgq *q)
{
	struct sp__msg *m = q->q_head;

	if (m != NULL) {
		if ((q->q_head = m->m_next) == NULL)
			q->q_tail = NULL;
		m->m_next = NULL;
		q->q_bytes -= m->m_len + m->m_hdrlen;
		q->q_count--;
	}
	return (m);
}

void
sp__msgq_drain(struct sp__msgq *q)
{
	struct sp__msg *m;

	while ((m = sp__msgq_get(q)) != NULL)
		sp__msg_free(m);
}

void *
nn_allocmsg(size_t size, int type)
{
	struct sp__msg *m;

	if (type != 0) {
		errno = EINVAL;
		return (NULL);
	}
	if ((m = sp__msg_alloc(size)) == NULL) {
		errno = ENOMEM;
		return (NULL);
	}
	return (SP_MSG_BODY(m));
}

void *
nn_reallocmsg(void *msg, size_t size)
{
	struct sp__msg *m, *n;

	if ((m = sp__msg_from_body(msg)) == NULL) {
		errno = EFAULT;
		return (NULL);
	}
	if (size > SIZE_MAX - sizeof (*m) ||
	    (n = realloc(m, sizeof (*m) + size)) == NULL) {
		errno = ENOMEM;
		return (NULL);
	}
	n->m_len = size;
	n->m_pages = 0;		/* no longer a whole number of pages */
	return (SP_MSG_BODY(n));
}

int
nn_freemsg(void *msg)
{
	struct sp__msg *m;

	if ((m = sp__msg_from_body(msg)) == NULL) {
		errno = EFAULT;
		return (-1);
	}
	sp__msg_free(m);
	return (0);
}

int
nn_errno(void)
{
	return (errno);
}

const char *
nn_strerror(int err)
{
	/* The two errors only nanomsg defines; the rest are the system's. */
	if (err == ETERM)
		return ("Nanomsg library was terminated");
	if (err == EFSM)
		return ("Operation cannot be performed in this state");
	return (strerror(err));
}
