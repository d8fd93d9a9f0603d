#!/bin/sh
# Installs the real inventory agent the CMDB's inventory tests and fixtures
# come from, from Debian's packages:
#   fusioninventory-agent  posts an XML inventory of the machine (GLPI agent
#                          protocol); `--local DIR` writes it to DIR instead
# Does nothing when it is already there. Runs `apt-get update` only when the
# first install attempt fails (stale package lists).
#
#   scripts/install-inventory.sh     # as root, or with sudo available
#
# To refresh crates/channels/tests/channels/inventory/this-machine.xml (the
# environment and process lists are left out: they are not used and may hold
# secrets):
#   fusioninventory-agent --local /tmp/inv --no-category=printer,environment,process
set -eu

have_agent() { command -v fusioninventory-agent >/dev/null 2>&1 && dpkg-query -W -f='${Status}' fusioninventory-agent 2>/dev/null | grep -q 'install ok installed'; }

if have_agent; then
    echo "fusioninventory-agent is installed"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-inventory: apt-get not found; install fusioninventory-agent yourself" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-inventory: run as root (or install sudo)" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
PACKAGES="fusioninventory-agent"
echo "installing $PACKAGES with apt-get …"
if ! $SUDO apt-get install -y --no-install-recommends $PACKAGES; then
    echo "install-inventory: first attempt failed; refreshing package lists and retrying"
    $SUDO apt-get update
    $SUDO apt-get install -y --no-install-recommends $PACKAGES
fi

if ! have_agent; then
    echo "install-inventory: fusioninventory-agent is not on PATH after installing" >&2
    exit 1
fi
echo "installed: $(fusioninventory-agent --version 2>/dev/null | head -n 1)"
