#!/bin/sh
# Compile and run the EXAMPLES of connect(3SOCKET) with the project's
# extractor (man/extract-examples.sh), which by default reads only the
# event-port pages.
set -u
srcdir=${top_srcdir:-.}
exec sh "$srcdir/man/extract-examples.sh" "$srcdir/man/connect.3socket"
