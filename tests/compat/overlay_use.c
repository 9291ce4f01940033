/*
 * overlay_use.c: a program that includes the standard headers the way
 * illumos programs do and uses every illumos name sockshim adds.  Valid
 * C (C89 on) and C++, so the scripts build it both ways with -Werror.
 *
 * With -DCLASH it is instead a program that gives those names meanings of
 * its own; it must still build where the additions are hidden: in strict
 * standard modes (-std=c99) and with -DSOCKSHIM_NO_OVERLAY.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifdef CLASH

typedef unsigned char ipaddr_t[4];
#define	SOCK_NDELAY	0x1234
#define	AI_DEFAULT	0x5678
#define	IN6_IS_ADDR_V4MAPPED_ANY(a)	((a) == 0)

static int
getipnodebyname(int x)
{
	return (x + SOCK_NDELAY + AI_DEFAULT);
}

int
main(void)
{
	ipaddr_t a;

	(void) memset(a, 0, sizeof (a));
	return (getipnodebyname(a[0]) == 0x1234 + 0x5678 &&
	    IN6_IS_ADDR_V4MAPPED_ANY(a[1]) ? 0 : 1);
}

#else /* !CLASH */

#include <ucred.h>

int
main(void)
{
	struct in_addr v4;
	struct in6_addr v6;
	struct hostent *hp;
	ipaddr_t ip = 0;
	ucred_t *uc = NULL;
	int err = 0, s, sv[2];

	v4.s_addr = htonl(0x7f000001);
	IN6_INADDR_TO_V4MAPPED(&v4, &v6);
	IN6_V4MAPPED_TO_IPADDR(&v6, ip);
	IN6_IPADDR_TO_V4MAPPED(ip, &v6);
	v4.s_addr = 0;
	IN6_V4MAPPED_TO_INADDR(&v6, &v4);
	if (!IN6_IS_ADDR_V4MAPPED(&v6) || IN6_IS_ADDR_V4MAPPED_ANY(&v6) ||
	    ntohl(v4.s_addr) != 0x7f000001) {
		(void) fprintf(stderr, "IN6 macros\n");
		return (1);
	}

	hp = getipnodebyname("127.0.0.1", AF_INET6, AI_V4MAPPED, &err);
	if (hp == NULL || hp->h_length != 16 ||
	    memcmp(hp->h_addr_list[0], &v6, sizeof (v6)) != 0) {
		(void) fprintf(stderr, "getipnodebyname: %d\n", err);
		return (1);
	}
	freehostent(hp);
	/* Its answer depends on the machine; that it links is the point. */
	if ((hp = getipnodebyaddr(&v4, sizeof (v4), AF_INET, &err)) != NULL)
		freehostent(hp);
	(void) (AI_DEFAULT);

	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_NDELAY, 0)) < 0) {
		perror("socket(SOCK_NDELAY)");
		return (1);
	}
	(void) close(s);

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 ||
	    getpeerucred(sv[0], &uc) != 0 || ucred_getpid(uc) != getpid() ||
	    ucred_geteuid(uc) != geteuid() || ucred_getegid(uc) != getegid()) {
		perror("getpeerucred");
		return (1);
	}
	ucred_free(uc);
	(void) close(sv[0]);
	(void) close(sv[1]);
	return (0);
}

#endif /* CLASH */
