#!/bin/sh
# bench/sp/compare.sh: build the four SP perf programs (bench/sp/*.c) three
# times from the same source -- against sockshim's libspshim, Debian's
# libnanomsg and nng's nanomsg-compat headers -- run each library against
# itself over tcp and ipc for 64 B, 1 KiB and 64 KiB, and print the
# throughput and one-way latency of each with our ratios to the other two.
# `make bench-sp' runs it; see bench/sp/README.md.
#
# Environment: top_srcdir, top_builddir (default .), CC (cc), SP_BENCH_REPS
# (runs per measurement, the median is reported; default 3), SP_BENCH_QUICK=1
# (one run, a tenth of the messages), SP_BENCH_LOG (also write the output
# there), SP_BENCH_SIZES, SP_BENCH_TRANSPORTS, SP_BENCH_WORK (keep the
# three builds there instead of a temporary directory).
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
CC=${CC:-cc}
reps=${SP_BENCH_REPS:-3}
div=1
if [ "${SP_BENCH_QUICK:-0}" = 1 ]; then reps=1; div=10; fi
sizes=${SP_BENCH_SIZES:-64 1024 65536}
transports=${SP_BENCH_TRANSPORTS:-tcp ipc}
tmp=${TMPDIR:-/tmp}/spbench.$$
work=${SP_BENCH_WORK:-$tmp/bin}
log=${SP_BENCH_LOG:-}
progs="local_lat remote_lat local_thr remote_thr"

if [ -n "$log" ]; then
	: >"$log"
	out() { printf '%s\n' "$*" | tee -a "$log"; }
else
	out() { printf '%s\n' "$*"; }
fi

# --- The other two libraries: Debian packages, installed when we can. ----
need=
[ -f /usr/include/nanomsg/nn.h ] || need="$need libnanomsg-dev"
[ -f /usr/include/nng/compat/nanomsg/nn.h ] || need="$need libnng-dev"
if [ -n "$need" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		out "bench-sp: installing$need"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q $need \
		    >/dev/null 2>&1 || out "bench-sp: apt-get install$need failed"
	else
		out "bench-sp: missing$need (apt-get install$need as root)"
	fi
fi

mkdir -p "$work/ours" "$work/nanomsg" "$work/nng" \
    "$work/nng-shim/nanomsg" "$tmp" || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
# nng ships the nanomsg API as <nng/compat/nanomsg/*.h>: a shim directory
# maps <nanomsg/X.h> there, so the perf sources stay the same.
for h in nn pair tcp; do
	printf '#include <nng/compat/nanomsg/%s.h>\n' $h \
	    >"$work/nng-shim/nanomsg/$h.h"
done

ourlib=$(cd "$builddir/lib/.libs" 2>/dev/null && pwd)
impls=
build() {	# impl cflags libs
	impl=$1 ok=1
	for p in $progs; do
		# shellcheck disable=SC2086
		$CC -O2 -std=gnu11 $2 -o "$work/$impl/$p" \
		    "$srcdir/bench/sp/$p.c" $3 -lpthread \
		    2>"$work/$impl/$p.err" || ok=0
	done
	if [ $ok = 1 ]; then
		impls="$impls $impl"
	else
		out "bench-sp: cannot build against $impl (see $work/$impl/*.err)"
	fi
}
if [ -n "$ourlib" ] && [ -f "$ourlib/libspshim.so" ]; then
	build ours "-I$srcdir/include" "-L$ourlib -lspshim"
else
	out "bench-sp: $builddir/lib/.libs/libspshim.so not built"; exit 1
fi
[ -f /usr/include/nanomsg/nn.h ] && build nanomsg "" "-lnanomsg"
[ -f /usr/include/nng/compat/nanomsg/nn.h ] &&
    build nng "-I$work/nng-shim" "-lnng"

port=$((20000 + $$ % 20000))
seq=0
url() {		# transport
	seq=$((seq + 1))
	case $1 in
	tcp) port=$((port + 1)); echo "tcp://127.0.0.1:$port" ;;
	ipc) echo "ipc://$tmp/s$seq" ;;
	esac
}

# run impl kind(lat|thr) url size count: print the number, or "fail".
run1() {
	bin=$work/$1
	lp=
	[ "$1" = ours ] && lp=$ourlib
	LD_LIBRARY_PATH=$lp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
	    timeout 120 "$bin/local_$2" "$3" "$4" "$5" >"$tmp/local" 2>&1 &
	lpid=$!
	LD_LIBRARY_PATH=$lp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
	    timeout 120 "$bin/remote_$2" "$3" "$4" "$5" >"$tmp/remote" 2>&1
	rrc=$?
	wait $lpid
	lrc=$?
	if [ $rrc != 0 ] || [ $lrc != 0 ]; then
		echo fail
		{ echo "$1 $2 $3 $4 $5: local exit $lrc, remote exit $rrc"
		  sed 's/^/  local: /' "$tmp/local"
		  sed 's/^/  remote: /' "$tmp/remote"; } >>"$tmp/failures"
		return
	fi
	if [ "$2" = lat ]; then
		sed -n 's/^average latency: \([0-9.]*\) \[us\]$/\1/p' "$tmp/remote"
	else
		sed -n 's/^throughput: \([0-9.]*\) \[msg\/s\]$/\1/p' "$tmp/local"
	fi
}

median() {	# of the runs that worked ("fail" if none did)
	grep -v fail | sort -g | awk '{ v[NR] = $1 }
	    END { if (NR == 0) print "fail";
		else if (NR % 2) print v[(NR + 1) / 2];
		else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

thr_count() {
	case $1 in
	64) echo $((500000 / div)) ;; 1024) echo $((200000 / div)) ;;
	*) echo $((20000 / div)) ;;
	esac
}
lat_count() {
	case $1 in 65536) echo $((5000 / div)) ;; *) echo $((20000 / div)) ;; esac
}

ratio() {	# a b: a / b
	case "$1$2" in *fail*|'') echo "-"; return ;; esac
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}

out "SP perf: $reps run(s) per number (median), each library against itself"
out "implementations:$impls; machine: $(nproc 2>/dev/null || echo ?) CPUs"
out ""
for t in $transports; do
	for sz in $sizes; do
		tc=$(thr_count "$sz")
		lc=$(lat_count "$sz")
		for impl in $impls; do
			: >"$tmp/thr.$impl"
			: >"$tmp/lat.$impl"
		done
		r=0
		# Interleave the libraries so that a noisy moment hits all.
		while [ $r -lt "$reps" ]; do
			for impl in $impls; do
				run1 "$impl" thr "$(url "$t")" "$sz" "$tc" \
				    >>"$tmp/thr.$impl"
				run1 "$impl" lat "$(url "$t")" "$sz" "$lc" \
				    >>"$tmp/lat.$impl"
			done
			r=$((r + 1))
		done
		for impl in $impls; do
			eval "thr_$impl=\$(median <\"\$tmp/thr.$impl\")"
			eval "lat_$impl=\$(median <\"\$tmp/lat.$impl\")"
			eval "echo \"$t $sz $impl \$thr_$impl \$lat_$impl\"" \
			    >>"$tmp/results"
		done
		out "$t $sz B ($tc msgs, $lc round trips):"
		for impl in $impls; do
			eval "th=\$thr_$impl la=\$lat_$impl"
			out "$(printf '  %-8s %12s msg/s  %10s us one-way' \
			    "$impl" "$th" "$la")"
		done
		for other in nanomsg nng; do
			case " $impls " in *" $other "*) ;; *) continue ;; esac
			eval "oth=\$thr_$other ola=\$lat_$other"
			out "$(printf '  ours/%-8s throughput x%s  latency x%s' \
			    "$other" "$(ratio "$thr_ours" "$oth")" \
			    "$(ratio "$lat_ours" "$ola")")"
		done
		out ""
	done
done

if [ -s "$tmp/failures" ]; then
	out "failed runs (left out of the medians):"
	while IFS= read -r line; do out "  $line"; done <"$tmp/failures"
	out ""
fi

# Targets: 64 B throughput >= 2x nanomsg; one-way latency <= 0.8x nanomsg.
case " $impls " in
*" nanomsg "*)
	out "targets (against nanomsg, same run):"
	awk '{ k = $1 " " $2; if ($3 == "ours") { t[k] = $4; l[k] = $5 }
		else if ($3 == "nanomsg") { nt[k] = $4; nl[k] = $5 }
		if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
	    END {
		for (i = 1; i <= n; i++) {
			k = order[i]; split(k, a, " ")
			if (a[2] == 64) {
				if (t[k] == "fail" || nt[k] == "fail")
					r = "fail"
				else
					r = sprintf("%.2f", t[k] / nt[k])
				ok = (r != "fail" && r + 0 >= 2.0) ? "met" : "MISSED"
				printf "  %s 64 B throughput  x%s (>= 2.00)  %s\n", a[1], r, ok
			}
			if (l[k] == "fail" || nl[k] == "fail")
				r = "fail"
			else
				r = sprintf("%.2f", l[k] / nl[k])
			ok = (r != "fail" && r + 0 <= 0.8) ? "met" : "MISSED"
			printf "  %s %s B latency  x%s (<= 0.80)  %s\n", a[1], a[2], r, ok
		}
	    }' "$tmp/results" | while IFS= read -r line; do out "$line"; done
	;;
*)
	out "targets: nanomsg not available, not judged"
	;;
esac
exit 0
