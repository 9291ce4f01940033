#!/bin/sh
# Build sockshim (installing missing Debian packages as root) and run the
# main demo: an illumos-style asynchronous connect through event ports,
# against a listener on 127.0.0.1, once per event-port backend.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh tools/deps.sh
./bootstrap >/dev/null 2>&1 || ./bootstrap
mkdir -p _build/demo && cd _build/demo
[ -f Makefile ] || ../../configure >/dev/null
make -j2 >/dev/null
make -j2 examples/async_connect examples/listen_once >/dev/null 2>&1 || true
sh "$top/examples/demo.sh" .
