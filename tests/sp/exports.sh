#!/bin/sh
# libspshim exports the nanomsg API it documents and nothing else.
set -eu
lib=${top_builddir:-.}/lib/.libs/libspshim.so
want=${top_srcdir:-.}/lib/sp/libspshim.sym
[ -f "$lib" ] || { echo "exports: $lib not built"; exit 77; }
got=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sed 's/@.*//' | grep -v '^SPSHIM_' | sort -u)
if [ "$got" != "$(sort -u "$want")" ]; then
	echo "exports: libspshim exports differ from lib/sp/libspshim.sym:"
	printf '%s\n' "$got" | diff -u "$want" - || true
	exit 1
fi
bad=$(printf '%s\n' "$got" | grep -v -E '^(nn|sp)_' || true)
[ -z "$bad" ] || { echo "exports: not nn_/sp_: $bad"; exit 1; }
echo "exports: $(printf '%s\n' "$got" | wc -l) symbols, all documented"
