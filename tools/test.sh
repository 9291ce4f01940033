#!/bin/sh
# The whole test suite, as CI runs it (.ci/run calls this and nothing else):
#   1. install missing Debian packages (as root);
#   2. build with -Wall -Wextra -Werror and run `make check` (every backend);
#   3. build again with -fsanitize=address,undefined and run `make check`;
#   4. build with -fsanitize=thread and run the event-port suite (threads);
#   5. `make distcheck`;
#   6. `make install DESTDIR=_build/stage` (never into the system), and the
#      illumos example built against the stage with exactly
#      `cc example.c -lsocket -lnsl` (environment variables point at it);
#   7. `make check-consumers`: libevent's regression suite on our event ports.
# Each step prints how long it took.  SOCKSHIM_QUICK=1 stops after step 2.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=${JOBS:-2}
t_start=$(date +%s)
t_step=$t_start
step() {
	now=$(date +%s)
	if [ -n "${step_name:-}" ]; then
		printf '=== %s: %ss\n' "$step_name" $((now - t_step))
	fi
	step_name=$*
	t_step=$now
	printf '\n=== %s\n' "$*"
}

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

step "event-port suite under -fsanitize=thread"
rm -rf _build/tsan && mkdir -p _build/tsan && cd _build/tsan
../../configure --enable-werror CFLAGS="-O1 -g -fsanitize=thread" \
    LDFLAGS="-fsanitize=thread" >configure.out 2>&1 ||
    { cat configure.out; exit 1; }
make -j"$jobs" lib/libsocket.la tests/check_ports >/dev/null
TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$top/tests/tsan.supp" \
    ./tests/check_ports >tsan.log 2>&1 ||
    { cat tsan.log; exit 1; }
grep -E '^[0-9]+%' tsan.log
cd "$top"

step "distcheck"
cd _build/werror
make -j"$jobs" distcheck >distcheck.out 2>&1 || { tail -60 distcheck.out; exit 1; }
grep -E 'archives ready|tar\.gz' distcheck.out | head -3
cd "$top"

step "staged install: cc example.c -lsocket -lnsl against it"
# Never into the system: the stage sits under _build/ and is found through
# CPATH, LIBRARY_PATH and LD_LIBRARY_PATH only.
cd _build/werror
rm -rf "$top/_build/stage"
make install DESTDIR="$top/_build/stage" >/dev/null
sh "$top/tests/compat/installed_example.sh" "$top/_build/stage"
cd "$top"

step "consumers"
cd _build/werror
make check-consumers >consumers.out 2>&1 || { cat consumers.out; exit 1; }
cat consumers.out
cd "$top"

# One closing line for the whole run: automake test scripts and programs of
# both builds (each Check program runs every backend), the event-port
# program under TSan, plus libevent's suite.
pass=1 fail=0	# the TSan run of tests/check_ports (the script stops if it fails)
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
step "done"
echo "tools/test.sh: all steps passed in $(( $(date +%s) - t_start ))s"
echo "sockshim: $pass passed, $fail failed"
