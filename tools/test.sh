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
make check-consumers >consumers.out 2>&1 || { cat consumers.out; exit 1; }
cat consumers.out
cd "$top"

# One closing line for the whole run: automake test scripts and programs of
# both builds (each Check program runs every backend), plus libevent's suite.
pass=0 fail=0
for log in _build/werror/test-suite.log _build/asan/test-suite.log; do
	p=$(sed -n 's/^# PASS: *//p' "$log" | head -1)
	f=$(sed -n 's/^# FAIL: *//p' "$log" | head -1)
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-0}))
done
c=$(sed -n 's/.*regress (evport): \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' \
    _build/werror/consumers.out | tail -1)
set -- $c
pass=$((pass + ${1:-0}))
fail=$((fail + ${2:-0}))
echo
echo "tools/test.sh: all steps passed"
echo "sockshim: $pass passed, $fail failed"
