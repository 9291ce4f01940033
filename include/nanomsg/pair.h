/* <nanomsg/pair.h> - PAIR v0 (SP protocol 1, type 0x10).  See sp_pair(7). */
#ifndef PAIR_H_INCLUDED
#define	PAIR_H_INCLUDED

#define	NN_PROTO_PAIR	1
#define	NN_PAIR		(NN_PROTO_PAIR * 16 + 0)

#endif /* PAIR_H_INCLUDED */
