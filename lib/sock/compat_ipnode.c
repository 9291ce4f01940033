/*
 * getipnodebyname(3SOCKET), getipnodebyaddr(3SOCKET) and freehostent(): the
 * illumos libnsl name lookups that glibc lacks, built on getaddrinfo(3) and
 * getnameinfo(3) so that they follow the host's nsswitch configuration.
 *
 * The flag handling follows illumos (usr/src/lib/libnsl/nss/getipnodeby.c,
 * read for behaviour only): AI_V4MAPPED and AI_ALL only matter for
 * AF_INET6; AI_ADDRCONFIG drops a family that has no configured
 * non-loopback address; a name with a ':' is an IPv6 literal, which ignores
 * the flags; an IPv4 literal obeys them.  The result is one malloc'ed block,
 * so freehostent() is free(3).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * A growable list of addresses of one length (4 or 16 bytes), kept in the
 * order found, without duplicates.
 */
struct ipn_list {
	unsigned char	*il_buf;
	size_t		il_n;
	size_t		il_cap;
	size_t		il_len;
};

static void
ipn_list_init(struct ipn_list *l, size_t len)
{
	l->il_buf = NULL;
	l->il_n = 0;
	l->il_cap = 0;
	l->il_len = len;
}

/* Returns 0 or ENOMEM. */
static int
ipn_list_add(struct ipn_list *l, const void *addr)
{
	unsigned char *nb;

	for (size_t i = 0; i < l->il_n; i++) {
		if (memcmp(l->il_buf + i * l->il_len, addr, l->il_len) == 0)
			return (0);
	}
	if (l->il_n == l->il_cap) {
		size_t cap = (l->il_cap == 0) ? 8 : l->il_cap * 2;

		if ((nb = realloc(l->il_buf, cap * l->il_len)) == NULL)
			return (ENOMEM);
		l->il_buf = nb;
		l->il_cap = cap;
	}
	(void) memcpy(l->il_buf + l->il_n * l->il_len, addr, l->il_len);
	l->il_n++;
	return (0);
}

static void
ipn_list_fini(struct ipn_list *l)
{
	free(l->il_buf);
	l->il_buf = NULL;
	l->il_n = l->il_cap = 0;
}

/*
 * Build the caller's hostent: one block holding the structure, the alias
 * list (always empty: getaddrinfo() and getnameinfo() report no aliases),
 * the address list, the addresses and the name.
 */
static struct hostent *
ipn_hostent(int af, const char *name, const struct ipn_list *l)
{
	struct hostent *hp;
	char **aliases, **addrs;
	unsigned char *data;
	char *np;
	size_t namelen = strlen(name) + 1;
	size_t ptrs = 1 + (l->il_n + 1);
	size_t size;

	size = sizeof (*hp) + ptrs * sizeof (char *) + l->il_n * l->il_len +
	    namelen;
	if ((hp = malloc(size)) == NULL)
		return (NULL);
	aliases = (char **)(void *)(hp + 1);
	addrs = aliases + 1;
	data = (unsigned char *)(addrs + l->il_n + 1);
	np = (char *)(data + l->il_n * l->il_len);

	aliases[0] = NULL;
	for (size_t i = 0; i < l->il_n; i++) {
		addrs[i] = (char *)data + i * l->il_len;
		(void) memcpy(addrs[i], l->il_buf + i * l->il_len, l->il_len);
	}
	addrs[l->il_n] = NULL;
	(void) memcpy(np, name, namelen);

	hp->h_name = np;
	hp->h_aliases = aliases;
	hp->h_addrtype = af;
	hp->h_length = (int)l->il_len;
	hp->h_addr_list = addrs;
	return (hp);
}

static int
ipn_gai_error(int rc)
{
	switch (rc) {
	case EAI_NONAME:
		return (HOST_NOT_FOUND);
#ifdef EAI_NODATA
	case EAI_NODATA:
		return (NO_ADDRESS);
#endif
#ifdef EAI_ADDRFAMILY
	case EAI_ADDRFAMILY:
		return (NO_ADDRESS);
#endif
	case EAI_AGAIN:
		return (TRY_AGAIN);
	default:
		return (NO_RECOVERY);
	}
}

/*
 * Of two failed lookups, report the one that says most: a resource failure,
 * then a transient one, then "the name exists but has no address".
 */
static int
ipn_worse(int a, int b)
{
	static const int order[] = {
		NO_RECOVERY, TRY_AGAIN, NO_ADDRESS, HOST_NOT_FOUND
	};

	for (size_t i = 0; i < sizeof (order) / sizeof (order[0]); i++) {
		if (a == order[i] || b == order[i])
			return (order[i]);
	}
	return (HOST_NOT_FOUND);
}

/*
 * Whether the host has an address of family af that is not a loopback
 * address (RFC 3493 AI_ADDRCONFIG, as illumos counts them: any interface,
 * up or not).  If the interfaces cannot be listed, assume it has one, so
 * that a failure there never hides every answer.
 */
static int
ipn_configured(int af)
{
	struct ifaddrs *ifs, *ifa;
	int found = 0;

	if (getifaddrs(&ifs) != 0)
		return (1);
	for (ifa = ifs; ifa != NULL && !found; ifa = ifa->ifa_next) {
		if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != af ||
		    (ifa->ifa_flags & IFF_LOOPBACK) != 0)
			continue;
		if (af == AF_INET) {
			const struct sockaddr_in *sin =
			    (const struct sockaddr_in *)(void *)ifa->ifa_addr;

			found = (ntohl(sin->sin_addr.s_addr) >> 24) != 127;
		} else {
			const struct sockaddr_in6 *sin6 =
			    (const struct sockaddr_in6 *)(void *)ifa->ifa_addr;

			found = !IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
		}
	}
	freeifaddrs(ifs);
	return (found);
}

/*
 * Append the af addresses of name to l (IPv4 ones as IPv4-mapped IPv6
 * addresses when l holds 16-byte addresses and af is AF_INET).  The first
 * canonical name found goes to *canon.  Returns 0 or an h_errno value.
 */
static int
ipn_lookup(const char *name, int af, struct ipn_list *l, char **canon)
{
	struct addrinfo hints, *res, *ai;
	size_t before = l->il_n;
	int rc;

	(void) memset(&hints, 0, sizeof (hints));
	hints.ai_family = af;
	hints.ai_socktype = SOCK_STREAM;	/* one entry per address */
	hints.ai_flags = AI_CANONNAME;
	if ((rc = getaddrinfo(name, NULL, &hints, &res)) != 0)
		return (ipn_gai_error(rc));

	rc = 0;
	for (ai = res; ai != NULL && rc == 0; ai = ai->ai_next) {
		struct in6_addr v6;

		if (ai->ai_family != af || ai->ai_addr == NULL)
			continue;
		if (af == AF_INET6) {
			rc = ipn_list_add(l, &((const struct sockaddr_in6 *)
			    (void *)ai->ai_addr)->sin6_addr);
		} else if (l->il_len == sizeof (struct in6_addr)) {
			IN6_INADDR_TO_V4MAPPED(&((const struct sockaddr_in *)
			    (void *)ai->ai_addr)->sin_addr, &v6);
			rc = ipn_list_add(l, &v6);
		} else {
			rc = ipn_list_add(l, &((const struct sockaddr_in *)
			    (void *)ai->ai_addr)->sin_addr);
		}
	}
	if (rc == 0 && *canon == NULL && res->ai_canonname != NULL &&
	    (*canon = strdup(res->ai_canonname)) == NULL)
		rc = ENOMEM;
	freeaddrinfo(res);
	if (rc != 0)
		return (NO_RECOVERY);
	return (l->il_n > before ? 0 : NO_ADDRESS);
}

/* Whether name has any address in family af (to tell NO_ADDRESS apart). */
static int
ipn_exists(const char *name, int af)
{
	struct addrinfo hints, *res;

	(void) memset(&hints, 0, sizeof (hints));
	hints.ai_family = af;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return (0);
	freeaddrinfo(res);
	return (1);
}

/*
 * A literal address string.  An IPv6 literal is returned as it is for
 * AF_INET6 and, if it is IPv4-mapped, as its IPv4 address for AF_INET; an
 * IPv4 literal needs want4 (AF_INET, or AF_INET6 with AI_V4MAPPED, and
 * passing AI_ADDRCONFIG) and becomes ::ffff:a.b.c.d for AF_INET6, named by
 * that string, as on illumos.
 */
static int
ipn_literal(const char *name, int af, int want4, struct hostent **hpp)
{
	struct ipn_list l;
	struct in6_addr v6;
	struct in_addr v4;
	char buf[INET6_ADDRSTRLEN];
	int rc;

	if (strchr(name, ':') != NULL) {
		if (inet_pton(AF_INET6, name, &v6) != 1)
			return (HOST_NOT_FOUND);
		if (af == AF_INET6) {
			ipn_list_init(&l, sizeof (v6));
			rc = ipn_list_add(&l, &v6);
		} else if (IN6_IS_ADDR_V4MAPPED(&v6)) {
			IN6_V4MAPPED_TO_INADDR(&v6, &v4);
			ipn_list_init(&l, sizeof (v4));
			rc = ipn_list_add(&l, &v4);
		} else {
			return (NO_ADDRESS);
		}
	} else {
		if (!want4 || inet_aton(name, &v4) == 0)
			return (HOST_NOT_FOUND);
		if (af == AF_INET) {
			ipn_list_init(&l, sizeof (v4));
			rc = ipn_list_add(&l, &v4);
		} else {
			IN6_INADDR_TO_V4MAPPED(&v4, &v6);
			if (inet_ntop(AF_INET6, &v6, buf, sizeof (buf)) == NULL)
				return (NO_RECOVERY);
			name = buf;
			ipn_list_init(&l, sizeof (v6));
			rc = ipn_list_add(&l, &v6);
		}
	}
	if (rc == 0 && (*hpp = ipn_hostent(af, name, &l)) == NULL)
		rc = ENOMEM;
	ipn_list_fini(&l);
	return (rc == 0 ? 0 : NO_RECOVERY);
}

/* Returns 0 with *hpp set, or an h_errno value. */
static int
ipn_byname(const char *name, int af, int flags, struct hostent **hpp)
{
	struct ipn_list l6, l4;
	char *canon = NULL;
	int want6, want4, only_if_no6, e6, e4, err, rc;
	struct in_addr v4;

	if (name == NULL || (af != AF_INET && af != AF_INET6))
		return (HOST_NOT_FOUND);
	want6 = (af == AF_INET6);
	want4 = (af == AF_INET || (flags & AI_V4MAPPED) != 0);
	only_if_no6 = (af == AF_INET6 && (flags & AI_ALL) == 0);
	if ((flags & AI_ADDRCONFIG) != 0) {
		if (want6 && !ipn_configured(AF_INET6))
			want6 = 0;
		if (want4 && !ipn_configured(AF_INET))
			want4 = 0;
	}

	if (strchr(name, ':') != NULL || inet_aton(name, &v4) != 0)
		return (ipn_literal(name, af, want4, hpp));
	if (!want6 && !want4)
		return (HOST_NOT_FOUND);

	ipn_list_init(&l6, sizeof (struct in6_addr));
	ipn_list_init(&l4, af == AF_INET6 ? sizeof (struct in6_addr) :
	    sizeof (struct in_addr));
	e6 = e4 = HOST_NOT_FOUND;
	if (want6)
		e6 = ipn_lookup(name, AF_INET6, &l6, &canon);
	if (want4 && !(only_if_no6 && l6.il_n > 0))
		e4 = ipn_lookup(name, AF_INET, &l4, &canon);

	/* IPv6 addresses first, then the (mapped) IPv4 ones. */
	rc = 0;
	for (size_t i = 0; i < l4.il_n && rc == 0 && af == AF_INET6; i++)
		rc = ipn_list_add(&l6, l4.il_buf + i * l4.il_len);
	if (rc != 0) {
		err = NO_RECOVERY;
	} else if ((af == AF_INET6 ? l6.il_n : l4.il_n) > 0) {
		*hpp = ipn_hostent(af, canon != NULL ? canon : name,
		    af == AF_INET6 ? &l6 : &l4);
		err = (*hpp == NULL) ? NO_RECOVERY : 0;
	} else {
		err = ipn_worse(want6 ? e6 : -1, want4 ? e4 : -1);
		/*
		 * The name may exist with addresses only of a family that was
		 * not asked for: illumos then says NO_ADDRESS, not
		 * HOST_NOT_FOUND, and so do we.
		 */
		if (err == HOST_NOT_FOUND &&
		    ((!want6 && ipn_exists(name, AF_INET6)) ||
		    (!want4 && ipn_exists(name, AF_INET))))
			err = NO_ADDRESS;
	}
	free(canon);
	ipn_list_fini(&l6);
	ipn_list_fini(&l4);
	return (err);
}

struct hostent *
getipnodebyname(const char *name, int af, int flags, int *error_num)
{
	struct hostent *hp = NULL;
	int saved = errno;
	int err = ipn_byname(name, af, flags, &hp);

	if (err == 0)
		errno = saved;
	else if (error_num != NULL)
		*error_num = err;
	return (err == 0 ? hp : NULL);
}

/* Returns 0 with *hpp set, or an h_errno value. */
static int
ipn_byaddr(const void *src, size_t len, int type, struct hostent **hpp)
{
	struct sockaddr_storage ss;
	struct ipn_list l;
	socklen_t sslen;
	char host[NI_MAXHOST];
	int rc;

	if (src == NULL)
		return (HOST_NOT_FOUND);
	(void) memset(&ss, 0, sizeof (ss));
	if (type == AF_INET && len == sizeof (struct in_addr)) {
		struct sockaddr_in *sin = (struct sockaddr_in *)(void *)&ss;

		sin->sin_family = AF_INET;
		(void) memcpy(&sin->sin_addr, src, len);
		sslen = sizeof (*sin);
	} else if (type == AF_INET6 && len == sizeof (struct in6_addr)) {
		struct in6_addr v6;

		(void) memcpy(&v6, src, len);
		if (IN6_IS_ADDR_UNSPECIFIED(&v6))
			return (HOST_NOT_FOUND);
		if (IN6_IS_ADDR_V4MAPPED(&v6) || IN6_IS_ADDR_V4COMPAT(&v6)) {
			/* The name of the IPv4 address it carries. */
			struct sockaddr_in *sin =
			    (struct sockaddr_in *)(void *)&ss;

			sin->sin_family = AF_INET;
			IN6_V4MAPPED_TO_INADDR(&v6, &sin->sin_addr);
			sslen = sizeof (*sin);
		} else {
			struct sockaddr_in6 *sin6 =
			    (struct sockaddr_in6 *)(void *)&ss;

			sin6->sin6_family = AF_INET6;
			sin6->sin6_addr = v6;
			sslen = sizeof (*sin6);
		}
	} else {
		return (HOST_NOT_FOUND);
	}

	rc = getnameinfo((struct sockaddr *)(void *)&ss, sslen, host,
	    sizeof (host), NULL, 0, NI_NAMEREQD);
	if (rc != 0)
		return (ipn_gai_error(rc));

	/* The address list holds the address asked about, as given. */
	ipn_list_init(&l, len);
	rc = ipn_list_add(&l, src);
	if (rc == 0 && (*hpp = ipn_hostent(type, host, &l)) == NULL)
		rc = ENOMEM;
	ipn_list_fini(&l);
	return (rc == 0 ? 0 : NO_RECOVERY);
}

struct hostent *
getipnodebyaddr(const void *src, size_t len, int type, int *error_num)
{
	struct hostent *hp = NULL;
	int saved = errno;
	int err = ipn_byaddr(src, len, type, &hp);

	if (err == 0)
		errno = saved;
	else if (error_num != NULL)
		*error_num = err;
	return (err == 0 ? hp : NULL);
}

void
freehostent(struct hostent *hp)
{
	free(hp);
}
