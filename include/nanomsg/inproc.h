/* <nanomsg/inproc.h> - the inproc:// transport's option level. */
#ifndef INPROC_H_INCLUDED
#define	INPROC_H_INCLUDED

#define	NN_INPROC	-1

#endif /* INPROC_H_INCLUDED */
