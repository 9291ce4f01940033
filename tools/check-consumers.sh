#!/bin/sh
# check-consumers.sh: build a real event-port consumer against this build of
# sockshim and run the consumer's own test suite on its event-port backend.
#
# Consumer: libevent 2.1.12 from Debian's source package (`apt-get source
# libevent`, downloaded at run time into the build directory; nothing of
# libevent is kept in our tree).  Its configure must find port_create() by
# itself (AC_CHECK_FUNCS(port_create) -> HAVE_EVENT_PORTS); we only point it
# at a private install of this build.  Then libevent's per-backend suite (what
# its test/test.sh runs: test-eof ... test-dumpevents, regress, and regress
# with EVENT_DEBUG_MODE=1) runs with only the evport backend allowed, and
# EVENT_SHOW_METHOD=1 must show that every event base used evport.
#
# Usage: check-consumers.sh --srcdir DIR --builddir DIR [--workdir DIR]
#   (normally run as `make check-consumers` from a configured build tree)
# Environment:
#   CHECK_CONSUMERS_BACKENDS  libevent backends to run (default "EVPORT";
#                             e.g. "EVPORT EPOLL POLL SELECT" to compare)
#   CHECK_CONSUMERS_JOBS      make -j for libevent (default 2)
#   CHECK_CONSUMERS_RETRY=0   do not rerun failed regress tests once
#
# Needs apt (a Debian system) and network.  As root it adds a deb-src entry
# and installs missing build tools itself; otherwise it fails and says what
# is missing.  It never skips: if the source cannot be fetched, that is a
# failure.  Exit status 0 only if everything passed.
set -u

me=check-consumers
LIBEVENT_UPSTREAM=2.1.12
LIBEVENT_DIR=libevent-2.1.12-stable
DEBSRC_FILE=/etc/apt/sources.list.d/sockshim-deb-src.sources
REQUIRED_PKGS="dpkg-dev autoconf automake libtool make gcc libc6-dev"
# Debian's own Build-Depends for libevent (libssl-dev), plus zlib1g-dev, so
# that the suite's OpenSSL and zlib bufferevent tests are built as well.
OPTIONAL_PKGS="libssl-dev zlib1g-dev"

# Tests left out of the libevent run, one per line: name, then the reason.
# Only tests that fail with every libevent backend on Debian 12 for reasons
# outside sockshim belong here.  They still run once per evport run as a
# control: one that fails on evport but passes on epoll is a failure.
EXCLUDED_TESTS='
http/https_incomplete  libevent 2.1.12 vs OpenSSL 3 (libevent issue #1212, fixed after 2.1.12 by PR #1288): fails on epoll, poll and select too
http/https_incomplete_timeout  same OpenSSL 3 dirty-shutdown change (libevent #1212)
http/https_chunk_out  same OpenSSL 3 dirty-shutdown change (libevent #1212)
ssl/bufferevent_socketpair_dirty_shutdown  same OpenSSL 3 dirty-shutdown change (libevent #1212)
ssl/bufferevent_renegotiate_socketpair_dirty_shutdown  same OpenSSL 3 dirty-shutdown change (libevent #1212)
ssl/bufferevent_socketpair_startopen_dirty_shutdown  same OpenSSL 3 dirty-shutdown change (libevent #1212)
'
# Tests that deliberately bypass EVENT_NO* (EVENT_BASE_FLAG_IGNORE_ENV or
# clearing the variables) and so may report another method.
METHOD_EXEMPT="main/methods main/base_environ"
SMALL_TESTS="test-eof test-closed test-weof test-time test-changelist test-fdleak"

say() { printf '%s: %s\n' "$me" "$*"; }
fail() {
	printf '%s: FAIL: %s\n' "$me" "$*" >&2
	printf '%s: libevent %s (%s): FAIL\n' "$me" "$LIBEVENT_UPSTREAM" \
	    "$(echo "$backends" | tr 'A-Z' 'a-z')"
	exit 1
}
# Show the end of a log after a failed step.
showlog() { echo "--- last lines of $1:"; tail -n "${2:-25}" "$1"; echo "---"; }
is_root() { [ "$(id -u)" = 0 ]; }

srcdir='' builddir='' workdir=''
backends=${CHECK_CONSUMERS_BACKENDS:-EVPORT}
jobs=${CHECK_CONSUMERS_JOBS:-2}
while [ $# -gt 0 ]; do
	case $1 in
	--srcdir) srcdir=$2; shift 2 ;;
	--builddir) builddir=$2; shift 2 ;;
	--workdir) workdir=$2; shift 2 ;;
	*) echo "usage: $0 --srcdir DIR --builddir DIR [--workdir DIR]" >&2
	   exit 2 ;;
	esac
done
[ -n "$srcdir" ] && [ -f "$srcdir/include/port.h" ] ||
    fail "--srcdir must be the sockshim source tree (got '$srcdir')"
[ -n "$builddir" ] && [ -f "$builddir/config.status" ] ||
    fail "--builddir must be a configured sockshim build tree (got '$builddir')"
builddir=$(cd "$builddir" && pwd)
workdir=${workdir:-$builddir/_consumers}
logs=$workdir/logs
for b in $backends; do
	case $b in
	EVPORT|EPOLL|POLL|SELECT) ;;
	*) fail "unknown backend '$b' (EVPORT, EPOLL, POLL or SELECT)" ;;
	esac
done

# Recipes run from make would pass its flags and command-line variables
# (prefix=..., -j jobserver) on to libevent's make; keep them out.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
start=$(date +%s)

# --- 1. Tools and the deb-src entry ---------------------------------------
command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1 ||
    fail "needs a Debian system with apt-get (libevent comes from Debian's source package)"

pkg_ok() {
	dpkg-query -W -f '${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}
have_src() {
	apt-cache showsrc libevent 2>/dev/null |
	    grep -q "^Version: $LIBEVENT_UPSTREAM-stable-"
}
apt_updated=no
apt_update() {
	[ $apt_updated = yes ] && return 0
	say "apt-get update"
	apt-get -o DPkg::Lock::Timeout=300 update >"$logs/apt-update.log" 2>&1 || {
		showlog "$logs/apt-update.log"
		fail "apt-get update failed: cannot fetch Debian's source package for libevent"
	}
	apt_updated=yes
}

rm -rf "$workdir" || fail "cannot remove old $workdir"
mkdir -p "$logs" || fail "cannot create $workdir"

if ! have_src; then
	is_root || fail "no deb-src entry provides libevent $LIBEVENT_UPSTREAM" \
	    "(add one mirroring your 'deb' entry, e.g. $DEBSRC_FILE, and" \
	    "run apt-get update; or run this as root)"
	if [ ! -f "$DEBSRC_FILE" ]; then
		# Mirror the 'deb' entries: same URIs, suites, components, keys.
		if [ -f /etc/apt/sources.list.d/debian.sources ]; then
			say "adding deb-src entries: $DEBSRC_FILE"
			sed -e 's/^Types:[[:space:]]*deb[[:space:]]*$/Types: deb-src/' \
			    /etc/apt/sources.list.d/debian.sources >"$DEBSRC_FILE"
		elif [ -f /etc/apt/sources.list ]; then
			DEBSRC_FILE=/etc/apt/sources.list.d/sockshim-deb-src.list
			say "adding deb-src entries: $DEBSRC_FILE"
			sed -n -e 's/^deb[[:space:]]/deb-src /p' \
			    /etc/apt/sources.list >"$DEBSRC_FILE"
		fi
		[ -s "$DEBSRC_FILE" ] && grep -q 'deb-src' "$DEBSRC_FILE" ||
		    fail "found no 'deb' entry in /etc/apt to mirror as deb-src"
	fi
	apt_update
	have_src || fail "apt knows no source package libevent $LIBEVENT_UPSTREAM" \
	    "(deb-src entries: $DEBSRC_FILE)"
fi

missing=
for p in $REQUIRED_PKGS; do pkg_ok "$p" || missing="$missing $p"; done
optional=
for p in $OPTIONAL_PKGS; do pkg_ok "$p" || optional="$optional $p"; done
if [ -n "$missing$optional" ]; then
	if is_root; then
		apt_update
		say "apt-get install$missing$optional"
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 \
		    install -y --no-install-recommends $missing $optional \
		    >"$logs/apt-install.log" 2>&1 || {
			showlog "$logs/apt-install.log"
			fail "apt-get install$missing$optional failed"
		}
	elif [ -n "$missing" ]; then
		fail "missing packages:$missing (install them, or run this as root)"
	else
		say "note: not installed:$optional; libevent's OpenSSL/zlib tests will not be built"
	fi
fi

# --- 2. Fetch the source package ------------------------------------------
src=$workdir/src
mkdir -p "$src"
say "apt-get source libevent (into $src)"
(cd "$src" && apt-get source --only-source libevent) >"$logs/apt-source.log" 2>&1 || {
	showlog "$logs/apt-source.log"
	fail "could not fetch Debian's source package libevent"
}
lev=$src/$LIBEVENT_DIR
[ -f "$lev/configure.ac" ] || {
	ls "$src" >>"$logs/apt-source.log"
	fail "Debian's libevent source is not upstream $LIBEVENT_UPSTREAM" \
	    "(no $LIBEVENT_DIR in $src): see $logs/apt-source.log"
}
say "got $(sed -n 's/^Version: //p' "$src"/libevent_*.dsc | head -n 1)"

# --- 3. Install this build into a private prefix --------------------------
# DESTDIR keeps every installed file (man pages too) under $workdir whatever
# prefix and directories the build was configured with.
dest=$workdir/destdir
say "installing sockshim from $builddir into $dest"
make -C "$builddir" install DESTDIR="$dest" >"$logs/sockshim-install.log" 2>&1 || {
	showlog "$logs/sockshim-install.log"
	fail "make install DESTDIR=$dest failed in $builddir"
}
inc=$(find "$dest" -path '*/include/port.h' | head -n 1)
lib=$(find "$dest" -name 'libsocket.so' -o -name 'libsocket.a' | head -n 1)
[ -n "$inc" ] && [ -n "$lib" ] ||
    fail "no include/port.h or libsocket.so under $dest"
inc=$(dirname "$inc")
lib=$(dirname "$lib")
# The .la files record the configured libdir, not this one; without them
# libtool links the plain -lsocket found through -L.
rm -f "$lib"/*.la

# --- 4. Configure and build libevent --------------------------------------
cd "$lev" || fail "cannot enter $lev"
# Debian's patches change Makefile.am; regenerate with this system's tools.
say "autoreconf -fi"
autoreconf -fi >"$logs/libevent-autoreconf.log" 2>&1 || {
	showlog "$logs/libevent-autoreconf.log"
	fail "autoreconf failed for libevent"
}
ssl=
[ -f /usr/include/openssl/ssl.h ] || ssl=--disable-openssl
say "configure (CPPFLAGS=-I$inc LDFLAGS=-L$lib LIBS=-lsocket $ssl)"
./configure --disable-shared --disable-samples --disable-libevent-install \
    $ssl CPPFLAGS="-I$inc" LDFLAGS="-L$lib -Wl,-rpath,$lib" LIBS=-lsocket \
    >"$logs/libevent-configure.log" 2>&1 || {
	showlog "$logs/libevent-configure.log"
	fail "libevent's configure failed (see also $lev/config.log)"
}
grep -q '^checking for port_create\.\.\. yes' "$logs/libevent-configure.log" ||
    fail "libevent's configure did not find port_create (see $lev/config.log)"
for d in HAVE_PORT_H HAVE_PORT_CREATE HAVE_EVENT_PORTS; do
	grep -q "^#define $d 1" config.h ||
	    fail "libevent's config.h lacks '#define $d 1'"
done
say "configure found port_create: HAVE_PORT_CREATE, HAVE_EVENT_PORTS set"

say "make -j$jobs"
make -j"$jobs" >"$logs/libevent-make.log" 2>&1 || {
	showlog "$logs/libevent-make.log"
	fail "building libevent failed"
}
for f in test/regress test/test-init $SMALL_TESTS test/test-dumpevents; do
	case $f in test/*) ;; *) f=test/$f ;; esac
	[ -x "$f" ] || fail "libevent did not build $f"
done
nm .libs/libevent_core.a 2>/dev/null | grep -q ' evportops$' ||
    fail "evport.c was not compiled into libevent_core"
if [ -f "$lib/libsocket.so" ]; then
	ldd test/regress | grep -q "libsocket\.so.* => $lib/" ||
	    fail "test/regress does not load libsocket from $lib"
fi
say "evport.c compiled; test/regress uses $lib/libsocket"

# --- 5. Run the suite per backend ------------------------------------------
# List of excluded tests that exist in this build (the OpenSSL tests only
# exist when OpenSSL was found).
./test/regress --list-tests >"$logs/regress-list.txt" 2>&1
echo "$EXCLUDED_TESTS" | while read -r t reason; do
	[ -n "$t" ] && grep -q "^    $t\$" "$logs/regress-list.txt" && echo "$t"
done >"$logs/excluded.txt"
excluded=$(cat "$logs/excluded.txt")
skipargs=
for t in $excluded; do skipargs="$skipargs :$t"; done
n_excl=$(echo $excluded | wc -w)

backend_env() {
	for x in EVPORT KQUEUE EPOLL DEVPOLL POLL SELECT WIN32; do
		eval "EVENT_NO$x=yes; export EVENT_NO$x"
	done
	unset "EVENT_NO$1" EVENT_EPOLL_USE_CHANGELIST EVENT_PRECISE_TIMER \
	    EVENT_DEBUG_MODE
	EVENT_SHOW_METHOD=1
	export EVENT_SHOW_METHOD
}

# check_methods LOG METHOD: every event base reported METHOD (other than in
# tests that bypass the environment on purpose).
check_methods() {
	awk -v m="$2" -v exempt=" $METHOD_EXEMPT " '
	    /^[a-z_0-9]+\/[A-Za-z_0-9]+: / { t = $1; sub(/:$/, "", t) }
	    /libevent using: / {
		u = $0; sub(/.*libevent using: /, "", u); sub(/[[:space:]].*/, "", u)
		if (u == m) ok++
		else if (index(exempt, " " t " ") == 0) {
			print "  " t ": libevent used " u ", not " m; bad++
		}
	    }
	    END { if (bad || !ok) exit 1 }' "$1"
}
failed_names() {
	awk '/^[a-z_0-9]+\/[A-Za-z_0-9]+: / { t = $1; sub(/:$/, "", t) }
	    /^  \[.* FAILED\]$/ { print t }' "$1"
}
# run_regress NAME LOG [ARGS]: run test/regress; set passed, failed, skipped,
# disabled and flaky.  A failed test is run once more on its own: several
# of libevent's tests assert timings (e.g. main/loopexit: 300 ms +- 50 ms)
# that a loaded machine can miss.  One that passes then counts as passed
# but is named as flaky in the summary (CHECK_CONSUMERS_RETRY=0: no rerun).
run_regress() {
	rname=$1 rlog=$2
	shift 2
	flaky=
	timeout 1200 ./test/regress "$@" >"$rlog" 2>&1
	rc=$?
	sum=$(grep -E '^[0-9]+/[0-9]+ TESTS FAILED\.|^[0-9]+ tests ok\.' "$rlog" | tail -n 1)
	case $sum in
	*"TESTS FAILED."*)
		failed=${sum%%/*}
		total=${sum#*/}; total=${total%% *}
		passed=$((total - failed)) ;;
	*"tests ok."*)
		passed=${sum%% *}; failed=0 ;;
	*)
		say "$rname: no summary from test/regress (exit $rc; 124 = timeout); see $rlog"
		passed=0; failed=1; skipped=0; disabled=0
		return 1 ;;
	esac
	# tinytest counts excluded and off-by-default tests twice in its
	# "(N skipped)"; count from the per-test lines instead.
	skipped=$(grep -c 'SKIPPED$' "$rlog")
	disabled=$(grep -c ': DISABLED$' "$rlog")
	[ "$rc" = 0 ] && [ "$failed" = 0 ] && return 0
	[ "$failed" = 0 ] && failed=1
	for t in $(failed_names "$rlog"); do
		if [ "${CHECK_CONSUMERS_RETRY:-1}" != 0 ] &&
		    timeout 300 ./test/regress "$t" >>"$rlog.rerun" 2>&1; then
			say "$rname: $t failed, passed when run again (flaky); see $rlog"
			flaky="$flaky $t"
			passed=$((passed + 1))
			failed=$((failed - 1))
		else
			say "$rname: FAILED: $t; see $rlog"
		fi
	done
	[ -f "$rlog.rerun" ] && ! check_methods "$rlog.rerun" "$m" && failed=$((failed + 1))
	[ "$failed" = 0 ]
}

overall=0
summary=
for b in $backends; do
	m=$(echo "$b" | tr 'A-Z' 'a-z')
	blog=$logs/$m
	mkdir -p "$blog"
	backend_env "$b"
	bfail=0
	say "=== libevent $LIBEVENT_UPSTREAM, backend $m (EVENT_NO* for all others)"

	./test/test-init >"$blog/test-init.log" 2>&1 &&
	    grep -q "libevent using: $m\$" "$blog/test-init.log" || {
		showlog "$blog/test-init.log" 5
		fail "libevent did not select $m (EVENT_SHOW_METHOD output above)"
	}
	say "EVENT_SHOW_METHOD: $(grep 'libevent using' "$blog/test-init.log")"

	# The small per-backend programs of test/test.sh.
	sp=0 sf=0
	for t in $SMALL_TESTS test-dumpevents; do
		if [ $t = test-dumpevents ]; then
			./test/test-dumpevents >"$blog/$t.out" 2>"$blog/$t.log"
			r=$?
			if [ $r = 0 ] && command -v python3 >/dev/null 2>&1; then
				python3 test/check-dumpevents.py <"$blog/$t.out" \
				    >>"$blog/$t.log" 2>&1
				r=$?
			fi
		else
			timeout 300 ./test/$t >"$blog/$t.log" 2>&1
			r=$?
		fi
		if [ $r = 0 ]; then
			sp=$((sp + 1))
		else
			sf=$((sf + 1))
			say "$m: $t FAILED (exit $r); see $blog/$t.log"
		fi
	done
	say "$m: small tests: $sp passed, $sf failed"

	say "$m: test/regress (excluding $n_excl; see below)"
	run_regress regress "$blog/regress.log" $skipargs || bfail=1
	rp=$passed rf=$failed rs=$((skipped - n_excl)) rd=$disabled rfl=$flaky
	check_methods "$blog/regress.log" "$m" || {
		say "$m: regress: not every test ran on $m (above)"
		bfail=1
	}
	say "$m: regress: $rp passed, $rf failed, $rs skipped by the test itself, $rd off by default"

	say "$m: test/regress with EVENT_DEBUG_MODE=1"
	EVENT_DEBUG_MODE=1
	export EVENT_DEBUG_MODE
	run_regress regress_debug "$blog/regress-debug.log" $skipargs || bfail=1
	unset EVENT_DEBUG_MODE
	dp=$passed df=$failed dfl=$flaky
	check_methods "$blog/regress-debug.log" "$m" || bfail=1
	say "$m: regress (debug mode): $dp passed, $df failed"

	# Control for the excluded tests: on evport they may fail only if
	# they fail on epoll too.
	xnote=
	[ "$n_excl" = 0 ] || xnote=", $n_excl excluded"
	if [ -n "$excluded" ] && [ "$b" = EVPORT ]; then
		timeout 600 ./test/regress $excluded >"$blog/excluded.log" 2>&1
		xbad=$(failed_names "$blog/excluded.log")
		xok=0
		for t in $xbad; do
			if (backend_env EPOLL; timeout 300 ./test/regress "$t") \
			    >>"$blog/excluded-epoll.log" 2>&1; then
				say "$m: excluded test $t FAILED on evport but PASSES on epoll"
				bfail=1
			else
				xok=$((xok + 1))
			fi
		done
		nx=$(echo $xbad | wc -w)
		xnote=", $n_excl excluded ($nx of them fail on evport, $xok of those on epoll too)"
	fi

	line="libevent $LIBEVENT_UPSTREAM regress ($m): $rp passed, $rf failed, $rs skipped, $rd off by default$xnote; debug mode: $dp passed, $df failed; small tests: $sp passed, $sf failed"
	[ -z "$rfl$dfl" ] || line="$line; flaky (passed on rerun):$rfl${dfl:+ (debug mode:$dfl)}"
	[ $sf = 0 ] || bfail=1
	[ $bfail = 0 ] || overall=1
	summary="$summary$me: $line
"
done

if [ -n "$excluded" ]; then
	say "excluded tests (fail with every backend, not a sockshim problem):"
	echo "$EXCLUDED_TESTS" | while read -r t reason; do
		[ -n "$t" ] && grep -qx "$t" "$logs/excluded.txt" &&
		    printf '  %s: %s\n' "$t" "$reason"
	done
fi
say "logs: $logs; time: $(($(date +%s) - start))s"
printf '%s' "$summary"
if [ $overall = 0 ]; then
	say "PASS"
else
	say "FAIL"
fi
exit $overall
