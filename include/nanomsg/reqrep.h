/*
 * <nanomsg/reqrep.h> - REQ/REP v0 (SP types 0x30, 0x31).  REQ's option
 * NN_REQ_RESEND_IVL (level NN_REQ, int ms, default 60000).
 */
#ifndef REQREP_H_INCLUDED
#define	REQREP_H_INCLUDED

#define	NN_PROTO_REQREP		3
#define	NN_REQ			(NN_PROTO_REQREP * 16 + 0)
#define	NN_REP			(NN_PROTO_REQREP * 16 + 1)

#define	NN_REQ_RESEND_IVL	1

#endif /* REQREP_H_INCLUDED */
