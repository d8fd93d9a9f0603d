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

. "$(dirname "$0")/apt-install.sh"
apt_install install-inventory fusioninventory-agent

if ! have_agent; then
    echo "install-inventory: fusioninventory-agent is not on PATH after installing" >&2
    exit 1
fi
echo "installed: $(fusioninventory-agent --version 2>/dev/null | head -n 1)"
