# lib.sh: shell helpers for the compat test scripts (sourced, not run).
# The caller sets $me and $tmp (a private scratch directory).

passed=0
failed=0
skipped=0

ok() {
	passed=$((passed + 1))
	echo "ok - $me: $*"
}

not_ok() {
	failed=$((failed + 1))
	echo "not ok - $me: $*"
}

skip() {
	skipped=$((skipped + 1))
	echo "ok - $me: # SKIP $*"
}

# check DESCRIPTION COMMAND...: run COMMAND, ok if it succeeds; on failure
# show its output.
check() {
	desc=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		ok "$desc"
	else
		not_ok "$desc"
		sed 's/^/#   /' "$tmp/out"
	fi
}

# start_peer LISTENER MODE ADDR: start a loopback peer (listener.c) and set
# peer_pid and peer_port; peer_port is empty if it could not bind.
start_peer() {
	rm -f "$tmp/fifo"
	mkfifo "$tmp/fifo" || return 1
	"$1" "$2" "$3" >"$tmp/fifo" 2>"$tmp/peer.err" &
	peer_pid=$!
	peer_port=
	read -r peer_port <"$tmp/fifo" || peer_port=
}

# stop_peer: end the peer started last (by its pid) and reap it.
stop_peer() {
	kill "$peer_pid" 2>/dev/null
	wait "$peer_pid" 2>/dev/null
}

# run_example EXAMPLE LISTENER: the connect(3SOCKET) example against
# loopback peers: a listening one over IPv4 (so through an IPv4-mapped
# address) and IPv6, a refusing one, and a bad address.
run_example() {
	ex=$1
	listener=$2

	start_peer "$listener" listen 127.0.0.1
	if [ -z "$peer_port" ]; then
		not_ok "IPv4 listener: $(cat "$tmp/peer.err")"
	else
		if "$ex" 127.0.0.1 "$peer_port" >"$tmp/out" 2>&1 &&
		    wait "$peer_pid"; then
			ok "connects to 127.0.0.1 (as ::ffff:127.0.0.1)"
		else
			not_ok "connects to 127.0.0.1 (as ::ffff:127.0.0.1)"
			sed 's/^/#   /' "$tmp/out"
			stop_peer
		fi
	fi

	start_peer "$listener" listen ::1
	if [ -z "$peer_port" ]; then
		wait "$peer_pid" 2>/dev/null
		skip "no IPv6 loopback here: $(cat "$tmp/peer.err")"
	elif "$ex" ::1 "$peer_port" >"$tmp/out" 2>&1 && wait "$peer_pid"; then
		ok "connects to ::1"
	else
		not_ok "connects to ::1"
		sed 's/^/#   /' "$tmp/out"
		stop_peer
	fi

	start_peer "$listener" refuse 127.0.0.1
	if [ -z "$peer_port" ]; then
		not_ok "refusing peer: $(cat "$tmp/peer.err")"
	else
		"$ex" 127.0.0.1 "$peer_port" >"$tmp/out" 2>&1
		rc=$?
		if [ "$rc" = 1 ] && grep -q 'Connection refused' "$tmp/out"
		then
			ok "reports a refused connection"
		else
			not_ok "reports a refused connection (exit $rc)"
			sed 's/^/#   /' "$tmp/out"
		fi
		stop_peer
	fi

	"$ex" not-an-address 80 >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" = 1 ]; then
		ok "rejects a bad address"
	else
		not_ok "rejects a bad address (exit $rc)"
	fi
}

# finish: summary line and exit status (1 if anything failed).
finish() {
	echo "# $me: $passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit $?
}
