#!/bin/sh
# Installs Debian's Alertmanager 0.25 (package prometheus-alertmanager):
# its amtool drives the alert API tests unchanged, and the alert benchmark
# runs Alertmanager itself beside Steward. Does nothing when amtool is there.
#
#   scripts/install-alertmanager.sh       # as root, or with sudo available
set -eu

if command -v amtool >/dev/null 2>&1 && [ -x /usr/bin/prometheus-alertmanager ]; then
    echo "prometheus-alertmanager is installed"
    exit 0
fi

. "$(dirname "$0")/apt-install.sh"
apt_install install-alertmanager prometheus-alertmanager
