#!/bin/sh
# make bench: run the event-port benchmarks for each backend, then print a
# summary that compares the results with the targets (see bench/README.md).
#
# Environment:
#   top_builddir      directory that holds bench/ programs (default .)
#   BENCH_BACKENDS    backends to measure (default "epoll poll")
#   BENCH_LOG         file that also receives the whole output
#   BENCH_QUICK=1     fewer messages and repetitions: a quick look only
#   BENCH_CALLGRIND=no  skip the valgrind instruction counts
#
# Exit status: 1 if a benchmark failed to run; a missed target is a result,
# not a failure.
set -u
bin=${top_builddir:-.}/bench
backends=${BENCH_BACKENDS:-epoll poll}
log=${BENCH_LOG:-/dev/null}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockshim-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
: > "$tmp/results"
echo 0 > "$tmp/status"

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	msgs=20000 reps=3 dreps=5 cgmsgs=5000
else
	msgs=200000 reps=11 dreps=21 cgmsgs=20000
fi

# run BACKEND PROGRAM ARGS...: show the output, keep its RESULT lines.
run() {
	be=$1
	shift
	echo "\$ SOCKSHIM_PORT_BACKEND=$be $*"
	if SOCKSHIM_PORT_BACKEND=$be "$@" > "$tmp/out" 2>&1; then
		:
	else
		echo "FAILED: $* (exit $?)"
		echo 1 > "$tmp/status"
	fi
	cat "$tmp/out"
	grep '^RESULT ' "$tmp/out" >> "$tmp/results"
	echo
}

# User-space instructions per message of one ping-pong variant, from
# callgrind, counting only the measured loop function.
callgrind_per_msg() {
	variant=$1 pairs=$2
	out=$tmp/cg.$variant.$pairs
	loop=raw
	[ "$variant" = ports ] && loop=ports
	SOCKSHIM_PORT_BACKEND=epoll valgrind --tool=callgrind \
	    --callgrind-out-file="$out" --collect-atstart=no \
	    "--toggle-collect=pp_${loop}_loop*" \
	    "$bin/pingpong" -o "$variant" -n "$cgmsgs" -m "$pairs" -r 1 \
	    > "$tmp/cg.log" 2>&1 || { cat "$tmp/cg.log" >&2; return 1; }
	# A valgrind that does not know epoll_pwait2 (syscall 441 on amd64)
	# makes the library retry with epoll_wait on every call.
	if grep -q 'unhandled .*syscall: 441' "$tmp/cg.log"; then
		echo "(this valgrind lacks epoll_pwait2: the ports counts" \
		    "include a failed epoll_pwait2 per port_getn)" > \
		    "$tmp/cg.note"
	fi
	awk -v n="$cgmsgs" '/^(totals|summary):/ {
		printf "%.0f\n", $2 / n; exit }' "$out"
}

measure() {
	echo "== sockshim event-port benchmarks ($(uname -sr), $(date -u '+%Y-%m-%d %H:%M UTC'))"
	echo
	for be in $backends; do
		for pairs in 1 100; do
			run "$be" "$bin/pingpong" -n "$msgs" -m "$pairs" -r "$reps"
		done
		run "$be" "$bin/drain" -k 10000 -r "$dreps"
		run "$be" "$bin/assocmem" -n 100000
		run "$be" "$bin/timers" -n 10000 -r "$reps"
	done

	case " $backends " in
	*" epoll "*) ;;
	*) return 0 ;;
	esac
	if [ "${BENCH_CALLGRIND:-yes}" = no ] ||
	    ! command -v valgrind > /dev/null 2>&1; then
		echo "(callgrind instruction counts skipped)"
		return 0
	fi
	echo "== user-space instructions per message (callgrind, epoll backend)"
	for pairs in 1 100; do
		p=$(callgrind_per_msg ports "$pairs") &&
		    r=$(callgrind_per_msg raw "$pairs") &&
		    t=$(callgrind_per_msg rawthr "$pairs") || {
			echo "callgrind failed"
			continue
		}
		echo "pairs=$pairs: ports $p, raw epoll $r, raw+thr $t" \
		    "instructions/msg"
		echo "RESULT callgrind backend=epoll pairs=$pairs" \
		    "ports_ir=$p raw_ir=$r rawthr_ir=$t" >> "$tmp/results"
	done
	if [ -f "$tmp/cg.note" ]; then
		cat "$tmp/cg.note"
	fi
	echo
}

summary() {
	awk '
	function get(k,    i, kv) {
		for (i = 3; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == k)
				return kv[2]
		}
		return ""
	}
	$2 == "pingpong" { pp[++npp] = $0 }
	$2 == "drain" { dr[++ndr] = $0 }
	$2 == "assocmem" { am[++nam] = $0 }
	$2 == "timers" { tm[++ntm] = $0 }
	$2 == "callgrind" { cg[++ncg] = $0 }
	END {
		print "== Summary"
		print "1. Ping-pong: sockshim time / raw epoll time (ports make" \
		    " 3 more system calls per message: bench/README.md)"
		print "   (medians of process CPU time; target <= 1.05 with" \
		    " the epoll backend)"
		printf "   %-7s %5s %12s %10s %9s %10s %9s  %s\n", "backend",
		    "pairs", "ports ns/msg", "raw ns/msg", "ratio cpu",
		    "ratio wall", "vs raw+thr", "target"
		for (i = 1; i <= npp; i++) {
			$0 = pp[i]
			be = get("backend")
			r = get("ratio_cpu")
			if (be == "epoll")
				v = (r + 0 <= 1.05) ? "met" : "NOT MET"
			else
				v = "(epoll only)"
			printf "   %-7s %5s %12s %10s %9s %10s %9s  %s\n", be,
			    get("pairs"), get("ports_ns"), get("raw_ns"), r,
			    get("ratio_wall"), get("ratio_thr"), v
		}
		print "   vs raw+thr: against raw epoll with an idle second" \
		    " thread (ports start no thread any more)"
		for (i = 1; i <= ncg; i++) {
			$0 = cg[i]
			p = get("ports_ir"); r = get("raw_ir")
			t = get("rawthr_ir")
			printf "   callgrind, pairs=%s: ports %s, raw %s, raw+thr" \
			    " %s user-space instructions/msg (library: +%d)\n",
			    get("pairs"), p, r, t, p - t
		}
		print ""
		print "2. Drain: one port_getn() returning every ready fd," \
		    " against one epoll_wait() (target <= 1.5 with poll)"
		printf "   %-7s %6s %12s %10s %12s %10s %7s %s\n", "backend",
		    "fds", "getn us", "ns/event", "epoll us", "ns/event",
		    "ratio", "getn(nget=1)"
		for (i = 1; i <= ndr; i++) {
			$0 = dr[i]
			printf "   %-7s %6s %12s %10s %12s %10s %7s %s\n",
			    get("backend"), get("fds"), get("ports_us"),
			    get("ports_ns_ev"), get("raw_us"),
			    get("raw_ns_ev"), get("ratio_cpu"), get("nget1")
		}
		print ""
		print "3. Memory per idle association (user space: heap" \
		    " bytes/assoc; target <= 64)"
		printf "   %-7s %7s %8s %11s %8s %10s %10s  %s\n", "backend",
		    "assoc", "heap", "heap+getn", "rss", "kernel",
		    "raw kernel", "target"
		for (i = 1; i <= nam; i++) {
			$0 = am[i]
			h = get("heap_after_get_b")
			if (h == "" || h + 0 < 0)
				h = get("rss_after_get_b")
			v = (h + 0 <= 64) ? "met" : "NOT MET"
			if (get("assoc") + 0 < 100000)
				v = v " (at " get("assoc") " fds, not 100000)"
			printf "   %-7s %7s %8s %11s %8s %10s %10s  %s\n",
			    get("backend"), get("assoc"), get("heap_b"),
			    get("heap_after_get_b"), get("rss_after_get_b"),
			    get("kernel_b"), get("raw_kernel_b"), v
		}
		print "   kernel = eventpoll slab bytes/assoc (-1: not" \
		    " readable); raw epoll pays the same kernel cost."
		print ""
		print "4. Timers: SIGEV_PORT timers collected with port_getn," \
		    " against timerfds in raw epoll"
		printf "   %-7s %7s %14s %12s %7s\n", "backend", "timers",
		    "ports ns/exp", "raw ns/exp", "ratio"
		for (i = 1; i <= ntm; i++) {
			$0 = tm[i]
			printf "   %-7s %7s %14s %12s %7s\n", get("backend"),
			    get("timers"), get("ports_ns"), get("raw_ns"),
			    get("ratio_cpu")
		}
	}' "$tmp/results"
}

{
	measure
	summary
} 2>&1 | tee "$log"
exit "$(cat "$tmp/status")"
