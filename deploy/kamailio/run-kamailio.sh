#!/usr/bin/env bash
# Starts Kamailio 5.6 (Debian `kamailio`) in the foreground as the dispatcher in front of the
# Trunkline nodes listed in a dispatcher list file (see dispatcher.list.example).
#
#   run-kamailio.sh LIST_FILE [SIP_PORT=5060] [SIP_ADDRESS=127.0.0.1] [PING_INTERVAL=1] [FR_TIMER_MS=1000]
#
# Renders kamailio.cfg into a private run directory, checks it (kamailio -c), then execs
# kamailio -DD -E (no daemon, logs on stderr), so the caller's SIGTERM stops it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
list="${1:?usage: run-kamailio.sh LIST_FILE [SIP_PORT] [SIP_ADDRESS] [PING_INTERVAL] [FR_TIMER_MS]}"
port="${2:-5060}"
address="${3:-127.0.0.1}"
ping="${4:-1}"
fr="${5:-1000}"
list="$(cd "$(dirname "$list")" && pwd)/$(basename "$list")"
run="$(mktemp -d "${TMPDIR:-/tmp}/trunkline-kamailio.XXXXXX")"
sed -e "s|@@SIP_ADDRESS@@|$address|g" -e "s|@@SIP_PORT@@|$port|g" -e "s|@@LIST_FILE@@|$list|g" \
    -e "s|@@PING_INTERVAL@@|$ping|g" -e "s|@@FR_TIMER_MS@@|$fr|g" -e "s|@@RUN_DIR@@|$run|g" \
    "$here/kamailio.cfg" > "$run/kamailio.cfg"
kamailio -c -f "$run/kamailio.cfg" >/dev/null 2>"$run/check.log" || { cat "$run/check.log" >&2; exit 1; }
exec kamailio -DD -E -m 64 -M 8 -f "$run/kamailio.cfg" -P "$run/kamailio.pid" -Y "$run"
