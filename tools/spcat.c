/*
 * spcat: send and receive SP messages from the command line, with
 * nanocat's options, for the socket types libspshim implements (PAIR,
 * PUSH/PULL, PUB/SUB, REQ/REP).  See spcat(1).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nanomsg/nn.h>
#include <nanomsg/pair.h>
#include <nanomsg/pipeline.h>
#include <nanomsg/pubsub.h>
#include <nanomsg/reqrep.h>

enum fmt { F_NONE, F_RAW, F_ASCII, F_QUOTED, F_MSGPACK, F_HEX };

enum {
	O_BIND = 256, O_CONNECT, O_RECV_TIMEOUT, O_SEND_TIMEOUT,
	O_SOCKET_NAME, O_SUBSCRIBE, O_FORMAT, O_RAW, O_MSGPACK, O_HEX,
	O_PROTO		/* + index into protos[] */
};

static const struct {
	const char	*name;
	int		nn;	/* 0: not implemented by libspshim */
} protos[] = {
	{ "push", NN_PUSH }, { "pull", NN_PULL }, { "pub", NN_PUB },
	{ "sub", NN_SUB }, { "req", NN_REQ }, { "rep", NN_REP },
	{ "pair", NN_PAIR }, { "surveyor", 0 }, { "respondent", 0 },
	{ "bus", 0 },
};
#define	NPROTOS	(sizeof (protos) / sizeof (protos[0]))

static int verbose = 1;

static void
die(const char *fmt, ...)
{
	va_list ap;

	if (verbose > 0) {
		(void) fputs("spcat: ", stderr);
		va_start(ap, fmt);
		(void) vfprintf(stderr, fmt, ap);
		va_end(ap);
		(void) fputc('\n', stderr);
	}
	exit(1);
}

static void
usage(FILE *f)
{
	(void) fprintf(f,
	    "Usage:\n"
	    "    spcat {--push|--pull|--pub|--sub|--req|--rep|--pair}\n"
	    "        {--bind URL|--connect URL|-X PATH|-x PATH|-L PORT|"
	    "-l PORT}...\n"
	    "        [-vqhAQ] [--format FMT] [-i SEC] [-d SEC] "
	    "[-D DATA | -F PATH]\n"
	    "        [--recv-timeout SEC] [--send-timeout SEC] "
	    "[--subscribe PREFIX]...\n"
	    "        [--socket-name NAME]\n"
	    "Formats: raw, ascii (-A), quoted (-Q), msgpack, hex.\n"
	    "See spcat(1).\n");
}

static double
seconds(const char *opt, const char *arg)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno != 0 || end == arg || *end != '\0' || v < 0 || v > 2e6)
		die("Option %s: \"%s\" is not a number of seconds", opt, arg);
	return (v);
}

static int
millis(double sec)
{
	return ((int)(sec * 1000.0 + 0.5));
}

static void
sleep_sec(double sec)
{
	struct timespec ts;

	ts.tv_sec = (time_t)sec;
	ts.tv_nsec = (long)((sec - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		continue;
}

static double
now(void)
{
	struct timespec ts;

	(void) clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
print_msg(enum fmt f, const unsigned char *p, size_t n)
{
	switch (f) {
	case F_NONE:
		return;
	case F_RAW:
		(void) fwrite(p, 1, n, stdout);
		break;
	case F_ASCII:
		for (size_t i = 0; i < n; i++)
			(void) putchar(p[i] >= 0x20 && p[i] < 0x7f ? p[i] :
			    '.');
		(void) putchar('\n');
		break;
	case F_QUOTED:
		(void) putchar('"');
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '"' || p[i] == '\\')
				(void) printf("\\%c", p[i]);
			else if (p[i] == '\n')
				(void) fputs("\\n", stdout);
			else if (p[i] == '\r')
				(void) fputs("\\r", stdout);
			else if (p[i] >= 0x20 && p[i] < 0x7f)
				(void) putchar(p[i]);
			else
				(void) printf("\\x%02x", p[i]);
		}
		(void) fputs("\"\n", stdout);
		break;
	case F_MSGPACK:
		/* bin 8, bin 16 or bin 32, then the bytes. */
		if (n < 0x100) {
			(void) putchar(0xc4);
			(void) putchar((int)n);
		} else if (n < 0x10000) {
			(void) putchar(0xc5);
			(void) putchar((int)(n >> 8));
			(void) putchar((int)(n & 0xff));
		} else {
			(void) putchar(0xc6);
			for (int sh = 24; sh >= 0; sh -= 8)
				(void) putchar((int)((n >> sh) & 0xff));
		}
		(void) fwrite(p, 1, n, stdout);
		break;
	case F_HEX:
		(void) putchar('"');
		for (size_t i = 0; i < n; i++)
			(void) printf("\\x%02x", p[i]);
		(void) fputs("\"\n", stdout);
		break;
	}
	(void) fflush(stdout);
}

/* Read all of path ("-": standard input) into *bufp. */
static size_t
read_file(const char *path, unsigned char **bufp)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t len = 0, cap = 4096, n;
	unsigned char *buf;

	if (f == NULL)
		die("Can't open %s: %s", path, strerror(errno));
	if ((buf = malloc(cap)) == NULL)
		die("Out of memory");
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap && (buf = realloc(buf, cap *= 2)) == NULL)
			die("Out of memory");
	}
	if (ferror(f))
		die("Can't read %s: %s", path, strerror(errno));
	if (f != stdin)
		(void) fclose(f);
	*bufp = buf;
	return (len);
}

/*
 * Receive one message and print it.  Returns 1 on success, 0 when the
 * receive timed out (or, with dontwait, nothing was there).
 */
static int
recv_one(int s, enum fmt f, int dontwait)
{
	void *msg;
	int n;

	if ((n = nn_recv(s, &msg, NN_MSG, dontwait ? NN_DONTWAIT : 0)) < 0) {
		if (errno == ETIMEDOUT || errno == EAGAIN)
			return (0);
		die("Can't receive: %s", nn_strerror(errno));
	}
	print_msg(f, msg, (size_t)n);
	(void) nn_freemsg(msg);
	return (1);
}

/* Send; returns 0 on success, 1 if the send timed out. */
static int
send_one(int s, const void *data, size_t len)
{
	if (nn_send(s, data, len, 0) >= 0)
		return (0);
	if (errno == ETIMEDOUT || errno == EAGAIN) {
		if (verbose > 0)
			(void) fprintf(stderr,
			    "spcat: Message not sent (%s)\n",
			    nn_strerror(errno));
		return (1);
	}
	die("Can't send: %s", nn_strerror(errno));
	return (1);
}

/* Receive and print until at (a now() time; < 0: forever or timeout). */
static void
recv_until(int s, enum fmt f, double at)
{
	struct nn_pollfd pfd;
	int ms;

	for (;;) {
		if (at < 0) {
			if (!recv_one(s, f, 0))
				return;
			continue;
		}
		if ((ms = millis(at - now())) <= 0)
			return;
		pfd.fd = s;
		pfd.events = NN_POLLIN;
		pfd.revents = 0;
		if (nn_poll(&pfd, 1, ms) < 0)
			die("Can't poll: %s", nn_strerror(errno));
		if (pfd.revents & NN_POLLIN)
			(void) recv_one(s, f, 1);
	}
}

int
main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "silent", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "bind", required_argument, NULL, O_BIND },
		{ "connect", required_argument, NULL, O_CONNECT },
		{ "bind-ipc", required_argument, NULL, 'X' },
		{ "connect-ipc", required_argument, NULL, 'x' },
		{ "bind-local", required_argument, NULL, 'L' },
		{ "connect-local", required_argument, NULL, 'l' },
		{ "recv-timeout", required_argument, NULL, O_RECV_TIMEOUT },
		{ "send-timeout", required_argument, NULL, O_SEND_TIMEOUT },
		{ "socket-name", required_argument, NULL, O_SOCKET_NAME },
		{ "subscribe", required_argument, NULL, O_SUBSCRIBE },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "raw", no_argument, NULL, O_RAW },
		{ "ascii", no_argument, NULL, 'A' },
		{ "quoted", no_argument, NULL, 'Q' },
		{ "msgpack", no_argument, NULL, O_MSGPACK },
		{ "hex", no_argument, NULL, O_HEX },
		{ "interval", required_argument, NULL, 'i' },
		{ "delay", required_argument, NULL, 'd' },
		{ "data", required_argument, NULL, 'D' },
		{ "file", required_argument, NULL, 'F' },
		{ "push", no_argument, NULL, O_PROTO + 0 },
		{ "pull", no_argument, NULL, O_PROTO + 1 },
		{ "pub", no_argument, NULL, O_PROTO + 2 },
		{ "sub", no_argument, NULL, O_PROTO + 3 },
		{ "req", no_argument, NULL, O_PROTO + 4 },
		{ "rep", no_argument, NULL, O_PROTO + 5 },
		{ "pair", no_argument, NULL, O_PROTO + 6 },
		{ "surveyor", no_argument, NULL, O_PROTO + 7 },
		{ "respondent", no_argument, NULL, O_PROTO + 8 },
		{ "bus", no_argument, NULL, O_PROTO + 9 },
		{ NULL, 0, NULL, 0 }
	};
	/* Endpoints in command-line order: 'b'/'c' and the URL. */
	char (*eps)[NN_SOCKADDR_MAX + 1] = calloc((size_t)argc,
	    sizeof (*eps));
	const char **subs = calloc((size_t)argc, sizeof (*subs));
	int neps = 0, nsubs = 0, proto = -1, c, s, rc;
	double interval = -1, delay = 0, rto = -1, sto = -1;
	const char *name = NULL;
	unsigned char *data = NULL;
	size_t dlen = 0;
	enum fmt f = F_NONE;

	if (eps == NULL || subs == NULL)
		die("Out of memory");
	while ((c = getopt_long(argc, argv, "vqhX:x:L:l:AQi:d:D:F:", lopts,
	    NULL)) != -1) {
		const char *kind = NULL, *pre = "";

		switch (c) {
		case 'v': verbose++; break;
		case 'q': verbose--; break;
		case 'h': usage(stdout); return (0);
		case O_BIND: kind = "b"; break;
		case O_CONNECT: kind = "c"; break;
		case 'X': kind = "b"; pre = "ipc://"; break;
		case 'x': kind = "c"; pre = "ipc://"; break;
		case 'L': kind = "b"; pre = "tcp://127.0.0.1:"; break;
		case 'l': kind = "c"; pre = "tcp://127.0.0.1:"; break;
		case O_RECV_TIMEOUT: rto = seconds("--recv-timeout", optarg);
			break;
		case O_SEND_TIMEOUT: sto = seconds("--send-timeout", optarg);
			break;
		case O_SOCKET_NAME: name = optarg; break;
		case O_SUBSCRIBE: subs[nsubs++] = optarg; break;
		case O_FORMAT:
			if (strcmp(optarg, "raw") == 0)
				f = F_RAW;
			else if (strcmp(optarg, "ascii") == 0)
				f = F_ASCII;
			else if (strcmp(optarg, "quoted") == 0)
				f = F_QUOTED;
			else if (strcmp(optarg, "msgpack") == 0)
				f = F_MSGPACK;
			else if (strcmp(optarg, "hex") == 0)
				f = F_HEX;
			else if (strcmp(optarg, "no") == 0)
				f = F_NONE;
			else
				die("Unknown format \"%s\"", optarg);
			break;
		case O_RAW: f = F_RAW; break;
		case 'A': f = F_ASCII; break;
		case 'Q': f = F_QUOTED; break;
		case O_MSGPACK: f = F_MSGPACK; break;
		case O_HEX: f = F_HEX; break;
		case 'i': interval = seconds("--interval", optarg); break;
		case 'd': delay = seconds("--delay", optarg); break;
		case 'D':
			if (data != NULL)
				die("Only one of --data and --file may be "
				    "given");
			if ((data = (unsigned char *)strdup(optarg)) == NULL)
				die("Out of memory");
			dlen = strlen(optarg);
			break;
		case 'F':
			if (data != NULL)
				die("Only one of --data and --file may be "
				    "given");
			dlen = read_file(optarg, &data);
			break;
		default:
			if (c >= O_PROTO && c < O_PROTO + (int)NPROTOS) {
				if (proto >= 0 && proto != c - O_PROTO)
					die("Only one socket type may be "
					    "given");
				proto = c - O_PROTO;
				break;
			}
			usage(stderr);
			return (1);
		}
		if (kind != NULL) {
			if (snprintf(eps[neps], sizeof (eps[neps]), "%s%s%s",
			    kind, pre, optarg) >= (int)sizeof (eps[neps]))
				die("Address too long: %s%s", pre, optarg);
			neps++;
		}
	}
	if (optind < argc)
		die("Unexpected argument \"%s\"", argv[optind]);
	if (proto < 0)
		die("A socket type is required: --push, --pull, --pub, "
		    "--sub, --req, --rep or --pair");
	if (protos[proto].nn == 0)
		die("--%s is not supported: libspshim implements PAIR, "
		    "PUSH/PULL, PUB/SUB and REQ/REP", protos[proto].name);
	if (neps == 0)
		die("At least one of --bind, --connect, --bind-ipc, "
		    "--connect-ipc, --bind-local or --connect-local is "
		    "required");
	switch (protos[proto].nn) {
	case NN_PUSH:
	case NN_PUB:
	case NN_REQ:
		if (data == NULL)
			die("Option --%s requires --data or --file",
			    protos[proto].name);
		break;
	case NN_PULL:
	case NN_SUB:
		if (data != NULL)
			die("Option --data/--file is not allowed with --%s",
			    protos[proto].name);
		break;
	default:
		break;
	}
	if (nsubs > 0 && protos[proto].nn != NN_SUB)
		die("Option --subscribe requires --sub");

	if ((s = nn_socket(AF_SP, protos[proto].nn)) < 0)
		die("Can't create socket: %s", nn_strerror(errno));
	if (name != NULL && nn_setsockopt(s, NN_SOL_SOCKET, NN_SOCKET_NAME,
	    name, strlen(name)) != 0)
		die("Can't set the socket name: %s", nn_strerror(errno));
	if (rto >= 0) {
		int ms = millis(rto);

		if (nn_setsockopt(s, NN_SOL_SOCKET, NN_RCVTIMEO, &ms,
		    sizeof (ms)) != 0)
			die("Can't set the receive timeout: %s",
			    nn_strerror(errno));
	}
	if (sto >= 0) {
		int ms = millis(sto);

		if (nn_setsockopt(s, NN_SOL_SOCKET, NN_SNDTIMEO, &ms,
		    sizeof (ms)) != 0)
			die("Can't set the send timeout: %s",
			    nn_strerror(errno));
	}
	if (protos[proto].nn == NN_SUB) {
		if (nsubs == 0)
			subs[nsubs++] = "";
		for (int i = 0; i < nsubs; i++) {
			if (nn_setsockopt(s, NN_SUB, NN_SUB_SUBSCRIBE, subs[i],
			    strlen(subs[i])) != 0)
				die("Can't subscribe to \"%s\": %s", subs[i],
				    nn_strerror(errno));
		}
	}
	for (int i = 0; i < neps; i++) {
		const char *url = eps[i] + 1;
		int bind = eps[i][0] == 'b';

		rc = bind ? nn_bind(s, url) : nn_connect(s, url);
		if (rc < 0)
			die("Can't %s to %s: %s", bind ? "bind" : "connect",
			    url, nn_strerror(errno));
		if (verbose > 1)
			(void) fprintf(stderr, "spcat: %s %s (endpoint %d)\n",
			    bind ? "bound to" : "connecting to", url, rc);
	}

	if (delay > 0)
		sleep_sec(delay);
	switch (protos[proto].nn) {
	case NN_PUSH:
	case NN_PUB:
		for (;;) {
			double next = now() + interval;

			if (send_one(s, data, dlen) != 0 && interval < 0)
				return (1);
			if (interval < 0)
				break;
			if (next > now())
				sleep_sec(next - now());
		}
		break;
	case NN_PULL:
	case NN_SUB:
		recv_until(s, f, -1);
		break;
	case NN_REQ:
		for (;;) {
			double next = now() + interval;

			if (send_one(s, data, dlen) == 0)
				(void) recv_one(s, f, 0);
			if (interval < 0)
				break;
			if (next > now())
				sleep_sec(next - now());
		}
		break;
	case NN_REP:
		for (;;) {
			if (!recv_one(s, f, 0))
				break;
			if (data != NULL)
				(void) send_one(s, data, dlen);
		}
		break;
	case NN_PAIR:
		if (data == NULL) {
			recv_until(s, f, -1);
			break;
		}
		for (;;) {
			double next = now() + interval;

			(void) send_one(s, data, dlen);
			if (interval < 0) {
				recv_until(s, f, -1);
				break;
			}
			recv_until(s, f, next);
		}
		break;
	}
	/* nn_close waits (NN_LINGER) for queued messages to go out. */
	(void) nn_close(s);
	free(data);
	free(eps);
	free(subs);
	return (0);
}
