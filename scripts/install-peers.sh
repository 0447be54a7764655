#!/usr/bin/env bash
# Installs the real SIP/RTP peers that interop tests drive (Debian packages
# listed in scripts/peer-packages.txt). Idempotent; needs root for apt-get.
set -euo pipefail
cd "$(dirname "$0")"
missing=""
for p in $(grep -v '^#' peer-packages.txt || true); do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "install-peers: missing Debian packages:$missing (run as root, or apt-get install them)" >&2
  exit 1
fi
echo "install-peers: apt-get install$missing"
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
