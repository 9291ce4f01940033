/*
 * sp_peer: a one-shot SP peer built on libspshim, for tests/sp/interop.sh.
 *
 *	sp_peer PROTO bind|connect URL send MSG
 *	sp_peer PROTO bind|connect URL recv
 *
 * PROTO: pair, push, pull, pub, sub, req, rep.  send: sends MSG once
 * (blocking until a peer is there, 5 s at most), then lingers so that it
 * reaches the peer; pub publishes MSG every 100 ms for 1.5 s, since a
 * publisher cannot know when a subscriber listens; req sends MSG as a
 * request and waits for the reply.  recv: prints one message and a
 * newline; sub subscribes to "h" first; rep then replies "ok".  Exit
 * status 0 on success, 1 on failure.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <nanomsg/nn.h>
#include <nanomsg/pair.h>
#include <nanomsg/pipeline.h>
#include <nanomsg/pubsub.h>
#include <nanomsg/reqrep.h>

static int
proto_of(const char *s)
{
	static const struct {
		const char	*name;
		int		proto;
	} tab[] = {
		{ "pair", NN_PAIR }, { "push", NN_PUSH }, { "pull", NN_PULL },
		{ "pub", NN_PUB }, { "sub", NN_SUB }, { "req", NN_REQ },
		{ "rep", NN_REP },
	};

	for (size_t i = 0; i < sizeof (tab) / sizeof (tab[0]); i++) {
		if (strcmp(s, tab[i].name) == 0)
			return (tab[i].proto);
	}
	return (-1);
}

int
main(int argc, char **argv)
{
	int proto, s, rc, to = 5000;
	char buf[1024];

	if (argc < 5 || (proto = proto_of(argv[1])) < 0) {
		fprintf(stderr, "usage: sp_peer proto bind|connect url "
		    "send msg|recv\n");
		return (1);
	}
	if ((s = nn_socket(AF_SP, proto)) < 0 ||
	    nn_setsockopt(s, NN_SOL_SOCKET, NN_SNDTIMEO, &to, sizeof (to)) ||
	    nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVTIMEO, &to, sizeof (to)) ||
	    (proto == NN_SUB && nn_setsockopt(s, NN_SUB, NN_SUB_SUBSCRIBE, "h",
	    1) != 0)) {
		fprintf(stderr, "sp_peer: socket: %s\n",
		    nn_strerror(nn_errno()));
		return (1);
	}
	rc = strcmp(argv[2], "bind") == 0 ? nn_bind(s, argv[3]) :
	    nn_connect(s, argv[3]);
	if (rc < 0) {
		fprintf(stderr, "sp_peer: %s %s: %s\n", argv[2], argv[3],
		    nn_strerror(nn_errno()));
		return (1);
	}
	if (strcmp(argv[4], "send") == 0 && argc > 5) {
		int n = proto == NN_PUB ? 15 : 1;

		for (int i = 0; i < n; i++) {
			rc = nn_send(s, argv[5], strlen(argv[5]), 0);
			if (rc < 0)
				break;
			if (n > 1)
				(void) usleep(100000);
		}
		if (rc < 0)
			fprintf(stderr, "sp_peer: send: %s\n",
			    nn_strerror(nn_errno()));
		if (rc >= 0 && proto == NN_REQ) {
			rc = nn_recv(s, buf, sizeof (buf) - 1, 0);
			if (rc < 0)
				fprintf(stderr, "sp_peer: reply: %s\n",
				    nn_strerror(nn_errno()));
		}
	} else {
		rc = nn_recv(s, buf, sizeof (buf) - 1, 0);
		if (rc < 0) {
			fprintf(stderr, "sp_peer: recv: %s\n",
			    nn_strerror(nn_errno()));
		} else {
			buf[rc] = '\0';
			printf("%s\n", buf);
			(void) fflush(stdout);
			if (proto == NN_REP && nn_send(s, "ok", 2, 0) < 0) {
				fprintf(stderr, "sp_peer: reply: %s\n",
				    nn_strerror(nn_errno()));
				rc = -1;
			}
		}
	}
	(void) nn_close(s);
	return (rc < 0 ? 1 : 0);
}
