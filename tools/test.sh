#!/bin/sh
# The whole test suite, as CI runs it (.ci/run calls this and nothing else):
#   1. install missing Debian packages (as root);
#   2. build with -Wall -Wextra -Werror and run `make check` (every backend);
#   3. build again with -fsanitize=address,undefined and run `make check`;
#   4. `make distcheck`;
#   5. as root: `make install` into /usr/local, build the illumos example with
#      exactly `cc example.c -lsocket -lnsl`, then uninstall;
#   6. `make check-consumers`: libevent's regression suite on our event ports.
# Set SOCKSHIM_QUICK=1 to stop after step 2.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=${JOBS:-2}
step() { printf '\n=== %s\n' "$*"; }

step "dependencies"
sh tools/deps.sh

step "bootstrap"
./bootstrap >/dev/null 2>&1 || ./bootstrap

step "build and test (-Werror)"
rm -rf _build/werror && mkdir -p _build/werror && cd _build/werror
../../configure --enable-werror >configure.out 2>&1 || { cat configure.out; exit 1; }
make -j"$jobs" >/dev/null
make -j"$jobs" check || { cat test-suite.log; exit 1; }
cd "$top"
[ "${SOCKSHIM_QUICK:-0}" = 1 ] && exit 0

step "build and test under -fsanitize=address,undefined"
rm -rf _build/asan && mkdir -p _build/asan && cd _build/asan
../../configure --enable-werror \
    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
    LDFLAGS="-fsanitize=address,undefined" >configure.out 2>&1 ||
    { cat configure.out; exit 1; }
make -j"$jobs" >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
    make -j"$jobs" check || { cat test-suite.log; exit 1; }
cd "$top"

step "distcheck"
cd _build/werror
make -j"$jobs" distcheck >distcheck.out 2>&1 || { tail -60 distcheck.out; exit 1; }
grep -E 'archives ready|tar\.gz' distcheck.out | head -3
cd "$top"

if [ "$(id -u)" = 0 ]; then
	step "install into the default prefix: cc example.c -lsocket -lnsl"
	cd _build/werror
	make install >/dev/null
	for t in "$top"/tests/compat/installed_example.sh; do
		[ -x "$t" ] || continue
		sh "$t" || { rc=$?; [ $rc = 77 ] || { make uninstall >/dev/null; exit $rc; }; }
	done
	make uninstall >/dev/null
	cd "$top"
fi

step "consumers"
cd _build/werror
make check-consumers
cd "$top"
echo
echo "tools/test.sh: all steps passed"
