#!/bin/sh
# Installs Debian's OpenLDAP server and tools (packages slapd and
# ldap-utils): the directory sign-in tests (`cargo nextest run -p
# steward-web --test api ldap`) run `/usr/sbin/slapd` as a child on a free
# 127.0.0.1 port with their own configuration, fill it with `slapadd` and
# change it with `ldapmodify`. Does nothing when they are there. The
# package's own service is not needed: if the package started one, it is
# stopped and kept from starting at boot.
#
#   scripts/install-ldap.sh          # as root, or with sudo available
set -eu

if [ -x /usr/sbin/slapd ] && [ -x /usr/sbin/slapadd ] && [ -x /usr/bin/ldapmodify ]; then
    echo "slapd and ldap-utils are installed"
    exit 0
fi

. "$(dirname "$0")/apt-install.sh"
# slapd asks for a domain and an admin password: non-interactively it
# takes defaults, which the tests never use.
apt_install install-ldap slapd ldap-utils

for tool in /usr/sbin/slapd /usr/sbin/slapadd /usr/bin/ldapmodify; do
    if [ ! -x "$tool" ]; then
        echo "install-ldap: slapd and ldap-utils are installed but $tool is missing" >&2
        exit 1
    fi
done
# The package's own server (on port 389), where an init system started it.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet slapd 2>/dev/null; then
    systemctl stop slapd || true
    systemctl disable slapd || true
elif [ -x /etc/init.d/slapd ] && /etc/init.d/slapd status >/dev/null 2>&1; then
    /etc/init.d/slapd stop || true
fi
echo "installed: $(/usr/sbin/slapd -VV 2>&1 | head -n 1)"
