/*
 * <sockshim/overlay.h> - when the illumos additions in sockshim's overlay
 * headers (<netinet/in.h>, <sys/socket.h>, <netdb.h>) are visible.
 *
 * Once installed, the overlays sit in front of the system headers for every
 * program built on the machine, so they must not change what a program that
 * does not want illumos names sees.  The rule follows illumos' own headers:
 * the additions are visible in the default (extended) compilation
 * environment and hidden when the program asks for a strict standard one.
 * With glibc that is "__USE_MISC is defined", i.e. no -std=c99/-std=c11 and
 * no _POSIX_C_SOURCE or _XOPEN_SOURCE without _DEFAULT_SOURCE/_GNU_SOURCE.
 * As on illumos, __EXTENSIONS__ makes them visible in any environment, and
 * SOCKSHIM_NO_OVERLAY hides them in every one (for a program whose own
 * names clash with them).  See getipnodebyname(3SOCKET).
 *
 * This header is read after the system header, so the feature-test macros
 * of the C library are already settled.  It defines only _SOCKSHIM_OVERLAY.
 */
#ifndef _SOCKSHIM_OVERLAY_H
#define	_SOCKSHIM_OVERLAY_H

#if defined(SOCKSHIM_NO_OVERLAY)
#define	_SOCKSHIM_OVERLAY	0
#elif defined(__EXTENSIONS__) || defined(__USE_MISC)
#define	_SOCKSHIM_OVERLAY	1
#elif defined(__BSD_VISIBLE)
#define	_SOCKSHIM_OVERLAY	__BSD_VISIBLE
#elif defined(__DARWIN_C_LEVEL) && defined(__DARWIN_C_FULL)
#define	_SOCKSHIM_OVERLAY	(__DARWIN_C_LEVEL >= __DARWIN_C_FULL)
#elif !defined(__GLIBC__) && (defined(_GNU_SOURCE) || \
	defined(_BSD_SOURCE) || defined(_DEFAULT_SOURCE))
#define	_SOCKSHIM_OVERLAY	1
#else
#define	_SOCKSHIM_OVERLAY	0
#endif

#endif /* _SOCKSHIM_OVERLAY_H */
