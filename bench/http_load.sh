#!/bin/bash
# Load harness for the CDS Hooks port, used the way EHRs use it: keep-alive
# HTTP/1.1 connections, a realistic order-sign body (bench/requests/
# order_sign_10.json: the patient, one draft haloperidol IM order, ten
# prefetched active orders, no conditions), against the same port's discovery
# document (GET /cds-services) as the trivial reference.
#
#   bash bench/http_load.sh [BUILD_DIR]
#
# The server is pinned to core 0 and h2load (--h1) to core 1. Runs go in
# A B B A order (order-sign, discovery, discovery, order-sign), RUN_SECONDS
# each after a 1 s warm-up, at CONNECTIONS keep-alive connections. Before
# loading, the order-sign body must get 200 with cards. Then FRESH_REQUESTS
# order-sign requests each on a fresh connection (curl) give the fresh-connection
# latency that no keep-alive request should exceed.
#
# Environment: RUN_SECONDS (3), CONNECTIONS (16), FRESH_REQUESTS (200),
#              BODY (bench/requests/order_sign_10.json).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
run_seconds=${RUN_SECONDS:-3}
connections=${CONNECTIONS:-16}
fresh_requests=${FRESH_REQUESTS:-200}
body=${BODY:-bench/requests/order_sign_10.json}
server_bin=$build/service/server/dystonia-server
for tool in h2load curl taskset; do
  command -v "$tool" >/dev/null || { echo "http_load.sh: $tool is missing (bash deploy/setup.sh bench)" >&2; exit 2; }
done
[ -x "$server_bin" ] || { echo "http_load.sh: build first (bash deploy/test.sh)" >&2; exit 2; }

work=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

taskset -c 0 "$server_bin" --listen 127.0.0.1:0 --http_listen 127.0.0.1:0 \
  --db_path "$work/db" --knowledge_dir drug_db/knowledge >"$work/server.log" 2>&1 &
server_pid=$!
port=
for _ in $(seq 1 300); do
  port=$(sed -n 's/.*CDS Hooks on http port \([0-9]*\).*/\1/p' "$work/server.log")
  [ -n "$port" ] && break
  sleep 0.02
done
[ -n "$port" ] || { echo "http_load.sh: server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
base=http://127.0.0.1:$port
sign_url=$base/cds-services/dystonia-risk-order-sign
discovery_url=$base/cds-services

status=$(curl -s -o "$work/answer.json" -w '%{http_code}' -H 'Content-Type: application/json' \
  --data-binary "@$body" "$sign_url")
if [ "$status" != 200 ] || ! grep -q '"cards"' "$work/answer.json"; then
  echo "http_load.sh: order-sign answered $status" >&2; cat "$work/answer.json" >&2; exit 1
fi
printf "order-sign answer: %s bytes, %s cards\n" "$(wc -c <"$work/answer.json")" \
  "$(grep -o '"summary"' "$work/answer.json" | wc -l)"

# Prints "<req/s> <p50 us> <p99 us> <max us>" for one run.
run() {
  local name=$1 log=$work/$1.$2.log args=()
  if [ "$name" = sign ]; then
    args=(-d "$body" -H 'Content-Type: application/json' "$sign_url")
  else
    args=("$discovery_url")
  fi
  taskset -c 1 h2load --h1 -D "$run_seconds" --warm-up-time 1 -c "$connections" -t 1 \
    --log-file "$log" "${args[@]}" >"$work/$name.$2.out"
  local rps failed errored
  rps=$(sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p' "$work/$name.$2.out")
  failed=$(sed -n 's/^requests: .* \([0-9]*\) failed.*/\1/p' "$work/$name.$2.out")
  errored=$(sed -n 's/^status codes: \([0-9]*\) 2xx, \([0-9]*\) 3xx, \([0-9]*\) 4xx, \([0-9]*\) 5xx.*/\3 \4/p' "$work/$name.$2.out")
  [ "${failed:-0}" = 0 ] && [ "$errored" = "0 0" ] || {
    echo "http_load.sh: failed or non-2xx requests" >&2; cat "$work/$name.$2.out" >&2; exit 1; }
  sort -n -k3 "$log" | awk -v rps="$rps" '{ t[NR] = $3 } END {
    i50 = int(NR * 0.50); if (i50 < 1) i50 = 1
    i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
    printf "%s %d %d %d\n", rps, t[i50], t[i99], t[NR] }'
}

printf "server pid %s on core 0, h2load --h1 on core 1, %s keep-alive connections, %s s runs\n" \
  "$server_pid" "$connections" "$run_seconds"
printf "%-5s %-10s %10s %9s %9s %9s\n" run endpoint "req/s" "p50 us" "p99 us" "max us"
results=()
i=0
for name in sign discovery discovery sign; do
  i=$((i + 1))
  run "$name" "$i" >"$work/figures"
  read -r rps p50 p99 max <"$work/figures"
  printf "%-5s %-10s %10.0f %9d %9d %9d\n" "$i" "$name" "$rps" "$p50" "$p99" "$max"
  results+=("$name $rps $p50 $p99 $max")
done

# The same order-sign request, each on a fresh connection (one at a time).
for _ in $(seq 1 "$fresh_requests"); do
  taskset -c 1 curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' \
    --data-binary "@$body" "$sign_url"
done | sort -n | awk '{ t[NR] = $1 * 1e6 } END {
  printf "fresh connection order-sign: p50 %d us, p99 %d us over %d requests\n",
    t[int(NR * 0.5)], t[int(NR * 0.99)], NR }' | tee "$work/fresh.txt"
fresh_p50=$(sed -n 's/.*p50 \([0-9]*\) us.*/\1/p' "$work/fresh.txt")

printf '%s\n' "${results[@]}" | awk -v fresh="$fresh_p50" -v c="$connections" '
  { rps[$1] += $2; p99[$1] += $4; n[$1]++; if ($5 > worst[$1]) worst[$1] = $5 }
  END {
    s = rps["sign"] / n["sign"]; d = rps["discovery"] / n["discovery"]
    printf "order-sign %.0f req/s vs discovery %.0f req/s at %d connections: ratio %.2f (target >= 0.50)\n", s, d, c, s / d
    printf "order-sign p99 %.0f us (target <= 5000 us)\n", p99["sign"] / n["sign"]
    printf "slowest keep-alive order-sign %d us; fresh-connection median %d us (at %d connections a keep-alive request also queues behind the others)\n", worst["sign"], fresh, c
  }'
