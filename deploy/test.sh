#!/usr/bin/env bash
# Installs what is missing, builds everything (tests included) and runs the
# whole test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/setup.sh test
bash deploy/build.sh -DDYSTONIA_BUILD_TESTS=ON -DDYSTONIA_BUILD_BENCHMARKS=ON
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "${JOBS:-2}" \
  --timeout 300
