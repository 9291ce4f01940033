#!/bin/sh
# installed_example.sh STAGE: the installed layout works.  After
# `make install DESTDIR=STAGE` (prefix /usr/local), the program of EXAMPLES
# in illumos' connect(3SOCKET) builds with exactly
# `cc example.c -lsocket -lnsl` -- the compiler and linker find the stage
# through environment variables only (CPATH, LIBRARY_PATH, LD_LIBRARY_PATH),
# never through the system's /usr or /usr/local -- and works.  The overlay
# headers stay transparent to programs that do not want the illumos names.
#
# tools/test.sh runs it on a staged install; `make installcheck-compat`
# does the same by hand.  It never installs anything itself.
set -u
me=installed_example
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

stage=${1:?usage: installed_example.sh STAGE-DIR}
stage=$(cd "$stage" && pwd) || exit 1
inc=$stage/usr/local/include
lib=$stage/usr/local/lib
if [ ! -r "$inc/port.h" ] || [ ! -e "$lib/libsocket.so" ]; then
	echo "$me: $stage holds no staged install (make install DESTDIR=...)"
	exit 1
fi
CPATH=$inc${CPATH:+:$CPATH}
LIBRARY_PATH=$lib${LIBRARY_PATH:+:$LIBRARY_PATH}
LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export CPATH LIBRARY_PATH LD_LIBRARY_PATH
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
check "-I$inc changes nothing" \
    cc -I"$inc" -Wall -Wextra -Werror -o use2 overlay_use.c \
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
