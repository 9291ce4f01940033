#!/bin/sh
# sockconnect(1) against the connect ladder's listener: success, refused,
# no answer within --timeout, --family, --trace output, usage errors.
set -u
top=${top_builddir:-.}
tool=$top/tools/sockconnect
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockconnect.XXXXXX") || exit 99
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

"$top/examples/connect/listener" "$tmp/ports" &
pid=$!
i=0
while [ ! -s "$tmp/ports" ]; do
	i=$((i + 1))
	if [ "$i" -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
		echo "sockconnect: the listener did not start"
		exit 99
	fi
	sleep 0.1
done
read -r live dead silent <"$tmp/ports"

failed=0
fail() {
	echo "FAIL: $*"
	failed=1
}
# run STATUS ARGS...: run the tool, output in $tmp/out and $tmp/err.
run() {
	want=$1
	shift
	"$tool" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		fail "sockconnect $*: exit $got, expected $want"
		sed 's/^/  | /' "$tmp/out" "$tmp/err"
		return 1
	fi
	echo "ok: sockconnect $* (exit $got)"
	return 0
}
# has FILE REGEX: a line of FILE matches.
has() {
	grep -Eq -- "$2" "$1" || {
		fail "no line matching '$2' in:"
		sed 's/^/  | /' "$1"
	}
}

run 0 127.0.0.1 "$live" && has "$tmp/out" "^connected to 127\.0\.0\.1:$live\$"

if run 0 --trace 127.0.0.1 "$live"; then
	ts='^\+[0-9]+\.[0-9]{6} '
	fd=$(sed -n 's/.*socket(AF_INET, SOCK_STREAM) = \([0-9][0-9]*\)$/\1/p' \
	    "$tmp/out")
	[ -n "$fd" ] || fail "no socket() line"
	has "$tmp/out" "${ts}socket\(AF_INET, SOCK_STREAM\) = $fd\$"
	has "$tmp/out" "${ts}connect\($fd, 127\.0\.0\.1:$live\) = -1 EINPROGRESS\$"
	has "$tmp/out" "${ts}port_associate\($fd, POLLOUT\)\$"
	has "$tmp/out" "${ts}port_get: fd $fd events=0x4 \(POLLOUT\)\$"
	has "$tmp/out" "${ts}getsockopt\($fd, SO_ERROR\) = 0\$"
	has "$tmp/out" "${ts}connected: fd $fd to 127\.0\.0\.1:$live\$"
	# Every line is stamped, in order.
	grep -Evq "$ts" "$tmp/out" && fail "a trace line without a time stamp"
	sed 's/^+\([0-9.]*\) .*/\1/' "$tmp/out" | sort -c -n 2>/dev/null ||
	    fail "time stamps out of order"
fi

if run 1 --trace 127.0.0.1 "$dead"; then
	has "$tmp/out" 'getsockopt\([0-9]+, SO_ERROR\) = ECONNREFUSED$'
	has "$tmp/out" 'close\([0-9]+\): ECONNREFUSED$'
	has "$tmp/err" "^sockconnect: 127\.0\.0\.1 $dead: "
fi

if run 1 --trace --timeout 200 127.0.0.1 "$silent"; then
	has "$tmp/out" ' timeout$'
	has "$tmp/out" 'close\([0-9]+\): ETIMEDOUT$'
fi
run 1 --timeout 200 127.0.0.1 "$silent"

run 1 --family 6 127.0.0.1 "$live" &&
    has "$tmp/err" "no such host or service"
run 0 --family 4 localhost "$live"

run 2
run 2 127.0.0.1
run 2 --family 5 127.0.0.1 "$live"
run 2 --timeout abc 127.0.0.1 "$live"
run 2 --timeout 0 127.0.0.1 "$live"
run 2 --bogus 127.0.0.1 "$live"
run 0 --help && has "$tmp/out" '^usage: sockconnect '
exit $failed
