/*
 * Helpers for the SP layer's Check suite.  Tests use only the public
 * <nanomsg/...> headers API and plain sockets for misbehaving peers.
 */
#ifndef TESTS_SP_UTIL_H
#define	TESTS_SP_UTIL_H

#include <check.h>
#include <errno.h>
#include <stddef.h>

#include "../harness.h"

/* A TCP port on 127.0.0.1 that was free a moment ago. */
int	spt_free_port(void);
/* "tcp://127.0.0.1:<free port>" into buf. */
void	spt_tcp_url(char *buf, size_t len);
/* "ipc:///tmp/spt-<pid>-<n>.ipc" into buf; the path is removed first. */
void	spt_ipc_url(char *buf, size_t len);
/* "inproc://spt-<n>" into buf. */
void	spt_inproc_url(char *buf, size_t len);
/* The path part of an ipc:// URL. */
const char *spt_ipc_path(const char *url);
/* A socket with NN_RCVTIMEO/NN_SNDTIMEO set to ms. */
int	spt_socket(int proto, int ms);
/* Send str on s, expecting success. */
void	spt_send(int s, const char *str);
/* Receive on s and expect str. */
void	spt_expect(int s, const char *str);
/* A blocking raw TCP client connected to 127.0.0.1:port, or -1. */
int	spt_raw_connect(int port);
/* A raw TCP listener on 127.0.0.1, port returned in *portp. */
int	spt_raw_listen(int *portp);
/* Read exactly n bytes with a timeout; returns bytes read (0 on EOF). */
int	spt_read_full(int fd, void *buf, size_t n, int ms);
/* Nonzero if the peer closed fd within ms milliseconds. */
int	spt_wait_eof(int fd, int ms);

Suite	*nn_api_suite(void);
Suite	*nn_xfer_suite(void);
Suite	*nn_peers_suite(void);
Suite	*nn_proto_suite(void);
Suite	*sp_ext_suite(void);
Suite	*nn_iface_suite(void);

#endif
