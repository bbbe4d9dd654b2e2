#!/usr/bin/env bash
# Virtuoso Open Source 7 for the remote-store tests (tests/servers.py), from Debian's archive
# (package virtuoso-opensource), installed only when virtuoso-t is missing.
#
# The tests never use the system service: each run starts a private virtuoso-t on loopback
# with a temporary database. So the package's own instance gets a random dba password
# (preseeded through debconf, never printed) and is stopped and disabled after installation.
# Needs root (as on CI) or sudo; without either it says what to install and stops.
set -euo pipefail

if command -v virtuoso-t >/dev/null 2>&1; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "virtuoso-t is missing and this system has no apt-get: install Virtuoso Open Source 7 (virtuoso-t on PATH)" >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo -n)
else
  echo "virtuoso-t is missing: install the Debian package virtuoso-opensource as root" >&2
  exit 1
fi

echo "installing system package: virtuoso-opensource"
password="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
printf '%s\n' \
  "virtuoso-opensource-7 virtuoso-opensource-7/dba-password password ${password}" \
  "virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password ${password}" \
  | "${sudo[@]}" debconf-set-selections
unset password

"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends virtuoso-opensource

# The system instance is not needed: stop it and keep it from starting at boot.
"${sudo[@]}" sh -c 'invoke-rc.d virtuoso-opensource-7 stop >/dev/null 2>&1 || true'
"${sudo[@]}" sh -c 'update-rc.d virtuoso-opensource-7 disable >/dev/null 2>&1 || true'

command -v virtuoso-t >/dev/null 2>&1 || {
  echo "virtuoso-opensource was installed but virtuoso-t is not on PATH" >&2
  exit 1
}
