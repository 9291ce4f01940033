#!/bin/sh
# connect(3SOCKET) errors that need a network: ENETUNREACH, EHOSTUNREACH,
# ETIMEDOUT, and EADDRNOTAVAIL for exhausted ephemeral ports.  Builds two
# network namespaces joined by a veth pair, runs check_connect's network
# suite in the first, and removes both whatever happens.
#
#   client (ns $C)  c0 192.0.2.1/24 ==veth== r0 192.0.2.2/24  (ns $R) router
#   routes in $C: 198.51.100.0/25 via 192.0.2.2; nothing else
#   routes in $R: blackhole   198.51.100.0/26   -> a host that drops
#                 unreachable 198.51.100.64/26  -> a host that rejects
#                                                  (ICMP host unreachable)
#   198.51.100.129 (in $C's /25 gap)           -> a missing route
#
# Addresses are from the documentation ranges (RFC 5737) and exist only
# inside the namespaces.  Needs root and iproute2's `ip'; skips (77)
# otherwise, saying why.
set -u

me=netns.sh
skip() { echo "$me: SKIP: $*"; exit 77; }

[ "$(id -u)" = 0 ] || skip "needs root to create network namespaces"
command -v ip >/dev/null 2>&1 || skip "needs ip(8) (Debian package iproute2)"

builddir=${top_builddir:-.}
prog=$builddir/tests/connect/check_connect
[ -x "$prog" ] || { echo "$me: $prog is not built"; exit 99; }

C=sks-conn-c-$$
R=sks-conn-r-$$
cleanup() {
	ip netns del "$C" 2>/dev/null
	ip netns del "$R" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

ip netns add "$C" 2>/dev/null ||
    skip "cannot create a network namespace (ip netns add failed)"
ip netns add "$R" || exit 99
ip link add c0 netns "$C" type veth peer name r0 netns "$R" ||
    skip "cannot create a veth pair (no veth support?)"

set -e
ip -n "$C" link set lo up
ip -n "$R" link set lo up
ip -n "$C" addr add 192.0.2.1/24 dev c0
ip -n "$R" addr add 192.0.2.2/24 dev r0
ip -n "$C" link set c0 up
ip -n "$R" link set r0 up
ip -n "$C" route add 198.51.100.0/25 via 192.0.2.2
ip -n "$R" route add blackhole 198.51.100.0/26
ip -n "$R" route add unreachable 198.51.100.64/26
# Namespace sysctls, through /proc/sys (no procps needed): ip netns exec
# gives the command the namespace's view of /proc/sys/net.
nsctl() {	# namespace, key (slashes), value
	ip netns exec "$1" sh -c "echo '$3' >/proc/sys/$2"
}
nsctl "$R" net/ipv4/ip_forward 1
# Every rejected SYN gets its ICMP error, however fast the tests run.
nsctl "$R" net/ipv4/icmp_ratelimit 0
# A dropped SYN is retried once: ETIMEDOUT after about 3 s.
nsctl "$C" net/ipv4/tcp_syn_retries 1
# One ephemeral port: the second connection to a peer finds none.
nsctl "$C" net/ipv4/ip_local_port_range "40000 40000"
set +e

ip netns exec "$C" env \
    SOCKSHIM_CONNECT_NETNS=1 \
    SKS_NETNS_DROP=198.51.100.1 \
    SKS_NETNS_REJECT=198.51.100.65 \
    SKS_NETNS_NOROUTE=198.51.100.129 \
    SKS_NETNS_LOCAL=192.0.2.1 \
    "$prog"
