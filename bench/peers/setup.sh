#!/usr/bin/env bash
# Installs and prepares the benchmark peers on Debian 12: INN2 (NNTP streaming),
# postfix's smtp-source/smtp-sink (SMTP) and Dovecot (IMAP).
#
# Run as root; safe to run again (each step checks first). It starts no daemon and
# opens no port: the benchmarks and tests start each peer themselves, on 127.0.0.1, on a
# free port, with a private configuration in a scratch folder, and stop it afterwards.
# The system-wide configuration it writes only keeps INN2 on loopback should anyone
# start it by hand.
#
# Usage: sudo bash bench/peers/setup.sh
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: run as root (it installs Debian packages)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    apt-get update -q
    apt_updated=1
  fi
  apt-get install -y -q --no-install-recommends "$@"
}

# Package scripts must not start the daemons: a policy-rc.d that refuses every start,
# present only while this script runs (unless the machine already has one).
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\n# bench/peers/setup.sh: no daemon starts during package installation\nexit 101\n' \
    >/usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi

# postfix: only its test tools (smtp-source, smtp-sink) are used. "No configuration"
# leaves no main.cf, so no MTA is set up.
if ! installed postfix; then
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  apt_install postfix
fi
# INN2's post-install adds a mail alias with newaliases, which needs postfix's main.cf.
if [ ! -e /etc/postfix/main.cf ]; then
  cp /usr/share/postfix/main.cf.debian /etc/postfix/main.cf
fi

# INN2: its post-install fails until inn.conf names a domain. Unpack, configure
# inn.conf for loopback, then finish the installation.
set_inn_conf() { # KEY VALUE: replace or append `KEY: VALUE` in /etc/news/inn.conf
  if grep -qE "^#?[[:space:]]*$1:" /etc/news/inn.conf; then
    sed -i -E "s|^#?[[:space:]]*$1:.*|$1: $2|" /etc/news/inn.conf
  else
    printf '%s: %s\n' "$1" "$2" >>/etc/news/inn.conf
  fi
}
unset_inn_conf() { # KEY: comment out KEY in /etc/news/inn.conf
  sed -i -E "s|^[[:space:]]*($1:.*)|#\1|" /etc/news/inn.conf
}
if ! installed inn2; then
  apt_install inn2 || true # the post-install fails the first time; fixed below
  if [ ! -e /etc/news/inn.conf ]; then
    echo "setup.sh: inn2 did not unpack (no /etc/news/inn.conf)" >&2
    exit 1
  fi
fi
set_inn_conf domain localdomain
set_inn_conf pathhost localhost
set_inn_conf port 1119
set_inn_conf bindaddress 127.0.0.1
# With bindaddress alone, innd opens only that IPv4 socket ("none" is not a valid value).
unset_inn_conf bindaddress6
if ! installed inn2; then
  dpkg --configure inn2
fi

if ! installed dovecot-imapd; then
  apt_install dovecot-imapd
fi

for tool in /usr/lib/news/bin/innd /usr/lib/news/bin/ctlinnd /usr/sbin/smtp-source \
  /usr/sbin/smtp-sink /usr/sbin/dovecot; do
  if [ ! -x "$tool" ]; then
    echo "setup.sh: $tool is missing after installation" >&2
    exit 1
  fi
done
echo "setup.sh: INN2, postfix's smtp-source/smtp-sink and Dovecot are ready (no daemon started)"
