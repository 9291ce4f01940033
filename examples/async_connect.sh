#!/bin/sh
# examples/async_connect against a local server, once per event-port
# backend (SOCKSHIM_PORT_BACKEND):
#   - to a port that is bound but not listening: exit 1, "Connection refused";
#   - to a listening port: exit 0, "connected to 127.0.0.1 port N".
# The server is examples/listen_once, on 127.0.0.1 only.
# Run by `make check'; by hand: top_builddir=BUILD sh examples/async_connect.sh
set -u
builddir=${top_builddir:-.}
client=$builddir/examples/async_connect
server=$builddir/examples/listen_once
for p in "$client" "$server"; do
	[ -x "$p" ] || { echo "async_connect.sh: $p is not built"; exit 99; }
done

# The backends this build has (see configure's --with-port-backend).
if grep -q '^#define EVP_HAVE_EPOLL 1' "$builddir/config.h" 2>/dev/null; then
	backends="epoll poll"
else
	backends=poll
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/async_connect.XXXXXX") || exit 99
spid=
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

fail=0
for b in $backends; do
	echo "=== event-port backend: $b"
	rm -f "$tmp/ports"
	"$server" >"$tmp/ports" &
	spid=$!
	# Wait (at most 10 s) for the server to print its two ports.
	tries=0
	while [ ! -s "$tmp/ports" ] && [ $tries -lt 100 ]; do
		sleep 0.1 2>/dev/null || sleep 1
		tries=$((tries + 1))
	done
	read -r lport rport <"$tmp/ports" || {
		echo "FAIL: listen_once printed no ports"
		exit 1
	}

	# No listener: the connection is refused.
	SOCKSHIM_PORT_BACKEND=$b "$client" 127.0.0.1 "$rport" \
	    >"$tmp/out" 2>"$tmp/err"
	rc=$?
	cat "$tmp/out" "$tmp/err"
	if [ $rc -eq 1 ] && grep -q 'Connection refused' "$tmp/err"; then
		echo "ok: port $rport refused (exit 1)"
	else
		echo "FAIL: port $rport: expected exit 1 and" \
		    "\"Connection refused\", got exit $rc"
		fail=1
	fi

	# The listener: connected.
	SOCKSHIM_PORT_BACKEND=$b "$client" 127.0.0.1 "$lport" \
	    >"$tmp/out" 2>"$tmp/err"
	rc=$?
	cat "$tmp/out" "$tmp/err"
	if [ $rc -eq 0 ] &&
	    grep -qx "connected to 127.0.0.1 port $lport" "$tmp/out"; then
		echo "ok: port $lport connected (exit 0)"
	else
		echo "FAIL: port $lport: expected exit 0 and" \
		    "\"connected to 127.0.0.1 port $lport\", got exit $rc"
		fail=1
		kill "$spid" 2>/dev/null
	fi

	# The server exits 0 once our connection has come and gone.
	wait "$spid"
	rc=$?
	spid=
	if [ $rc -ne 0 ] && [ $fail -eq 0 ]; then
		echo "FAIL: listen_once exited $rc"
		fail=1
	fi
done
exit $fail
