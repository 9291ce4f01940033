#!/bin/sh
# installed_example.sh: after `make install` into the default prefix
# (/usr/local), the program of EXAMPLES in illumos' connect(3SOCKET) builds
# with exactly `cc example.c -lsocket -lnsl` -- no -I, no -L, no
# LD_LIBRARY_PATH -- and works.  The installed overlay headers stay
# transparent to programs that do not want the illumos names.
#
# Not part of `make check`: CI runs it as root after `make install`
# (also `make installcheck-compat`).  Exit 77 when not root.
set -u
me=installed_example
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "$me: skipped: needs root (runs after make install into" \
	    "/usr/local)"
	exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cp "$here/illumos_example.c" "$tmp/example.c"
cp "$here/listener.c" "$here/overlay_use.c" "$tmp/"
cd "$tmp" || exit 1

check "cc example.c -lsocket -lnsl" cc example.c -lsocket -lnsl
check "cc listener.c" cc -o listener listener.c
if [ -x a.out ] && [ -x listener ]; then
	run_example ./a.out ./listener
fi

# The overlays, now in front of the system headers for every program.
check "plain C program uses the illumos names (cc -Wall -Werror)" \
    cc -Wall -Wextra -Werror -o use overlay_use.c -lsocket -lnsl
if [ -x use ]; then
	check "and runs" ./use
fi
check "strict C99 program with clashing names builds" \
    cc -std=c99 -pedantic -Wall -Wextra -Werror -DCLASH \
    -c -o clash.o overlay_use.c
check "C program with clashing names builds with -DSOCKSHIM_NO_OVERLAY" \
    cc -Wall -Wextra -Werror -DCLASH -DSOCKSHIM_NO_OVERLAY \
    -c -o clash.o overlay_use.c
check "-I/usr/local/include changes nothing" \
    cc -I/usr/local/include -Wall -Wextra -Werror -o use2 overlay_use.c \
    -lsocket -lnsl
if command -v c++ >/dev/null 2>&1; then
	check "C++ program uses the illumos names (c++ -Wall -Werror)" \
	    c++ -x c++ -Wall -Wextra -Werror -o usexx overlay_use.c \
	    -lsocket -lnsl
	check "C++ program with clashing names, -DSOCKSHIM_NO_OVERLAY" \
	    c++ -x c++ -Wall -Wextra -Werror -DCLASH -DSOCKSHIM_NO_OVERLAY \
	    -c -o clashxx.o overlay_use.c
else
	skip "no C++ compiler"
fi
finish
