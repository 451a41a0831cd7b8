#!/usr/bin/env bash
# Runs a command against a live dystonia-server on a free port.
#
#   bash tests/clients/with_server.sh [--secure] BUILD_DIR COMMAND [ARGS...]
#
# --secure: the server requires mutual TLS and a bearer token (role reader);
# certificates are made by clients/examples/make_test_pki.sh (the lines the
# READMEs show), and COMMAND also gets
# DYSTONIA_TLS_CA, DYSTONIA_TLS_CERT, DYSTONIA_TLS_KEY (PEM files: the CA,
# a client certificate and its key) and DYSTONIA_TOKEN.
#
# Starts BUILD_DIR/service/server/dystonia-server on 127.0.0.1:0 with a fresh
# store (seeded from drug_db/knowledge), waits for its "serving on port N"
# line, runs COMMAND with DYSTONIA_SERVER=127.0.0.1:N in the environment,
# stops the server and exits with COMMAND's status (or 125 when the server
# could not be started).
set -uo pipefail

secure=""
if [ "${1:-}" = "--secure" ]; then
  secure=1
  shift
fi
if [ $# -lt 2 ]; then
  echo "usage: with_server.sh [--secure] BUILD_DIR COMMAND [ARGS...]" >&2
  exit 125
fi
build_dir=$1
shift
repo=$(cd "$(dirname "$0")/../.." && pwd)
server_bin="$build_dir/service/server/dystonia-server"
if [ ! -x "$server_bin" ]; then
  echo "with_server: $server_bin not built" >&2
  exit 125
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/dystonia-client-test.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null
    for _ in $(seq 1 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

security_flags=()
if [ -n "$secure" ]; then
  pki="$work/pki"
  mkdir -p "$pki"
  if ! (
    bash "$repo/clients/examples/make_test_pki.sh" "$pki"
  ) >"$work/openssl.log" 2>&1; then
    echo "with_server: openssl could not make certificates:" >&2
    cat "$work/openssl.log" >&2
    exit 125
  fi
  token=$(openssl rand -hex 24)
  printf 'client-test reader %s\n' \
    "$(printf %s "$token" | sha256sum | cut -d' ' -f1)" >"$work/tokens"
  chmod 600 "$work/tokens"
  security_flags=(--tls_cert "$pki/server.pem" --tls_key "$pki/server.key"
                  --tls_client_ca "$pki/ca.pem" --tokens_file "$work/tokens")
  export DYSTONIA_TLS_CA="$pki/ca.pem" DYSTONIA_TLS_CERT="$pki/client.pem"
  export DYSTONIA_TLS_KEY="$pki/client.key" DYSTONIA_TOKEN="$token"
fi

"$server_bin" --listen 127.0.0.1:0 --db_path "$work/db" \
  --knowledge_dir "$repo/drug_db/knowledge" --shutdown_grace_seconds 1 \
  "${security_flags[@]}" >"$work/server.log" 2>&1 &
server_pid=$!

port=""
for _ in $(seq 1 600); do  # up to 60 s: the first start imports the bundle
  port=$(sed -n 's/.*serving on port \([0-9][0-9]*\).*/\1/p' "$work/server.log" | head -n 1)
  [ -n "$port" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "with_server: dystonia-server exited before serving:" >&2
    cat "$work/server.log" >&2
    exit 125
  fi
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "with_server: dystonia-server did not report its port in 60 s:" >&2
  cat "$work/server.log" >&2
  exit 125
fi
echo "with_server: $(grep -m1 'serving on port' "$work/server.log")" >&2

DYSTONIA_SERVER="127.0.0.1:$port" "$@"
status=$?
if [ "$status" -ne 0 ]; then
  echo "with_server: command exited $status; server log:" >&2
  cat "$work/server.log" >&2
fi
exit "$status"
