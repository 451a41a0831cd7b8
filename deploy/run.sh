#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and runs dystonia-server on
# 127.0.0.1:50051 (gRPC) and 127.0.0.1:8080 (HTTP: CDS Hooks, the JSON API,
# the knowledge browser at /kb/) with its RocksDB store under data/ (seeded
# on first start from the bundled knowledge base in drug_db/knowledge/), so
# every README example talks to this one server. LISTEN and HTTP_LISTEN
# change the addresses; more flags may follow. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/build.sh -DDYSTONIA_BUILD_TESTS=OFF -DDYSTONIA_BUILD_BENCHMARKS=OFF
mkdir -p data
exec "${BUILD_DIR:-build}/service/server/dystonia-server" \
  --listen "${LISTEN:-127.0.0.1:50051}" \
  --http_listen "${HTTP_LISTEN:-127.0.0.1:8080}" \
  --db_path data/dystonia-db \
  --knowledge_dir drug_db/knowledge "$@"
