/*
 * Tests of <sockshim/connect.h>: loopback endpoints and the suites.
 */
#ifndef TESTS_DIAL_DIALTEST_H
#define	TESTS_DIAL_DIALTEST_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <sockshim/connect.h>

#include "../harness.h"

/* An address to connect to, and the sockets that keep it what it is. */
struct dt_peer {
	struct sockaddr_storage	p_ss;
	socklen_t		p_len;
	char			p_port[8];	/* decimal, for sockshim_dial */
	int			p_fd[3];	/* -1 when unused */
	char			p_path[64];	/* AF_UNIX: unlinked by close */
};

/* An empty peer, for dt_close(). */
void	dt_peer_init(struct dt_peer *);
/* A TCP listener on the loopback address of family. */
void	dt_listener(struct dt_peer *, int family);
/* Port p's number, listened on by a second socket of family too. */
void	dt_listener_also(struct dt_peer *, int family, const struct dt_peer *);
/* A loopback port that refuses connections (bound, not listening). */
void	dt_refuser(struct dt_peer *, int family);
/*
 * A loopback listener whose accept queue is full: Linux drops further
 * SYNs without an answer, so a connect stays pending until it gives up.
 */
void	dt_blackhole(struct dt_peer *, int family);
/* An AF_UNIX stream listener (backlog as given) or refuser (-1). */
void	dt_unix(struct dt_peer *, int backlog);
void	dt_close(struct dt_peer *);

/* Is ::1 usable here? */
bool	dt_have_ipv6(void);
/* A TCP socket of family, non-blocking or not. */
int	dt_socket(int family, bool nonblock);
/* Wait up to 10 s for fd to poll writable; returns revents. */
int	dt_wait_writable(int fd);
/* O_NONBLOCK of fd. */
bool	dt_nonblocking(int fd);

/* A trace callback that records what sockshim_dial() reports. */
#define	DT_TRACE_MAX	128
struct dt_trace {
	int			t_n;
	struct sockshim_dial_event t_ev[DT_TRACE_MAX];
	struct sockaddr_storage	t_addr[DT_TRACE_MAX];
	long long		t_ms[DT_TRACE_MAX];
};
void	dt_trace_cb(void *, const struct sockshim_dial_event *);
/* Index of the first step (of family, 0: any) from index from, or -1. */
int	dt_trace_find(const struct dt_trace *, int step, int family, int from);
int	dt_trace_count(const struct dt_trace *, int step, int family);

Suite	*connect_start_suite(void);
Suite	*connect_finish_suite(void);
Suite	*connect_wait_suite(void);
Suite	*connect_timeout_suite(void);
Suite	*dial_suite(void);
Suite	*dial_netns_suite(void);

#endif
