# What this folder's own scenarios (failover, idle-large) share: the shared bench's npm dependencies, a quiet machine,
# a private Redis and nodes of one server, stopped again. Sourced; the caller sets `bench` (the shared bench), `work`
# (its scratch folder), `dir` (the run's folder) and `tag` (its name in the log).

# Every process here is started with setsid, so its pid is its process group. (They are disowned, so that bash does
# not report a node's SIGKILL as an error of the script.)
redis_pid='' redis='' nodes=() targets=() helpers=()
log() { echo "[$tag] $*" >&2; }
any_alive() {
  local p
  for p in "$@"; do kill -0 "$p" 2>/dev/null && return 0; done
  return 1
}
# stop PID...: TERM the groups, KILL what is left after 8 s.
stop() {
  local p i
  for p in "$@"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  for i in $(seq 1 80); do any_alive "$@" || break; sleep 0.1; done
  for p in "$@"; do kill -KILL -- "-$p" 2>/dev/null || true; done
}
# What stands before the nodes (proxies: `helpers`), the nodes before Redis, so that a survivor can leave the
# cluster cleanly.
cleanup() {
  [ ${#helpers[@]} -eq 0 ] || stop "${helpers[@]}"
  [ ${#nodes[@]} -eq 0 ] || stop "${nodes[@]}"
  [ -z "$redis_pid" ] || stop "$redis_pid"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# ensure_deps NAME: the shared bench's pinned npm dependencies, installed as its run.sh does (same place, so either
# one's install serves both).
ensure_deps() {
  local src=$bench/$1 dst=$work/$1
  if [ ! -d "$dst/node_modules" ] || ! cmp -s "$src/package.json" "$dst/package.json" ||
    ! cmp -s "$src/package-lock.json" "$dst/package-lock.json"; then
    log "installing npm dependencies of $1 into $dst"
    mkdir -p "$dst" && cp "$src/package.json" "$src/package-lock.json" "$dst/"
    (cd "$dst" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}

# Timings and memory: like run.sh, wait (bounded) for other processes to leave the CPU alone.
wait_quiet() {
  local until=$((SECONDS + ${BENCH_QUIET_WAIT:-60}))
  while [ "$(busy_pct)" -gt 10 ] && [ $SECONDS -lt $until ]; do log "machine busy, waiting"; sleep 2; done
}
busy_pct() {
  local a b
  a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
  local idle=$((b[4] + b[5] - a[4] - a[5])) total=0 k
  for k in 1 2 3 4 5 6 7 8; do total=$((total + b[k] - a[k])); done
  echo $((100 - 100 * idle / (total > 0 ? total : 1)))
}

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

start_redis() {
  local port
  port=$(free_port)
  setsid redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --loglevel warning \
    >"$dir/redis.log" 2>&1 &
  redis_pid=$!
  disown
  for i in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$port" ping >/dev/null 2>&1 || { log "redis did not start; log: $dir/redis.log"; exit 1; }
  redis="redis://127.0.0.1:$port"
}

# start_nodes N TARGET TEMPLATE: N nodes of the peer (TARGET peer) or of TEMPLATE ({port} {redis} {node}, as run.sh)
# on the Redis started; their pids in `nodes`, their URLs in `targets`, once every one answers /health.
start_nodes() {
  local count=$1 target=$2 template=$3 n port cmd
  for n in $(seq 1 "$count"); do
    port=$(free_port)
    if [ "$target" = peer ]; then
      setsid env PORT="$port" REDIS_URL="$redis" NODE_ID="node$n" HOST=127.0.0.1 NODE_PATH="$work/peer/node_modules" \
        node "$bench/peer/server.js" >"$dir/node$n.log" 2>&1 &
    else
      cmd=${template//\{port\}/$port}
      cmd=${cmd//\{redis\}/$redis}
      cmd=${cmd//\{node\}/$n}
      echo "node$n: $cmd" >>"$dir/commands.txt"
      setsid env PORT="$port" REDIS_URL="$redis" NODE_ID="node$n" bash -c "exec $cmd" >"$dir/node$n.log" 2>&1 &
    fi
    nodes+=($!) targets+=("http://127.0.0.1:$port")
    disown
  done
  for n in $(seq 0 $((count - 1))); do
    local deadline=$((SECONDS + ${BENCH_START_TIMEOUT:-90}))
    until curl -sf -o /dev/null --max-time 2 "${targets[n]}/health"; do
      if ! kill -0 "${nodes[n]}" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
        log "node$((n + 1)) did not become healthy; log: $dir/node$((n + 1)).log"
        tail -20 "$dir/node$((n + 1)).log" >&2
        exit 1
      fi
      sleep 0.2
    done
  done
}
