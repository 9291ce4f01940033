#!/bin/sh
# man_examples.sh: build and run the EXAMPLES of the <sockshim/connect.h>
# man pages with man/extract-examples.sh (which by default checks only
# port_*.3c).  The alias pages have no examples of their own.
set -u
src=${top_srcdir:-.}
exec sh "$src/man/extract-examples.sh" \
    "$src/man/sockshim_connect_start.3socket" \
    "$src/man/sockshim_connect_wait.3socket" \
    "$src/man/sockshim_dial.3socket"
