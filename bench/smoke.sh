#!/bin/sh
# The benchmarks still run and their loops still check what they receive
# (every message bounced, every ready fd reported once).  Tiny sizes, both
# backends; no timing is judged here: `make bench` measures.
set -eu
bin=${top_builddir:-.}/bench
for be in epoll poll; do
	export SOCKSHIM_PORT_BACKEND=$be
	"$bin/pingpong" -n 2000 -m 4 -b 8 -r 1 | grep '^RESULT pingpong '
	"$bin/drain" -k 200 -r 1 | grep '^RESULT drain '
	"$bin/assocmem" -n 500 | grep '^RESULT assocmem '
	"$bin/timers" -n 50 -r 1 | grep '^RESULT timers '
done
