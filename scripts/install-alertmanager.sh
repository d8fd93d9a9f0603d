#!/bin/sh
# Installs Debian's Alertmanager 0.25 (package prometheus-alertmanager) and
# Prometheus 2.42 (package prometheus): amtool drives the alert API tests
# unchanged, a real Prometheus sends its alerts to the test server, and the
# alert benchmark runs Alertmanager itself beside Steward. Does nothing when
# they are there.
#
#   scripts/install-alertmanager.sh       # as root, or with sudo available
set -eu

if command -v amtool >/dev/null 2>&1 && [ -x /usr/bin/prometheus-alertmanager ] && [ -x /usr/bin/prometheus ]; then
    echo "prometheus-alertmanager and prometheus are installed"
    exit 0
fi

. "$(dirname "$0")/apt-install.sh"
apt_install install-alertmanager prometheus-alertmanager prometheus
