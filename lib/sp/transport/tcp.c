/*
 * tcp://: addresses as nanomsg parses them (sp-protocol.md 2.2, 3.1).
 *
 *	connect	tcp://[iface;]host:port	host: IPv4 literal, [IPv6] literal
 *					(needs NN_IPV4ONLY=0) or a DNS name;
 *					iface: a literal or an interface name
 *	bind	tcp://iface:port	iface: "*", IPv4 literal, [IPv6]
 *					or an interface name
 *
 * Interface names (getifaddrs(3)) are accepted on both sides; nanomsg 1.x
 * binds only to "*" and literals.  "*;host:port" dials from any address.
 * Syntax errors are EINVAL, an unknown interface ENODEV.  Names are
 * resolved at each connection attempt; a failure only delays the next one.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/sp.h"

struct tcp_data {
	char			td_host[NN_SOCKADDR_MAX];
	char			td_port[8];
	struct sockaddr_storage	td_addr;	/* literal host or bind */
	socklen_t		td_addrlen;	/* 0: resolve td_host */
	struct sockaddr_storage	td_local;	/* dial: iface */
	socklen_t		td_locallen;
};

static int
tcp_port(const char *s, char *out)
{
	size_t n = strlen(s);
	long v;

	if (n == 0 || n > 5)
		return (EINVAL);
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return (EINVAL);
	}
	if ((v = strtol(s, NULL, 10)) > 65535)
		return (EINVAL);
	(void) snprintf(out, 8, "%u", (unsigned)v & 0xffffu);
	return (0);
}

/* A literal address (IPv6 inside brackets) into ss; 0 or EINVAL. */
static int
tcp_literal(const char *h, int v4only, uint16_t port,
    struct sockaddr_storage *ss, socklen_t *lenp)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	char buf[NN_SOCKADDR_MAX];
	size_t n = strlen(h);

	(void) memset(ss, 0, sizeof (*ss));
	if (inet_pton(AF_INET, h, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*lenp = sizeof (*sin);
		return (0);
	}
	if (n < 3 || h[0] != '[' || h[n - 1] != ']' || n - 2 >= sizeof (buf))
		return (EINVAL);
	(void) memcpy(buf, h + 1, n - 2);
	buf[n - 2] = '\0';
	if (v4only || inet_pton(AF_INET6, buf, &sin6->sin6_addr) != 1)
		return (EINVAL);
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	*lenp = sizeof (*sin6);
	return (0);
}

/* RFC 1123 host name syntax, as nanomsg checks it. */
static int
tcp_dnsname(const char *h)
{
	size_t n = strlen(h), label = 0;

	if (n == 0 || n > 255)
		return (EINVAL);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];

		if (c == '.') {
			if (label == 0)
				return (EINVAL);
			label = 0;
			continue;
		}
		if (!isalnum(c) && c != '-')
			return (EINVAL);
		if (c == '-' && label == 0)
			return (EINVAL);
		if (++label > 63)
			return (EINVAL);
	}
	return (label == 0 ? EINVAL : 0);
}

static void
tcp_setport(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)(void *)ss)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)(void *)ss)->sin_port = htons(port);
}

/*
 * A local interface: a literal address or the name of an interface (its
 * first IPv4 address, else with NN_IPV4ONLY=0 its first IPv6 one); port 0.
 */
static int
tcp_iface(const char *name, int v4only, struct sockaddr_storage *ss,
    socklen_t *lenp)
{
	struct ifaddrs *ifa, *i;
	int err = ENODEV;

	if (tcp_literal(name, v4only, 0, ss, lenp) == 0)
		return (0);
	if (getifaddrs(&ifa) != 0)
		return (ENODEV);
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || strcmp(i->ifa_name, name) != 0)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			(void) memset(ss, 0, sizeof (*ss));
			(void) memcpy(ss, i->ifa_addr,
			    sizeof (struct sockaddr_in));
			((struct sockaddr_in *)ss)->sin_port = 0;
			*lenp = sizeof (struct sockaddr_in);
			err = 0;
			break;
		}
		if (i->ifa_addr->sa_family == AF_INET6 && !v4only &&
		    err != 0) {
			(void) memset(ss, 0, sizeof (*ss));
			(void) memcpy(ss, i->ifa_addr,
			    sizeof (struct sockaddr_in6));
			((struct sockaddr_in6 *)ss)->sin6_port = 0;
			*lenp = sizeof (struct sockaddr_in6);
			err = 0;
		}
	}
	freeifaddrs(ifa);
	return (err);
}

static int
tcp_init(struct sp__ep *ep, const char *addr)
{
	struct tcp_data *td;
	const char *semi, *colon, *host;
	int v4only = ep->e_sock->s_ipv4only, err;
	char iface[NN_SOCKADDR_MAX];

	if ((td = calloc(1, sizeof (*td))) == NULL)
		return (ENOMEM);
	host = addr;
	semi = strchr(addr, ';');
	if (semi != NULL) {
		if (!ep->e_dialer || semi == addr) {
			err = ep->e_dialer ? EINVAL : ENODEV;
			goto fail;
		}
		(void) memcpy(iface, addr, (size_t)(semi - addr));
		iface[semi - addr] = '\0';
		host = semi + 1;
	}
	if ((colon = strrchr(host, ':')) == NULL ||
	    (err = tcp_port(colon + 1, td->td_port)) != 0) {
		err = EINVAL;
		goto fail;
	}
	(void) memcpy(td->td_host, host, (size_t)(colon - host));
	td->td_host[colon - host] = '\0';
	if (!ep->e_dialer) {
		if (strcmp(td->td_host, "*") == 0) {
			struct sockaddr_in *sin = (void *)&td->td_addr;
			struct sockaddr_in6 *sin6 = (void *)&td->td_addr;

			if (v4only) {
				sin->sin_family = AF_INET;
				sin->sin_port = htons((uint16_t)atoi(
				    td->td_port));
				td->td_addrlen = sizeof (*sin);
			} else {
				sin6->sin6_family = AF_INET6;
				sin6->sin6_port = htons((uint16_t)atoi(
				    td->td_port));
				td->td_addrlen = sizeof (*sin6);
			}
		} else if ((err = tcp_iface(td->td_host, v4only,
		    &td->td_addr, &td->td_addrlen)) != 0) {
			goto fail;
		} else {
			tcp_setport(&td->td_addr, (uint16_t)atoi(td->td_port));
		}
	} else {
		if (tcp_literal(td->td_host, v4only,
		    (uint16_t)atoi(td->td_port), &td->td_addr,
		    &td->td_addrlen) != 0) {
			td->td_addrlen = 0;
			/* "[::1]" with NN_IPV4ONLY=1 is EINVAL, as nanomsg. */
			if (td->td_host[0] == '[' ||
			    (err = tcp_dnsname(td->td_host)) != 0) {
				err = EINVAL;
				goto fail;
			}
		}
		/* "*;host:port": any local address, as no iface at all. */
		if (semi != NULL && strcmp(iface, "*") != 0 &&
		    (err = tcp_iface(iface, v4only, &td->td_local,
		    &td->td_locallen)) != 0)
			goto fail;
	}
	ep->e_tdata = td;
	return (0);
fail:
	free(td);
	return (err);
}

static int
tcp_listen(struct sp__ep *ep, int *fdp)
{
	struct tcp_data *td = ep->e_tdata;
	int fd, one = 1, zero = 0, err;
	int fam = td->td_addr.ss_family;

	if ((fd = socket(fam, SOCK_STREAM, 0)) < 0)
		return (errno);
	(void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof (one));
	if (fam == AF_INET6)
		(void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
		    sizeof (zero));
	if (bind(fd, (struct sockaddr *)&td->td_addr, td->td_addrlen) != 0 ||
	    listen(fd, SOMAXCONN) != 0 || (errno = sp__fd_setup(fd)) != 0) {
		err = errno;
		(void) close(fd);
		return (err);
	}
	/* Port 0: remember the port the system chose. */
	td->td_addrlen = sizeof (td->td_addr);
	(void) getsockname(fd, (struct sockaddr *)&td->td_addr,
	    &td->td_addrlen);
	*fdp = fd;
	return (0);
}

static int
tcp_dial(struct sp__ep *ep, int *fdp)
{
	struct tcp_data *td = ep->e_tdata;
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, err;

	if (td->td_addrlen != 0) {
		ss = td->td_addr;
		len = td->td_addrlen;
	} else {
		struct addrinfo hints, *ai;

		(void) memset(&hints, 0, sizeof (hints));
		hints.ai_family = ep->e_sock->s_ipv4only ? AF_INET : AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		if (getaddrinfo(td->td_host, td->td_port, &hints, &ai) != 0)
			return (EHOSTUNREACH);
		(void) memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
		len = ai->ai_addrlen;
		freeaddrinfo(ai);
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM, 0)) < 0)
		return (errno);
	if ((err = sp__fd_setup(fd)) != 0)
		goto fail;
	if (td->td_locallen != 0 && (td->td_local.ss_family != ss.ss_family ||
	    bind(fd, (struct sockaddr *)&td->td_local, td->td_locallen) != 0)) {
		err = EADDRNOTAVAIL;
		goto fail;
	}
	if (connect(fd, (struct sockaddr *)&ss, len) != 0 &&
	    errno != EINPROGRESS) {
		err = errno;
		goto fail;
	}
	*fdp = fd;
	return (0);
fail:
	(void) close(fd);
	return (err);
}

/*
 * Nagle's algorithm is always off on the fd.  NN_TCP_NODELAY=0 (the
 * default) only allows small messages to be coalesced, and the pipe
 * already coalesces a stream of them into one write (pipe.c); Nagle on
 * top of that holds each batch's short tail until the previous one is
 * acknowledged, which cut 64-byte throughput by 3x and can hold a reply
 * for a delayed ACK.  The option's value is kept for nn_getsockopt.
 */
static void
tcp_setup(struct sp__ep *ep, int fd)
{
	int v = 1;

	(void) ep;
	(void) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof (v));
}

static int
tcp_port_of(struct sp__ep *ep)
{
	struct tcp_data *td = ep->e_tdata;

	if (ep->e_dialer)
		return (atoi(td->td_port));
	if (td->td_addr.ss_family == AF_INET6)
		return (ntohs(((struct sockaddr_in6 *)(void *)
		    &td->td_addr)->sin6_port));
	return (ntohs(((struct sockaddr_in *)(void *)&td->td_addr)->sin_port));
}

static void
tcp_fini(struct sp__ep *ep)
{
	free(ep->e_tdata);
	ep->e_tdata = NULL;
}

const struct sp__tran_ops sp__tcp_ops = {
	.t_scheme = "tcp",
	.t_ipcframe = 0,
	.t_init = tcp_init,
	.t_listen = tcp_listen,
	.t_dial = tcp_dial,
	.t_setup = tcp_setup,
	.t_port = tcp_port_of,
	.t_fini = tcp_fini,
};
