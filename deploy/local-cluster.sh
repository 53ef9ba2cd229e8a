#!/usr/bin/env bash
# A Chorus cluster on this machine, for a try-out: Redis, N nodes and HAProxy (deploy/haproxy/haproxy-sticky.cfg),
# all on loopback. Ctrl-C stops them all.
#
#   deploy/local-cluster.sh [--nodes N] [--port PORT]     (defaults: 3 nodes, the proxy on 8080)
#
# Needs redis-server and haproxy (Debian: apt-get install redis-server haproxy). Node i listens on PORT+i with
# route r<i>, and for XMPP clients on PORT+100+i; the proxy takes XMPP's TCP streams on PORT+100 (8180); everything they write (Redis data, logs) goes to a temporary folder printed at start.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nodes=3
port=8080
while [ $# -gt 0 ]; do
  case "$1" in
    --nodes) nodes="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    *) echo "usage: $0 [--nodes N] [--port PORT]" >&2; exit 2 ;;
  esac
done
for tool in redis-server haproxy; do
  command -v "$tool" >/dev/null || { echo "local-cluster: $tool is needed (apt-get install $tool)" >&2; exit 1; }
done

work="$(mktemp -d -t chorus-cluster-XXXX)"
redis_port=$((port + 1000))
pids=()
stop() {
  trap - INT TERM EXIT
  echo "local-cluster: stopping" >&2
  # Nodes first (SIGTERM: they drain), then the proxy and Redis.
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'stop; exit 130' INT TERM

redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --appendonly yes --save "" \
  > "$work/redis.log" 2>&1 &
pids+=($!)

"$root/chorus" --help >/dev/null   # builds once, before the nodes start side by side
http_servers=""
backup_servers=""
xmpp_servers=""
node_pids=()
for i in $(seq 1 "$nodes"); do
  node_port=$((port + i))
  "$root/chorus" serve --host 127.0.0.1 --port "$node_port" --redis "redis://127.0.0.1:$redis_port" \
    --route "r$i" --data "$work/node$i" --trusted-proxies 127.0.0.1 --xmpp-port $((port + 100 + i)) \
    > "$work/node$i.log" 2>&1 &
  pids+=($!)
  node_pids+=($!)
  http_servers+="    server r$i 127.0.0.1:$node_port cookie r$i\n"
  backup_servers+="    server r$i-open 127.0.0.1:$node_port backup no-check\n"
  xmpp_servers+="    server r$i 127.0.0.1:$((port + 100 + i)) check port $node_port\n"
done

# The shipped sticky configuration with this cluster's ports, and its nodes in place of the three in each backend.
awk -v http="$http_servers" -v backup="$backup_servers" -v xmpp="$xmpp_servers" -v port="$port" \
    -v xmpp_port="$((port + 100))" '
  /^    server [abc] 127\.0\.0\.1:808[1-3] / { if (!h++) printf "%s", http; next }
  /^    server [abc]-open / { if (!b++) printf "%s", backup; next }
  /^    server [abc] 127\.0\.0\.1:522[3-5] / { if (!x++) printf "%s", xmpp; next }
  { sub(/127\.0\.0\.1:8080/, "127.0.0.1:" port); sub(/127\.0\.0\.1:5222/, "127.0.0.1:" xmpp_port); print }
' "$root/deploy/haproxy/haproxy-sticky.cfg" > "$work/haproxy.cfg"

for i in $(seq 1 "$nodes"); do
  until curl -fs --max-time 2 "http://127.0.0.1:$((port + i))/health" >/dev/null 2>&1; do
    if ! kill -0 "${node_pids[$((i - 1))]}" 2>/dev/null; then
      echo "local-cluster: node $i did not start (port $((port + i)) taken?):" >&2
      grep -m 1 -E "Exception|ERROR" "$work/node$i.log" >&2 || tail -n 5 "$work/node$i.log" >&2
      exit 1
    fi
    sleep 0.3
  done
done
haproxy -db -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 &
pids+=($!)

echo "local-cluster: $nodes nodes up, logs and data in $work" >&2
echo "local-cluster: open http://127.0.0.1:$port/  (cluster: http://127.0.0.1:$port/cluster) — Ctrl-C stops" >&2
wait
