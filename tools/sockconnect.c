/*
 * sockconnect - connect to HOST PORT with sockshim_dial(3SOCKET) and, with
 * --trace, show every step of the connection race as it happens.
 * See sockconnect(1).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sockshim/connect.h>

#define	EXIT_USAGE	2

static struct timespec t0;

static const char *
errno_name(int err)
{
	static const struct {
		int		e;
		const char	*name;
	} names[] = {
		{ EINPROGRESS, "EINPROGRESS" }, { EALREADY, "EALREADY" },
		{ ECONNREFUSED, "ECONNREFUSED" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ ENETUNREACH, "ENETUNREACH" },
		{ EHOSTUNREACH, "EHOSTUNREACH" },
		{ EADDRNOTAVAIL, "EADDRNOTAVAIL" },
		{ EAFNOSUPPORT, "EAFNOSUPPORT" }, { ECONNRESET, "ECONNRESET" },
		{ ECONNABORTED, "ECONNABORTED" }, { ENETDOWN, "ENETDOWN" },
		{ EACCES, "EACCES" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" },
		{ EAGAIN, "EAGAIN" }, { EINVAL, "EINVAL" },
		{ EMFILE, "EMFILE" },
		{ ENFILE, "ENFILE" }, { ENOBUFS, "ENOBUFS" },
		{ ENOMEM, "ENOMEM" }, { EIO, "EIO" }, { EBADF, "EBADF" },
		{ ENOTCONN, "ENOTCONN" }, { EISCONN, "EISCONN" },
		{ EINTR, "EINTR" }, { EPROTO, "EPROTO" },
	};
	static char buf[32];

	for (size_t i = 0; i < sizeof (names) / sizeof (names[0]); i++) {
		if (names[i].e == err)
			return (names[i].name);
	}
	(void) snprintf(buf, sizeof (buf), "errno %d", err);
	return (buf);
}

static const char *
family_name(int family)
{
	return (family == AF_INET6 ? "AF_INET6" :
	    family == AF_INET ? "AF_INET" : "AF_UNSPEC");
}

/* "[::1]:80" or "127.0.0.1:80". */
static const char *
addr_text(const struct sockaddr *sa, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN];

	if (sa == NULL) {
		(void) snprintf(buf, size, "?");
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		(void) inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof (host));
		(void) snprintf(buf, size, "[%s]:%u", host,
		    ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const void *)sa;

		(void) inet_ntop(AF_INET, &s4->sin_addr, host, sizeof (host));
		(void) snprintf(buf, size, "%s:%u", host, ntohs(s4->sin_port));
	}
	return (buf);
}

/* "0x4 (POLLOUT)", "0x1c (POLLOUT|POLLERR|POLLHUP)". */
static const char *
events_text(int ev, char *buf, size_t size)
{
	static const struct {
		int		bit;
		const char	*name;
	} bits[] = {
		{ POLLIN, "POLLIN" }, { POLLPRI, "POLLPRI" },
		{ POLLOUT, "POLLOUT" }, { POLLERR, "POLLERR" },
		{ POLLHUP, "POLLHUP" }, { POLLNVAL, "POLLNVAL" },
	};
	size_t len;
	const char *sep = "";

	len = (size_t)snprintf(buf, size, "0x%x (", (unsigned int)ev);
	for (size_t i = 0; i < sizeof (bits) / sizeof (bits[0]); i++) {
		if ((ev & bits[i].bit) && len < size) {
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
			    sep, bits[i].name);
			sep = "|";
		}
	}
	if (len < size)
		(void) snprintf(buf + len, size - len, ")");
	return (buf);
}

static void
stamp(void)
{
	struct timespec now;
	long long ns;

	(void) clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (long long)(now.tv_sec - t0.tv_sec) * 1000000000LL +
	    (now.tv_nsec - t0.tv_nsec);
	(void) printf("+%lld.%06lld ", ns / 1000000000LL,
	    (ns % 1000000000LL) / 1000);
}

/* The sockshim_dial() trace callback: one line per step. */
static void
trace(void *arg, const struct sockshim_dial_event *e)
{
	char a[INET6_ADDRSTRLEN + 16], ev[96];

	(void) arg;
	stamp();
	switch (e->sde_step) {
	case SOCKSHIM_DS_RESOLVED:
		if (e->sde_error != 0)
			(void) printf("resolve(%s): %s\n",
			    family_name(e->sde_family),
			    errno_name(e->sde_error));
		else
			(void) printf("resolved %s\n",
			    addr_text(e->sde_addr, a, sizeof (a)));
		break;
	case SOCKSHIM_DS_SOCKET:
		if (e->sde_fd == -1)
			(void) printf("socket(%s, SOCK_STREAM) = -1 %s\n",
			    family_name(e->sde_family),
			    errno_name(e->sde_error));
		else
			(void) printf("socket(%s, SOCK_STREAM) = %d\n",
			    family_name(e->sde_family), e->sde_fd);
		break;
	case SOCKSHIM_DS_CONNECT:
		(void) printf("connect(%d, %s) = ", e->sde_fd,
		    addr_text(e->sde_addr, a, sizeof (a)));
		if (e->sde_result == 0)
			(void) printf("0\n");
		else
			(void) printf("-1 %s\n", errno_name(e->sde_error));
		break;
	case SOCKSHIM_DS_ASSOCIATE:
		if (e->sde_result == 0)
			(void) printf("port_associate(%d, POLLOUT)\n",
			    e->sde_fd);
		else
			(void) printf("port_associate(%d, POLLOUT) = -1 %s\n",
			    e->sde_fd, errno_name(e->sde_error));
		break;
	case SOCKSHIM_DS_EVENT:
		(void) printf("port_get: fd %d events=%s\n", e->sde_fd,
		    events_text(e->sde_events, ev, sizeof (ev)));
		break;
	case SOCKSHIM_DS_SO_ERROR:
		if (e->sde_result != 0)
			(void) printf("getsockopt(%d, SO_ERROR) = -1 %s\n",
			    e->sde_fd, errno_name(e->sde_error));
		else if (e->sde_error == 0)
			(void) printf("getsockopt(%d, SO_ERROR) = 0\n",
			    e->sde_fd);
		else
			(void) printf("getsockopt(%d, SO_ERROR) = %s\n",
			    e->sde_fd, errno_name(e->sde_error));
		break;
	case SOCKSHIM_DS_CLOSE:
		(void) printf("close(%d): %s\n", e->sde_fd,
		    e->sde_error == 0 ? "lost the race" :
		    errno_name(e->sde_error));
		break;
	case SOCKSHIM_DS_TIMEOUT:
		(void) printf("timeout\n");
		break;
	case SOCKSHIM_DS_CONNECTED:
		(void) printf("connected: fd %d to %s\n", e->sde_fd,
		    addr_text(e->sde_addr, a, sizeof (a)));
		break;
	default:
		(void) printf("step %d\n", e->sde_step);
		break;
	}
	(void) fflush(stdout);
}

static void
usage(FILE *f)
{
	(void) fprintf(f, "usage: sockconnect [--trace] [--timeout MS] "
	    "[--family 4|6] [--delay MS] HOST PORT\n");
}

/* A positive number of milliseconds, or -1. */
static int
parse_ms(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0 || v > INT_MAX)
		return (-1);
	return ((int)v);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "trace", no_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, 'w' },
		{ "family", required_argument, NULL, 'f' },
		{ "delay", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct sockshim_dial_opts o;
	struct sockaddr_storage ss;
	socklen_t len = sizeof (ss);
	char a[INET6_ADDRSTRLEN + 16];
	int c, fd;

	(void) memset(&o, 0, sizeof (o));
	while ((c = getopt_long(argc, argv, "tw:f:d:h", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 't':
			o.sdo_trace = trace;
			break;
		case 'w':
			if ((o.sdo_timeout_ms = parse_ms(optarg)) == -1) {
				(void) fprintf(stderr, "sockconnect: bad "
				    "timeout '%s'\n", optarg);
				return (EXIT_USAGE);
			}
			break;
		case 'd':
			if ((o.sdo_attempt_delay_ms = parse_ms(optarg)) == -1) {
				(void) fprintf(stderr, "sockconnect: bad "
				    "delay '%s'\n", optarg);
				return (EXIT_USAGE);
			}
			break;
		case 'f':
			if (strcmp(optarg, "4") == 0) {
				o.sdo_family = AF_INET;
			} else if (strcmp(optarg, "6") == 0) {
				o.sdo_family = AF_INET6;
			} else {
				(void) fprintf(stderr, "sockconnect: family "
				    "must be 4 or 6\n");
				return (EXIT_USAGE);
			}
			break;
		case 'h':
			usage(stdout);
			return (EXIT_SUCCESS);
		default:
			usage(stderr);
			return (EXIT_USAGE);
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return (EXIT_USAGE);
	}

	(void) clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((fd = sockshim_dial(argv[optind], argv[optind + 1], &o)) == -1) {
		int err = errno;

		(void) fprintf(stderr, "sockconnect: %s %s: %s\n",
		    argv[optind], argv[optind + 1],
		    err == ENOENT ? "no such host or service" : strerror(err));
		return (EXIT_FAILURE);
	}
	if (o.sdo_trace == NULL &&
	    getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
		(void) printf("connected to %s\n",
		    addr_text((struct sockaddr *)&ss, a, sizeof (a)));
	(void) close(fd);
	return (EXIT_SUCCESS);
}
