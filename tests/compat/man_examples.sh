#!/bin/sh
# man_examples.sh: build and run the EXAMPLES of the compat man pages with
# man/extract-examples.sh (which by default checks only port_*.3c).
set -u
src=${top_srcdir:-.}
exec sh "$src/man/extract-examples.sh" "$src/man/getipnodebyname.3socket" \
    "$src/man/getpeerucred.3c"
