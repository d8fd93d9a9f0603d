#!/bin/sh
# Installs Debian's HAProxy (package haproxy): the rolling-restart test
# (`cargo nextest run -p steward --test rolling`) runs `/usr/sbin/haproxy`
# as a child in front of three `steward serve` nodes. Does nothing when it
# is there. The package's own service is not needed: the test runs its own
# haproxy with its own configuration.
#
#   scripts/install-proxy.sh          # as root, or with sudo available
set -eu

if [ -x /usr/sbin/haproxy ]; then
    echo "haproxy is installed"
    exit 0
fi

. "$(dirname "$0")/apt-install.sh"
apt_install install-proxy haproxy

if [ ! -x /usr/sbin/haproxy ]; then
    echo "install-proxy: the haproxy package is installed but /usr/sbin/haproxy is missing" >&2
    exit 1
fi
echo "installed: $(/usr/sbin/haproxy -v | head -n 1)"
