#!/bin/sh
# The four SP perf programs still build and work against libspshim:
# 100 messages each way over ipc and tcp.  No timing is judged here;
# `make bench-sp' measures (bench/sp/compare.sh).
set -eu
bin=${top_builddir:-.}/bench/sp
dir=$(mktemp -d "${TMPDIR:-/tmp}/spsmoke.XXXXXX")
trap 'rm -rf "$dir"' EXIT INT TERM
port=$((30000 + $$ % 20000))
for url in "ipc://$dir/lat" "tcp://127.0.0.1:$port"; do
	"$bin/local_lat" "$url" 64 100 >"$dir/l" &
	pid=$!
	"$bin/remote_lat" "$url" 64 100 >"$dir/r"
	wait $pid
	grep -q '^average latency: [0-9.]* \[us\]$' "$dir/r"
done
for url in "ipc://$dir/thr" "tcp://127.0.0.1:$((port + 1))"; do
	"$bin/local_thr" "$url" 1000 100 >"$dir/l" &
	pid=$!
	"$bin/remote_thr" "$url" 1000 100 >"$dir/r"
	wait $pid
	grep -q '^throughput: [0-9]* \[msg/s\]$' "$dir/l"
done
echo "bench/sp smoke: local/remote lat and thr ok over ipc and tcp"
