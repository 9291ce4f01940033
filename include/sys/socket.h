/*
 * sockshim overlay for <sys/socket.h>: the system header, then SOCK_NDELAY,
 * the illumos socket(3SOCKET) type flag for a socket in O_NDELAY mode.
 *
 * On Linux and the BSDs O_NDELAY is O_NONBLOCK, so SOCK_NDELAY is the
 * system's SOCK_NONBLOCK and socket(2) takes it as it is: its value is not
 * illumos' 0x200000, which only matters to binaries, never to source.
 * See <sockshim/overlay.h> for when the addition is visible.
 */
#if defined(__GNUC__)
#pragma GCC system_header
#endif

#include_next <sys/socket.h>

#include <sockshim/overlay.h>

#if _SOCKSHIM_OVERLAY && !defined(SOCK_NDELAY) && defined(SOCK_NONBLOCK)
#define	SOCK_NDELAY	SOCK_NONBLOCK
#endif
