#!/bin/sh
# The connect ladder in `make check': runs each step against a listener
# on 127.0.0.1 (and ::1), once where it must connect and once where it
# must fail, and checks the exit status.
set -u
dir=${top_builddir:-.}/examples/connect
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ladder.XXXXXX") || exit 99
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

"$dir/listener" "$tmp/ports" &
pid=$!
i=0
while [ ! -s "$tmp/ports" ]; do
	i=$((i + 1))
	if [ "$i" -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "ladder: the listener did not start"
		exit 99
	fi
	sleep 0.1
done
read -r live dead silent <"$tmp/ports"

failed=0
# expect STATUS PROGRAM ARGS...
expect() {
	want=$1
	shift
	prog=$1
	shift
	"$dir/$prog" "$@"
	got=$?
	if [ "$got" -eq "$want" ]; then
		echo "ok: $prog $* (exit $got)"
	else
		echo "FAIL: $prog $*: exit $got, expected $want"
		failed=1
	fi
}

expect 0 01_blocking 127.0.0.1 "$live"
expect 1 01_blocking 127.0.0.1 "$dead"
expect 0 02_nonblocking_poll 127.0.0.1 "$live"
expect 1 02_nonblocking_poll 127.0.0.1 "$dead"
expect 0 03_event_ports 127.0.0.1 "$live"
expect 1 03_event_ports 127.0.0.1 "$dead"
expect 0 04_helper_timeout 127.0.0.1 "$live" 2000
expect 1 04_helper_timeout 127.0.0.1 "$dead" 2000
expect 1 04_helper_timeout 127.0.0.1 "$silent" 200
expect 0 05_happy_eyeballs localhost "$live"
expect 0 05_happy_eyeballs 127.0.0.1 "$live"
expect 1 05_happy_eyeballs 127.0.0.1 "$dead"
expect 2 05_happy_eyeballs
exit $failed
