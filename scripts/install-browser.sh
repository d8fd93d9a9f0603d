#!/bin/sh
# Installs what the UI tests drive: Debian's Chromium and its chromedriver
# (packages chromium and chromium-driver). Never a browser downloaded by a
# test tool. Does nothing when chromedriver is already there.
#
#   scripts/install-browser.sh          # as root, or with sudo available
#
# The browser test looks for /usr/bin/chromedriver and /usr/bin/chromium
# (override with CHROMEDRIVER and CHROMIUM).
set -eu

if [ -x /usr/bin/chromedriver ] && [ -x /usr/bin/chromium ]; then
    echo "chromium and chromedriver are installed: $(/usr/bin/chromedriver --version 2>/dev/null | head -n 1)"
    exit 0
fi

. "$(dirname "$0")/apt-install.sh"
apt_install install-browser chromium chromium-driver

if [ ! -x /usr/bin/chromedriver ]; then
    echo "install-browser: chromium-driver is installed but /usr/bin/chromedriver is missing" >&2
    exit 1
fi
echo "installed: $(/usr/bin/chromedriver --version | head -n 1)"
