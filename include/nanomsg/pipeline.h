/* <nanomsg/pipeline.h> - PUSH/PULL v0 (SP types 0x50, 0x51). */
#ifndef PIPELINE_H_INCLUDED
#define	PIPELINE_H_INCLUDED

#define	NN_PROTO_PIPELINE	5
#define	NN_PUSH			(NN_PROTO_PIPELINE * 16 + 0)
#define	NN_PULL			(NN_PROTO_PIPELINE * 16 + 1)

#endif /* PIPELINE_H_INCLUDED */
