#!/bin/sh
# Installs Debian's Nagios plugins, which steward-channels' check tests run
# unchanged (/usr/lib/nagios/plugins/check_dummy, check_tcp, …).
# Does nothing when they are already there.
#
#   scripts/install-plugins.sh       # as root, or with sudo available
set -eu

if [ -x /usr/lib/nagios/plugins/check_dummy ] && [ -x /usr/lib/nagios/plugins/check_tcp ]; then
    echo "monitoring-plugins-basic is installed"
    exit 0
fi

. "$(dirname "$0")/apt-install.sh"
apt_install install-plugins monitoring-plugins-basic
