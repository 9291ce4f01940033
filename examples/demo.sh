#!/bin/sh
# The async-connect demo (tools/demo.sh): an illumos-style asynchronous
# connect through an event port, against a listener on 127.0.0.1, once per
# event-port backend.  Usage: sh examples/demo.sh BUILD-DIR
# BUILD-DIR must have examples/async_connect and examples/listen_once built
# (make examples/async_connect examples/listen_once).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_builddir=${1:-.}
export top_builddir
exec sh "$here/async_connect.sh"
