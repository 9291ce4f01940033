#!/bin/sh
# Interoperability with Debian's nanocat (nanomsg-utils 1.1.5) and nngcat
# (nng-utils 1.5.2): PAIR0, PUSH0/PULL0, PUB0/SUB0 and REQ0/REP0, each
# direction (us sending or receiving, us requesting or replying), us listening
# and us dialing, over tcp and ipc.  Loopback and temporary ipc paths only;
# every process is bounded by a timeout and killed at the end.
set -u
peer=${top_builddir:-.}/tests/sp/sp_peer
[ -x "$peer" ] || { echo "interop: $peer not built"; exit 77; }
have_nanocat=no; have_nngcat=no
command -v nanocat >/dev/null 2>&1 && have_nanocat=yes
command -v nngcat >/dev/null 2>&1 && have_nngcat=yes
if [ $have_nanocat = no ] && [ $have_nngcat = no ]; then
	echo "interop: SKIP: neither nanocat (nanomsg-utils) nor nngcat (nng-utils) installed"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/spinterop.XXXXXX") || exit 1
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
pass=0; fail=0; n=0

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
	    echo $((20000 + ($$ + n * 7) % 20000))
}

# their_cmd TOOL PROTO MODE URL ROLE: the peer tool's command line.
# Senders repeat (a publisher or an async connect loses early messages);
# REP replies "world"; SUB subscribes to "h".
their_cmd() {
	tool=$1 proto=$2 mode=$3 url=$4 role=$5
	a=; [ "$proto" = pair ] && a=-A
	if [ "$tool" = nanocat ]; then
		p="--$proto"; m="--$mode"
		case $proto in
		rep)	echo "nanocat $p $m $url --data world -A" ;;
		req)	echo "nanocat $p $m $url --data hi --interval 0.5 -A" ;;
		sub)	echo "nanocat $p $m $url --subscribe h -A" ;;
		*)	if [ "$role" = send ]; then
				echo "nanocat $p $m $url --data hi --interval 0.2 $a"
			else
				echo "nanocat $p $m $url -A"
			fi ;;
		esac
	else
		p="--${proto}0"; [ "$mode" = bind ] && m=--listen || m=--dial
		case $proto in
		rep)	echo "nngcat $p $m $url --data world -A" ;;
		req)	echo "nngcat $p $m $url --data hi --interval 1 -A" ;;
		sub)	echo "nngcat $p $m $url --subscribe h -A --count 1" ;;
		*)	if [ "$role" = send ]; then
				echo "nngcat $p $m $url --data hi --interval 1 $a"
			else
				echo "nngcat $p $m $url -A --count 1"
			fi ;;
		esac
	fi
}

# run TOOL OURPROTO THEIRPROTO OURMODE TRANSPORT OURROLE
run() {
	tool=$1 ours=$2 theirs=$3 mode=$4 tran=$5 role=$6
	n=$((n + 1))
	if [ "$tran" = tcp ]; then
		url="tcp://127.0.0.1:$(free_port)"
	else
		url="ipc://$tmp/s$n.ipc"
	fi
	[ "$mode" = bind ] && tmode=connect || tmode=bind
	[ "$role" = send ] && trole=recv || trole=send
	name="$tool: us $ours $mode ($role) <-> $theirs $tmode, $tran"
	cmd=$(their_cmd "$tool" "$theirs" "$tmode" "$url" "$trole")
	out=$tmp/out$n; ours_out=$tmp/ours$n
	if [ "$mode" = bind ]; then
		# We listen first; the tool dials (nngcat's dial is synchronous).
		if [ "$role" = send ]; then
			timeout 10 "$peer" "$ours" bind "$url" send hi >"$ours_out" 2>&1 &
		else
			timeout 10 "$peer" "$ours" bind "$url" recv >"$ours_out" 2>&1 &
		fi
		ourpid=$!
		sleep 0.3
		timeout 10 $cmd >"$out" 2>&1 &
		theirpid=$!
	else
		timeout 10 $cmd >"$out" 2>&1 &
		theirpid=$!
		sleep 0.3
		if [ "$role" = send ]; then
			timeout 10 "$peer" "$ours" connect "$url" send hi >"$ours_out" 2>&1 &
		else
			timeout 10 "$peer" "$ours" connect "$url" recv >"$ours_out" 2>&1 &
		fi
		ourpid=$!
	fi
	pids="$ourpid $theirpid"
	wait "$ourpid"; ourrc=$?
	ok=no
	if [ "$role" = recv ]; then
		[ $ourrc = 0 ] && grep -qx hi "$ours_out" && ok=yes
	else
		i=0
		while [ $i -lt 30 ]; do
			grep -q hi "$out" && { ok=yes; break; }
			sleep 0.1; i=$((i + 1))
		done
		[ $ourrc = 0 ] || ok=no
	fi
	kill "$theirpid" 2>/dev/null; wait "$theirpid" 2>/dev/null
	pids=
	if [ $ok = yes ]; then
		pass=$((pass + 1)); echo "PASS $name"
	else
		fail=$((fail + 1)); echo "FAIL $name"
		echo "  their command: $cmd"; sed 's/^/  ours: /' "$ours_out"; sed 's/^/  theirs: /' "$out"
	fi
}

for tool in nanocat nngcat; do
	if [ $tool = nanocat ] && [ $have_nanocat = no ]; then
		echo "interop: SKIP nanocat cases: nanomsg-utils not installed"; continue
	fi
	if [ $tool = nngcat ] && [ $have_nngcat = no ]; then
		echo "interop: SKIP nngcat cases: nng-utils not installed"; continue
	fi
	for tran in tcp ipc; do
		for mode in bind connect; do
			run $tool pair pair $mode $tran send
			run $tool pair pair $mode $tran recv
			run $tool push pull $mode $tran send
			run $tool pull push $mode $tran recv
			run $tool pub sub $mode $tran send
			run $tool sub pub $mode $tran recv
			run $tool req rep $mode $tran send
			run $tool rep req $mode $tran recv
		done
	done
done
echo "interop: $pass passed, $fail failed"
[ $fail = 0 ]
