#!/bin/bash
# Load harness: dystonia.v1.RiskService/Check against grpc.health.v1.Health/Check
# on the same server, in the same run, with h2load sending real gRPC frames.
#
#   bash bench/load.sh [BUILD_DIR]
#
# The server is pinned to core 0 and h2load to core 1 (taskset). Runs go in
# A B B A order (Check, Health, Health, Check), RUN_SECONDS each after a 1 s
# warm-up, at CONNECTIONS connections x STREAMS concurrent streams. Before
# loading, the Check frame must get grpc-status 0: h2load counts HTTP 200 even
# for gRPC errors. Needs h2load and nghttp (Debian: nghttp2-client).
#
# Environment: RUN_SECONDS (3), CONNECTIONS (16), STREAMS (10),
#              REQUEST (bench/requests/check_10.textproto).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
run_seconds=${RUN_SECONDS:-3}
connections=${CONNECTIONS:-16}
streams=${STREAMS:-10}
request=${REQUEST:-bench/requests/check_10.textproto}
server_bin=$build/service/server/dystonia-server
frame_bin=$build/bench/grpc-frame
for tool in h2load nghttp taskset; do
  command -v "$tool" >/dev/null || { echo "load.sh: $tool is missing (apt-get install nghttp2-client util-linux)" >&2; exit 2; }
done
[ -x "$server_bin" ] && [ -x "$frame_bin" ] || { echo "load.sh: build first (bash deploy/test.sh builds the benchmarks)" >&2; exit 2; }

work=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

taskset -c 0 "$server_bin" --listen 127.0.0.1:0 --db_path "$work/db" \
  --knowledge_dir drug_db/knowledge >"$work/server.log" 2>&1 &
server_pid=$!
port=
for _ in $(seq 1 300); do
  port=$(sed -n 's/.*serving on port \([0-9]*\).*/\1/p' "$work/server.log")
  [ -n "$port" ] && break
  sleep 0.02
done
[ -n "$port" ] || { echo "load.sh: server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
url=http://127.0.0.1:$port

"$frame_bin" check "$request" "$work/check.frame"
"$frame_bin" health dystonia.v1.RiskService "$work/health.frame"
grpc_headers=(-H 'content-type: application/grpc' -H 'te: trailers')
for probe in "check:/dystonia.v1.RiskService/Check" "health:/grpc.health.v1.Health/Check"; do
  name=${probe%%:*}; path=${probe#*:}
  if ! nghttp -v "${grpc_headers[@]}" -d "$work/$name.frame" "$url$path" 2>&1 | grep -q 'grpc-status: 0'; then
    echo "load.sh: $path did not answer grpc-status 0" >&2
    nghttp -v "${grpc_headers[@]}" -d "$work/$name.frame" "$url$path" 2>&1 | grep -i 'grpc-' >&2 || true
    exit 1
  fi
done
rss_rest=$(awk '/VmRSS/{print $2}' /proc/$server_pid/status)

# Prints "<req/s> <p50 us> <p99 us>" for one run.
run() {
  local name=$1 path=$2 log=$work/$1.$3.log
  taskset -c 1 h2load -D "$run_seconds" --warm-up-time 1 -c "$connections" -m "$streams" -t 1 \
    "${grpc_headers[@]}" -d "$work/$name.frame" --log-file "$log" "$url$path" >"$work/$name.$3.out"
  local rps failed
  rps=$(sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p' "$work/$name.$3.out")
  failed=$(sed -n 's/^requests: .* \([0-9]*\) failed.*/\1/p' "$work/$name.$3.out")
  [ "${failed:-0}" = 0 ] || { echo "load.sh: $failed failed requests" >&2; cat "$work/$name.$3.out" >&2; exit 1; }
  sort -n -k3 "$log" | awk -v rps="$rps" '{ t[NR] = $3 } END {
    i50 = int(NR * 0.50); if (i50 < 1) i50 = 1
    i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
    printf "%s %d %d\n", rps, t[i50], t[i99] }'
}

printf "server pid %s on core 0, h2load on core 1, %s connections x %s streams, %s s runs\n" \
  "$server_pid" "$connections" "$streams" "$run_seconds"
printf "%-8s %-7s %12s %10s %10s\n" run method "req/s" "p50 us" "p99 us"
results=()
i=0
for method in check health health check; do
  case $method in
    check) path=/dystonia.v1.RiskService/Check ;;
    health) path=/grpc.health.v1.Health/Check ;;
  esac
  i=$((i + 1))
  read -r rps p50 p99 < <(run "$method" "$path" "$i")
  printf "%-8s %-7s %12.0f %10d %10d\n" "$i" "$method" "$rps" "$p50" "$p99"
  results+=("$method $rps $p50 $p99")
done
rss_peak=$(awk '/VmHWM/{print $2}' /proc/$server_pid/status)
printf '%s\n' "${results[@]}" | awk -v rest="$rss_rest" -v peak="$rss_peak" '
  { rps[$1] += $2; p99[$1] += $4; n[$1]++ }
  END {
    c = rps["check"] / n["check"]; h = rps["health"] / n["health"]
    cp = p99["check"] / n["check"]; hp = p99["health"] / n["health"]
    printf "Check %.0f req/s vs Health %.0f req/s: ratio %.2f (target >= 0.90)\n", c, h, c / h
    printf "Check p99 %.0f us vs Health p99 %.0f us: ratio %.2f (target <= 1.20)\n", cp, hp, cp / hp
    printf "server RSS %.1f MB at rest, peak %.1f MB (target <= 64 MB)\n", rest / 1024, peak / 1024
  }'
