/*
 * <sys/port_impl.h> - kept for source compatibility only.  On illumos it
 * holds the private system-call interface; programs such as APR include it
 * but use nothing from it.
 */
#ifndef _SYS_PORT_IMPL_H
#define	_SYS_PORT_IMPL_H

#include <sys/port.h>

#endif /* _SYS_PORT_IMPL_H */
