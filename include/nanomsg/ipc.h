/* <nanomsg/ipc.h> - the ipc:// transport's option level and options. */
#ifndef IPC_H_INCLUDED
#define	IPC_H_INCLUDED

#define	NN_IPC		-2

#define	NN_IPC_SEC_ATTR	1
#define	NN_IPC_OUTBUFSZ	2
#define	NN_IPC_INBUFSZ	3

#endif /* IPC_H_INCLUDED */
