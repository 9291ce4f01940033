#!/bin/sh
# The library exports the documented API and nothing else.
set -eu
lib=${top_builddir:-.}/lib/.libs/libsocket.so
want=${top_srcdir:-.}/lib/libsocket.sym
[ -f "$lib" ] || { echo "exports: $lib not built"; exit 77; }
got=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sed 's/@.*//' | grep -v '^SOCKSHIM_' | sort -u)
if [ "$got" != "$(sort -u "$want")" ]; then
	echo "exports: libsocket exports differ from lib/libsocket.sym:"
	printf '%s\n' "$got" | diff -u "$want" - || true
	exit 1
fi
echo "exports: $(printf '%s\n' "$got" | wc -l) symbols, all documented"
