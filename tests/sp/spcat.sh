#!/bin/sh
# spcat(1): our spcat talking to our spcat and to Debian's nanocat
# (nanomsg-utils), PUSH/PULL and REQ/REP (and one PUB/SUB), each side
# binding, over ipc and tcp on loopback.  Every process is bounded by a
# timeout and killed at the end; the ipc files live in a temporary
# directory that is removed.
set -u
spcat=${top_builddir:-.}/tools/spcat
[ -x "$spcat" ] || { echo "spcat.sh: $spcat not built"; exit 99; }
have_nanocat=no
command -v nanocat >/dev/null 2>&1 && have_nanocat=yes
tmp=$(mktemp -d "${TMPDIR:-/tmp}/spcat.XXXXXX") || exit 99
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
pass=0; fail=0; skip=0; n=0
T="timeout 20"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
	    echo $((20000 + ($$ + n * 7) % 20000))
}

url_for() {
	if [ "$1" = tcp ]; then
		echo "tcp://127.0.0.1:$(free_port)"
	else
		echo "ipc://$tmp/s$n.ipc"
	fi
}

ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# case_run NAME SERVER-CMD CLIENT-CMD EXPECT-SERVER EXPECT-CLIENT [SRC]
# The server binds and ends by its receive timeout; the client connects.
# Each expectation is the exact output (empty: none).  SRC is the
# server's exit status at the timeout (nanocat --rep: 3, with "Can't
# recv: ..." on stderr, which is not compared).
case_run() {
	name=$1 scmd=$2 ccmd=$3 sexp=$4 cexp=$5 sok=${6:-0}
	so=$tmp/so$n cso=$tmp/co$n
	$T $scmd >"$so" 2>&1 &
	spid=$!
	pids="$pids $spid"
	$T $ccmd >"$cso" 2>&1
	crc=$?
	wait "$spid"
	src=$?
	if [ $crc -ne 0 ] || [ $src -ne "$sok" ]; then
		bad "$name: exit $src (server) $crc (client)"
	elif [ "$(grep -v "^Can't recv" "$so")" != "$sexp" ]; then
		bad "$name: server printed \"$(cat "$so")\", not \"$sexp\""
	elif [ "$(cat "$cso")" != "$cexp" ]; then
		bad "$name: client printed \"$(cat "$cso")\", not \"$cexp\""
	else
		ok "$name"
		return
	fi
	echo "    server: $scmd"
	echo "    client: $ccmd"
}

for tran in ipc tcp; do
	# spcat <-> spcat
	n=$((n + 1)); u=$(url_for $tran)
	case_run "spcat pull <- spcat push, $tran" \
	    "$spcat --pull --bind $u -A --recv-timeout 2" \
	    "$spcat --push --connect $u --data hello" "hello" ""
	n=$((n + 1)); u=$(url_for $tran)
	case_run "spcat rep <-> spcat req, $tran" \
	    "$spcat --rep --bind $u --data world -Q --recv-timeout 2" \
	    "$spcat --req --connect $u --data hello -A --recv-timeout 5" \
	    '"hello"' "world"
	n=$((n + 1)); u=$(url_for $tran)
	case_run "spcat pair <-> spcat pair, $tran" \
	    "$spcat --pair --bind $u --data pong -A --recv-timeout 2" \
	    "$spcat --pair --connect $u --data ping -A --recv-timeout 2" \
	    "ping" "pong"
	if [ $have_nanocat = no ]; then
		skip=$((skip + 4))
		echo "SKIP: nanocat cases, $tran (nanomsg-utils not installed)"
		continue
	fi
	# spcat <-> nanocat, both directions and both roles.
	n=$((n + 1)); u=$(url_for $tran)
	case_run "nanocat pull <- spcat push, $tran" \
	    "nanocat --pull --bind $u -A --recv-timeout 2" \
	    "$spcat --push --connect $u --data hello" "hello" ""
	n=$((n + 1)); u=$(url_for $tran)
	case_run "spcat pull <- nanocat push, $tran" \
	    "$spcat --pull --bind $u -A --recv-timeout 2" \
	    "nanocat --push --connect $u --data hello" "hello" ""
	n=$((n + 1)); u=$(url_for $tran)
	case_run "nanocat rep <-> spcat req, $tran" \
	    "nanocat --rep --bind $u --data world -A --recv-timeout 2" \
	    "$spcat --req --connect $u --data hello -A --recv-timeout 5" \
	    "hello" "world" 3
	n=$((n + 1)); u=$(url_for $tran)
	case_run "spcat rep <-> nanocat req, $tran" \
	    "$spcat --rep --bind $u --data world -A --recv-timeout 2" \
	    "nanocat --req --connect $u --data hello -A --recv-timeout 5" \
	    "hello" "world"
done

# PUB/SUB: the publisher repeats (it loses what it sends before the
# subscription's connection exists) and is stopped by its own timeout;
# the subscriber takes "hello" but not "other".
n=$((n + 1)); u=$(url_for ipc)
timeout 3 "$spcat" --pub --bind "$u" --data hello --interval 0.1 \
    >/dev/null 2>&1 &
pids="$pids $!"
timeout 3 "$spcat" --pub --bind "$u-other" --data other --interval 0.1 \
    >/dev/null 2>&1 &
pids="$pids $!"
$T "$spcat" --sub --connect "$u" --connect "$u-other" --subscribe h -A \
    --recv-timeout 2 >"$tmp/sub" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -qx hello "$tmp/sub" && ! grep -q other "$tmp/sub"
then
	ok "spcat sub <- spcat pub, --subscribe"
else
	bad "spcat sub <- spcat pub, --subscribe: exit $rc, got: $(cat "$tmp/sub")"
fi

# Usage errors: exit 1 with a message.
for args in "--bus --bind ipc://$tmp/x" "--push --bind ipc://$tmp/x" \
    "--pull" "--pull --connect foo://x" "--pull --bind tcp://nosuchif0:5555" \
    "--req --connect ipc://$tmp/x --data a --interval x"; do
	# shellcheck disable=SC2086 # word list
	$T "$spcat" $args >"$tmp/err" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && grep -q '^spcat: ' "$tmp/err"; then
		ok "spcat $args: exit 1"
	else
		bad "spcat $args: exit $rc: $(cat "$tmp/err")"
	fi
done

echo "spcat: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
