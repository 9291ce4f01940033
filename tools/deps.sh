#!/bin/sh
# Install what building and testing sockshim needs, from Debian's packages.
# Only missing packages are installed; installing needs root (apt-get).
# Usage: tools/deps.sh [extra-package ...]
set -eu

pkgs="gcc make autoconf automake libtool pkg-config check libnsl-dev \
iproute2 dpkg-dev nanomsg-utils nng-utils $*"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages:$missing" >&2
	echo "deps: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
