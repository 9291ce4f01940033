/* <nanomsg/tcp.h> - the tcp:// transport's option level and options. */
#ifndef TCP_H_INCLUDED
#define	TCP_H_INCLUDED

#define	NN_TCP		-3

#define	NN_TCP_NODELAY	1

#endif /* TCP_H_INCLUDED */
