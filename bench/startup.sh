#!/bin/bash
# Start-up time and memory: from exec to SERVING (the server logs "serving on
# port" after health turns SERVING) with the full knowledge base, on a fresh
# data directory (which includes importing it) and on an existing one; then
# the server's RSS at rest.
#
#   bash bench/startup.sh [BUILD_DIR] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
runs=${2:-5}
server_bin=$build/service/server/dystonia-server
[ -x "$server_bin" ] || { echo "startup.sh: build first" >&2; exit 2; }
work=$(mktemp -d)
trap 'pkill -f "$work/db" 2>/dev/null; rm -rf "$work"' EXIT

# Prints milliseconds from exec to the SERVING line; leaves the server running
# with its pid in $work/pid.
start_once() {
  local start end
  : >"$work/log"
  start=$(date +%s%N)
  "$server_bin" --listen 127.0.0.1:0 --db_path "$work/db" --knowledge_dir drug_db/knowledge \
    >"$work/log" 2>&1 &
  echo $! >"$work/pid"
  until grep -q "serving on port" "$work/log"; do
    kill -0 "$(cat "$work/pid")" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
    sleep 0.001
  done
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

stop() { kill "$(cat "$work/pid")"; wait "$(cat "$work/pid")" 2>/dev/null || true; }

for label in fresh existing; do
  times=()
  for _ in $(seq 1 "$runs"); do
    [ "$label" = fresh ] && rm -rf "$work/db"
    times+=("$(start_once)")
    rss=$(awk '/VmRSS/{print $2}' /proc/"$(cat "$work/pid")"/status)
    stop
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')
  printf "start to SERVING, %-8s data directory: %s ms (runs: %s); RSS at rest %.1f MB\n" \
    "$label" "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")" \
    "$sorted" "$(echo "$rss" | awk '{print $1 / 1024}')"
done
