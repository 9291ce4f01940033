#!/bin/sh
# seed_example.sh: the program of EXAMPLES in illumos' connect(3SOCKET)
# (tests/compat/illumos_example.c), compiled the way the page says, with
# the same includes and calls and "-lsocket -lnsl", against this build tree
# instead of an install, then run against loopback peers.
set -u
me=seed_example
src=${top_srcdir:-.}
bld=${top_builddir:-.}
. "$bld/tests/compat/env.sh"
. "$src/tests/compat/lib.sh"

libs=$bld/lib/.libs
if [ ! -f "$libs/libsocket.so" ]; then
	echo "$me: $libs/libsocket.so not built (shared libraries disabled?)"
	exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

cp "$src/tests/compat/illumos_example.c" "$tmp/example.c"
# shellcheck disable=SC2086
check "cc example.c -lsocket -lnsl (build tree, -Wall -Werror)" \
    $CC $CPPFLAGS $CFLAGS -Wall -Wextra -Werror -I"$src/include" \
    -o "$tmp/example" "$tmp/example.c" $LDFLAGS -L"$libs" -lsocket -lnsl
# -lnsl: the system's libnsl, or our stub where the system has none.
if [ "$nsl_stub" = yes ]; then
	check "-lnsl is the stub built here" test -f "$libs/libnsl.so"
else
	check "-lnsl is the system's (no stub built)" \
	    test ! -e "$libs/libnsl.so"
fi

if [ -x "$tmp/example" ]; then
	LD_LIBRARY_PATH=$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	export LD_LIBRARY_PATH
	run_example "$tmp/example" "$bld/tests/compat/listener"
fi
finish
