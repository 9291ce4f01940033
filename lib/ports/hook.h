/*
 * Hooks that upper layers register with the event-port core.  The core
 * never includes an upper layer; it calls what was registered, if any.
 */
#ifndef EVP_HOOK_H
#define	EVP_HOOK_H

/*
 * Rewrite the poll(2) bits a PORT_SOURCE_FD event reports when they hold
 * POLLERR.  The connect layer registers one at its first connect() so
 * that a refused connect reports as illumos does (connect(3SOCKET)).
 * Returns the new revents.
 */
typedef int (*evp_pollerr_hook_t)(int fd, int events, int revents);
void	evp__set_pollerr_hook(evp_pollerr_hook_t);

#endif /* EVP_HOOK_H */
