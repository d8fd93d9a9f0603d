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

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: apt-get not found; install Chromium and a matching chromedriver yourself" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-browser: run as root (or install sudo)" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "installing chromium and chromium-driver with apt-get …"
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium chromium-driver

if [ ! -x /usr/bin/chromedriver ]; then
    echo "install-browser: chromium-driver is installed but /usr/bin/chromedriver is missing" >&2
    exit 1
fi
echo "installed: $(/usr/bin/chromedriver --version | head -n 1)"
