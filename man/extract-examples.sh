#!/bin/sh
# Compile and run the programs in the EXAMPLES sections of the man pages.
#
# Each program sits in its page between two comment lines:
#
#	.\" example-begin NAME [norun]
#	.in +2n
#	.nf
#	...the program, with roff escapes...
#	.fi
#	.in
#	.\" example-end
#
# This script writes NAME.c under $top_builddir/man/examples/, dropping the
# request lines (those that start with a dot) and undoing the escapes the
# pages use in code: \e (backslash), \- (minus), \(aq (quote), \(dq (double
# quote) and \& (nothing).  It compiles each program with -Wall -Wextra
# -Werror against the library in the build tree, through libtool, and runs
# it once per event-port backend that was built (SOCKSHIM_PORT_BACKEND),
# unless the begin line says "norun".  A program passes if it exits 0.
#
# EXAMPLES_LIBS, when set, replaces the libraries the programs are linked
# with (default: $top_builddir/lib/libsocket.la); man/sp/examples.sh sets
# it to link libspshim.
#
# `make check' runs it; man/Makefile.inc writes man/examples/build.env with
# the compiler and flags configure chose.  By hand, from the build tree:
#	make man/examples/build.env && top_srcdir=SRC top_builddir=. \
#	    sh SRC/man/extract-examples.sh [PAGE...]
set -u

srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
out=$builddir/man/examples
env=$out/build.env

if [ ! -r "$env" ]; then
	echo "extract-examples: $env is missing (make $env)" >&2
	exit 99
fi
# CC, CPPFLAGS, CFLAGS, LDFLAGS, PTHREAD_LIBS, PORT_BACKENDS, SHELL_CMD
. "$env"

if [ ! -f "$builddir/lib/libsocket.la" ]; then
	echo "extract-examples: $builddir/lib/libsocket.la is not built" >&2
	exit 99
fi

libs=${EXAMPLES_LIBS:-$builddir/lib/libsocket.la}

if [ $# -eq 0 ]; then
	set -- "$srcdir"/man/port_*.3c "$srcdir"/man/timer_*.3c
fi

# Kill a program that hangs instead of hanging `make check'.
if command -v timeout >/dev/null 2>&1; then
	limit="timeout 60"
else
	limit=
fi

fail=0
count=0
for page in "$@"; do
	base=$(basename "$page")
	# Alias pages (.so stubs) have no examples of their own.
	if head -n 1 "$page" | grep -q '^\.so '; then
		continue
	fi
	# Split the page: one NAME.c per example, and a list "NAME RUN".
	list=$(awk -v out="$out" -v page="$base" '
	/^\.\\" example-begin / {
		if (name != "") {
			printf("%s: example %s is not closed\n", page,
			    name) > "/dev/stderr";
			exit 1;
		}
		name = $3;
		run = ($4 == "norun") ? "norun" : "run";
		file = out "/" name ".c";
		printf("") > file;
		print name, run;
		next;
	}
	/^\.\\" example-end/ {
		if (name == "") {
			printf("%s: example-end without begin\n",
			    page) > "/dev/stderr";
			exit 1;
		}
		close(file);
		name = "";
		next;
	}
	name != "" {
		if ($0 ~ /^[.\047]/)
			next;		# a request: .nf, .fi, .in ...
		line = $0;
		gsub(/\\e/, "\001", line);
		gsub(/\\-/, "-", line);
		gsub(/\\\(aq/, "\047", line);
		gsub(/\\\(dq/, "\"", line);
		gsub(/\\&/, "", line);
		gsub(/\001/, "\\", line);
		print line > file;
	}
	END {
		if (name != "") {
			printf("%s: example %s is not closed\n", page,
			    name) > "/dev/stderr";
			exit 1;
		}
	}' "$page") || { fail=1; continue; }

	if [ -z "$list" ]; then
		echo "FAIL: $base has no example"
		fail=1
		continue
	fi

	while read -r name run; do
		count=$((count + 1))
		exe=$out/$name
		rm -f "$exe"
		# shellcheck disable=SC2086 # the flags are word lists
		if ! $SHELL_CMD "$builddir/libtool" --quiet --tag=CC \
		    --mode=link $CC -I"$srcdir/include" $CPPFLAGS $CFLAGS \
		    -Wall -Wextra -Werror $LDFLAGS -no-install -o "$exe" \
		    "$exe.c" $libs $PTHREAD_LIBS \
		    >"$exe.build.out" 2>&1; then
			echo "FAIL: $base: $name does not compile:"
			sed 's/^/    /' "$exe.build.out"
			fail=1
			continue
		fi
		if [ "$run" = norun ]; then
			echo "ok: $base: $name (compiled)"
			continue
		fi
		for b in $PORT_BACKENDS; do
			if SOCKSHIM_PORT_BACKEND=$b $limit "$exe" \
			    >"$exe.$b.out" 2>&1 </dev/null; then
				echo "ok: $base: $name ($b)"
			else
				echo "FAIL: $base: $name ($b) exited $?:"
				sed 's/^/    /' "$exe.$b.out"
				fail=1
			fi
		done
	done <<EOF
$list
EOF
done

if [ "$count" -eq 0 ]; then
	echo "FAIL: no examples found"
	exit 1
fi
echo "$count man-page examples checked"
exit $fail
