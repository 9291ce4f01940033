/*
 * Private mount and network namespaces for the lookup tests, so that what
 * getipnodebyname() finds does not depend on the machine's /etc/hosts, DNS
 * or interfaces.  Linux only; elsewhere every helper skips.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __linux__
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <net/if.h>
#include <linux/if_tun.h>
#endif

#include "compat.h"

static int
skip(const char *why, int err)
{
	if (err != 0)
		printf("skip: %s: %s\n", why, strerror(err));
	else
		printf("skip: %s\n", why);
	fflush(stdout);
	return (0);
}

#ifdef __linux__

/* Bind a new file holding text over path, in this mount namespace. */
static int
bind_file(const char *path, const char *text)
{
	char tmp[] = "/tmp/sockshim-compat-XXXXXX";
	size_t len = strlen(text);
	int fd, err = 0;

	if ((fd = mkstemp(tmp)) < 0)
		return (errno);
	if (write(fd, text, len) != (ssize_t)len)
		err = (errno != 0) ? errno : EIO;
	(void) close(fd);
	if (err == 0 && mount(tmp, path, NULL, MS_BIND, NULL) != 0)
		err = errno;
	(void) unlink(tmp);
	return (err);
}

int
compat_ns_hosts(const char *hosts)
{
	int err;

	if (geteuid() != 0)
		return (skip("a private /etc/hosts needs root", 0));
	if (unshare(CLONE_NEWNS) != 0)
		return (skip("unshare(CLONE_NEWNS)", errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return (skip("making / private", errno));
	if ((err = bind_file("/etc/hosts", hosts)) != 0)
		return (skip("binding /etc/hosts", err));
	if ((err = bind_file("/etc/nsswitch.conf", "hosts: files\n")) != 0)
		return (skip("binding /etc/nsswitch.conf", err));
	return (1);
}

int
compat_ns_net(void)
{
	if (geteuid() != 0)
		return (skip("a private network namespace needs root", 0));
	if (unshare(CLONE_NEWNET) != 0)
		return (skip("unshare(CLONE_NEWNET)", errno));
	return (1);
}

/* The layout of Linux's struct in6_ifreq (<linux/ipv6.h>). */
struct ns_in6_ifreq {
	struct in6_addr	addr;
	uint32_t	prefixlen;
	int		ifindex;
};

/* Add addr to interface name and bring it up.  Returns 0 or an errno. */
static int
if_add(const char *name, int af, const char *addr)
{
	struct ifreq ifr;
	int s, err = 0;

	if ((s = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return (errno);
	(void) memset(&ifr, 0, sizeof (ifr));
	(void) strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (af == AF_INET) {
		struct sockaddr_in sin;

		(void) memset(&sin, 0, sizeof (sin));
		sin.sin_family = AF_INET;
		if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
			err = EINVAL;
		(void) memcpy(&ifr.ifr_addr, &sin, sizeof (sin));
		if (err == 0 && ioctl(s, SIOCSIFADDR, &ifr) != 0)
			err = errno;
	} else {
		struct ns_in6_ifreq r6;

		(void) memset(&r6, 0, sizeof (r6));
		r6.prefixlen = 128;
		r6.ifindex = (int)if_nametoindex(name);
		if (inet_pton(AF_INET6, addr, &r6.addr) != 1)
			err = EINVAL;
		if (err == 0 && ioctl(s, SIOCSIFADDR, &r6) != 0 &&
		    errno != EEXIST)
			err = errno;
	}
	if (err == 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
			err = errno;
	}
	(void) close(s);
	return (err);
}

int
compat_ns_loopback(void)
{
	int err;

	if ((err = if_add("lo", AF_INET, "127.0.0.1")) != 0)
		return (skip("adding 127.0.0.1 to lo", err));
	if ((err = if_add("lo", AF_INET6, "::1")) != 0)
		return (skip("adding ::1 to lo", err));
	return (1);
}

int
compat_ns_addr(int af, const char *addr)
{
	struct ifreq ifr;
	int fd, err;

	if (if_nametoindex("sks0") == 0) {
		if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0)
			return (skip("opening /dev/net/tun", errno));
		(void) memset(&ifr, 0, sizeof (ifr));
		(void) strncpy(ifr.ifr_name, "sks0", IFNAMSIZ - 1);
		ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
		/* Persistent, so that it outlives fd (the namespace won't). */
		err = 0;
		if (ioctl(fd, TUNSETIFF, &ifr) != 0 ||
		    ioctl(fd, TUNSETPERSIST, 1) != 0)
			err = errno;
		(void) close(fd);
		if (err != 0)
			return (skip("creating tun interface sks0", err));
	}
	if ((err = if_add("sks0", af, addr)) != 0)
		return (skip("adding an address to sks0", err));
	return (1);
}

#else /* !__linux__ */

int
compat_ns_hosts(const char *hosts)
{
	(void) hosts;
	return (skip("private /etc/hosts: Linux namespaces only", 0));
}

int
compat_ns_net(void)
{
	return (skip("private network: Linux namespaces only", 0));
}

int
compat_ns_loopback(void)
{
	return (0);
}

int
compat_ns_addr(int af, const char *addr)
{
	(void) af;
	(void) addr;
	return (0);
}

#endif /* __linux__ */
