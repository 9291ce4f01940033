/*
 * <nanomsg/pubsub.h> - PUB/SUB v0 (SP types 0x20, 0x21).  SUB options are
 * at level NN_SUB: NN_SUB_SUBSCRIBE and NN_SUB_UNSUBSCRIBE take a prefix.
 */
#ifndef PUBSUB_H_INCLUDED
#define	PUBSUB_H_INCLUDED

#define	NN_PROTO_PUBSUB		2
#define	NN_PUB			(NN_PROTO_PUBSUB * 16 + 0)
#define	NN_SUB			(NN_PROTO_PUBSUB * 16 + 1)

#define	NN_SUB_SUBSCRIBE	1
#define	NN_SUB_UNSUBSCRIBE	2

#endif /* PUBSUB_H_INCLUDED */
