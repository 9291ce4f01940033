#!/bin/sh
# overlay_headers.sh: sockshim's overlay headers (<netinet/in.h>,
# <sys/socket.h>, <netdb.h>) are transparent to programs that do not want
# the illumos names, and give them to programs that do.
#
# Once installed in /usr/local/include they come before the system headers
# for every program built on the machine, so, for each overlay and each
# compilation mode, this compares what the compiler sees with and without
# -I$top_srcdir/include:
#   - no macro of the system header is removed or changed (glibc's own
#     IN6_IS_ADDR_V4MAPPED & co stay exactly as they were);
#   - the only macros added are the documented illumos ones (default mode)
#     or none but _SOCKSHIM_* (strict modes, SOCKSHIM_NO_OVERLAY);
#   - nothing else of the preprocessed header changes in strict modes;
# and it builds programs in C and C++ with -Wall -Wextra -Werror.
set -u
me=overlay_headers
src=${top_srcdir:-.}
bld=${top_builddir:-.}
. "$bld/tests/compat/env.sh"
. "$src/tests/compat/lib.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
inc=$src/include

CXX=
for c in c++ g++ clang++; do
	if command -v "$c" >/dev/null 2>&1; then
		CXX=$c
		break
	fi
done

# What each overlay may add in the default (extended) environment.
added_ok='^(_SOCKSHIM_[A-Z0-9_]*|SOCK_NDELAY|AI_DEFAULT|IN6_INADDR_TO_V4MAPPED|IN6_V4MAPPED_TO_INADDR|IN6_IPADDR_TO_V4MAPPED|IN6_V4MAPPED_TO_IPADDR|IN6_IS_ADDR_V4MAPPED_ANY)$'
strict_ok='^_SOCKSHIM_[A-Z0-9_]*$'

# macros LANG MODE HEADER [-I...]: the sorted macro definitions.
macros() {
	lang=$1 mode=$2 hdr=$3
	shift 3
	if [ "$lang" = c++ ]; then
		echo "#include <$hdr>" | $CXX -x c++ $mode "$@" -E -dM - | sort
	else
		echo "#include <$hdr>" | $CC -x c $mode "$@" -E -dM - | sort
	fi
}

# tokens LANG MODE HEADER [-I...]: the preprocessed text, without line
# markers and blank lines.
tokens() {
	lang=$1 mode=$2 hdr=$3
	shift 3
	if [ "$lang" = c++ ]; then
		echo "#include <$hdr>" | $CXX -x c++ $mode "$@" -E -P -
	else
		echo "#include <$hdr>" | $CC -x c $mode "$@" -E -P -
	fi | grep -v '^[[:space:]]*$'
}

# compare LANG MODE HEADER ALLOWED: system vs overlay.
compare() {
	lang=$1 mode=$2 hdr=$3 allowed=$4
	what="<$hdr> $lang $mode"
	# shellcheck disable=SC2086
	macros "$lang" "$mode" "$hdr" >"$tmp/sys.m" 2>"$tmp/err" &&
	    macros "$lang" "$mode" "$hdr" -I"$inc" >"$tmp/ovl.m" 2>>"$tmp/err"
	if [ $? -ne 0 ] || [ -s "$tmp/err" ]; then
		not_ok "$what: preprocessing"
		sed 's/^/#   /' "$tmp/err"
		return
	fi
	comm -23 "$tmp/sys.m" "$tmp/ovl.m" >"$tmp/gone"
	if [ -s "$tmp/gone" ]; then
		not_ok "$what: system macros removed or changed"
		sed 's/^/#   /' "$tmp/gone"
	else
		ok "$what: system macros untouched"
	fi
	comm -13 "$tmp/sys.m" "$tmp/ovl.m" |
	    sed -n 's/^#define \([A-Za-z0-9_]*\).*/\1/p' >"$tmp/new"
	if grep -Ev "$allowed" "$tmp/new" >"$tmp/bad"; then
		not_ok "$what: unexpected macros added"
		sed 's/^/#   /' "$tmp/bad"
	else
		ok "$what: adds only $(tr '\n' ' ' <"$tmp/new")"
	fi
}

# same_tokens LANG MODE HEADER: the overlay adds no declarations.
same_tokens() {
	lang=$1 mode=$2 hdr=$3
	tokens "$lang" "$mode" "$hdr" >"$tmp/sys.t" 2>/dev/null
	tokens "$lang" "$mode" "$hdr" -I"$inc" >"$tmp/ovl.t" 2>/dev/null
	if diff "$tmp/sys.t" "$tmp/ovl.t" >"$tmp/diff"; then
		ok "<$hdr> $lang $mode: declarations unchanged"
	else
		not_ok "<$hdr> $lang $mode: declarations changed"
		sed 's/^/#   /' "$tmp/diff" | head -20
	fi
}

# only_added LANG MODE HEADER: the overlay only appends declarations.
only_added() {
	lang=$1 mode=$2 hdr=$3
	tokens "$lang" "$mode" "$hdr" >"$tmp/sys.t" 2>/dev/null
	tokens "$lang" "$mode" "$hdr" -I"$inc" >"$tmp/ovl.t" 2>/dev/null
	if diff "$tmp/sys.t" "$tmp/ovl.t" | grep -q '^<'; then
		not_ok "<$hdr> $lang $mode: system declarations changed"
		diff "$tmp/sys.t" "$tmp/ovl.t" | sed 's/^/#   /' | head -20
	else
		ok "<$hdr> $lang $mode: system declarations kept"
	fi
}

for hdr in netinet/in.h sys/socket.h netdb.h; do
	compare c "-std=gnu11" "$hdr" "$added_ok"
	only_added c "-std=gnu11" "$hdr"
	for mode in "-std=c99" "-std=c11 -D_POSIX_C_SOURCE=200809L" \
	    "-std=gnu11 -D_XOPEN_SOURCE=600" "-std=gnu11 -DSOCKSHIM_NO_OVERLAY"
	do
		compare c "$mode" "$hdr" "$strict_ok"
		same_tokens c "$mode" "$hdr"
	done
	if [ -n "$CXX" ]; then
		compare c++ "" "$hdr" "$added_ok"
		only_added c++ "" "$hdr"
		compare c++ "-DSOCKSHIM_NO_OVERLAY" "$hdr" "$strict_ok"
		same_tokens c++ "-DSOCKSHIM_NO_OVERLAY" "$hdr"
	fi
done
[ -n "$CXX" ] || skip "no C++ compiler: C++ checks"

# __EXTENSIONS__ shows the names even in a strict mode, as on illumos.
macros c "-std=c99 -D__EXTENSIONS__" netinet/in.h -I"$inc" >"$tmp/ext.m"
if grep -q '^#define IN6_V4MAPPED_TO_INADDR' "$tmp/ext.m"; then
	ok "__EXTENSIONS__ shows the names under -std=c99"
else
	not_ok "__EXTENSIONS__ shows the names under -std=c99"
fi

# Every public header alone, in every mode, warning-free.
for hdr in netinet/in.h sys/socket.h netdb.h ucred.h port.h; do
	for mode in "-std=gnu11" "-std=c99 -pedantic" "-std=c89 -pedantic" \
	    "-std=c11 -pedantic -D_POSIX_C_SOURCE=200809L"; do
		case "$hdr $mode" in
		"port.h -std=c89"* | "port.h -std=c99"*)
			# <sys/port.h> needs struct timespec (POSIX, C11).
			continue ;;
		esac
		printf '#include <%s>\nint main(void) { return (0); }\n' \
		    "$hdr" >"$tmp/alone.c"
		# shellcheck disable=SC2086
		check "<$hdr> alone, cc $mode" $CC $mode -Wall -Wextra \
		    -Werror -I"$inc" -c -o "$tmp/alone.o" "$tmp/alone.c"
	done
	if [ -n "$CXX" ]; then
		printf '#include <%s>\nint main() { return (0); }\n' \
		    "$hdr" >"$tmp/alone.cc"
		check "<$hdr> alone, C++ -pedantic" $CXX -pedantic -Wall \
		    -Wextra -Werror -I"$inc" -c -o "$tmp/alone.o" "$tmp/alone.cc"
	fi
done

# Programs: one using every illumos name, built and run (C, C++); one with
# its own meanings for them, built where the overlay hides them.
use=$src/tests/compat/overlay_use.c
libs=$bld/lib/.libs
LD_LIBRARY_PATH=$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export LD_LIBRARY_PATH
# shellcheck disable=SC2086
check "C program using the illumos names builds" $CC $CFLAGS -Wall \
    -Wextra -Werror -I"$inc" -o "$tmp/use" "$use" -L"$libs" -lsocket -lnsl
if [ -x "$tmp/use" ]; then
	check "C program using the illumos names runs" "$tmp/use"
fi
if [ -n "$CXX" ]; then
	# CFLAGS carries the build's sanitizer flags; they apply to C++ too.
	# shellcheck disable=SC2086
	check "C++ program using the illumos names builds" $CXX $CFLAGS \
	    -x c++ -Wall -Wextra -Werror -I"$inc" -o "$tmp/usexx" "$use" \
	    -L"$libs" -lsocket -lnsl
	if [ -x "$tmp/usexx" ]; then
		check "C++ program using the illumos names runs" "$tmp/usexx"
	fi
	check "C++ program with clashing names, -DSOCKSHIM_NO_OVERLAY" \
	    $CXX -x c++ -DCLASH -DSOCKSHIM_NO_OVERLAY -Wall -Wextra \
	    -Werror -I"$inc" -c -o "$tmp/clash.o" "$use"
fi
for mode in "-std=c99 -pedantic" "-std=c11 -pedantic" \
    "-std=gnu11 -DSOCKSHIM_NO_OVERLAY"; do
	# shellcheck disable=SC2086
	check "C program with clashing names, $mode" $CC $mode -DCLASH \
	    -Wall -Wextra -Werror -I"$inc" -c -o "$tmp/clash.o" "$use"
done
# A program that already defines ipaddr_t the illumos way (uint32_t).
printf '%s\n' '#include <stdint.h>' 'typedef uint32_t ipaddr_t;' \
    '#include <netinet/in.h>' 'int main(void) { ipaddr_t a = 0;' \
    'return ((int)a); }' >"$tmp/own.c"
check "C11 program with its own uint32_t ipaddr_t" $CC -std=gnu11 -Wall \
    -Wextra -Werror -I"$inc" -c -o "$tmp/own.o" "$tmp/own.c"
finish
