#!/bin/sh
# Happy Eyeballs with a dead IPv6 address: runs tests/dial/check_dial's
# namespace suite inside a network namespace made for it, where
# 2001:db8:dead::/64 is routed to a neighbour that never answers (connects
# stay pending) and a hosts file maps test names to address lists.
# `ip netns exec` mounts /etc/netns/NAME/hosts over /etc/hosts for the
# programs it runs.  Needs root and ip(8); exits 77 (skip) otherwise.
set -u
builddir=${top_builddir:-.}
prog=$builddir/tests/dial/check_dial

if [ "$(id -u)" != 0 ]; then
	echo "netns: skipped: needs root to create a network namespace"
	exit 77
fi
if ! command -v ip >/dev/null 2>&1; then
	echo "netns: skipped: ip(8) is not installed"
	exit 77
fi

ns=sks-dial-$$
etc=/etc/netns/$ns
cleanup() {
	ip netns del "$ns" 2>/dev/null
	rm -rf "$etc"
	rmdir /etc/netns 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

if ! ip netns add "$ns" 2>/dev/null; then
	echo "netns: skipped: cannot create a network namespace here"
	exit 77
fi
if ! mkdir -p "$etc" 2>/dev/null; then
	echo "netns: skipped: cannot write $etc"
	exit 77
fi
cat >"$etc/hosts" <<HOSTS
127.0.0.1 localhost
::1 localhost
2001:db8:dead::1 sks-dial-dual
127.0.0.1 sks-dial-dual
::1 sks-dial-both
127.0.0.1 sks-dial-both
2001:db8:dead::1 sks-dial-order
2001:db8:dead::2 sks-dial-order
127.0.0.3 sks-dial-order
127.0.0.4 sks-dial-order
2001:db8:dead::1 sks-dial-dead6
HOSTS

set -e
ip -n "$ns" link set lo up
# A veth pair whose far end drops frames that are not for its address:
# our packets to the dead prefix go to a made-up neighbour and vanish.
if ! ip -n "$ns" link add sksd0 type veth peer name sksd1 2>/dev/null; then
	echo "netns: skipped: no veth support in this kernel"
	exit 77
fi
ip -n "$ns" link set sksd0 up
ip -n "$ns" link set sksd1 up
ip -n "$ns" -6 addr add 2001:db8:1::2/64 dev sksd0 nodad
ip -n "$ns" -6 neigh add fe80::dead dev sksd0 lladdr 02:00:00:00:de:ad \
    nud permanent
ip -n "$ns" -6 route add 2001:db8:dead::/64 via fe80::dead dev sksd0
set +e

SKS_DIAL_NETNS=1 ip netns exec "$ns" "$prog"
