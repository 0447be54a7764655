#!/usr/bin/env bash
# Starts N `trunkline echo` nodes on loopback and Kamailio's dispatcher in front of them.
#
#   start-fleet.sh [N=3] [SIP_PORT=5060] [FIRST_NODE_PORT=5071] [FIRST_METRICS_PORT=9464]
#
# Node i listens on UDP FIRST_NODE_PORT+i, serves /metrics, /health and POST /drain on
# FIRST_METRICS_PORT+i, uses its own RTP range (20000+1000*i ...) and writes call records to
# ./fleet/node-i.jsonl. Calls go to sip:echo@127.0.0.1:SIP_PORT. Ctrl-C stops everything.
# Drain node i: kill -USR1 <its pid> (printed below), or curl -X POST 127.0.0.1:<metrics port>/drain.
# Needs `pnpm build` first (runs packages/trunkline/dist/main.js) and Debian's kamailio.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
n="${1:-3}"
sip="${2:-5060}"
first="${3:-5071}"
metrics="${4:-9464}"
state="$PWD/fleet"
mkdir -p "$state"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
: > "$state/dispatcher.list"
for ((i = 0; i < n; i++)); do
  port=$((first + i))
  rtp=$((20000 + 1000 * i))
  node "$repo/packages/trunkline/dist/main.js" echo --transports udp --bind 127.0.0.1 --port "$port" \
    --rtp-ports "$rtp-$((rtp + 999))" --metrics-port $((metrics + i)) --call-records "$state/node-$i.jsonl" --json \
    > "$state/node-$i.log" 2>&1 &
  pids+=($!)
  echo "node $i: pid $! sip:127.0.0.1:$port metrics http://127.0.0.1:$((metrics + i))/metrics"
  echo "1 sip:127.0.0.1:$port 0 0" >> "$state/dispatcher.list"
done
"$here/run-kamailio.sh" "$state/dispatcher.list" "$sip" 127.0.0.1 1 1000 2> "$state/kamailio.log" &
pids+=($!)
echo "kamailio: pid $! sip:echo@127.0.0.1:$sip (log $state/kamailio.log)"
wait -n
