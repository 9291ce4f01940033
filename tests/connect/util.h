/*
 * Helpers for the connect(3SOCKET) tests.  Network use is on loopback, or
 * inside the network namespaces that tests/connect/netns.sh creates.
 */
#ifndef TESTS_CONNECT_UTIL_H
#define	TESTS_CONNECT_UTIL_H

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "../harness.h"

/* Suites of check_connect. */
Suite	*connect_dissolve_suite(void);
Suite	*connect_async_suite(void);
Suite	*connect_unix_suite(void);
Suite	*connect_errno_suite(void);
Suite	*connect_netns_suite(void);
/* Suite of check_connect_port. */
Suite	*connect_port_suite(void);

/*
 * check_connect --probe NAME: run one probe of connect_errno.c in this
 * process and return the exit status.
 */
int	connect_probe(const char *name);

/* The fd-leak fixture and a 60 s timeout (tests/harness.c). */
TCase	*tc_case(const char *name);

/* 127.0.0.1 with the given port (network order). */
struct sockaddr_in tc_loopback(in_port_t port);

/* A bound loopback socket of type; a stream one listens with backlog. */
int	tc_listener(int type, int backlog, struct sockaddr_in *addr);

/* A loopback TCP port that nothing listens on. */
struct sockaddr_in tc_closed_port(void);

/*
 * A TCP listener whose accept queue is full (backlog 0, one connection
 * made by *filler): Linux drops further SYNs, so an attempt stays in
 * SYN-SENT until the queue has room.
 */
int	tc_full_listener(struct sockaddr_in *addr, int *filler);

/* A TCP socket, non-blocking if nonblock. */
int	tc_tcp(int nonblock);

/* poll(2) fd for events up to ms; returns revents (0 on timeout). */
int	tc_wait(int fd, int events, int ms);

/* The socket's pending error (reading it clears it). */
int	tc_soerror(int fd);

/* Nonzero if fd has a peer. */
int	tc_connected(int fd);

/* A fresh directory under /tmp; tc_rmdir removes it and its entries. */
void	tc_mkdir(char dir[64]);
void	tc_rmdir(const char *dir);

/* An AF_UNIX address for dir/name; *len gets its exact length. */
struct sockaddr_un tc_unix(const char *dir, const char *name,
	    socklen_t *len);

/* A bound AF_UNIX socket of type at dir/name; a stream one listens. */
int	tc_unix_listener(int type, int backlog, const char *dir,
	    const char *name);

/* Interrupt the next blocking call after ms with SIGALRM (no restart). */
void	tc_alarm_ms(long ms);

#endif
