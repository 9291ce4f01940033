/*
 * <sys/port.h> - event port types and constants, laid out as on illumos.
 *
 * sockshim installs this header where illumos keeps it so that code written
 * for illumos event ports compiles unchanged.  Values and layouts are those
 * of illumos (usr/src/uts/common/sys/port.h); see port_create(3C).
 */
#ifndef _SYS_PORT_H
#define	_SYS_PORT_H

#include <sys/types.h>
#include <stdint.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* illumos short type names that ported code expects from these headers. */
#ifndef _SOCKSHIM_ILLUMOS_TYPES
#define	_SOCKSHIM_ILLUMOS_TYPES
typedef unsigned int	uint_t;
typedef unsigned short	ushort_t;
typedef struct timespec	timestruc_t;
typedef struct timespec	timespec_t;
#endif

/* Event sources. */
#define	PORT_SOURCE_AIO		1
#define	PORT_SOURCE_TIMER	2
#define	PORT_SOURCE_USER	3
#define	PORT_SOURCE_FD		4
#define	PORT_SOURCE_ALERT	5
#define	PORT_SOURCE_MQ		6
#define	PORT_SOURCE_FILE	7

/* port_alert() flags. */
#define	PORT_ALERT_SET		0x01
#define	PORT_ALERT_UPDATE	0x02
#define	PORT_ALERT_INVALID	(PORT_ALERT_SET | PORT_ALERT_UPDATE)

/* PORT_SOURCE_FILE events (port_associate(3C), file_obj_t). */
#define	FILE_ACCESS		0x00000001
#define	FILE_MODIFIED		0x00000002
#define	FILE_ATTRIB		0x00000004
#define	FILE_TRUNC		0x00100000
#define	FILE_NOFOLLOW		0x10000000
#define	FILE_DELETE		0x00000010
#define	FILE_RENAME_TO		0x00000020
#define	FILE_RENAME_FROM	0x00000040
#define	UNMOUNTED		0x20000000
#define	MOUNTEDOVER		0x40000000
#define	FILE_EXCEPTION		(UNMOUNTED | FILE_DELETE | FILE_RENAME_TO | \
				FILE_RENAME_FROM | MOUNTEDOVER)

/* Per-call list limit of the illumos kernel (its libc splits longer lists). */
#define	PORT_MAX_LIST		8192

typedef struct port_event {
	int		portev_events;	/* source-specific event data */
	ushort_t	portev_source;	/* PORT_SOURCE_* */
	ushort_t	portev_pad;	/* port internal use */
	uintptr_t	portev_object;	/* source-specific object */
	void		*portev_user;	/* user cookie */
} port_event_t;

typedef struct port_notify {
	int	portnfy_port;		/* bind request(s) to port */
	void	*portnfy_user;		/* user defined */
} port_notify_t;

typedef struct file_obj {
	timestruc_t	fo_atime;	/* access time from stat(2) */
	timestruc_t	fo_mtime;	/* modification time */
	timestruc_t	fo_ctime;	/* change time */
	uintptr_t	fo_pad[3];	/* future expansion */
	char		*fo_name;	/* NUL-terminated file name */
} file_obj_t;

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof (port_event_t) == 8 + 2 * sizeof (void *),
	"port_event_t must match the illumos layout");
#endif

#ifdef __cplusplus
}
#endif

#endif /* _SYS_PORT_H */
