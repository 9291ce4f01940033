#!/bin/sh
# make check: the connect storm still builds and runs (a small one, once
# per backend); its timings are judged only by `make bench-connect'.
set -u
prog=${top_builddir:-.}/bench/connect_storm
for b in ${PORT_BACKENDS:-epoll poll}; do
	SOCKSHIM_PORT_BACKEND=$b "$prog" -n 200 -r 1 || exit 1
done
