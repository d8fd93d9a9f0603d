#!/bin/sh
# Installs the real mail servers the tests talk to, from Debian packages:
#   python3-aiosmtpd  an SMTP server (steward-channels' SMTP tests run
#                     `/usr/bin/python3 -m aiosmtpd` as a child process)
#   dovecot-imapd     an IMAP server (for the inbound-mail polling tests)
# Does nothing when both are already there. Runs `apt-get update` only when
# the first install attempt fails (stale package lists).
#
#   scripts/install-mail.sh          # as root, or with sudo available
set -eu

have_aiosmtpd() { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1; }
have_dovecot() { [ -x /usr/sbin/dovecot ] && dpkg-query -W -f='${Status}' dovecot-imapd 2>/dev/null | grep -q 'install ok installed'; }

if have_aiosmtpd && have_dovecot; then
    echo "aiosmtpd and dovecot-imapd are installed"
    exit 0
fi

. "$(dirname "$0")/apt-install.sh"
apt_install install-mail python3-aiosmtpd dovecot-imapd

if ! have_aiosmtpd; then
    echo "install-mail: python3-aiosmtpd is installed but /usr/bin/python3 cannot import aiosmtpd" >&2
    exit 1
fi
echo "installed: aiosmtpd $(/usr/bin/python3 -c 'import aiosmtpd; print(aiosmtpd.__version__)'), $(/usr/sbin/dovecot --version 2>/dev/null | head -n 1 | sed 's/^/dovecot /')"
