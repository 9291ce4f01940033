#!/bin/sh
# examples.sh: build and run the EXAMPLES of the libspshim man pages
# (man/sp/*.3sp) with man/extract-examples.sh, linked with libspshim.
# The alias pages (.so stubs) have no examples of their own.
set -u
src=${top_srcdir:-.}
build=${top_builddir:-.}
if [ ! -f "$build/lib/libspshim.la" ]; then
	echo "examples.sh: $build/lib/libspshim.la is not built" >&2
	exit 99
fi
EXAMPLES_LIBS="$build/lib/libspshim.la $build/lib/libsocket.la"
export EXAMPLES_LIBS
exec sh "$src/man/extract-examples.sh" "$src"/man/sp/*.3sp
